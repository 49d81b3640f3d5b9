"""Service order pages: the staff list and detail (every step a form posting to one action), the agent's new-order
form, an order from a complaint, the technician's phone view (today's route, start / finish, photos, parts, the
customer's signature drawn on the screen), the receipt PDF, and the customer's signed link (quote confirmation,
receipt, evaluation).

Thin views over kesu.service: each POST parses the form, makes one domain call and shows the page again, with the
error next to its field when the domain refuses (400/403/409) and nothing changed. Who may see an order follows
kesu.service.selectors.access_order; who may change it follows kesu.service.states.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.channels.public import intake, limits
from kesu.complaints.access import access_complaint
from kesu.core.errors import DomainError, NotFound
from kesu.core.masking import mask_phone
from kesu.documents.pdf import PdfUnavailable
from kesu.service import actions, selectors
from kesu.service.actions import quote_total
from kesu.service.documents import receipt_pdf
from kesu.service.models import Clock, LineKind, Mode, QuoteState, ServiceClass
from kesu.service.states import FRONT_DESK, TRANSITIONS, Status, allowed_actions


def _scores():
    return [
        (5, _("5 · Very satisfied")),
        (4, _("4 · Satisfied")),
        (3, _("3 · Acceptable")),
        (2, _("2 · Dissatisfied")),
        (1, _("1 · Very dissatisfied")),
    ]


def _order_or_404(user, number: str):
    try:
        return selectors.access_order(user, number)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _rows(post, *names: str) -> list[dict[str, str]]:
    """Repeated form fields (name[] …) as rows; a row whose fields are all empty is left out."""
    columns = [post.getlist(f"{n}[]") for n in names]
    out = []
    for values in zip(*columns, strict=False):
        row = {n: v.strip() for n, v in zip(names, values, strict=False)}
        if any(row.values()):
            out.append(row)
    return out


def _blank_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _kwargs(action: str, post) -> dict[str, Any]:
    """The action's arguments from its form, in the shapes the API takes."""
    if action == "schedule":
        return {
            "appointment_at": _blank_none(post.get("appointment_at")),
            "appointment_end": _blank_none(post.get("appointment_end")),
            "address": post.get("address"),
            "area": post.get("area"),
        }
    if action == "dispatch":
        return {"technician": _blank_none(post.get("technician"))}
    if action == "quote":
        return {"lines": _rows(post, "kind", "description", "quantity", "unit_price")}
    if action == "confirm_quote":
        return {"by": post.get("by", "")}
    if action == "receive":
        return {
            "items": _rows(post, "name", "condition", "accessories", "serial"),
            "promised_at": _blank_none(post.get("promised_at")),
        }
    if action == "repair":
        parts = [
            {
                "kind": LineKind.PART,
                "description": r["part"],
                "quantity": r["qty"] or None,
                "unit_price": r["price"] or "0",
            }
            for r in _rows(post, "part", "qty", "price")
        ]
        return {"work_done": post.get("work_done", ""), "parts": parts, "fee": _blank_none(post.get("fee"))}
    if action == "check":
        passed = post.get("passed")
        return {"passed": True if passed == "yes" else False if passed == "no" else None, "note": post.get("note", "")}
    if action == "complete":
        return {
            "signed_by": post.get("signed_by", ""),
            "signature": _blank_none(post.get("signature")),
            "fee": _blank_none(post.get("fee")),
        }
    if action == "evaluate":
        raw = (post.get("score") or "").strip()
        return {"score": int(raw) if raw.isdigit() else None, "comment": post.get("comment", "")}
    if action == "cancel":
        return {"reason": post.get("reason", "")}
    return {}


def _clock_rows(order, now) -> list[dict[str, Any]]:
    rows = []
    for c in order.clocks.all():
        if c.breached_at:
            tone = "danger"
        elif c.met_at or c.stopped_at:
            tone = "success" if c.met_at else "secondary"
        elif c.due_at - now < dt.timedelta(hours=1):
            tone = "warning"
        else:
            tone = "primary"
        rows.append({"clock": c, "label": Clock(c.clock).label, "tone": tone})
    return rows


