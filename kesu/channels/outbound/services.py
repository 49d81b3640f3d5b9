"""Messages to the customer: composing them from the templates, queuing them as deliveries, and the
automatic ones that follow the timeline.

Automatic messages (subscribed in apps.py, run after the commit of the event that causes them):
  create            → "acknowledgement": the number, the expected first response (the SLA clock) and the
                      tracking link (R-IN-6); not for imports (event data "via": "import"); threaded under the
                      customer's mail when the intake was one (event data "message_id")
  propose_solution  → "solution_proposed": the solution and the tracking link to accept or decline it
  resolve           → "resolved": the resolution and the signed rating link
  reject            → "rejected": the reply given
Each is one OutboundMessage (key "auto:<event id>": once, however often the handler runs), one timeline
event "message_sent" (public) and one Delivery, in one transaction. The channel: e-mail when the customer
has an address (SMS first when they prefer SMS), else SMS when they have a phone and a gateway is active,
else nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kesu.channels import addresses, links
from kesu.complaints.events import record_event
from kesu.complaints.models import Complaint, Event
from kesu.core.links import absolute as absolute_link
from kesu.core.masking import mask_email, mask_phone
from kesu.notifications import delivery
from kesu.notifications.models import Channel

from . import texts
from .models import Language, MessageChannel, MessageTemplate, OutboundMessage, SmsGateway

logger = logging.getLogger(__name__)

AUTO_SUBMITTED = "auto-replied"
REFERENCES_KEPT = 10
FIRST_RESPONSE_CLOCKS = ("first_response", "customer_contact")
AUTOMATIC = {
    "create": "acknowledgement",
    "propose_solution": "solution_proposed",
    "resolve": "resolved",
    "reject": "rejected",
}


# ── who, where, in which language ───────────────────────────────────────────────────────────────────


def customer_language(complaint: Complaint) -> str:
    """The customer's language: what the intake recorded (create event data "language"), else Chinese."""
    data = Event.objects.filter(complaint_id=complaint.pk, action="create").values_list("data", flat=True).first() or {}
    value = str(data.get("language") or "").lower()
    return Language.EN if value.startswith("en") else Language.ZH


def sms_gateway() -> SmsGateway | None:
    return SmsGateway.objects.filter(active=True).order_by("id").first()


def contact_channels(complaint: Complaint, *, gateway: SmsGateway | bool | None = False) -> dict[str, str]:
    """{channel: address} the customer can be written to, in the order to prefer."""
    customer = complaint.customer
    if gateway is False:
        gateway = sms_gateway() if customer.phone else None
    found = {}
    if customer.email:
        found[MessageChannel.EMAIL.value] = customer.email
    if customer.phone and gateway is not None:
        found[MessageChannel.SMS.value] = customer.phone
    if customer.preferred_contact == "sms" and MessageChannel.SMS.value in found:
        found = {MessageChannel.SMS.value: found.pop(MessageChannel.SMS.value), **found}
    return found


def mask(channel: str, address: str) -> str:
    return mask_email(address) if channel == MessageChannel.EMAIL else mask_phone(address)


# ── texts ───────────────────────────────────────────────────────────────────────────────────────────


def template_text(key: str, language: str) -> tuple[str, str]:
    """(subject, body): the administrator's active template, else the default shipped in code."""
    row = MessageTemplate.objects.filter(key=key, language=language, active=True).only("subject", "body").first()
    if row is not None:
        return row.subject, row.body
    return texts.DEFAULTS.get((key, language)) or texts.DEFAULTS[(key, Language.ZH)]


def local_time(moment: dt.datetime | None, language: str) -> str:
    if moment is None:
        with translation.override(language):
            return _("as soon as possible")
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def first_response_due(complaint: Complaint) -> dt.datetime | None:
    """When the customer hears from us at the latest: the first-response clock (or the contact clock) of the
    current round, else the nearest deadline."""
    rows = {
        clock: due
        for clock, due in complaint.deadlines.filter(
            clock__in=FIRST_RESPONSE_CLOCKS, round=complaint.round, cancelled_at__isnull=True
        ).values_list("clock", "due_at")
    }
    for clock in FIRST_RESPONSE_CLOCKS:
        if clock in rows:
            return rows[clock]
    return complaint.next_due_at


def rate_url(complaint: Complaint) -> str:
    from kesu.followup.services import rating_token

    return absolute_link(reverse("web:rate", args=[rating_token(complaint)]))


def _company() -> str:
    from kesu.core.models import Organization

    org = Organization.objects.only("name", "short_name").first()
    return (org.short_name or org.name) if org else ""


def values_for(complaint: Complaint, language: str, **extra: str) -> dict[str, str]:
    values = {
        "customer": complaint.customer.name,
        "number": complaint.number,
        "title": complaint.title,
        "track_url": links.track_url(complaint),
        "company": _company(),
    }
    values.update(extra)
    return values


def subject_line(subject: str, number: str) -> str:
    subject = " ".join((subject or "").split())
    if number not in subject:
        subject = f"[{number}] {subject}".strip()
    return subject[:250]


def compose(key: str, language: str, values: dict[str, str]) -> tuple[str, str]:
    subject, body = template_text(key, language)
    return subject_line(texts.render(subject, values), values["number"]), texts.render(body, values).strip()


# ── threading ───────────────────────────────────────────────────────────────────────────────────────


