"""What the customer sees of their complaint, in plain words: what is happening, what happens next, by when,
and the public messages. Never an internal event, never a staff member's user name, never another customer.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.actions import normalise_phone
from kesu.complaints.models import Complaint
from kesu.complaints.states import Status as S
from kesu.followup.services import rating_state
from kesu.sla.models import Deadline

# Each status in the customer's words: (what is happening, what happens next).
STATUS_WORDS: dict[str, tuple[Any, Any]] = {
    S.NEW: (
        _("We have received your complaint."),
        _("A customer service colleague will contact you."),
    ),
    S.ACKNOWLEDGED: (
        _("Customer service has been in touch and is looking into your complaint."),
        _("It will be passed to the team responsible."),
    ),
    S.TRIAGED: (
        _("Your complaint has been classified and is being passed to the team responsible."),
        _("The team responsible will look into it and propose a solution."),
    ),
    S.ASSIGNED: (
        _("The team responsible has taken on your complaint."),
        _("They will look into what happened and propose a solution."),
    ),
    S.INVESTIGATING: (
        _("We are looking into what happened."),
        _("We will propose a solution to you."),
    ),
    S.SOLUTION_PROPOSED: (
        _("We have proposed a solution and are waiting for your answer."),
        _("Please accept or reject the proposal."),
    ),
    S.RESOLVED: (
        _("Your complaint has been resolved."),
        _("Please tell us how satisfied you are with the handling."),
    ),
    S.CLOSED: (
        _("Your complaint is closed."),
        _("Nothing more is needed from you. If something is still wrong, write to us."),
    ),
    S.ARCHIVED: (
        _("Your complaint is closed."),
        _("If you have a new problem, please submit a new complaint."),
    ),
    S.REJECTED: (
        _("We have looked into your complaint and could not accept it."),
        _("Please read our reply. If you disagree, write to us."),
    ),
    S.REOPENED: (
        _("Your complaint has been reopened."),
        _("A customer service colleague will contact you again."),
    ),
    S.MERGED: (
        _("Your complaint is handled together with another one you made about the same matter."),
        _("Your messages and files were moved there; you will hear from us under that complaint."),
    ),
}
RATED_NEXT = _("Thank you for your rating. The complaint will be closed.")

# The step the customer waits for in each status: the clocks that stop on these actions give "by when".
NEXT_STOPS: dict[str, set[str]] = {
    S.NEW: {"acknowledge"},
    S.REOPENED: {"acknowledge"},
    S.ACKNOWLEDGED: {"propose_solution", "resolve"},
    S.TRIAGED: {"propose_solution", "resolve"},
    S.ASSIGNED: {"propose_solution", "resolve"},
    S.INVESTIGATING: {"propose_solution", "resolve"},
    S.SOLUTION_PROPOSED: {"resolve"},
}
FIRST_RESPONSE_STOPS = {"acknowledge"}

# Public events shown as the company's messages, and the data key holding the text.
COMPANY_TEXT = {
    "note": "text",
    "message_sent": "text",
    "propose_solution": "detail",
    "reject": "reply",
    "resolve": "summary",
}
COMPANY_PREFIX = {
    "propose_solution": _("Our proposal: "),
    "reject": _("Our reply: "),
    "resolve": _("Resolved: "),
}


def _running(deadlines) -> list[Deadline]:
    return [d for d in deadlines if d.met_at is None and d.cancelled_at is None and d.paused_at is None]


def due_for(complaint: Complaint, stops: set[str]) -> dt.datetime | None:
    """The earliest running deadline of the complaint that stops on one of these actions."""
    if not stops:
        return None
    rows = Deadline.objects.filter(
        complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).select_related("definition")
    due = [d.due_at for d in _running(rows) if d.definition is not None and stops & set(d.definition.stop_on or [])]
    return min(due) if due else None


def first_response_due(complaint: Complaint) -> dt.datetime | None:
    """When the customer can expect the first answer (the SLA clocks that stop on acknowledging)."""
    return due_for(complaint, FIRST_RESPONSE_STOPS)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def national_phone(value: str) -> str:
    """The phone as stored and compared: normalised, without China's country code (+86 / 0086)."""
    phone = normalise_phone(value or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix) and len(phone) - len(prefix) == 11:
            return phone[len(prefix) :]
    return phone