def _detail_context(request, order, *, error: DomainError | None = None, failed: str = "") -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    allowed = allowed_actions(order, user)
    lines = list(order.lines.all())
    return {
        "nav": "service",
        "order": order,
        "allowed": allowed,
        "labels": {a: TRANSITIONS[a].label for a in allowed},
        "error": error,
        "errors": error.fields if error else {},
        "failed": failed,
        "lines": lines,
        "total": quote_total(order) if lines else None,
        "photos": list(order.photos.all()),
        "events": selectors.timeline(order),
        "clocks": _clock_rows(order, now),
        "suggestions": selectors.suggest_technicians(order, now=now) if "dispatch" in allowed else [],
        "phone": mask_phone(order.contact_phone),
        "tracking_url": _tracking_url(request, order) if user.role in FRONT_DESK else "",
        "scores": _scores(),
        "line_kinds": LineKind.choices,
        "now": now,
        "today": timezone.localdate(now),
    }


def _tracking_url(request, order) -> str:
    return request.build_absolute_uri(reverse("web:service_public", args=[selectors.tracking_token(order)]))


@login_required
@require_GET
def order_list(request):
    status = request.GET.get("status", "open")
    if status not in ("open", "all", *Status.values):
        status = "open"
    qs = selectors.order_list(
        request.user, status=None if status == "all" else status, q=request.GET.get("q", "").strip()[:100]
    )
    return render(
        request,
        "web/service/list.html",
        {
            "nav": "service",
            "orders": list(qs[:200]),
            "status": status,
            "statuses": Status.choices,
            "q": request.GET.get("q", ""),
            "may_create": request.user.role in FRONT_DESK,
        },
    )


@login_required
def order_new(request):
    if request.user.role not in FRONT_DESK:
        return render(
            request,
            "web/error.html",
            {"error": DomainError("forbidden", _("Service orders are created by the customer service desk."))},
            status=403,
        )
    values: dict[str, str] = {}
    error = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FORM_FIELDS}
        try:
            order = actions.do_create_order(
                actor=request.user,
                now=timezone.now(),
                customer={"name": values["name"], "phone": values["phone"], "email": values["email"]},
                product=values["product"],
                product_code=values["product_code"],
                fault=values["fault"],
                service_class=values["service_class"] or None,
                mode=values["mode"] or Mode.ONSITE,
                appointment_at=values["appointment_at"] or None,
                address=values["address"],
                area=values["area"],
                skill=values["skill"],
                purchase_date=values["purchase_date"] or None,
                contract_no=values["contract_no"],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Service order %(number)s created.") % {"number": order.number})
            return redirect("web:service_order", number=order.number)
    context = {
        "nav": "service",
        "values": values,
        "error": error,
        "errors": {k.removeprefix("customer."): v for k, v in (error.fields if error else {}).items()},
        "classes": ServiceClass.choices,
        "modes": Mode.choices,
    }
    return render(request, "web/service/new.html", context, status=error.http_status if error else 200)


FORM_FIELDS = (
    "name",
    "phone",
    "email",
    "product",
    "product_code",
    "fault",
    "service_class",
    "mode",
    "appointment_at",
    "address",
    "area",
    "skill",
    "purchase_date",
    "contract_no",
)


@login_required
@require_POST
def order_from_complaint(request, number: str):
    try:
        complaint = access_complaint(request.user, number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    try:
        order = actions.do_create_order(
            actor=request.user,
            now=timezone.now(),
            complaint=complaint,
            mode=request.POST.get("mode") or Mode.ONSITE,
            address=request.POST.get("address", ""),
            area=request.POST.get("area", ""),
            skill=request.POST.get("skill", ""),
            purchase_date=request.POST.get("purchase_date") or None,
            service_class=request.POST.get("service_class") or None,
            contract_no=request.POST.get("contract_no", ""),
        )
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]))
        return redirect(reverse("web:complaint", kwargs={"number": number}) + "#service-orders")
    messages.success(request, _("Service order %(number)s created.") % {"number": order.number})
    return redirect("web:service_order", number=order.number)


