"""How domain values look on a page: status colours, choice labels, readable timeline rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import pgettext_lazy as p_

from kesu.accounts.roles import Role
from kesu.complaints.classification import Flag, Level, Priority, Severity
from kesu.complaints.models import Channel, CustomerKind, Demand, Relationship
from kesu.complaints.models.attachment import EvidenceSource
from kesu.complaints.models.complaint import ReviewState, SolutionType
from kesu.complaints.states import TRANSITIONS, Status

# One colour per status (kesu.css defines .status-<code>); the order the inbox sorts by.
STATUS_ORDER = [
    Status.NEW,
    Status.REOPENED,
    Status.ACKNOWLEDGED,
    Status.TRIAGED,
    Status.ASSIGNED,
    Status.INVESTIGATING,
    Status.SOLUTION_PROPOSED,
    Status.RESOLVED,
    Status.CLOSED,
    Status.REJECTED,
    Status.ARCHIVED,
]
PRIORITY_ORDER = [Priority.URGENT, Priority.IMPORTANT, Priority.ROUTINE]

# Satisfaction scores as seed 001 words them (1 is best).
SATISFACTION = {
    1: p_("satisfaction", "Very satisfied"),
    2: p_("satisfaction", "Satisfied"),
    3: p_("satisfaction", "Understands / accepts"),
    4: p_("satisfaction", "Dissatisfied"),
    5: p_("satisfaction", "Very dissatisfied"),
}

CHOICES: dict[str, Any] = {
    "status": Status,
    "severity": Severity,
    "priority": Priority,
    "level": Level,
    "flag": Flag,
    "channel": Channel,
    "demand": Demand,
    "kind": CustomerKind,
    "relationship": Relationship,
    "solution_type": SolutionType,
    "review_state": ReviewState,
    "source": EvidenceSource,
    "role": Role,
}


def choice_label(value: Any, kind: str) -> str:
    """The translated label of a stored code; the code itself if it is not (or no longer) a choice."""
    if value in (None, ""):
        return ""
    if kind == "satisfaction":
        try:
            return str(SATISFACTION[int(value)])
        except (KeyError, TypeError, ValueError):
            return str(value)
    choices = CHOICES.get(kind)
    if choices is None:
        return str(value)
    if kind == "level":
        try:
            value = int(value)
        except (TypeError, ValueError):
            return str(value)
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


EVENT_LABELS = {
    "create": p_("event", "Recorded"),
    "reassign": p_("event", "Re-assigned"),
    "attachment_added": p_("event", "Evidence added"),
    "reveal_contact": p_("event", "Full contact details viewed"),
    "sla_breach": p_("event", "Deadline missed"),
}


def event_label(action: str) -> str:
    if action in EVENT_LABELS:
        return str(EVENT_LABELS[action])
    if action in TRANSITIONS:
        return str(TRANSITIONS[action].label)
    return action.replace("_", " ").capitalize()


EVENT_ICONS = {
    "create": "bi-plus-circle",
    "acknowledge": "bi-telephone-outbound",
    "triage": "bi-tags",
    "assign": "bi-person-check",
    "reassign": "bi-arrow-left-right",
    "start": "bi-search",
    "propose_solution": "bi-lightbulb",
    "customer_response": "bi-chat-left-text",
    "resolve": "bi-check2-circle",
    "rate": "bi-star",
    "close": "bi-lock",
    "review": "bi-clipboard-check",
    "archive": "bi-archive",
    "reject": "bi-x-circle",
    "reopen": "bi-arrow-counterclockwise",
    "escalate": "bi-arrow-up-circle",
    "note": "bi-sticky",
    "pause_clock": "bi-pause-circle",
    "resume_clock": "bi-play-circle",
    "attachment_added": "bi-paperclip",
    "reveal_contact": "bi-eye",
    "sla_breach": "bi-alarm",
}


def event_icon(action: str) -> str:
    return EVENT_ICONS.get(action, "bi-dot")


# Timeline data keys → (label, kind of value). Unknown keys are still shown, by their name.
DATA_FIELDS: dict[str, tuple[Any, str]] = {
    "note": (gettext_lazy("Note"), "text"),
    "text": (gettext_lazy("Note"), "text"),
    "reason": (gettext_lazy("Reason"), "text"),
    "comment": (gettext_lazy("Comment"), "text"),
    "summary": (gettext_lazy("Resolution"), "text"),
    "detail": (gettext_lazy("Solution"), "text"),
    "reply": (gettext_lazy("Reply to the customer"), "text"),
    "solution_type": (gettext_lazy("Solution type"), "solution_type"),
    "compensation_amount": (gettext_lazy("Compensation (CNY)"), "plain"),
    "accepted": (gettext_lazy("Customer accepted"), "bool"),
    "approved": (gettext_lazy("Approved"), "bool"),
    "score": (gettext_lazy("Satisfaction"), "satisfaction"),
    "level": (gettext_lazy("Level"), "level"),
    "round": (gettext_lazy("Handling round"), "plain"),
    "changes": (gettext_lazy("Changes"), "changes"),
    "owner": (gettext_lazy("Owner"), "plain"),
    "department": (gettext_lazy("Department"), "plain"),
    "channel": (gettext_lazy("Channel"), "channel"),
    "received_at": (gettext_lazy("Received at"), "datetime"),
    "type_code": (gettext_lazy("Type"), "plain"),
    "severity": (gettext_lazy("Severity"), "severity"),
    "priority": (gettext_lazy("Priority"), "priority"),
    "justified": (gettext_lazy("Justified"), "bool"),
    "routed_by": (gettext_lazy("Routed by"), "routed_by"),
    "trigger": (gettext_lazy("Trigger"), "trigger"),
    "paused_seconds": (gettext_lazy("Paused for"), "duration"),
    "review": (gettext_lazy("Review"), "review"),
    "name": (gettext_lazy("File"), "plain"),
    "size": (gettext_lazy("Size"), "size"),
    "source": (gettext_lazy("Source"), "source"),
    "suggestion": (gettext_lazy("Suggested"), "suggestion"),
    "suggested": (gettext_lazy("Suggested"), "suggestion"),
    "final": (gettext_lazy("Confirmed"), "suggestion"),
    "due_at": (gettext_lazy("Due at"), "datetime"),
    "clocks": (gettext_lazy("Clocks paused"), "plain"),
    "repeat_of": (gettext_lazy("Repeat of"), "list"),
    "flags": (gettext_lazy("Flags"), "flags"),
}
HIDDEN_DATA = {"internal", "attachment", "content_type", "deadline", "clock"}
# Keys whose meaning depends on the action.
ACTION_DATA_FIELDS: dict[tuple[str, str], tuple[Any, str]] = {
    ("sla_breach", "name"): (gettext_lazy("Clock"), "plain"),
}
TRIGGERS = {
    "manual": p_("escalation trigger", "by hand"),
    "sla_breach": p_("escalation trigger", "deadline missed"),
    "dissatisfied": p_("escalation trigger", "customer dissatisfied"),
}


def _bool(value: Any) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def format_datetime(value: Any) -> str:
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "Y-m-d H:i")
    return str(value)


def filesize(size: int) -> str:
    if size < 1024:
        return _("%(n)s bytes") % {"n": size}
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _duration(seconds: Any) -> str:
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return str(seconds)
    hours, rest = divmod(seconds, 3600)
    return _("%(h)s h %(m)s min") % {"h": hours, "m": rest // 60}


def _suggestion(value: dict[str, Any], names: dict[str, str]) -> str:
    parts = []
    if value.get("type_code"):
        parts.append(names.get(value["type_code"], value["type_code"]))
    for key in ("severity", "priority", "level"):
        if value.get(key):
            parts.append(choice_label(value[key], key))
    for flag in value.get("flags") or []:
        parts.append(choice_label(flag, "flag"))
    for risk in value.get("risks") or []:
        if isinstance(risk, dict) and risk.get("reason"):
            parts.append(str(risk["reason"]))
    return "; ".join(parts)


def format_value(value: Any, kind: str, names: dict[str, str] | None = None) -> str:
    if kind == "suggestion":
        return _suggestion(value, names or {}) if isinstance(value, dict) else str(value)
    if kind == "trigger":
        return str(TRIGGERS.get(value, value))
    if kind == "list":
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "flags":
        return ", ".join(choice_label(v, "flag") for v in value) if isinstance(value, list) else str(value)
    if isinstance(value, list) and len(value) == 2 and kind not in ("text",):
        return f"{format_value(value[0], kind)} → {format_value(value[1], kind)}"
    if value is None or value == "":
        return "—"
    if kind == "bool":
        return _bool(value)
    if kind == "datetime":
        return format_datetime(value)
    if kind == "duration":
        return _duration(value)
    if kind == "size":
        return filesize(int(value))
    if kind == "routed_by":
        return _("routing matrix") if value == "matrix" else _("by hand")
    if kind == "review":
        return choice_label(value, "review_state") if value != "approved" else str(ReviewState.APPROVED.label)
    if kind in CHOICES or kind == "satisfaction":
        return choice_label(value, kind)
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", [], {}))
    return str(value)


CHANGE_KINDS = {"severity": "severity", "priority": "priority", "level": "level", "justified": "bool"}


def event_details(
    action: str, data: dict[str, Any], *, type_names: dict[str, str] | None = None
) -> list[tuple[str, str, bool]]:
    """(label, value, is_long_text) rows for one timeline event. `type_names` maps type codes to names."""
    rows: list[tuple[str, str, bool]] = []
    names = type_names or {}
    for key, value in (data or {}).items():
        if key in HIDDEN_DATA or (action == "reveal_contact" and key == "customer"):
            continue
        if key == "customer" and action == "create":
            rows.append((_("Customer"), str(value), False))
            continue
        label, kind = ACTION_DATA_FIELDS.get(
            (action, key), DATA_FIELDS.get(key, (key.replace("_", " ").capitalize(), "plain"))
        )
        if key == "type_code":
            value = names.get(value, value)
        if kind == "changes" and isinstance(value, dict):
            for field, change in value.items():
                if field == "type_code" and isinstance(change, list):
                    change = [names.get(v, v) for v in change]
                field_label, _kind = DATA_FIELDS.get(field, (field, "plain"))
                rows.append((str(field_label), format_value(change, CHANGE_KINDS.get(field, "plain")), False))
            continue
        if value in (None, "", [], {}) and kind != "bool":
            continue
        shown = format_value(value, kind, names)
        if not shown and key == "suggested":
            shown = "—"  # nothing was suggested: worth saying next to what was confirmed
        if shown:
            rows.append((str(label), shown, kind == "text"))
    return rows
