"""Compensation as the API takes and shows it (API.md "Solutions and compensation"). Amounts leave as decimal
strings ("50.00"); they come in as decimal strings (a whole JSON number is taken too, a JSON float is refused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from .common import Body, Money
from .complaints import local_time


class CompensationIn(Body):
    kind: str | None = Field(None, description="refund | cash | voucher | goods | service | points")
    amount: Money | None = Field(None, description='CNY as a decimal string, such as "50.00"')
    reason: str | None = Field(None, max_length=2000)
    confirm: bool = Field(
        False,
        description="true to request an amount above the complaint's amount involved or the playbook's ceiling "
        "(without it such a request is a 400 `confirmation_required` naming `amount`)",
    )


class CancelIn(Body):
    reason: str | None = Field(None, max_length=2000)


class DecisionIn(Body):
    approved: bool | None = None
    comment: str | None = Field(None, max_length=2000, description="required when rejecting")


class ExecutionIn(Body):
    status: str | None = Field(
        None, description="paid (with the payment reference) | shipped (with the waybill) | done"
    )
    reference: str | None = Field(None, max_length=100)


class CompensationOut(Schema):
    id: int
    complaint: str
    kind: str
    amount: str
    reason: str
    status: str
    approver_role: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_comment: str
    executed_by: str | None
    executed_at: dt.datetime | None
    reference: str
    due_at: dt.datetime | None
    overdue: bool


class CompensationList(Schema):
    items: list[CompensationOut]


def compensation_json(c) -> dict[str, Any]:
    return {
        "id": c.pk,
        "complaint": c.complaint.number,
        "kind": c.kind,
        "amount": f"{c.amount:.2f}",
        "reason": c.reason,
        "status": c.status,
        "approver_role": c.approver_role,
        "requested_by": c.requested_by.username,
        "requested_at": local_time(c.requested_at),
        "decided_by": c.decided_by.username if c.decided_by_id else None,
        "decided_at": local_time(c.decided_at),
        "decision_comment": c.decision_comment,
        "executed_by": c.executed_by.username if c.executed_by_id else None,
        "executed_at": local_time(c.executed_at),
        "reference": c.reference,
        "due_at": local_time(c.due_at),
        "overdue": c.breached_at is not None,
    }
