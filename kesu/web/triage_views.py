"""The live triage suggestion beside the new-complaint form (R-CLS-4, API.md "Triage suggestion").

Called on every pause in typing: it reads the text, asks the suggester, renders the panel and stores nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from kesu.complaints.models import Category
from kesu.complaints.states import HANDLING
from kesu.rules.engine import Facts, evaluate
from kesu.rules.feedback import disabled_terms
from kesu.rules.playbooks import active_rules
from kesu.rules.risk import analyse
from kesu.triage import suggest

from .display import RESULT_LABELS, choice_label, mark_evidence, rule_reason, triage_view
from .forms import parse_amount

# Longer text is cut before it reaches the suggester: a pause in typing must stay cheap.
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_PRODUCT = 200


def _active_types() -> dict[str, str]:
    """Active complaint type codes → their names in the page's language, in the form's order."""
    language = get_language() or ""
    return {c.code: c.label(language) for c in Category.objects.filter(active=True).order_by("sort_order", "code")}


def _live_suggestion(title: str, description: str, product: str, *, types: list[str]) -> dict[str, Any]:
    """The contract's suggestion object for the text being typed, over the active playbook's types."""
    text = "\n".join(part for part in (title, description, product) if part)
    return suggest(text, types=types)


def _live_rules(data, title: str, description: str, suggestion: dict[str, Any]) -> list[dict[str, str]]:
    """What the playbook's rules would set (priority, severity, level) for the form as typed, with each reason:
    the same engine and facts intake uses, on the text, amount, flags, channel and customer kind."""
    try:
        amount = Decimal(parse_amount(data.get("amount", ""))) if data.get("amount") else None
    except (ValidationError, ArithmeticError):
        amount = None
    text = f"{title}\n{description}"
    facts = Facts(
        amount=amount,
        flags=frozenset(data.getlist("flags")),
        type_code=data.get("type_code") or suggestion.get("type_code") or None,
        customer_kind=data.get("customer_kind", ""),
        relationship=data.get("customer_relationship", ""),
        channel=data.get("channel", ""),
        text=text,
        risks={h.risk: h.term for h in analyse(text, disabled_terms=disabled_terms())},
    )
    _ruleset, specs = active_rules()
    outcome = evaluate(specs, facts)
    rows = []
    for key in ("priority", "severity", "level"):
        if outcome.values.get(key) not in (None, ""):
            rows.append(
                {
                    "key": key,
                    "label": str(RESULT_LABELS[key]),
                    "value": choice_label(outcome.values[key], key),
                    "code": str(outcome.values[key]),
                    "reason": rule_reason(outcome.reasons.get(key, "")),
                }
            )
    return rows


@login_required
@require_POST
def triage_live(request: HttpRequest) -> HttpResponse:
    if request.user.role not in HANDLING:
        return HttpResponse(status=403)
    title = request.POST.get("title", "")[:MAX_TITLE].strip()
    description = request.POST.get("description", "")[:MAX_DESCRIPTION].strip()
    product = request.POST.get("product", "")[:MAX_PRODUCT].strip()
    context: dict[str, Any] = {"current_type": request.POST.get("type_code", "")}
    if title or description:
        types = _active_types()
        suggestion = _live_suggestion(title, description, product, types=list(types))
        view = triage_view(suggestion, types)
        context.update(
            triage=view,
            title_marked=mark_evidence(title, view["evidence"]),
            description_marked=mark_evidence(description, view["evidence"]),
            rules=_live_rules(request.POST, title, description, suggestion),
        )
    response = render(request, "web/triage/_live.html", context)
    response["Cache-Control"] = "no-store"
    return response
