"""E-mails and webhook calls as rows: created with their notifications, sent by the background worker.

Creating (`plan`, called by services.send inside the caller's transaction): one Delivery per new
notification whose user wants e-mail, and one per event and matching department webhook, bulk
inserted with unique keys (a second send of the same notification adds nothing). After commit one
kick enqueues the `deliver_pending` task; a periodic task also runs every minute, so a lost kick or a
crashed worker only delays a message. `queue` adds one delivery of its own (a message to a customer by
e-mail or SMS: its payload carries the text, the sender and the threading headers as written).

Sending (`deliver_batch` / `deliver_due`): due rows are claimed in a short transaction with
SELECT … FOR UPDATE SKIP LOCKED (SQLite: its write lock serialises claimers), leased by moving
`next_attempt_at` past the batch's run time and counting the attempt; then sent outside any
transaction, each result written at once. A failure waits 1, 2, 4, 8 … minutes (capped) before the
next attempt and after KESU_DELIVERY_MAX_ATTEMPTS attempts the row is `dead` for an administrator
to see (and retry) in the admin. A sent row is never claimed again: running the processor twice
sends nothing twice. Delivery is at least once: a worker killed between the SMTP/HTTP call and the
status update resends that one message after the lease.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Q, When

from . import messages
from .models import Channel, DeliveryStatus, DepartmentWebhook, EmailMode, Notification, NotificationPreference
from .models import Delivery as DeliveryRow
from .senders import DeliveryFailed, Mailer, check_robot_answer, post_json, reason_of, send_sms

logger = logging.getLogger(__name__)

BATCH = 50
IN_CHUNK = 900  # ids per IN (…): under SQLite's 999 variables
DUE = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("KESU_DELIVERY_MAX_ATTEMPTS", 10)


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the n-th failed attempt: base, 2×base, 4×base … at most the cap."""
    base = _setting("KESU_DELIVERY_BACKOFF_SECONDS", 60)
    cap = _setting("KESU_DELIVERY_BACKOFF_MAX_SECONDS", 3600)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, min(attempts - 1, 30))))


def _lease() -> dt.timedelta:
    # Longer than a batch can take, each call waiting at most its timeout.
    timeout = max(_setting("KESU_WEBHOOK_TIMEOUT", 10), _setting("EMAIL_TIMEOUT", 10))
    return dt.timedelta(seconds=max(300, 2 * BATCH * timeout))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i : i + IN_CHUNK]


# ── creating ────────────────────────────────────────────────────────────────────────────────────────


def plan(rows: list[Notification]) -> int:
    """Delivery rows for these notifications (already inserted or skipped as seen before): a fixed
    number of queries whatever the number of rows (a few more per 900 distinct users or complaints).
    A failure here is logged and never undoes the caller's work."""
    try:
        with transaction.atomic():
            deliveries = _deliveries_for(rows)
            if deliveries:
                DeliveryRow.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
                kick_after_commit()
            return len(deliveries)
    except Exception:
        logger.exception("could not queue e-mail/webhook deliveries for %d notifications", len(rows))
        return 0


def _deliveries_for(rows: list[Notification]) -> list[DeliveryRow]:
    from kesu.accounts.models import User
    from kesu.complaints.models import Complaint

    users = {n.user_id: n.user for n in rows if Notification.user.is_cached(n)}
    missing = {n.user_id for n in rows} - users.keys()
    for chunk in _chunks(missing):
        users.update(User.objects.only("id", "email", "is_active").in_bulk(chunk))
    complaints = {n.complaint_id: n.complaint for n in rows if n.complaint_id and Notification.complaint.is_cached(n)}
    missing = {n.complaint_id for n in rows if n.complaint_id} - complaints.keys()
    for chunk in _chunks(missing):
        complaints.update(Complaint.objects.only("id", "number", "title", "department_id").in_bulk(chunk))

    mailable = {pk for pk, u in users.items() if u is not None and u.is_active and u.email}
    opted_out: set[int] = set()
    for chunk in _chunks(mailable):
        opted_out.update(
            # Off, or gathered into a digest (kesu.notifications.digest) instead of one e-mail each.
            NotificationPreference.objects.filter(user_id__in=chunk)
            .filter(Q(email=False) | ~Q(email_mode=EmailMode.EACH))
            .values_list("user_id", flat=True)
        )
    mailable -= opted_out

    hooks_by_department: dict[int | None, list[DepartmentWebhook]] = defaultdict(list)
    for hook in DepartmentWebhook.objects.filter(active=True).only("id", "department_id", "kinds"):
        hooks_by_department[hook.department_id].append(hook)

    deliveries: list[DeliveryRow] = []
    events_seen: set[str] = set()
    for n in rows:
        complaint = complaints.get(n.complaint_id) if n.complaint_id else None
        message = None
        if n.user_id in mailable:
            message = messages.message_of(n, complaint)
            deliveries.append(_row(n, Channel.EMAIL, users[n.user_id].email, f"email:{n.key}", message))
        event = n.event_key
        if not hooks_by_department or event in events_seen:
            continue
        events_seen.add(event)
        department = complaint.department_id if complaint is not None else None
        hooks = hooks_by_department.get(None, []) + (hooks_by_department.get(department, []) if department else [])
        for hook in hooks:
            if hook.receives(n.kind):
                message = message or messages.message_of(n, complaint)
                deliveries.append(_row(n, Channel.WEBHOOK, str(hook.id), f"webhook:{hook.id}:{event}", message))
    return deliveries


