"""The customer's phone in the search index, in a form that does not give the number away.

The token document (Complaint.search_text) is copied into the search index and, with OpenSearch, to
another machine, so the number itself is not put there. Two tokens stand for it instead:

- the last four digits, as a plain digit token: what a caller reads out ("尾号1234"), and what the
  masked number (138****1234) shows anyway;
- a keyed hash of the whole number (HMAC with the site's secret key), written in letters only so the
  tokenizer keeps it one word: a search for the whole number is rewritten to this token.

After SECRET_KEY changes, `manage.py search_reindex` writes the hashes again.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from .tokens import Term

PREFIX = "tel"
MIN_WHOLE = 7  # fewer digits than this is not a whole phone number (a last-4 search, a part of a code)
MAX_WHOLE = 20
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def digits(phone: str) -> str:
    """The number as dialled in China: digits only, without a leading +86 / 0086 country code."""
    only = "".join(ch for ch in (phone or "") if ch.isdigit())
    for country in ("0086", "86"):
        if only.startswith(country) and len(only) - len(country) == 11:
            return only[len(country) :]
    return only


def whole_token(phone: str) -> str:
    """The letters-only token standing for the whole number ("" when it is not a phone number)."""
    number = digits(phone)
    if not MIN_WHOLE <= len(number) <= MAX_WHOLE:
        return ""
    value = int.from_bytes(
        salted_hmac("kesu.search.phone", number, secret=settings.SECRET_KEY, algorithm="sha256").digest()[:12], "big"
    )
    letters = []
    for _ in range(20):
        value, rest = divmod(value, 26)
        letters.append(_LETTERS[rest])
    return PREFIX + "".join(letters)


def phone_field(phone: str) -> str:
    """What the search document holds for the phone: its last four digits and the hash token."""
    number = digits(phone)
    whole = whole_token(number)
    if not whole:
        return ""
    return f"{number[-4:]} {whole}"


def as_phone(term: Term) -> Term | None:
    """The hash-token term a query term stands for when it is a whole phone number (13812341234,
    +86 138 1234 1234 typed as one word, 138-1234-1234), else None."""
    raw = term.text.strip()
    if not raw or any(not (ch.isdigit() or ch in "+-()（）") for ch in raw):
        return None
    token = whole_token(raw)
    if not token:
        return None
    return Term(tokens=(token,), prefix=False, text=term.text)
