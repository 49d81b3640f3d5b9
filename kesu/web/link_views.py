"""The complaint page's links card (merge into, link, remove a link, likely duplicates) and the duplicates the
new-complaint form shows while the agent types."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.complaints import merging
from kesu.complaints.models import LinkKind
from kesu.core.errors import DomainError

from .views import _complaint_or_404, _render_complaint


def _version(request) -> int | None:
    raw = (request.POST.get("version") or "").strip()
    return int(raw) if raw.isdigit() else None


def _card(request, complaint, *, error: str = "", typed: dict | None = None, status: int = 200) -> HttpResponse:
    """Only the links card, with the refusal next to the boxes and what was typed kept."""
    response = render(
        request,
        "web/workspace/_links_card.html",
        merging_context(complaint, request.user, error=error, typed=typed or {}),
        status=status,
    )
    response["HX-Retarget"] = "#links-card"
    response["HX-Reswap"] = "outerHTML"
    return response


def merging_context(complaint, user, *, error: str = "", typed: dict | None = None) -> dict:
    return {
        "complaint": complaint,
        "link_rows": merging.links_of(complaint, user=user, repeats=False),
        "survivor": complaint.merged_into if complaint.merged_into_id else None,
        "may_merge": merging.may_merge(complaint, user),
        "may_link": merging.may_link(complaint, user),
        "link_kinds": LinkKind.choices,
        "link_error": error,
        "typed": typed or {},
    }


def _act(request, number: str, do, *, fields: tuple[str, ...], done: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    typed = {name: (request.POST.get(name) or "").strip() for name in fields}
    try:
        do(complaint, actor=request.user, now=timezone.now(), version=_version(request), **typed)
    except DomainError as exc:
        message = exc.message
        if exc.fields:
            message = " ".join(m for msgs in exc.fields.values() for m in msgs if m != exc.message) or message
        if request.htmx:
            return _card(
                request, _complaint_or_404(request.user, number), error=message, typed=typed, status=exc.http_status
            )
        messages.error(request, message)
        return redirect("web:complaint", number=number)
    messages.success(request, done % typed)
    if request.htmx:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return redirect("web:complaint", number=number)


@login_required
@require_POST
def merge(request, number: str):
    return _act(
        request,
        number,
        merging.do_merge,
        fields=("into", "reason"),
        done=_("Merged into %(into)s: its messages and evidence are there now."),
    )


@login_required
@require_POST
def link(request, number: str):
    return _act(request, number, merging.do_link, fields=("to", "kind", "note"), done=_("Linked to %(to)s."))


@login_required
@require_POST
def unlink(request, number: str):
    return _act(request, number, merging.do_unlink, fields=("to",), done=_("The link to %(to)s was removed."))


@login_required
@require_GET
def complaint_duplicates(request, number: str):
    """The likely duplicates of a recorded complaint, loaded into its links card after the page."""
    complaint = _complaint_or_404(request.user, number)
    suggestions = []
    if merging.may_merge(complaint, request.user) or merging.may_link(complaint, request.user):
        suggestions = merging.suggest_duplicates(merging.Probe.of(complaint), user=request.user, now=timezone.now())
    return render(
        request,
        "web/workspace/_duplicates.html",
        {
            "complaint": complaint,
            "suggestions": suggestions,
            "may_merge": merging.may_merge(complaint, request.user),
            "may_link": merging.may_link(complaint, request.user),
        },
    )


# The new-complaint form's fields the intake suggestions read (prefixed customer fields as the form names them).
PROBE_FIELDS = {
    "phone": "customer_phone",
    "email": "customer_email",
    "external_id": "customer_external_id",
    "product": "product",
    "product_code": "product_code",
    "batch_no": "batch_no",
    "order_no": "order_no",
}


@login_required
@require_GET
def intake_duplicates(request):
    """While a complaint is typed: the complaints it may repeat (same customer, order, batch, product, text)."""
    values = {key: (request.GET.get(name) or "").strip()[:200] for key, name in PROBE_FIELDS.items()}
    text = " ".join((request.GET.get(name) or "").strip() for name in ("title", "description"))[:5000]
    suggestions = []
    if any(values.values()) or len(text.strip()) >= 4:
        probe = merging.Probe(**values, text=text)
        suggestions = merging.suggest_duplicates(probe, user=request.user, now=timezone.now())
    return render(
        request,
        "web/workspace/_intake_duplicates_list.html",
        {"suggestions": suggestions, "window_days": merging.window_days()},
    )


urlpatterns: list = [
    path("complaints/new/duplicates", intake_duplicates, name="intake_duplicates"),
    path("complaints/<str:number>/merge", merge, name="complaint_merge"),
    path("complaints/<str:number>/link", link, name="complaint_link"),
    path("complaints/<str:number>/unlink", unlink, name="complaint_unlink"),
    path("complaints/<str:number>/duplicates", complaint_duplicates, name="complaint_duplicates"),
]
