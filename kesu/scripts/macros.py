"""What a macro's steps are, checked: each step a complaint action (kesu.complaints.actions.ACTIONS) with
its arguments, or one reply from the scripts library. Used by Macro.clean(), the run and the menu."""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.complaints import actions as complaint_actions
from kesu.complaints.models import Complaint
from kesu.complaints.states import HANDLING, TRANSITIONS
from kesu.core.errors import DomainError

REPLY_CHANNELS = ("email", "sms")
_NOT_ARGS = {"complaint", "actor", "now", "version"}


@cache
def action_args(action: str) -> frozenset[str]:
    """The keyword arguments a complaint action takes besides who, when and the version."""
    signature = inspect.signature(complaint_actions.ACTIONS[action])
    return frozenset(
        name for name, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY and name not in _NOT_ARGS
    )


def step_errors(steps: Any) -> list[str]:
    """Every problem of a steps list, each naming the step (1-based) and the key at fault; [] when good."""
    from .models import Script

    if not isinstance(steps, list) or not steps:
        return [_("The steps must be a non-empty list.")]
    errors: list[str] = []
    replies = 0
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            errors.append(_("Step %(n)s: must be an object.") % {"n": number})
            continue
        if "reply" in step:
            replies += 1
            foreign = sorted(set(step) - {"reply", "channel"})
            if foreign:
                errors.append(_("Step %(n)s: unknown key “%(key)s”.") % {"n": number, "key": foreign[0]})
            script_id = step.get("reply")
            if not isinstance(script_id, int) or isinstance(script_id, bool):
                errors.append(_("Step %(n)s: “reply” must be a script id.") % {"n": number})
            elif not Script.objects.filter(pk=script_id).exists():
                errors.append(_("Step %(n)s: “reply”: no script %(id)s.") % {"n": number, "id": script_id})
            if step.get("channel", "email") not in REPLY_CHANNELS:
                errors.append(
                    _("Step %(n)s: “channel” must be one of: %(choices)s.")
                    % {"n": number, "choices": ", ".join(REPLY_CHANNELS)}
                )
            continue
        action = step.get("action")
        foreign = sorted(set(step) - {"action", "args"})
        if foreign:
            errors.append(_("Step %(n)s: unknown key “%(key)s”.") % {"n": number, "key": foreign[0]})
        if action not in complaint_actions.ACTIONS:
            errors.append(
                _("Step %(n)s: “action”: unknown action “%(action)s”.") % {"n": number, "action": action or ""}
            )
            continue
        args = step.get("args", {})
        if not isinstance(args, dict):
            errors.append(_("Step %(n)s: “args” must be an object.") % {"n": number})
            continue
        for key in sorted(set(args) - action_args(action)):
            errors.append(
                _("Step %(n)s: “args”: “%(action)s” does not take “%(key)s”.")
                % {"n": number, "action": action, "key": key}
            )
    if replies > 1:
        errors.append(_("A macro sends at most one reply."))
    return errors


def roles_needed(step: dict) -> frozenset[str]:
    if "reply" in step:
        return frozenset(HANDLING)
    return TRANSITIONS[step["action"]].roles


def may_run(user: User, steps: list[dict]) -> bool:
    """Whether the user's role may take every step (the run re-checks each step on the complaint)."""
    return bool(steps) and all(user.role in roles_needed(step) for step in steps)


def first_refusal(complaint: Complaint, user: User, steps: list[dict]) -> str:
    """Why the first step cannot be taken on the complaint as it is now ("" when it can), for the menu."""
    step = steps[0]
    if "reply" in step:
        return _("Archived complaints are read-only.") if complaint.is_read_only else ""
    try:
        complaint_actions.check_allowed(complaint, user, TRANSITIONS[step["action"]])
    except DomainError as exc:
        return exc.message
    return ""


def describe(step: dict, scripts: dict[int, Any]) -> str:
    """One line for a person: “Classify: type_code=delivery”, “Reply by e-mail: 物流延误致歉”."""
    if "reply" in step:
        script = scripts.get(step["reply"])
        title = script.title if script else f"#{step['reply']}"
        if step.get("channel", "email") == "sms":
            return _("Reply by SMS: %(title)s") % {"title": title}
        return _("Reply by e-mail: %(title)s") % {"title": title}
    label = str(TRANSITIONS[step["action"]].label)
    args = step.get("args") or {}
    if not args:
        return label
    return f"{label}: " + ", ".join(f"{k}={v}" for k, v in args.items())
