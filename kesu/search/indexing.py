"""Keeping the index current: recompute every document (`search_reindex`) and, for OpenSearch, copy the
complaints changed since the last run (the worker job)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kesu.complaints.models import Complaint

from .backends import get_backend
from .documents import recompute_search_text


def all_complaints(*, since=None, batch_size: int = 1000) -> Iterator[Any]:
    """Complaints with their customer, in id order, read in batches (optionally only those updated at or
    after `since`)."""
    qs = Complaint.objects.select_related("customer").order_by("id")
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    last_id = 0
    while True:
        batch = list(qs.filter(id__gt=last_id)[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def reindex(*, batch_size: int = 1000, progress: Callable[[int], None] | None = None) -> int:
    """Recompute search_text for every complaint, then rebuild the active backend's index. Returns how
    many documents changed."""
    changed = recompute_search_text(Complaint, batch_size=batch_size, progress=progress)
    get_backend().rebuild()
    return changed


def sync() -> int:
    """Index the complaints updated since the newest one already in the external index (all of them
    into an empty index). Re-indexing the boundary rows again is harmless, so the job is idempotent."""
    backend = get_backend()
    last = getattr(backend, "last_updated_at", None)
    if last is None:
        return 0  # the database index keeps itself in sync
    return backend.index(all_complaints(since=last()))
