"""How domain values look on a page: status colours, choice labels, readable timeline rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kesu.accounts.roles import Role
from kesu.alerts.models import AlertKey, AlertKind
from kesu.assessment.models import PenaltyStatus
from kesu.channels.outbound.models import MessageChannel
from kesu.complaints.classification import Flag, Level, Priority, Severity
from kesu.complaints.models import Channel, CustomerKind, Demand, LinkKind, Relationship
from kesu.complaints.models.attachment import EvidenceSource
from kesu.complaints.models.complaint import ReviewState, SolutionType
from kesu.complaints.states import TRANSITIONS, Status
from kesu.core.config import cached
from kesu.core.names import names_by_code, reader_wants_english
from kesu.followup.models import AgendaStatus, RevisitStatus
from kesu.quality.models import CapaKind, DisciplineStatus, Disposition, Place, Responsibility, RootCauseCategory
from kesu.routing.models import TaskKind, TaskStatus
from kesu.rules.risk import family_of, normalise
from kesu.scripts.models import Situation
from kesu.solutions.models import Kind as CompensationKind
from kesu.solutions.models import Status as CompensationStatus

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
    Status.MERGED,
]
PRIORITY_ORDER = [Priority.URGENT, Priority.IMPORTANT, Priority.ROUTINE]

# Satisfaction scores as seed 001 words them (1 is best).
SATISFACTION = {
    1: pgettext_lazy("satisfaction", "Very satisfied"),
    2: pgettext_lazy("satisfaction", "Satisfied"),
    3: pgettext_lazy("satisfaction", "Acceptable / understandable"),
    4: pgettext_lazy("satisfaction", "Dissatisfied"),
    5: pgettext_lazy("satisfaction", "Very dissatisfied"),
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
    "revisit_status": RevisitStatus,
    "task_status": TaskStatus,
    "task_kind": TaskKind,
    "penalty_status": PenaltyStatus,
    "agenda_status": AgendaStatus,
    "alert_kind": AlertKind,
    "alert_key": AlertKey,
    "responsibility": Responsibility,
    "root_cause_category": RootCauseCategory,
    "containment_place": Place,
    "disposition": Disposition,
    "capa_kind": CapaKind,
    "discipline_status": DisciplineStatus,
    "compensation_kind": CompensationKind,
    "compensation_status": CompensationStatus,
    "script_situation": Situation,
    "message_channel": MessageChannel,
    "link_kind": LinkKind,
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
    "create": pgettext_lazy("event", "Recorded"),
    "reassign": pgettext_lazy("event", "Re-assigned"),
    "attachment_added": pgettext_lazy("event", "Evidence added"),
    "reveal_contact": pgettext_lazy("event", "Full contact details viewed"),
    "customer_updated": pgettext_lazy("event", "Customer record updated"),
    "sla_breach": pgettext_lazy("event", "Deadline missed"),
    "task_added": pgettext_lazy("event", "Task added"),
    "task_updated": pgettext_lazy("event", "Task updated"),
    "major_reported": pgettext_lazy("event", "Reported to leadership"),
    "revisit": pgettext_lazy("event", "Revisit call"),
    "gm_decision": pgettext_lazy("event", "GM meeting decision"),
    "agenda_settled": pgettext_lazy("event", "Off the GM meeting agenda"),
    "alert_opened": pgettext_lazy("event", "Early warning raised"),
    "alert_joined": pgettext_lazy("event", "Joined an early warning"),
    "alert_acknowledged": pgettext_lazy("event", "Early warning acknowledged"),
    "alert_closed": pgettext_lazy("event", "Early warning closed"),
    "case_marked": pgettext_lazy("event", "Marked as a case"),
    "case_updated": pgettext_lazy("event", "Case updated"),
    "message_sent": pgettext_lazy("event", "Sent to the customer (automatic)"),
    "customer_message": pgettext_lazy("event", "Message from the customer"),
    "investigation_saved": pgettext_lazy("event", "Investigation saved"),
    "containment_added": pgettext_lazy("event", "Containment recorded"),
    "8d_updated": pgettext_lazy("event", "8D discipline saved"),
    "8d_revision": pgettext_lazy("event", "8D report frozen as sent"),
    "capa_created": pgettext_lazy("event", "Corrective action added"),
    "capa_done": pgettext_lazy("event", "Corrective action done"),
    "capa_verified": pgettext_lazy("event", "Corrective action verified"),
    "capa_breach": pgettext_lazy("event", "Corrective action overdue"),
    "imported": pgettext_lazy("event", "Imported from an old record"),
    "letter_sent": pgettext_lazy("event", "Reply letter sent"),
    "service_created": pgettext_lazy("event", "Service order created"),
    "service_schedule": pgettext_lazy("event", "Service appointment agreed"),
    "service_dispatch": pgettext_lazy("event", "Technician dispatched"),
    "service_quote": pgettext_lazy("event", "Service quote made"),
    "service_confirm_quote": pgettext_lazy("event", "Service quote confirmed by the customer"),
    "service_arrive": pgettext_lazy("event", "Technician on site"),
    "service_receive": pgettext_lazy("event", "Goods taken back for repair"),
    "service_repair": pgettext_lazy("event", "Repair finished"),
    "service_check": pgettext_lazy("event", "Repair quality-checked"),
    "service_complete": pgettext_lazy("event", "Service completed, signed by the customer"),
    "service_evaluate": pgettext_lazy("event", "Service evaluated by the customer"),
    "service_cancel": pgettext_lazy("event", "Service order cancelled"),
    "service_photo": pgettext_lazy("event", "Photo of the repair added"),
    "service_clock_breached": pgettext_lazy("event", "Service deadline missed"),
    "service_bad_evaluation": pgettext_lazy("event", "Raised by a bad service evaluation"),
    "compensation_requested": pgettext_lazy("event", "Compensation requested"),
    "compensation_approved": pgettext_lazy("event", "Compensation approved"),
    "compensation_rejected": pgettext_lazy("event", "Compensation rejected"),
    "compensation_paid": pgettext_lazy("event", "Compensation paid"),
    "compensation_shipped": pgettext_lazy("event", "Compensation goods shipped"),
    "compensation_done": pgettext_lazy("event", "Compensation given"),
    "compensation_overdue": pgettext_lazy("event", "Compensation overdue"),
    "compensation_cancelled": pgettext_lazy("event", "Compensation cancelled"),
    "follower_added": pgettext_lazy("event", "Follower added"),
    "follower_removed": pgettext_lazy("event", "Follower removed"),
    "script_used": pgettext_lazy("event", "Script used in the reply"),
    "macro_run": pgettext_lazy("event", "Macro applied"),
    "merge": pgettext_lazy("event", "Merged into another complaint"),
    "merged_in": pgettext_lazy("event", "A duplicate was merged in"),
    "merged_message": pgettext_lazy("event", "Message from a merged complaint"),
    "link": pgettext_lazy("event", "Linked with another complaint"),
    "unlink": pgettext_lazy("event", "Link removed"),
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
    "task_added": "bi-list-check",
    "task_updated": "bi-check2-square",
    "major_reported": "bi-megaphone",
    "revisit": "bi-telephone",
    "gm_decision": "bi-bank",
    "agenda_settled": "bi-bank",
    "alert_opened": "bi-exclamation-triangle",
    "alert_joined": "bi-exclamation-triangle",
    "alert_acknowledged": "bi-eye",
    "alert_closed": "bi-check2-circle",
    "case_marked": "bi-journal-bookmark",
    "case_updated": "bi-journal-text",
    "message_sent": "bi-send-arrow-up",
    "customer_message": "bi-chat-left-quote",
    "investigation_saved": "bi-search",
    "containment_added": "bi-box2",
    "8d_updated": "bi-list-ol",
    "8d_revision": "bi-snow",
    "capa_created": "bi-tools",
    "capa_done": "bi-check2-square",
    "capa_verified": "bi-patch-check",
    "capa_breach": "bi-alarm",
    "imported": "bi-file-earmark-arrow-up",
    "letter_sent": "bi-envelope-paper",
    "service_created": "bi-wrench-adjustable",
    "service_schedule": "bi-calendar-check",
    "service_dispatch": "bi-person-gear",
    "service_quote": "bi-receipt",
    "service_confirm_quote": "bi-hand-thumbs-up",
    "service_arrive": "bi-geo-alt",
    "service_receive": "bi-box-arrow-in-down",
    "service_repair": "bi-tools",
    "service_check": "bi-patch-check",
    "service_complete": "bi-pen",
    "service_evaluate": "bi-star",
    "service_cancel": "bi-x-circle",
    "service_photo": "bi-camera",
    "service_clock_breached": "bi-alarm",
    "service_bad_evaluation": "bi-emoji-frown",
    "compensation_requested": "bi-cash-coin",
    "compensation_approved": "bi-check2-circle",
    "compensation_rejected": "bi-x-circle",
    "compensation_paid": "bi-cash-stack",
    "compensation_shipped": "bi-truck",
    "compensation_done": "bi-gift",
    "compensation_overdue": "bi-alarm",
    "compensation_cancelled": "bi-slash-circle",
    "follower_added": "bi-person-plus",
    "follower_removed": "bi-person-dash",
    "script_used": "bi-chat-square-quote",
    "macro_run": "bi-magic",
    "merge": "bi-union",
    "merged_in": "bi-union",
    "merged_message": "bi-chat-left-dots",
    "link": "bi-link-45deg",
    "unlink": "bi-x-circle",
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
    "owner": (gettext_lazy("Owner"), "user"),
    "department": (gettext_lazy("Department"), "department"),
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
    "title": (gettext_lazy("Title"), "plain"),
    "decision": (gettext_lazy("Decision"), "text"),
    "meeting_on": (gettext_lazy("Meeting date"), "plain"),
    "result": (gettext_lazy("Result"), "text"),
    "satisfaction": (gettext_lazy("Satisfaction"), "satisfaction"),
    "status": (gettext_lazy("Status"), "revisit_status"),
    "revisit": (gettext_lazy("Revisit scheduled"), "revisit"),
    "notified": (gettext_lazy("Told at once"), "user_list"),
    "onsite_team": (gettext_lazy("On-site team"), "list"),
    "collaborators": (gettext_lazy("Collaborating departments"), "department_list"),
    "by": (gettext_lazy("By"), "by"),
    "alert": (gettext_lazy("Early warning"), "alert"),
    "key_field": (gettext_lazy("Grouped by"), "alert_key"),
    "product_code": (gettext_lazy("Product code"), "plain"),
    "batch_no": (gettext_lazy("Batch / lot no."), "plain"),
    "customer": (gettext_lazy("Customer"), "plain"),
    # What a new complaint filled in on the customer's record (customer_updated; contacts are stored as "***").
    "phone": (gettext_lazy("Phone"), "plain"),
    "email": (gettext_lazy("E-mail"), "plain"),
    "id_number": (gettext_lazy("ID number"), "plain"),
    "external_id": (gettext_lazy("Customer id"), "plain"),
    "company": (gettext_lazy("Company"), "plain"),
    "relationship": (gettext_lazy("Customer relationship"), "relationship"),
    "complaints": (gettext_lazy("Complaints"), "list"),
    "count": (gettext_lazy("Complaints in the group"), "plain"),
    "case": (gettext_lazy("Case"), "case"),
    "tags": (gettext_lazy("Tags"), "list"),
    "via": (gettext_lazy("Came by"), "plain"),
    "template": (gettext_lazy("Message template"), "plain"),
    "subject": (gettext_lazy("Subject"), "plain"),
    "refused_files": (gettext_lazy("Files refused"), "plain"),
    "refers_to": (gettext_lazy("Refers to complaint"), "plain"),
    "external_event_id": (gettext_lazy("Their event id"), "plain"),
    "file": (gettext_lazy("Imported from"), "plain"),
    "row": (gettext_lazy("Row"), "plain"),
    "legacy_number": (gettext_lazy("Old number"), "plain"),
    "into": (gettext_lazy("Merged into"), "plain"),
    "from": (gettext_lazy("From complaint"), "plain"),
    "to": (gettext_lazy("Linked to"), "plain"),
    "original_at": (gettext_lazy("First written at"), "datetime"),
    "original_action": (gettext_lazy("Was"), "event_action"),
    "messages": (gettext_lazy("Messages copied"), "plain"),
    "files": (gettext_lazy("Evidence copied"), "plain"),
    "earlier_deadlines": (gettext_lazy("Earlier deadlines kept"), "deadlines"),
    "follower_name": (gettext_lazy("Follower"), "plain"),
    "mentions": (gettext_lazy("Mentioned"), "list"),
}
HIDDEN_DATA = {
    "follower",
    "internal",
    "attachment",
    "attachments",
    "content_type",
    "deadline",
    "clock",
    "task",
    "campaign",
    "owner_choice",
    "message_id",
    "form",
    "language",
    "run",
    "script_id",
    "macro_id",
    "message_event",
}
COMPENSATION_EVENTS = (
    "compensation_requested",
    "compensation_approved",
    "compensation_rejected",
    "compensation_paid",
    "compensation_shipped",
    "compensation_done",
    "compensation_overdue",
    "compensation_cancelled",
)
COMPENSATION_DATA: dict[str, tuple[Any, str]] = {
    "compensation": (gettext_lazy("Compensation"), "compensation"),
    "kind": (gettext_lazy("Kind"), "compensation_kind"),
    "amount": (gettext_lazy("Amount (CNY)"), "money"),
    "approver_role": (gettext_lazy("Approved by role"), "role"),
    "status": (gettext_lazy("Status"), "compensation_status"),
    "was": (gettext_lazy("Status before"), "compensation_status"),
    "confirmed": (gettext_lazy("Amount confirmed despite"), "list"),
    "stage": (gettext_lazy("Overdue step"), "compensation_stage"),
    "reference": (gettext_lazy("Reference"), "plain"),
}
COMPENSATION_STAGES = {
    "decision": pgettext_lazy("compensation", "the decision"),
    "execution": pgettext_lazy("compensation", "the execution"),
}
# Keys whose meaning depends on the action.
ACTION_DATA_FIELDS: dict[tuple[str, str], tuple[Any, str]] = {
    ("sla_breach", "name"): (gettext_lazy("Clock"), "clock_name"),
    ("message_sent", "sent_to"): (gettext_lazy("Sent to"), "plain"),
    ("letter_sent", "sent_to"): (gettext_lazy("Sent to"), "plain"),
    ("script_used", "script"): (gettext_lazy("Script"), "plain"),
    ("script_used", "situation"): (gettext_lazy("Situation"), "script_situation"),
    ("script_used", "channel"): (gettext_lazy("Sent by"), "message_channel"),
    ("macro_run", "macro"): (gettext_lazy("Macro"), "plain"),
    ("macro_run", "steps"): (gettext_lazy("Steps"), "plain"),
    ("link", "kind"): (gettext_lazy("Kind of link"), "link_kind"),
    ("unlink", "kind"): (gettext_lazy("Kind of link"), "link_kind"),
    ("merged_message", "text"): (gettext_lazy("Message"), "text"),
    ("merged_in", "description"): (gettext_lazy("Description"), "text"),
    ("message_sent", "text"): (gettext_lazy("Message"), "text"),
    ("customer_message", "text"): (gettext_lazy("Message"), "text"),
    **{
        (action, "kind"): (gettext_lazy("Kind of warning"), "alert_kind")
        for action in ("alert_opened", "alert_joined", "alert_acknowledged", "alert_closed")
    },
    # The investigation, containment, 8D and CAPA events (kesu.quality.actions).
    ("investigation_saved", "responsibility"): (gettext_lazy("Responsibility"), "responsibility"),
    ("investigation_saved", "root_cause_category"): (gettext_lazy("Root cause category"), "root_cause_category"),
    ("investigation_saved", "root_cause"): (gettext_lazy("Root cause"), "text"),
    ("investigation_saved", "partner"): (gettext_lazy("Partner"), "plain"),
    ("containment_added", "place"): (pgettext_lazy("containment", "Place"), "containment_place"),
    ("containment_added", "checked"): (gettext_lazy("Checked"), "plain"),
    ("containment_added", "suspect"): (gettext_lazy("Suspect"), "plain"),
    ("containment_added", "bad"): (gettext_lazy("Bad"), "plain"),
    ("containment_added", "action"): (gettext_lazy("Action taken"), "text"),
    ("containment_added", "disposition"): (gettext_lazy("Disposition"), "disposition"),
    ("8d_updated", "discipline"): (pgettext_lazy("8D", "Discipline"), "plain"),
    ("8d_updated", "status"): (gettext_lazy("Status"), "discipline_status"),
    ("8d_revision", "revision"): (pgettext_lazy("8D", "Revision"), "plain"),
    **{
        (action, "capa"): (gettext_lazy("Corrective action"), "plain")
        for action in ("capa_created", "capa_done", "capa_verified", "capa_breach")
    },
    ("capa_created", "kind"): (gettext_lazy("Kind"), "capa_kind"),
    ("capa_created", "text"): (gettext_lazy("Action"), "text"),
    ("capa_done", "evidence"): (gettext_lazy("Evidence"), "text"),
    ("capa_verified", "method"): (gettext_lazy("Method"), "text"),
    ("capa_verified", "effective"): (gettext_lazy("Effective"), "bool"),
    # Compensation (kesu.solutions.actions and its sweep): amount in yuan, kind, who approves, the reference.
    **{(action, key): spec for action in COMPENSATION_EVENTS for key, spec in COMPENSATION_DATA.items()},
    ("compensation_paid", "reference"): (gettext_lazy("Payment reference"), "plain"),
    ("compensation_shipped", "reference"): (gettext_lazy("Waybill no."), "plain"),
    ("propose_solution", "compensation"): (gettext_lazy("Compensation"), "compensation"),
    ("propose_solution", "compensation_kind"): (gettext_lazy("Compensation kind"), "compensation_kind"),
}
TRIGGERS = {
    "manual": pgettext_lazy("escalation trigger", "by hand"),
    "sla_breach": pgettext_lazy("escalation trigger", "deadline missed"),
    "dissatisfied": pgettext_lazy("escalation trigger", "customer dissatisfied"),
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


# What each risk the text analyser finds means, in the reader's language (its own reasons are English notes).
RISK_LABELS = {
    "regulator": pgettext_lazy("risk", "mentions a regulator or the 12315 complaint hotline"),
    "media": pgettext_lazy("risk", "threatens to go to the media or public"),
    "legal": pgettext_lazy("risk", "mentions lawyers, courts or the police"),
    "injury": pgettext_lazy("risk", "someone was hurt or needed medical care"),
    "food_safety": pgettext_lazy("risk", "food made someone ill"),
    "foreign_body": pgettext_lazy("risk", "foreign body in food"),
    "spoiled": pgettext_lazy("risk", "spoiled or expired food"),
    "fire": pgettext_lazy("risk", "fire, smoke, burning or explosion"),
    "electric_shock": pgettext_lazy("risk", "electric leakage or shock"),
    "breakage": pgettext_lazy("risk", "product broke while in use"),
    "failure_in_use": pgettext_lazy("risk", "product failed dangerously while in use"),
    "line_stop": pgettext_lazy("risk", "customer's production line stopped"),
    "batch": pgettext_lazy("risk", "batch problem, many units or stores affected"),
    "repeat": pgettext_lazy("risk", "complained before about the same thing"),
    "churn": pgettext_lazy("risk", "may stop buying or end the cooperation"),
    "emotional": pgettext_lazy("risk", "strong emotion"),
}


def risk_label(code: str, fallback: str = "") -> str:
    label = RISK_LABELS.get(code)
    return str(label) if label else fallback or code


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
        if isinstance(risk, dict) and risk.get("family") in RISK_FAMILIES:
            parts.append(f"{RISK_FAMILIES[risk['family']]} “{risk.get('evidence', '')}”")
        elif isinstance(risk, dict) and risk.get("risk"):
            parts.append(f"{risk_label(risk['risk'], risk.get('reason', ''))} “{risk.get('term', '')}”")
    return "; ".join(parts)


def format_value(value: Any, kind: str, names: dict[str, str] | None = None) -> str:
    if kind == "event_action":
        return event_label(str(value))
    if kind == "link_kind":
        return choice_label(value, "link_kind")
    if kind == "deadlines" and isinstance(value, list):
        return "; ".join(
            f"{d.get('clock', '')} {format_datetime(d.get('due_at'))}" for d in value if isinstance(d, dict)
        )
    if kind == "alert_kind":
        return choice_label(value, "alert_kind")
    if kind == "alert_key":
        return choice_label(value, "alert_key")
    if kind in ("alert", "case") and isinstance(value, int) and not isinstance(value, bool):
        # The alert's (the case's) own page; it checks who may open it.
        url = reverse("web:alert" if kind == "alert" else "web:case", args=[value])
        return format_html('<a href="{}">#{}</a>', url, value)
    if kind == "suggestion":
        return _suggestion(value, names or {}) if isinstance(value, dict) else str(value)
    if kind == "trigger":
        return str(TRIGGERS.get(value, value))
    if kind == "compensation":
        return f"#{value}"
    if kind == "money":
        return _("%(amount)s yuan") % {"amount": value}
    if kind == "compensation_stage":
        return str(COMPENSATION_STAGES.get(value, value))
    if kind == "revisit_status":
        return choice_label(value, "revisit_status")
    if kind == "revisit" and isinstance(value, dict):
        due = format_datetime(value["due_at"]) if value.get("due_at") else ""
        person = value.get("assigned_to")
        person = (names or {}).get(f"user:{person}", person) if person else person
        return " · ".join(str(v) for v in (due, person) if v)
    if kind in ("user_list", "department_list"):
        prefix = "user:" if kind == "user_list" else "dept:"
        items = value if isinstance(value, list) else [value]
        return "、".join(str((names or {}).get(f"{prefix}{v}", v)) for v in items if v not in (None, ""))
    if kind == "by":
        return _("the customer (rating link)") if value == "customer" else str(value)
    if kind == "list":
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "flags":
        return ", ".join(choice_label(v, "flag") for v in value) if isinstance(value, list) else str(value)
    if isinstance(value, list) and len(value) == 2 and kind not in ("text",):
        return f"{format_value(value[0], kind, names)} → {format_value(value[1], kind, names)}"
    if value is None or value == "":
        return "—"
    if kind == "user":
        return str((names or {}).get(f"user:{value}", value))
    if kind == "department":
        return str((names or {}).get(f"dept:{value}", value))
    if kind == "clock_name":
        return str((names or {}).get(f"clock:{value}", value))
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


# "status" appears in changes only on task updates.
CHANGE_KINDS = {
    "severity": "severity",
    "priority": "priority",
    "level": "level",
    "justified": "bool",
    "status": "task_status",
    "owner": "user",
    "department": "department",
    "flags": "flags",
    "relationship": "relationship",
}


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
        if key == "title" and action in ("task_added", "task_updated"):
            value = names.get(f"task:{data.get('task')}", value)
        if kind == "changes" and isinstance(value, dict):
            for field, change in value.items():
                if field == "type_code" and isinstance(change, list):
                    change = [names.get(v, v) for v in change]
                field_label, _kind = DATA_FIELDS.get(field, (field.replace("_", " ").capitalize(), "plain"))
                rows.append((str(field_label), format_value(change, CHANGE_KINDS.get(field, "plain"), names), False))
            continue
        if value in (None, "", [], {}) and kind != "bool":
            continue
        shown = format_value(value, kind, names)
        if not shown and key == "suggested":
            shown = "—"  # nothing was suggested: worth saying next to what was confirmed
        if shown:
            rows.append((str(label), shown, kind == "text"))
    return rows


# ---------------------------------------------------------------------------------------------
# SLA clocks: how much time is left, in words and in a colour

# A running clock turns amber when less than this share of its time, or less than an hour, is left.
AMBER_SHARE = 0.25
AMBER_SECONDS = 3600


def duration_words(seconds: float) -> str:
    """3 d 4 h · 2 h 15 min · 25 min · less than a minute."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s min") % {"m": minutes}
    return _("less than a minute")


