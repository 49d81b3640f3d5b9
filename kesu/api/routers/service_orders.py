"""Service orders (API.md "After-sales service and surveys"): thin edges over kesu.service. An order is reached
through access_order (404 when missing or out of scope), a complaint through access_complaint."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from kesu.complaints.access import access_complaint
from kesu.core.errors import DomainError, NotFound, ValidationFailed
from kesu.service import actions, selectors
from kesu.service.documents import receipt_pdf
from kesu.service.states import Status as OrderStatus

from ..schemas.service_orders import (
    ServiceOrderIn,
    ServiceOrderList,
    ServiceOrderOut,
    SuggestionList,
    item_json,
    order_json,
)

router = Router(tags=["service_orders"])


def _reload(user, number: str) -> dict[str, Any]:
    return order_json(selectors.access_order(user, number), user=user)


@router.post("/service-orders", response={201: ServiceOrderOut}, summary="Create a service order (派工单)")
def create_order(request, payload: ServiceOrderIn):
    """From a complaint (`complaint`: its customer, product and fault are taken; it must ask for a repair, by its
    demand or its solution) or from a repair request (`customer`, `product`, `fault`). Agents and supervisors."""
    complaint = access_complaint(request.user, payload.complaint) if payload.complaint else None
    body = payload.model_dump(exclude_unset=True)
    body.pop("complaint", None)
    order = actions.do_create_order(actor=request.user, now=timezone.now(), complaint=complaint, **body)
    return Status(201, _reload(request.user, order.number))


@router.get("/service-orders", response=ServiceOrderList, summary="Service orders I may see, newest first")
def list_orders(
    request,
    status: str | None = Query(None, description="a status, or `open`"),
    technician: str | None = Query(None, description="username"),
    limit: int = Query(100, ge=1, le=500),
):
    if status and status != "open" and status not in OrderStatus.values:
        raise ValidationFailed(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": status, "choices": ", ".join(["open", *OrderStatus.values])},
            field="status",
        )
    rows = selectors.order_list(request.user, status=status, technician=technician)[:limit]
    return {"items": [item_json(o) for o in rows]}


@router.get("/service-orders/{number}", response=ServiceOrderOut, summary="One service order with its timeline")
def get_order(request, number: str):
    return _reload(request.user, number)


@router.get(
    "/service-orders/{number}/suggestions",
    response=SuggestionList,
    summary="Technicians to dispatch, best first, with the reason (skill, area, load)",
)
def suggestions(request, number: str):
    order = selectors.access_order(request.user, number)
    rows = selectors.suggest_technicians(order, now=timezone.now())
    return {"items": [{k: v for k, v in row.items() if k != "user"} for row in rows]}


def _body(request) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(_("The body is not valid JSON."), field="body") from None
    if not isinstance(body, dict):
        raise ValidationFailed(_("The body must be a JSON object."), field="body")
    return body


@router.post(
    "/service-orders/{number}/actions/{action}",
    response=ServiceOrderOut,
    summary="Take one step of the order's lifecycle",
    description="Actions and their fields: "
    + "; ".join(f"{a} {{{', '.join(f)}}}" for a, f in actions.ACTION_FIELDS.items())
    + ". Optional `version` (409 when the order changed).",
)
def act(request, number: str, action: str):
    """new → schedule → dispatch → arrive (on site) | receive (take back: receipt.pdf) → repair → check (quality)
    → complete (customer's signature; goods returned) → evaluate; cancel. Agents and supervisors create, schedule,
    dispatch, record the quote's confirmation and the evaluation; the dispatched technician arrives, receives,
    repairs and completes; quality checks. A wrong role → 403; a wrong moment → 409."""
    do = actions.ACTIONS.get(action)
    if do is None:
        raise NotFound(_("Unknown action “%(action)s”.") % {"action": action})
    body = _body(request)
    foreign = [k for k in body if k != "version" and k not in actions.ACTION_FIELDS[action]]
    if foreign:
        raise DomainError(
            "validation_error",
            _("Please correct the marked fields."),
            fields={k: [_("“%(action)s” does not take this field.") % {"action": action}] for k in foreign},
        )
    order = selectors.access_order(request.user, number)
    kwargs = {k: body[k] for k in actions.ACTION_FIELDS[action] if k in body}
    do(order, actor=request.user, now=timezone.now(), version=body.get("version"), **kwargs)
    return _reload(request.user, number)


@router.get("/service-orders/{number}/receipt.pdf", summary="The customer's receipt (take-back) / completion record")
def receipt(request, number: str, lang: str = Query("zh", description="zh | en")):
    order = selectors.access_order(request.user, number)
    data = receipt_pdf(order, lang="en" if lang == "en" else "zh-hans")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}-receipt.pdf"'
    return response


@router.post("/service-orders/{number}/photos", response={201: ServiceOrderOut}, summary="Add a photo of the work")
def add_photo(request, number: str, photo: File[UploadedFile], caption: Form[str] = ""):
    order = selectors.access_order(request.user, number)
    actions.do_add_photo(
        order, actor=request.user, now=timezone.now(), content=photo.read(), filename=photo.name, caption=caption
    )
    return Status(201, _reload(request.user, number))
