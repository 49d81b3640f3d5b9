"""After-sales service orders (派工单, R-SVC-1..3): the order, its price lines, photos, timeline and clocks, and the
two tables the administrator keeps: the technicians (skills, areas, daily capacity) and the products' warranty
periods."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .states import Status

PRICE_MAX = Decimal("1000000.00")


class ServiceClass(models.TextChoices):
    """Seed 003 售后服务管理办法 (六): the four kinds of service work."""

    PAID = "A", pgettext_lazy("service class", "A · Paid service")
    CONTRACT = "B", pgettext_lazy("service class", "B · Contract service")
    FREE = "C", pgettext_lazy("service class", "C · Free (warranty) service")
    INTERNAL = "D", pgettext_lazy("service class", "D · Internal work")


# Classes that never carry a fee for the customer.
FEE_FREE = frozenset({ServiceClass.FREE, ServiceClass.INTERNAL})


class Mode(models.TextChoices):
    ONSITE = "onsite", pgettext_lazy("service mode", "On site")
    TAKEBACK = "takeback", pgettext_lazy("service mode", "Take back for repair (携回修护)")


class LineKind(models.TextChoices):
    PART = "part", pgettext_lazy("service line", "Part")
    LABOUR = "labour", pgettext_lazy("service line", "Labour")


class QuoteState(models.TextChoices):
    NONE = "", pgettext_lazy("quote", "No quote")
    PENDING = "pending", pgettext_lazy("quote", "Awaiting the customer's confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("quote", "Confirmed by the customer")


class Technician(models.Model):
    """A handler who goes out on service orders: what he can repair, where he works, how much a day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technician", verbose_name=_("user")
    )
    skills = models.JSONField(_("skills"), default=list, blank=True, help_text=_("Product lines he repairs."))
    areas = models.JSONField(_("areas"), default=list, blank=True, help_text=_("Districts he covers."))
    daily_capacity = models.PositiveSmallIntegerField(_("orders per day"), default=6)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")
        constraints = [models.CheckConstraint(condition=Q(daily_capacity__gte=1), name="technician_capacity_positive")]

    def __str__(self) -> str:
        return str(self.user)


class ProductWarranty(models.Model):
    """How long a product is under warranty from its purchase date (a product code or name)."""

    product = models.CharField(_("product code or name"), max_length=200, unique=True)
    months = models.PositiveSmallIntegerField(_("warranty (months)"))

    class Meta:
        ordering = ["product"]
        verbose_name = _("product warranty")
        verbose_name_plural = _("product warranties")

    def __str__(self) -> str:
        return f"{self.product} · {self.months}"


class ServiceOrder(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_orders",
        verbose_name=_("complaint"),
    )
    customer = models.ForeignKey(
        "complaints.Customer", on_delete=models.PROTECT, related_name="service_orders", verbose_name=_("customer")
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=200)
    product_code = models.CharField(_("product code"), max_length=64, blank=True)
    skill = models.CharField(_("skill needed"), max_length=100, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    fault = models.TextField(_("fault"))
    service_class = models.CharField(_("service class"), max_length=1, choices=ServiceClass.choices)
    contract_no = models.CharField(_("service contract no."), max_length=64, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    appointment_at = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_orders",
        verbose_name=_("technician"),
    )
    dispatch_reason = models.TextField(_("why this technician"), blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    # Take-back (携回修护): the goods, their condition and accessories, the promised return; returned at completion.
    items = models.JSONField(_("goods taken back"), default=list, blank=True)
    received_at = models.DateTimeField(_("taken back at"), null=True, blank=True)
    promised_at = models.DateField(_("promised return date"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    quote_state = models.CharField(_("quote"), max_length=10, choices=QuoteState.choices, blank=True, default="")
    quote_confirmed_at = models.DateTimeField(_("quote confirmed at"), null=True, blank=True)
    quote_confirmed_by = models.CharField(_("quote confirmed by"), max_length=150, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    fee = models.DecimalField(_("fee (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)
    check_passed = models.BooleanField(_("quality check passed"), null=True, blank=True)
    check_note = models.TextField(_("quality check note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(_("signature"), upload_to="service/signatures/%Y/%m/", blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("evaluation (1–5)"), null=True, blank=True)
    evaluation_comment = models.TextField(_("evaluation comment"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    follow_up_complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint from a bad evaluation"),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="service_order_status_valid"),
            models.CheckConstraint(
                condition=Q(service_class__in=ServiceClass.values), name="service_order_class_valid"
            ),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="service_order_mode_valid"),
            # Classes C and D never charge the customer (R-SVC-2).
            models.CheckConstraint(
                condition=~Q(service_class__in=["C", "D"]) | Q(fee__isnull=True) | Q(fee=0),
                name="service_order_free_class_no_fee",
            ),
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0, fee__lte=PRICE_MAX), name="service_order_fee_in_range"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="service_order_score_1_5"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dispatched", "on_site", "taken_back", "repaired", "checked", "completed"])
                | Q(technician__isnull=False),
                name="service_order_dispatched_has_technician",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="service_order_status_idx"),
            models.Index(fields=["technician", "appointment_at"], name="service_order_route_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        from .states import OPEN_STATES

        return self.status in OPEN_STATES

    @property
    def fee_free(self) -> bool:
        return self.service_class in FEE_FREE


class ServiceLine(models.Model):
    """One part or labour line of the quote and of the work done, priced in CNY."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2)
    used = models.BooleanField(_("used in the work"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("part or labour line")
        verbose_name_plural = _("part and labour lines")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="service_line_kind_valid"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="service_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, unit_price__lte=PRICE_MAX), name="service_line_price_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class ServicePhoto(models.Model):
    """A photo of the work, taken by the technician (checked by content: JPEG, PNG, WebP)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="photos", verbose_name=_("order"))
    file = models.FileField(_("file"), upload_to="service/photos/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=50)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("work photo")
        verbose_name_plural = _("work photos")

    def __str__(self) -> str:
        return f"{self.order_id} {self.caption}"


class ServiceEvent(models.Model):
    """One row of the order's own timeline. Written only by kesu.service.actions, with the change it records."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="events", verbose_name=_("order"))
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at", "id"], name="service_event_timeline_idx")]
        verbose_name = _("service order event")
        verbose_name_plural = _("service order events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class Clock(models.TextChoices):
    RESPONSE = "response", pgettext_lazy("service clock", "Response (appointment or dispatch)")
    ARRIVAL = "arrival", pgettext_lazy("service clock", "Arrival on site")
    COMPLETION = "completion", pgettext_lazy("service clock", "Completion")


class ServiceClock(models.Model):
    """One deadline of an order (settings.service of the playbook), reminded and breached once by the SLA sweep."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("order"))
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("service clock")
        verbose_name_plural = _("service clocks")
        constraints = [
            models.UniqueConstraint(fields=["order", "clock"], name="service_clock_once_per_order"),
            models.CheckConstraint(condition=Q(clock__in=Clock.values), name="service_clock_kind_valid"),
        ]
        indexes = [
            models.Index(
                fields=["due_at", "id"],
                condition=Q(met_at__isnull=True, breached_at__isnull=True, stopped_at__isnull=True),
                name="service_clock_due_idx",
            ),
            models.Index(
                fields=["remind_at", "id"],
                condition=Q(
                    met_at__isnull=True,
                    breached_at__isnull=True,
                    stopped_at__isnull=True,
                    reminded_at__isnull=True,
                    remind_at__isnull=False,
                ),
                name="service_clock_remind_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.clock}"

    @property
    def running(self) -> bool:
        return self.met_at is None and self.stopped_at is None
