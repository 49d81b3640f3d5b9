from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgendaStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("agenda", "On the agenda")
    DECIDED = "decided", pgettext_lazy("agenda", "Decided")
    # The customer was satisfied at last, or the complaint was archived, before the meeting decided.
    SETTLED = "settled", pgettext_lazy("agenda", "Settled before the meeting")


class AgendaItem(models.Model):
    """A level-3 complaint still unresolved to the customer's satisfaction, for the general manager's
    meeting (总经理会议, R-ESC-3)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="agenda_items")
    reason = models.CharField(_("why"), max_length=300)
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_on = models.DateField(_("meeting date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AgendaStatus.choices, default=AgendaStatus.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "added_at"]
        verbose_name = _("GM meeting agenda item")
        verbose_name_plural = _("GM meeting agenda")
        constraints = [
            models.UniqueConstraint(fields=["complaint"], condition=Q(status="open"), name="one_open_agenda_item")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.reason}"


class RevisitStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("revisit", "To do")
    DONE = "done", pgettext_lazy("revisit", "Done")
    UNREACHABLE = "unreachable", pgettext_lazy("revisit", "Customer unreachable")
    CANCELLED = "cancelled", pgettext_lazy("revisit", "Cancelled")


class Campaign(models.Model):
    """A batch revisit (批量回访): closed complaints picked by a filter and shared among agents (R-SAT-3)."""

    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    note = models.TextField(_("script / note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("revisit campaign")
        verbose_name_plural = _("revisit campaigns")

    def __str__(self) -> str:
        return self.name


class Revisit(models.Model):
    """A follow-up call after closure (回访): scheduled N days after closing, or part of a campaign."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="revisits")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="revisits")
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisits",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=20, choices=RevisitStatus.choices, default=RevisitStatus.PENDING)
    result = models.TextField(_("result"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("revisit")
        verbose_name_plural = _("revisits")
        indexes = [models.Index(fields=["assigned_to", "status", "due_at"], name="revisit_worklist_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "round"],
                condition=Q(campaign__isnull=True),
                name="one_scheduled_revisit_per_round",
            ),
            models.UniqueConstraint(
                fields=["complaint", "campaign"], condition=Q(campaign__isnull=False), name="one_revisit_per_campaign"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="revisit_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_status_display()}"
