"""Compensation on the complaint page (the card: request, approve / reject, execute, cancel) and the "waiting for
me" page (/compensations): thin views over kesu.solutions.

Each POST makes one domain call. A refusal leaves the form's state on the request (`request.compensation_state`:
which form, the values as typed, the errors by field, the amount warnings to confirm) and shows the page again
with the error next to its field and nothing changed. A complaint is reached through access_complaint, a
compensation through access_compensation (its complaint's scope, or the finance / logistics work list): 404
otherwise. Who may decide, execute or cancel is checked again by the action.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.core.dates import day_start
from kesu.core.errors import DomainError
from kesu.core.names import names_by_code
from kesu.solutions import actions, rules, selectors
from kesu.solutions.models import Kind, Status
from kesu.solutions.templatetags.solutions import compensation_rows, unshown_errors

from .views import _complaint_or_404, _error_page, _render_complaint

LIST_LIMIT = 200
YES = ("yes", "on", "1", "true")


INPUTS = frozenset({"comment", "reference", "reason", "kind", "amount", "status"})


def _errors(exc: DomainError) -> dict[str, list[str]]:
    """The messages by field; one naming no input of the form (e.g. `compensation`: decided meanwhile) above it."""
    errors = dict(exc.fields)
    if not set(errors) & INPUTS:
        errors["__all__"] = [exc.message]
    return errors


def _compensation_or_404(user, compensation_id: int):
    try:
        return selectors.access_compensation(user, compensation_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _sees_complaint(user, number: str) -> bool:
    try:
        _complaint_or_404(user, number)
    except Http404:
        return False
    return True


def _done(request, comp, message: str, back: str) -> HttpResponse:
    messages.success(request, message)
    number = comp.complaint.number
    if back == "complaint" and _sees_complaint(request.user, number):
        if request.htmx:
            return _render_complaint(request, _complaint_or_404(request.user, number))
        return redirect(reverse("web:complaint", args=[number]) + f"#compensation-{comp.pk}")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("web:compensations")
        return response
    return redirect(reverse("web:compensations") + f"#compensation-{comp.pk}")


def _refused(request, comp, exc: DomainError, *, form: str, values: dict[str, Any], back: str) -> HttpResponse:
    if exc.code == "not_found":
        return _error_page(request, exc)
    request.compensation_state = {
        "form": f"{form}-{comp.pk}",
        "values": values,
        "errors": _errors(exc),
    }
    number = comp.complaint.number
    if back == "complaint" and _sees_complaint(request.user, number):
        return _render_complaint(request, _complaint_or_404(request.user, number), status=exc.http_status)
    return _waiting_page(request, status=exc.http_status)


def _back(request) -> str:
    return "waiting" if request.POST.get("back") == "waiting" else "complaint"


# ---------------------------------------------------------------------------------------------
# The card's steps


@login_required
@require_POST
def compensation_request(request, number: str) -> HttpResponse:
    complaint = _complaint_or_404(request.user, number)
    values = {k: request.POST.get(k, "") for k in ("kind", "amount", "reason")}
    try:
        comp = actions.do_request_compensation(
            complaint,
            actor=request.user,
            now=timezone.now(),
            kind=values["kind"] or None,
            amount=values["amount"],
            reason=values["reason"],
            confirm=request.POST.get("confirm", "").lower() in YES,
        )
    except DomainError as exc:
        if exc.code == "not_found":
            return _error_page(request, exc)
        request.compensation_state = {
            "form": "request",
            "values": values,
            "errors": _errors(exc),
            "warnings": getattr(exc, "warnings", []),
        }
        return _render_complaint(request, _complaint_or_404(request.user, number), status=exc.http_status)
    if comp.status == Status.APPROVED:
        message = _("Compensation of %(amount)s yuan granted: it is yours to give within your limit.")
    else:
        message = _("Compensation of %(amount)s yuan requested: it waits for approval by %(role)s.")
    messages.success(request, message % {"amount": f"{comp.amount:.2f}", "role": Role(comp.approver_role).label})
    if request.htmx:
        return _render_complaint(request, _complaint_or_404(request.user, number))
    return redirect(reverse("web:complaint", args=[number]) + f"#compensation-{comp.pk}")


@login_required
@require_POST
def compensation_decide(request, compensation_id: int) -> HttpResponse:
    comp = _compensation_or_404(request.user, compensation_id)
    back = _back(request)
    decision = request.POST.get("decision", "")
    values = {"comment": request.POST.get("comment", "")}
    approved: Any = {"approve": True, "reject": False}.get(decision, decision or None)
    try:
        comp = actions.do_decide_compensation(
            comp, actor=request.user, now=timezone.now(), approved=approved, comment=values["comment"]
        )
    except DomainError as exc:
        return _refused(request, comp, exc, form="decide", values=values, back=back)
    message = (
        _("Compensation of %(amount)s yuan approved.")
        if comp.status == Status.APPROVED
        else _("Compensation of %(amount)s yuan rejected.")
    )
    return _done(request, comp, message % {"amount": f"{comp.amount:.2f}"}, back)


@login_required
@require_POST
def compensation_execute(request, compensation_id: int) -> HttpResponse:
    comp = _compensation_or_404(request.user, compensation_id)
    back = _back(request)
    values = {"reference": request.POST.get("reference", ""), "status": request.POST.get("status", "")}
    try:
        comp = actions.do_execute_compensation(
            comp, actor=request.user, now=timezone.now(), status=values["status"], reference=values["reference"]
        )
    except DomainError as exc:
        return _refused(request, comp, exc, form="execute", values=values, back=back)
    message = _("Compensation of %(amount)s yuan marked “%(status)s”.") % {
        "amount": f"{comp.amount:.2f}",
        "status": comp.get_status_display(),
    }
    return _done(request, comp, message, back)


@login_required
@require_POST
def compensation_cancel(request, compensation_id: int) -> HttpResponse:
    comp = _compensation_or_404(request.user, compensation_id)
    back = _back(request)
    values = {"reason": request.POST.get("reason", "")}
    try:
        comp = actions.do_cancel_compensation(comp, actor=request.user, now=timezone.now(), reason=values["reason"])
    except DomainError as exc:
        return _refused(request, comp, exc, form="cancel", values=values, back=back)
    return _done(
        request, comp, _("Compensation of %(amount)s yuan cancelled.") % {"amount": f"{comp.amount:.2f}"}, back
    )


# ---------------------------------------------------------------------------------------------
# Waiting for me


def _day(value: str, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(_("Not a date; write it as YYYY-MM-DD."))
        return None


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def labelled_totals(totals: dict[str, Any]) -> dict[str, Any]:
    kinds = dict(Kind.choices)
    departments = names_by_code(Department.objects.all())
    for r in totals["by_kind"]:
        r["label"] = kinds.get(r["kind"], r["kind"])
    for r in totals["by_department"]:
        r["label"] = departments.get(r["department"], r["department"]) or _("No department")
    return totals


def _waiting_page(request, *, status: int = 200) -> HttpResponse:
    user = request.user
    state = getattr(request, "compensation_state", None) or {}
    g = request.GET
    errors: dict[str, list[str]] = {}
    chosen = g.get("status", "")
    if chosen and chosen not in Status.values:
        errors.setdefault("status", []).append(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": chosen, "choices": ", ".join(Status.values)}
        )
        chosen = ""
    first = _day(g.get("from", ""), "from", errors)
    last = _day(g.get("to", ""), "to", errors)
    if first and last and last < first:
        errors.setdefault("to", []).append(_("The end of the period is before its start."))
        last = None
    table = rules.limits()
    waiting = selectors.waiting_for(user)
    listed = list(
        selectors.compensation_list(
            user,
            status=chosen or None,
            start=day_start(first) if first else None,
            end=day_start(last + dt.timedelta(days=1)) if last else None,
        )[:LIST_LIMIT]
    )
    month_first, month_last = _month_bounds(timezone.localdate())
    period_first, period_last = first or month_first, last or (month_last if not first else timezone.localdate())
    totals = selectors.monthly_totals(
        start=day_start(period_first), end=day_start(period_last + dt.timedelta(days=1)), user=user
    )
    decide = compensation_rows(waiting["decide"], user, state=state, table=table)
    execute = compensation_rows(waiting["execute"], user, state=state, table=table)
    context = {
        "nav": "compensations",
        "decide": decide,
        "execute": execute,
        "refused": unshown_errors(decide + execute, state),
        "listed": compensation_rows(listed, user, table=table),
        "list_limit": LIST_LIMIT,
        "statuses": Status.choices,
        "chosen": chosen,
        "date_from": g.get("from", ""),
        "date_to": g.get("to", ""),
        "filter_errors": errors,
        "errors": state.get("errors") or {},
        "values": state.get("values") or {},
        "totals": labelled_totals(totals),
        "period_first": period_first,
        "period_last": period_last,
        "now": timezone.now(),
    }
    return render(request, "web/solutions/waiting.html", context, status=status if not errors else 400)


@login_required
@require_GET
def compensations(request) -> HttpResponse:
    return _waiting_page(request)


urlpatterns: list = [
    path("compensations", compensations, name="compensations"),
    path("compensations/<int:compensation_id>/decision", compensation_decide, name="compensation_decide"),
    path("compensations/<int:compensation_id>/execution", compensation_execute, name="compensation_execute"),
    path("compensations/<int:compensation_id>/cancel", compensation_cancel, name="compensation_cancel"),
    path("complaints/<str:number>/compensations", compensation_request, name="compensation_request"),
]
