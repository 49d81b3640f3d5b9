from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..states import READ_ONLY_STATES, Status


class Channel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    EMAIL = "email", pgettext_lazy("channel", "E-mail")
    WEB = "web", pgettext_lazy("channel", "Web form")
    STORE = "store", pgettext_lazy("channel", "In person / store")
    CHAT = "chat", pgettext_lazy("channel", "Online chat")
    SOCIAL = "social", pgettext_lazy("channel", "Social media")
    LETTER = "letter", pgettext_lazy("channel", "Letter / fax")
    REGULATOR = "regulator", pgettext_lazy("channel", "Regulator transfer (12315)")
    API = "api", pgettext_lazy("channel", "Other system (API)")


class Demand(models.TextChoices):
    REFUND = "refund", pgettext_lazy("demand", "Refund")
    EXCHANGE = "exchange", pgettext_lazy("demand", "Exchange")
    REPAIR = "repair", pgettext_lazy("demand", "Repair")
    COMPENSATION = "compensation", pgettext_lazy("demand", "Compensation")
    APOLOGY = "apology", pgettext_lazy("demand", "Apology")
    IMPROVEMENT = "improvement", pgettext_lazy("demand", "Improvement")
    OTHER = "other", pgettext_lazy("demand", "Other")


class SolutionType(models.TextChoices):
    REFUND = "refund", pgettext_lazy("solution", "Refund")
    EXCHANGE = "exchange", pgettext_lazy("solution", "Exchange")
    REPAIR = "repair", pgettext_lazy("solution", "Repair")
    DISCOUNT = "discount", pgettext_lazy("solution", "Discount / voucher")
    GIFT = "gift", pgettext_lazy("solution", "Gift")
    APOLOGY = "apology", pgettext_lazy("solution", "Apology")
    COMPENSATION = "compensation", pgettext_lazy("solution", "Compensation")
    PROCESS_CHANGE = "process_change", pgettext_lazy("solution", "Process change")
    OTHER = "other", pgettext_lazy("solution", "Other")


class ReviewState(models.TextChoices):
    NOT_NEEDED = "", pgettext_lazy("review", "Not needed")
    PENDING = "pending", pgettext_lazy("review", "Awaiting review")
    APPROVED = "approved", pgettext_lazy("review", "Approved")


