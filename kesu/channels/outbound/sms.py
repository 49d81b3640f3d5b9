"""SMS gateway adapters: a generic signed JSON POST, and Alibaba Cloud SMS (阿里云短信 SendSms) with its RPC
signature. `send(payload, phone)` is what kesu.notifications calls for a delivery on the "sms" channel;
it raises DeliveryFailed (retried, or permanent when retrying cannot help).

Alibaba Cloud (RPC signature version 1.0, as its "signature mechanism" documents):
  1. all parameters but Signature (the common ones — AccessKeyId, Action, Format, RegionId,
     SignatureMethod=HMAC-SHA1, SignatureNonce (a UUID), SignatureVersion=1.0, Timestamp (UTC,
     yyyy-MM-ddTHH:mm:ssZ), Version=2017-05-25 — and SendSms's PhoneNumbers, SignName, TemplateCode,
     TemplateParam, OutId) sorted by name;
  2. each name and value percent-encoded in UTF-8: A–Z a–z 0–9 - _ . ~ kept, space → %20 (not +), * → %2A,
     everything else %XY; joined as name=value with &: the canonicalised query;
  3. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalised query);
  4. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)), sent as one more parameter.
The request is a POST of the parameters as application/x-www-form-urlencoded; the answer is JSON whose
"Code" is "OK" on success.

Generic: POST of JSON {"to", "text", "sign_name", "template_code", "reference"} with the same headers as the
generic webhook (X-Kesu-Timestamp, X-Kesu-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<raw body>"),
X-Kesu-Delivery) plus X-Kesu-Key: the access key id. Any 2xx answer is delivered.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from django.conf import settings

from kesu.notifications.senders import DeliveryFailed, reason_of
from kesu.notifications.signing import generic_signature

from .models import GatewayKind, SmsGateway

ALIYUN_VERSION = "2017-05-25"
# Answers of Alibaba Cloud after which a retry cannot succeed (a wrong number, template or signature).
ALIYUN_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
}
RESPONSE_LIMIT = 64 * 1024


def active_gateway() -> SmsGateway | None:
    return SmsGateway.objects.filter(active=True).order_by("id").first()


def percent_encode(value: str) -> str:
    return urllib.parse.quote(str(value), safe="-_.~")


def aliyun_canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(aliyun_canonical_query(params))}"
    mac = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def aliyun_phone(phone: str) -> str:
    """Mainland numbers without +86 / 86; others with their country code, no "+" (as SendSms wants)."""
    digits = phone.lstrip("+")
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def aliyun_params(
    gateway: SmsGateway, *, phone: str, text: str, out_id: str, now: dt.datetime | None = None, nonce: str = ""
) -> dict[str, str]:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    params = {
        "AccessKeyId": gateway.access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "RegionId": "cn-hangzhou",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce or str(uuid.uuid4()),
        "SignatureVersion": "1.0",
        "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": ALIYUN_VERSION,
        "PhoneNumbers": aliyun_phone(phone),
        "SignName": gateway.sign_name,
        "TemplateCode": gateway.template_code,
        "TemplateParam": json.dumps({"content": text}, ensure_ascii=False, separators=(",", ":")),
    }
    if out_id:
        params["OutId"] = out_id[:64]
    params["Signature"] = aliyun_signature(params, gateway.access_key_secret)
    return params


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"User-Agent": "kesu-sms/1", **headers})
    timeout = int(getattr(settings, "KESU_SMS_TIMEOUT", getattr(settings, "KESU_WEBHOOK_TIMEOUT", 10)))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(RESPONSE_LIMIT)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(RESPONSE_LIMIT) if exc.fp else b""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryFailed(reason_of(getattr(exc, "reason", None) or exc), unreachable=True) from exc


def send_aliyun(gateway: SmsGateway, *, phone: str, text: str, reference: str) -> None:
    params = aliyun_params(gateway, phone=phone, text=text, out_id=reference)
    body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode()
    status, raw = _post(gateway.endpoint, body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        answer = {}
    code = answer.get("Code") if isinstance(answer, dict) else None
    if status == 200 and code == "OK":
        return
    message = answer.get("Message", "") if isinstance(answer, dict) else ""
    reason = f"Alibaba Cloud: HTTP {status} {code or ''} {message or raw[:200]!r}".strip()
    raise DeliveryFailed(reason, permanent=code in ALIYUN_PERMANENT)


def send_generic(gateway: SmsGateway, *, phone: str, text: str, reference: str) -> None:
    body = json.dumps(
        {
            "to": phone,
            "text": text,
            "sign_name": gateway.sign_name,
            "template_code": gateway.template_code,
            "reference": reference,
        },
        ensure_ascii=False,
    ).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Kesu-Timestamp": timestamp,
        "X-Kesu-Signature": generic_signature(gateway.access_key_secret, timestamp, body),
        "X-Kesu-Delivery": reference,
        "X-Kesu-Key": gateway.access_key_id,
    }
    status, raw = _post(gateway.endpoint, body, headers)
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}: {raw[:300].decode('utf-8', 'replace')}".strip())


def send(payload: dict, phone: str) -> None:
    """The notifications' SMS sender: the gateway the message was queued for, else the active one."""
    gateway = SmsGateway.objects.filter(pk=payload.get("gateway")).first() if payload.get("gateway") else None
    if gateway is None or not gateway.active:
        gateway = active_gateway()
    if gateway is None:
        raise DeliveryFailed("no active SMS gateway", permanent=True)
    text = payload.get("text") or ""
    reference = str(payload.get("reference") or "")
    if gateway.kind == GatewayKind.ALIYUN:
        send_aliyun(gateway, phone=phone, text=text, reference=reference)
    else:
        send_generic(gateway, phone=phone, text=text, reference=reference)
