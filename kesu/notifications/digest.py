"""E-mail digests: people who chose an hourly or daily digest get one e-mail listing what happened, grouped per
complaint as the inbox shows it, instead of one e-mail per notification (the in-app inbox is unchanged).

The worker runs `send_digests` at the top of every hour; a daily digest goes out at DAILY_HOUR local time. Each
digest is queued as an ordinary e-mail delivery (retried like every other) under a key naming the user and the
hour, so a run repeated in the same hour sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import delivery
from .grouping import group
from .messages import _org_language, complaint_url
from .models import Channel, EmailMode, Notification, NotificationPreference

DAILY_HOUR = 8
PERIOD = {EmailMode.HOURLY: dt.timedelta(hours=1), EmailMode.DAILY: dt.timedelta(days=1)}
MAX_NOTICES = 50


def _due(pref: NotificationPreference, now: dt.datetime) -> bool:
    if pref.email_mode == EmailMode.DAILY and timezone.localtime(now).hour != DAILY_HOUR:
        return False
    last = pref.digest_sent_at
    # A little slack: the hourly run may start a few seconds earlier than the last one did.
    return last is None or now - last >= PERIOD[pref.email_mode] - dt.timedelta(minutes=5)


def digest_payload(rows: list[Notification], *, mode: str) -> dict:
    notices = group(rows)
    complaints = {n.complaint_id for n in rows if n.complaint_id}
    with _org_language():
        period = _("Your hourly digest") if mode == EmailMode.HOURLY else _("Your daily digest")
        title = "%s: %s" % (  # noqa: UP031 - two translated halves
            period,
            ngettext("%(n)s notice", "%(n)s notices", len(notices)) % {"n": len(notices)}
            + ngettext(" about %(c)s complaint", " about %(c)s complaints", len(complaints)) % {"c": len(complaints)},
        )
        lines = []
        for notice in notices[:MAX_NOTICES]:
            n = notice.first
            when = timezone.localtime(n.created_at).strftime("%m-%d %H:%M")
            head = f"{when}  {n.title}"
            if notice.more:
                head += "  " + _("(and %(n)s more)") % {"n": len(notice.more)}
            lines.append(head)
            for other in notice.more:
                lines.append(f"    · {other.title}")
            if n.complaint_id:
                lines.append(f"    {complaint_url(n.complaint.number)}")
        if len(notices) > MAX_NOTICES:
            lines.append(_("… and %(n)s more in the application.") % {"n": len(notices) - MAX_NOTICES})
    return {
        "kind": "digest",
        "title": title,
        "body": "\n".join(lines),
        "created_at": rows[0].created_at.isoformat() if rows else "",
        "complaint": None,
    }


def send_digests(*, now: dt.datetime) -> int:
    """Queue the digests due now; returns how many were queued."""
    sent = 0
    prefs = NotificationPreference.objects.filter(
        email=True, email_mode__in=[EmailMode.HOURLY, EmailMode.DAILY], user__is_active=True
    ).select_related("user")
    for pref in prefs:
        if not pref.user.email or not _due(pref, now):
            continue
        since = pref.digest_sent_at or now - PERIOD[pref.email_mode]
        rows = list(
            Notification.objects.filter(user=pref.user, created_at__gt=since, created_at__lte=now)
            .select_related("complaint")
            .order_by("-created_at", "-id")
        )
        with transaction.atomic():
            if rows:
                delivery.queue(
                    key=f"digest:{pref.user_id}:{timezone.localtime(now):%Y%m%d%H}",
                    channel=Channel.EMAIL,
                    target=pref.user.email,
                    kind="digest",
                    payload=digest_payload(rows, mode=pref.email_mode),
                    now=now,
                )
                sent += 1
            NotificationPreference.objects.filter(pk=pref.pk).update(digest_sent_at=now)
    return sent
