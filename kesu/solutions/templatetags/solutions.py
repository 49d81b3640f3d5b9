"""The compensation card on the complaint page: `{% load solutions %}{% compensation_card %}` (needs `c` or
`complaint` and `request` in the context), and the rows the "waiting for me" page shows.

A refused step leaves its state on the request (`request.compensation_state`: which form, the values typed,
the errors by field, warnings to confirm) so the page shows that form again as it was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints.states import OPEN_STATES
from kesu.solutions import actions, rules, selectors
from kesu.solutions.models import GRANTED, Kind, Status

register = template.Library()

STATUS_TONES = {
    Status.PENDING: "warning",
    Status.APPROVED: "primary",
    Status.REJECTED: "danger",
    Status.PAID: "success",
    Status.SHIPPED: "success",
    Status.DONE: "success",
    Status.CANCELLED: "secondary",
}


def compensation_rows(comps, user, *, state: dict[str, Any] | None = None, table=None) -> list[dict[str, Any]]:
    """Each compensation with what this user may do with it now (decide, execute, cancel)."""
    state = state or {}
    table = rules.limits() if table is None else table
    now = timezone.now()
    rows = []
    for comp in comps:
        steps = actions.next_steps(comp) if actions.may_execute(comp, user) else ()
        form = state.get("form", "")
        rows.append(
            {
                "comp": comp,
                "tone": STATUS_TONES.get(comp.status, "secondary"),
                "approver_label": Role(comp.approver_role).label if comp.approver_role in Role.values else "",
                "may_decide": comp.status == Status.PENDING and actions.may_decide(comp, user, table),
                "own_request": user is not None and comp.requested_by_id == getattr(user, "pk", None),
                "steps": [(s, Status(s).label) for s in steps],
                "needs_reference": any(s in actions.NEEDS_REFERENCE for s in steps),
                "reference_label": _reference_label(comp.kind),
                "may_cancel": actions.may_cancel(comp, user),
                "overdue": comp.breached_at is not None or (comp.due_at is not None and comp.due_at <= now),
                "open_form": form.rsplit("-", 1)[0] if form.endswith(f"-{comp.pk}") else "",
            }
        )
    return rows


AVAILABLE = {"decide": "may_decide", "execute": "steps", "cancel": "may_cancel"}


def unshown_errors(rows: list[dict[str, Any]], state: dict[str, Any]) -> list[str]:
    """The messages of a refused step whose form this user is not offered (e.g. a decision above his limit):
    they are shown above the list instead of being lost."""
    form = state.get("form", "")
    if not form or form == "request":
        return []
    for r in rows:
        if r["open_form"] and r[AVAILABLE.get(r["open_form"], "may_cancel")]:
            return []
    messages: list[str] = []
    for values in (state.get("errors") or {}).values():
        messages += [m for m in values if m not in messages]
    return messages


def _reference_label(kind: str):
    from django.utils.translation import gettext as _

    return _("Waybill no.") if kind == Kind.GOODS else _("Payment reference")


@register.inclusion_tag("web/solutions/_compensation_card.html", takes_context=True)
def compensation_card(context) -> dict[str, Any]:
    complaint = context.get("c") or context.get("complaint")
    request = context.get("request")
    user = getattr(request, "user", None)
    if complaint is None or user is None or not user.is_authenticated:
        return {"show": False}
    state = getattr(request, "compensation_state", None) or {}
    table = rules.limits()
    comps = selectors.compensations_of(complaint)
    own_limit = rules.limit_of(user.role, table)
    granted = sum((c.amount for c in comps if c.status in GRANTED), Decimal("0.00"))
    rows = compensation_rows(comps, user, state=state, table=table)
    return {
        "show": True,
        "c": complaint,
        "csrf_token": context.get("csrf_token"),
        "rows": rows,
        "refused": unshown_errors(rows, state),
        "may_request": user.role in actions.REQUEST_ROLES
        and complaint.status in OPEN_STATES
        and not complaint.is_read_only,
        "kinds": Kind.choices,
        "own_limit": None if own_limit.is_infinite() else own_limit,
        "unlimited": own_limit.is_infinite(),
        "granted": granted,
        "state": state,
        "errors": state.get("errors") or {},
        "values": state.get("values") or {},
        "warnings": state.get("warnings") or [],
        "form": state.get("form", ""),
        "now": timezone.now(),
    }


@register.filter
def field_errors(errors: dict, field: str) -> list:
    return (errors or {}).get(field) or []


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, "") if isinstance(mapping, dict) else ""
