"""Early warning: the alert as the API shows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from .common import Body
from .complaints import local_time


class AlertOut(Schema):
    id: int
    kind: str = Field(description="batch | churn")
    key: dict[str, str] = Field(description='{"product_code": …}, {"batch_no": …} or {"customer": name}')
    complaints: list[str] = Field(description="The group's complaint numbers in your data scope, oldest first")
    opened_at: dt.datetime
    status: str = Field(description="open | acknowledged | closed")
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    closed_by: str | None
    closed_at: dt.datetime | None
    close_reason: str


class AlertList(Schema):
    items: list[AlertOut]


class CloseAlertIn(Body):
    reason: str | None = Field(None, max_length=2000)


def alert_json(alert) -> dict[str, Any]:
    """`alert` as annotated by kesu.alerts.selectors (numbers and key in the reader's scope)."""
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "key": alert.key,
        "complaints": alert.numbers,
        "opened_at": local_time(alert.opened_at),
        "status": alert.status,
        "acknowledged_by": alert.acknowledged_by.username if alert.acknowledged_by_id else None,
        "acknowledged_at": local_time(alert.acknowledged_at),
        "closed_by": alert.closed_by.username if alert.closed_by_id else None,
        "closed_at": local_time(alert.closed_at),
        "close_reason": alert.close_reason,
    }
