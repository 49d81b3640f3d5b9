"""How service orders look on a page: status colours, timeline rows in words, the card on the complaint page and
the one on the customer's tracking page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kesu.service import selectors
from kesu.service.actions import is_repair_request
from kesu.service.models import Clock, Mode, ServiceClass
from kesu.service.states import FRONT_DESK, TRANSITIONS, Status

register = template.Library()

TONES = {
    Status.NEW: "secondary",
    Status.SCHEDULED: "info",
    Status.DISPATCHED: "primary",
    Status.ON_SITE: "warning",
    Status.TAKEN_BACK: "warning",
    Status.REPAIRED: "info",
    Status.CHECKED: "primary",
    Status.COMPLETED: "success",
    Status.EVALUATED: "success",
    Status.CANCELLED: "dark",
}

EVENT_LABELS = {
    "created": pgettext_lazy("service event", "Service order created"),
    "photo": pgettext_lazy("service event", "Photo of the work added"),
    "clock_breached": pgettext_lazy("service event", "Deadline missed"),
}


@register.filter
def service_tone(status: str) -> str:
    return TONES.get(status, "secondary")


@register.filter
def service_status(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.filter
def service_event(action: str) -> str:
    if action in EVENT_LABELS:
        return str(EVENT_LABELS[action])
    if action in TRANSITIONS:
        return str(TRANSITIONS[action].label)
    return action


def _when(value: Any) -> str:
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(value) if isinstance(value, str) else None
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else str(value)


@register.filter
def service_event_text(event) -> str:
    """The details of an order's timeline row, in words."""
    d = event.data or {}
    parts: list[str] = []
    if d.get("service_class"):
        parts.append(str(ServiceClass(d["service_class"]).label))
    if d.get("mode"):
        parts.append(str(Mode(d["mode"]).label))
    if d.get("warranty_until"):
        parts.append(_("warranty until %(day)s") % {"day": d["warranty_until"]})
    if d.get("appointment_at"):
        end = f" – {_when(d['appointment_end'])[-5:]}" if d.get("appointment_end") else ""
        parts.append(_("appointment %(when)s") % {"when": _when(d["appointment_at"]) + end})
    if d.get("technician"):
        parts.append(_("technician %(name)s") % {"name": d["technician"]})
    if d.get("reason"):
        parts.append(str(d["reason"]))
    if d.get("items"):
        parts.append(_("goods: %(items)s") % {"items": "、".join(d["items"])})
    if d.get("promised_at"):
        parts.append(_("promised back by %(day)s") % {"day": d["promised_at"]})
    if d.get("total"):
        parts.append(_("quote %(total)s yuan") % {"total": d["total"]})
    if d.get("by"):
        parts.append(str(d["by"]))
    if d.get("work_done"):
        parts.append(str(d["work_done"]))
    if d.get("parts"):
        parts.append(_("parts: %(parts)s") % {"parts": "、".join(d["parts"])})
    if "fee" in d:
        parts.append(_("fee %(fee)s yuan") % {"fee": d["fee"]})
    if "passed" in d:
        parts.append(_("passed") if d["passed"] else _("failed"))
    if d.get("note"):
        parts.append(str(d["note"]))
    if d.get("signed_by"):
        parts.append(_("signed by %(name)s") % {"name": d["signed_by"]})
    if d.get("returned"):
        parts.append(_("goods returned"))
    if d.get("score"):
        parts.append(_("%(score)s of 5") % {"score": d["score"]})
    if d.get("comment"):
        parts.append(str(d["comment"]))
    if d.get("complaint"):
        parts.append(_("complaint %(number)s raised") % {"number": d["complaint"]})
    if d.get("clock"):
        parts.append(str(Clock(d["clock"]).label))
    if d.get("caption"):
        parts.append(str(d["caption"]))
    return " · ".join(p for p in parts if p)


@register.inclusion_tag("web/service/_complaint_orders.html", takes_context=True)
def service_orders_card(context, complaint) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if complaint is None or user is None or not user.is_authenticated:
        return {"show": False}
    orders = selectors.orders_of_complaint(complaint)
    may_create = user.role in FRONT_DESK and is_repair_request(complaint) and complaint.status != "archived"
    if not orders and not may_create:
        return {"show": False}
    return {
        "show": True,
        "c": complaint,
        "orders": orders,
        "may_create": may_create,
        "modes": Mode.choices,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("web/service/_track_orders.html")
def service_track_card(number: str) -> dict[str, Any]:
    """The service orders of the tracked complaint, each with its own signed link and receipt."""
    from kesu.complaints.models import Complaint

    complaint = Complaint.objects.filter(number=number).first()
    if complaint is None:
        return {"orders": []}
    rows = []
    for order in selectors.orders_of_complaint(complaint):
        token = selectors.tracking_token(order)
        rows.append(
            {
                "order": order,
                "url": reverse("web:service_public", args=[token]),
                "receipt": reverse("web:service_public_receipt", args=[token]),
            }
        )
    return {"orders": rows}