def due_tone(due: dt.datetime | None, now: dt.datetime, *, started: dt.datetime | None = None) -> str:
    """ok (green), soon (amber: < 25% of its time or < 1 h left), overdue (red); "" without a deadline."""
    if due is None:
        return ""
    left = (due - now).total_seconds()
    if left <= 0:
        return "overdue"
    total = (due - started).total_seconds() if started else 0
    if left < AMBER_SECONDS or (total > 0 and left < total * AMBER_SHARE):
        return "soon"
    return "ok"


def due_words(due: dt.datetime | None, now: dt.datetime) -> str:
    if due is None:
        return ""
    left = (due - now).total_seconds()
    if left <= 0:
        return _("overdue by %(time)s") % {"time": duration_words(left)}
    return _("%(time)s left") % {"time": duration_words(left)}


CLOCK_STATES = {
    "running": pgettext_lazy("clock", "Running"),
    "soon": pgettext_lazy("clock", "Due soon"),
    "overdue": pgettext_lazy("clock", "Overdue"),
    "met": pgettext_lazy("clock", "Met"),
    "met_late": pgettext_lazy("clock", "Met late"),
    "paused": pgettext_lazy("clock", "Paused"),
    "stopped": pgettext_lazy("clock", "Stopped"),
}
# state → the colour of its badge and text (kesu.css: .clock-ok, .clock-soon, .clock-overdue, .clock-idle)
CLOCK_TONES = {
    "running": "ok",
    "soon": "soon",
    "overdue": "overdue",
    "met": "ok",
    "met_late": "overdue",
    "paused": "idle",
    "stopped": "idle",
}


