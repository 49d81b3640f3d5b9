"""Compensation (API.md "Solutions and compensation"): thin edges over kesu.solutions. A complaint is reached
through access_complaint, a compensation through access_compensation (its complaint's scope, or the finance and
logistics departments' work list) — 404 otherwise."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kesu.complaints.access import access_complaint
from kesu.core.dates import day_start
from kesu.core.errors import ValidationFailed
from kesu.solutions import actions, selectors
from kesu.solutions.models import Status as CompensationStatus

from ..schemas.compensations import (
    CancelIn,
    CompensationIn,
    CompensationList,
    CompensationOut,
    DecisionIn,
    ExecutionIn,
    compensation_json,
)

router = Router(tags=["compensation"])


@router.post(
    "/complaints/{number}/compensations",
    response={201: CompensationOut},
    summary="Request a compensation (approved at once within the requester's own limit)",
)
def request_compensation(request, number: str, payload: CompensationIn):
    """Above the requester's limit it waits for the lowest role whose limit covers it (`approver_role`), who are
    told. Default limits: agent ≤ 10 CNY, supervisor ≤ 500, director ≤ 5,000, general manager's office above."""
    complaint = access_complaint(request.user, number)
    comp = actions.do_request_compensation(
        complaint,
        actor=request.user,
        now=timezone.now(),
        kind=payload.kind,
        amount=payload.amount,
        reason=payload.reason,
        confirm=payload.confirm,
    )
    return Status(201, compensation_json(selectors.access_compensation(request.user, comp.pk)))


@router.post("/compensations/{compensation_id}/decision", response=CompensationOut, summary="Approve or reject")
def decide(request, compensation_id: int, payload: DecisionIn):
    """By a user whose limit covers the amount, never the requester (403). Someone decided first → 409."""
    comp = selectors.access_compensation(request.user, compensation_id)
    actions.do_decide_compensation(
        comp, actor=request.user, now=timezone.now(), approved=payload.approved, comment=payload.comment or ""
    )
    return compensation_json(selectors.access_compensation(request.user, compensation_id))


@router.post(
    "/compensations/{compensation_id}/execution", response=CompensationOut, summary="Mark paid / shipped / done"
)
def execute(request, compensation_id: int, payload: ExecutionIn):
    """Supervisors and above, or a handler of the finance (money, vouchers, points) or logistics (goods, free
    service) department. `paid` needs the payment reference, `shipped` the waybill number."""
    comp = selectors.access_compensation(request.user, compensation_id)
    actions.do_execute_compensation(
        comp, actor=request.user, now=timezone.now(), status=payload.status, reference=payload.reference or ""
    )
    return compensation_json(selectors.access_compensation(request.user, compensation_id))


@router.post("/compensations/{compensation_id}/cancel", response=CompensationOut, summary="Cancel a request")
def cancel(request, compensation_id: int, payload: CancelIn):
    """By the requester, or a supervisor or above, while it is pending or approved and not yet executed; the reason
    is required. Not while the solution put to the customer carries it (409)."""
    comp = selectors.access_compensation(request.user, compensation_id)
    actions.do_cancel_compensation(comp, actor=request.user, now=timezone.now(), reason=payload.reason or "")
    return compensation_json(selectors.access_compensation(request.user, compensation_id))


def _day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(_("Not a date; write it as YYYY-MM-DD."), field=field) from None


@router.get("/compensations", response=CompensationList, summary="Compensations I may see, newest first")
def list_compensations(
    request,
    status: str | None = Query(None, description="pending | approved | rejected | paid | shipped | done | cancelled"),
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD (requested on or after)"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD (requested on or before)"),
    limit: int = Query(100, ge=1, le=500),
):
    if status and status not in CompensationStatus.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": status, "choices": ", ".join(CompensationStatus.values)},
            field="status",
        )
    first, last = _day(date_from, "from"), _day(date_to, "to")
    rows = selectors.compensation_list(
        request.user,
        status=status or None,
        start=day_start(first) if first else None,
        end=day_start(last + dt.timedelta(days=1)) if last else None,
    )[:limit]
    return {"items": [compensation_json(c) for c in rows]}
