"""Every change to an investigation, its containment, the 8D report and the CAPAs: one do_* action each.

Each action checks who may do it (`may_edit`: quality and the supervisors' ranks everywhere in their data scope, a
handler only on a complaint his department owns; `quality` alone verifies effectiveness), validates its input
(a refused action raises DomainError naming the field and changes nothing), locks the row it changes, writes
the timeline event on every complaint concerned (kesu.complaints.events.record_event) and tells the SLA clocks
of the complaint what happened (kesu.sla.clocks.on_events: a containment row meets the A-class initial report,
a discipline marked done meets its 8D milestone). The caller has checked the complaint is in the actor's data
scope (kesu.complaints.access.access_complaint).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint
from kesu.complaints.states import Status
from kesu.core.errors import DomainError, Forbidden, ValidationFailed
from kesu.core.text import clean_text
from kesu.notifications.services import notify
from kesu.notifications.text import msg
from kesu.sla import clocks

from . import rules
from .models import (
    DISCIPLINES,
    PARTNER_RESPONSIBILITIES,
    Capa,
    CapaKind,
    CapaStatus,
    ContainmentRow,
    Discipline,
    DisciplineStatus,
    Disposition,
    Investigation,
    Partner,
    Place,
    Responsibility,
    Revision,
    RootCauseCategory,
    Verification,
)

# Who edits the investigation, containment, 8D and CAPAs of any complaint they may see; a handler edits those
# of complaints his department owns (or an 8D discipline / a CAPA he owns).
EDIT_ROLES = frozenset({Role.QUALITY, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
VERIFY_ROLES = frozenset({Role.QUALITY})
TEXT_MAX = 10_000
QUANTITY_MAX = 10_000_000
MAX_CAPA_COMPLAINTS = 50


class CapaRequired(DomainError):
    """close refused: the playbook requires a CAPA verified effective and one is missing or not verified."""

    status_by_code = {**DomainError.status_by_code, "capa_required": 409}


# ---------------------------------------------------------------------------------------------
# Permissions


def may_edit(complaint: Complaint, user: User | None) -> bool:
    if user is None or not user.is_active:
        return False
    if user.role in EDIT_ROLES:
        return True
    return user.role == Role.HANDLER and complaint.department_id in user.department_ids()


def _check_edit(complaint: Complaint, actor: User, *, owner_id: int | None = None) -> None:
    if complaint.status == Status.ARCHIVED:
        raise DomainError("read_only", _("Archived complaints are read-only."))
    if complaint.is_read_only:  # merged into another complaint
        raise DomainError("read_only", _("Merged complaints are read-only: work on the complaint it was merged into."))
    if not may_edit(complaint, actor) and not (owner_id is not None and owner_id == actor.pk):
        raise Forbidden(
            _("Only quality, supervisors and the handlers of the responsible department may change the investigation.")
        )


def may_verify(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in VERIFY_ROLES


def _lock_complaint(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("category", "department", "owner", "customer")
        .get(pk=complaint.pk)
    )


def _check_version(current: int, sent: int | None, what: str) -> None:
    if sent is not None and sent != current:
        raise DomainError(
            "version_conflict",
            _("The %(what)s was changed by someone else (version %(current)s, you sent %(sent)s). Reload it.")
            % {"what": what, "current": current, "sent": sent},
            field="version",
        )


class _Errors:
    """Collects every field's error so one 400 names them all."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def run(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            for name, messages in exc.fields.items():
                self.fields.setdefault(name, []).extend(messages)
            return None

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed(_("Please correct the marked fields."), fields=self.fields)


