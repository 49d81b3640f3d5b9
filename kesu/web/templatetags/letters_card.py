"""The letters card on the complaint page: `{% load letters_card %}{% letters_card c request %}`.

The reply letter (客户投诉回复函) and the brief complaint report (客户投诉简要报告) from kesu.documents.letters:
previews, PDF downloads, sending the letter to the customer, and the letters sent. Only for the users
letters.may_print allows. A refused send leaves `request.letters_state` ({"error": message}) for the card."""

from __future__ import annotations

from django import template

from kesu.channels.outbound import services as outbound
from kesu.documents import letters

register = template.Library()


@register.inclusion_tag("web/solutions/_letters_card.html", takes_context=True)
def letters_card(context, complaint, request) -> dict:
    user = getattr(request, "user", None)
    if complaint is None or not letters.may_print(user):
        return {"show": False}
    email = complaint.customer.email
    state = getattr(request, "letters_state", None) or {}
    return {
        "show": True,
        "c": complaint,
        "csrf_token": context.get("csrf_token"),
        "sent": letters.letters_sent(complaint),
        "email_to": outbound.mask("email", email) if email else "",
        "may_send": bool(email) and not complaint.is_read_only,
        "read_only": complaint.is_read_only,
        "language": outbound.customer_language(complaint),
        "error": state.get("error", ""),
    }
