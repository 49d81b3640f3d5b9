"""Marking a closed or archived complaint as a teaching case (R-REP-4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint
from kesu.complaints.states import Status
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.text import clean_text

from .models import Case

# Who may choose teaching cases: the people who train and review handling, and the archive.
CASE_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.QUALITY, Role.MANAGER, Role.ADMIN, Role.ARCHIVIST})
# A complaint becomes a case once its story is over.
CASE_STATES = frozenset({Status.CLOSED, Status.ARCHIVED})
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def may_mark_case(complaint: Complaint, user: User) -> bool:
    return user.role in CASE_ROLES and complaint.status in CASE_STATES


def clean_tags(tags: Iterable | None) -> list[str]:
    """Stripped, without blanks or repeats, in the order given."""
    if tags is None:
        return []
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        raise ValidationFailed(_("Tags must be a list of words."), field="tags")
    out: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise ValidationFailed(_("Tags must be a list of words."), field="tags")
        word = clean_text(tag, "tags", required=False, max_length=MAX_TAG_LENGTH)
        word = word.replace("|", " ").strip()
        if word and word not in out:
            out.append(word)
    if len(out) > MAX_TAGS:
        raise ValidationFailed(_("At most %(max)s tags.") % {"max": MAX_TAGS}, field="tags")
    return out


def tags_text(tags: list[str]) -> str:
    return f"|{'|'.join(tags)}|" if tags else ""


def do_mark_case(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    title: str,
    lesson: str,
    tags: Iterable[str] | None = None,
) -> tuple[Case, bool]:
    """Make `complaint` a teaching case, or edit its case; returns (case, created). The caller has
    checked that `actor` may see the complaint (kesu.complaints.access)."""
    if actor.role not in CASE_ROLES:
        raise Forbidden(_("Your role may not choose teaching cases."))
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    for name, value, limit in (("title", title, 200), ("lesson", lesson, 10000)):
        try:
            values[name] = clean_text(value, name, required=True, max_length=limit)
        except DomainError as exc:
            for field, messages in exc.fields.items():
                errors.setdefault(field, []).extend(messages)
    try:
        values["tags"] = clean_tags(tags)
    except DomainError as exc:
        for field, messages in exc.fields.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in CASE_STATES:
            raise DomainError(
                "invalid_transition", _("Only a closed or archived complaint can become a teaching case.")
            )
        case = Case.objects.filter(complaint=locked).first()
        created = case is None
        if case is None:
            case = Case(complaint=locked, created_by=actor, created_at=now)
        case.title = values["title"]
        case.lesson = values["lesson"]
        case.tags = values["tags"]
        case.tags_text = tags_text(case.tags)
        case.updated_by = actor
        case.updated_at = now
        case.save()
        record_event(
            locked,
            actor=actor,
            now=now,
            action="case_marked" if created else "case_updated",
            from_status=locked.status,
            to_status=locked.status,
            data={"case": case.pk, "title": case.title, "tags": case.tags},
        )
    return case, created