def _choice(value: Any, choices, field: str, *, required: bool) -> str:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("This field is required."), field=field)
        return ""
    if not isinstance(value, str) or value not in choices.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def _count(value: Any, field: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= QUANTITY_MAX:
        raise ValidationFailed(_("Enter a whole number from 0 to %(max)s.") % {"max": f"{QUANTITY_MAX:,}"}, field=field)
    return value


def _moment(value: Any, field: str) -> dt.datetime:
    if isinstance(value, str):
        value = parse_datetime(value.strip()) if value.strip() else None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a date and time, e.g. 2026-12-01T17:00:00+08:00."), field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _user(username: Any, field: str) -> User:
    if not isinstance(username, str) or not username.strip():
        raise ValidationFailed(_("This field is required."), field=field)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ValidationFailed(_("No active user “%(username)s”.") % {"username": username[:60]}, field=field)
    return user


# ---------------------------------------------------------------------------------------------
# Investigation (R-INV-1)


def do_save_investigation(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    checked: str = "",
    responsibility: str = "",
    responsible_department: str | None = None,
    partner: str | None = None,
    root_cause_category: str = "",
    root_cause: str = "",
    impact: str = "",
    version: int | None = None,
) -> Investigation:
    """Save the complaint's investigation record (the whole record: what is not given is emptied)."""
    _check_edit(complaint, actor)
    errors = _Errors()
    values: dict[str, Any] = {
        "checked": errors.run(clean_text, checked, "checked", required=False, max_length=TEXT_MAX),
        "root_cause": errors.run(clean_text, root_cause, "root_cause", required=False, max_length=TEXT_MAX),
        "impact": errors.run(clean_text, impact, "impact", required=False, max_length=TEXT_MAX),
        "responsibility": errors.run(_choice, responsibility, Responsibility, "responsibility", required=True),
        "root_cause_category": errors.run(
            _choice, root_cause_category, RootCauseCategory, "root_cause_category", required=False
        ),
    }
    department = None
    if responsible_department not in (None, ""):
        department = Department.objects.filter(code=str(responsible_department), active=True).first()
        if department is None:
            errors.add("responsible_department", _("No active department with this code."))
    found_partner = None
    if partner not in (None, ""):
        found_partner = Partner.objects.filter(code=str(partner), active=True).first()
        if found_partner is None:
            errors.add("partner", _("No active partner with this code in the partner register."))
    kind = values["responsibility"]
    if kind == Responsibility.INTERNAL and department is None and "responsible_department" not in errors.fields:
        department = complaint.department
        if department is None:
            errors.add("responsible_department", _("Name the department responsible inside the company."))
    if kind in PARTNER_RESPONSIBILITIES:
        if found_partner is None and "partner" not in errors.fields:
            errors.add("partner", _("Name the partner from the partner register."))
        elif found_partner is not None and found_partner.kind != kind:
            errors.add(
                "partner",
                _("%(partner)s is a %(kind)s, not a %(wanted)s.")
                % {
                    "partner": found_partner.name,
                    "kind": found_partner.get_kind_display(),
                    "wanted": Responsibility(kind).label,
                },
            )
    elif found_partner is not None:
        errors.add("partner", _("A partner is named only when the responsibility lies with a partner."))
    errors.raise_any()
    if kind != Responsibility.INTERNAL:
        department = None
    with transaction.atomic():
        c = _lock_complaint(complaint)
        record = Investigation.objects.select_for_update().filter(complaint=c).first()
        created = record is None
        if record is None:
            if version not in (None, 0):
                _check_version(0, version, _("investigation"))
            record = Investigation(complaint=c, version=0)
        else:
            _check_version(record.version, version, _("investigation"))
        before = {f: getattr(record, f) for f in ("responsibility", "root_cause_category", "root_cause")}
        for name, value in values.items():
            setattr(record, name, value)
        record.responsible_department = department
        record.partner = found_partner
        record.version += 1
        record.updated_by = actor
        record.updated_at = now
        record.save()
        data: dict[str, Any] = {
            "responsibility": record.responsibility,
            "root_cause_category": record.root_cause_category,
            "root_cause": record.root_cause[:500],
        }
        if department is not None:
            data["department"] = department.code
        if found_partner is not None:
            data["partner"] = found_partner.name
        if created or before != {f: getattr(record, f) for f in before}:
            record_event(
                c,
                actor=actor,
                now=now,
                action="investigation_saved",
                from_status=c.status,
                to_status=c.status,
                data=data,
            )
        return record


# ---------------------------------------------------------------------------------------------
# Containment (R-INV-2)


def do_add_containment(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    place: str,
    checked: int = 0,
    suspect: int = 0,
    bad: int = 0,
    action: str = "",
    disposition: str = "",
) -> ContainmentRow:
    """One place checked for suspect goods. The first row meets the A-class initial report clock."""
    _check_edit(complaint, actor)
    errors = _Errors()
    row = ContainmentRow(
        place=errors.run(_choice, place, Place, "place", required=True),
        checked=errors.run(_count, checked, "checked"),
        suspect=errors.run(_count, suspect, "suspect"),
        bad=errors.run(_count, bad, "bad"),
        action=errors.run(clean_text, action, "action", required=True, max_length=TEXT_MAX),
        disposition=errors.run(_choice, disposition, Disposition, "disposition", required=False),
    )
    if not errors.fields and row.bad > row.checked:
        errors.add("bad", _("More bad pieces than were checked."))
    errors.raise_any()
    with transaction.atomic():
        c = _lock_complaint(complaint)
        row.complaint = c
        row.created_by = actor
        row.created_at = now
        row.save()
        record_event(
            c,
            actor=actor,
            now=now,
            action="containment_added",
            from_status=c.status,
            to_status=c.status,
            data={
                "place": row.place,
                "checked": row.checked,
                "suspect": row.suspect,
                "bad": row.bad,
                "action": row.action[:500],
                "disposition": row.disposition,
            },
        )
        clocks.on_events(c, ("containment",), now=now)
        return row


# ---------------------------------------------------------------------------------------------
# 8D report (R-INV-3)

TEXT, LINES, TEAM, FISHBONE, DOCUMENTS = "text", "lines", "team", "fishbone", "documents"
DOCUMENT_CODES = ("pfmea", "control_plan", "work_instruction", "inspection_standard", "drawing", "training")
FISHBONE_KEYS = tuple(RootCauseCategory.values)

# What each discipline's content holds: key → kind. Anything else is refused, naming content.<key>.
FIELDS: dict[str, dict[str, str]] = {
    "d0": {"emergency_response": TEXT, "preparation": TEXT},
    "d1": {"leader": TEXT, "team": TEAM},
    "d2": {
        "what": TEXT,
        "where": TEXT,
        "when": TEXT,
        "who": TEXT,
        "why": TEXT,
        "how": TEXT,
        "how_many": TEXT,
        "description": TEXT,
    },
    "d3": {"summary": TEXT, "temporary_measures": TEXT},
    "d4": {"occurrence": TEXT, "escape": TEXT, "whys": LINES, "escape_whys": LINES, "fishbone": FISHBONE},
    "d5": {"actions": TEXT, "verification": TEXT},
    "d6": {"implementation": TEXT, "validation": TEXT},
    "d7": {"documents": DOCUMENTS, "documents_note": TEXT, "lessons": TEXT},
    "d8": {"closure": TEXT, "recognition": TEXT},
}
MAX_LINES = 10
MAX_TEAM = 30


def _clean_content(code: str, content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise ValidationFailed(_("The content is an object of the discipline's fields."), field="content")
    spec = FIELDS[code]
    errors = _Errors()
    out: dict[str, Any] = {}
    for key, value in content.items():
        field = f"content.{key}"
        kind = spec.get(key) if isinstance(key, str) else None
        if kind is None:
            errors.add(
                field,
                _("%(code)s has no field “%(key)s”; its fields: %(fields)s.")
                % {"code": code.upper(), "key": str(key)[:40], "fields": ", ".join(spec)},
            )
            continue
        if kind == TEXT:
            out[key] = errors.run(clean_text, value, field, required=False, max_length=TEXT_MAX)
        elif kind == LINES:
            if not isinstance(value, list) or len(value) > MAX_LINES:
                errors.add(field, _("A list of at most %(max)s texts.") % {"max": MAX_LINES})
                continue
            lines = [errors.run(clean_text, v, field, required=False, max_length=2000) for v in value]
            out[key] = [v for v in lines if v]
        elif kind == FISHBONE:
            if not isinstance(value, dict) or set(value) - set(FISHBONE_KEYS):
                errors.add(field, _("An object with any of: %(keys)s.") % {"keys": ", ".join(FISHBONE_KEYS)})
                continue
            out[key] = {
                k: errors.run(clean_text, value[k], f"{field}.{k}", required=False, max_length=2000) or ""
                for k in FISHBONE_KEYS
                if k in value
            }
        elif kind == DOCUMENTS:
            if not isinstance(value, list) or any(v not in DOCUMENT_CODES for v in value):
                errors.add(field, _("A list of any of: %(codes)s.") % {"codes": ", ".join(DOCUMENT_CODES)})
                continue
            out[key] = [d for d in DOCUMENT_CODES if d in value]
        elif kind == TEAM:
            if not isinstance(value, list) or len(value) > MAX_TEAM:
                errors.add(field, _("A list of at most %(max)s members.") % {"max": MAX_TEAM})
                continue
            team = []
            for member in value:
                if not isinstance(member, dict) or set(member) - {"name", "role", "department"}:
                    errors.add(field, _("Each member is an object with name, role and department."))
                    break
                cleaned = {
                    k: errors.run(clean_text, member.get(k), field, required=False, max_length=200) or ""
                    for k in ("name", "role", "department")
                }
                if any(cleaned.values()):
                    team.append(cleaned)
            out[key] = team
    errors.raise_any()
    return out


def do_save_discipline(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    code: str,
    content: Any,
    status: str = DisciplineStatus.OPEN,
    owner: str | None = None,
    version: int | None = None,
) -> Discipline:
    """Save one discipline of the 8D report. Marking D3, D4+D5 or D8 done meets that milestone's clock."""
    if code not in DISCIPLINES:
        raise ValidationFailed(_("The discipline is one of d0 … d8."), field="discipline")
    existing = Discipline.objects.filter(complaint=complaint, code=code).only("owner_id").first()
    _check_edit(complaint, actor, owner_id=existing.owner_id if existing else None)
    errors = _Errors()
    clean = errors.run(_clean_content, code, content)
    status = errors.run(_choice, status, DisciplineStatus, "status", required=True)
    owner_user = errors.run(_user, owner, "owner") if owner not in (None, "") else None
    errors.raise_any()
    with transaction.atomic():
        c = _lock_complaint(complaint)
        row = Discipline.objects.select_for_update().filter(complaint=c, code=code).first()
        if row is None:
            if version not in (None, 0):
                _check_version(0, version, _("discipline"))
            row = Discipline(complaint=c, code=code, version=0)
        else:
            _check_version(row.version, version, _("discipline"))
        was_done = row.status == DisciplineStatus.DONE and row.pk is not None
        row.content = clean
        if owner is not None:
            row.owner = owner_user
        elif row.owner_id is None:
            row.owner = actor
        row.status = status
        row.done_at = (row.done_at or now) if status == DisciplineStatus.DONE else None
        row.version += 1
        row.updated_by = actor
        row.updated_at = now
        row.save()
        record_event(
            c,
            actor=actor,
            now=now,
            action="8d_updated",
            from_status=c.status,
            to_status=c.status,
            data={"discipline": code.upper(), "status": status, "owner": row.owner.username if row.owner else None},
        )
        if status == DisciplineStatus.DONE and not was_done:
            events = [f"8d_{code}_done"]
            if code in ("d4", "d5"):
                other = "d5" if code == "d4" else "d4"
                if Discipline.objects.filter(complaint=c, code=other, status=DisciplineStatus.DONE).exists():
                    events.append("8d_d4_d5_done")
            clocks.on_events(c, events, now=now)
        return row


def do_freeze_revision(complaint: Complaint, *, actor: User, now: dt.datetime) -> Revision:
    """Keep the 8D report as it is now (the version sent to the customer); returns the new revision."""
    from .selectors import eightd_report

    _check_edit(complaint, actor)
    with transaction.atomic():
        c = _lock_complaint(complaint)
        last = Revision.objects.filter(complaint=c).order_by("-number").values_list("number", flat=True).first() or 0
        report = eightd_report(c, frozen=True)
        revision = Revision.objects.create(
            complaint=c, number=last + 1, report=report, created_by=actor, created_at=now
        )
        record_event(
            c,
            actor=actor,
            now=now,
            action="8d_revision",
            from_status=c.status,
            to_status=c.status,
            data={"revision": revision.number},
        )
        return revision


# ---------------------------------------------------------------------------------------------
# CAPA (R-INV-4)


def _capa_events(capa: Capa, complaints: Iterable[Complaint], *, actor, now, action: str, data: dict) -> None:
    for c in complaints:
        record_event(c, actor=actor, now=now, action=action, from_status=c.status, to_status=c.status, data=data)


def _remind_at(due: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    minutes = rules.capa_settings().get("remind_before_minutes") or 0
    if not minutes:
        return None
    remind = due - dt.timedelta(minutes=int(minutes))
    return remind if remind > now else None


def do_create_capa(
    complaints: list[Complaint],
    *,
    actor: User,
    now: dt.datetime,
    kind: str,
    action: str,
    owner: str,
    due_at: Any,
) -> Capa:
    """A corrective or preventive action for these complaints (each already in the actor's data scope)."""
    if not complaints:
        raise ValidationFailed(_("Name at least one complaint."), field="complaints")
    if len(complaints) > MAX_CAPA_COMPLAINTS:
        raise ValidationFailed(_("At most %(max)s complaints.") % {"max": MAX_CAPA_COMPLAINTS}, field="complaints")
    for c in complaints:
        _check_edit(c, actor)
    errors = _Errors()
    kind = errors.run(_choice, kind, CapaKind, "kind", required=True)
    text = errors.run(clean_text, action, "action", required=True, max_length=TEXT_MAX)
    owner_user = errors.run(_user, owner, "owner")
    due = errors.run(_moment, due_at, "due_at")
    if due is not None and due <= now:
        errors.add("due_at", _("The due date must lie in the future."))
    errors.raise_any()
    with transaction.atomic():
        locked = [_lock_complaint(c) for c in sorted(complaints, key=lambda c: c.pk)]
        capa = Capa.objects.create(
            kind=kind,
            action=text,
            owner=owner_user,
            department=owner_user.departments.order_by("id").first(),
            due_at=due,
            remind_at=_remind_at(due, now),
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        capa.complaints.set(locked)
        numbers = [c.number for c in locked]
        _capa_events(
            capa,
            locked,
            actor=actor,
            now=now,
            action="capa_created",
            data={
                "capa": capa.pk,
                "kind": kind,
                "text": text[:500],
                "owner": owner_user.username,
                "due_at": due.isoformat(),
                "complaints": numbers,
            },
        )
        notify(
            [owner_user] if owner_user.pk != actor.pk else [],
            kind="capa_assigned",
            complaint=locked[0],
            key=f"capa-assigned:{capa.pk}",
            now=now,
            title=msg(
                gettext_noop("Corrective action for %(numbers)s is yours, due %(due)s"),
                numbers="、".join(numbers),
                due=timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            ),
            body=text[:500],
        )
        return capa


def _lock_capa(capa: Capa) -> Capa:
    return Capa.objects.select_for_update().select_related("owner").get(pk=capa.pk)


def _capa_complaints(capa: Capa) -> list[Complaint]:
    return list(capa.complaints.select_related("department").order_by("id"))


def may_complete(capa: Capa, user: User, complaints: list[Complaint]) -> bool:
    return user.is_active and (user.pk == capa.owner_id or any(may_edit(c, user) for c in complaints))


def do_complete_capa(
    capa: Capa,
    *,
    actor: User,
    now: dt.datetime,
    evidence: str,
    status: str = CapaStatus.DONE,
    version: int | None = None,
) -> Capa:
    """The owner (or whoever may edit its complaints) reports the action done, with its evidence."""
    complaints = _capa_complaints(capa)
    if not may_complete(capa, actor, complaints):
        raise Forbidden(_("Only the action's owner, quality and the responsible department may report it done."))
    errors = _Errors()
    if status != CapaStatus.DONE:
        errors.add("status", _("An action is reported “done”; quality verifies it afterwards."))
    text = errors.run(clean_text, evidence, "evidence", required=True, max_length=TEXT_MAX)
    errors.raise_any()
    with transaction.atomic():
        locked = _lock_capa(capa)
        _check_version(locked.version, version, _("action"))
        if locked.status != CapaStatus.OPEN:
            raise DomainError(
                "invalid_transition",
                _("The action is “%(status)s”: only an open action can be reported done.")
                % {"status": locked.get_status_display()},
            )
        locked.status = CapaStatus.DONE
        locked.evidence = text
        locked.done_at = now
        locked.version += 1
        locked.updated_at = now
        locked.save(update_fields=["status", "evidence", "done_at", "version", "updated_at"])
        _capa_events(
            locked,
            complaints,
            actor=actor,
            now=now,
            action="capa_done",
            data={"capa": locked.pk, "evidence": text[:500]},
        )
        return locked


def do_verify_capa(
    capa: Capa,
    *,
    actor: User,
    now: dt.datetime,
    method: str,
    result: str,
    effective: Any,
    new_due_at: Any = None,
    version: int | None = None,
) -> Capa:
    """Quality verifies a done action: effective closes it; not effective reopens it with a new due date."""
    if not may_verify(actor):
        raise Forbidden(_("Only the quality role verifies whether an action was effective."))
    errors = _Errors()
    method = errors.run(clean_text, method, "method", required=True, max_length=TEXT_MAX)
    result = errors.run(clean_text, result, "result", required=True, max_length=TEXT_MAX)
    if not isinstance(effective, bool):
        errors.add("effective", _("Say whether the action was effective: true or false."))
    due = None
    if effective is False:
        if new_due_at in (None, ""):
            errors.add("new_due_at", _("An action that was not effective is reopened: give its new due date."))
        else:
            due = errors.run(_moment, new_due_at, "new_due_at")
            if due is not None and due <= now:
                errors.add("new_due_at", _("The due date must lie in the future."))
    errors.raise_any()
    complaints = _capa_complaints(capa)
    with transaction.atomic():
        locked = _lock_capa(capa)
        _check_version(locked.version, version, _("action"))
        if locked.status != CapaStatus.DONE:
            raise DomainError(
                "invalid_transition",
                _("The action is “%(status)s”: only an action reported done can be verified.")
                % {"status": locked.get_status_display()},
            )
        Verification.objects.create(
            capa=locked,
            method=method,
            result=result,
            effective=effective,
            new_due_at=due,
            verified_by=actor,
            verified_at=now,
        )
        if effective:
            locked.status = CapaStatus.VERIFIED
            locked.verified_at = now
        else:
            # A new due date is a new clock: reminded and breached again, once.
            locked.status = CapaStatus.OPEN
            locked.due_at = due
            locked.remind_at = _remind_at(due, now)
            locked.reminded_at = None
            locked.breached_at = None
            locked.done_at = None
            locked.verified_at = None
        locked.version += 1
        locked.updated_at = now
        locked.save()
        data: dict[str, Any] = {
            "capa": locked.pk,
            "effective": effective,
            "method": method[:300],
            "result": result[:500],
        }
        if due is not None:
            data["due_at"] = due.isoformat()
        _capa_events(locked, complaints, actor=actor, now=now, action="capa_verified", data=data)
        if not effective:
            notify(
                [locked.owner],
                kind="capa_reopened",
                complaint=complaints[0] if complaints else None,
                key=f"capa-reopened:{locked.pk}:{locked.version}",
                now=now,
                title=msg(
                    gettext_noop("Corrective action %(id)s was not effective: reopened, due %(due)s"),
                    id=locked.pk,
                    due=timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                ),
                body=result[:500],
            )
        return locked


# ---------------------------------------------------------------------------------------------
# The close gate


def check_capa_gate(complaint: Complaint) -> None:
    """Raise CapaRequired (409, field capa) when the playbook requires CAPA on this complaint and not every
    one of its CAPAs is verified effective (or it has none). Called by kesu.complaints.actions.do_close."""
    message = capa_gate_message(complaint)
    if message:
        raise CapaRequired("capa_required", message, field="capa")


def capa_gate_message(
    complaint: Complaint,
    *,
    responsibility: str | None = None,
    total: int | None = None,
    waiting: int | None = None,
) -> str:
    """Why the complaint cannot close yet (for the page and the 409), or "" when it can. The caller may pass what
    it has read already (the investigation's responsibility, how many CAPAs serve it and how many wait)."""
    if total is None or waiting is None:
        statuses = list(Capa.objects.filter(complaints=complaint).values_list("status", flat=True))
        total, waiting = len(statuses), sum(1 for s in statuses if s != CapaStatus.VERIFIED)
    if total and not waiting:
        return ""  # all verified: nothing the playbook could still ask for
    if responsibility is None:
        responsibility = (
            Investigation.objects.filter(complaint=complaint).values_list("responsibility", flat=True).first() or ""
        )
    if not rules.requires_capa(complaint, responsibility=responsibility):
        return ""
    if not total:
        return _(
            "The playbook requires a corrective action (CAPA) verified effective before this complaint closes; "
            "it has none yet."
        )
    return _(
        "The playbook requires every corrective action (CAPA) verified effective before this complaint closes; "
        "%(n)s of %(total)s are not yet."
    ) % {"n": waiting, "total": total}
    statuses = list(Capa.objects.filter(complaints=complaint).values_list("status", flat=True))
    if not statuses:
        return _(
            "The playbook requires a corrective action (CAPA) verified effective before this complaint closes; "
            "it has none yet."
        )
    waiting = sum(1 for s in statuses if s != CapaStatus.VERIFIED)
    if waiting:
        return _(
            "The playbook requires every corrective action (CAPA) verified effective before this complaint closes; "
            "%(n)s of %(total)s are not yet."
        ) % {"n": waiting, "total": len(statuses)}
    return ""