@login_required
@require_GET
def order_detail(request, number: str):
    order = _order_or_404(request.user, number)
    return render(request, "web/service/detail.html", _detail_context(request, order))


@login_required
@require_POST
def order_action(request, number: str, action: str):
    order = _order_or_404(request.user, number)
    do = actions.ACTIONS.get(action)
    if do is None:
        raise Http404(action)
    phone = request.POST.get("from") == "phone"
    try:
        do(order, actor=request.user, now=timezone.now(), **_kwargs(action, request.POST))
    except DomainError as exc:
        order = _order_or_404(request.user, number)
        if phone:
            return render(
                request,
                "web/service/phone_order.html",
                _phone_context(request, order, error=exc, failed=action),
                status=exc.http_status,
            )
        return render(
            request,
            "web/service/detail.html",
            _detail_context(request, order, error=exc, failed=action),
            status=exc.http_status,
        )
    messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[action].label})
    if phone:
        return redirect("web:technician_order", number=number)
    return redirect("web:service_order", number=number)


@login_required
@require_POST
def order_photo(request, number: str):
    order = _order_or_404(request.user, number)
    upload = request.FILES.get("photo")
    try:
        actions.do_add_photo(
            order,
            actor=request.user,
            now=timezone.now(),
            content=upload.read() if upload else b"",
            filename=upload.name if upload else "",
            caption=request.POST.get("caption", ""),
        )
    except DomainError as exc:
        order = _order_or_404(request.user, number)
        if request.POST.get("from") == "phone":
            return render(
                request,
                "web/service/phone_order.html",
                _phone_context(request, order, error=exc, failed="photo"),
                status=exc.http_status,
            )
        return render(
            request,
            "web/service/detail.html",
            _detail_context(request, order, error=exc, failed="photo"),
            status=exc.http_status,
        )
    messages.success(request, _("Photo added."))
    if request.POST.get("from") == "phone":
        return redirect("web:technician_order", number=number)
    return redirect("web:service_order", number=number)


