from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.core.names import pick


class PenaltyStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("penalty", "Awaiting a supervisor")
    CONFIRMED = "confirmed", pgettext_lazy("penalty", "Confirmed")
    WAIVED = "waived", pgettext_lazy("penalty", "Waived")


class PenaltyEntry(models.Model):
    """An assessment (考核) entry written by a playbook rule, e.g. no contact within 1 working day: 30 CNY
    (R-KPI-1). A supervisor confirms or waives it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
        verbose_name=_("person"),
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="penalties", verbose_name=_("complaint")
    )
    deadline = models.OneToOneField(
        "sla.Deadline",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty",
        verbose_name=_("deadline"),
    )
    rule = models.CharField(_("rule"), max_length=200)
    rule_en = models.CharField(_("rule in English"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("status"), max_length=20, choices=PenaltyStatus.choices, default=PenaltyStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("penalty entry")
        verbose_name_plural = _("assessment ledger")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="penalty_amount_ge_0")]

    def __str__(self) -> str:
        return f"{self.person} {self.amount} ({self.get_status_display()})"

    @property
    def display_rule(self) -> str:
        """The rule in the language of the page being rendered."""
        return pick(self.rule, self.rule_en)
