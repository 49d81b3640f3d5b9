"""The customer's pages, no login (kesu.channels.public): the complaint form (also embeddable in the
organisation's own site, and a target for a plain HTML form posted from there), the acknowledgement, and the
self-service tracking page opened by number + phone or by the signed link in every message.

Chinese first, `?lang=en` switches (a GET link: the language form of the staff pages needs a CSRF cookie,
which a page framed by another site does not get)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.channels import links
from kesu.channels.public import challenge as challenges
from kesu.channels.public import intake, limits, selectors
from kesu.channels.public.models import PublicFormSettings
from kesu.complaints import actions
from kesu.complaints.attachments import check_upload_size
from kesu.complaints.models import Complaint
from kesu.complaints.models.complaint import Demand
from kesu.core.errors import DomainError, ValidationFailed
from kesu.followup import services as followup

from .display import SATISFACTION

LANGS = {code for code, _name in settings.LANGUAGES}
FORM_FIELDS = ("name", "phone", "email", "product", "order_no", "store", "title", "description", "demand", "wish")


def _language(request) -> str | None:
    """Activate the language a public link or form asks for (?lang= / lang=); None when none is asked."""
    lang = request.GET.get("lang") or request.POST.get("lang")
    if lang in LANGS:
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        return lang
    return None


def _page(request, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    lang = _language(request)
    current = translation.get_language()
    context.setdefault("lang", current)
    context.setdefault("other_lang", "en" if current.startswith("zh") else "zh-hans")
    response = render(request, template, context, status=status)
    if lang:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _limited(request, exc: limits.RateLimited) -> HttpResponse:
    response = _page(request, "web/public/limited.html", {"error": exc}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


# ---------------------------------------------------------------------------------------------
# The complaint form


def _fields(values: dict[str, str], errors: dict[str, list[str]]) -> tuple[list[dict], list[dict]]:
    def f(name, label, kind="text", **extra):
        return {
            "name": name,
            "label": label,
            "type": kind,
            "value": values.get(name, ""),
            "errors": errors.get(name),
            **extra,
        }

    contact = [
        f("name", _("Your name"), required=True, autocomplete="name"),
        f("phone", _("Mobile phone"), "tel", autocomplete="tel", inputmode="tel", placeholder="13800000000"),
        f("email", _("E-mail"), "email", autocomplete="email"),
    ]
    problem = [
        f("product", _("Product")),
        f("order_no", _("Order number")),
        f("store", _("Store or shop where you bought it")),
        f("description", _("What happened"), "textarea", required=True, rows=5),
        f("demand", _("What would you like us to do?"), "select", choices=Demand.choices, placeholder=_("Choose…")),
        f("wish", _("Anything else you would like (optional)"), "textarea", rows=2),
    ]
    return contact, problem


def _form_context(request, *, embed: bool, values=None, error: DomainError | None = None) -> dict[str, Any]:
    conf = PublicFormSettings.current()
    _language(request)
    chinese = translation.get_language().startswith("zh")
    contact, problem = _fields(values or {}, error.fields if error else {})
    return {
        "contact_fields": contact,
        "problem_fields": problem,
        "embed": embed,
        "values": values or {},
        "error": error,
        "errors": (error.fields if error else {}),
        "challenge": challenges.issue(now=timezone.now(), bits=conf.pow_bits, chinese=chinese),
        "demands": Demand.choices,
        "conf": conf,
        "organisation": conf.organisation or _("we"),
        "max_files": intake.MAX_FILES,
        "max_mb": settings.KESU_MAX_UPLOAD_BYTES // (1024 * 1024),
        "action": reverse("web:public_form_embed" if embed else "web:public_form"),
    }


def _frameable(response: HttpResponse) -> HttpResponse:
    ancestors = PublicFormSettings.current().frame_ancestors.strip()
    if ancestors:
        response["Content-Security-Policy"] = f"frame-ancestors 'self' {ancestors}"
    return response


def _files(request) -> list[tuple[str, bytes, str]]:
    uploads = request.FILES.getlist("photos")
    if len(uploads) > intake.MAX_FILES:  # before reading any of them
        raise ValidationFailed(_("At most %(n)s files.") % {"n": intake.MAX_FILES}, field="photos")
    out = []
    for upload in uploads:
        try:
            check_upload_size(upload.size)
        except DomainError as exc:
            raise DomainError(exc.code, f"{upload.name}: {exc.message}", field="photos") from None
        out.append((upload.name, upload.read(), upload.content_type or ""))
    return out


def _submit(request, *, embed: bool) -> HttpResponse:
    values = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    if not request.POST.get("challenge_token"):
        # A plain HTML form posted from the organisation's own site: it cannot carry our challenge. Show the
        # filled-in form with one; the customer confirms (the honeypot still counts: a robot gets nothing).
        if request.POST.get("website", "").strip():
            values = {}
        context = _form_context(request, embed=embed, values=values)
        context["confirm"] = True
        return _page(request, "web/public/form.html", context)
    try:
        sub = intake.Submission(
            **values,
            consent=True if request.POST.get("consent") in ("on", "true", "1", "yes") else None,
            honeypot=request.POST.get("website", ""),
            challenge_token=request.POST.get("challenge_token", ""),
            challenge_counter=request.POST.get("challenge_counter", ""),
            challenge_answer=request.POST.get("challenge_answer", ""),
            files=_files(request),
        )
        complaint = intake.do_submit(
            sub,
            address=limits.client_address(request),
            now=timezone.now(),
            require_challenge=True,
            source="embed" if embed else "page",
        )
    except limits.RateLimited as exc:
        return _limited(request, exc)
    except DomainError as exc:
        context = _form_context(request, embed=embed, values=values, error=exc)
        template = "web/public/form.html"
        response = _page(request, template, context, status=exc.http_status)
        return _frameable(response) if embed else response
    url = reverse("web:public_submitted", args=[links.track_token(complaint)])
    lang = translation.get_language()
    query = [f"lang={lang}"] if request.POST.get("lang") else []
    if embed:
        query.append("embed=1")
    return redirect(url + ("?" + "&".join(query) if query else ""))


@csrf_exempt  # posted from the organisation's own site too; the honeypot, challenge and limits guard it
@require_http_methods(["GET", "HEAD", "POST"])
def public_form(request):
    if request.method == "POST":
        return _submit(request, embed=False)
    return _page(request, "web/public/form.html", _form_context(request, embed=False))


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def public_form_embed(request):
    if request.method == "POST":
        return _submit(request, embed=True)
    return _frameable(_page(request, "web/public/form.html", _form_context(request, embed=True)))


@require_GET
def public_submitted(request, token: str):
    complaint = _complaint_for_token(token)
    if complaint is None:
        return _page(request, "web/public/track_lookup.html", {"invalid": True}, status=404)
    embed = request.GET.get("embed") == "1"
    context = {
        "complaint": complaint,
        "first_response_due": selectors.first_response_due(complaint),
        "track_url": reverse("web:track_link", args=[token]),
        "embed": embed,
    }
    response = _page(request, "web/public/submitted.html", context)
    if embed:  # the page after the framed form: framed too
        response.xframe_options_exempt = True
        return _frameable(response)
    return response


# ---------------------------------------------------------------------------------------------
# Tracking


def _complaint_for_token(token: str) -> Complaint | None:
    number = links.read_track_token(token)
    if number is None:
        return None
    return Complaint.objects.select_related("customer").filter(number=number).first()


@require_http_methods(["GET", "HEAD", "POST"])
def public_track(request):
    """Number + phone (or e-mail) → the tracking page (a redirect to its signed link)."""
    if request.method != "POST":
        return _page(request, "web/public/track_lookup.html", {"values": {}})
    values = {k: request.POST.get(k, "").strip() for k in ("number", "contact")}
    now = timezone.now()
    address = limits.client_address(request)
    try:
        intake.tracking_check(address, now=now)
    except limits.RateLimited as exc:
        return _limited(request, exc)
    contact = values["contact"]
    complaint = selectors.find_for_customer(
        values["number"], phone="" if "@" in contact else contact, email=contact if "@" in contact else ""
    )
    if complaint is None:
        intake.tracking_miss(address, now=now)
        context = {"values": values, "not_found": True}
        return _page(request, "web/public/track_lookup.html", context, status=404)
    url = reverse("web:track_link", args=[links.track_token(complaint)])
    return redirect(url + (f"?lang={request.POST['lang']}" if request.POST.get("lang") in LANGS else ""))


def _track_context(complaint: Complaint, token: str, **extra) -> dict[str, Any]:
    view = selectors.customer_view(complaint)
    return {
        "complaint": complaint,
        "view": view,
        "token": token,
        "scale": [(k, v) for k, v in SATISFACTION.items()],
        "max_files": intake.MAX_FILES,
        **extra,
    }


def _tracked(request, token: str):
    """(complaint, None) for a valid link, or (None, the answer: 404 page, counted as a miss; or 429)."""
    _language(request)  # before any text of the page is made
    now = timezone.now()
    address = limits.client_address(request)
    try:
        intake.tracking_check(address, now=now)
    except limits.RateLimited as exc:
        return None, _limited(request, exc)
    complaint = _complaint_for_token(token)
    if complaint is None:
        intake.tracking_miss(address, now=now)
        return None, _page(request, "web/public/track_lookup.html", {"invalid": True, "values": {}}, status=404)
    return complaint, None


def _back(request, token: str) -> HttpResponse:
    return redirect(reverse("web:track_link", args=[token]) + "#status")


@require_GET
def track_link(request, token: str):
    complaint, refused = _tracked(request, token)
    if refused is not None:
        return refused
    return _page(request, "web/public/track.html", _track_context(complaint, token))


def _track_error(request, complaint, token, exc: DomainError, **extra) -> HttpResponse:
    context = _track_context(complaint, token, error=exc, errors=exc.fields, **extra)
    return _page(request, "web/public/track.html", context, status=exc.http_status)


@require_POST
def track_message(request, token: str):
    complaint, refused = _tracked(request, token)
    if refused is not None:
        return refused
    now = timezone.now()
    text = request.POST.get("text", "")
    try:
        intake.message_check(complaint, now=now)
        files = _files(request)
        actions.do_customer_message(
            complaint, now=now, text=text, via="web", attachments=[(name, content) for name, content, _t in files]
        )
    except limits.RateLimited as exc:
        return _limited(request, exc)
    except DomainError as exc:
        exc.fields = {("photos" if k == "file" else k): v for k, v in exc.fields.items()}
        return _track_error(request, complaint, token, exc, text=text)
    intake.message_hit(complaint, now=now)
    messages.success(request, _("Thank you. Your message has been passed on."))
    return _back(request, token)


@require_POST
def track_answer(request, token: str):
    complaint, refused = _tracked(request, token)
    if refused is not None:
        return refused
    answer = request.POST.get("accepted")
    try:
        if answer not in ("yes", "no"):
            raise ValidationFailed(_("Please accept or reject the proposal."), field="accepted")
        actions.do_customer_response(
            complaint,
            actor=None,
            now=timezone.now(),
            accepted=answer == "yes",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _track_error(request, complaint, token, exc)
    if answer == "yes":
        messages.success(request, _("Thank you. We will carry out the solution now."))
    else:
        messages.success(request, _("Thank you. We will look for a better solution."))
    return _back(request, token)


@require_POST
def track_rate(request, token: str):
    complaint, refused = _tracked(request, token)
    if refused is not None:
        return refused
    raw = request.POST.get("score", "")
    try:
        if raw not in {str(k) for k in SATISFACTION}:
            raise ValidationFailed(_("Please choose one of the five answers."), field="score")
        followup.do_rate_by_link(
            followup.rating_token(complaint),
            now=timezone.now(),
            score=int(raw),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _track_error(request, complaint, token, exc)
    messages.success(request, _("Thank you for your rating."))
    return _back(request, token)


urlpatterns: list = [
    path("p/complaint", public_form, name="public_form"),
    path("p/complaint/embed", public_form_embed, name="public_form_embed"),
    path("p/complaint/done/<str:token>", public_submitted, name="public_submitted"),
    path("p/track", public_track, name="public_track"),
    path("t/<str:token>", track_link, name="track_link"),
    path("t/<str:token>/message", track_message, name="public_track_message"),
    path("t/<str:token>/answer", track_answer, name="public_track_answer"),
    path("t/<str:token>/rate", track_rate, name="public_track_rate"),
]
