"""The SMTP receiver (aiosmtpd): for sites whose mail server delivers the complaints address straight to kesu.

`manage.py receive_mail --port 2525` listens; the site's MTA relays mail for the complaints address to it
(Postfix: a transport map entry `tousu@example.com smtp:[127.0.0.1]:2525`). Each message is handled as
`receive_mail` on stdin handles it, in a worker thread (the ORM is synchronous). The answers:

- RCPT to any address other than the complaints address: 550 (we are no open relay);
- a message over KESU_MAIL_MAX_BYTES: 552 (aiosmtpd's size limit, announced in EHLO SIZE);
- handled (a complaint, a customer message, or ignored — an auto-reply is accepted and dropped, never
  bounced, which would answer a robot with a robot): 250;
- the database failing: 451, so the sending server keeps the mail and tries again (idempotent on Message-ID).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from email.utils import parseaddr

from aiosmtpd.controller import Controller
from django.db import close_old_connections
from django.utils import timezone

from kesu.channels.addresses import complaints_address

from . import loops
from .models import MailVia
from .receiver import Outcome, handle_message

log = logging.getLogger(__name__)


def _handle(raw: bytes, envelope_from: str) -> Outcome:
    # As a request does: a connection past CONN_MAX_AGE or broken is replaced, a healthy one kept.
    close_old_connections()
    try:
        return handle_message(raw, now=timezone.now(), via=MailVia.SMTP, envelope_from=envelope_from)
    finally:
        close_old_connections()


class KesuHandler:
    """aiosmtpd handler: recipients checked at RCPT, each message handled at DATA."""

    def __init__(self, workers: int = 4):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kesu-mail")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if parseaddr(address)[1].lower() != parseaddr(complaints_address())[1].lower():
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        sender = (envelope.mail_from or "").strip()
        if sender == "<>":  # the null reverse path of every delivery report
            sender = ""
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(self.executor, _handle, raw, sender)
        except Exception:
            log.exception("mail from %s not handled", envelope.mail_from)
            return "451 4.3.0 Not handled now, try again later"
        return f"250 2.0.0 OK {outcome.line()}"


def controller(host: str, port: int) -> Controller:
    return Controller(
        KesuHandler(),
        hostname=host,
        port=port,
        server_kwargs={"data_size_limit": loops.max_bytes(), "enable_SMTPUTF8": True},
    )


def serve(*, host: str, port: int, out) -> None:
    """Run the receiver until SIGTERM or SIGINT."""
    server = controller(host, port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())
    server.start()
    out.write(f"SMTP receiver listening on {host}:{port} for {parseaddr(complaints_address())[1]}")
    out.flush()
    try:
        stop.wait()
    finally:
        server.stop()
