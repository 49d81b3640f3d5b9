"""Tasks on a complaint, revisits and campaigns, the GM meeting agenda, and the customer's rating link."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictInt

from kesu.complaints.access import access_complaint, complaints_visible_to
from kesu.core import links
from kesu.core.errors import DomainError
from kesu.followup import services as followup
from kesu.followup.models import AgendaItem, AgendaStatus, Campaign
from kesu.routing.models import Task
from kesu.routing.tasks_actions import do_create_task, do_update_task, tasks_of

from ..schemas.common import Body, Version
from ..schemas.complaints import local_time

router = Router()


class TaskOut(Schema):
    id: int
    kind: str
    title: str
    department: str | None
    owner: str | None
    role: str
    required: bool
    status: str
    due_at: dt.datetime | None
    overdue: bool
    note: str
    round: int
    done_at: dt.datetime | None
    version: int


class TaskIn(Body):
    title: str = Field(..., max_length=200)
    department: str | None = None
    owner: str | None = None
    due_at: dt.datetime | None = None
    required: bool = True


class TaskUpdate(Body):
    status: Literal["open", "in_progress", "done", "cancelled"] | None = None
    note: str | None = Field(None, max_length=5000)
    owner: str | None = None
    version: Version | None = None


def task_json(t: Task, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": t.id,
        "kind": t.kind,
        "title": t.title,
        "department": t.department.code if t.department_id else None,
        "owner": t.owner.username if t.owner_id else None,
        "role": t.role_label,
        "required": t.required,
        "status": t.status,
        "due_at": local_time(t.due_at),
        "overdue": bool(t.is_open and t.due_at and t.due_at < now),
        "note": t.note,
        "round": t.round,
        "done_at": local_time(t.done_at),
        "version": t.version,
    }


@router.get(
    "/complaints/{number}/tasks",
    response=list[TaskOut],
    tags=["tasks"],
    summary="Collaboration and on-site tasks of a complaint",
)
def list_tasks(request, number: str):
    complaint = access_complaint(request.user, number)
    now = timezone.now()
    return [task_json(t, now) for t in tasks_of(complaint)]


@router.post("/complaints/{number}/tasks", response={201: TaskOut}, tags=["tasks"], summary="Add a task")
def create_task(request, number: str, payload: TaskIn):
    complaint = access_complaint(request.user, number)
    now = timezone.now()
    task = do_create_task(complaint, actor=request.user, now=now, **payload.model_dump())
    return Status(201, task_json(tasks_of(complaint).get(pk=task.pk), now))


@router.patch(
    "/complaints/{number}/tasks/{task_id}",
    response=TaskOut,
    tags=["tasks"],
    summary="Update a task's status, note or owner",
)
def update_task(request, number: str, task_id: int, payload: TaskUpdate):
    complaint = access_complaint(request.user, number)
    now = timezone.now()
    do_update_task(complaint, task_id, actor=request.user, now=now, **payload.model_dump(exclude_unset=True))
    return task_json(tasks_of(complaint).get(pk=task_id), now)


class RevisitOut(Schema):
    id: int
    complaint: str
    title: str
    customer: str
    campaign: str | None
    assigned_to: str | None
    due_at: dt.datetime
    status: str
    result: str
    satisfaction: int | None
    done_at: dt.datetime | None


class RevisitIn(Body):
    status: Literal["done", "unreachable"]
    result: str = Field(..., max_length=5000)
    satisfaction: Annotated[StrictInt, Field(ge=1, le=5)] | None = None


def revisit_json(r) -> dict[str, Any]:
    return {
        "id": r.id,
        "complaint": r.complaint.number,
        "title": r.complaint.title,
        "customer": r.complaint.customer.name,
        "campaign": r.campaign.name if r.campaign_id else None,
        "assigned_to": r.assigned_to.username if r.assigned_to_id else None,
        "due_at": local_time(r.due_at),
        "status": r.status,
        "result": r.result,
        "satisfaction": r.satisfaction,
        "done_at": local_time(r.done_at),
    }


@router.get(
    "/revisits", response=list[RevisitOut], tags=["revisits"], summary="Revisits: mine (agents) or all (supervisors)"
)
def list_revisits(request, status: str | None = "pending", limit: int = Query(100, ge=1, le=500)):
    qs = followup.revisits_for(request.user).filter(complaint__in=complaints_visible_to(request.user))
    if status:
        qs = qs.filter(status=status)
    return [revisit_json(r) for r in qs[:limit]]


@router.post("/revisits/{revisit_id}", response=RevisitOut, tags=["revisits"], summary="Record a revisit")
def record_revisit(request, revisit_id: int, payload: RevisitIn):
    followup.do_record_revisit(revisit_id, actor=request.user, now=timezone.now(), **payload.model_dump())
    return revisit_json(followup.revisits_for(request.user).get(pk=revisit_id))


class CampaignIn(Body):
    name: str = Field(..., max_length=100)
    agents: list[str]
    due_at: dt.datetime
    note: str = ""
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    type_code: str | None = None
    department: str | None = None
    store: str | None = None
    satisfaction_gte: Annotated[StrictInt, Field(ge=1, le=5)] | None = None


class CampaignOut(Schema):
    id: int
    name: str
    filters: dict[str, Any]
    revisits: int
    done: int


@router.post(
    "/revisit-campaigns",
    response={201: CampaignOut},
    tags=["revisits"],
    summary="Start a revisit campaign over closed complaints",
)
def create_campaign(request, payload: CampaignIn):
    data = payload.model_dump()
    filters = {
        k: data.pop(k) for k in ("closed_from", "closed_to", "type_code", "department", "store", "satisfaction_gte")
    }
    campaign = followup.do_create_campaign(actor=request.user, now=timezone.now(), filters=filters, **data)
    return Status(201, _campaign_json(campaign))


def _campaign_json(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "filters": c.filters,
        "revisits": c.revisits.count(),
        "done": c.revisits.exclude(status="pending").count(),
    }


class AgendaOut(Schema):
    id: int
    complaint: str
    title: str
    level: int | None
    reason: str
    added_at: dt.datetime
    status: str
    meeting_on: dt.date | None
    decision: str
    decided_by: str | None


class DecisionIn(Body):
    decision: str = Field(..., max_length=5000)
    meeting_on: dt.date | None = None


def agenda_json(i: AgendaItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "complaint": i.complaint.number,
        "title": i.complaint.title,
        "level": i.complaint.level,
        "reason": i.reason,
        "added_at": local_time(i.added_at),
        "status": i.status,
        "meeting_on": i.meeting_on,
        "decision": i.decision,
        "decided_by": i.decided_by.username if i.decided_by_id else None,
    }


@router.get(
    "/gm-meeting/agenda",
    response=list[AgendaOut],
    tags=["escalation"],
    summary="The general manager's meeting agenda (complaints you may see)",
)
def agenda(request, status: str = AgendaStatus.OPEN):
    qs = AgendaItem.objects.filter(complaint__in=complaints_visible_to(request.user)).select_related(
        "complaint", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return [agenda_json(i) for i in qs]


@router.post(
    "/gm-meeting/agenda/{item_id}/decision",
    response=AgendaOut,
    tags=["escalation"],
    summary="Record the meeting's decision",
)
def decide(request, item_id: int, payload: DecisionIn):
    item = followup.do_decide_agenda_item(item_id, actor=request.user, now=timezone.now(), **payload.model_dump())
    return agenda_json(AgendaItem.objects.select_related("complaint", "decided_by").get(pk=item.pk))


class LinkOut(Schema):
    url: str
    expires_in_days: int


@router.post(
    "/complaints/{number}/rating-link",
    response=LinkOut,
    tags=["satisfaction"],
    summary="A signed link the customer rates the handling with (no login)",
)
def rating_link(request, number: str):
    complaint = access_complaint(request.user, number)
    if complaint.status != "resolved":
        raise DomainError("invalid_transition", _("Satisfaction is asked once the complaint is resolved."))
    token = followup.rating_token(complaint)
    return {
        "url": links.absolute(reverse("web:rate", args=[token])),
        "expires_in_days": followup.RATING_MAX_AGE // 86400,
    }


class PublicRatingIn(Body):
    score: Annotated[StrictInt, Field(ge=1, le=5)]
    comment: str = Field("", max_length=2000)


class PublicRatingOut(Schema):
    number: str
    status: str
    satisfaction: int | None


@router.post(
    "/public/ratings/{token}",
    response=PublicRatingOut,
    auth=None,
    tags=["satisfaction"],
    summary="The customer's rating through the signed link",
)
def public_rating(request, token: str, payload: PublicRatingIn):
    c = followup.do_rate_by_link(token, now=timezone.now(), score=payload.score, comment=payload.comment)
    return {"number": c.number, "status": c.status, "satisfaction": c.satisfaction}
