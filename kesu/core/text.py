"""Text from outside: the one check every edge and action applies before a string reaches the database.

PostgreSQL refuses a NUL character (U+0000) in any text value, SQLite keeps it and every later reader
trips over it; no complaint, name or search word has a reason to carry one. So it is refused where the
input arrives, naming the field, before anything is stored or queried.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .errors import ValidationFailed

NUL = "\x00"


def nul_message() -> str:
    return _("This field contains a NUL character (\\u0000), which is not allowed.")


def check_text(value: str, field: str) -> str:
    """`value` unchanged, or ValidationFailed naming `field` if it carries a NUL character."""
    if NUL in value:
        raise ValidationFailed(nul_message(), field=field)
    return value


def clean_text(value: Any, field: str, *, required: bool, max_length: int | None = None) -> str:
    """`value` stripped, or ValidationFailed naming `field`: a NUL character, missing when required, too long."""
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    check_text(text, field)
    if required and not text:
        raise ValidationFailed(_("This field is required."), field=field)
    if max_length and len(text) > max_length:
        raise ValidationFailed(
            _("At most %(max)s characters (this has %(len)s).") % {"max": max_length, "len": len(text)},
            field=field,
        )
    return text


def fields_with_nul(value: Any, prefix: str = "") -> Iterator[str]:
    """The dotted names of every string (key or value) in a JSON-like structure that carries a NUL.

    {"customer": {"name": "a\\x00"}} → "customer.name"; list items keep their parent's name."""
    if isinstance(value, str):
        if NUL in value:
            yield prefix or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and NUL in key:
                yield prefix or "body"
                continue
            yield from fields_with_nul(item, name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from fields_with_nul(item, prefix)
