"""Models of solutions and compensation (R-SOL-1, R-SOL-2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.accounts.roles import Role

# The largest single compensation the system takes (CNY); anything above is a typing error.
AMOUNT_MAX = Decimal("10000000.00")


class Kind(models.TextChoices):
    REFUND = "refund", pgettext_lazy("compensation", "Refund")
    CASH = "cash", pgettext_lazy("compensation", "Cash")
    VOUCHER = "voucher", pgettext_lazy("compensation", "Voucher")
    GOODS = "goods", pgettext_lazy("compensation", "Goods")
    SERVICE = "service", pgettext_lazy("compensation", "Free service")
    POINTS = "points", pgettext_lazy("compensation", "Points")


class Status(models.TextChoices):
    PENDING = "pending", pgettext_lazy("compensation", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("compensation", "Approved, to be executed")
    REJECTED = "rejected", pgettext_lazy("compensation", "Rejected")
    PAID = "paid", pgettext_lazy("compensation", "Paid")
    SHIPPED = "shipped", pgettext_lazy("compensation", "Shipped")
    DONE = "done", pgettext_lazy("compensation", "Done")
    CANCELLED = "cancelled", pgettext_lazy("compensation", "Cancelled")


# Granted: the company owes it (approved) or has given it (executed).
GRANTED = (Status.APPROVED, Status.PAID, Status.SHIPPED, Status.DONE)
EXECUTED = (Status.PAID, Status.SHIPPED, Status.DONE)


class Compensation(models.Model):
    """One compensation requested for a complaint, its approval and its execution."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="compensations", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    approver_role = models.CharField(_("approver role"), max_length=20, choices=Role.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("executed by"),
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    reference = models.CharField(_("reference (payment / waybill)"), max_length=100, blank=True)
    # The running clock: the decision while pending, the execution once approved; none after.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("overdue since"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=AMOUNT_MAX), name="compensation_amount_in_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="compensation_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="compensation_status_valid"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(status="cancelled") | Q(decided_at__isnull=False),
                name="compensation_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "shipped", "done"]) | Q(executed_at__isnull=False),
                name="compensation_executed_has_time",
            ),
        ]
        indexes = [
            # The sweep's one question, from a small partial index.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["pending", "approved"], breached_at__isnull=True, due_at__isnull=False),
                name="compensation_due_idx",
            ),
            models.Index(fields=["status", "requested_at"], name="compensation_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.get_status_display()})"


class ApprovalLimit(models.Model):
    """The largest compensation a role may approve (and grant on the spot). A row here overrides the playbook's
    settings.compensation.approval_limits for that role; no maximum means no limit."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    max_amount = models.DecimalField(
        _("up to (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no upper limit."),
    )

    class Meta:
        ordering = ["max_amount", "role"]
        verbose_name = _("compensation approval limit")
        verbose_name_plural = _("compensation approval limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=0), name="approval_limit_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ≤ {self.max_amount if self.max_amount is not None else '∞'}"
