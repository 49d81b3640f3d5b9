"""Service orders as the API takes and shows them (API.md "After-sales service and surveys"). Amounts leave as
decimal strings ("120.00"); the customer's phone leaves masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from kesu.core.masking import mask_phone
from kesu.service import selectors
from kesu.service.actions import quote_total
from kesu.service.states import FRONT_DESK, allowed_actions

from .common import Body
from .complaints import local_time


class CustomerIn(Body):
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)


class ServiceOrderIn(Body):
    complaint: str | None = Field(None, description="KS-…: the customer, product and fault are taken from it")
    customer: CustomerIn | None = Field(None, description="for a repair request without a complaint")
    product: str | None = Field(None, max_length=200)
    product_code: str | None = Field(None, max_length=64)
    fault: str | None = None
    service_class: str | None = Field(
        None, description="A paid | B contract | C free (warranty) | D internal; decided by the warranty if left out"
    )
    mode: str | None = Field(None, description="onsite | takeback")
    appointment_at: str | None = Field(None, description="the slot the customer asked for, ISO 8601")
    address: str | None = Field(None, max_length=300)
    area: str | None = Field(None, max_length=100)
    skill: str | None = Field(None, max_length=100, description="what the technician must be able to repair")
    purchase_date: str | None = Field(None, description="YYYY-MM-DD; with the product's warranty period → C or A")
    contract_no: str | None = Field(None, max_length=64, description="required for class B")


class ServiceOrderOut(Schema):
    number: str
    status: str
    complaint: str | None
    follow_up_complaint: str | None
    customer: dict[str, Any]
    product: str
    product_code: str
    fault: str
    service_class: str
    mode: str
    address: str
    area: str
    skill: str
    purchase_date: dt.date | None
    warranty_until: dt.date | None
    contract_no: str
    appointment_at: dt.datetime | None
    appointment_end: dt.datetime | None
    technician: str | None
    dispatch_reason: str
    items: list[dict[str, Any]]
    received_at: dt.datetime | None
    promised_at: dt.date | None
    returned_at: dt.datetime | None
    quote: dict[str, Any]
    lines: list[dict[str, Any]]
    work_done: str
    fee: str | None
    check: dict[str, Any] | None
    signed_by: str
    signature: bool
    completed_at: dt.datetime | None
    score: int | None
    evaluation_comment: str
    clocks: list[dict[str, Any]]
    allowed_actions: list[str]
    timeline: list[dict[str, Any]]
    tracking_url: str | None
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ServiceOrderItem(Schema):
    number: str
    status: str
    complaint: str | None
    product: str
    service_class: str
    mode: str
    technician: str | None
    appointment_at: dt.datetime | None
    created_at: dt.datetime


class ServiceOrderList(Schema):
    items: list[ServiceOrderItem]


class SuggestionOut(Schema):
    username: str
    name: str
    skill: bool
    area: bool
    load: int
    capacity: int
    available: bool
    reason: str


class SuggestionList(Schema):
    items: list[SuggestionOut]


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def tracking_url(order) -> str:
    return f"{settings.KESU_BASE_URL.rstrip('/')}/service/t/{selectors.tracking_token(order)}"


def order_json(o, *, user) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    lines = list(o.lines.all())
    return {
        "number": o.number,
        "status": o.status,
        "complaint": o.complaint.number if o.complaint_id else None,
        "follow_up_complaint": o.follow_up_complaint.number if o.follow_up_complaint_id else None,
        "customer": {"id": o.customer_id, "name": o.customer.name, "phone": mask_phone(o.contact_phone)},
        "product": o.product,
        "product_code": o.product_code,
        "fault": o.fault,
        "service_class": o.service_class,
        "mode": o.mode,
        "address": o.address,
        "area": o.area,
        "skill": o.skill,
        "purchase_date": o.purchase_date,
        "warranty_until": o.warranty_until,
        "contract_no": o.contract_no,
        "appointment_at": local_time(o.appointment_at, tz),
        "appointment_end": local_time(o.appointment_end, tz),
        "technician": o.technician.username if o.technician_id else None,
        "dispatch_reason": o.dispatch_reason,
        "items": list(o.items or []),
        "received_at": local_time(o.received_at, tz),
        "promised_at": o.promised_at,
        "returned_at": local_time(o.returned_at, tz),
        "quote": {
            "state": o.quote_state or None,
            "total": _money(quote_total(o)) if lines else None,
            "confirmed_at": local_time(o.quote_confirmed_at, tz),
            "confirmed_by": o.quote_confirmed_by or None,
        },
        "lines": [
            {
                "kind": line.kind,
                "description": line.description,
                "quantity": f"{line.quantity:.2f}",
                "unit_price": _money(line.unit_price),
                "amount": _money(line.amount),
                "used": line.used,
            }
            for line in lines
        ],
        "work_done": o.work_done,
        "fee": _money(o.fee),
        "check": None
        if o.check_passed is None
        else {
            "passed": o.check_passed,
            "note": o.check_note,
            "by": o.checked_by.username if o.checked_by_id else None,
            "at": local_time(o.checked_at, tz),
        },
        "signed_by": o.signed_by,
        "signature": bool(o.signature),
        "completed_at": local_time(o.completed_at, tz),
        "score": o.score,
        "evaluation_comment": o.evaluation_comment,
        "clocks": [
            {
                "clock": c.clock,
                "due_at": local_time(c.due_at, tz),
                "met_at": local_time(c.met_at, tz),
                "breached": c.breached_at is not None,
                "stopped": c.stopped_at is not None,
            }
            for c in o.clocks.all()
        ],
        "allowed_actions": allowed_actions(o, user),
        "timeline": [
            {
                "at": local_time(e.at, tz),
                "actor": e.actor_label or None,
                "action": e.action,
                "from_status": e.from_status or None,
                "to_status": e.to_status or None,
                "data": e.data,
            }
            for e in selectors.timeline(o)
        ],
        "tracking_url": tracking_url(o) if user.role in FRONT_DESK else None,
        "created_by": o.created_by.username if o.created_by_id else None,
        "created_at": local_time(o.created_at, tz),
        "updated_at": local_time(o.updated_at, tz),
        "version": o.version,
    }


def item_json(o) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    return {
        "number": o.number,
        "status": o.status,
        "complaint": o.complaint.number if o.complaint_id else None,
        "product": o.product,
        "service_class": o.service_class,
        "mode": o.mode,
        "technician": o.technician.username if o.technician_id else None,
        "appointment_at": local_time(o.appointment_at, tz),
        "created_at": local_time(o.created_at, tz),
    }