def _file(field, content_type: str, name: str) -> FileResponse:
    response = FileResponse(field.open("rb"), content_type=content_type, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def order_photo_file(request, number: str, photo_id: int):
    order = _order_or_404(request.user, number)
    photo = order.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404(str(photo_id))
    return _file(photo.file, photo.content_type, photo.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def order_signature(request, number: str):
    order = _order_or_404(request.user, number)
    if not order.signature:
        raise Http404(number)
    return _file(order.signature, "image/png", f"{order.number}-signature.png")


def _pdf(order, lang: str) -> HttpResponse:
    try:
        data = receipt_pdf(order, lang="en" if lang == "en" else "zh-hans")
    except PdfUnavailable:
        return HttpResponse(_("PDF is not available on this server."), status=503, content_type="text/plain")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}-receipt.pdf"'
    return response


@login_required
@require_GET
def order_receipt(request, number: str):
    return _pdf(_order_or_404(request.user, number), request.GET.get("lang", "zh"))


# ---------------------------------------------------------------------------------------------- technician


def _phone_context(request, order, *, error: DomainError | None = None, failed: str = "") -> dict[str, Any]:
    context = _detail_context(request, order, error=error, failed=failed)
    context["tel"] = "".join(ch for ch in order.contact_phone if ch.isdigit() or ch == "+")
    return context


@login_required
@require_GET
def technician_day(request):
    day = timezone.localdate()
    raw = request.GET.get("day")
    if raw:
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(raw)
    orders = selectors.technician_day(request.user, day=day)
    return render(
        request,
        "web/service/phone_day.html",
        {
            "nav": "technician",
            "orders": orders,
            "day": day,
            "rows": [{"order": o, "phone": mask_phone(o.contact_phone), "stop": i + 1} for i, o in enumerate(orders)],
        },
    )


@login_required
@require_GET
def technician_order(request, number: str):
    order = _order_or_404(request.user, number)
    return render(request, "web/service/phone_order.html", _phone_context(request, order))


# ---------------------------------------------------------------------------------------------- the customer


def _public(request, token: str):
    now = timezone.now()
    address = limits.client_address(request)
    try:
        intake.tracking_check(address, now=now)
    except limits.RateLimited as exc:
        response = render(request, "web/public/limited.html", {"error": exc}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return None, response
    try:
        return selectors.order_by_token(token), None
    except NotFound:
        intake.tracking_miss(address, now=now)
        return None, render(request, "web/service/public.html", {"invalid": True}, status=404)


def _public_context(order, token: str, *, error: DomainError | None = None) -> dict[str, Any]:
    lines = list(order.lines.all())
    return {
        "order": order,
        "token": token,
        "lines": lines,
        "total": quote_total(order) if lines else None,
        "can_confirm": order.quote_state == QuoteState.PENDING and order.status in TRANSITIONS["confirm_quote"].sources,
        "can_evaluate": order.status == Status.COMPLETED,
        "scores": _scores(),
        "error": error,
        "steps": [e for e in selectors.timeline(order) if e.action in PUBLIC_STEPS],
    }


PUBLIC_STEPS = ("created", "schedule", "dispatch", "arrive", "receive", "repair", "complete", "evaluate", "cancel")


@require_GET
def public_order(request, token: str):
    order, refused = _public(request, token)
    if refused is not None:
        return refused
    return render(request, "web/service/public.html", _public_context(order, token))


@require_POST
def public_action(request, token: str, action: str):
    order, refused = _public(request, token)
    if refused is not None:
        return refused
    if action not in ("confirm_quote", "evaluate"):
        raise Http404(action)
    try:
        if action == "confirm_quote":
            actions.do_confirm_quote(order, actor=None, now=timezone.now())
        else:
            actions.do_evaluate(order, actor=None, now=timezone.now(), **_kwargs("evaluate", request.POST))
    except DomainError as exc:
        order = selectors.order_by_token(token)
        return render(
            request, "web/service/public.html", _public_context(order, token, error=exc), status=exc.http_status
        )
    messages.success(request, _("Thank you. We have your answer."))
    return redirect("web:service_public", token=token)


@require_GET
def public_receipt(request, token: str):
    order, refused = _public(request, token)
    if refused is not None:
        return refused
    return _pdf(order, request.GET.get("lang", "zh"))


urlpatterns = [
    path("service-orders", order_list, name="service_orders"),
    path("service-orders/new", order_new, name="service_order_new"),
    path("service-orders/<str:number>", order_detail, name="service_order"),
    path("service-orders/<str:number>/actions/<str:action>", order_action, name="service_order_action"),
    path("service-orders/<str:number>/photos", order_photo, name="service_order_photo"),
    path("service-orders/<str:number>/photos/<int:photo_id>", order_photo_file, name="service_order_photo_file"),
    path("service-orders/<str:number>/signature.png", order_signature, name="service_order_signature"),
    path("service-orders/<str:number>/receipt.pdf", order_receipt, name="service_order_receipt"),
    path("complaints/<str:number>/service-order", order_from_complaint, name="service_order_from_complaint"),
    path("technician", technician_day, name="technician"),
    path("technician/<str:number>", technician_order, name="technician_order"),
    path("service/t/<str:token>", public_order, name="service_public"),
    path("service/t/<str:token>/receipt.pdf", public_receipt, name="service_public_receipt"),
    path("service/t/<str:token>/<str:action>", public_action, name="service_public_action"),
]
