"""Report aggregates: the period summary (投诉周报 / 月汇总), the KPIs per person or department, the dashboard.

Everything is counted in the database (GROUP BY, conditional Count, Sum) over the complaints the caller may see
(`complaints_visible_to`), received between two dates inclusive in the organisation's time zone. A summary costs
four queries whatever the number of complaints; the KPIs three. Nothing here writes.

The Excel/PDF writer (kesu.documents) imports `summary`, `period_complaints` and `period_bounds`: keep their
signatures stable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.complaints.access import complaints_visible_to
from kesu.complaints.models import Complaint, Event
from kesu.complaints.states import OPEN_STATES
from kesu.core.dates import days_bounds
from kesu.core.errors import Forbidden, ValidationFailed
from kesu.sla.models import Deadline

# Who reads reports: the front desk's leads, quality, the archivist who compiles the weekly report (seed 001 §3.2),
# the GM office and the administrator. Quality engineers see their departments' complaints, as everywhere.
REPORT_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.QUALITY, Role.ARCHIVIST, Role.MANAGER, Role.ADMIN})
# Agents and handlers see their own KPI row only.
OWN_KPI_ROLES = frozenset({Role.AGENT, Role.HANDLER})

MAX_PERIOD_DAYS = 3 * 366
# The value a grouping key has when the complaint has none (no type yet, not assigned, no level).
NONE_KEY = "none"
SCORES = ("1", "2", "3", "4", "5")
TOP_N = 10
ZERO = Decimal("0.00")

KpiBy = Literal["person", "department"]

# A deadline met by its due time and never marked breached; breached: marked by the sweep, or met after it was
# due (the sweep runs every minute, and may not have passed between the two).
MET_IN_TIME = Q(met_at__isnull=False, met_at__lte=F("due_at"), breached_at__isnull=True)
BREACHED = Q(breached_at__isnull=False) | Q(met_at__gt=F("due_at"))


# ---------------------------------------------------------------------------------------------------- permissions


def may_see_reports(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in REPORT_ROLES)


def may_see_kpis(user, *, by: str = "person") -> bool:
    """Report readers see every row of their scope; agents and handlers their own person row."""
    if may_see_reports(user):
        return True
    return bool(user and user.is_authenticated and user.is_active and user.role in OWN_KPI_ROLES and by == "person")


def check_reports(user) -> None:
    if not may_see_reports(user):
        raise Forbidden(_("Only supervisors, directors, quality, the archivist and the GM office see reports."))


def check_kpi_by(by: str) -> None:
    if by not in ("person", "department"):
        raise ValidationFailed(_("Group by person or department."), field="by")


def check_kpis(user, *, by: str) -> None:
    if not may_see_kpis(user, by=by):
        raise Forbidden(_("You may see your own KPIs only."))


# ---------------------------------------------------------------------------------------------------- the period


def parse_period(date_from: Any, date_to: Any) -> tuple[dt.date, dt.date]:
    """Validated dates from "YYYY-MM-DD" strings (or dates); ValidationFailed naming "from" or "to"."""
    fields: dict[str, list[str]] = {}
    days: dict[str, dt.date] = {}
    for name, value in (("from", date_from), ("to", date_to)):
        if isinstance(value, dt.date):
            days[name] = value
        elif not value:
            fields[name] = [_("Give a date (YYYY-MM-DD).")]
        else:
            try:
                days[name] = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                fields[name] = [_("Not a date; write it as YYYY-MM-DD.")]
    if fields:
        raise ValidationFailed(_("Please correct the marked fields."), fields=fields)
    start, end = days["from"], days["to"]
    check_period(start, end)
    return start, end


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    if date_from > date_to:
        raise ValidationFailed(_("The start date is after the end date."), field="from")
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(_("A report covers at most three years."), field="to")


def check_department(department: str | None) -> str | None:
    if not department:
        return None
    if not Department.objects.filter(code=department).exists():
        raise ValidationFailed(_("There is no department %(code)s.") % {"code": department}, field="department")
    return department


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the days date_from … date_to inclusive, in the organisation's time zone."""
    return days_bounds(date_from, date_to)


def period_complaints(
    *, user, date_from: dt.date, date_to: dt.date, department: str | None = None
) -> QuerySet[Complaint]:
    """The complaints a report counts: visible to `user`, received in the period, of `department` if given."""
    start, end = period_bounds(date_from, date_to)
    qs = complaints_visible_to(user).filter(received_at__gte=start, received_at__lt=end)
    if department:
        qs = qs.filter(department__code=department)
    return qs


# ---------------------------------------------------------------------------------------------------- summary


def _ratio(part: int, whole: int, places: int = 4) -> float | None:
    return round(part / whole, places) if whole else None


def _money(value: Decimal | None) -> str:
    return f"{(value or ZERO).quantize(ZERO)}"