def clock_rows(deadlines: list, now: dt.datetime) -> list[dict[str, Any]]:
    """One row per clock of the SLA panel: name, due time, state, colour and the time left in words.

    A clock re-timed by a re-classification (routine 48 h → urgent 1 h) is shown once, as it runs now.
    """
    superseded = set()
    latest: dict[tuple[str, int], Any] = {}
    for d in sorted(deadlines, key=lambda d: d.id):
        key = (d.clock, d.round)
        earlier = latest.get(key)
        if earlier is not None and earlier.cancelled_at is not None and earlier.started_at == d.started_at:
            superseded.add(earlier.id)
        latest[key] = d
    rows = []
    for d in deadlines:
        if d.id in superseded:
            continue
        name = (d.definition.display_name if d.definition_id and d.definition else "") or d.clock
        if d.met_at is not None:
            state = "met_late" if d.breached_at or d.met_at > d.due_at else "met"
            words = _("met %(when)s") % {"when": format_datetime(d.met_at)}
        elif d.cancelled_at is not None:
            state, words = "stopped", _("stopped %(when)s") % {"when": format_datetime(d.cancelled_at)}
        elif d.paused_at is not None:
            state = "paused"
            words = _("paused with %(time)s left") % {"time": duration_words((d.due_at - d.paused_at).total_seconds())}
        else:
            tone = due_tone(d.due_at, now, started=d.started_at)
            state = "overdue" if tone == "overdue" or d.breached_at else ("soon" if tone == "soon" else "running")
            words = due_words(d.due_at, now)
        rows.append(
            {
                "deadline": d,
                "name": name,
                "due_at": d.due_at,
                "started_at": d.started_at,
                "state": state,
                "state_label": str(CLOCK_STATES[state]),
                "tone": CLOCK_TONES[state],
                "words": words,
                "breached": d.breached_at is not None,
                "round": d.round,
            }
        )
    return rows


