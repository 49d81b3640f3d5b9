"""A complaint from the public form or the public API: the abuse checks, the consent, then do_create.

Order of the checks: the honeypot and the rate limits first (cheap, and they say nothing about the input),
then the consent and the contact (field errors), then the challenge, then the intake itself. The challenge
is spent and the photos are stored inside the intake's transaction: all of it is recorded, or none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kesu.complaints import actions
from kesu.complaints.attachments import do_add_attachment
from kesu.complaints.models import Complaint
from kesu.complaints.models.complaint import Demand
from kesu.core.errors import DomainError, ValidationFailed
from kesu.core.text import clean_text

from . import challenge as challenges
from . import limits
from .models import PublicFormSettings
from .selectors import national_phone

MAX_FILES = 9
# do_create names the customer's fields "customer.x"; the public form knows them as "x".
FIELD_NAMES = {"customer.name": "name", "customer.phone": "phone", "customer.email": "email", "file": "photos"}


@dataclass
class Submission:
    name: str = ""
    phone: str = ""
    email: str = ""
    title: str = ""
    description: str = ""
    product: str = ""
    order_no: str = ""
    store: str = ""
    demand: str = ""
    wish: str = ""
    consent: bool | None = None
    honeypot: str = ""
    challenge_token: str = ""
    challenge_counter: str = ""
    challenge_answer: str = ""
    files: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, content, declared type)


def _renamed(exc: DomainError) -> DomainError:
    fields = {FIELD_NAMES.get(k, k): v for k, v in exc.fields.items()}
    return DomainError(exc.code, exc.message, fields=fields)


def _contact_keys(sub: Submission) -> list[str]:
    keys = []
    phone = national_phone(sub.phone or "")
    if phone:
        keys.append(f"phone:{phone}")
    email = (sub.email or "").strip().lower()
    if email:
        keys.append(f"email:{email}")
    return keys


def do_submit(sub: Submission, *, address: str, now: dt.datetime, require_challenge: bool, source: str) -> Complaint:
    """Record the customer's complaint (actor None, channel web). Raises RateLimited (429), ValidationFailed
    naming the field (consent, phone, challenge, …) with nothing stored, or the intake's own errors."""
    conf = PublicFormSettings.current()
    window = conf.submit_window_minutes * 60
    contacts = _contact_keys(sub)
    limits.check(
        [("submit-address", address, conf.submits_per_address)]
        + [("submit-contact", key, conf.submits_per_contact) for key in contacts],
        now=now,
    )
    limits.hit("submit-address", address, window=window, now=now)
    if (sub.honeypot or "").strip():
        # A field people never see: only a robot fills it. Say nothing about which field gave it away.
        raise DomainError("validation_error", _("The form could not be sent. Please try again."))
    errors: dict[str, list[str]] = {}
    if sub.consent is not True:
        errors["consent"] = [_("Please read and accept the personal-data notice.")]
    if not contacts:
        errors["phone"] = [_("Give a phone number or an e-mail address so we can answer you.")]
    if len(sub.files) > MAX_FILES:
        errors["photos"] = [_("At most %(n)s files.") % {"n": MAX_FILES}]
    description = ""
    for name, check in (
        ("name", lambda: clean_text(sub.name, "name", required=True, max_length=100)),
        ("description", lambda: clean_text(sub.description, "description", required=True, max_length=10000)),
    ):
        try:
            value = check()
        except DomainError as exc:
            errors.update(exc.fields)
        else:
            if name == "description":
                description = value
    if errors:
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
    checked = None
    if require_challenge:
        checked = challenges.verify(
            sub.challenge_token,
            counter=sub.challenge_counter,
            answer=sub.challenge_answer,
            now=now,
            max_age_minutes=conf.challenge_minutes,
        )
    demand = (sub.demand or "").strip()
    wish = clean_text(sub.wish, "wish", required=False, max_length=2000)
    if demand and demand not in Demand.values:  # the API's free-text demand: what the customer wants
        wish, demand = (
            "\n".join(filter(None, [clean_text(demand, "demand", required=False, max_length=2000), wish])),
            "",
        )
    if wish:
        description = f"{description}\n\n{_('What I would like: %(wish)s') % {'wish': wish}}"
    data = actions.ComplaintInput(
        channel="web",
        customer=actions.CustomerInput(name=sub.name, phone=sub.phone, email=sub.email),
        title=sub.title,
        description=description,
        product=sub.product,
        order_no=sub.order_no,
        store=sub.store,
        demand=demand,
    )

    def on_created(complaint: Complaint) -> None:
        if checked is not None:
            challenges.spend(checked, now=now)
        for name, content, declared in sub.files:
            do_add_attachment(complaint, actor=None, now=now, content=content, filename=name, declared_type=declared)
        if complaint.demand == Demand.REPAIR:  # a repair request: its service order (派工单) opens with it
            from kesu.service.actions import do_open_from_public_form

            do_open_from_public_form(complaint, now=now)

    try:
        complaint, _created = actions.do_create(
            data,
            actor=None,
            now=now,
            event_data={"via": "web_form", "form": source, "language": get_language() or "zh-hans"},
            on_created=on_created,
        )
    except DomainError as exc:
        raise _renamed(exc) from None
    except IntegrityError:
        if checked is not None and challenges.UsedChallenge.objects.filter(nonce=checked["nonce"]).exists():
            raise ValidationFailed(
                _("This form was already sent. Please fill it in again."), field="challenge"
            ) from None
        raise
    for key in contacts:
        limits.hit("submit-contact", key, window=window, now=now)
    return complaint


def tracking_check(address: str, *, now: dt.datetime) -> None:
    """RateLimited while this address has missed too often (guessing numbers or phones)."""
    conf = PublicFormSettings.current()
    limits.check([("track-miss", address, conf.tracking_misses_per_address)], now=now)


def tracking_miss(address: str, *, now: dt.datetime) -> None:
    conf = PublicFormSettings.current()
    limits.hit("track-miss", address, window=conf.tracking_window_minutes * 60, now=now)


def message_check(complaint: Complaint, *, now: dt.datetime) -> None:
    conf = PublicFormSettings.current()
    limits.check([("message", complaint.number, conf.messages_per_complaint)], now=now)


def message_hit(complaint: Complaint, *, now: dt.datetime) -> None:
    limits.hit("message", complaint.number, window=3600, now=now)
