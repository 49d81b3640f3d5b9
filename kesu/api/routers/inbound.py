"""POST /api/v1/inbound/{source}: complaints sent by other systems, signed with the source's secret.

No token: the HMAC signature is the authentication (kesu.channels.inbound). An unknown source is answered
like a wrong signature, so the endpoint does not tell which sources exist; an address that keeps failing
is slowed down with 429.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import ValidationError

from kesu.channels.inbound.actions import Unauthenticated, do_receive
from kesu.channels.inbound.selectors import received_complaint
from kesu.complaints import actions
from kesu.core.errors import DomainError
from kesu.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

from ..schemas.complaints import ComplaintIn, ComplaintOut, complaint_json
from ..schemas.complaints import complaint_input as complaint_input_from

router = Router(auth=None, tags=["inbound"])

FAILURE_WINDOW = 60  # seconds


def complaint_input(body: dict) -> actions.ComplaintInput:
    """A POST /complaints body as that endpoint reads it (same schema, same conversion)."""
    try:
        payload = ComplaintIn.model_validate(body)
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for err in exc.errors():
            name = ".".join(str(p) for p in err.get("loc", ())) or "body"
            fields.setdefault(name, []).append(err.get("msg", _("Invalid value.")))
        raise DomainError("validation_error", _("Please correct the marked fields."), fields=fields) from None
    return complaint_input_from(payload)


def _failure_key(request) -> str:
    return "inbound-failures:" + (request.META.get("REMOTE_ADDR", "") or "unknown")


def _failed(request) -> None:
    key = _failure_key(request)
    if not cache.add(key, 1, FAILURE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, FAILURE_WINDOW)


@router.post(
    "/inbound/{source}",
    response={200: ComplaintOut, 201: ComplaintOut},
    summary="Receive a complaint from another system (signed webhook)",
    description=(
        "Headers X-Kesu-Timestamp (unix seconds) and X-Kesu-Signature: sha256=<hex HMAC-SHA256(secret, "
        '"<timestamp>.<raw body>")>. The body is a POST /complaints body plus "external_event_id" (or the '
        "source's own fields, mapped by the admin). 201 with the complaint; 200 with the same one when that "
        "event id came before; 401 for a missing, wrong or old signature or a replay."
    ),
)
def receive(request, source: str):
    limit = getattr(settings, "KESU_INBOUND_FAILURES_PER_MINUTE", 60)
    if (cache.get(_failure_key(request)) or 0) >= limit:
        raise DomainError("rate_limited", _("Too many refused requests from this address; try again in a minute."))
    try:
        receipt = do_receive(
            source,
            raw_body=request.body,
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            signature=request.headers.get(SIGNATURE_HEADER),
            now=timezone.now(),
            parse=complaint_input,
        )
    except Unauthenticated:
        _failed(request)
        raise
    body = complaint_json(received_complaint(receipt.complaint.pk), user=None, identified=None)
    body["allowed_actions"] = []  # a system acts on nothing here
    return Status(201 if receipt.created else 200, body)
