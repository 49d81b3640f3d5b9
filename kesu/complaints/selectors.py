"""Reads: complaint lists and timelines, batched so a page costs a fixed number of queries."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department
from kesu.core.dates import day_start
from kesu.core.errors import ValidationFailed
from kesu.routing.models import Task, TaskStatus, Watcher
from kesu.sla.models import ClockDefinition, Deadline

from .access import complaints_visible_to
from .models import Complaint, Event
from .models.complaint import ReviewState
from .states import ENDED_STATES


@dataclass
class ComplaintFilters:
    status: list[str] | None = None
    severity: str | None = None
    priority: str | None = None
    type_code: str | None = None
    department: str | None = None
    owner: str | None = None
    overdue: bool | None = None
    now: datetime | None = None  # what "overdue" is measured against (default: the current time)
    q: str | None = None
    mine: bool = False  # owned by the user, or the user holds an open task on it
    my_departments: bool = False  # responsible department is one of the user's, or one of them holds an open task
    created_by_me: bool = False
    following: bool = False  # the user is a follower (Watcher) of it
    due_before: datetime | None = None  # the nearest deadline is still ahead, and before this moment
    open_only: bool = False
    review: str | None = None  # "pending": the closure awaits its review; "done": reviewed or none needed
    # What a report's chart counted (kesu.reports): received between two local dates inclusive, and so on.
    received_from: date | None = None
    received_to: date | None = None
    channel: str | None = None
    level: int | None = None
    product_code: str | None = None
    batch_no: str | None = None


class _DeadlinesWithClocks(QuerySet):
    """Deadlines that read their clock definitions in one query of their own: a page's few hundred deadlines
    share a dozen definitions, so joining them would build a definition object per deadline."""

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if not fresh or self._iterable_class is not ModelIterable:
            return
        ids = {d.definition_id for d in self._result_cache if d.definition_id}
        found = ClockDefinition.objects.using(self.db).in_bulk(ids) if ids else {}
        cache = Deadline.definition.field
        for d in self._result_cache:
            if d.definition_id:
                cache.set_cached_value(d, found.get(d.definition_id))


def with_list_relations(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """A page's related rows in a fixed number of queries whatever its length: the complaints with their
    customer, type, owner, department and recorder; the collaborating departments; the deadlines; their
    clock definitions. What no list shows stays in the database: the search text and the earlier rounds."""
    return (
        qs.select_related("customer", "category", "owner", "department", "created_by")
        .defer("search_text", "round_history")
        .prefetch_related(
            Prefetch("collaborators", queryset=Department.objects.only("id", "code", "name")),
            Prefetch("deadlines", queryset=_DeadlinesWithClocks(model=Deadline)),
        )
    )


# The ended states in one fixed order, so "open" is the same SQL in every process.
ENDED = sorted(ENDED_STATES)


def _open_tasks(**lookups) -> QuerySet:
    """Open collaboration tasks (kesu.routing) matching `lookups`: whoever holds one works on the complaint."""
    return Task.objects.filter(status__in=(TaskStatus.OPEN, TaskStatus.IN_PROGRESS), **lookups)


def complaint_list(*, user, filters: ComplaintFilters) -> QuerySet[Complaint]:
    qs = complaints_visible_to(user)
    f = filters
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.open_only:
        qs = qs.exclude(status__in=ENDED)
    if f.review == "pending":
        qs = qs.filter(review_state=ReviewState.PENDING)
    elif f.review == "done":
        qs = qs.exclude(review_state=ReviewState.PENDING)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.type_code:
        qs = qs.filter(category__code=f.type_code)
    if f.department:
        qs = qs.filter(department__code=f.department)
    if f.owner:
        qs = qs.filter(owner__username=f.owner)
    if f.mine:
        qs = qs.filter(Q(owner=user) | Q(Exists(_open_tasks(complaint_id=OuterRef("pk"), owner=user))))
    if f.my_departments:
        dept_ids = user.department_ids()
        qs = qs.filter(
            Q(department_id__in=dept_ids)
            | Q(Exists(_open_tasks(complaint_id=OuterRef("pk"), department_id__in=dept_ids)))
        )
    if f.created_by_me:
        qs = qs.filter(created_by=user)
    if f.following:
        qs = qs.filter(Exists(Watcher.objects.filter(complaint_id=OuterRef("pk"), user=user)))
    if f.due_before is not None:
        qs = qs.filter(next_due_at__gte=f.now or timezone.now(), next_due_at__lt=f.due_before)
    if f.overdue is not None:
        # next_due_at is the nearest running, unpaused deadline; a breached one stays nearest until met.
        overdue = Q(next_due_at__lt=f.now or timezone.now())
        qs = qs.filter(overdue) if f.overdue else qs.exclude(overdue)
    if f.received_from:
        qs = qs.filter(received_at__gte=day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=day_start(f.received_to + timedelta(days=1)))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.product_code:
        qs = qs.filter(product_code=f.product_code)
    if f.batch_no:
        qs = qs.filter(batch_no=f.batch_no)
    if f.q:
        from kesu.search import selectors as search

        qs = search.matching(qs, f.q)
    return with_list_relations(qs)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, value = raw.split(":", 1)
        if prefix != "id":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(_("This cursor is not valid; start again without one."), field="cursor") from None


def complaint_page(
    qs: QuerySet[Complaint], *, cursor: str | None, page_size: int
) -> tuple[list[Complaint], str | None]:
    """Keyset pagination, newest first: stable while complaints are added."""
    qs = qs.order_by("-id")
    if cursor:
        qs = qs.filter(id__lt=decode_cursor(cursor))
    items = list(qs[: page_size + 1])
    next_cursor = encode_cursor(items[page_size - 1].id) if len(items) > page_size else None
    return items[:page_size], next_cursor


def complaint_timeline(complaint: Complaint) -> QuerySet[Event]:
    return complaint.events.select_related("actor").order_by("at", "id")