def _key(value: Any) -> str:
    return NONE_KEY if value is None or value == "" else str(value)


def sla_by_clock(qs: QuerySet[Complaint]) -> dict[str, dict[str, Any]]:
    """Per clock: deadlines met in time, deadlines breached (met late or not at all), and met / (met + breached).

    Every round's deadlines count; stopped (cancelled) and still-running unbreached ones are in neither."""
    rows = (
        Deadline.objects.filter(complaint__in=qs.values("pk"))
        .values("clock")
        .annotate(
            met=Count("id", filter=MET_IN_TIME),
            breached=Count("id", filter=BREACHED),
        )
        .order_by("clock")
    )
    return {
        r["clock"]: {
            "met": r["met"],
            "breached": r["breached"],
            "compliance": _ratio(r["met"], r["met"] + r["breached"]),
        }
        for r in rows
        if r["met"] or r["breached"]
    }


def _score_counts(qs: QuerySet[Complaint], *, group: str | None = None) -> list[dict[str, Any]]:
    """Every satisfaction rating given on these complaints (each round's, so a 4 or 5 that reopened the complaint
    still counts), from the timeline's `rate` events."""
    fields = ["data__score"] if group is None else [f"complaint__{group}", "data__score"]
    return list(
        Event.objects.filter(action="rate", complaint__in=qs.values("pk"))
        .values(*fields)
        .annotate(n=Count("id"))
        .order_by()
    )


def _satisfaction(counts: dict[str, int]) -> dict[str, Any]:
    rated = sum(counts.values())
    weighted = sum(int(score) * n for score, n in counts.items())
    return {
        "rated": rated,
        "average": round(weighted / rated, 2) if rated else None,
        "distribution": {score: counts.get(score, 0) for score in SCORES},
    }


