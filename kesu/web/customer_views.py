"""The customer page (/customers/<id>) and the history panel beside a complaint being recorded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.complaints import actions
from kesu.complaints.access import customer_identified
from kesu.complaints.states import HANDLING
from kesu.core.errors import DomainError
from kesu.routing import customers as history


def _customer_or_404(user, customer_id: int):
    try:
        return history.customer_for(user, customer_id)
    except DomainError as exc:  # missing and not theirs to know look the same
        raise Http404(exc.message) from exc


@login_required
@require_GET
def customer_detail(request, customer_id: int):
    customer = _customer_or_404(request.user, customer_id)
    return render(
        request,
        "web/customers/detail.html",
        {
            "customer": customer,
            "h": history.customer_history(request.user, customer),
            "may_set_vip": history.may_set_vip(request.user),
        },
    )


@login_required
@require_POST
def customer_vip(request, customer_id: int):
    customer = _customer_or_404(request.user, customer_id)
    wanted = request.POST.get("vip") == "1"
    try:
        history.do_set_vip(
            customer, actor=request.user, vip=wanted, reason=request.POST.get("reason", ""), now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is marked VIP.") % {"name": customer.name}
            if wanted
            else _("%(name)s is no longer marked VIP.") % {"name": customer.name},
        )
    return redirect("web:customer", customer_id=customer.pk)


@login_required
@require_GET
def customer_lookup(request):
    """The customer on file for the phone being typed, with their history (in scope), beside the form."""
    if request.user.role not in HANDLING:
        return HttpResponse(status=403)
    phone = actions.normalise_phone(request.GET.get("phone") or request.GET.get("customer_phone") or "")
    customer = actions.find_customer(phone=phone) if len(phone) >= 5 else None
    if customer is not None and not customer_identified(request.user, customer):
        # Someone the user may not know: nothing about them, not even that they exist.
        return HttpResponse("")
    h = history.customer_history(request.user, customer, full=False) if customer is not None else None
    return render(
        request,
        "web/_customer_lookup.html",
        {
            "phone": phone,
            "customer": customer,
            "h": h,
            "earlier": h.complaints[: history.PANEL_LIMIT] if h else [],
            "earlier_count": h.total - h.hidden if h else 0,
        },
    )


urlpatterns: list = [
    path("customers/<int:customer_id>", customer_detail, name="customer"),
    path("customers/<int:customer_id>/vip", customer_vip, name="customer_vip"),
]
