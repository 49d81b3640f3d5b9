"""What happens to one complaint at once is one notice: three clocks breached in the same minute, the tier told and
the supervisor copied are read as one item, not five. Grouping is done when the notifications are read (the rows
stay one per event, so each is still sent and acknowledged once); the inbox, the bell and the e-mail digest use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Notification

# Notifications about one complaint closer together than this are one notice.
WINDOW = dt.timedelta(minutes=10)

ESCALATION_KINDS = frozenset({"escalation", "sla_breach", "major_complaint", "gm_meeting", "onsite_team"})


@dataclass
class Notice:
    items: list[Notification] = field(default_factory=list)

    @property
    def first(self) -> Notification:
        return self.items[0]  # the newest

    @property
    def more(self) -> list[Notification]:
        return self.items[1:]

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in self.items)

    @property
    def unread_ids(self) -> list[int]:
        return [n.pk for n in self.items if n.read_at is None]

    @property
    def ids(self) -> str:
        return ",".join(str(n.pk) for n in self.items)


def group(rows: Iterable[Notification], *, window: dt.timedelta = WINDOW) -> list[Notice]:
    """`rows` newest first → notices: a complaint's notifications within `window` of the notice's newest."""
    notices: list[Notice] = []
    open_by_complaint: dict[int, Notice] = {}
    for n in rows:
        if n.complaint_id is None:
            notices.append(Notice([n]))
            continue
        notice = open_by_complaint.get(n.complaint_id)
        if notice is not None and notice.first.created_at - n.created_at <= window:
            notice.items.append(n)
            continue
        notice = Notice([n])
        open_by_complaint[n.complaint_id] = notice
        notices.append(notice)
    return notices


def unread_notices(user) -> int:
    """How many unread notices the bell shows: one per complaint with unread news, plus each unread one about no
    complaint (one query)."""
    from django.db.models import Count, Q

    counts = Notification.objects.filter(user=user, read_at__isnull=True).aggregate(
        complaints=Count("complaint_id", distinct=True), loose=Count("id", filter=Q(complaint__isnull=True))
    )
    return (counts["complaints"] or 0) + (counts["loose"] or 0)
