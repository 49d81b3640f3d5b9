"""Building blocks of every request body: unknown fields are refused, numbers are numbers.

A body that carries a field the endpoint does not know (a typo, a field of another action) is a 400
naming that field, never silently ignored. JSON `true` is not the number 1: money, quantities, scores
and levels accept only real numbers (money also a decimal string).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, StrictInt


class Body(Schema):
    """The base of every request body: fields it does not declare are an error naming them."""

    model_config = ConfigDict(extra="forbid")


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(_("Enter a number, not true or false."))
    return value


Money = Annotated[
    str | int | float,
    BeforeValidator(_not_a_boolean),
    Field(description='Amount in CNY, a decimal string such as "5200.00".'),
]
Count = Annotated[StrictInt, Field(ge=0, le=10_000_000)]
Version = Annotated[StrictInt, Field(ge=0, description="The version you last saw; a different current one → 409.")]
