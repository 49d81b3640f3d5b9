"""Notifications: in-app always; e-mail and department webhooks queued with them (see delivery.py).

Each notification has a key, so a job that runs twice notifies once — and sends each e-mail and
webhook call once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from kesu.core.errors import ValidationFailed

from . import delivery
from .models import EmailMode, Notification, NotificationPreference
from .text import Text, is_text, render_org


def build(
    users: Iterable,
    *,
    kind: str,
    title: str | Text,
    body: str | Text = "",
    complaint=None,
    key: str,
    now: dt.datetime,
) -> list[Notification]:
    """One unsaved notification per distinct user; `key` + user id is unique in the database.

    `title` and `body` are messages (`text.msg`), each reader sees them in their language; the row also keeps
    them in the organisation's language (search, e-mail, robots). Plain text is stored as it is."""
    stored = {}
    if is_text(title):
        stored["title"] = title
    if is_text(body):
        stored["body"] = body
    title_, body_ = render_org(title), render_org(body)
    return [
        Notification(
            user=user,
            complaint=complaint,
            kind=kind,
            title=title_[:200],
            body=body_,
            text=stored,
            key=f"{key}:{user.pk}",
            created_at=now,
        )
        for user in {u.pk: u for u in users if u is not None}.values()
    ]


def send(rows: list[Notification]) -> None:
    """Store them; a key already stored (a job that ran before) is skipped, not duplicated. In the same
    transaction, queue their e-mails and webhook calls; the worker sends them after commit."""
    if not rows:
        return
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        delivery.plan(rows)


def notify(users: Iterable, **kwargs) -> None:
    send(build(users, **kwargs))


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None, *, now: dt.datetime) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.update(read_at=now)


def preferences_of(user) -> dict:
    """The channels a user receives notifications on: in-app always, e-mail when on and possible, each at once
    or gathered into an hourly or daily digest."""
    pref = NotificationPreference.objects.filter(user=user).first()
    wanted = pref.email if pref is not None else True
    return {
        "in_app": True,
        "email": bool(wanted and user.email),
        "email_address": user.email or None,
        "email_mode": pref.email_mode if pref is not None else EmailMode.EACH,
    }


def set_preferences(user, *, email: bool, email_mode: str | None = None) -> dict:
    if email and not user.email:
        raise ValidationFailed(_("Your account has no e-mail address: ask an administrator to add one."), field="email")
    defaults: dict = {"email": email}
    if email_mode is not None:
        if email_mode not in EmailMode.values:
            raise ValidationFailed(
                _("Choose one of: %(modes)s.") % {"modes": ", ".join(EmailMode.values)}, field="email_mode"
            )
        defaults["email_mode"] = email_mode
    NotificationPreference.objects.update_or_create(user=user, defaults=defaults)
    return preferences_of(user)
