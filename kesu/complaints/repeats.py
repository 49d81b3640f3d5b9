"""Repeat detection (R-CLS-3): earlier complaints about the same matter within the playbook's window."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import Complaint

MAX_LINKED = 50


def find_repeats(complaint: Complaint, *, window_days: int) -> list[Complaint]:
    """Earlier complaints by the same customer about the same product code (or, without one, the same
    type), and earlier complaints about the same order, received within `window_days`, newest first.

    Two queries, one per index (the customer's complaints by received, the order's): as one query with OR
    the planner walks every complaint of the window instead (30+ ms at 10,000 complaints on SQLite)."""
    since = complaint.received_at - dt.timedelta(days=window_days)
    same_customer = Q(customer_id=complaint.customer_id)
    if complaint.product_code:
        same_customer &= Q(product_code=complaint.product_code)
    elif complaint.category_id:
        same_customer &= Q(category_id=complaint.category_id)
    matters = [same_customer]
    if complaint.order_no:
        matters.append(Q(order_no=complaint.order_no))
    found: dict[int, Complaint] = {}
    for matter in matters:
        for earlier in (
            Complaint.objects.filter(matter, received_at__gte=since, received_at__lte=complaint.received_at)
            .exclude(pk=complaint.pk)
            .only("id", "number", "received_at")  # what intake needs: the links, the count and the numbers
            .order_by("-received_at", "-id")[:MAX_LINKED]
        ):
            found.setdefault(earlier.pk, earlier)
    return sorted(found.values(), key=lambda c: (c.received_at, c.pk), reverse=True)[:MAX_LINKED]
