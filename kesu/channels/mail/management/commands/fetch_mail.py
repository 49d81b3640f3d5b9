"""`manage.py fetch_mail`: poll the complaints mailbox (KESU_IMAP_URL) once."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kesu.channels.mail import imap


class Command(BaseCommand):
    help = "Fetch the mail waiting in the IMAP mailbox KESU_IMAP_URL names (imaps://user:pass@host/INBOX) once."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="the mailbox, instead of KESU_IMAP_URL")

    def handle(self, *args, url=None, **options):
        url = url or settings.KESU_IMAP_URL
        if not url:
            raise CommandError("KESU_IMAP_URL is not set (imaps://user:password@host/INBOX).")
        try:
            result = imap.poll(url, now=timezone.now())
        except imap.MailboxError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
