"""Background job of e-mail in: the complaints mailbox polled every minute, when KESU_IMAP_URL is set."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import imap


@db_periodic_task(crontab(minute="*"))
@lock_task("kesu-fetch-mail")  # a slow poll is never overlapped by the next minute's (or another consumer's)
def fetch_mail_every_minute() -> str:
    if not settings.KESU_IMAP_URL:
        return "off"
    return imap.poll(settings.KESU_IMAP_URL, now=timezone.now()).summary()
