from __future__ import annotations

from ninja import Schema
from pydantic import Field


class TriageIn(Schema):
    # Lengths are checked by the router, which names the field in its 400 answer.
    title: str | None = None
    description: str | None = None
    product: str | None = None


class AlternativeOut(Schema):
    type_code: str
    confidence: float


class RiskOut(Schema):
    family: str = Field(description="regulator | media | legal | injury | food_safety | safety_hazard")
    evidence: str = Field(description="the customer's own words")
    confidence: float


class SuggestionOut(Schema):
    type_code: str | None = Field(description="one of the active playbook's types; null only when it has none")
    type_confidence: float | None
    alternatives: list[AlternativeOut]
    risks: list[RiskOut]
    type_evidence: list[str] = Field(default_factory=list, description="the words the type was suggested for")
    low_confidence: bool = Field(description="below the confidence under which the suggestion is shown as unsure")
    model_version: int | None = Field(default=None, description="the learned model's version; null: lexicon alone")
