"""Who may see which complaint (数据权限). Every read of a complaint goes through here.

Org-wide roles (agent, supervisor, director, archivist, manager, admin) see every complaint.
Handlers and quality engineers see complaints of their departments, those their departments
collaborate on, and those they own or recorded. Anything else is "not found", exactly like a
complaint that does not exist, so its existence is not revealed.

Complaint numbers elsewhere (the repeats an intake event names, tasks, agendas, notifications) pass
`visible_numbers` before they are shown. A customer's identity (name, company, relationship, external id)
follows the same scope: a scoped user sees it for customers they created, or of whom they may see a
complaint they did not merely record — recording a complaint with someone's phone must not tell who that
is (`customers_identified_for`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kesu.core.errors import NotFound
from kesu.notifications.models import Notification

from .models import Complaint, Customer

# Event data keys that hold complaint numbers (one or a list): each is shown only if in the reader's scope.
NUMBER_KEYS = ("repeat_of", "linked", "into", "to", "from", "duplicates", "complaints")


# Notification kinds that call a user in on a complaint (kesu.routing: tiers, majors, the on-site team).
CALLED_IN = ("escalation", "major_complaint", "onsite_team", "task_assigned")


def scope_q(user, *, recorded: bool = True) -> Q | None:
    """The filter for `user`'s data scope; None means the whole organisation.

    recorded=False leaves out the complaints the user sees only because they recorded them (for the
    customer identity rule below)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_whole_organisation:
        return None
    dept_ids = user.department_ids()
    through = Complaint.collaborators.through
    collaborating = through.objects.filter(complaint_id=OuterRef("pk"), department_id__in=dept_ids)
    # Whoever the playbook calls in on a complaint (a tier it escalated to, the admin centre of a level-3 complaint,
    # the on-site team of a major one) is meant to act on it, so may open it. Other notices grant nothing.
    told = Notification.objects.filter(complaint_id=OuterRef("pk"), user=user, kind__in=CALLED_IN)
    q = Q(department_id__in=dept_ids) | Q(Exists(collaborating)) | Q(owner=user) | Q(Exists(told))
    return q | Q(created_by=user) if recorded else q


def complaints_visible_to(user) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    q = scope_q(user)
    return qs if q is None else qs.filter(q)


def access_complaint(user, number: str) -> Complaint:
    """The complaint with this number if `user` may see it; NotFound if missing OR out of scope."""
    complaint = (
        complaints_visible_to(user)
        .select_related("customer", "category", "owner", "department", "created_by", "reviewed_by")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound(_("Complaint %(number)s was not found.") % {"number": number})
    return complaint


def visible_numbers(user, numbers: Iterable[str]) -> set[str]:
    """Those of `numbers` that `user` may see (one query; none for the whole organisation's roles)."""
    wanted = {n for n in numbers if isinstance(n, str)}
    if not wanted:
        return set()
    q = scope_q(user)
    if q is None:
        return set(Complaint.objects.filter(number__in=wanted).values_list("number", flat=True))
    return set(Complaint.objects.filter(q, number__in=wanted).values_list("number", flat=True))


def _numbers_in(data: dict[str, Any]) -> Iterable[str]:
    for key in NUMBER_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


def mask_name(name: str) -> str:
    """王小明 → 王**: enough to greet, not enough to know who it is."""
    return f"{name[:1]}**" if name else ""


def scope_event_data(user, events: list, *, identified: bool = True) -> list:
    """The timeline as `user` may read it: complaint numbers outside their scope are left out of each
    event's data, and a customer name they may not see is masked. Changes the events in memory only."""
    numbers = {n for e in events for n in _numbers_in(e.data or {})}
    visible = visible_numbers(user, numbers) if numbers else set()
    for event in events:
        data = event.data or {}
        hide_name = not identified and isinstance(data.get("customer"), str)
        if not hide_name and not any(key in data for key in NUMBER_KEYS):
            continue
        clean = dict(data)
        if hide_name:
            clean["customer"] = mask_name(data["customer"])
        for key in NUMBER_KEYS:
            value = data.get(key)
            if isinstance(value, list):
                clean[key] = [n for n in value if not isinstance(n, str) or n in visible]
            elif isinstance(value, str) and value not in visible:
                clean[key] = None
        event.data = clean
    return events


def customers_identified_for(user, customer_ids: Iterable[int]) -> set[int] | None:
    """Of `customer_ids`, those whose identity `user` may see; None: all of them (whole organisation)."""
    ids = {i for i in customer_ids if i}
    if user is not None and user.is_authenticated and user.is_active and user.sees_whole_organisation:
        return None
    if not ids or user is None or not user.is_authenticated or not user.is_active:
        return set()
    q = scope_q(user, recorded=False)
    seen = Complaint.objects.filter(q, customer_id=OuterRef("pk"))
    return set(
        Customer.objects.filter(pk__in=ids).filter(Q(created_by=user) | Q(Exists(seen))).values_list("pk", flat=True)
    )


def customer_identified(user, customer: Customer | None) -> bool:
    if customer is None:
        return False
    known = customers_identified_for(user, [customer.pk])
    return known is None or customer.pk in known
