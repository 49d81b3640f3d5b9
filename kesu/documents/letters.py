"""The reply letter to the customer (客户投诉回复函) and the brief complaint report (客户投诉简要报告, internal), as
PDF from the complaint's record (R-SOL-4), through the one PDF layer (kesu.documents.pdf).

Both follow the sections of the templates the complaint departments use: background, description, handling,
solution, compensation, closing. Chinese by default, English on request (`lang=en`). The letter is addressed to
the customer (their full name); the brief report is internal: the customer's phone and e-mail are masked, and
their name too for a reader who may not know who the customer is (kesu.complaints.access rules).

Sending the letter (`do_send_letter`) keeps the PDF on the complaint as an attachment with its date, e-mails it
to the customer through kesu.channels.outbound (with the PDF attached) and writes a public `letter_sent` event.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kesu.accounts.models import User
from kesu.complaints.access import access_complaint, customer_identified, mask_name
from kesu.complaints.models import Complaint, Event
from kesu.complaints.models.attachment import EvidenceSource
from kesu.complaints.models.customer import Relationship
from kesu.complaints.states import HANDLING
from kesu.core.errors import Forbidden, NotFound, ValidationFailed
from kesu.core.masking import mask_email, mask_phone

from .pdf import render_html, render_pdf

PDF = "application/pdf"
LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans", "en": "en"}

# kind → (template, file name stem, title as printed). The letter goes to the customer; the report stays inside.
KINDS: dict[str, tuple[str, str, Any]] = {
    "reply": ("letters/reply.html", "reply-letter", pgettext_lazy("letter", "Reply to your complaint")),
    "brief-report": ("letters/brief_report.html", "brief-report", pgettext_lazy("letter", "Brief complaint report")),
}
SENDABLE = {"reply"}

# The steps of the handling the documents tell, in plain words: (to the customer, in the internal report).
# Internal work (notes, routing details, clocks) is left out; a note counts only when it was written to the customer.
STEPS: dict[str, tuple[Any, Any]] = {
    "create": (
        gettext_lazy("We received your complaint."),
        gettext_lazy("The complaint was received and recorded."),
    ),
    "acknowledge": (
        gettext_lazy("Customer service contacted you and took on the complaint."),
        gettext_lazy("Customer service contacted the customer and took on the complaint."),
    ),
    "assign": (
        gettext_lazy("The complaint was passed to the team responsible."),
        gettext_lazy("The complaint was passed to the department responsible."),
    ),
    "start": (
        gettext_lazy("The team responsible looked into what happened."),
        gettext_lazy("The department responsible started the investigation."),
    ),
    "propose_solution": (
        gettext_lazy("We proposed a solution to you."),
        gettext_lazy("A solution was proposed to the customer."),
    ),
    "customer_response": (
        gettext_lazy("You told us your answer to the proposal."),
        gettext_lazy("The customer answered the proposal."),
    ),
    "resolve": (
        gettext_lazy("The solution was carried out and the complaint resolved."),
        gettext_lazy("The solution was carried out and the complaint resolved."),
    ),
    "note": (
        gettext_lazy("We wrote to you about the progress."),
        gettext_lazy("The customer was told about the progress."),
    ),
    "reopen": (
        gettext_lazy("The complaint was reopened to look at it again."),
        gettext_lazy("The complaint was reopened."),
    ),
    "close": (
        gettext_lazy("The complaint was closed."),
        gettext_lazy("The complaint was closed."),
    ),
    "letter_sent": (
        gettext_lazy("We sent you a reply letter."),
        gettext_lazy("A reply letter was sent to the customer."),
    ),
}
ACCEPTED = (gettext_lazy("You accepted the proposed solution."), gettext_lazy("The customer accepted the solution."))
DECLINED = (
    gettext_lazy("You did not accept the proposed solution."),
    gettext_lazy("The customer did not accept the solution."),
)


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str
    seconds: float = 0.0


def language_code(value: str | None) -> str:
    if not value:
        return "zh-hans"
    code = LANGUAGES.get(value.strip().lower())
    if code is None:
        raise ValidationFailed(_("Choose zh-hans or en."), field="lang")
    return code


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(_("There is no such letter."))
    return kind


def may_print(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in HANDLING)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return value


def _date(moment: dt.datetime | None, code: str) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if code == "en":
        return formats.date_format(local, "j F Y")
    return f"{local.year}年{local.month}月{local.day}日"


def _money(value: Decimal | None) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _data_uri(field) -> str:
    """An image field's file as a data: URI (documents load nothing from outside); empty when none or unreadable."""
    if not field:
        return ""
    try:
        with field.open("rb") as fh:
            content = fh.read()
    except (OSError, ValueError):
        return ""
    head = content[:16]
    if head.startswith(b"\x89PNG"):
        mime = "image/png"
    elif head.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    elif b"<svg" in content[:400]:
        mime = "image/svg+xml"
    else:
        return ""
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def organisation() -> dict[str, str]:
    from kesu.core.models import Organization

    org = Organization.objects.first()
    if org is None:
        return {"name": "", "short_name": "", "hotline": "", "email": "", "logo": "", "seal": "", "monogram": "K"}
    short = org.short_name or org.name
    return {
        "name": org.name,
        "short_name": short,
        "hotline": org.hotline,
        "email": org.complaints_email,
        # Images the administrator uploaded (Organization.logo / .seal, where the installation has them).
        "logo": _data_uri(getattr(org, "logo", None)),
        "seal": _data_uri(getattr(org, "seal", None)),
        "monogram": short[:1] or "K",
    }


