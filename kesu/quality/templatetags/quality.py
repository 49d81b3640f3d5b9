"""The investigation card on the complaint page: `{% load quality %}{% investigation_card c request %}`."""

from __future__ import annotations

from django import template

from kesu.quality import actions, selectors

register = template.Library()


@register.inclusion_tag("web/quality/_card.html")
def investigation_card(complaint, request) -> dict:
    """A summary (root cause, containment totals, 8D progress, CAPAs) and why the complaint cannot close yet."""
    user = getattr(request, "user", None)
    summary = selectors.card_summary(complaint)
    gate = actions.capa_gate_message(
        complaint,
        responsibility=summary["responsibility"] or "",
        total=summary["capas"],
        waiting=summary["capas"] - summary["verified"],
    )
    return {
        "c": complaint,
        **summary,
        "gate": gate,
        "may_edit": actions.may_edit(complaint, user) if user is not None else False,
    }


@register.filter
def errors_for(errors: dict, field: str) -> list:
    """The messages for `field` in an errors dict ({"field": ["…"]})."""
    return (errors or {}).get(field) or []


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "") if isinstance(mapping, dict) else getattr(mapping, str(key), "")
