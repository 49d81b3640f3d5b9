"""The macro menu on the complaint page: `{% load scripts_ui %}{% macro_menu c request %}`.

Lists the active macros whose every step the user's role may take, each step described, and says when the first
step cannot be taken on the complaint as it is now. A refused run leaves `request.macro_state` ({"macro": id,
"error": message}) so the menu shows why, next to that macro."""

from __future__ import annotations

from django import template

from kesu.complaints.states import HANDLING

from .. import macros
from ..models import Macro, Script

register = template.Library()


@register.inclusion_tag("web/solutions/_macro_menu.html", takes_context=True)
def macro_menu(context, complaint, request) -> dict:
    user = getattr(request, "user", None)
    if complaint is None or user is None or not user.is_authenticated or user.role not in HANDLING:
        return {"show": False}
    rows = [
        m
        for m in Macro.objects.filter(active=True)
        if macros.may_run(user, m.steps) and not macros.step_errors(m.steps)
    ]
    if not rows:
        return {"show": False}
    scripts = Script.objects.in_bulk([s["reply"] for m in rows for s in m.steps if "reply" in s])
    state = getattr(request, "macro_state", None) or {}
    items = [
        {
            "macro": m,
            "steps": [macros.describe(step, scripts) for step in m.steps],
            "refusal": macros.first_refusal(complaint, user, m.steps),
            "error": state.get("error", "") if state.get("macro") == m.pk else "",
        }
        for m in rows
    ]
    return {
        "show": True,
        "c": complaint,
        "items": items,
        "read_only": complaint.is_read_only,
        "csrf_token": context.get("csrf_token"),
    }