def nearest_started(complaint) -> dt.datetime | None:
    """When the clock behind `next_due_at` started, from prefetched deadlines (no query of its own)."""
    if complaint.next_due_at is None:
        return None
    cache = getattr(complaint, "_prefetched_objects_cache", {}).get("deadlines")
    if cache is None:
        return None
    for d in cache:
        if d.due_at == complaint.next_due_at and d.met_at is None and d.cancelled_at is None and d.paused_at is None:
            return d.started_at
    return None


# ---------------------------------------------------------------------------------------------
# Rules and the intake suggestion

RESULT_KINDS = {"severity": "severity", "priority": "priority", "level": "level", "flags": "flags"}
RESULT_LABELS = {
    "severity": gettext_lazy("Severity"),
    "priority": gettext_lazy("Priority"),
    "level": gettext_lazy("Level"),
    "flags": gettext_lazy("Flags"),
}


def timeline_names(events: Any) -> dict[str, str]:
    """Display names of the people and departments the events' data names by username or code, read in two
    queries for the whole timeline: {"user:quality2": "王工", "dept:QA": "质量部"} (merged into type_names)."""
    from kesu.accounts.models import Department, User

    usernames: set[str] = set()
    codes: set[str] = set()
    clocks: set[str] = set()
    tasks: set[int] = set()

    def collect(key: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str) and v:
                (usernames if key in ("owner", "notified", "assigned_to", "by") else codes).add(v)

    for event in events:
        data = getattr(event, "data", None) or {}
        action = getattr(event, "action", "")
        if action == "sla_breach" and isinstance(data.get("name"), str):
            clocks.add(data["name"])
        if action in ("task_added", "task_updated") and isinstance(data.get("task"), int):
            tasks.add(data["task"])
        for key, value in data.items():
            if key in ("owner", "notified", "department", "collaborators"):
                collect(key, value)
            elif key == "changes" and isinstance(value, dict):
                for field in ("owner", "department"):
                    if field in value:
                        collect(field, value[field])
            elif key == "revisit" and isinstance(value, dict) and value.get("assigned_to"):
                collect("assigned_to", value["assigned_to"])
    names: dict[str, str] = {}
    if usernames:
        for user in User.objects.filter(username__in=usernames):
            names[f"user:{user.username}"] = str(user)
    if codes:
        for code, name in names_by_code(Department.objects.filter(code__in=codes)).items():
            names[f"dept:{code}"] = name
    # The names of clocks and generated task titles the events keep in the organisation's language: an English
    # reader reads them in English (a query each, only then).
    if reader_wants_english():
        from kesu.routing.models import Task
        from kesu.sla.models import ClockDefinition

        if clocks:
            for name, name_en in (
                ClockDefinition.objects.filter(name__in=clocks).exclude(name_en="").values_list("name", "name_en")
            ):
                names[f"clock:{name}"] = name_en
        if tasks:
            for task in Task.objects.filter(id__in=tasks).only("id", "title", "text"):
                names[f"task:{task.id}"] = task.display_title
    return names


