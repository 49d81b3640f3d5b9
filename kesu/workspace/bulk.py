"""Bulk actions: one action over many complaints, each through its normal action.

Every complaint goes through `access_complaint` and the same `do_*` function its own page calls
(permissions, versions, the transition table, rules, the timeline), in a transaction of its own: one
complaint's refusal changes nothing on it and does not stop the others. The answer is one result per
complaint, in the order asked: {"number", "status": 200 | 403 | 404 | 409, "error"?}.

Up to WORKER_THRESHOLD complaints run while the page waits; more go to the worker as a BulkRun whose
results fill in as it goes (the page polls it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kesu.accounts.models import Department, User
from kesu.complaints import actions
from kesu.complaints.access import access_complaint
from kesu.complaints.classification import Priority
from kesu.core.errors import DomainError, NotFound

from .models import BulkRun, BulkRunStatus

MAX_NUMBERS = 2000  # one request; a bigger clean-up is several
WORKER_THRESHOLD = 50


@dataclass(frozen=True)
class BulkAction:
    key: str
    label: Any
    fields: tuple[str, ...]
    required: tuple[str, ...]
    run: Callable[..., Any]


def _assign(c, *, actor, now, version, body):
    return actions.do_assign(
        c,
        actor=actor,
        now=now,
        version=version,
        department=body.get("department") or None,
        owner=body.get("owner") or None,
        reason=body.get("reason", ""),
    )


def _priority(c, *, actor, now, version, body):
    return actions.do_triage(
        c, actor=actor, now=now, version=version, priority=body["priority"], reason=body.get("reason", "")
    )


def _note(c, *, actor, now, version, body):
    return actions.do_note(c, actor=actor, now=now, version=version, text=body["text"], internal=True)


def _close(c, *, actor, now, version, body):
    return actions.do_close(c, actor=actor, now=now, version=version, reason=body.get("reason", ""))


def _follow(c, *, actor, now, version, body):
    from kesu.routing import followers

    return followers.do_follow(c, actor=actor, username=body.get("username") or actor.username, now=now)


BULK_ACTIONS: dict[str, BulkAction] = {
    a.key: a
    for a in (
        BulkAction("assign", pgettext_lazy("bulk", "Assign"), ("department", "owner", "reason"), (), _assign),
        BulkAction(
            "priority", pgettext_lazy("bulk", "Change priority"), ("priority", "reason"), ("priority",), _priority
        ),
        BulkAction("note", pgettext_lazy("bulk", "Add an internal note"), ("text",), ("text",), _note),
        BulkAction("follow", pgettext_lazy("bulk", "Follow"), ("username",), (), _follow),
        BulkAction("close", pgettext_lazy("bulk", "Close with a reason"), ("reason",), ("reason",), _close),
    )
}
REQUIRED_MESSAGE = gettext_lazy("This field is required.")


def _refuse(field: str, message: str) -> DomainError:
    return DomainError("validation_error", _("Please correct the marked fields."), fields={field: [message]})


def check_request(numbers: Any, action: Any, body: Any, versions: Any = None) -> tuple[list[str], dict, dict]:
    """The request as a whole: a known action, its fields, a list of numbers. Anything wrong here is
    refused (400, naming the field) before any complaint is touched."""
    if action not in BULK_ACTIONS:
        raise _refuse(
            "action",
            _("“%(value)s” is not one of: %(choices)s.") % {"value": action, "choices": ", ".join(BULK_ACTIONS)},
        )
    spec = BULK_ACTIONS[action]
    if not isinstance(numbers, list) or not numbers or not all(isinstance(n, str) and n for n in numbers):
        raise _refuse("numbers", _("Give the complaint numbers as a list of one or more texts."))
    if len(numbers) > MAX_NUMBERS:
        raise _refuse("numbers", _("At most %(max)s complaints at a time.") % {"max": MAX_NUMBERS})
    unique = list(dict.fromkeys(n.strip() for n in numbers))
    body = body if body is not None else {}
    if not isinstance(body, dict):
        raise _refuse("body", _("Give an object."))
    foreign = [k for k in body if k not in spec.fields]
    if foreign:
        raise DomainError(
            "validation_error",
            _("Please correct the marked fields."),
            fields={f"body.{k}": [_("“%(action)s” does not take this field.") % {"action": action}] for k in foreign},
        )
    missing = [k for k in spec.required if body.get(k) in (None, "")]
    if missing:
        raise DomainError(
            "validation_error",
            _("Please correct the marked fields."),
            fields={f"body.{k}": [str(REQUIRED_MESSAGE)] for k in missing},
        )
    for key, value in body.items():
        if value is not None and not isinstance(value, str):
            raise _refuse(f"body.{key}", _("Give a text."))
    if action == "priority" and body["priority"] not in Priority.values:
        raise _refuse(
            "body.priority",
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": body["priority"], "choices": ", ".join(Priority.values)},
        )
    if body.get("department") and not Department.objects.filter(code=body["department"], active=True).exists():
        raise _refuse("body.department", _("Unknown department “%(code)s”.") % {"code": body["department"]})
    if body.get("owner") and not User.objects.filter(username=body["owner"], is_active=True).exists():
        raise _refuse("body.owner", _("Unknown user “%(username)s”.") % {"username": body["owner"]})
    if versions is not None and (
        not isinstance(versions, dict)
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in versions.values())
    ):
        raise _refuse("versions", _("Give the versions as an object of complaint number → version number."))
    return unique, body, versions or {}


# What each refusal is reported as: the contract's four statuses. A rule of the action that this
# complaint does not meet (a reason its re-assignment needs, a gate before closing) is a conflict with it.
def _status(exc: DomainError) -> int:
    if exc.http_status in (403, 404):
        return exc.http_status
    return 409


def _message(exc: DomainError) -> str:
    details = [m for messages in exc.fields.values() for m in messages if m != exc.message]
    return " ".join([exc.message, *details]) if details and exc.code == "validation_error" else exc.message


def apply_one(user, number: str, action: str, body: dict, *, now: dt.datetime, version: int | None = None) -> dict:
    """One complaint: all of the action or none of it; its result."""
    try:
        complaint = access_complaint(user, number)
        with transaction.atomic():
            BULK_ACTIONS[action].run(complaint, actor=user, now=now, version=version, body=body)
    except DomainError as exc:
        return {"number": number, "status": _status(exc), "code": exc.code, "error": _message(exc)}
    return {"number": number, "status": 200}


def run_now(
    user, numbers: list[str], action: str, body: dict, *, now: dt.datetime, versions: dict | None = None
) -> list[dict]:
    versions = versions or {}
    return [apply_one(user, n, action, body, now=now, version=versions.get(n)) for n in numbers]


def start_run(
    user, numbers: list[str], action: str, body: dict, *, now: dt.datetime, versions: dict | None = None
) -> BulkRun:
    """A BulkRun for the worker, queued once the transaction commits."""
    run = BulkRun.objects.create(
        actor=user,
        action=action,
        body={**body, **({"_versions": versions} if versions else {})},
        numbers=numbers,
        total=len(numbers),
        created_at=now,
    )
    from .tasks import run_bulk  # the Huey task module imports this one

    transaction.on_commit(lambda: run_bulk(run.pk))
    return run


def run_for(user, run_id: int) -> BulkRun:
    run = BulkRun.objects.filter(pk=run_id, actor=user).first()
    if run is None:
        raise NotFound(_("Bulk run %(id)s was not found.") % {"id": run_id})
    return run


SAVE_EVERY = 5  # complaints per chunk: the progress bar moves, the row is not rewritten 2,000 times
STALE_AFTER = dt.timedelta(minutes=10)  # a running run whose worker has not reported for this long has died
LOST_AFTER = dt.timedelta(minutes=2)  # a queued run nobody picked up by then lost its job


def process_run(run_id: int, *, clock: Callable[[], dt.datetime]) -> BulkRun | None:
    """Run a queued BulkRun to its end. Only the first call claims it (a task delivered twice does nothing
    the second time); complaints already answered are not acted on again.

    The complaints go in chunks of SAVE_EVERY, each chunk's actions and results in one transaction: if the
    worker dies halfway, the chunk it was on is undone with its results, and `recover_stale_runs` queues the
    run again to carry on from there — no complaint acted on twice, none left out."""
    claimed = BulkRun.objects.filter(pk=run_id, status=BulkRunStatus.QUEUED).update(
        status=BulkRunStatus.RUNNING, heartbeat_at=clock()
    )
    if not claimed:
        return None
    run = BulkRun.objects.select_related("actor").get(pk=run_id)
    body = {k: v for k, v in run.body.items() if k != "_versions"}
    versions = run.body.get("_versions") or {}
    answered = {r["number"] for r in run.results}
    todo = [n for n in run.numbers if n not in answered]
    try:
        for start in range(0, len(todo), SAVE_EVERY):
            with transaction.atomic():
                done = [
                    apply_one(run.actor, number, run.action, body, now=clock(), version=versions.get(number))
                    for number in todo[start : start + SAVE_EVERY]
                ]
                run.results = [*run.results, *done]
                run.heartbeat_at = clock()
                run.save(update_fields=["results", "heartbeat_at"])
        run.status = BulkRunStatus.DONE
    except Exception:
        run.refresh_from_db(fields=["results"])  # what the last committed chunk left
        run.status = BulkRunStatus.FAILED
        raise
    finally:
        run.finished_at = clock()
        run.save(update_fields=["results", "status", "finished_at"])
    return run


def recover_stale_runs(*, now: dt.datetime) -> list[int]:
    """Runs a dead worker left behind (running, silent for STALE_AFTER) or whose job was lost (queued for
    LOST_AFTER): queued again, to carry on where they stopped. Their ids."""
    from .tasks import run_bulk

    stale = list(
        BulkRun.objects.filter(status=BulkRunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER).values_list(
            "pk", flat=True
        )
    )
    revived = [
        pk
        for pk in stale
        if BulkRun.objects.filter(pk=pk, status=BulkRunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER).update(
            status=BulkRunStatus.QUEUED
        )
    ]
    lost = list(
        BulkRun.objects.filter(status=BulkRunStatus.QUEUED, created_at__lt=now - LOST_AFTER)
        .exclude(pk__in=revived)
        .values_list("pk", flat=True)
    )
    ids = sorted({*revived, *lost})
    for pk in ids:
        transaction.on_commit(lambda pk=pk: run_bulk(pk))
    return ids
