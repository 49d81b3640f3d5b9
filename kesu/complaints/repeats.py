"""Repeat detection (R-CLS-3): earlier complaints about the same matter within the playbook's window."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import Complaint

MAX_LINKED = 50


def find_repeats(complaint: Complaint, *, window_days: int) -> list[Complaint]:
    """Earlier complaints by the same customer about the same product code (or, without one, the same
    type), and earlier complaints about the same order, received within `window_days`."""
    since = complaint.received_at - dt.timedelta(days=window_days)
    same_customer = Q(customer_id=complaint.customer_id)
    if complaint.product_code:
        same_customer &= Q(product_code=complaint.product_code)
    elif complaint.category_id:
        same_customer &= Q(category_id=complaint.category_id)
    matter = same_customer
    if complaint.order_no:
        matter |= Q(order_no=complaint.order_no)
    return list(
        Complaint.objects.filter(matter, received_at__gte=since, received_at__lte=complaint.received_at)
        .exclude(pk=complaint.pk)
        .order_by("-received_at")[:MAX_LINKED]
    )