def steps(complaint: Complaint, *, internal_report: bool, code: str) -> list[dict[str, str]]:
    """The handling as a list of dated steps in plain words, from the complaint's timeline (current round last)."""
    which = 1 if internal_report else 0
    rows = (
        complaint.events.filter(action__in=STEPS.keys())
        .order_by("at", "id")
        .values_list("action", "at", "data", "internal")
    )
    out: list[dict[str, str]] = []
    for action, at, data, internal in rows:
        data = data if isinstance(data, dict) else {}
        if action == "note" and internal:
            continue  # an internal note is nobody's business outside
        if action == "customer_response":
            text = str((ACCEPTED if data.get("accepted") else DECLINED)[which])
        else:
            text = str(STEPS[action][which])
        if out and out[-1]["text"] == text:
            continue  # the same step twice in a row (a solution revised) reads as one
        out.append({"date": _date(at, code), "text": text})
    return out


def _root_cause(complaint: Complaint) -> str:
    try:
        from kesu.quality.selectors import investigation_of
    except ImportError:  # the quality app is optional for the letters
        return ""
    inv = investigation_of(complaint)
    return (inv.root_cause or "") if inv is not None else ""


def context(complaint: Complaint, *, kind: str, user, code: str, now: dt.datetime) -> dict[str, Any]:
    """What the templates print, in the active language (`code`)."""
    internal_report = kind == "brief-report"
    customer = complaint.customer
    name = customer.name
    if internal_report and not customer_identified(user, customer):
        name = mask_name(name)
    org = organisation()
    product = " ".join(p for p in (complaint.product, complaint.product_model) if p)
    number_line = _("Complaint number: %(number)s") % {"number": complaint.number}
    return {
        "kind": kind,
        "organisation": org["name"],
        "org": org,
        "document_title": f"{KINDS[kind][2]} · {complaint.number}",
        "footer_note": number_line if not internal_report else _("Internal: not for the customer"),
        "number": complaint.number,
        "title": complaint.title,
        "customer_name": name,
        "customer_company": customer.company,
        "customer_phone": mask_phone(customer.phone) if internal_report else customer.phone,
        "customer_email": mask_email(customer.email) if internal_report else customer.email,
        "relationship": _label(Relationship, customer.relationship),
        "channel": complaint.get_channel_display(),
        "received_on": _date(complaint.received_at, code),
        "occurred_on": _date(complaint.occurred_at, code),
        "department": complaint.department.name if complaint.department_id else "",
        "category": complaint.category.display_name if complaint.category_id else "",
        "product": product,
        "product_code": complaint.product_code,
        "order_no": complaint.order_no,
        "batch_no": complaint.batch_no,
        "description": complaint.description,
        "demand": complaint.get_demand_display() if complaint.demand else "",
        "root_cause": _root_cause(complaint) if internal_report else "",
        "steps": steps(complaint, internal_report=internal_report, code=code),
        "solution_type": complaint.get_solution_type_display() if complaint.solution_type else "",
        "solution": complaint.solution_detail,
        "accepted": complaint.customer_accepted,
        "resolution": complaint.resolution_summary,
        # The compensation the complaint carries (its proposed amount, CNY).
        "compensation": _money(complaint.compensation_amount),
        "date": _date(now, code),
        "status": complaint.get_status_display(),
    }


