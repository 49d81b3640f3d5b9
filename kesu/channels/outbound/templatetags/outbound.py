"""The reply box on the complaint page: `{% load outbound %}{% reply_box %}` (needs `c` or `complaint` and
`request` in the context). A failed send leaves its state on the request (`request.reply_box_state`: the
typed values and the errors by field) so the page shows the box as it was typed."""

from __future__ import annotations

from django import template

from kesu.complaints.states import HANDLING
from kesu.scripts.models import Situation

from ..models import MessageChannel
from ..selectors import messages_of
from ..services import contact_channels, mask, sms_gateway

register = template.Library()

RECENT = 5


@register.inclusion_tag("web/channels/reply_box.html", takes_context=True)
def reply_box(context) -> dict:
    complaint = context.get("c") or context.get("complaint")
    request = context.get("request")
    user = getattr(request, "user", None)
    if complaint is None or user is None or not user.is_authenticated or user.role not in HANDLING:
        return {"show": False}
    gateway = sms_gateway() if complaint.customer.phone else None
    possible = contact_channels(complaint, gateway=gateway)
    state = getattr(request, "reply_box_state", None) or {}
    chosen = state.get("channel") or next(iter(possible), "")
    channels = [
        {
            "value": value,
            "label": MessageChannel(value).label,
            "to": mask(value, address),
            "checked": value == chosen,
            "icon": "bi-envelope" if value == MessageChannel.EMAIL else "bi-phone",
        }
        for value, address in possible.items()
    ]
    return {
        "show": True,
        "complaint": complaint,
        "csrf_token": context.get("csrf_token"),
        "channels": channels,
        "may_send": bool(channels) and not complaint.is_read_only,
        "read_only": complaint.is_read_only,
        # The page's timeline is at hand: only the messages sent are read (one query).
        "recent": messages_of(complaint, limit=RECENT, events=context.get("events")),
        "errors": state.get("errors") or {},
        "text": state.get("text", ""),
        "subject": state.get("subject", ""),
        "chosen": chosen,
        # The scripts picker (kesu.scripts): its results load when it is opened; the script inserted is sent along.
        "script": state.get("script", ""),
        "situations": Situation.choices,
        "has_phone": bool(complaint.customer.phone),
        "has_gateway": gateway is not None,
    }