# The rules' evidence in a reason: "存在媒体曝光/舆情风险(media)" → the flag's name, not its code.
_REASON_EVIDENCE = re.compile(r"\(([^()]*)\)\s*$")


def rules_by_code(ruleset_id: int | None, codes: list[str]) -> dict[str, Any]:
    """The rules of a rule-set version by code (one query). A rule of an older version, stored before rules had
    English names, borrows them from a later version of the same rule (one more query, only then)."""
    from kesu.rules.models import Rule

    if not ruleset_id:
        return {}
    rules = {r.code: r for r in Rule.objects.filter(ruleset_id=ruleset_id, code__in=[c for c in codes if c])}
    bare = [r for r in rules.values() if not r.name_en]
    if bare and reader_wants_english():
        later = {}
        for r in (
            Rule.objects.filter(code__in=[r.code for r in bare], ruleset__playbook__rulesets__id=ruleset_id)
            .exclude(name_en="")
            .order_by("-ruleset__version")
        ):
            later.setdefault((r.code, r.name), r)
        for r in bare:
            newer = later.get((r.code, r.name))
            if newer is not None:
                r.name_en = newer.name_en
                r.reason_en = r.reason_en or (newer.reason_en if newer.reason == r.reason else "")
    return rules


def _english_reasons() -> dict[str, str]:
    from kesu.rules.models import Rule

    return dict(Rule.objects.exclude(reason="").exclude(reason_en="").values_list("reason", "reason_en"))


