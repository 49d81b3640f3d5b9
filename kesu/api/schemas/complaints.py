from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt

from kesu.complaints.access import customers_identified_for, mask_name
from kesu.complaints.actions import ComplaintInput, CustomerInput, allowed_actions
from kesu.complaints.models import Complaint, Event
from kesu.core.masking import mask_email, mask_id_number, mask_phone
from kesu.routing.customers import customer_summary, followers_summary
from kesu.service.selectors import order_numbers_of
from kesu.sla.clocks import deadlines_of
from kesu.triage.contract import public_suggestion

from .common import Body, Count, Money, Version
from .triage import SuggestionOut


class CustomerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=100)
    kind: Literal["consumer", "franchisee", "business", "other"] = "consumer"
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    external_id: str | None = Field(None, max_length=64)
    relationship: Literal["new", "existing", "vip"] | None = None
    id_number: str | None = Field(None, max_length=32)
    company: str | None = Field(None, max_length=200)


class ComplaintIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=200)
    description: str | None = None
    channel: Literal["phone", "email", "web", "store", "chat", "social", "letter", "regulator", "api"]
    customer: CustomerIn
    type_code: str | None = Field(None, max_length=40)
    product: str | None = Field(None, max_length=200)
    product_model: str | None = Field(None, max_length=100)
    product_code: str | None = Field(None, max_length=64)
    batch_no: str | None = Field(None, max_length=64)
    order_no: str | None = Field(None, max_length=64)
    store: str | None = Field(None, max_length=200)
    legacy_no: str | None = Field(None, max_length=64, description="The complaint's number in an earlier system.")
    quantity: Count | None = None
    amount: Money | None = Field(None, description='Amount involved in CNY, a decimal string such as "5200.00".')
    demand: Literal["refund", "exchange", "repair", "compensation", "apology", "improvement", "other"] | None = None
    occurred_at: dt.datetime | None = None
    received_at: dt.datetime | None = Field(
        None, description="When the company received it (default: now); SLA clocks start here."
    )
    place: str | None = Field(None, max_length=200)
    people_involved: str | None = Field(None, max_length=200)
    flags: list[Literal["line_stop", "batch", "rohs_reach", "safety", "media", "regulator"]] = []


class ActionIn(Body):
    """The body of POST /complaints/{number}/actions/{action}; which fields apply depends on the action
    (a field of another action is refused like an unknown one)."""

    version: Version | None = None
    note: str | None = None
    type_code: str | None = None
    severity: Literal["A", "B", "C"] | None = None
    priority: Literal["urgent", "important", "routine"] | None = None
    level: Annotated[StrictInt, Field(ge=1, le=3)] | None = None
    justified: bool | None = None
    reason: str | None = None
    department: str | None = None
    owner: str | None = None
    solution_type: str | None = None
    detail: str | None = None
    compensation_amount: Money | None = None
    compensation_id: StrictInt | None = Field(None, description="propose_solution: an approved compensation's id")
    accepted: bool | None = None
    comment: str | None = None
    summary: str | None = None
    score: StrictInt | None = None
    approved: bool | None = None
    reply: str | None = None
    text: str | None = None
    internal: bool | None = None
    kind: Literal["progress", "initial_report", "related", "duplicate", "follow_up"] | None = Field(
        None,
        description="note: progress, or initial_report (the A-class initial corrective report); "
        "link: related, duplicate (of `to`) or follow_up (of `to`)",
    )
    into: str | None = Field(None, max_length=32, description="merge: the number of the complaint that carries on")
    to: str | None = Field(None, max_length=32, description="link, unlink: the other complaint's number")


class CustomerOut(Schema):
    id: int | None = Field(None, description="GET /customers/{id}/complaints lists their complaints")
    complaint_count: int = Field(0, description="how many complaints the customer made, all of them")
    vip: bool = False
    name: str
    kind: str
    phone: str
    email: str
    external_id: str
    relationship: str
    id_number: str
    company: str


class RuleHitOut(Schema):
    rule: str
    result: dict[str, Any]
    reason: str


class DeadlineOut(Schema):
    clock: str
    name: str
    name_en: str = ""
    started_at: dt.datetime
    due_at: dt.datetime
    met_at: dt.datetime | None
    breached: bool
    breached_at: dt.datetime | None
    paused: bool
    stopped: bool


class LinkOut(Schema):
    number: str
    kind: str = Field(description="related, duplicate, follow_up — or repeat (found at intake)")
    direction: str = Field(description="out: this complaint is the duplicate / follow-up; in: the other is; both")
    status: str


