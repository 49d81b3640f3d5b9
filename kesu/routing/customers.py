"""A customer's history at a glance (the customer page, the panel beside a complaint being recorded, the
API): every complaint the reader may see, with how many more there are that they may not, the orders and
products those complaints name, the satisfaction given each time, the repeat count, the VIP flag and the
early warnings still open about them.

The VIP flag is the customer's relationship "vip" (what intake sets and the rules read); a supervisor or
above sets or clears it here, and each change is kept (VipChange) with who, when and why.
Reads go through the reader's data scope (kesu.complaints.access); nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import CharField, Count, IntegerField, Value
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import REVIEW_RANK
from kesu.alerts.models import LIVE, AlertComplaint
from kesu.alerts.selectors import alert_for
from kesu.complaints.access import complaints_visible_to, customer_identified
from kesu.complaints.models import Complaint, Customer, Event, Relationship
from kesu.complaints.states import ENDED_STATES
from kesu.core.errors import Forbidden, NotFound, ValidationFailed

from .models import VipChange, Watcher

HISTORY_LIMIT = 200
PANEL_LIMIT = 5


def may_set_vip(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in REVIEW_RANK


def customer_for(user: User, customer_id: int) -> Customer:
    """The customer if `user` may know who they are (access.customer_identified); NotFound otherwise, the
    same as a customer that does not exist."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None or not customer_identified(user, customer):
        raise NotFound(_("Customer %(id)s was not found.") % {"id": customer_id})
    return customer


@dataclass
class History:
    customer: Customer
    complaints: list[Complaint]
    total: int
    hidden: int
    open_count: int
    orders: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    alerts: list = field(default_factory=list)
    service_orders: list = field(default_factory=list)
    vip_changes: list[VipChange] = field(default_factory=list)

    @property
    def vip(self) -> bool:
        return self.customer.relationship == Relationship.VIP

    @property
    def repeat_count(self) -> int:
        """Complaints after the first one (all of them, seen or not: the customer made them all)."""
        return max(self.total - 1, 0)

    @property
    def average_satisfaction(self) -> float | None:
        scores = [r["score"] for r in self.ratings if isinstance(r["score"], int)]
        return round(sum(scores) / len(scores), 1) if scores else None


def customer_history(user: User, customer: Customer, *, limit: int = HISTORY_LIMIT, full: bool = True) -> History:
    """What `user` may see of `customer`'s history (full=False: the complaints only, for the intake panel)."""
    visible = complaints_visible_to(user).filter(customer=customer)
    total = Complaint.objects.filter(customer=customer).count()
    complaints = list(visible.select_related("category", "owner", "department").order_by("-received_at", "-id")[:limit])
    seen = visible.count() if len(complaints) >= limit else len(complaints)
    history = History(
        customer=customer,
        complaints=complaints,
        total=total,
        hidden=max(total - seen, 0),
        open_count=sum(1 for c in complaints if c.status not in ENDED_STATES),
    )
    history.orders = _grouped(complaints, "order_no")
    history.products = _products(complaints)
    history.ratings = _ratings(complaints)
    history.alerts = _open_alerts(user, customer, complaints)
    if full:
        history.service_orders = _service_orders(user, customer)
        history.vip_changes = list(customer.vip_changes.select_related("actor")[:20])
    return history


def _grouped(complaints: list[Complaint], attr: str) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for c in complaints:
        value = (getattr(c, attr) or "").strip()
        if value:
            rows.setdefault(value, {"value": value, "numbers": []})["numbers"].append(c.number)
    return list(rows.values())


def _products(complaints: list[Complaint]) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for c in complaints:
        name, code = (c.product or "").strip(), (c.product_code or "").strip()
        if not (name or code):
            continue
        row = rows.setdefault(
            (name, code),
            {"product": name, "product_code": code, "model": c.product_model, "batches": [], "numbers": []},
        )
        row["numbers"].append(c.number)
        if c.batch_no and c.batch_no not in row["batches"]:
            row["batches"].append(c.batch_no)
    return list(rows.values())


