"""Who receives the weekly and monthly reports by e-mail, and what was sent to whom.

Reports themselves are computed, never stored. The only rows of this app are the administrator's list of
recipients and one delivery record per recipient, kind and period: the record that makes the scheduled
mailing idempotent (a restarted worker or a second run finds it and sends nothing twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", pgettext_lazy("report kind", "Weekly report")
    MONTHLY = "monthly", pgettext_lazy("report kind", "Monthly summary")


class ReportRecipient(models.Model):
    """A user (who reads the report in their own data scope, at their e-mail address unless another is
    given) or an address alone. An address alone has no scope of its own: it receives the organisation's
    complaints (or one department's) only because an administrator ticked `organisation_data` for it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        help_text=_("The report shows what this user may see. Leave empty for an address outside kesu."),
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Where to send it; empty: the user's own address."))
    weekly = models.BooleanField(_("weekly report"), default=True, help_text=_("Every Monday, for the week before."))
    monthly = models.BooleanField(_("monthly summary"), default=True, help_text=_("On the 1st, for the month before."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only this responsible department's complaints (within the user's scope)."),
    )
    organisation_data = models.BooleanField(
        _("may receive the organisation's data"),
        default=False,
        help_text=_(
            "Required for an address without a user: it then receives every complaint of the organisation "
            "(or of the department chosen), customers' phone numbers masked."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        ordering = ["id"]
        constraints = [
            # Somebody to write to, and never an address alone that nobody allowed to see the organisation.
            models.CheckConstraint(
                condition=Q(user__isnull=False) | (~Q(email="") & Q(organisation_data=True)),
                name="report_recipient_user_or_allowed_address",
            ),
        ]

    def __str__(self) -> str:
        return self.email or (str(self.user) if self.user_id else "")

    @property
    def address(self) -> str:
        if self.email:
            return self.email
        return self.user.email if self.user_id and self.user else ""

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.user_id is None:
            if not self.email:
                raise ValidationError({"email": _("Give a user or an e-mail address.")})
            if not self.organisation_data:
                raise ValidationError(
                    {
                        "organisation_data": _(
                            "An address without a user receives the organisation's data only if you allow it here."
                        )
                    }
                )
        elif not self.email and not self.user.email:
            raise ValidationError({"email": _("This user has no e-mail address: give one here.")})


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("report delivery", "Pending")
    SENT = "sent", pgettext_lazy("report delivery", "Sent")
    FAILED = "failed", pgettext_lazy("report delivery", "Failed, will be retried")
    GAVE_UP = "gave_up", pgettext_lazy("report delivery", "Failed, not retried")


class ReportDelivery(models.Model):
    """One report of one period for one recipient: at most one row, so at most one e-mail that succeeded."""

    recipient = models.ForeignKey(
        ReportRecipient, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=10, help_text=_("2026-W49 or 2026-12"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    address = models.EmailField(_("sent to"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # A run that claims the row holds it until then; a worker killed mid-send leaves it to a later run.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period"], name="report_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} → {self.address or self.recipient}"
