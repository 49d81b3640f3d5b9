"""POST /triage: the suggestion for a text, as intake would make it; nothing is stored (API.md "Triage suggestion")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from kesu.core.errors import ValidationFailed
from kesu.triage import suggest
from kesu.triage.contract import public_suggestion

from ..schemas.triage import SuggestionOut, TriageIn

router = Router()

LIMITS = {"title": 200, "description": 10000, "product": 200}


def _field(payload: TriageIn, name: str, *, required: bool = False) -> str:
    value = (getattr(payload, name) or "").strip()
    if required and not value:
        raise ValidationFailed(_("Give the complaint's description."), field=name)
    if len(value) > LIMITS[name]:
        raise ValidationFailed(
            _("At most %(limit)s characters, not %(length)s.") % {"limit": LIMITS[name], "length": len(value)},
            field=name,
        )
    return value


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
