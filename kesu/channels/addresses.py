"""The complaints mailbox's address and the Message-IDs of mail kesu sends.

Every e-mail kesu sends to a customer carries a Message-ID that names its complaint,
`<KS-20261122-00042.<unique part>@<domain of the complaints address>>`, so a reply's In-Reply-To or
References finds its complaint even when the reply's subject lost the number.
"""

from __future__ import annotations

import re
import secrets
from email.utils import parseaddr

from django.conf import settings

# A complaint number: prefix, date, sequence (kesu.core.numbering); the prefix is the organisation's own.
NUMBER_RE = re.compile(r"\b([A-Z][A-Z0-9]{0,9}-\d{8}-\d{5,})\b")
_OWN_ID_RE = re.compile(r"^<?([A-Z][A-Z0-9]{0,9}-\d{8}-\d{5,})\.[^@<>\s]+@([^<>\s]+?)>?$")


def complaints_address() -> str:
    return getattr(settings, "KESU_COMPLAINTS_EMAIL", "complaints@localhost")


def mail_domain() -> str:
    address = parseaddr(complaints_address())[1] or complaints_address()
    return address.rpartition("@")[2] or "localhost"


def make_message_id(number: str, key: str = "") -> str:
    """A new Message-ID for a mail about complaint `number`; `key` (letters, digits, dots, dashes) helps
    a reader of the headers, the random part keeps it unique."""
    safe = re.sub(r"[^A-Za-z0-9.-]", "", key)[:40]
    unique = f"{safe}.{secrets.token_hex(6)}" if safe else secrets.token_hex(8)
    return f"<{number}.{unique}@{mail_domain()}>"


def number_from_message_id(message_id: str) -> str | None:
    """The complaint number inside a Message-ID that kesu made (its domain is ours), else None."""
    match = _OWN_ID_RE.match((message_id or "").strip())
    if not match or match.group(2).lower() != mail_domain().lower():
        return None
    return match.group(1)


def numbers_in(text: str) -> list[str]:
    """Complaint numbers written in a text (a subject such as "Re: [KS-20261122-00042] …"), in order."""
    return list(dict.fromkeys(NUMBER_RE.findall(text or "")))
