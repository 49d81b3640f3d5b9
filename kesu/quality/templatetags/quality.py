"""The investigation card on the complaint page: `{% load quality %}{% investigation_card c request %}`."""

from __future__ import annotations

from django import template

from kesu.quality import actions, selectors
from kesu.quality.models import CapaStatus

register = template.Library()


@register.inclusion_tag("web/quality/_card.html")
def investigation_card(complaint, request) -> dict:
    """A summary (root cause, containment totals, 8D progress, CAPAs) and why the complaint cannot close yet."""
    user = getattr(request, "user", None)
    investigation = selectors.investigation_of(complaint)
    capas = selectors.capas_of(complaint)
    disciplines = selectors.disciplines_of(complaint, investigation=investigation, capas=capas)
    rows = selectors.containment_of(complaint)
    return {
        "c": complaint,
        "investigation": investigation,
        "totals": selectors.containment_totals(rows),
        "row_count": len(rows),
        "progress": selectors.progress(disciplines),
        "capas": capas,
        "verified": sum(1 for x in capas if x.status == CapaStatus.VERIFIED),
        "gate": actions.capa_gate_message(complaint),
        "may_edit": actions.may_edit(complaint, user) if user is not None else False,
    }


@register.filter
def errors_for(errors: dict, field: str) -> list:
    """The messages for `field` in an errors dict ({"field": ["…"]})."""
    return (errors or {}).get(field) or []


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "") if isinstance(mapping, dict) else getattr(mapping, str(key), "")
