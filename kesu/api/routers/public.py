"""The public API: no token. A complaint from the customer, its progress in plain words, and the customer's
messages. Rate-limited; a wrong number and a wrong phone are the same 404 (kesu.channels.public)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kesu.channels import links
from kesu.channels.public import challenge as challenges
from kesu.channels.public import intake, limits, selectors
from kesu.channels.public.models import PublicFormSettings
from kesu.complaints import actions
from kesu.core.errors import DomainError

router = Router(auth=None, tags=["public"])


class PublicComplaintIn(Schema):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    title: str | None = None
    description: str | None = None
    product: str | None = None
    order_no: str | None = None
    store: str | None = None
    demand: str | None = None
    consent: Any = None  # exactly true; anything else is a 400 naming consent (not coerced from "yes")
    challenge_token: str | None = None
    challenge_counter: str | int | None = None
    challenge_answer: str | None = None
    website: str | None = None  # the honeypot, as on the HTML form


class PublicMessageIn(Schema):
    phone: str | None = None
    email: str | None = None
    text: str | None = None


def _api():
    from ..app import api  # the app imports this module

    return api


def _error(request, exc: DomainError):
    from ..errors import error_response

    response = error_response(_api(), request, exc.http_status, exc.code, exc.message, exc.fields or None)
    if isinstance(exc, limits.RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _not_found(request):
    return _error(request, DomainError("not_found", _("No complaint with this number and phone or e-mail.")))


@router.get("/public/challenge", summary="A challenge for the public form (when the API requires one)")
def get_challenge(request):
    conf = PublicFormSettings.current()
    ch = challenges.issue(now=timezone.now(), bits=conf.pow_bits, chinese=False)
    return {"token": ch.token, "bits": ch.bits, "question": ch.question}


@router.post("/public/complaints", summary="A complaint from the customer (no login)")
def submit_complaint(request, payload: PublicComplaintIn):
    d = payload.model_dump()
    sub = intake.Submission(
        **{k: d[k] or "" for k in ("name", "phone", "email", "title", "description", "product", "order_no", "store")},
        demand=d["demand"] or "",
        consent=d["consent"] if d["consent"] is True else None,
        honeypot=d["website"] or "",
        challenge_token=d["challenge_token"] or "",
        challenge_counter=str(d["challenge_counter"] or ""),
        challenge_answer=d["challenge_answer"] or "",
    )
    now = timezone.now()
    try:
        complaint = intake.do_submit(
            sub,
            address=limits.client_address(request),
            now=now,
            require_challenge=PublicFormSettings.current().require_challenge_on_api,
            source="api",
        )
    except DomainError as exc:
        return _error(request, exc)
    due = selectors.first_response_due(complaint)
    body = {
        "number": complaint.number,
        "first_response_due": due.isoformat() if due else None,
        "track_url": links.track_url(complaint),
    }
    return _api().create_response(request, body, status=201)


def _find(request, number: str, *, phone: str, email: str):
    """(complaint, None) or (None, the 404 or 429 answer); a miss counts towards the address's limit."""
    now = timezone.now()
    address = limits.client_address(request)
    try:
        intake.tracking_check(address, now=now)
    except limits.RateLimited as exc:
        return None, _error(request, exc)
    complaint = selectors.find_for_customer(number, phone=phone or "", email=email or "")
    if complaint is None:
        intake.tracking_miss(address, now=now)
        return None, _not_found(request)
    return complaint, None


@router.get("/public/complaints/{number}", summary="The customer's view of their complaint")
def track_complaint(request, number: str, phone: str = "", email: str = ""):
    complaint, refused = _find(request, number, phone=phone, email=email)
    if refused is not None:
        return refused
    return selectors.customer_view(complaint).as_json()


@router.post("/public/complaints/{number}/messages", summary="The customer writes about their complaint")
def customer_message(request, number: str, payload: PublicMessageIn):
    complaint, refused = _find(request, number, phone=payload.phone or "", email=payload.email or "")
    if refused is not None:
        return refused
    now = timezone.now()
    try:
        intake.message_check(complaint, now=now)
        complaint = actions.do_customer_message(complaint, now=now, text=payload.text or "", via="api")
    except DomainError as exc:
        return _error(request, exc)
    intake.message_hit(complaint, now=now)
    message = selectors.public_messages(complaint)[-1]
    body = {"number": complaint.number, "at": message["at"].isoformat(), "from": "customer", "text": message["text"]}
    return _api().create_response(request, body, status=201)
