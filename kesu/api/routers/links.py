"""Links between complaints and suggested duplicates. Merging and linking themselves are complaint actions:
POST /complaints/{number}/actions/merge {"into", "reason"}, …/actions/link {"to", "kind"}, …/actions/unlink {"to"}."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kesu.complaints import merging
from kesu.complaints.access import access_complaint
from kesu.core.errors import DomainError, Forbidden

from ..schemas.complaints import LinkOut, local_time

router = Router(tags=["links"])


class LinkDetailOut(LinkOut):
    title: str
    note: str
    created_by: str | None
    created_at: dt.datetime | None
    removable: bool


class SuggestionOut(Schema):
    number: str
    title: str
    status: str
    received_at: dt.datetime
    score: float = Field(description="higher is likelier; same customer or order 3, batch 2, product 1, text ≤ 2")
    reasons: list[str] = Field(description="customer, order_no, batch_no, product_code, text")
    explanation: str


class DuplicatesOut(Schema):
    window_days: int
    items: list[SuggestionOut]


class ProbeQuery(Schema):
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    external_id: str | None = Field(None, max_length=64)
    product: str | None = Field(None, max_length=200)
    product_code: str | None = Field(None, max_length=64)
    batch_no: str | None = Field(None, max_length=64)
    order_no: str | None = Field(None, max_length=64)
    text: str | None = Field(None, max_length=5000, description="title and description as typed so far")


def _suggestions(probe: merging.Probe, user) -> dict:
    items = merging.suggest_duplicates(probe, user=user, now=timezone.now())
    return {
        "window_days": merging.window_days(),
        "items": [{**merging.suggestion_json(s), "received_at": local_time(s.complaint.received_at)} for s in items],
    }


@router.get(
    "/complaints/{number}/duplicates",
    response=DuplicatesOut,
    summary="Likely duplicates of a complaint (merge or link candidates)",
)
def complaint_duplicates(request, number: str):
    complaint = access_complaint(request.user, number)
    return _suggestions(merging.Probe.of(complaint), request.user)


@router.get(
    "/duplicates",
    response=DuplicatesOut,
    summary="Likely duplicates of a complaint being recorded",
    description="What the new-complaint form shows while typing: same customer (phone, e-mail or id), order, "
    "batch or product code within the playbook's window, or a similar text.",
)
def intake_duplicates(request, probe: Query[ProbeQuery]):
    if request.user.role not in merging.TRANSITIONS["link"].roles:
        raise Forbidden(_("Your role may not link complaints."))
    data = {k: (v or "").strip() for k, v in probe.model_dump().items()}
    if not any(data.values()):
        raise DomainError(
            "validation_error",
            _("Give at least one of: %(fields)s.") % {"fields": ", ".join(ProbeQuery.model_fields)},
        )
    return _suggestions(merging.Probe(**data), request.user)


@router.get("/complaints/{number}/links", response=list[LinkDetailOut], summary="The complaint's links, both ways")
def list_links(request, number: str):
    complaint = access_complaint(request.user, number)
    return [
        {
            "number": r.number,
            "kind": r.kind,
            "direction": r.direction,
            "status": r.complaint.status,
            "title": r.complaint.title,
            "note": r.note,
            "created_by": r.created_by or None,
            "created_at": local_time(r.created_at) if r.created_at else None,
            "removable": r.removable,
        }
        for r in merging.links_of(complaint, user=request.user)
    ]


@router.delete(
    "/complaints/{number}/links/{other}",
    response=list[LinkDetailOut],
    summary="Remove a link (the same as the unlink action)",
)
def remove_link(request, number: str, other: str):
    complaint = access_complaint(request.user, number)
    merging.do_unlink(complaint, actor=request.user, now=timezone.now(), to=other)
    return list_links(request, number)