class ComplaintOut(Schema):
    number: str
    status: str
    title: str
    description: str
    channel: str
    type_code: str | None
    type_name: str | None
    severity: str | None
    priority: str | None
    level: int | None
    justified: bool | None
    owner: str | None
    department: str | None
    collaborators: list[str]
    customer: CustomerOut
    product: str
    product_model: str
    product_code: str
    batch_no: str
    order_no: str
    store: str
    quantity: int | None
    amount: str | None
    demand: str | None
    flags: list[str]
    occurred_at: dt.datetime | None
    received_at: dt.datetime
    place: str
    people_involved: str
    repeat_count: int
    rule_hits: list[RuleHitOut]
    # What the analyser suggested at intake (API.md "Triage suggestion"), kept after an agent changes the type.
    suggestion: SuggestionOut | None
    deadlines: list[DeadlineOut]
    next_due_at: dt.datetime | None
    clock_paused: bool
    round: int
    solution: dict[str, Any] | None
    resolution_summary: str
    satisfaction: int | None
    review_state: str
    reject_reason: str
    reject_reply: str
    allowed_actions: list[str]
    followers: list[str] = Field([], description="usernames of the people kept informed (抄送)")
    links: list[LinkOut] = []
    merged_into: str | None = None
    service_orders: list[str] = Field([], description="the service orders (派工单) made from it or raised by it")
    created_by: str | None
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class SearchHighlight(Schema):
    title: str = Field(description="The title, HTML-escaped, with what `q` matched inside <mark>.")
    snippet: str = Field(description="Part of the description around the first match, marked the same way.")


class ComplaintListItem(ComplaintOut):
    highlight: SearchHighlight | None = Field(None, description="Only when the list was searched with `q`.")


class ComplaintPage(Schema):
    items: list[ComplaintListItem]
    next_cursor: str | None


class EventOut(Schema):
    at: dt.datetime
    actor: str | None
    action: str
    from_status: str | None
    to_status: str | None
    data: dict[str, Any]
    internal: bool


