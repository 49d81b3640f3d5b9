"""The user's own things: notifications; the assessment ledger; suggestion accuracy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kesu.assessment.actions import do_confirm_penalty, do_waive_penalty, penalties_visible_to
from kesu.assessment.models import PenaltyEntry
from kesu.complaints.access import complaints_visible_to
from kesu.core.dates import day_start
from kesu.core.errors import Forbidden
from kesu.notifications.models import Notification
from kesu.notifications.services import mark_read, unread_count
from kesu.rules.accuracy import suggestion_accuracy

from ..schemas.common import Body

router = Router()


class NotificationOut(Schema):
    id: int
    kind: str
    title: str = Field(description="in the organisation's language, as e-mails and robots send it")
    body: str = Field(description="in the organisation's language")
    display_title: str = Field(description="the title in the caller's language (Accept-Language)")
    display_body: str = Field(description="the body in the caller's language")
    complaint: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    unread: int
    items: list[NotificationOut]


class ReadIn(Body):
    ids: list[int] | None = Field(None, description="omit to mark all as read")


def _notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "display_title": n.display_title,
        "display_body": n.display_body,
        "complaint": n.complaint.number if n.complaint_id else None,
        "created_at": timezone.localtime(n.created_at),
        "read_at": timezone.localtime(n.read_at) if n.read_at else None,
    }


@router.get("/notifications", response=NotificationPage, tags=["notifications"], summary="My notifications")
def list_notifications(request, unread_only: bool = False, limit: int = Query(50, ge=1, le=200)):
    # A notification about a complaint the user may no longer see (moved out of their department) is not shown.
    qs = (
        Notification.objects.filter(user=request.user)
        .filter(Q(complaint__isnull=True) | Q(complaint__in=complaints_visible_to(request.user)))
        .select_related("complaint")
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return {"unread": unread_count(request.user), "items": [_notification_json(n) for n in qs[:limit]]}


@router.post("/notifications/read", response=NotificationPage, tags=["notifications"], summary="Mark as read")
def read_notifications(request, payload: ReadIn):
    mark_read(request.user, payload.ids, now=timezone.now())
    return list_notifications(request, unread_only=False, limit=50)


class PenaltyOut(Schema):
    id: int
    person: str | None
    complaint: str
    rule: str
    amount: str
    status: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime


class DecisionIn(Body):
    note: str = ""
    amount: str | None = Field(None, description="confirm only: the amount, if the supervisor sets another")


def _penalty_json(p: PenaltyEntry) -> dict[str, Any]:
    return {
        "id": p.id,
        "person": p.person.username if p.person_id else None,
        "complaint": p.complaint.number,
        "rule": p.rule,
        "amount": f"{p.amount:.2f}",
        "status": p.status,
        "decided_by": p.decided_by.username if p.decided_by_id else None,
        "decided_at": timezone.localtime(p.decided_at) if p.decided_at else None,
        "decision_note": p.decision_note,
        "created_at": timezone.localtime(p.created_at),
    }


@router.get(
    "/penalties",
    response=list[PenaltyOut],
    tags=["assessment"],
    summary="Assessment ledger (supervisors see all; others their own)",
)
def list_penalties(
    request, status: str | None = None, person: str | None = None, limit: int = Query(100, ge=1, le=500)
):
    qs = penalties_visible_to(request.user).filter(complaint__in=complaints_visible_to(request.user))
    if status:
        qs = qs.filter(status=status)
    if person:
        qs = qs.filter(person__username=person)
    return [_penalty_json(p) for p in qs[:limit]]


@router.post("/penalties/{entry_id}/confirm", response=PenaltyOut, tags=["assessment"], summary="Confirm an entry")
def confirm_penalty(request, entry_id: int, payload: DecisionIn):
    entry = do_confirm_penalty(
        entry_id, actor=request.user, now=timezone.now(), note=payload.note, amount=payload.amount
    )
    return _penalty_json(penalties_visible_to(request.user).get(pk=entry.pk))


@router.post("/penalties/{entry_id}/waive", response=PenaltyOut, tags=["assessment"], summary="Waive an entry")
def waive_penalty(request, entry_id: int, payload: DecisionIn):
    entry = do_waive_penalty(entry_id, actor=request.user, now=timezone.now(), note=payload.note)
    return _penalty_json(penalties_visible_to(request.user).get(pk=entry.pk))


@router.get(
    "/reports/suggestion-accuracy",
    tags=["reports"],
    summary="How often agents kept the intake suggestion (type, severity, priority, level)",
)
def accuracy(request, since: dt.date | None = None, until: dt.date | None = None):
    if request.user.role not in ("supervisor", "director", "manager", "admin"):
        raise Forbidden(_("Only supervisors and above see reports."))

    return suggestion_accuracy(since=day_start(since) if since else None, until=day_start(until) if until else None)
