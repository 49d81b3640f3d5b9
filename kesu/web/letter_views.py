"""The letters on the complaint page (kesu.documents.letters): the reply letter and the brief report previewed on
a page (Chinese by default, English on request), as PDF, and the reply letter sent to the customer by e-mail.
Every view reaches the complaint through access_complaint and asks letters.may_print (404 / 403 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.channels.outbound import services as outbound
from kesu.core.errors import DomainError
from kesu.documents import letters
from kesu.documents.pdf import PdfUnavailable

from .views import _complaint_or_404, _error_page, _render_complaint


def _unavailable(request) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"error": {"message": _("PDF printing is not installed on this server.")}},
        status=503,
    )


@login_required
@require_GET
def letter_preview(request, number: str, kind: str):
    """The letter as it will print, on a page of its own, with the language switch, PDF and (the reply) sending."""
    complaint = _complaint_or_404(request.user, number)
    lang = request.GET.get("lang") or "zh-hans"
    try:
        html = letters.preview_html(complaint, kind=kind, user=request.user, lang=lang)
    except DomainError as exc:
        return _error_page(request, exc)
    code = letters.language_code(lang)
    email = complaint.customer.email
    return render(
        request,
        "web/solutions/letter_preview.html",
        {
            "c": complaint,
            "kind": kind,
            "title": letters.KINDS[kind][2],
            "lang": "en" if code == "en" else "zh-hans",
            "html": html,
            "sendable": kind in letters.SENDABLE,
            "may_send": kind in letters.SENDABLE and bool(email) and not complaint.is_read_only,
            "email_to": outbound.mask("email", email) if email else "",
            "language": code,
            "sent": letters.letters_sent(complaint) if kind in letters.SENDABLE else [],
        },
    )


@login_required
@require_GET
def letter_pdf(request, number: str, kind: str):
    complaint = _complaint_or_404(request.user, number)
    try:
        download = letters.render(complaint, kind=kind, user=request.user, lang=request.GET.get("lang"))
    except DomainError as exc:
        return _error_page(request, exc)
    except PdfUnavailable:
        return _unavailable(request)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def letter_send(request, number: str):
    """E-mail the reply letter (PDF attached) to the customer; kept on the complaint, on the timeline."""
    complaint = _complaint_or_404(request.user, number)
    from_preview = request.POST.get("from") == "preview"
    try:
        message = letters.do_send_letter(
            complaint, actor=request.user, now=timezone.now(), kind="reply", language=request.POST.get("lang") or None
        )
    except PdfUnavailable:
        return _unavailable(request)
    except DomainError as exc:
        if from_preview:
            messages.error(request, _("Not sent; nothing was changed.") + " " + exc.message)
            return _back(request, reverse("web:letter_preview", args=[number, "reply"]))
        request.letters_state = {"error": exc.message}
        return _render_complaint(request, _complaint_or_404(request.user, number), status=exc.http_status)
    messages.success(request, _("The reply letter was sent to %(to)s.") % {"to": message.masked_to})
    if request.htmx and not from_preview:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return _back(request, reverse("web:complaint", args=[number]) + "#letters")


def _back(request, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


urlpatterns: list = [
    path("complaints/<str:number>/letters/reply/send", letter_send, name="letter_send"),
    path("complaints/<str:number>/letters/<slug:kind>.pdf", letter_pdf, name="letter_pdf"),
    path("complaints/<str:number>/letters/<slug:kind>", letter_preview, name="letter_preview"),
]
