"""What the active playbook says about service orders (settings.service), with the defaults used when it says nothing:

    service:
      response_hours: 4            # from the request to an agreed appointment or a dispatch
      arrival_hours: 24            # from the dispatch to the technician on site (the appointment's end when agreed)
      completion_hours: 72         # from the request to the customer's signature, on-site repairs
      takeback_days: 7             # the same for goods taken back; also the promised return date's default
      remind_before_minutes: 60    # the responsible person is reminded this long before a clock is due
      slot_hours: 2                # an appointment slot's length when only its start is given
      warranty_months: 12          # a product not listed under Product warranties
      bad_score: 2                 # an evaluation at or below this becomes a complaint linked to the order

Validated when the playbook loads (kesu.rules.playbooks → validate). Pure reading: no writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kesu.rules.playbooks import active_playbook

DEFAULTS: dict[str, int] = {
    "response_hours": 4,
    "arrival_hours": 24,
    "completion_hours": 72,
    "takeback_days": 7,
    "remind_before_minutes": 60,
    "slot_hours": 2,
    "warranty_months": 12,
    "bad_score": 2,
}
LIMITS: dict[str, tuple[int, int]] = {
    "response_hours": (1, 24 * 30),
    "arrival_hours": (1, 24 * 30),
    "completion_hours": (1, 24 * 90),
    "takeback_days": (1, 365),
    "remind_before_minutes": (0, 24 * 60),
    "slot_hours": (1, 24),
    "warranty_months": (0, 240),
    "bad_score": (1, 4),
}


def validate(value: Any, fail) -> None:
    """Called by the playbook loader: a mapping of the known keys, each a whole number in its range."""
    if not isinstance(value, dict):
        fail("settings.service", "must be a mapping")
    for key, item in value.items():
        if key not in DEFAULTS:
            fail(f"settings.service.{key}", f"unknown key; known: {', '.join(DEFAULTS)}")
        low, high = LIMITS[key]
        if isinstance(item, bool) or not isinstance(item, int) or not low <= item <= high:
            fail(f"settings.service.{key}", f"must be a whole number from {low} to {high}")


def settings_() -> dict[str, int]:
    """The effective settings: the playbook's valid values over the defaults."""
    playbook = active_playbook()
    given = (playbook.settings or {}).get("service") if playbook else None
    out = dict(DEFAULTS)
    if isinstance(given, dict):
        for key, value in given.items():
            if key in LIMITS and isinstance(value, int) and not isinstance(value, bool):
                low, high = LIMITS[key]
                if low <= value <= high:
                    out[key] = value
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def warranty_months(product_code: str, product: str, conf: dict[str, int]) -> int:
    from .models import ProductWarranty

    keys = [k for k in (product_code.strip(), product.strip()) if k]
    rows = {w.product: w.months for w in ProductWarranty.objects.filter(product__in=keys)} if keys else {}
    for k in keys:
        if k in rows:
            return rows[k]
    return conf["warranty_months"]


def warranty_until(purchase_date: dt.date | None, *, product_code: str, product: str, conf: dict[str, int]):
    """The last day of the warranty, or None when the purchase date is unknown."""
    if purchase_date is None:
        return None
    return add_months(purchase_date, warranty_months(product_code, product, conf)) - dt.timedelta(days=1)
