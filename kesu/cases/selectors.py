"""Reads of the case library.

Teaching cases are for everyone's training, so every active staff user may read every case, whatever
their data scope — but only in the masked form built here: the customer as 王**, phone and e-mail masked
(and masked wherever the complaint's own text repeats them), no staff names. The complaint's number is
given only to readers whose data scope holds the complaint, as everywhere else in kesu.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kesu.complaints.access import mask_name, visible_numbers
from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound
from kesu.core.masking import mask_email, mask_phone

from .actions import CASE_ROLES, CASE_STATES
from .models import Case

# Mainland mobile numbers, landlines with an area code and e-mail addresses written into free text.
_PHONE_RE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# The timeline rows a case tells as "what was done", in order.
STORY_ACTIONS = (
    "create",
    "acknowledge",
    "triage",
    "assign",
    "reassign",
    "start",
    "escalate",
    "propose_solution",
    "customer_response",
    "resolve",
    "rate",
    "close",
    "review",
    "reopen",
    "archive",
)


def _readable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("complaint", "complaint__category", "complaint__customer")


def cases_search(
    user, *, q: str = "", type_code: str | None = None, tag: str | None = None, limit: int = 200
) -> list[Case]:
    """Cases whose title, lesson, tags or complaint type contain `q` (case-insensitive), newest first,
    optionally of one type and with one tag. Each has `number` set (None outside the reader's scope)."""
    if not _readable(user):
        return []
    cases = _cases()
    words = (q or "").split()
    for word in words:
        cases = cases.filter(
            Q(title__icontains=word)
            | Q(lesson__icontains=word)
            | Q(tags_text__icontains=word)
            | Q(complaint__category__code__icontains=word)
            | Q(complaint__category__name__icontains=word)
            | Q(complaint__category__name_en__icontains=word)
        )
    if type_code:
        cases = cases.filter(complaint__category__code=type_code)
    if tag:
        cases = cases.filter(tags_text__contains=f"|{tag}|")
    return _with_numbers(user, list(cases[:limit]))


def _with_numbers(user, cases: list[Case]) -> list[Case]:
    shown = visible_numbers(user, [c.complaint.number for c in cases])
    for case in cases:
        case.number = case.complaint.number if case.complaint.number in shown else None
    return cases


def case_facets(user) -> dict[str, list[tuple[Any, int]]]:
    """How many cases there are of each type and with each tag (the library's filters)."""
    if not _readable(user):
        return {"types": [], "tags": []}
    types: Counter = Counter()
    tags: Counter = Counter()
    categories: dict[str, Any] = {}
    for case in Case.objects.select_related("complaint__category").only(
        "tags", "complaint__category__code", "complaint__category__name", "complaint__category__name_en"
    ):
        category = case.complaint.category
        if category is not None:
            types[category.code] += 1
            categories[category.code] = category
        for t in case.tags or []:
            tags[t] += 1
    return {
        "types": [(categories[code], n) for code, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))],
        "tags": sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def case_for(user, case_id: int) -> Case:
    """The case (any active staff user may read it, masked); NotFound if there is none."""
    case = _cases().filter(pk=case_id).first() if _readable(user) else None
    if case is None:
        raise NotFound(_("Case %(id)s was not found.") % {"id": case_id})
    return _with_numbers(user, [case])[0]


def case_of_complaint(complaint: Complaint) -> Case | None:
    return Case.objects.filter(complaint=complaint).first()


def mask_text(text: str, *, names: list[str]) -> str:
    """Free text with phone numbers, e-mail addresses and the given names masked."""
    if not text:
        return ""
    text = _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _EMAIL_RE.sub(lambda m: mask_email(m.group(0)), text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


@dataclass
class Story:
    """A complaint told as a teaching case, with no personal data left in it."""

    case: Case
    number: str | None
    customer: dict[str, str]
    happened: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    solution: dict[str, Any] = field(default_factory=dict)
    rating: dict[str, Any] = field(default_factory=dict)


def case_story(user, case_id: int) -> Story:
    """What the case page shows: what happened, what was done, the solution, the rating and the lesson."""
    case = case_for(user, case_id)
    c = case.complaint
    customer = c.customer
    names = [customer.name, customer.company]
    mask = lambda text: mask_text(text, names=names)  # noqa: E731 — one rule for every text of the story
    events = list(
        c.events.filter(action__in=STORY_ACTIONS)
        .select_related("actor")
        .prefetch_related("actor__departments")
        .order_by("at", "id")
    )
    steps = []
    for e in events:
        departments = [d.name for d in e.actor.departments.all()] if e.actor_id else []
        steps.append(
            {
                "at": e.at,
                "action": e.action,
                "role": e.actor.get_role_display() if e.actor_id else "",
                "department": "、".join(departments),
                "note": mask(str((e.data or {}).get("note") or (e.data or {}).get("summary") or "")),
            }
        )
    return Story(
        case=case,
        number=case.number,
        customer={
            "name": mask_name(customer.name),
            "kind": customer.get_kind_display(),
            "phone": mask_phone(customer.phone),
            "email": mask_email(customer.email),
        },
        happened={
            "title": mask(c.title),
            "description": mask(c.description),
            "type": c.category,
            "channel": c.get_channel_display(),
            "received_at": c.received_at,
            "occurred_at": c.occurred_at,
            "product": c.product,
            "product_model": c.product_model,
            "product_code": c.product_code,
            "batch_no": c.batch_no,
            "demand": c.get_demand_display() if c.demand else "",
            "severity": c.severity,
            "priority": c.priority,
            "level": c.level,
            "amount": c.amount,
        },
        steps=steps,
        solution={
            "type": c.get_solution_type_display() if c.solution_type else "",
            "detail": mask(c.solution_detail),
            "compensation": c.compensation_amount,
            "accepted": c.customer_accepted,
            "summary": mask(c.resolution_summary),
        },
        rating={"score": c.satisfaction, "comment": mask(c.satisfaction_comment)},
    )


def case_mark_for(user, complaint: Complaint) -> dict[str, Any] | None:
    """What a complaint page shows about the case library: None before the complaint is closed; else its
    case (or None) and whether `user` may mark or edit it."""
    if complaint.status not in CASE_STATES:
        return None
    case = case_of_complaint(complaint)
    may_mark = bool(user and user.role in CASE_ROLES)
    if case is None and not may_mark:
        return None
    return {"case": case, "may_mark": may_mark, "tags": ", ".join(case.tags) if case else ""}
