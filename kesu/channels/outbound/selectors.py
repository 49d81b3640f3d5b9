"""The conversation with the customer, for the API and the reply box: messages in and out, oldest first."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext

from kesu.complaints.models import Complaint, Event
from kesu.notifications.models import DeliveryStatus

from .models import OutboundMessage

IN_ACTIONS = ("customer_message",)


def messages_of(complaint: Complaint, *, limit: int | None = None, events: list | None = None) -> list[dict[str, Any]]:
    """Two queries whatever the length (one when the page's timeline `events` are given).

    Out: every message sent (channel email|sms, delivery status) and the
    public notes that went to no channel (channel "web": the tracking page shows them). In: the customer's
    messages (channel = how they came: web, email, sms, api, phone)."""
    out = list(
        OutboundMessage.objects.filter(complaint_id=complaint.pk)
        .select_related("delivery", "created_by")
        .order_by("created_at", "id")
    )
    sent_events = {m.event_id for m in out if m.event_id}
    rows: list[dict[str, Any]] = []
    for m in out:
        status = m.delivery.status if m.delivery is not None else DeliveryStatus.PENDING
        rows.append(
            {
                "id": f"out:{m.pk}",
                "at": m.created_at,
                "direction": "out",
                "channel": m.channel,
                "to": m.masked_to,
                "subject": m.subject,
                "text": m.body,
                "template": m.template,
                "automatic": not m.template.startswith("reply"),
                "status": str(status),
                "status_text": str(DeliveryStatus(status).label),
                "error": (m.delivery.last_error if m.delivery is not None else "")[:200],
                "by": str(m.created_by) if m.created_by else "",
            }
        )
    if events is None:
        events = list(
            Event.objects.filter(complaint_id=complaint.pk, internal=False, action__in=(*IN_ACTIONS, "note")).order_by(
                "at", "id"
            )
        )
    for e in events:
        if e.internal or e.action not in (*IN_ACTIONS, "note") or e.pk in sent_events:
            continue
        data = e.data or {}
        incoming = e.action in IN_ACTIONS
        rows.append(
            {
                "id": f"event:{e.pk}",
                "at": e.at,
                "direction": "in" if incoming else "out",
                "channel": str(data.get("via") or "web") if incoming else "web",
                "to": "",
                "subject": str(data.get("subject") or ""),
                "text": str(data.get("text") or ""),
                "template": "",
                "automatic": False,
                "status": "received" if incoming else "posted",
                "status_text": pgettext("message", "Received")
                if incoming
                else pgettext("message", "On the tracking page"),
                "error": "",
                "by": "" if incoming else e.actor_label,
            }
        )
    rows.sort(key=lambda r: (r["at"], r["id"]))
    return rows[-limit:] if limit else rows