def rule_reason(reason: str, rule: Any = None) -> str:
    """A rule's reason in the reader's language (its English when the rule has one), the flag codes of its
    evidence shown by their names: "存在媒体曝光/舆情风险(media)" → "Risk of media exposure or public outcry(Media)"."""
    if not reason:
        return ""
    match = _REASON_EVIDENCE.search(reason)
    stem = reason[: match.start()] if match else reason
    if reader_wants_english():
        english = (rule.reason_en if rule is not None and rule.reason == stem else "") or cached(
            "rules.english_reasons", _english_reasons
        ).get(stem, "")
        stem = english or stem
    if not match:
        return stem
    items = [part.strip() for part in re.split("[、,]", match.group(1))]
    shown = [choice_label(item, "flag") if item in Flag.values else item for item in items]
    return f"{stem}({'、'.join(shown)})"


def rule_result(result: Any) -> str:
    """{"priority": "urgent", "flags": ["safety"]} → "Priority: Urgent; Flags: Personal safety"."""
    if not isinstance(result, dict):
        return str(result or "")
    parts = []
    for key, value in result.items():
        label = RESULT_LABELS.get(key, key.replace("_", " ").capitalize())
        parts.append(f"{label}: {format_value(value, RESULT_KINDS.get(key, 'plain'))}")
    return "; ".join(parts)


