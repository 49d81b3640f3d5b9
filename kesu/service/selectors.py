"""Reads of service orders: who sees which, the staff list, a technician's day in route order, the dispatch
suggestions with their reasons, and the customer's signed link.

Who sees an order: the service desk and the organisation-wide roles, and quality (they check every repair) see all;
a handler sees the orders dispatched to him and those linked to complaints in his data scope. Anything else is
"not found", exactly like an order that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.roles import ORG_WIDE_ROLES, Role
from kesu.complaints.access import scope_q
from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound

from .models import ServiceEvent, ServiceOrder, Technician
from .states import IN_HAND, Status

TOKEN_SALT = "kesu.service.track"


def orders_visible_to(user) -> QuerySet[ServiceOrder]:
    qs = ServiceOrder.objects.select_related("customer", "technician", "complaint", "created_by")
    if not user or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in ORG_WIDE_ROLES or user.role == Role.QUALITY:
        return qs
    q = scope_q(user)
    visible = Q(technician=user)
    if q is not None:
        visible |= Q(complaint__in=Complaint.objects.filter(q).values("pk"))
    return qs.filter(visible)


def access_order(user, number: str) -> ServiceOrder:
    """The order with this number if `user` may see it; NotFound if missing OR out of scope."""
    order = orders_visible_to(user).filter(number=number).first()
    if order is None:
        raise NotFound(_("Service order %(number)s was not found.") % {"number": number})
    return order


def order_list(user, *, status: str | None = None, technician: str | None = None, q: str = "") -> QuerySet:
    qs = orders_visible_to(user)
    if status == "open":
        qs = qs.exclude(status__in=[Status.COMPLETED, Status.EVALUATED, Status.CANCELLED])
    elif status:
        qs = qs.filter(status=status)
    if technician:
        qs = qs.filter(technician__username=technician)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(product__icontains=q) | Q(address__icontains=q))
    return qs.order_by("-created_at", "-id")


def orders_of_complaint(complaint: Complaint) -> list[ServiceOrder]:
    return list(
        ServiceOrder.objects.filter(Q(complaint=complaint) | Q(follow_up_complaint=complaint))
        .select_related("technician")
        .order_by("created_at", "id")
    )


def attach_order_numbers(complaints: list[Complaint]) -> None:
    """The service-order numbers of a page of complaints in one query (order_numbers_of reads them)."""
    ids = [c.pk for c in complaints]
    if not ids:
        return
    found: dict[int, list[ServiceOrder]] = {pk: [] for pk in ids}
    rows = ServiceOrder.objects.filter(Q(complaint_id__in=ids) | Q(follow_up_complaint_id__in=ids)).order_by(
        "created_at", "id"
    )
    for order in rows.only("id", "number", "complaint_id", "follow_up_complaint_id", "created_at"):
        for pk in {order.complaint_id, order.follow_up_complaint_id}:
            if pk in found:
                found[pk].append(order)
    for c in complaints:
        c._prefetched_objects_cache = {**getattr(c, "_prefetched_objects_cache", {}), "service_orders": found[c.pk]}


def order_numbers_of(complaint: Complaint) -> list[str]:
    """The numbers the complaint object lists: orders made from it, and the order whose evaluation raised it."""
    cached = getattr(complaint, "_prefetched_objects_cache", {}).get("service_orders")
    if cached is not None:
        return [o.number for o in cached]
    return list(
        ServiceOrder.objects.filter(Q(complaint=complaint) | Q(follow_up_complaint=complaint))
        .order_by("created_at", "id")
        .values_list("number", flat=True)
    )


def timeline(order: ServiceOrder) -> list[ServiceEvent]:
    return list(order.events.select_related("actor").order_by("at", "id"))


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def technician_day(user, *, day: dt.date) -> list[ServiceOrder]:
    """The technician's orders for `day` in route order: appointments by their time, then orders he holds with no
    appointment (oldest dispatch first). Orders he finished today stay at the end of the list."""
    start, end = _day_bounds(day)
    qs = (
        ServiceOrder.objects.filter(technician=user)
        .filter(
            Q(status__in=IN_HAND, appointment_at__lt=end)
            | Q(status__in=IN_HAND, appointment_at__isnull=True)
            | Q(completed_at__gte=start, completed_at__lt=end)
        )
        .select_related("customer", "complaint")
    )
    held = [o for o in qs if o.status in IN_HAND]
    done = [o for o in qs if o.status not in IN_HAND]
    far = timezone.make_aware(dt.datetime.max - dt.timedelta(days=2))
    held.sort(key=lambda o: (o.appointment_at or far, o.dispatched_at or o.created_at, o.pk))
    done.sort(key=lambda o: (o.completed_at, o.pk))
    return held + done


def suggest_technicians(order: ServiceOrder, *, now: dt.datetime) -> list[dict[str, Any]]:
    """Every active technician, best first: the skill the order needs, its area, then the lightest load on the
    appointment's day (orders held). Each with the reason in words; `available` False when the day is full."""
    day = timezone.localtime(order.appointment_at or now).date()
    start, end = _day_bounds(day)
    techs = list(
        Technician.objects.filter(active=True, user__is_active=True, user__role=Role.HANDLER).select_related("user")
    )
    loads = dict(
        ServiceOrder.objects.filter(technician__in=[t.user_id for t in techs], status__in=IN_HAND)
        .exclude(pk=order.pk)
        .filter(Q(appointment_at__isnull=True) | Q(appointment_at__gte=start, appointment_at__lt=end))
        .values("technician")
        .annotate(n=Count("id"))
        .values_list("technician", "n")
    )
    need_skill = (order.skill or "").strip().lower()
    need_area = (order.area or "").strip().lower()
    out = []
    for t in techs:
        skills = [str(s).strip().lower() for s in t.skills or []]
        areas = [str(a).strip().lower() for a in t.areas or []]
        skill_ok = bool(need_skill) and need_skill in skills
        area_ok = bool(need_area) and need_area in areas
        load = loads.get(t.user_id, 0)
        parts = []
        if need_skill:
            parts.append(
                (_("repairs %(skill)s") if skill_ok else _("does not list %(skill)s")) % {"skill": order.skill}
            )
        if need_area:
            parts.append((_("covers %(area)s") if area_ok else _("works outside %(area)s")) % {"area": order.area})
        parts.append(
            _("%(load)s of %(capacity)s orders on %(day)s") % {"load": load, "capacity": t.daily_capacity, "day": day}
        )
        out.append(
            {
                "user": t.user,
                "username": t.user.username,
                "name": str(t.user),
                "skill": skill_ok,
                "area": area_ok,
                "load": load,
                "capacity": t.daily_capacity,
                "available": load < t.daily_capacity,
                "reason": "; ".join(parts),
            }
        )
    out.sort(key=lambda s: (not s["available"], not s["skill"], not s["area"], s["load"], s["username"]))
    return out


def tracking_token(order: ServiceOrder) -> str:
    return signing.dumps(order.number, salt=TOKEN_SALT, compress=True)


def order_by_token(token: str) -> ServiceOrder:
    """The order a customer's link names; NotFound for a forged or mangled link."""
    try:
        number = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    order = ServiceOrder.objects.select_related("customer", "technician", "complaint").filter(number=number).first()
    if order is None:
        raise NotFound(_("This link is not valid."))
    return order
