"""Reads of compensation: who sees which, what waits for whom, lists by status and period, monthly totals.

A compensation is visible with its complaint (kesu.complaints.access). The handlers of the finance and logistics
departments also see, outside their complaint scope, the approved and executed compensations of the kinds they
execute (money, vouchers and points for finance; goods and free service for logistics) — that is their work list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from kesu.accounts.roles import Role
from kesu.complaints.access import scope_q
from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound

from . import rules
from .actions import executing_department_codes, may_decide
from .models import EXECUTED, GRANTED, Compensation, Kind, Status

ZERO = Decimal("0.00")


def _executor_kinds(user) -> list[str]:
    if user.role != Role.HANDLER:
        return []
    kinds: list[str] = []
    if executing_department_codes(user, Kind.REFUND):
        kinds += sorted(rules.FINANCE_KINDS)
    if executing_department_codes(user, Kind.GOODS):
        kinds += sorted(rules.LOGISTICS_KINDS)
    return kinds


def compensations_visible_to(user) -> QuerySet[Compensation]:
    qs = Compensation.objects.select_related("complaint", "requested_by", "decided_by", "executed_by")
    q = scope_q(user)
    if q is None:
        return qs
    visible = Q(complaint__in=Complaint.objects.filter(q).values("pk"))
    kinds = _executor_kinds(user)
    if kinds:
        visible |= Q(kind__in=kinds, status__in=GRANTED)
    return qs.filter(visible)


def access_compensation(user, compensation_id: int) -> Compensation:
    """The compensation if `user` may see it; NotFound if missing or out of scope (the same answer)."""
    comp = compensations_visible_to(user).filter(pk=compensation_id).first()
    if comp is None:
        raise NotFound(_("Compensation %(id)s was not found.") % {"id": compensation_id})
    return comp


def compensations_of(complaint: Complaint) -> list[Compensation]:
    return list(
        Compensation.objects.filter(complaint=complaint)
        .select_related("requested_by", "decided_by", "executed_by")
        .order_by("requested_at", "id")
    )


def compensation_list(
    user, *, status: str | None = None, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[Compensation]:
    """Visible compensations, newest first; `start` ≤ requested_at < `end`."""
    qs = compensations_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if start is not None:
        qs = qs.filter(requested_at__gte=start)
    if end is not None:
        qs = qs.filter(requested_at__lt=end)
    return qs.order_by("-requested_at", "-id")


def waiting_for(user) -> dict[str, list[Compensation]]:
    """What waits for this user: requests his limit covers (not his own), and approved ones he may execute."""
    out: dict[str, list[Compensation]] = {"decide": [], "execute": []}
    if not user.is_authenticated:
        return out
    table = rules.limits()
    pending = compensations_visible_to(user).filter(status=Status.PENDING).order_by("due_at", "id")
    if rules.limit_of(user.role, table) > 0:
        out["decide"] = [c for c in pending[:200] if may_decide(c, user, table)]
    from .actions import may_execute, next_steps

    running = compensations_visible_to(user).filter(status__in=[Status.APPROVED, Status.PAID, Status.SHIPPED])
    kinds = _executor_kinds(user)
    if user.role == Role.HANDLER:
        running = running.filter(kind__in=kinds) if kinds else running.none()
    out["execute"] = [c for c in running.order_by("due_at", "id")[:200] if may_execute(c, user) and next_steps(c)]
    return out


def _money(value: Decimal | None) -> str:
    return f"{(value or ZERO):.2f}"


def _totals(qs: QuerySet[Compensation], *, month_field: str, person_field: str) -> dict[str, Any]:
    sums = {
        "count": Count("id"),
        "granted": Sum("amount"),
        "executed": Sum("amount", filter=Q(status__in=EXECUTED)),
    }

    def rows(*dims: str):
        out = []
        for r in qs.values(*dims).annotate(**sums).order_by(*dims):
            out.append(
                {
                    **{k: r[k] for k in dims},
                    "count": r["count"],
                    "granted": _money(r["granted"]),
                    "executed": _money(r["executed"]),
                }
            )
        return out

    months = []
    for r in qs.annotate(month=TruncMonth(month_field)).values("month").annotate(**sums).order_by("month"):
        months.append(
            {
                "month": r["month"].strftime("%Y-%m") if r["month"] else "",
                "count": r["count"],
                "granted": _money(r["granted"]),
                "executed": _money(r["executed"]),
            }
        )
    total = qs.aggregate(**sums)
    return {
        "count": total["count"],
        "granted": _money(total["granted"]),
        "executed": _money(total["executed"]),
        "by_month": months,
        "by_kind": rows("kind"),
        "by_department": [
            {"department": r.pop("complaint__department__code") or "", **r} for r in rows("complaint__department__code")
        ],
        "by_person": [{"person": r.pop(person_field), **r} for r in rows(person_field)],
    }


def monthly_totals(*, start: dt.datetime, end: dt.datetime, user=None) -> dict[str, Any]:
    """Granted (approved or executed) and executed compensation of requests in [start, end), per month, kind,
    department (the complaint's) and requester. Amounts as decimal strings. With `user`: only what he may see."""
    base = compensations_visible_to(user) if user is not None else Compensation.objects.all()
    qs = base.filter(requested_at__gte=start, requested_at__lt=end, status__in=GRANTED)
    return _totals(qs, month_field="requested_at", person_field="requested_by__username")


def paid_totals(
    *, start: dt.datetime, end: dt.datetime, complaints: QuerySet | None = None, requested_by=None
) -> dict[str, Any]:
    """Compensation executed (paid, shipped, given) in [start, end) by when it was executed, per month, kind,
    department (the complaint's) and person (the requester), for the reports and KPIs. `complaints`: the report's
    complaints in scope (any period), else every complaint; `requested_by`: one person's requests only."""
    qs = Compensation.objects.filter(executed_at__gte=start, executed_at__lt=end, status__in=EXECUTED)
    if complaints is not None:
        qs = qs.filter(complaint__in=complaints.order_by().values("pk"))
    if requested_by is not None:
        qs = qs.filter(requested_by=requested_by)
    return _totals(qs, month_field="executed_at", person_field="requested_by__username")
