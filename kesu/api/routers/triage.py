"""POST /triage: the suggestion for a text, as intake would make it; nothing is stored (API.md "Triage suggestion")."""

from __future__ import annotations

from ninja import Router

from kesu.core.text import clean_text
from kesu.triage import suggest
from kesu.triage.contract import public_suggestion

from ..schemas.triage import SuggestionOut, TriageIn

router = Router()

LIMITS = {"title": 200, "description": 10000, "product": 200}


def _field(payload: TriageIn, name: str, *, required: bool = False) -> str:
    return clean_text(getattr(payload, name), name, required=required, max_length=LIMITS[name])


@router.post(
    "/triage",
    response=SuggestionOut,
    tags=["triage"],
    summary="Suggest a type and risk families for a complaint's text (nothing is stored)",
)
def triage(request, payload: TriageIn):
    description = _field(payload, "description", required=True)
    title, product = _field(payload, "title"), _field(payload, "product")
    text = "\n".join(part for part in (title, description, product) if part)
    return public_suggestion(suggest(text))
