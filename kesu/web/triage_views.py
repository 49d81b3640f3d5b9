"""The live triage suggestion beside the new-complaint form (R-CLS-4, API.md "Triage suggestion").

Called on every pause in typing: it reads the text, asks the suggester, renders the panel and stores nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from kesu.complaints.models import Category
from kesu.complaints.states import HANDLING
from kesu.triage import suggest

from .display import mark_evidence, triage_view

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
        view = triage_view(_live_suggestion(title, description, product, types=list(types)), types)
        context.update(
            triage=view,
            title_marked=mark_evidence(title, view["evidence"]),
            description_marked=mark_evidence(description, view["evidence"]),
        )
    response = render(request, "web/triage/_live.html", context)
    response["Cache-Control"] = "no-store"
    return response
