"""Changing collaboration tasks (R-RT-3): created by the complaint's handlers, worked by their owners."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.complaints.events import record_event
from kesu.complaints.states import ENDED_STATES, HANDLING
from kesu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from kesu.notifications.services import notify
from kesu.notifications.text import msg

from .models import Task, TaskKind, TaskStatus

SUPERVISING = {Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN}


def _may_manage(complaint, user: User) -> bool:
    return user.role in SUPERVISING or complaint.owner_id == user.pk or complaint.created_by_id == user.pk


def _may_work(task: Task, user: User) -> bool:
    return (
        _may_manage(task.complaint, user)
        or task.owner_id == user.pk
        or (task.department_id is not None and task.department_id in user.department_ids())
    )


def may_add_tasks(complaint, user: User) -> bool:
    """Whether `user` may add tasks to the complaint now (what the page offers; do_create_task re-checks)."""
    return user.role in HANDLING and _may_manage(complaint, user) and complaint.status not in ENDED_STATES


def may_update_task(task: Task, user: User) -> bool:
    """Whether `user` may change this task (what the page offers; do_update_task re-checks)."""
    return _may_work(task, user)


def may_cancel_task(complaint, user: User) -> bool:
    return _may_manage(complaint, user)


def tasks_of(complaint):
    return Task.objects.filter(complaint=complaint).select_related("department", "owner").order_by("round", "id")


def do_create_task(
    complaint,
    *,
    actor: User,
    now: dt.datetime,
    title: str,
    department: str | None = None,
    owner: str | None = None,
    due_at: dt.datetime | None = None,
    required: bool = True,
) -> Task:
    if actor.role not in HANDLING or not _may_manage(complaint, actor):
        raise Forbidden(_("Only the complaint's owner, its recorder or a supervisor adds tasks."))
    if complaint.status in ENDED_STATES:
        raise DomainError("invalid_transition", _("The complaint is no longer being handled."))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("Give the task a title of at most 200 characters.")]
    dept = None
    if department:
        dept = Department.objects.filter(code=department, active=True).first()
        if dept is None:
            errors["department"] = [_("Unknown department “%(code)s”.") % {"code": department}]
    person = None
    if owner:
        person = User.objects.filter(username=owner, is_active=True).first()
        if person is None or person.role not in HANDLING:
            errors["owner"] = [_("Unknown user “%(username)s”.") % {"username": owner}]
        elif dept is not None and not person.sees_whole_organisation and dept.id not in person.department_ids():
            errors["owner"] = [_("%(user)s is not in that department.") % {"user": person}]
    if not dept and not person:
        errors.setdefault("department", []).append(_("Give a department or an owner."))
    if due_at is not None:
        if timezone.is_naive(due_at):
            due_at = timezone.make_aware(due_at)
        if due_at <= now:
            errors["due_at"] = [_("The deadline must be in the future.")]
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        # A department's first task of the round makes it a collaborator; further ones are plain tasks
        # (one collaboration task per department and round).
        kind = TaskKind.OTHER
        if dept is not None and not (
            Task.objects.filter(
                complaint=complaint, department=dept, kind=TaskKind.COLLABORATION, round=complaint.round
            )
            .exclude(status=TaskStatus.CANCELLED)
            .exists()
        ):
            kind = TaskKind.COLLABORATION
        task = Task.objects.create(
            complaint=complaint,
            kind=kind,
            title=title,
            department=dept,
            owner=person,
            due_at=due_at,
            required=required,
            round=complaint.round,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        # Whoever works on the task must see the complaint: its department (or the owner's) collaborates.
        reach = [dept] if dept else ([] if person.sees_whole_organisation else list(person.departments.all()))
        complaint.collaborators.add(*[d for d in reach if d.id != complaint.department_id])
        record_event(
            complaint,
            actor=actor,
            now=now,
            action="task_added",
            from_status=complaint.status,
            to_status=complaint.status,
            data={"task": task.id, "title": title, "department": department, "owner": owner},
        )
        notify(
            [person],
            kind="task_assigned",
            complaint=complaint,
            key=f"task-new:{task.id}",
            now=now,
            title=msg(gettext_noop("%(number)s: a task for you — %(title)s"), number=complaint.number, title=title),
        )
    return task


def do_update_task(
    complaint,
    task_id: int,
    *,
    actor: User,
    now: dt.datetime,
    status: str | None = None,
    note: str | None = None,
    owner: str | None = None,
    version: int | None = None,
) -> Task:
    if status is not None and status not in TaskStatus.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": status, "choices": ", ".join(TaskStatus.values)},
            field="status",
        )
    with transaction.atomic():
        task = (
            Task.objects.select_for_update().select_related("complaint").filter(pk=task_id, complaint=complaint).first()
        )
        if task is None:
            raise NotFound(_("Task not found."))
        if not _may_work(task, actor):
            raise Forbidden(_("This task belongs to another department."))
        if version is not None and version != task.version:
            raise DomainError(
                "version_conflict", _("The task was changed by someone else; reload it."), field="version"
            )
        if status == TaskStatus.CANCELLED and not _may_manage(complaint, actor):
            raise Forbidden(_("Only the complaint's owner or a supervisor cancels a task."))
        if status == TaskStatus.DONE and not (note or task.note).strip():
            raise ValidationFailed(_("Say what was done."), field="note")
        before = {"status": task.status, "owner": task.owner.username if task.owner_id else None}
        if owner is not None:
            person = User.objects.filter(username=owner, is_active=True).first()
            if person is None or person.role not in HANDLING:
                raise ValidationFailed(_("Unknown user “%(username)s”.") % {"username": owner}, field="owner")
            task.owner = person
        if status is not None:
            task.status = status
            task.done_at = now if status == TaskStatus.DONE else None
        if note is not None:
            task.note = note.strip()
        task.version += 1
        task.updated_at = now
        task.save()
        after = {"status": task.status, "owner": task.owner.username if task.owner_id else None}
        record_event(
            complaint,
            actor=actor,
            now=now,
            action="task_updated",
            from_status=complaint.status,
            to_status=complaint.status,
            data={
                "task": task.id,
                "title": task.title,
                "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
                "note": task.note if note is not None else "",
            },
        )
        if status == TaskStatus.DONE and complaint.owner_id and complaint.owner_id != actor.pk:
            notify(
                [complaint.owner],
                kind="task_done",
                complaint=complaint,
                key=f"task-done:{task.id}:{task.version}",
                now=now,
                title=msg(
                    gettext_noop("%(number)s: task done — %(title)s"),
                    number=complaint.number,
                    title=task.text.get("title") or task.title,
                ),
            )
    return task
