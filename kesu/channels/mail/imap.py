"""IMAP polling: the organisation's complaints mailbox read once per call (the worker calls it every minute).

KESU_IMAP_URL names the mailbox: `imaps://user:password@host[:993]/INBOX` (TLS from the first byte) or
`imap://user:password@host[:143]/INBOX` (STARTTLS, required: a server that does not offer it is refused
before the password is sent). User and password are percent-encoded in the URL (`@` → `%40`). The server's
certificate is verified against the system's CAs, or KESU_IMAP_CA_FILE (a PEM file) for a private CA.

Each waiting message is fetched without marking it read (BODY.PEEK), handled by `handle_message`, and
then moved to the folder KESU_IMAP_PROCESSED_FOLDER (default "kesu/processed", created when missing; with
the server's own hierarchy separator): MOVE where the server has it, else COPY, \\Deleted and EXPUNGE. With
KESU_IMAP_PROCESSED_FOLDER set to "" the messages stay where they are, flagged \\Seen and $KesuProcessed,
and later polls skip that keyword. A message whose handling fails (the database away) is left in place for
the next poll; a message handled but not moved (the connection lost) is handled again next time and found
by its Message-ID: nothing is stored twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings

from .models import MailVia
from .receiver import handle_message

log = logging.getLogger(__name__)

KEYWORD = "$KesuProcessed"
DEFAULT_FOLDER = "kesu/processed"
TIMEOUT = 60
BATCH = 200  # messages per poll: a full mailbox is worked through over several minutes, memory stays small


class MailboxError(Exception):
    """The mailbox cannot be read (bad URL, refused login, no TLS): the message says which, never the password."""


@dataclass
class PollResult:
    outcomes: dict[str, int] = field(default_factory=dict)  # created / threaded / ignored / duplicate
    failed: int = 0
    left: int = 0  # waiting beyond this poll's batch

    def summary(self) -> str:
        parts = [f"{name} {count}" for name, count in sorted(self.outcomes.items())]
        if self.failed:
            parts.append(f"failed {self.failed}")
        if self.left:
            parts.append(f"left {self.left}")
        return ", ".join(parts) or "no new mail"


@dataclass
class Mailbox:
    secure: str  # "tls" | "starttls"
    host: str
    port: int
    user: str
    password: str
    folder: str


def parse_url(url: str) -> Mailbox:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise MailboxError(f"KESU_IMAP_URL is not a valid URL: {exc}") from None
    if parts.scheme not in ("imaps", "imap"):
        raise MailboxError("KESU_IMAP_URL must start with imaps:// (TLS) or imap:// (STARTTLS).")
    if not parts.hostname or not parts.username:
        raise MailboxError("KESU_IMAP_URL must name the user and the host: imaps://user:password@host/INBOX.")
    return Mailbox(
        secure="tls" if parts.scheme == "imaps" else "starttls",
        host=parts.hostname,
        port=port or (993 if parts.scheme == "imaps" else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=getattr(settings, "KESU_IMAP_CA_FILE", "") or None)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(result: tuple, what: str) -> list:
    typ, data = result
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise MailboxError(f"{what}: {detail}")
    return data


def connect(box: Mailbox) -> imaplib.IMAP4:
    try:
        if box.secure == "tls":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=_context(), timeout=TIMEOUT)
        else:
            conn = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT)
            if "STARTTLS" not in conn.capabilities:
                conn.shutdown()
                raise MailboxError(f"{box.host} offers no STARTTLS: the password is not sent in clear.")
            conn.starttls(ssl_context=_context())
        conn.login(box.user, box.password)
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"IMAP {box.host}:{box.port}: {exc}") from None
    return conn


def _capabilities(conn: imaplib.IMAP4) -> set[str]:
    data = _check(conn.capability(), "CAPABILITY")
    return {c.upper() for c in b" ".join(data).decode("ascii", "replace").split()}


def _processed_folder(conn: imaplib.IMAP4, name: str) -> str:
    """The processed folder's name with the server's hierarchy separator, created when missing."""
    typ, data = conn.list('""', '""')
    separator = "/"
    if typ == "OK" and data and data[0]:
        match = re.search(rb'\) "(.*?)" ', data[0])
        if match and match.group(1):
            separator = match.group(1).decode()
    folder = separator.join(part for part in name.split("/") if part)
    typ, data = conn.list('""', _quote(folder))
    if not (typ == "OK" and data and data[0]):
        _check(conn.create(_quote(folder)), f"CREATE {folder}")
    return folder


def poll(url: str, *, now: dt.datetime, batch: int = BATCH) -> PollResult:
    box = parse_url(url)
    result = PollResult()
    conn = connect(box)
    try:
        _check(conn.select(_quote(box.folder)), f"SELECT {box.folder}")
        name = getattr(settings, "KESU_IMAP_PROCESSED_FOLDER", DEFAULT_FOLDER)
        folder = _processed_folder(conn, name) if name else ""
        can_move = "MOVE" in _capabilities(conn)
        criteria = "UNDELETED" if folder else f"UNDELETED NOT KEYWORD {KEYWORD}"
        uids = _check(conn.uid("SEARCH", None, criteria), "SEARCH")[0].split()
        result.left = max(0, len(uids) - batch)
        expunge = False
        for uid in uids[:batch]:
            raw = _fetch(conn, uid)
            if raw is None:
                continue
            try:
                outcome = handle_message(raw, now=now, via=MailVia.IMAP)
            except Exception:
                log.exception("IMAP message %s not handled; left for the next poll", uid.decode())
                result.failed += 1
                continue
            key = "duplicate" if outcome.duplicate else outcome.outcome
            result.outcomes[key] = result.outcomes.get(key, 0) + 1
            if not folder:
                _check(conn.uid("STORE", uid, "+FLAGS.SILENT", f"(\\Seen {KEYWORD})"), "STORE")
            elif can_move:
                _check(conn.uid("MOVE", uid, _quote(folder)), "MOVE")
            else:
                _check(conn.uid("COPY", uid, _quote(folder)), "COPY")
                _check(conn.uid("STORE", uid, "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
                expunge = True
        if expunge:
            conn.expunge()
        conn.close()
    except (TimeoutError, OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"IMAP {box.host}:{box.port}: {exc}") from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()
    return result


def _fetch(conn: imaplib.IMAP4, uid: bytes) -> bytes | None:
    data = _check(conn.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None
