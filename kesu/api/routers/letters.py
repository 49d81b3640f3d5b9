"""The reply letter and the brief complaint report as PDF, and sending the letter (API.md "Solutions and
compensation"): thin edges over kesu.documents.letters. The complaint is reached through access_complaint (404
outside the data scope)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from kesu.complaints.access import access_complaint
from kesu.documents import letters
from kesu.documents.pdf import PdfUnavailable

router = Router(tags=["letters"])

_LANG = Query(None, description="zh-hans (default) | en")


class SendIn(Schema):
    lang: str | None = None


class SentOut(Schema):
    number: str
    attachment: int
    sent_to: str
    language: str
    sent_at: str


def _pdf(request, number: str, kind: str, lang: str | None) -> HttpResponse:
    complaint = access_complaint(request.user, number)
    try:
        download = letters.render(complaint, kind=kind, user=request.user, lang=lang)
    except PdfUnavailable as exc:
        raise HttpError(503, _("PDF printing is not installed on this server.")) from exc
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'inline; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["Server-Timing"] = f"render;dur={download.seconds * 1000:.0f}"
    return response


@router.get("/complaints/{number}/letters/reply.pdf", summary="客户投诉回复函: the reply letter as PDF (lang=en)")
def reply_pdf(request, number: str, lang: str | None = _LANG):
    return _pdf(request, number, "reply", lang)


@router.get(
    "/complaints/{number}/letters/brief-report.pdf",
    summary="客户投诉简要报告: the brief complaint report as PDF, internal (lang=en)",
)
def brief_report_pdf(request, number: str, lang: str | None = _LANG):
    return _pdf(request, number, "brief-report", lang)


@router.post(
    "/complaints/{number}/letters/reply/send",
    response=SentOut,
    summary="E-mail the reply letter to the customer (PDF attached) and keep it on the complaint",
)
def send_reply(request, number: str, payload: SendIn | None = None):
    """`lang`: the letter's language; default the customer's own (Chinese unless they wrote in English). A
    customer without an e-mail address → 400 naming `email`."""
    complaint = access_complaint(request.user, number)
    now = timezone.now()
    try:
        message = letters.do_send_letter(
            complaint, actor=request.user, now=now, kind="reply", language=payload.lang if payload else None
        )
    except PdfUnavailable as exc:
        raise HttpError(503, _("PDF printing is not installed on this server.")) from exc
    attachment = (message.delivery.payload.get("attachments") or [0])[0]
    return {
        "number": complaint.number,
        "attachment": attachment,
        "sent_to": message.masked_to,
        "language": message.language,
        "sent_at": now.isoformat(),
    }
