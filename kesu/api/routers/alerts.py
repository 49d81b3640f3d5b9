"""Early warning (R-REP-3): batch-problem and churn alerts in the caller's data scope."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Query, Router

from kesu.alerts.actions import do_acknowledge_alert, do_close_alert
from kesu.alerts.selectors import alerts_visible_to

from ..schemas.alerts import AlertList, AlertOut, CloseAlertIn, alert_json

router = Router(tags=["alerts"])


@router.get("/alerts", response=AlertList, summary="Early warnings: batch problems and customers at risk")
def list_alerts(
    request,
    status: Literal["open", "acknowledged", "closed", "live"] | None = None,
    limit: int = Query(200, ge=1, le=500),
):
    """`status=live` is open or acknowledged. An alert none of whose complaints you may see is not listed."""
    return {"items": [alert_json(a) for a in alerts_visible_to(request.user, status, limit=limit)]}


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def acknowledge_alert(request, alert_id: int):
    return alert_json(do_acknowledge_alert(alert_id, actor=request.user, now=timezone.now()))


@router.post("/alerts/{alert_id}/close", response=AlertOut, summary="Close an alert, with a reason")
def close_alert(request, alert_id: int, payload: CloseAlertIn):
    return alert_json(do_close_alert(alert_id, actor=request.user, now=timezone.now(), reason=payload.reason or ""))