def render(
    complaint: Complaint, *, kind: str, user, lang: str | None = None, now: dt.datetime | None = None
) -> Download:
    """The letter as PDF bytes; `seconds`: how long the rendering took."""
    check_kind(kind)
    code = language_code(lang)
    if not may_print(user):
        raise Forbidden(_("Your role may not print letters."))
    moment = now or timezone.now()
    template, stem, _title = KINDS[kind]
    started = time.perf_counter()
    with translation.override(code):
        content = render_pdf(template, context(complaint, kind=kind, user=user, code=code, now=moment))
    suffix = "" if code == "zh-hans" else f"-{code}"
    return Download(content, PDF, f"{stem}-{complaint.number}{suffix}.pdf", time.perf_counter() - started)


def preview_html(
    complaint: Complaint, *, kind: str, user, lang: str | None = None, now: dt.datetime | None = None
) -> str:
    """The same template as HTML, for the preview on the page."""
    check_kind(kind)
    code = language_code(lang)
    if not may_print(user):
        raise Forbidden(_("Your role may not print letters."))
    with translation.override(code):
        return render_html(
            KINDS[kind][0], context(complaint, kind=kind, user=user, code=code, now=now or timezone.now())
        )


# ── sending ─────────────────────────────────────────────────────────────────────────────────────────


def do_send_letter(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    kind: str = "reply",
    language: str | None = None,
):
    """E-mail the reply letter to the customer as a PDF attachment and keep it on the complaint (R-SOL-4): in one
    transaction the PDF as the complaint's attachment (source: staff, dated now), the e-mail queued with the PDF
    attached, and a public `letter_sent` event. Refused with nothing changed when the actor may not act on the
    complaint (out of scope: not found), the customer has no e-mail address (naming `email`), or the complaint is
    archived. `language`: None = the customer's own (their intake's language), else zh-hans or en."""
    from kesu.channels.outbound import services as outbound
    from kesu.channels.outbound.actions import queue_email_with_attachments
    from kesu.complaints.attachments import do_add_attachment
    from kesu.complaints.events import record_event

    if actor is None or not actor.is_authenticated or actor.role not in HANDLING:
        raise Forbidden(_("Your role may not write to customers."))
    complaint = access_complaint(actor, complaint.number)
    check_kind(kind)
    if kind not in SENDABLE:
        raise ValidationFailed(_("Only the reply letter is sent to the customer."), field="kind")
    if not complaint.customer.email:
        raise ValidationFailed(_("The customer has no e-mail address."), field="email")
    code = language_code(language) if language else outbound.customer_language(complaint)
    download = render(complaint, kind=kind, user=actor, lang=code, now=now)
    with translation.override(code):
        description = f"{KINDS[kind][2]} {_date(now, code)}"[:200]
    with transaction.atomic():
        attachment = do_add_attachment(
            complaint,
            actor=actor,
            now=now,
            content=download.content,
            filename=download.filename,
            source=EvidenceSource.STAFF,
            description=description,
        )
        with translation.override(code):
            text = _(
                "Please find attached our reply letter to your complaint %(number)s. "
                "If anything is unclear, simply reply to this e-mail."
            ) % {"number": complaint.number}
            subject = str(KINDS[kind][2])
        event = record_event(
            complaint,
            actor=actor,
            now=now,
            action="letter_sent",
            from_status=complaint.status,
            to_status=complaint.status,
            data={
                "subject": subject,
                "language": code,
                "attachment": attachment.pk,
                "sent_to": outbound.mask("email", complaint.customer.email),
            },
            internal=False,
        )
        message = queue_email_with_attachments(
            complaint,
            actor=actor,
            now=now,
            key=f"letter:{attachment.pk}",
            template="reply",
            text=text,
            subject=subject,
            language=code,
            attachments=[attachment.pk],
            event=event,
        )
    return message


def letters_sent(complaint: Complaint) -> list[dict[str, Any]]:
    """The letters sent to the customer, newest first: when, which, the file kept and by whom."""
    from kesu.complaints.models import Attachment

    events = list(
        Event.objects.filter(complaint_id=complaint.pk, action="letter_sent")
        .select_related("actor")
        .order_by("-at", "-id")
    )
    ids = [e.data.get("attachment") for e in events if isinstance(e.data, dict)]
    files = Attachment.objects.in_bulk([i for i in ids if isinstance(i, int)])
    out = []
    for e in events:
        data = e.data if isinstance(e.data, dict) else {}
        out.append(
            {
                "at": e.at,
                "kind": "reply",
                "title": data.get("subject") or str(KINDS["reply"][2]),
                "language": data.get("language", ""),
                "to": data.get("sent_to", ""),
                "attachment": files.get(data.get("attachment")),
                "by": e.actor.display_name if e.actor is not None and e.actor.display_name else str(e.actor or ""),
            }
        )
    return out
