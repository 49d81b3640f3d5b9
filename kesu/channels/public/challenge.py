"""An offline challenge for the public form: no outside service, no cookie, no session.

The server issues a signed token naming a random nonce, when it was issued, the proof-of-work difficulty and
an HMAC of the answer to a small sum. The page's script (Web Crypto SHA-256) finds a counter such that
SHA-256("<token>:<counter>") starts with `bits` zero bits; without script the customer answers the sum
(asked in Chinese numerals in Chinese). Either proves a human or a patient machine; the server checks it,
and the nonce is spent once (UsedChallenge's unique nonce refuses a replay, in every process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kesu.core.errors import ValidationFailed

from .models import UsedChallenge

SALT = "kesu.public-challenge"
FIELD = "challenge"
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Challenge:
    token: str
    bits: int
    question: str


def _answer_mac(nonce: str, answer: int) -> str:
    key = hashlib.sha256(f"{SALT}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()[:32]


def _chinese(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    return "十" + (_DIGITS[n - 10] if n > 10 else "")


def question_text(a: int, b: int, *, chinese: bool) -> str:
    if chinese:
        return f"{_chinese(a)}加{_chinese(b)}等于几？"
    return _("What is %(a)s plus %(b)s?") % {"a": a, "b": b}


def issue(*, now: dt.datetime, bits: int, chinese: bool = True) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(16)
    token = signing.Signer(salt=SALT).sign_object(
        {"n": nonce, "t": int(now.timestamp()), "b": int(bits), "h": _answer_mac(nonce, a + b)}
    )
    return Challenge(token=token, bits=int(bits), question=question_text(a, b, chinese=chinese))


def parse_answer(text: str) -> int | None:
    """A whole number typed as digits (full-width too) or in Chinese numerals up to 九十九."""
    text = (text or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text) if len(text) <= 3 else None
    if not text or any(ch not in _DIGITS + "十两" for ch in text):
        return None
    text = text.replace("两", "二")
    if "十" not in text:
        return _DIGITS.index(text) if len(text) == 1 else None
    tens, _sep, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        count += 8 - byte.bit_length()
        break
    return count


def solves(token: str, counter: str, bits: int) -> bool:
    if not counter or len(counter) > 20 or not counter.isdigit():
        return False
    return leading_zero_bits(hashlib.sha256(f"{token}:{counter}".encode()).digest()) >= bits


def _refused(message: str | None = None) -> ValidationFailed:
    return ValidationFailed(
        message or _("Please solve the check again (it has expired or was not solved)."), field=FIELD
    )


def verify(token: str, *, counter: str = "", answer: str = "", now: dt.datetime, max_age_minutes: int) -> dict:
    """The token's content when the proof of work or the answer is right and the token is fresh and unspent;
    otherwise ValidationFailed naming "challenge". Does not spend it (see `spend`)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token or "")
        nonce, issued, bits, mac = str(data["n"]), int(data["t"]), int(data["b"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _refused() from None
    age = now.timestamp() - issued
    if age < -60 or age > max_age_minutes * 60:
        raise _refused()
    if not solves(token, counter, bits):
        number = parse_answer(answer)
        if number is None or not hmac.compare_digest(_answer_mac(nonce, number), mac):
            if answer.strip():
                raise _refused(_("That answer is not right. Please try again."))
            raise _refused()
    if UsedChallenge.objects.filter(nonce=nonce).exists():
        raise _refused(_("This form was already sent. Please fill it in again."))
    return {"nonce": nonce, "issued": issued, "max_age": max_age_minutes * 60}


def spend(checked: dict, *, now: dt.datetime) -> None:
    """Mark the challenge used (call inside the intake's transaction); a replay raises ValidationFailed."""
    UsedChallenge.objects.filter(expires_at__lt=now).delete()
    expires = dt.datetime.fromtimestamp(checked["issued"] + checked["max_age"] + 120, tz=dt.UTC)
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(nonce=checked["nonce"], used_at=now, expires_at=expires)
    except IntegrityError:
        raise _refused(_("This form was already sent. Please fill it in again.")) from None
