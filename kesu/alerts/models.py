"""Early warning (预警): a burst of complaints about one product code or batch (批量问题集中爆发), and a
customer who keeps complaining (客户流失预警). Changed only by kesu.alerts.actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AlertKind(models.TextChoices):
    BATCH = "batch", pgettext_lazy("alert kind", "Batch problem")
    CHURN = "churn", pgettext_lazy("alert kind", "Churn risk")


class AlertKey(models.TextChoices):
    """What groups the complaints of an alert; the API shows it as {"<field>": "<value>"}."""

    PRODUCT_CODE = "product_code", pgettext_lazy("alert key", "Product code")
    BATCH_NO = "batch_no", pgettext_lazy("alert key", "Batch / lot no.")
    CUSTOMER = "customer", pgettext_lazy("alert key", "Customer")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert status", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert status", "Acknowledged")
    CLOSED = "closed", pgettext_lazy("alert status", "Closed")


# An alert in these states still collects the group's new complaints; a closed one does not, and the
# group's next burst opens a new alert.
LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    key_field = models.CharField(_("grouped by"), max_length=20, choices=AlertKey.choices)
    # The product code or batch number; for a churn alert the customer's id (a name is not unique).
    key_value = models.CharField(_("group"), max_length=64)
    customer = models.ForeignKey(
        "complaints.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("customer"),
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint", through="AlertComplaint", related_name="alerts", verbose_name=_("complaints")
    )
    # The rule that opened it, as the playbook said then: `threshold` complaints within `window_hours`.
    threshold = models.PositiveIntegerField(_("threshold"))
    window_hours = models.PositiveIntegerField(_("window (hours)"))
    opened_at = models.DateTimeField(_("opened at"))
    status = models.CharField(_("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("close reason"), blank=True)
    last_complaint_at = models.DateTimeField(_("last complaint joined at"))

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["status", "-opened_at"], name="alert_status_idx")]
        constraints = [
            # One live alert per group, whatever the number of intakes racing to open it.
            models.UniqueConstraint(
                fields=["kind", "key_field", "key_value"],
                condition=~Q(status="closed"),
                name="alert_one_live_per_group",
            ),
            models.CheckConstraint(
                condition=(Q(kind="churn") & Q(key_field="customer"))
                | (Q(kind="batch") & Q(key_field__in=["product_code", "batch_no"])),
                name="alert_kind_matches_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="alert_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key_field}={self.key_value}"

    @property
    def window_days(self) -> int:
        return self.window_hours // 24

    @property
    def is_live(self) -> bool:
        return self.status in LIVE


class AlertComplaint(models.Model):
    """A complaint in an alert's group, and when it joined (on opening, or collected later)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="members")
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="alert_memberships")
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        verbose_name = _("complaint in an alert")
        verbose_name_plural = _("complaints in alerts")
        constraints = [models.UniqueConstraint(fields=["alert", "complaint"], name="alert_complaint_once")]
        indexes = [models.Index(fields=["complaint"], name="alert_member_complaint_idx")]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.complaint_id}"
