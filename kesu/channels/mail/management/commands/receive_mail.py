"""`manage.py receive_mail` < message.eml: one mail handled; `--port N`: the SMTP receiver."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from kesu.channels.mail.models import MailVia
from kesu.channels.mail.receiver import handle_message


class Command(BaseCommand):
    help = (
        "Read one RFC 5322 message on stdin and handle it as the mail receivers do: print the complaint number "
        "on the last line, or 'ignored: <reason>'. With --port N, run the SMTP receiver on that port instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, help="run the SMTP receiver on this port")
        parser.add_argument("--host", default="127.0.0.1", help="the address the SMTP receiver listens on")

    def handle(self, *args, port=None, host="127.0.0.1", **options):
        if port is not None:
            from kesu.channels.mail.smtp import serve

            serve(host=host, port=port, out=self.stdout)
            return
        raw = sys.stdin.buffer.read()
        try:
            outcome = handle_message(raw, now=timezone.now(), via=MailVia.STDIN)
        except Exception as exc:
            # The mail could not be stored now (the database away): exit 75, EX_TEMPFAIL, so a mail server
            # piping to this command keeps the message and tries again (handling is idempotent).
            self.stderr.write(f"not handled, try again later: {exc}")
            sys.exit(75)
        self.stdout.write(outcome.line())