def _row(n: Notification, channel: str, target: str, key: str, payload: dict) -> DeliveryRow:
    return DeliveryRow(
        key=key[:255],
        notification_id=n.key,
        channel=channel,
        target=target,
        kind=n.kind,
        payload=payload,
        status=DeliveryStatus.PENDING,
        next_attempt_at=n.created_at,
        created_at=n.created_at,
    )


def queue(*, key: str, channel: str, target: str, kind: str, payload: dict, now: dt.datetime) -> DeliveryRow:
    """One delivery that belongs to no notification (a message to a customer), in the caller's
    transaction; the same key twice queues it once. Sent after commit like every other."""
    row, created = DeliveryRow.objects.get_or_create(
        key=key[:255],
        defaults={
            "channel": channel,
            "target": target,
            "kind": kind[:40],
            "payload": payload,
            "status": DeliveryStatus.PENDING,
            "next_attempt_at": now,
            "created_at": now,
        },
    )
    if created:
        kick_after_commit()
    return row


def kick_after_commit() -> None:
    """Enqueue `deliver_pending` once when the current transaction commits (once, however many
    sends the transaction made)."""
    connection = transaction.get_connection()
    if any(entry[1] is _kick for entry in connection.run_on_commit):
        return
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    from .tasks import deliver_pending

    try:
        deliver_pending()
    except Exception:  # the periodic task picks the rows up
        logger.exception("could not enqueue deliver_pending")


# ── sending ─────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0

    def __str__(self) -> str:
        return f"sent={self.sent} failed={self.failed} dead={self.dead}"

    def add(self, other: DeliveryResult) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.failed += other.failed
        self.dead += other.dead


def deliver_due(*, now: dt.datetime | None = None, clock: Callable[[], dt.datetime] | None = None) -> DeliveryResult:
    """Send everything due, batch after batch. `clock` (the worker's) gives each batch its own time;
    `now` (tests, one pass) uses one instant for all."""
    if clock is None:
        if now is None:
            raise TypeError("deliver_due needs now= or clock=")
        fixed = now

        def clock() -> dt.datetime:
            return fixed

    total = DeliveryResult()
    while True:
        result = deliver_batch(now=clock())
        if not result.claimed:
            return total
        total.add(result)


def deliver_batch(*, now: dt.datetime, size: int = BATCH) -> DeliveryResult:
    result = DeliveryResult()
    batch = _claim(now=now, size=size)
    result.claimed = len(batch)
    if not batch:
        return result
    hook_ids = [int(d.target) for d in batch if d.channel == Channel.WEBHOOK and d.target.isdigit()]
    hooks = DepartmentWebhook.objects.in_bulk(hook_ids) if hook_ids else {}
    mailer = Mailer()
    unreachable: dict[int, str] = {}
    try:
        for d in batch:
            try:
                if d.attempts > max_attempts():
                    raise DeliveryFailed(f"gave up after {d.attempts - 1} attempts", permanent=True)
                if d.channel == Channel.EMAIL:
                    _send_email(d, mailer)
                elif d.channel == Channel.SMS:
                    send_sms(d.payload, d.target)
                else:
                    _send_webhook(d, hooks, unreachable, now=now)
            except DeliveryFailed as exc:
                _failed(d, now=now, reason=exc.reason, permanent=exc.permanent, result=result)
            except Exception as exc:  # a bug must not stop the batch, nor lose the row
                logger.exception("delivery %s failed unexpectedly", d.pk)
                _failed(d, now=now, reason=reason_of(exc), permanent=False, result=result)
            else:
                DeliveryRow.objects.filter(pk=d.pk).update(status=DeliveryStatus.SENT, sent_at=now)
                result.sent += 1
    finally:
        mailer.close()
    return result