def find_for_customer(number: str, *, phone: str = "", email: str = "") -> Complaint | None:
    """The complaint with this number when the phone or e-mail is its customer's; None otherwise — a wrong
    number and a wrong contact are the same answer, and both compare the same way."""
    number = (number or "").strip().upper()[:32]
    phone = national_phone(phone)[:30]
    email = (email or "").strip().lower()[:254]
    complaint = Complaint.objects.select_related("customer").filter(number=number).first() if number else None
    customer = complaint.customer if complaint is not None else None
    stored_phone = national_phone(customer.phone if customer else "") or "\x00"
    stored_email = (customer.email if customer else "") or "\x00"
    matched = _same(phone or "\x01", stored_phone) | _same(email or "\x01", stored_email)
    return complaint if matched and complaint is not None else None


@dataclass
class CustomerView:
    number: str
    title: str
    status: str
    status_text: str
    next_step: str
    due_by: dt.datetime | None
    messages: list[dict[str, Any]] = field(default_factory=list)
    can_rate: bool = False
    can_respond: bool = False
    can_write: bool = True
    proposal: str = ""
    received_at: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "status_text": self.status_text,
            "next_step": self.next_step,
            "due_by": self.due_by.isoformat() if self.due_by else None,
            "messages": [{"at": m["at"].isoformat(), "from": m["from"], "text": m["text"]} for m in self.messages],
            "can_rate": self.can_rate,
        }


def _staff_name(event) -> str:
    actor = event.actor
    # A display name the staff member chose, never the sign-in name (some display names are just that).
    if actor is not None and actor.display_name and actor.display_name.strip().lower() != actor.username.lower():
        return actor.display_name
    return str(_("Customer service"))


def public_messages(complaint: Complaint) -> list[dict[str, Any]]:
    """The conversation as the customer may read it, oldest first."""
    wanted = [*COMPANY_TEXT, "customer_message", "customer_response"]
    rows = complaint.events.filter(action__in=wanted, internal=False).select_related("actor").order_by("at", "id")
    out: list[dict[str, Any]] = []
    for e in rows:
        data = e.data if isinstance(e.data, dict) else {}
        if e.action in COMPANY_TEXT:
            if e.action == "note" and data.get("internal", False) is not False:
                continue
            text = str(data.get(COMPANY_TEXT[e.action]) or "").strip()
            if not text:
                continue
            prefix = COMPANY_PREFIX.get(e.action)
            out.append(
                {"at": e.at, "from": "company", "by": _staff_name(e), "text": f"{prefix}{text}" if prefix else text}
            )
        elif e.action == "customer_message":
            text = str(data.get("text") or "").strip()
            files = len(data.get("attachments") or [])
            if files:
                text = (text + "\n" if text else "") + str(_("(%(n)s file(s) attached)") % {"n": files})
            if text:
                out.append({"at": e.at, "from": "customer", "by": "", "text": text})
        else:  # customer_response
            verdict = (
                _("I accept the proposed solution.")
                if data.get("accepted")
                else _("I do not accept the proposed solution.")
            )
            comment = str(data.get("comment") or "").strip()
            out.append({"at": e.at, "from": "customer", "by": "", "text": f"{verdict} {comment}".strip()})
    return out


def customer_summary(complaint: Complaint) -> str:
    """What the customer's pages call the complaint: its product or type and the day it came in — never the
    title staff wrote, which may say what the customer threatened or what staff think of it."""
    day = formats.date_format(timezone.localtime(complaint.received_at), "DATE_FORMAT") if complaint.received_at else ""
    subject = (complaint.product or "").strip()
    if not subject and complaint.category_id:
        subject = complaint.category.display_name
    if subject and day:
        return _("Your complaint about %(subject)s of %(day)s") % {"subject": subject, "day": day}
    if subject:
        return _("Your complaint about %(subject)s") % {"subject": subject}
    return _("Your complaint of %(day)s") % {"day": day} if day else _("Your complaint")


def customer_view(complaint: Complaint) -> CustomerView:
    status = complaint.status
    happening, next_step = STATUS_WORDS.get(status, STATUS_WORDS[S.NEW])
    can_rate = rating_state(complaint, complaint.round) == "open"
    if status == S.RESOLVED and complaint.satisfaction is not None:
        next_step = RATED_NEXT
    return CustomerView(
        number=complaint.number,
        title=customer_summary(complaint),
        status=status,
        status_text=str(happening),
        next_step=str(next_step),
        due_by=due_for(complaint, NEXT_STOPS.get(status, set())),
        messages=public_messages(complaint),
        can_rate=can_rate,
        can_respond=status == S.SOLUTION_PROPOSED and complaint.customer_accepted is None,
        can_write=status not in (S.ARCHIVED, S.MERGED),
        proposal=complaint.solution_detail if status == S.SOLUTION_PROPOSED else "",
        received_at=complaint.received_at,
    )