class Complaint(models.Model):
    """The complaint handling form (投诉处理单). Changed only by complaints.actions."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NEW)
    version = models.PositiveIntegerField(_("version"), default=1)
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)

    # Complainant (R-REC-2)
    customer = models.ForeignKey(
        "complaints.Customer", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )

    # Subject (R-REC-3)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    store = models.CharField(_("store / site"), max_length=200, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    product_model = models.CharField(_("model"), max_length=100, blank=True)
    product_code = models.CharField(_("product code"), max_length=64, blank=True)
    batch_no = models.CharField(_("batch / lot no."), max_length=64, blank=True)
    order_no = models.CharField(_("order no."), max_length=64, blank=True)
    # The number the complaint had in the system or spreadsheet it came from (an import, another system).
    legacy_no = models.CharField(_("legacy number"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity affected"), null=True, blank=True)
    amount = models.DecimalField(_("amount involved (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    people_involved = models.CharField(_("people involved"), max_length=200, blank=True)

    # Content (R-REC-4)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    demand = models.CharField(_("customer demand"), max_length=20, choices=Demand.choices, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)

    # Classification (R-REC-5)
    category = models.ForeignKey(
        "complaints.Category", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("type")
    )
    severity = models.CharField(_("severity"), max_length=20, blank=True)
    priority = models.CharField(_("priority"), max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(_("handling level"), null=True, blank=True)
    justified = models.BooleanField(_("justified"), null=True, blank=True)
    rule_hits = models.JSONField(_("rule hits"), default=list, blank=True)
    ruleset = models.ForeignKey(
        "rules.RuleSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("classified by rule set"),
    )
    # What the rules and the text analyser suggested at intake: {"type_code", "severity", "priority", "level",
    # "risks": [{risk, term, reason}], "reasons": {field: reason}}. Kept as it was, so that the agent's
    # final classification can be compared with it (suggestion accuracy).
    suggestion = models.JSONField(_("suggestion"), default=dict, blank=True)
    repeat_count = models.PositiveIntegerField(_("repeat count"), default=0)
    # Earlier complaints about the same matter, found at intake (repeats.find_repeats): kept as found. Links staff
    # make by hand, with a kind, are ComplaintLink rows.
    linked = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("linked complaints"))
    # Set once, by merging.do_merge: the complaint this duplicate was merged into (the survivor).
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_complaints",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    # The handling round in which leadership was told this is a major complaint (五清楚一报告): once a round.
    major_round = models.PositiveSmallIntegerField(_("reported as major in round"), null=True, blank=True)
    # The nearest running, unpaused deadline: what the inbox sorts on and `overdue` compares with now.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)

    # Handling (R-REC-6)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
        verbose_name=_("owner"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("responsible department"),
    )
    collaborators = models.ManyToManyField(
        "accounts.Department",
        blank=True,
        related_name="collaborating_complaints",
        verbose_name=_("collaborating departments"),
    )
    clock_paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)

    solution_type = models.CharField(_("solution type"), max_length=20, choices=SolutionType.choices, blank=True)
    solution_detail = models.TextField(_("solution"), blank=True)
    compensation_amount = models.DecimalField(
        _("compensation (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    customer_accepted = models.BooleanField(_("customer accepted"), null=True, blank=True)
    customer_comment = models.TextField(_("customer's comment"), blank=True)
    resolution_summary = models.TextField(_("resolution"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    close_reason = models.TextField(_("close reason"), blank=True)
    reject_reason = models.TextField(_("reason not justified"), blank=True)
    reject_reply = models.TextField(_("reply to the customer"), blank=True)
    review_state = models.CharField(
        _("review"), max_length=20, choices=ReviewState.choices, blank=True, default=ReviewState.NOT_NEEDED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    # Earlier handling rounds, newest last: what was proposed, done and rated before a reopen.
    round_history = models.JSONField(_("earlier rounds"), default=list, blank=True)

    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    # Lower-cased text of title, description, customer, product, batch and order: what `q` searches.
    search_text = models.TextField(editable=False, default="")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        # Each list the API and the inbox offer reads one of these in its order and stops after a page: the API
        # lists newest first (-id) under each filter, the inbox by received (-received_at, -id) under its tabs
        # and filters; early warning and repeats look back over received_at per product code, batch, order and
        # customer; reports aggregate over received_at ranges.
        indexes = [
            models.Index(fields=["status", "-id"], name="complaint_status_idx"),
            models.Index(fields=["department", "-id"], name="complaint_dept_idx"),
            models.Index(fields=["owner", "-id"], name="complaint_owner_idx"),
            models.Index(fields=["severity", "-id"], name="complaint_severity_idx"),
            models.Index(fields=["priority", "-id"], name="complaint_priority_idx"),
            models.Index(fields=["category", "-id"], name="complaint_category_idx"),
            models.Index(fields=["-received_at", "-id"], name="complaint_received_idx"),
            models.Index(fields=["status", "-received_at", "-id"], name="complaint_status_received_idx"),
            models.Index(fields=["department", "-received_at", "-id"], name="complaint_dept_received_idx"),
            models.Index(fields=["owner", "-received_at", "-id"], name="complaint_owner_received_idx"),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer_idx"),
            models.Index(fields=["product_code", "received_at"], name="complaint_product_code_idx"),
            models.Index(fields=["batch_no", "received_at"], name="complaint_batch_idx"),
            models.Index(fields=["order_no", "received_at"], name="complaint_order_idx"),
            models.Index(fields=["next_due_at"], name="complaint_next_due_idx"),
            # The dashboard's "closed per day" and the reports count closings over a period.
            models.Index(fields=["closed_at"], condition=Q(closed_at__isnull=False), name="complaint_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_5",
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="complaint_amount_ge_0"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=3), name="complaint_level_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def type_code(self) -> str | None:
        return self.category.code if self.category_id else None

    @property
    def is_read_only(self) -> bool:
        return self.status in READ_ONLY_STATES


class IdempotencyKey(models.Model):
    """Remembers a caller's Idempotency-Key so a retried create returns the first complaint."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.complaint_id}"