def _claim(*, now: dt.datetime, size: int) -> list[DeliveryRow]:
    with transaction.atomic():
        ids = list(
            DeliveryRow.objects.select_for_update(skip_locked=True)
            .filter(status__in=DUE, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return []
        DeliveryRow.objects.filter(id__in=ids).update(attempts=F("attempts") + 1, next_attempt_at=now + _lease())
        return list(DeliveryRow.objects.filter(id__in=ids).order_by("id"))


def _send_email(d: DeliveryRow, mailer: Mailer) -> None:
    msg = d.payload
    if msg.get("customer"):  # a message to a customer: its text, sender and threading headers as written
        mailer.send(
            to=d.target,
            subject=msg.get("subject", ""),
            text=msg.get("text", ""),
            from_email=msg.get("from", ""),
            reply_to=msg.get("reply_to", ""),
            headers=msg.get("headers") or {},
            attachments=_files(msg.get("attachments") or []),
        )
        return
    mailer.send(
        to=d.target, subject=messages.subject(msg), text=messages.email_text(msg), html=messages.email_html(msg)
    )


def _files(ids: list) -> list[tuple[str, bytes, str]]:
    """The complaint's attachments a customer e-mail carries (their ids in the payload), read when it is sent."""
    if not ids:
        return []
    from kesu.complaints.models import Attachment

    rows = Attachment.objects.in_bulk([i for i in ids if isinstance(i, int)])
    files = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            raise DeliveryFailed(f"attachment {pk} is gone", permanent=True)
        try:
            with row.file.open("rb") as fh:
                files.append((row.original_name, fh.read(), row.content_type))
        except OSError as exc:
            raise DeliveryFailed(f"attachment {pk} cannot be read: {reason_of(exc)}") from exc
    return files


def _send_webhook(d: DeliveryRow, hooks: dict, unreachable: dict[int, str], *, now: dt.datetime) -> None:
    hook = hooks.get(int(d.target)) if d.target.isdigit() else None
    if hook is None:
        raise DeliveryFailed("the webhook was deleted", permanent=True)
    if not hook.active:
        raise DeliveryFailed("the webhook is inactive", permanent=True)
    if hook.id in unreachable:
        raise DeliveryFailed(unreachable[hook.id], unreachable=True)
    url, body, headers = messages.webhook_request(
        hook.kind, url=hook.url, secret=hook.secret, msg=d.payload, delivery_key=d.key, now=now
    )
    try:
        answer = post_json(url, body, headers, timeout=_setting("KESU_WEBHOOK_TIMEOUT", 10))
        check_robot_answer(hook.kind, answer)
    except DeliveryFailed as exc:
        if exc.unreachable:
            unreachable[hook.id] = exc.reason
        raise


def _failed(d: DeliveryRow, *, now: dt.datetime, reason: str, permanent: bool, result: DeliveryResult) -> None:
    if permanent or d.attempts >= max_attempts():
        status, next_at = DeliveryStatus.DEAD, now
        result.dead += 1
    else:
        status, next_at = DeliveryStatus.FAILED, now + backoff(d.attempts)
        result.failed += 1
    # Only if nobody re-claimed the row meanwhile (its attempts would differ) and it was not sent.
    DeliveryRow.objects.filter(pk=d.pk, attempts=d.attempts).exclude(status=DeliveryStatus.SENT).update(
        status=status, next_attempt_at=next_at, last_error=reason[:2000]
    )
    logger.warning("delivery %s (%s → %s) failed: %s", d.pk, d.channel, d.target, reason)


def retry_now(ids: Iterable[int], *, now: dt.datetime) -> int:
    """Make these deliveries due now (an administrator's "retry now"); a dead one gets its attempts back."""
    with transaction.atomic():
        count = (
            DeliveryRow.objects.filter(id__in=list(ids))
            .exclude(status=DeliveryStatus.SENT)
            .update(
                attempts=Case(
                    When(status=DeliveryStatus.DEAD, then=0), default=F("attempts"), output_field=PositiveIntegerField()
                ),
                status=DeliveryStatus.PENDING,
                next_attempt_at=now,
            )
        )
        if count:
            kick_after_commit()
    return count
