"""The complaint page's links card: links both ways, merge and link forms, contacts that came with duplicates."""

from __future__ import annotations

from django import template

from kesu.complaints import merging
from kesu.complaints.access import customers_identified_for, mask_name
from kesu.complaints.models import LinkKind
from kesu.core.masking import mask_email, mask_phone

register = template.Library()

# How a link reads from this complaint: (kind, direction) → words.
WORDS = {
    ("related", "both"): LinkKind.RELATED.label,
    ("duplicate", "out"): LinkKind.DUPLICATE.label,
    ("follow_up", "out"): LinkKind.FOLLOW_UP.label,
}


def link_words(kind: str, direction: str) -> str:
    from django.utils.translation import pgettext

    if (kind, direction) in WORDS:
        return str(WORDS[(kind, direction)])
    if kind == "duplicate":
        return pgettext("link kind", "Has a duplicate")
    if kind == "follow_up":
        return pgettext("link kind", "Followed up by")
    return str(LinkKind.RELATED.label)


@register.filter
def link_label(row) -> str:
    return link_words(row.kind, row.direction)


def contacts(complaint, user) -> list[dict]:
    """The customers of duplicates merged into this complaint, masked as the complaint's own customer is."""
    pairs = merging.merged_contacts(complaint)
    known = customers_identified_for(user, [c.pk for _d, c in pairs])
    rows = []
    for dup, customer in pairs:
        identified = known is None or customer.pk in known
        rows.append(
            {
                "number": dup.number,
                "name": customer.name if identified else mask_name(customer.name),
                "phone": mask_phone(customer.phone),
                "email": mask_email(customer.email) if identified else "",
            }
        )
    return rows


@register.inclusion_tag("web/workspace/_links_card.html", takes_context=True)
def links_card(context):
    from kesu.web.link_views import merging_context

    complaint = context["complaint"]
    user = context["request"].user
    data = merging_context(complaint, user)
    data["contacts"] = contacts(complaint, user) if complaint.merged_complaints.exists() else []
    data["request"] = context["request"]
    data["csrf_token"] = context.get("csrf_token")
    return data


@register.inclusion_tag("web/workspace/_merged_banner.html", takes_context=True)
def merged_banner(context):
    complaint = context["complaint"]
    user = context["request"].user
    survivor = None
    if complaint.merged_into_id:
        survivor = merging.survivor_of(complaint)
        from kesu.complaints.access import visible_numbers

        if survivor.number not in visible_numbers(user, [survivor.number]):
            survivor = None
    reason = ""
    event = complaint.events.filter(action="merge").order_by("-at", "-id").first()
    if event is not None:
        reason = (event.data or {}).get("reason", "")
    return {"complaint": complaint, "survivor": survivor, "reason": reason}