def summary(
    *,
    user,
    date_from: dt.date,
    date_to: dt.date,
    department: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The period's counts in the shape of GET /reports/summary (API.md). `now` is what "overdue" is measured
    against (default: the current time). Four queries."""
    now = now or timezone.now()
    qs = period_complaints(user=user, date_from=date_from, date_to=date_to, department=department)
    dims = {
        "by_type": "category__code",
        "by_severity": "severity",
        "by_priority": "priority",
        "by_level": "level",
        "by_channel": "channel",
        "by_department": "department__code",
        "by_status": "status",
    }
    # One scan: the period's complaints grouped by every dimension at once; the few groups are folded below.
    groups = (
        qs.values(*dims.values())
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(next_due_at__lt=now)),
            compensation=Sum("compensation_amount", filter=Q(resolved_at__isnull=False)),
        )
        .order_by()
    )
    out: dict[str, Any] = {"total": 0, **{name: defaultdict(int) for name in dims}}
    open_count = overdue = 0
    compensation = ZERO
    for g in groups:
        n = g["n"]
        out["total"] += n
        for name, field in dims.items():
            out[name][_key(g[field])] += n
        if g["status"] in OPEN_STATES:
            open_count += n
        overdue += g["overdue"]
        compensation += g["compensation"] or ZERO
    for name in dims:
        out[name] = dict(sorted(out[name].items(), key=lambda kv: (-kv[1], kv[0])))
    out["sla"] = sla_by_clock(qs)
    counts = {str(r["data__score"]): r["n"] for r in _score_counts(qs) if str(r["data__score"]) in SCORES}
    out["satisfaction"] = _satisfaction(counts)
    out["top_products"] = top_values(qs, "product_code")
    out["open"] = open_count
    out["overdue"] = overdue
    out["compensation_total"] = _money(compensation)
    return out


def top_values(qs: QuerySet[Complaint], field: str, *, limit: int = TOP_N) -> list[dict[str, Any]]:
    """The most complained-about values of `field` (product_code, batch_no, store), most first."""
    rows = qs.exclude(**{field: ""}).values(field).annotate(count=Count("id")).order_by("-count", field)[:limit]
    return [{field: r[field], "count": r["count"]} for r in rows]


def trend(*, user, date_from: dt.date, date_to: dt.date, department: str | None = None) -> list[dict[str, Any]]:
    """Per day of the period (organisation's time zone): complaints received, and complaints of the period's
    scope closed that day. Every day is listed, with zeros."""
    start, end = period_bounds(date_from, date_to)
    tz = timezone.get_default_timezone()
    scoped = complaints_visible_to(user)
    if department:
        scoped = scoped.filter(department__code=department)
    received = (
        scoped.filter(received_at__gte=start, received_at__lt=end)
        .annotate(day=TruncDate("received_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    closed = (
        scoped.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(day=TruncDate("closed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    got = {r["day"]: r["n"] for r in received}
    shut = {r["day"]: r["n"] for r in closed}
    days = (date_to - date_from).days + 1
    out = []
    for i in range(days):
        day = date_from + dt.timedelta(days=i)
        out.append({"date": day.isoformat(), "received": got.get(day, 0), "closed": shut.get(day, 0)})
    return out


# ---------------------------------------------------------------------------------------------------- KPIs


def _minutes(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 60, 1) if value is not None else None


def _hours(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


def _duration_avg(total: dt.timedelta | None, n: int) -> dt.timedelta | None:
    return total / n if total is not None and n else None


def kpis(
    *,
    user,
    date_from: dt.date,
    date_to: dt.date,
    by: KpiBy = "person",
    department: str | None = None,
) -> list[dict[str, Any]]:
    """KPI rows per owner (username) or responsible department (code), best first (see `rank_key`).

    Over the complaints received in the period (as the summary counts them) that have an owner / a department;
    agents and handlers get their own row only. Three queries. Definitions: kesu/reports/README.md."""
    check_kpi_by(by)
    key_field = "owner__username" if by == "person" else "department__code"
    qs = period_complaints(user=user, date_from=date_from, date_to=date_to, department=department)
    if not may_see_reports(user):
        qs = qs.filter(owner=user)
    qs = qs.filter(**{f"{key_field}__isnull": False})
    first_response = ExpressionWrapper(F("acknowledged_at") - F("received_at"), output_field=DurationField())
    resolution = ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField())
    # Durations are summed, not averaged, in the database: SQLite cannot average an interval portably.
    rows = (
        qs.values(key_field)
        .annotate(
            handled=Count("id"),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
            first_response=Sum(first_response, filter=Q(acknowledged_at__isnull=False)),
            resolved=Count("id", filter=Q(resolved_at__isnull=False)),
            resolution=Sum(resolution, filter=Q(resolved_at__isnull=False)),
            reopened=Count("id", filter=Q(round__gt=1)),
            repeats=Count("id", filter=Q(repeat_count__gt=0)),
            compensation=Sum("compensation_amount", filter=Q(resolved_at__isnull=False)),
        )
        .order_by(key_field)
    )
    sla = (
        Deadline.objects.filter(complaint__in=qs.values("pk"))
        .values(f"complaint__{key_field}")
        .annotate(
            met=Count("id", filter=MET_IN_TIME),
            breached=Count("id", filter=BREACHED),
        )
        .order_by()
    )
    sla_by = {r[f"complaint__{key_field}"]: (r["met"], r["breached"]) for r in sla}
    scores: dict[str, dict[str, int]] = defaultdict(dict)
    for r in _score_counts(qs, group=key_field):
        if str(r["data__score"]) in SCORES:
            scores[r[f"complaint__{key_field}"]][str(r["data__score"])] = r["n"]
    out = []
    for r in rows:
        key = r[key_field]
        met, breached = sla_by.get(key, (0, 0))
        handled = r["handled"]
        out.append(
            {
                "key": key,
                "handled": handled,
                "first_response_minutes_avg": _minutes(_duration_avg(r["first_response"], r["acknowledged"])),
                "sla_compliance": _ratio(met, met + breached),
                "resolution_hours_avg": _hours(_duration_avg(r["resolution"], r["resolved"])),
                "reopen_rate": _ratio(r["reopened"], handled),
                "satisfaction_avg": _satisfaction(scores.get(key, {}))["average"],
                "repeat_rate": _ratio(r["repeats"], handled),
                "compensation_paid": _money(r["compensation"]),
            }
        )
    out.sort(key=rank_key)
    return out


def rank_key(row: dict[str, Any]) -> tuple:
    """The period's ranking: SLA compliance (higher first), then satisfaction (1 = very satisfied, lower first),
    then first response (faster first), then more handled; rows without a value go after those with one."""
    sla = row["sla_compliance"]
    sat = row["satisfaction_avg"]
    first = row["first_response_minutes_avg"]
    return (
        sla is None,
        -(sla or 0),
        sat is None,
        sat or 0,
        first is None,
        first or 0,
        -row["handled"],
        row["key"],
    )


# ---------------------------------------------------------------------------------------------------- compensation


def compensation_paid(*, user, date_from: dt.date, date_to: dt.date, department: str | None = None) -> dict[str, Any]:
    """Compensation executed in the period (paid, shipped or given, by the day it was), on the complaints `user` may
    see (of `department` if given), per month, kind, department and requester (R-KPI-2 "compensation paid").
    Agents and handlers: their own requests only, as their KPIs. Amounts as decimal strings."""
    from kesu.solutions.selectors import paid_totals

    start, end = period_bounds(date_from, date_to)
    complaints = complaints_visible_to(user)
    if department:
        complaints = complaints.filter(department__code=department)
    return paid_totals(
        start=start, end=end, complaints=complaints, requested_by=None if may_see_reports(user) else user
    )
