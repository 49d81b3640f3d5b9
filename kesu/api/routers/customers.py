"""A customer's complaints and history (the workspace's customer view), in the reader's data scope."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from kesu.routing.customers import customer_for, customer_history, do_set_vip

from ..schemas.common import Body
from ..schemas.complaints import local_time

router = Router(tags=["customers"])


class CustomerComplaintOut(Schema):
    number: str
    status: str
    title: str
    type_code: str | None
    type_name: str | None
    received_at: dt.datetime
    satisfaction: int | None
    product: str
    product_code: str
    order_no: str
    owner: str | None
    department: str | None


class RatingOut(Schema):
    number: str
    at: dt.datetime | None
    score: int | None
    comment: str


class AlertRef(Schema):
    id: int
    kind: str
    status: str
    key: dict[str, str]


class CustomerComplaintsOut(Schema):
    id: int
    name: str
    kind: str
    vip: bool
    complaint_count: int = Field(description="every complaint of the customer, seen or not")
    visible_count: int
    hidden_count: int = Field(description="complaints outside your data scope: counted, not shown")
    open_count: int
    repeat_count: int
    average_satisfaction: float | None
    complaints: list[CustomerComplaintOut]
    orders: list[str]
    products: list[str]
    satisfaction_history: list[RatingOut]
    open_alerts: list[AlertRef]


class VipIn(Body):
    vip: bool
    reason: str = Field("", max_length=200)


def _out(user, customer) -> dict:
    h = customer_history(user, customer, full=False)
    tz = timezone.get_current_timezone()
    return {
        "id": customer.pk,
        "name": customer.name,
        "kind": customer.kind,
        "vip": h.vip,
        "complaint_count": h.total,
        "visible_count": h.total - h.hidden,
        "hidden_count": h.hidden,
        "open_count": h.open_count,
        "repeat_count": h.repeat_count,
        "average_satisfaction": h.average_satisfaction,
        "complaints": [
            {
                "number": c.number,
                "status": c.status,
                "title": c.title,
                "type_code": c.category.code if c.category_id else None,
                "type_name": c.category.name if c.category_id else None,
                "received_at": local_time(c.received_at, tz),
                "satisfaction": c.satisfaction,
                "product": c.product,
                "product_code": c.product_code,
                "order_no": c.order_no,
                "owner": c.owner.username if c.owner_id else None,
                "department": c.department.code if c.department_id else None,
            }
            for c in h.complaints
        ],
        "orders": [o["value"] for o in h.orders],
        "products": [p["product"] or p["product_code"] for p in h.products],
        "satisfaction_history": [{**r, "at": local_time(r["at"], tz)} for r in h.ratings],
        "open_alerts": [{"id": a.pk, "kind": a.kind, "status": a.status, "key": a.key} for a in h.alerts],
    }


@router.get(
    "/customers/{customer_id}/complaints",
    response=CustomerComplaintsOut,
    summary="A customer's complaints in your data scope, with their history",
)
def customer_complaints(request, customer_id: int):
    return _out(request.user, customer_for(request.user, customer_id))


@router.post("/customers/{customer_id}/vip", response=CustomerComplaintsOut, summary="Mark or unmark a VIP")
def set_vip(request, customer_id: int, payload: VipIn):
    customer = customer_for(request.user, customer_id)
    do_set_vip(customer, actor=request.user, vip=payload.vip, reason=payload.reason, now=timezone.now())
    customer.refresh_from_db()
    return _out(request.user, customer)