def local_time(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """Times leave the API in the organisation's time zone, with their offset (+08:00). `tz`: the current
    time zone when the caller has it already (many times of one object)."""
    return timezone.localtime(value, tz) if value is not None else None


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def customer_json(customer, *, unmasked: bool = False, identified: bool = True) -> dict[str, Any]:
    """The customer as the API shows them. `identified` False (a scoped user who may not know who this
    is, see access.customers_identified_for): the name masked, company, relationship and ids left out."""
    if not identified:
        return {
            "name": mask_name(customer.name),
            "kind": customer.kind,
            "phone": mask_phone(customer.phone),
            "email": mask_email(customer.email),
            "external_id": "",
            "relationship": "",
            "id_number": "",
            "company": "",
        }
    return {
        "name": customer.name,
        "kind": customer.kind,
        "phone": customer.phone if unmasked else mask_phone(customer.phone),
        "email": customer.email if unmasked else mask_email(customer.email),
        "external_id": customer.external_id,
        "relationship": customer.relationship,
        "id_number": customer.id_number if unmasked else mask_id_number(customer.id_number),
        "company": customer.company,
    }


def _allowed_actions(c: Complaint, user, reviewers: dict | None, memo: dict | None) -> list[str]:
    """allowed_actions' names; with `memo` (one page, one user, the playbook's reviewers read once) complaints
    alike in all that allowed_actions reads of a complaint share one answer."""
    if memo is None:
        return [t.action for t in allowed_actions(c, user, reviewers=reviewers)]
    key = (c.status, c.review_state, c.customer_accepted, c.clock_paused_at is None, c.level)
    if key not in memo:
        memo[key] = [t.action for t in allowed_actions(c, user, reviewers=reviewers)]
    return list(memo[key])


def _links(c: Complaint, user) -> list[dict[str, Any]]:
    """The complaint's links in the reader's scope; a page sets `_links_json` for all its complaints at once."""
    known = getattr(c, "_links_json", None)
    if known is not None:
        return known
    if user is None:
        return []
    from kesu.complaints.merging import links_json

    return links_json(c, user=user)


def _merged_into(c: Complaint, user) -> str | None:
    if not c.merged_into_id:
        return None
    if getattr(c, "_merged_into_number", None) is None:
        _links(c, user)  # reads the survivor's number with the links
    return getattr(c, "_merged_into_number", None) or None


# Fields of a complaint body that keep None (no value) instead of becoming "".
_NULLABLE_INPUT = ("quantity", "amount", "occurred_at", "received_at")


def complaint_input(payload: ComplaintIn) -> ComplaintInput:
    """A POST /complaints body as the intake takes it (also the inbound webhook's, which is the same body)."""
    data = payload.model_dump()
    customer = CustomerInput(**{k: v or "" for k, v in data.pop("customer").items()})
    if not customer.kind:
        customer.kind = "consumer"
    fields = {k: ("" if v is None and k not in _NULLABLE_INPUT else v) for k, v in data.items()}
    return ComplaintInput(customer=customer, **fields)


def complaint_json(
    c: Complaint,
    *,
    user,
    reviewers: dict | None = None,
    identified: set[int] | bool | None = True,
    actions_memo: dict | None = None,
) -> dict[str, Any]:
    """The v1 complaint object. Personal data is always masked here (R-REC-8).

    `identified`: the customer ids whose identity the user may see (None: all), from
    access.customers_identified_for for a page; True (the default) asks for this one complaint.
    `actions_memo`: a dict shared by the complaints of one page (see _allowed_actions)."""
    tz = timezone.get_current_timezone()
    if identified is True:
        identified = customers_identified_for(user, [c.customer_id])
    solution = None
    if c.solution_type:
        solution = {
            "solution_type": c.solution_type,
            "detail": c.solution_detail,
            "compensation_amount": _money(c.compensation_amount),
            "accepted": c.customer_accepted,
            "comment": c.customer_comment,
        }
    return {
        "number": c.number,
        "status": c.status,
        "title": c.title,
        "description": c.description,
        "channel": c.channel,
        "type_code": c.category.code if c.category_id else None,
        "type_name": c.category.name if c.category_id else None,
        "severity": c.severity or None,
        "priority": c.priority or None,
        "level": c.level,
        "justified": c.justified,
        "owner": c.owner.username if c.owner_id else None,
        "department": c.department.code if c.department_id else None,
        "collaborators": sorted(d.code for d in c.collaborators.all()),
        "customer": {
            **customer_json(c.customer, identified=identified is None or c.customer_id in identified),
            **customer_summary(c),
        },
        "product": c.product,
        "product_model": c.product_model,
        "product_code": c.product_code,
        "batch_no": c.batch_no,
        "order_no": c.order_no,
        "store": c.store,
        "quantity": c.quantity,
        "amount": _money(c.amount),
        "demand": c.demand or None,
        "flags": list(c.flags or []),
        "occurred_at": local_time(c.occurred_at, tz),
        "received_at": local_time(c.received_at, tz),
        "place": c.place,
        "people_involved": c.people_involved,
        "repeat_count": c.repeat_count,
        "rule_hits": list(c.rule_hits or []),
        "suggestion": public_suggestion(c.suggestion),
        "deadlines": [deadline_json(d, tz) for d in deadlines_of(c)],
        "next_due_at": local_time(c.next_due_at, tz),
        "clock_paused": c.clock_paused_at is not None,
        "round": c.round,
        "solution": solution,
        "resolution_summary": c.resolution_summary,
        "satisfaction": c.satisfaction,
        "review_state": c.review_state,
        "reject_reason": c.reject_reason,
        "reject_reply": c.reject_reply,
        "allowed_actions": _allowed_actions(c, user, reviewers, actions_memo),
        "followers": followers_summary(c),
        "links": _links(c, user),
        "merged_into": _merged_into(c, user),
        "service_orders": order_numbers_of(c),
        "created_by": c.created_by.username if c.created_by_id and c.created_by else None,
        "acknowledged_at": local_time(c.acknowledged_at, tz),
        "resolved_at": local_time(c.resolved_at, tz),
        "closed_at": local_time(c.closed_at, tz),
        "archived_at": local_time(c.archived_at, tz),
        "created_at": local_time(c.created_at, tz),
        "updated_at": local_time(c.updated_at, tz),
        "version": c.version,
    }


def list_item_json(c: Complaint, *, user, reviewers: dict, identified: set[int] | None, actions_memo: dict) -> dict:
    """One item of GET /complaints exactly as validating it with ComplaintListItem would give it (pinned by
    tests/test_read_paths.py), so a page is sent without that validation, a third of a page's time: the
    stored rule hits and suggestion are passed through their own schemas, `highlight` is None unless set."""
    item = complaint_json(c, user=user, reviewers=reviewers, identified=identified, actions_memo=actions_memo)
    item["rule_hits"] = [RuleHitOut.model_validate(h).model_dump() for h in item["rule_hits"]]
    if item["suggestion"] is not None:
        item["suggestion"] = SuggestionOut.model_validate(item["suggestion"]).model_dump()
    item["highlight"] = None
    return item


def deadline_json(d, tz: dt.tzinfo | None = None) -> dict[str, Any]:
    tz = tz or timezone.get_current_timezone()
    return {
        "clock": d.clock,
        "name": d.definition.name if d.definition_id and d.definition else d.clock,
        "name_en": d.definition.name_en if d.definition_id and d.definition else "",
        "started_at": local_time(d.started_at, tz),
        "due_at": local_time(d.due_at, tz),
        "met_at": local_time(d.met_at, tz),
        "breached": d.breached_at is not None,
        "breached_at": local_time(d.breached_at, tz),
        "paused": d.paused_at is not None,
        "stopped": d.cancelled_at is not None,
    }


def event_json(e: Event) -> dict[str, Any]:
    return {
        "at": local_time(e.at),
        "actor": e.actor.username if e.actor_id and e.actor else None,
        "action": e.action,
        "from_status": e.from_status or None,
        "to_status": e.to_status or None,
        "data": e.data,
        "internal": e.internal,
    }
