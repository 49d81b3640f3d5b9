"""The ways out: SMTP (Django's e-mail backend), HTTP POST (urllib, with a timeout) and SMS through the
gateway adapter an app registers (`set_sms_sender`; kesu.channels.outbound registers its gateways).

Each raises DeliveryFailed with a short reason an administrator can read; nothing else escapes.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection

from .models import WebhookKind

RESPONSE_LIMIT = 64 * 1024


class DeliveryFailed(Exception):
    """permanent: retrying cannot help (the webhook was removed). unreachable: the peer did not answer
    at all, so the batch skips its other messages to the same peer."""

    def __init__(self, reason: str, *, permanent: bool = False, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.unreachable = unreachable


def reason_of(exc: object) -> str:
    text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
    return text[:500]


class Mailer:
    """One SMTP connection for a batch of e-mails. When the server cannot be reached, the rest of the
    batch fails at once instead of waiting for the same timeout again and again."""

    def __init__(self) -> None:
        self._connection = None
        self._down: str | None = None

    def send(
        self,
        *,
        to: str,
        subject: str,
        text: str,
        html: str = "",
        from_email: str = "",
        reply_to: str = "",
        headers: dict[str, str] | None = None,
        attachments: list[tuple[str, bytes, str]] | None = None,
    ) -> None:
        """`headers`: extra ones (Message-ID, In-Reply-To, References, Auto-Submitted); a Message-ID given
        here is the message's own instead of a generated one. `attachments`: (file name, content, MIME type)."""
        if self._down:
            raise DeliveryFailed(self._down, unreachable=True)
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
            except Exception as exc:
                self._down = reason_of(exc)
                raise DeliveryFailed(self._down, unreachable=True) from exc
            self._connection = connection
        kind = EmailMultiAlternatives if html else EmailMessage
        message = kind(
            subject=subject,
            body=text,
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            to=[to],
            reply_to=[reply_to] if reply_to else None,
            headers={k: v for k, v in (headers or {}).items() if v},
            connection=self._connection,
        )
        if html:
            message.attach_alternative(html, "text/html")
        for name, content, mimetype in attachments or ():
            message.attach(name, content, mimetype)
        try:
            accepted = message.send()
        except Exception as exc:
            self.close()  # the next e-mail reconnects
            raise DeliveryFailed(reason_of(exc)) from exc
        if not accepted:
            raise DeliveryFailed("the SMTP server did not accept the message")

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection: nothing more to do
                self._connection.close()
            self._connection = None


SmsSender = Callable[[dict, str], None]
_sms_sender: SmsSender | None = None


def set_sms_sender(sender: SmsSender | None) -> None:
    """Who sends SMS: `sender(payload, phone)` raises DeliveryFailed when the gateway refuses or is down."""
    global _sms_sender
    _sms_sender = sender


def send_sms(payload: dict, phone: str) -> None:
    if _sms_sender is None:
        raise DeliveryFailed("no SMS gateway adapter is installed", permanent=True)
    _sms_sender(payload, phone)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would arrive as a GET without its body: report the redirect instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> bytes:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "kesu-webhook/1", **headers},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.read(RESPONSE_LIMIT)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
        raise DeliveryFailed(f"HTTP {exc.code}: {detail}".strip()) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryFailed(reason_of(getattr(exc, "reason", None) or exc), unreachable=True) from exc


def check_robot_answer(kind: str, raw: bytes) -> None:
    """The robots answer HTTP 200 with an error code in the JSON (bad signature, rate limit, keyword)."""
    if kind == WebhookKind.GENERIC:
        return
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError) as exc:
        raise DeliveryFailed(f"unreadable answer: {raw[:200]!r}") from exc
    if not isinstance(answer, dict):
        raise DeliveryFailed(f"unexpected answer: {raw[:200]!r}")
    if kind == WebhookKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code = answer.get("errcode", 0)
        message = answer.get("errmsg", "")
    if code not in (0, "0", None):
        raise DeliveryFailed(f"robot refused: {code} {message}".strip())
