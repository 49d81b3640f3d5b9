"""Reads of the inbound channel."""

from __future__ import annotations

from kesu.complaints.models import Complaint


def received_complaint(complaint_id: int) -> Complaint:
    """The complaint a source's request created, loaded as the complaint object needs it. The source has no
    user and no data scope: it may see what it sent, and only that (the id comes from its own event)."""
    return Complaint.objects.select_related(
        "customer", "category", "owner", "department", "created_by", "reviewed_by"
    ).get(pk=complaint_id)
