"""The weekly report and the monthly summary, e-mailed to the recipients the administrator names.

    send_due(now=now)                       the worker, every hour: each report whose time has come
    send_period(period, now=now)            `manage.py send_reports`: one period, now

When: a week's report is due from Monday 08:00 (SEND_HOUR, the organisation's time zone) after it, a month's
from 08:00 on the 1st after it. The worker looks every hour, so it sends at the first look after that time,
retries a failed delivery at each later look (at most MAX_ATTEMPTS times) and catches up after it was stopped
over the hour — until the next period begins.

Once: each recipient, kind and period has one ReportDelivery row (unique). A run claims the row before it
sends (a conditional UPDATE: the other run, or a restarted worker, finds it claimed or sent and sends
nothing) and marks it sent after the SMTP server accepted the message. A worker killed between those two
moments leaves the row claimed until CLAIM expires; then it is sent again: at least once, and twice only then.

Whose data: a recipient who is a user gets the report that user would download (their role must read reports,
their data scope, and the recipient's department if one is set). An address without a user has no scope of its
own; the model refuses one unless an administrator ticked "may receive the organisation's data", and it then
reads as the organisation (ORGANISATION_READER: every complaint, or the department chosen). Phones are masked in
every report, as in the API.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.core.errors import DomainError
from kesu.documents.pdf import PdfUnavailable

from . import exports, periods
from .models import DeliveryStatus, ReportDelivery, ReportRecipient
from .periods import Period

log = logging.getLogger(__name__)

SEND_HOUR = 8  # local time on the Monday / the 1st after the period
MAX_ATTEMPTS = 6  # failed sends retried by the hourly runs; `send_reports` tries again after that too
CLAIM = dt.timedelta(minutes=15)  # how long a run holds a delivery it is sending


def organisation_reader() -> User:
    """Who an address without a user reads as: an org-wide report reader. Never saved."""
    return User(username="organisation", role=Role.MANAGER, is_active=True)


def send_time(period: Period, tz: dt.tzinfo | None = None) -> dt.datetime:
    tz = tz or timezone.get_current_timezone()
    return dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(SEND_HOUR), tzinfo=tz)


@dataclass
class Outcome:
    period: str
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: int = 0
    planned: list[str] = field(default_factory=list)  # --dry-run: who would receive it

    def __str__(self) -> str:
        text = f"{self.period}: {len(self.sent)} sent, {len(self.failed)} failed, {self.skipped} already done"
        return text + (f", {len(self.planned)} planned" if self.planned else "")


def send_due(*, now: dt.datetime) -> list[Outcome]:
    """Every kind whose previous period's sending time has come (the worker's hourly job)."""
    outcomes = []
    for kind in periods.KINDS:
        period = periods.previous(kind, now=now)
        if now >= send_time(period):
            outcomes.append(send_period(period, now=now))
    return outcomes


def recipients_of(period: Period):
    return (
        ReportRecipient.objects.filter(active=True, **{period.kind: True})
        .select_related("user", "department")
        .order_by("id")
    )


def send_period(period: Period, *, now: dt.datetime, dry_run: bool = False, again: bool = False) -> Outcome:
    """Send `period`'s report to every active recipient of its kind who has not had it yet. `again`: also those
    whose delivery failed MAX_ATTEMPTS times (an operator asking by hand)."""
    outcome = Outcome(period.key)
    for recipient in recipients_of(period):
        if dry_run:
            done = ReportDelivery.objects.filter(
                recipient=recipient, kind=period.kind, period=period.key, status=DeliveryStatus.SENT
            ).exists()
            if done:
                outcome.skipped += 1
            else:
                outcome.planned.append(recipient.address or str(recipient))
            continue
        deliver(recipient, period, now=now, again=again, outcome=outcome)
    return outcome


def deliver(recipient: ReportRecipient, period: Period, *, now: dt.datetime, again: bool, outcome: Outcome) -> None:
    delivery, _created = ReportDelivery.objects.get_or_create(
        recipient=recipient, kind=period.kind, period=period.key, defaults={"created_at": now}
    )
    retryable = [DeliveryStatus.PENDING, DeliveryStatus.FAILED] + ([DeliveryStatus.GAVE_UP] if again else [])
    claimed = (
        ReportDelivery.objects.filter(pk=delivery.pk, status__in=retryable)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=now + CLAIM, attempts=F("attempts") + 1)
    )
    if not claimed:
        outcome.skipped += 1
        return
    address = recipient.address
    try:
        if not address:
            raise DomainError("validation_error", _("The recipient has no e-mail address."))
        message = compose(recipient, period, now=now, address=address)
        if not message.send():
            raise OSError("the SMTP server did not accept the message")
    except DomainError as exc:
        # The user may no longer read reports, or has no address: trying again will not help.
        _finish(delivery, DeliveryStatus.GAVE_UP, address=address, error=exc.message)
        outcome.failed.append(address or str(recipient))
        return
    except Exception as exc:  # SMTP refused or unreachable, a document failed: recorded, retried next run
        log.warning("report %s %s to %s failed: %s", period.kind, period.key, address, exc)
        attempts = ReportDelivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
        status = DeliveryStatus.GAVE_UP if attempts >= MAX_ATTEMPTS else DeliveryStatus.FAILED
        _finish(delivery, status, address=address, error=f"{type(exc).__name__}: {exc}"[:500])
        outcome.failed.append(address)
        return
    ReportDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=now, address=address, last_error="", claimed_until=None
    )
    outcome.sent.append(address)


def _finish(delivery: ReportDelivery, status: str, *, address: str, error: str) -> None:
    ReportDelivery.objects.filter(pk=delivery.pk).update(
        status=status, address=address, last_error=error, claimed_until=None
    )


def compose(recipient: ReportRecipient, period: Period, *, now: dt.datetime, address: str) -> EmailMessage:
    """The e-mail: a few lines of the summary, the workbook and the PDF attached, in the recipient's language."""
    reader = recipient.user if recipient.user_id else organisation_reader()
    department = recipient.department.code if recipient.department_id else None
    with translation.override(recipient.language):
        report = exports.build(period, user=reader, department=department, now=now)
        attachments = [(period.filename("xlsx"), exports.workbook(report), exports.XLSX)]
        try:
            attachments.append((period.filename("pdf"), exports.pdf(report), exports.PDF))
            printable = ""
        except PdfUnavailable:
            printable = _("The printable PDF could not be made on this server; the workbook has everything.")
        subject = f"[{report.organisation or 'kesu'}] {period.title} {period.key}"
        body = _body(report, printable)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def _body(report: exports.Report, printable: str) -> str:
    lines = [
        f"{report.organisation} {report.period.title}".strip(),
        report.period.label,
        report.scope_label,
        "",
        *(f"{name}: {'—' if value is None else value}" for name, value, _kind in exports.key_figures(report)),
    ]
    for name, met, breached, compliance in exports.sla_rows(report):
        share = "—" if compliance is None else f"{compliance:.1%}"
        lines.append(
            _("%(clock)s: %(met)d met, %(breached)d breached (%(share)s)")
            % {"clock": name, "met": met, "breached": breached, "share": share}
        )
    lines += [
        "",
        _("The workbook lists every complaint of the period; the PDF is for printing."),
        printable,
        "",
        _("Sent by kesu to the report recipients the administrator named; to stop, ask them."),
    ]
    return "\n".join(lines)
