"""The agent's reply to the customer (the reply box): one action, its timeline event a public note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.complaints.access import access_complaint
from kesu.complaints.actions import do_note
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint, Event
from kesu.complaints.states import HANDLING
from kesu.core.errors import Forbidden, ValidationFailed
from kesu.core.text import clean_text

from . import services
from .models import MessageChannel, OutboundMessage

TEXT_MAX = {MessageChannel.EMAIL.value: 10000, MessageChannel.SMS.value: 500}
SUBJECT_MAX = 200


def do_send_message(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    channel: str,
    text: str,
    subject: str = "",
    script: Any = None,
) -> OutboundMessage:
    """Write to the customer by e-mail or SMS (R-SOL-5): the text on the timeline as a public note, and the
    message queued for delivery, in one transaction. Refused, with nothing changed, when the actor may not
    act on the complaint (out of their scope: not found), the customer has no such contact, or a field is bad.
    `script`: the scripts library's phrase the text was taken from (a kesu.scripts Script), recorded next to the
    note as an internal `script_used` event (which script, its situation, the channel).
    """
    if actor is None or not actor.is_authenticated or actor.role not in HANDLING:
        raise Forbidden(_("Your role may not write to customers."))
    complaint = access_complaint(actor, complaint.number)
    if channel not in TEXT_MAX:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": channel, "choices": "email, sms"}, field="channel"
        )
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for name, value, required, limit in (
        ("text", text, True, TEXT_MAX[channel]),
        ("subject", subject, False, SUBJECT_MAX),
    ):
        try:
            clean[name] = clean_text(value, name, required=required, max_length=limit)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    gateway = services.sms_gateway() if channel == MessageChannel.SMS and complaint.customer.phone else None
    possible = services.contact_channels(complaint, gateway=gateway)
    if channel not in possible:
        if channel == MessageChannel.EMAIL:
            message = _("The customer has no e-mail address.")
        elif not complaint.customer.phone:
            message = _("The customer has no phone number.")
        else:
            message = _("No SMS gateway is set up.")
        errors.setdefault("channel", []).append(message)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    language = services.customer_language(complaint)
    template = "reply" if channel == MessageChannel.EMAIL else "reply_sms"
    with transaction.atomic():
        # do_note locks the complaint and checks its state (an archived complaint is read-only) and the role.
        complaint = do_note(complaint, actor=actor, now=now, text=clean["text"], internal=False)
        event = Event.objects.filter(complaint_id=complaint.pk, action="note").order_by("-id").first()
        with translation.override(language):
            values = services.values_for(complaint, language, text=clean["text"])
            subject_text, body = services.compose(template, language, values)
        if clean["subject"]:
            subject_text = services.subject_line(clean["subject"], complaint.number)
        draft = services.Draft(
            key=f"reply:{event.pk}",
            template=template,
            channel=channel,
            to=possible[channel],
            language=language,
            subject=subject_text,
            text=body,
            automatic=False,
        )
        message = services.queue(complaint, draft, event=event, actor=actor, now=now, gateway=gateway)
        if script is not None:
            record_event(
                complaint,
                actor=actor,
                now=now,
                action="script_used",
                from_status=complaint.status,
                to_status=complaint.status,
                data={
                    "script": script.title,
                    "script_id": script.pk,
                    "situation": script.situation,
                    "channel": channel,
                    "message_event": event.pk,
                },
                internal=True,
            )
        return message


def queue_email_with_attachments(
    complaint: Complaint,
    *,
    actor: User,
    now: dt.datetime,
    key: str,
    template: str,
    text: str,
    subject: str,
    language: str,
    attachments: list[int],
    event: Event | None = None,
) -> OutboundMessage:
    """An e-mail to the customer carrying files already kept on the complaint (its Attachment ids), framed by the
    `template` message (e.g. "reply") in `language`, queued in the caller's transaction like every message to the
    customer (threaded, sent after commit with retries). The caller writes the timeline `event` it belongs to;
    `key` makes it once.
    """
    possible = services.contact_channels(complaint, gateway=None)
    if MessageChannel.EMAIL.value not in possible:
        raise ValidationFailed(_("The customer has no e-mail address."), field="email")
    with translation.override(language):
        values = services.values_for(complaint, language, text=text)
        _subject, body = services.compose(template, language, values)
    draft = services.Draft(
        key=key,
        template=template,
        channel=MessageChannel.EMAIL,
        to=possible[MessageChannel.EMAIL.value],
        language=language,
        subject=services.subject_line(subject, complaint.number),
        text=body,
        automatic=False,
    )
    message = services.queue(complaint, draft, event=event, actor=actor, now=now)
    # The delivery is sent after the commit: naming the files in its payload here is what the sender attaches.
    row = message.delivery
    row.payload = {**row.payload, "attachments": [int(pk) for pk in attachments]}
    row.save(update_fields=["payload"])
    return message