def thread_of(complaint: Complaint) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for the next e-mail about the complaint: it answers the customer's latest
    mail (else the one that opened the complaint, else our latest), and references the conversation's mails
    (the first and the latest few)."""
    mails: list[tuple[dt.datetime, int, str, bool]] = []
    for at, pk, data in Event.objects.filter(
        complaint_id=complaint.pk, action__in=("create", "customer_message")
    ).values_list("at", "id", "data"):
        mid = (data or {}).get("message_id")
        if isinstance(mid, str) and mid.strip():
            mails.append((at, pk, mid.strip(), True))
    for at, pk, mid in OutboundMessage.objects.filter(
        complaint_id=complaint.pk, channel=MessageChannel.EMAIL
    ).values_list("created_at", "event_id", "message_id"):
        if mid:
            mails.append((at, pk or 0, mid, False))
    mails.sort(key=lambda m: (m[0], m[1]))
    ids = list(dict.fromkeys(m[2] for m in mails))
    if not ids:
        return "", []
    theirs = [m[2] for m in mails if m[3]]
    in_reply_to = theirs[-1] if theirs else ids[-1]
    references = ids if len(ids) <= REFERENCES_KEPT else [ids[0], *ids[-(REFERENCES_KEPT - 1) :]]
    return in_reply_to, references


# ── queuing ─────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Draft:
    """One message ready to queue."""

    key: str  # unique: "auto:<event id>", "reply:<event id>"
    template: str
    channel: str
    to: str
    language: str
    subject: str
    text: str
    automatic: bool
    headers: dict[str, str] = field(default_factory=dict)


def queue(
    complaint: Complaint,
    draft: Draft,
    *,
    event: Event | None,
    actor,
    now: dt.datetime,
    gateway: SmsGateway | None = None,
) -> OutboundMessage:
    """The OutboundMessage and its Delivery, in the caller's transaction (sent after commit)."""
    message_id = in_reply_to = ""
    if draft.channel == MessageChannel.EMAIL:
        message_id = addresses.make_message_id(complaint.number, draft.template.replace("_", "-"))
        in_reply_to, references = thread_of(complaint)
        headers = {"Message-ID": message_id}
        if in_reply_to:
            headers["In-Reply-To"] = in_reply_to
            headers["References"] = " ".join(references)
        if draft.automatic:
            headers["Auto-Submitted"] = AUTO_SUBMITTED
        payload = {
            "customer": True,
            "number": complaint.number,
            "subject": draft.subject,
            "text": draft.text,
            "from": addresses.complaints_address(),
            "reply_to": addresses.complaints_address(),
            "headers": headers,
        }
        channel = Channel.EMAIL
    else:
        gateway = gateway or sms_gateway()
        payload = {
            "customer": True,
            "number": complaint.number,
            "text": draft.text,
            "gateway": gateway.pk if gateway else None,
            "reference": f"{complaint.number}:{draft.key}"[:64],
        }
        channel = Channel.SMS
    row = delivery.queue(
        key=f"customer:{draft.key}",
        channel=channel,
        target=draft.to,
        kind=f"customer_{draft.template}",
        payload=payload,
        now=now,
    )
    return OutboundMessage.objects.create(
        complaint=complaint,
        event=event,
        key=draft.key,
        template=draft.template,
        channel=draft.channel,
        to=draft.to,
        language=draft.language,
        subject=draft.subject if draft.channel == MessageChannel.EMAIL else "",
        body=draft.text,
        message_id=message_id,
        in_reply_to=in_reply_to,
        delivery=row,
        created_by=actor,
        created_at=now,
    )


# ── automatic messages ──────────────────────────────────────────────────────────────────────────────


def _extra_values(event: Event, complaint: Complaint, language: str) -> dict[str, str]:
    data = event.data or {}
    if event.action == "create":
        return {"due": local_time(first_response_due(complaint), language)}
    if event.action == "propose_solution":
        return {"solution": str(data.get("detail") or complaint.solution_detail)}
    if event.action == "resolve":
        return {"resolution": str(data.get("summary") or complaint.resolution_summary), "rate_url": rate_url(complaint)}
    if event.action == "reject":
        return {"reply": str(data.get("reply") or complaint.reject_reply)}
    return {}


def send_automatic(event: Event) -> OutboundMessage | None:
    """The automatic message the event calls for, once. None when none is due or it was sent before."""
    template = AUTOMATIC.get(event.action)
    if template is None:
        return None
    if event.action == "create" and (event.data or {}).get("via") == "import":
        return None
    key = f"auto:{event.pk}"
    if OutboundMessage.objects.filter(key=key).exists():
        return None
    complaint = Complaint.objects.select_related("customer").get(pk=event.complaint_id)
    gateway = sms_gateway() if complaint.customer.phone else None
    channels = contact_channels(complaint, gateway=gateway)
    if not channels:
        return None
    channel, to = next(iter(channels.items()))
    if channel == MessageChannel.SMS:
        template = f"{template}_sms"
    language = customer_language(complaint)
    with translation.override(language):
        values = values_for(complaint, language, **_extra_values(event, complaint, language))
        subject, text = compose(template, language, values)
    draft = Draft(
        key=key,
        template=template,
        channel=channel,
        to=to,
        language=language,
        subject=subject,
        text=text,
        automatic=True,
    )
    now = event.at
    try:
        with transaction.atomic():
            sent = record_event(
                complaint,
                actor=None,
                now=now,
                action="message_sent",
                to_status=complaint.status,
                from_status=complaint.status,
                data={"text": text, "channel": channel, "template": template, "sent_to": mask(channel, to)},
                internal=False,
            )
            return queue(complaint, draft, event=sent, actor=None, now=now, gateway=gateway)
    except IntegrityError:  # the same event handled twice at once: the other one sent it
        return None


def on_event(event: Event) -> None:
    """The subscriber (apps.py). A failure is logged by the timeline's robust after-commit call and never
    undoes the action that caused it."""
    send_automatic(event)
