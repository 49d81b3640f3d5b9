"""What of a complaint is searchable, as the token document kept in Complaint.search_text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from .phone import phone_field
from .tokens import document


def complaint_fields(c: Any, *, phone: bool = True) -> list[str]:
    """The searched fields, in the order they are stored. Works on historical models in migrations too.
    `phone=False`: without the phone's tokens (the text before they were indexed)."""
    customer = c.customer
    fields = [
        c.number,
        c.legacy_no,
        c.title,
        c.description,
        customer.name if customer else "",
        customer.company if customer else "",
        c.product,
        c.product_model,
        c.product_code,
        c.batch_no,
        c.order_no,
        c.store,
    ]
    if phone:
        # Not the number itself: its last four digits and a keyed hash (see phone.py).
        fields.append(phone_field(getattr(customer, "phone", "") or "") if customer else "")
    return fields


def complaint_document(c: Any) -> str:
    return document(complaint_fields(c))


def recompute_search_text(
    model: Any,
    *,
    batch_size: int = 1000,
    using: str = "default",
    build: Callable[[Any], str] = complaint_document,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rewrite search_text of every complaint whose document changed, in id order and in batches of
    `batch_size` (one transaction each); returns how many changed. `model` is the Complaint model (or its
    historical version in a migration)."""
    changed = 0
    last_id = 0
    fields = ["id", "search_text", *COMPLAINT_COLUMNS, "customer__name", "customer__company", "customer__phone"]
    while True:
        batch = list(
            model.objects.using(using)
            .filter(id__gt=last_id)
            .select_related("customer")
            .only(*fields)
            .order_by("id")[:batch_size]
        )
        if not batch:
            return changed
        last_id = batch[-1].id
        stale = []
        for c in batch:
            text = build(c)
            if text != c.search_text:
                c.search_text = text
                stale.append(c)
        if stale:
            with transaction.atomic(using=using):
                model.objects.using(using).bulk_update(stale, ["search_text"], batch_size=200)
        changed += len(stale)
        if progress:
            progress(last_id)


COMPLAINT_COLUMNS = (
    "number",
    "legacy_no",
    "title",
    "description",
    "product",
    "product_model",
    "product_code",
    "batch_no",
    "order_no",
    "store",
)
