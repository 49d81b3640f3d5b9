"""Receiving a signed request from another system, and managing the sources that may send them.

The rule for replays (see README.md): a request counts only if its signature matches the raw body and its
timestamp is within WINDOW seconds of our clock. Then
  - an event id this source sent before answers with that complaint (created False), whatever the signature:
    a retry of a delivered event, re-signed or not, is harmless;
  - otherwise a signature that was already used by a request that created nothing is a replay: refused;
  - otherwise the complaint is recorded, with the event row in the same transaction. A request refused as
    invalid spends its signature, so replaying it is refused as unauthenticated, not answered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kesu.complaints.actions import ComplaintInput, do_create
from kesu.complaints.models import Channel, Complaint
from kesu.core.errors import DomainError, ValidationFailed
from kesu.notifications.signing import verify_generic

from . import mapping
from .models import InboundEvent, InboundSource, SpentSignature, new_secret

WINDOW = 300  # seconds a signed request stays valid either side of our clock
MAX_BODY_BYTES = 1024 * 1024  # a complaint is text: a larger body is refused before anything is read
_DUMMY_SECRET = new_secret()


class Unauthenticated(DomainError):
    """Unknown source, inactive source, a missing or wrong signature, an old or future timestamp, a replay:
    one answer for all, so that a caller learns nothing about which sources exist."""

    def __init__(self) -> None:
        super().__init__("unauthenticated", _("The request's signature is missing, wrong or expired."))

    @property
    def http_status(self) -> int:
        return 401


@dataclasses.dataclass
class Receipt:
    complaint: Complaint
    created: bool


def authenticate(
    source_name: str, *, raw_body: bytes, timestamp: str | None, signature: str | None, now
) -> InboundSource:
    source = InboundSource.objects.filter(name=source_name, active=True).first() if source_name else None
    # An unknown source costs the same HMAC as a known one.
    secret = source.secret if source is not None else _DUMMY_SECRET
    ok = verify_generic(
        secret,
        timestamp=timestamp or "",
        signature=(signature or "").strip(),
        body=raw_body,
        now=now.timestamp(),
        tolerance=WINDOW,
    )
    if source is None or not ok:
        raise Unauthenticated()
    return source


def do_receive(
    source_name: str,
    *,
    raw_body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: dt.datetime,
    parse: Callable[[dict[str, Any]], ComplaintInput],
) -> Receipt:
    """Record the complaint a signed request carries, once per (source, event id).

    `parse` turns a POST /complaints body (a dict) into a ComplaintInput, raising a DomainError
    "validation_error" naming the fields; the API passes the one its POST /complaints uses."""
    if len(raw_body) > MAX_BODY_BYTES:
        raise DomainError(
            "too_large",
            _("The request is larger than %(kb)s KB.") % {"kb": MAX_BODY_BYTES // 1024},
        )
    source = authenticate(source_name, raw_body=raw_body, timestamp=timestamp, signature=signature, now=now)
    signature = (signature or "").strip()
    try:
        mapped = _read(source, raw_body)
        event_id = str(mapped.event_id)
        earlier = InboundEvent.objects.filter(source=source, external_event_id=event_id).first()
        if earlier is not None:
            return Receipt(complaint=earlier.complaint, created=False)
        if SpentSignature.objects.filter(source=source, signature=signature).exists():
            raise Unauthenticated()
        try:
            data = parse(mapped.body)
        except DomainError as exc:
            raise _renamed(exc, mapped) from None
    except Unauthenticated:
        raise
    except DomainError:
        _spend(source, signature, timestamp, now)
        raise

    def store_event(complaint: Complaint) -> None:
        InboundEvent.objects.create(source=source, external_event_id=event_id, complaint=complaint, received_at=now)

    try:
        complaint, _created = do_create(
            data,
            actor=None,
            now=now,
            event_data={"via": "inbound", "source": source.name, "external_event_id": event_id},
            on_created=store_event,
        )
    except IntegrityError:
        # The same event arriving at the same moment: the first one's complaint is the answer.
        earlier = InboundEvent.objects.filter(source=source, external_event_id=event_id).first()
        if earlier is None:
            raise
        return Receipt(complaint=earlier.complaint, created=False)
    except DomainError as exc:
        _spend(source, signature, timestamp, now)
        raise _renamed(exc, mapped) from None
    return Receipt(complaint=complaint, created=True)


def _read(source: InboundSource, raw_body: bytes) -> mapping.Mapped:
    try:
        data = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(_("The body is not valid JSON."), field="body") from None
    if not isinstance(data, dict):
        raise ValidationFailed(_("The body is a JSON object."), field="body")
    mapped = mapping.apply(
        data,
        field_map=source.field_map or {},
        fixed_values=source.fixed_values or {},
        default_channel=source.default_channel,
    )
    problem = mapping.event_id_error(mapped.event_id)
    if problem:
        raise ValidationFailed(problem, field=mapped.source_name(mapping.EVENT_ID))
    return mapped


def _renamed(exc: DomainError, mapped: mapping.Mapped) -> DomainError:
    """The error with each field named as the caller knows it: its own path when the value was mapped."""
    if not mapped.origin or not exc.fields:
        return exc
    renamed = DomainError(exc.code, exc.message)
    for name, messages in exc.fields.items():
        renamed.fields.setdefault(mapped.source_name(name), []).extend(messages)
    return renamed


def _spend(source: InboundSource, signature: str, timestamp: str | None, now: dt.datetime) -> None:
    signed_at = dt.datetime.fromtimestamp(int(timestamp or 0), tz=dt.UTC)
    try:
        with transaction.atomic():
            SpentSignature.objects.filter(signed_at__lt=now - dt.timedelta(seconds=2 * WINDOW)).delete()
            SpentSignature.objects.create(source=source, signature=signature, signed_at=signed_at)
    except IntegrityError:
        pass  # the same refused request twice at once: spent already


# --- managing sources (the management command and the admin) ---


def do_create_source(name: str, *, channel: str = Channel.API) -> tuple[InboundSource, str]:
    """A new source and its secret (the caller shows it once)."""
    if channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel “%(channel)s”; use: %(choices)s.")
            % {"channel": channel, "choices": ", ".join(Channel.values)},
            field="channel",
        )
    source = InboundSource(name=name, default_channel=channel, secret=new_secret())
    try:
        source.full_clean()
    except Exception as exc:  # django ValidationError: name taken or not a slug
        messages = getattr(exc, "message_dict", {}).get("name") or [str(exc)]
        raise ValidationFailed(" ".join(messages), field="name") from None
    source.save()
    return source, source.secret


def do_rotate_secret(name: str, *, now: dt.datetime, channel: str | None = None) -> tuple[InboundSource, str]:
    """A new secret for an existing source; requests signed with the old one are refused from now on."""
    with transaction.atomic():
        source = InboundSource.objects.select_for_update().filter(name=name).first()
        if source is None:
            raise ValidationFailed(_("There is no inbound source called “%(name)s”.") % {"name": name}, field="name")
        source.secret = new_secret()
        source.secret_changed_at = now
        fields = ["secret", "secret_changed_at"]
        if channel is not None:
            if channel not in Channel.values:
                raise ValidationFailed(
                    _("Unknown channel “%(channel)s”; use: %(choices)s.")
                    % {"channel": channel, "choices": ", ".join(Channel.values)},
                    field="channel",
                )
            source.default_channel = channel
            fields.append("default_channel")
        source.save(update_fields=fields)
    return source, source.secret
