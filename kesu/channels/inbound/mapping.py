"""How a source's request becomes a POST /complaints body: pure functions, no database.

A source's `field_map` names, for each complaint field (dotted for the customer's: "customer.phone"),
where the value sits in the source's own JSON ("buyer.mobile", "items.0.sku": a number picks a list
item). With an empty map the request already is a POST /complaints body plus "external_event_id", and a
field it does not know is refused; with a map, only the mapped fields are read and the rest of the
source's JSON is ignored. `fixed_values` then set fields to the same value for every request (they win
over mapped ones), and a request without a channel gets the source's default channel.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kesu.complaints.actions import ComplaintInput, CustomerInput

EVENT_ID = "external_event_id"
EVENT_ID_MAX = 200

COMPLAINT_FIELDS = tuple(f.name for f in dataclasses.fields(ComplaintInput) if f.name != "customer")
CUSTOMER_FIELDS = tuple(f"customer.{f.name}" for f in dataclasses.fields(CustomerInput))
TARGETS = COMPLAINT_FIELDS + CUSTOMER_FIELDS
# Fields that are not text: a number the source sends for them stays a number.
NOT_TEXT = frozenset({"quantity", "amount", "flags", "occurred_at", "received_at"})

_MISSING = object()


@dataclass
class Mapped:
    body: dict[str, Any]
    event_id: Any
    # complaint field → the source's path it was read from, to name the caller's own field in an error
    origin: dict[str, str] = field(default_factory=dict)

    def source_name(self, name: str) -> str:
        return self.origin.get(name, name)


def _bad_key(key: Any) -> str:
    return _("“%(key)s” is not a complaint field; use one of: %(fields)s.") % {
        "key": key,
        "fields": ", ".join(TARGETS),
    }


def _valid_path(path: Any) -> bool:
    return isinstance(path, str) and 0 < len(path) <= 200 and all(part.strip() for part in path.split("."))


def check_field_map(value: Any) -> dict[str, list[str]]:
    """Errors of a field map, as {"field_map": [messages naming the bad key]}; {} when it is fine."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        return {"field_map": [_('Enter a JSON object such as {"title": "subject"}.')]}
    messages = []
    for key, path in value.items():
        if key not in TARGETS and key != EVENT_ID:
            messages.append(_bad_key(key))
        elif not _valid_path(path):
            messages.append(
                _("“%(key)s”: give the source's field as text, dotted for nested fields (such as “buyer.mobile”).")
                % {"key": key}
            )
    return {"field_map": messages} if messages else {}


def check_fixed_values(value: Any) -> dict[str, list[str]]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        return {"fixed_values": [_('Enter a JSON object such as {"channel": "regulator"}.')]}
    messages = []
    for key, item in value.items():
        if key not in TARGETS:
            messages.append(_bad_key(key))
        elif isinstance(item, dict) or (isinstance(item, list) and key != "flags"):
            messages.append(_("“%(key)s”: give a single value.") % {"key": key})
    return {"fixed_values": messages} if messages else {}


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path of a JSON document, or _MISSING."""
    value = data
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _as_text(target: str, value: Any) -> Any:
    if target not in NOT_TEXT and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _put(body: dict[str, Any], target: str, value: Any) -> None:
    if target.startswith("customer."):
        customer = body.setdefault("customer", {})
        if isinstance(customer, dict):
            customer[target.split(".", 1)[1]] = value
    else:
        body[target] = value


def apply(data: Any, *, field_map: dict, fixed_values: dict, default_channel: str) -> Mapped:
    """The complaint body and the caller's event id read from the source's JSON document `data`."""
    if not isinstance(data, dict):
        return Mapped(body={}, event_id=_MISSING)
    if not field_map:
        body = dict(data)
        event_id = body.pop(EVENT_ID, _MISSING)
        mapped = Mapped(body=body, event_id=event_id)
    else:
        body = {}
        origin = {}
        for target, path in field_map.items():
            if target == EVENT_ID:
                continue
            value = lookup(data, path)
            if value is not _MISSING and value is not None:
                _put(body, target, _as_text(target, value))
                origin[target] = path
        id_path = field_map.get(EVENT_ID, EVENT_ID)
        origin[EVENT_ID] = id_path
        mapped = Mapped(body=body, event_id=lookup(data, id_path), origin=origin)
    for target, value in (fixed_values or {}).items():
        _put(mapped.body, target, _as_text(target, value))
        mapped.origin.pop(target, None)
    if not mapped.body.get("channel"):
        mapped.body["channel"] = default_channel
    return mapped


def event_id_error(value: Any) -> str | None:
    """Why `value` cannot be the caller's event id, or None (a number is taken as its text)."""
    if value is _MISSING or value is None or value == "":
        return _("Give the event's id in your system, so that a repeated request is recognised.")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return _("The event id is text or a whole number.")
    text = str(value)
    if len(text) > EVENT_ID_MAX:
        return _("At most %(max)s characters (this has %(len)s).") % {"max": EVENT_ID_MAX, "len": len(text)}
    if not text.isprintable():
        return _("The event id may not contain control characters.")
    return None
