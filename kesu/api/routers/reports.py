"""GET /reports/summary and /reports/kpis (API.md "Reports"): thin edges over kesu.reports.selectors."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Router

from kesu.reports import selectors

from ..schemas.reports import KpisOut, SummaryOut

router = Router()


@router.get(
    "/reports/summary",
    response=SummaryOut,
    tags=["reports"],
    summary="Counts of a period (dates inclusive, organisation's time zone, data scope applies)",
)
def report_summary(
    request,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    department: str | None = Query(None, description="a department code"),
):
    selectors.check_reports(request.user)
    start, end = selectors.parse_period(date_from, date_to)
    return selectors.summary(
        user=request.user,
        date_from=start,
        date_to=end,
        department=selectors.check_department(department),
        now=timezone.now(),
    )


@router.get(
    "/reports/kpis",
    response=KpisOut,
    tags=["reports"],
    summary="KPIs per person or department for a period, best first (agents and handlers: their own row)",
)
def report_kpis(
    request,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    by: str = Query("person", description="person | department"),
    department: str | None = Query(None, description="a department code"),
):
    selectors.check_kpi_by(by)
    selectors.check_kpis(request.user, by=by)
    start, end = selectors.parse_period(date_from, date_to)
    rows = selectors.kpis(
        user=request.user,
        date_from=start,
        date_to=end,
        by=by,  # type: ignore[arg-type]
        department=selectors.check_department(department),
    )
    return {"rows": rows}
