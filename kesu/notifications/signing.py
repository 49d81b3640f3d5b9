"""Request signatures for outgoing webhooks.

DingTalk robot (加签): timestamp in milliseconds; sign = Base64(HMAC-SHA256(key=secret,
    msg=f"{timestamp}\\n{secret}")), sent URL-encoded as the query parameters `timestamp` and `sign`.
Feishu custom bot (签名校验): timestamp in seconds; sign = Base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}",
    msg=b"")), sent in the JSON body as "timestamp" (a string) and "sign".
Generic webhook (ours): the request carries
    X-Kesu-Timestamp: <unix seconds>
    X-Kesu-Signature: sha256=<hex of HMAC-SHA256(key=secret, msg=timestamp + "." + raw body bytes)>
    A receiver recomputes the HMAC over the raw body exactly as received (before parsing the JSON),
    compares it in constant time, and refuses timestamps more than a few minutes away from its clock
    (which makes a captured request useless later). `verify_generic` is that check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Kesu-Signature"
TIMESTAMP_HEADER = "X-Kesu-Timestamp"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def generic_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_generic(
    secret: str, *, timestamp: str, signature: str, body: bytes, now: float | None = None, tolerance: int = 300
) -> bool:
    """What a receiver does: the signature matches the raw body and the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except (TypeError, ValueError):
        return False
    if age > tolerance:
        return False
    return hmac.compare_digest(generic_signature(secret, timestamp, body), signature or "")