def type_reason(reason: str, type_name: str) -> str:
    """The analyser notes "about <type>: <words>" in English; show the words under the type's own name."""
    words = reason.split(": ", 1)[1] if ": " in reason else reason
    if not words:
        return ""
    return _("words about %(type)s: %(words)s") % {"type": type_name, "words": words} if type_name else words


def suggestion_rows(complaint, type_names: dict[str, str]) -> list[dict[str, Any]]:
    """Current value and suggested value, side by side, for type, severity, priority and level."""
    s = complaint.suggestion or {}
    if not s:
        return []
    current = {
        "type_code": complaint.type_code,
        "severity": complaint.severity,
        "priority": complaint.priority,
        "level": complaint.level,
    }
    labels = {
        "type_code": _("Type"),
        "severity": _("Severity"),
        "priority": _("Priority"),
        "level": _("Level"),
    }
    rows = []
    for key, label in labels.items():
        suggested = s.get(key)
        if suggested in (None, ""):
            continue

        def shown(value, key=key):
            if value in (None, ""):
                return "—"
            return type_names.get(value, value) if key == "type_code" else choice_label(value, key)

        rows.append(
            {
                "key": key,
                "label": label,
                "current": shown(current[key]),
                "suggested": shown(suggested),
                "same": str(current[key] or "") == str(suggested),
                "reason": type_reason(s.get("type_reason", ""), type_names.get(suggested, ""))
                if key == "type_code"
                else rule_reason((s.get("reasons") or {}).get(key, "")),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The triage suggestion (API.md "Triage suggestion"): type with its confidence, runners-up, risk families,
# and the customer's words that are the evidence, marked in the text.

# The contract's risk families, as a supervisor names them.
RISK_FAMILIES = {
    "regulator": pgettext_lazy("risk family", "Regulator complaint"),
    "media": pgettext_lazy("risk family", "Media exposure"),
    "legal": pgettext_lazy("risk family", "Legal risk"),
    "injury": pgettext_lazy("risk family", "Personal injury"),
    "food_safety": pgettext_lazy("risk family", "Food safety"),
    "safety_hazard": pgettext_lazy("risk family", "Safety hazard"),
}
# Below this a type suggestion is shown as low confidence, when the suggestion does not say so itself.
LOW_CONFIDENCE = 0.5


def percent(value: Any) -> str:
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""


def _confidence(value: Any) -> float | None:
    try:
        return max(0.0, min(1.0, float(value)))
    except (TypeError, ValueError):
        return None


def _type_words(s: dict[str, Any]) -> list[str]:
    """The words that decided the type: `type_evidence`, or the words of an older `type_reason` ("about …: a、b")."""
    words = s.get("type_evidence")
    if isinstance(words, list):
        return [str(w) for w in words if w]
    reason = s.get("type_reason") or ""
    return [w for w in reason.split(": ", 1)[1].split("、") if w] if ": " in reason else []


def _risk_entry(risk: dict[str, Any]) -> dict[str, Any] | None:
    """One risk of either shape: the contract's {family, evidence, confidence} or the older {risk, term, reason}."""
    code = risk.get("risk") or ""
    family = risk.get("family") or (family_of(code) if code else None) or ""
    evidence = risk.get("evidence") or risk.get("term") or ""
    if not family and not code:
        return None
    confidence = _confidence(risk.get("confidence"))
    detail = risk_label(code, risk.get("reason", "")) if code else ""
    return {
        "family": family,
        "risk": code,
        "label": str(RISK_FAMILIES[family]) if family in RISK_FAMILIES else detail or family,
        "detail": detail if family in RISK_FAMILIES else "",
        "evidence": evidence,
        "confidence": confidence,
        "confidence_pct": percent(confidence) if confidence is not None else "",
    }


def triage_view(suggestion: dict[str, Any] | None, type_names: dict[str, str]) -> dict[str, Any]:
    """The suggestion as a page shows it, from the contract's shape or the older one (type_reason, risk/term).

    `low` is never left to the reader: the suggestion's own `low_confidence`, else a confidence under LOW_CONFIDENCE,
    else no type at all.
    """
    s = suggestion or {}
    code = s.get("type_code") or ""
    confidence = _confidence(s.get("type_confidence"))
    if "low_confidence" in s:
        low = bool(s["low_confidence"])
    else:
        low = not code or (confidence is not None and confidence < LOW_CONFIDENCE)
    alternatives = []
    for alt in s.get("alternatives") or []:
        if isinstance(alt, dict) and alt.get("type_code") and alt["type_code"] != code:
            conf = _confidence(alt.get("confidence"))
            alternatives.append(
                {
                    "type_code": alt["type_code"],
                    "name": type_names.get(alt["type_code"], alt["type_code"]),
                    "confidence": conf,
                    "confidence_pct": percent(conf) if conf is not None else "",
                }
            )
    # The contract's families first; then the analyser's other findings (`signals`: emotion, churn, batch …).
    found = [r for r in [*(s.get("risks") or []), *(s.get("signals") or [])] if isinstance(r, dict)]
    risks = [entry for r in found if (entry := _risk_entry(r))]
    type_words = _type_words(s)
    evidence = [
        {
            "words": r["evidence"],
            "kind": "risk" if r["family"] else "signal",
            "family": r["family"],
            "label": r["label"],
        }
        for r in risks
    ]
    name = type_names.get(code, code)
    evidence += [{"words": w, "kind": "type", "family": "", "label": name} for w in type_words]
    return {
        "shown": bool(code or risks),
        "type_code": code,
        "type_name": name,
        "confidence": confidence,
        "confidence_pct": percent(confidence) if confidence is not None else "",
        "confidence_number": round(confidence * 100) if confidence is not None else None,
        "low": low,
        "type_words": type_words,
        "alternatives": alternatives,
        "risks": risks,
        "evidence": [e for e in evidence if e["words"]],
    }


def mark_evidence(text: str, evidence: list[dict[str, Any]]) -> SafeString:
    """`text`, HTML-escaped, with every occurrence of the evidence words wrapped in <mark>.

    Words are found as the analyser finds them (traditional/full-width/case folded, same length), so offsets in the
    folded text are offsets in the original. Overlaps: the earlier, then the longer, occurrence wins.
    """
    if not text:
        return mark_safe("")
    folded = normalise(text)
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for item in evidence:
        needle = normalise(str(item.get("words") or ""))
        if not needle.strip():
            continue
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle), item))
            start = folded.find(needle, start + len(needle))
    spans.sort(key=lambda span: (span[0], span[0] - span[1]))
    out, pos = [], 0
    for start, end, item in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(
            format_html(
                '<mark class="evidence evidence-{}" data-family="{}" title="{}">{}</mark>',
                item["kind"],
                item.get("family", ""),
                item.get("label", ""),
                text[start:end],
            )
        )
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))
