"""The scripts library's actions: rendering a script for a complaint (a use, counted) and running a macro."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.channels.outbound.actions import do_send_message
from kesu.complaints import actions as complaint_actions
from kesu.complaints.access import access_complaint
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint
from kesu.complaints.states import TRANSITIONS
from kesu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed

from . import macros, rendering
from .models import Macro, Script


def count_use(script: Script, *, now: dt.datetime) -> None:
    Script.objects.filter(pk=script.pk).update(use_count=F("use_count") + 1, last_used_at=now)


def do_render_script(script: Script, complaint: Complaint, *, actor: User, now: dt.datetime) -> str:
    """The script's text with the complaint's values filled; taking it into a reply counts as a use."""
    complaint = access_complaint(actor, complaint.number)
    if not script.active:
        raise NotFound(_("No such script."))
    text = rendering.render_script(script, complaint)
    count_use(script, now=now)
    return text


def _step_label(number: int, step: dict) -> str:
    if "reply" in step:
        return _("Step %(n)s (reply)") % {"n": number}
    return _("Step %(n)s (%(action)s)") % {"n": number, "action": TRANSITIONS[step["action"]].label}


def do_run_macro(
    complaint: Complaint, macro: Macro, *, actor: User, now: dt.datetime, version: int | None = None
) -> Complaint:
    """Apply every step of the macro as `actor`, through the normal actions, in one transaction: the first
    step refused (role, state, version, a bad value) raises its error, prefixed with the step, and nothing
    of the earlier steps stays. The first step checks the client's `version`; later ones the version
    the previous step left. Returns the complaint after the last step."""
    if not macro.active:
        raise NotFound(_("No such macro."))
    errors = macros.step_errors(macro.steps)
    if errors:
        raise ValidationFailed(_("The macro is not valid: %(errors)s") % {"errors": " ".join(errors)}, field="steps")
    complaint = access_complaint(actor, complaint.number)
    for number, step in enumerate(macro.steps, start=1):
        if actor.role not in macros.roles_needed(step):
            raise Forbidden(_("%(step)s: your role may not do this.") % {"step": _step_label(number, step)})
    with transaction.atomic():
        current = complaint
        for number, step in enumerate(macro.steps, start=1):
            step_version = version if number == 1 else None
            try:
                current = access_complaint(actor, complaint.number)  # re-read: the previous step changed it
                if "reply" in step:
                    if step_version is not None and step_version != current.version:
                        raise DomainError(
                            "version_conflict",
                            _("The complaint was changed by someone else. Reload it and try again."),
                            field="version",
                        )
                    script = Script.objects.filter(pk=step["reply"], active=True).first()
                    if script is None:
                        raise NotFound(_("No such script."))
                    do_send_message(
                        current,
                        actor=actor,
                        now=now,
                        channel=step.get("channel", "email"),
                        text=rendering.render_script(script, current),
                        script=script,
                    )
                    count_use(script, now=now)
                else:
                    do = complaint_actions.ACTIONS[step["action"]]
                    do(current, actor=actor, now=now, version=step_version, **(step.get("args") or {}))
            except DomainError as exc:
                raise DomainError(
                    exc.code,
                    f"{_step_label(number, step)}: {exc.message}",
                    fields=exc.fields,
                ) from exc
        Macro.objects.filter(pk=macro.pk).update(use_count=F("use_count") + 1)
        after = access_complaint(actor, complaint.number)
        # Which macro did this: each step has its own event above; this row names the click that made them.
        record_event(
            after,
            actor=actor,
            now=now,
            action="macro_run",
            from_status=complaint.status,
            to_status=after.status,
            data={"macro": macro.name, "macro_id": macro.pk, "steps": len(macro.steps)},
            internal=True,
        )
    return after