def _ratings(complaints: list[Complaint]) -> list[dict[str, Any]]:
    """Every rating the customer gave, newest first — a dissatisfied one of an earlier round as well."""
    if not complaints:
        return []
    numbers = {c.pk: c.number for c in complaints}
    events = Event.objects.filter(complaint_id__in=list(numbers), action="rate").order_by("-at", "-id")
    rows = []
    for e in events:
        data = e.data or {}
        score = data.get("score")
        rows.append(
            {
                "number": numbers[e.complaint_id],
                "at": e.at,
                "score": score if isinstance(score, int) else None,
                "comment": data.get("comment") or "",
            }
        )
    rated = {r["number"] for r in rows}
    # Ratings recorded without a timeline row (imported records) still count.
    for c in complaints:
        if c.satisfaction is not None and c.number not in rated:
            rows.append({"number": c.number, "at": c.closed_at or c.updated_at, "score": c.satisfaction, "comment": ""})
    return rows


def _open_alerts(user: User, customer: Customer, complaints: list[Complaint]) -> list:
    ids = set(
        AlertComplaint.objects.filter(complaint__in=[c.pk for c in complaints], alert__status__in=LIVE).values_list(
            "alert_id", flat=True
        )
    )
    ids |= set(customer.alerts.filter(status__in=LIVE).values_list("id", flat=True))
    found = []
    for alert_id in sorted(ids):
        try:
            found.append(alert_for(user, alert_id))
        except NotFound:
            continue
    return found


def _service_orders(user: User, customer: Customer) -> list:
    """The customer's after-sales service orders the reader may see, when the service app keeps them."""
    try:
        from kesu.service.selectors import orders_visible_to
    except ImportError:  # an installation without after-sales service
        return []
    return list(orders_visible_to(user).filter(customer=customer).order_by("-created_at", "-id")[:50])


def attach_workspace(complaints: list[Complaint]) -> None:
    """Set the followers and the customer's complaint count on a page of complaints, in one query, for the
    complaint objects of a list (kesu.api.schemas.complaints reads `_followers` and `_customer_count`)."""
    if not complaints:
        return
    ids = [c.pk for c in complaints]
    customer_ids = list({c.customer_id for c in complaints if c.customer_id})
    # One round trip: (complaint id, follower's username, 0) rows and (customer id, "", count) rows.
    follows = (
        Watcher.objects.filter(complaint_id__in=ids)
        .order_by()
        .values_list("complaint_id", "user__username", Value(0, output_field=IntegerField()))
    )
    counts = (
        Complaint.objects.filter(customer_id__in=customer_ids)
        .order_by()
        .values("customer_id")
        .annotate(u=Value("", output_field=CharField()), n=Count("id"))
        .values_list("customer_id", "u", "n")
    )
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    totals: dict[int, int] = {}
    for key, username, n in follows.union(counts, all=True):
        if username:
            names[key].append(username)
        else:
            totals[key] = n
    for c in complaints:
        c._followers = sorted(names[c.pk])  # type: ignore[attr-defined]
        c._customer_count = totals.get(c.customer_id, 0)  # type: ignore[attr-defined]


def customer_summary(c: Complaint) -> dict[str, Any]:
    """The workspace part of the complaint object's "customer": its id and how many complaints they made."""
    if getattr(c, "_customer_count", None) is None:
        attach_workspace([c])
    return {
        "id": c.customer_id,
        "complaint_count": getattr(c, "_customer_count", 0),
        "vip": c.customer.relationship == Relationship.VIP,
    }


def followers_summary(c: Complaint) -> list[str]:
    if getattr(c, "_followers", None) is None:
        attach_workspace([c])
    return getattr(c, "_followers", [])


def do_set_vip(customer: Customer, *, actor: User, vip: bool, reason: str = "", now: dt.datetime) -> Customer:
    """Mark the customer VIP or take the mark away (supervisor and up); the same flag again changes nothing."""
    if not may_set_vip(actor):
        raise Forbidden(_("Only a supervisor or above marks a customer as VIP."))
    if not isinstance(vip, bool):
        raise ValidationFailed(_("Say whether the customer is VIP: true or false."), field="vip")
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationFailed(_("Keep the reason under 200 characters."), field="reason")
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        is_vip = locked.relationship == Relationship.VIP
        if is_vip == vip:
            return locked
        # Taking the mark away leaves them a known customer: they have complained before.
        locked.relationship = Relationship.VIP if vip else Relationship.EXISTING
        locked.save(update_fields=["relationship", "updated_at"])
        VipChange.objects.create(customer=locked, vip=vip, reason=reason, actor=actor, at=now)
    return locked
