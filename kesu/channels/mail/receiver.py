"""One mail in, one outcome: a new complaint, a customer message on its complaint, or ignored with a reason.

`handle_message` is what `receive_mail` (stdin), the SMTP receiver and the IMAP poller all call. Threading:

1. In-Reply-To, then References (nearest first): an id of a mail we already received (the customer's own
   thread) → its complaint; an id kesu made (addresses.number_from_message_id) → its complaint, when the
   sender is the complaint's customer.
2. A complaint number in the subject ("Re: [KS-20261122-00042] …") → that complaint, when the sender is its
   customer.
3. Otherwise a new complaint. A number in the subject or a kesu id is guessable, so a reply naming a
   complaint from an address that is not its customer's does not post into it: it becomes a new complaint
   of its own (the customer found by their address), and its create event names the complaint it referred
   to (`refers_to`), so staff can link or merge them. A reply to an archived complaint (read-only) becomes a
   new complaint too, mentioning the old number in its text and its create event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.channels.addresses import number_from_message_id, numbers_in
from kesu.complaints.actions import ComplaintInput, CustomerInput, do_create, do_customer_message
from kesu.complaints.attachments import (
    check_claimed_type,
    check_upload_size,
    clean_file_name,
    content_kind,
    do_add_attachment,
)
from kesu.complaints.models import Complaint
from kesu.complaints.models.attachment import EvidenceSource
from kesu.complaints.states import Status
from kesu.core.errors import DomainError

from . import loops
from .models import InboundMail, MailOutcome, MailVia
from .parsing import ParsedMail, parse, parse_headers, title_of

TITLE_MAX = 200
TEXT_MAX = 20000  # what a customer message keeps (do_customer_message's limit)


@dataclass
class Outcome:
    outcome: str  # created | threaded | ignored
    number: str = ""
    reason: str = ""
    duplicate: bool = False  # this Message-ID was handled before: nothing stored now
    refused_files: list[dict] = field(default_factory=list)

    def line(self) -> str:
        """What `receive_mail` prints last: the complaint number, or "ignored: <reason>"."""
        return self.number if self.outcome != MailOutcome.IGNORED else f"ignored: {self.reason}"


def _key(message_id: str) -> str:
    if len(message_id) <= 255:
        return message_id
    return f"<sha256.{hashlib.sha256(message_id.encode()).hexdigest()}@long-message-id>"


def _replay(key: str) -> Outcome | None:
    # Unordered: the unique index answers; a default ordering would let the planner walk received_at instead.
    found = list(InboundMail.objects.filter(message_id=key).select_related("complaint").order_by()[:1])
    if not found:
        return None
    record = found[0]
    return Outcome(
        outcome=record.outcome,
        number=record.complaint.number if record.complaint_id else "",
        reason=record.reason,
        duplicate=True,
        refused_files=record.refused_files,
    )


def handle_message(
    raw: bytes, *, now: dt.datetime, via: str = MailVia.STDIN, envelope_from: str | None = None
) -> Outcome:
    """Handle one RFC 5322 message (bytes as received). Idempotent on its Message-ID (a mail without one: on
    its bytes). Raises only for failures worth a retry (the database away); bad mail is an outcome."""
    too_large = len(raw) > loops.max_bytes()
    mail = parse_headers(raw) if too_large else parse(raw)
    key = _key(mail.message_id)
    replay = _replay(key)
    if replay is not None:
        return replay
    reason = loops.ignore_reason(mail, envelope_from=envelope_from)
    if reason is None and not (mail.text or mail.subject or mail.files):
        reason = "empty"
    if reason is not None:
        return _store(mail, key=key, via=via, now=now, outcome=MailOutcome.IGNORED, reason=reason)
    files, refused = _checked_files(mail)
    target, refers_to = _thread_target(mail)
    if target is not None and target.status == Status.MERGED:
        from kesu.complaints.merging import survivor_of

        target = survivor_of(target)  # a reply to a merged duplicate belongs on the complaint it was merged into
    if target is not None:
        if target.status != Status.ARCHIVED:
            try:
                return _thread(mail, target, key=key, via=via, now=now, files=files, refused=refused, raw=raw)
            except DomainError as exc:
                if exc.code != "read_only":  # archived between the look-up and the lock
                    raise
        refers_to = target.number
    return _create(mail, key=key, via=via, now=now, files=files, refused=refused, raw=raw, refers_to=refers_to)


# ---------------------------------------------------------------------------------------------


def _thread_target(mail: ParsedMail) -> tuple[Complaint | None, str]:
    """(the complaint this mail answers, or None; the number it referred to without being allowed in)."""
    sender = mail.from_address
    refers_to = ""
    ids = mail.thread_ids
    if ids:
        known = {
            r.message_id: r.complaint
            for r in InboundMail.objects.filter(
                message_id__in=[_key(i) for i in ids], complaint__isnull=False
            ).select_related("complaint__customer")
        }
        for message_id in ids:
            if _key(message_id) in known:
                return known[_key(message_id)], ""
            number = number_from_message_id(message_id)
            if number:
                complaint = _complaint(number)
                if complaint is not None and _is_customer(complaint, sender):
                    return complaint, ""
                if complaint is not None and not refers_to:
                    refers_to = complaint.number
    for number in numbers_in(mail.subject):
        complaint = _complaint(number)
        if complaint is not None and _is_customer(complaint, sender):
            return complaint, ""
        if complaint is not None and not refers_to:
            refers_to = complaint.number
    return None, refers_to


def _complaint(number: str) -> Complaint | None:
    found = list(Complaint.objects.filter(number=number).select_related("customer").order_by()[:1])
    return found[0] if found else None


def _is_customer(complaint: Complaint, sender: str) -> bool:
    email = (complaint.customer.email or "").lower() if complaint.customer_id else ""
    return bool(email) and email == sender


def _checked_files(mail: ParsedMail) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """The attachments evidence accepts, and the ones it refuses ({"name", "reason"}): a refused file is
    skipped, the mail is still handled. The same checks as every upload (size, content, name's promise)."""
    accepted: list[tuple[str, bytes]] = []
    refused: list[dict] = []
    for item in mail.files:
        name = clean_file_name(item.name).replace("\x00", "")
        try:
            check_upload_size(len(item.content))
            kind = content_kind(item.content, name)
            if kind is None:
                raise DomainError("unsupported_media_type", _("This kind of file is not accepted."), field="file")
            check_claimed_type(name, kind, item.declared_type)
        except DomainError as exc:
            refused.append({"name": name, "reason": exc.code})
            continue
        accepted.append((name, item.content))
    return accepted, refused


def _original(mail: ParsedMail, raw: bytes, now: dt.datetime) -> list[tuple[str, bytes]]:
    """The message as received, kept as a file (.eml) when it is within the upload limit."""
    if len(raw) > settings.KESU_MAX_UPLOAD_BYTES:
        return []
    return [(f"mail-{now:%Y%m%d-%H%M%S}.eml", raw)]


def _store(
    mail: ParsedMail, *, key: str, via: str, now: dt.datetime, outcome: str, reason: str = "", **extra
) -> Outcome:
    try:
        with transaction.atomic():
            record = _record(mail, key=key, via=via, now=now, outcome=outcome, reason=reason, **extra)
    except IntegrityError:
        return _replay(key) or Outcome(outcome=outcome, reason=reason, duplicate=True)
    return Outcome(outcome=record.outcome, reason=record.reason)


def _record(
    mail: ParsedMail,
    *,
    key: str,
    via: str,
    now: dt.datetime,
    outcome: str,
    reason: str = "",
    complaint=None,
    refused=None,
) -> InboundMail:
    return InboundMail.objects.create(
        message_id=key,
        outcome=outcome,
        reason=reason,
        complaint=complaint,
        from_address=mail.from_address[:254],
        subject=mail.subject[:255],
        size=mail.size,
        via=via,
        refused_files=refused or [],
        received_at=now,
    )


def _event_data(mail: ParsedMail, refused: list[dict]) -> dict:
    data: dict = {"message_id": mail.message_id, "subject": mail.subject}
    if refused:
        # A line the timeline shows as it is ("Refused files: setup.exe, …"); the reasons are on the mail's record.
        data["refused_files"] = ", ".join(item["name"] for item in refused)
    return data


def _thread(
    mail: ParsedMail,
    complaint: Complaint,
    *,
    key: str,
    via: str,
    now: dt.datetime,
    files: list[tuple[str, bytes]],
    refused: list[dict],
    raw: bytes,
) -> Outcome:
    text = mail.text or mail.subject
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    try:
        with transaction.atomic():
            # The record first: a second copy of this mail arriving at the same moment waits here for the
            # first one's commit and then fails on the unique Message-ID, before writing anything.
            _record(mail, key=key, via=via, now=now, outcome=MailOutcome.THREADED, complaint=complaint, refused=refused)
            do_customer_message(
                complaint, now=now, text=text, via="email", attachments=files, data=_event_data(mail, refused)
            )
            # The original is the company's record of the mail, not a file the customer sent: not counted in
            # the message (the customer's tracking page would show it as their attachment).
            for filename, content in _original(mail, raw, now):
                do_add_attachment(
                    complaint, actor=None, now=now, content=content, filename=filename, source=EvidenceSource.CUSTOMER
                )
    except IntegrityError:
        replay = _replay(key)
        if replay is None:
            raise
        return replay
    return Outcome(outcome=MailOutcome.THREADED, number=complaint.number, refused_files=refused)


def _create(
    mail: ParsedMail,
    *,
    key: str,
    via: str,
    now: dt.datetime,
    files: list[tuple[str, bytes]],
    refused: list[dict],
    raw: bytes,
    refers_to: str = "",
) -> Outcome:
    name = mail.from_name or mail.from_address.partition("@")[0]
    title = title_of(mail.subject)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    description = mail.text
    if refers_to:
        with translation.override(settings.LANGUAGE_CODE):
            note = _("(This e-mail refers to complaint %(number)s.)") % {"number": refers_to}
        description = f"{description}\n\n{note}" if description else note
    if not title and not description:
        title = _original_names(files) or mail.from_address
    event_data = {"via": "email", **_event_data(mail, refused)}
    if refers_to:
        event_data["refers_to"] = refers_to

    def store_mail(complaint: Complaint) -> None:
        _record(mail, key=key, via=via, now=now, outcome=MailOutcome.CREATED, complaint=complaint, refused=refused)
        for filename, content in files + _original(mail, raw, now):
            do_add_attachment(
                complaint, actor=None, now=now, content=content, filename=filename, source=EvidenceSource.CUSTOMER
            )

    data = ComplaintInput(
        channel="email",
        title=title,
        description=description,
        customer=CustomerInput(name=name[:100], email=mail.from_address),
        received_at=now,
    )
    try:
        complaint, _created = do_create(data, actor=None, now=now, event_data=event_data, on_created=store_mail)
    except IntegrityError:
        replay = _replay(key)
        if replay is None:
            raise
        return replay
    except DomainError as exc:
        # What the mail says cannot make a complaint (a name or subject kesu refuses): recorded, not retried.
        return _store(mail, key=key, via=via, now=now, outcome=MailOutcome.IGNORED, reason=f"invalid:{exc.code}"[:40])
    return Outcome(outcome=MailOutcome.CREATED, number=complaint.number, refused_files=refused)


def _original_names(files: list[tuple[str, bytes]]) -> str:
    return ", ".join(name for name, _content in files)[:TITLE_MAX]
