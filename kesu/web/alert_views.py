"""Early warning pages: the alerts in the user's data scope, one alert with its group, acknowledge and
close. The banner on a complaint and the dashboard panel are templates under web/alerts/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kesu.alerts.actions import ALERT_ROLES, do_acknowledge_alert, do_close_alert
from kesu.alerts.models import AlertStatus
from kesu.alerts.selectors import alert_complaints, alert_for, alerts_visible_to
from kesu.core.errors import DomainError

from .forms import BootstrapMixin
from .views import _error_page, _show_errors

# The list's tabs: what each shows; "live" (open or acknowledged) first.
TABS = (
    ("live", gettext_lazy("Open and acknowledged")),
    (AlertStatus.OPEN, gettext_lazy("Open")),
    (AlertStatus.ACKNOWLEDGED, gettext_lazy("Acknowledged")),
    (AlertStatus.CLOSED, gettext_lazy("Closed")),
    ("all", gettext_lazy("All")),
)


class CloseAlertForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why close it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What was found and done: the cause, the batch isolated, the customer called back."),
    )


@login_required
@require_GET
def alert_list(request) -> HttpResponse:
    tab = request.GET.get("status", "live")
    if tab not in {t for t, _label in TABS}:
        tab = "live"
    alerts = alerts_visible_to(request.user, None if tab == "all" else tab)
    return render(
        request,
        "web/alerts/list.html",
        {"nav": "alerts", "alerts": alerts, "tabs": TABS, "tab": tab},
    )


def _detail(request, alert_id: int, *, close_form: CloseAlertForm | None = None, status: int = 200) -> HttpResponse:
    try:
        alert = alert_for(request.user, alert_id)
    except DomainError as exc:
        return _error_page(request, exc)
    may_handle = request.user.role in ALERT_ROLES and alert.status != AlertStatus.CLOSED
    context = {
        "nav": "alerts",
        "alert": alert,
        "complaints": alert_complaints(request.user, alert),
        "may_handle": may_handle,
        "close_form": close_form or (CloseAlertForm() if may_handle else None),
    }
    return render(request, "web/alerts/detail.html", context, status=status)


@login_required
@require_GET
def alert_detail(request, alert_id: int) -> HttpResponse:
    return _detail(request, alert_id)


@login_required
@require_POST
def alert_acknowledge(request, alert_id: int) -> HttpResponse:
    try:
        do_acknowledge_alert(alert_id, actor=request.user, now=timezone.now())
    except DomainError as exc:
        return _error_page(request, exc)
    messages.success(request, _("Alert acknowledged. It keeps collecting the group's new complaints."))
    return redirect("web:alert", alert_id=alert_id)


@login_required
@require_POST
def alert_close(request, alert_id: int) -> HttpResponse:
    form = CloseAlertForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert_id, close_form=form, status=400)
    try:
        do_close_alert(alert_id, actor=request.user, now=timezone.now(), reason=form.cleaned_data["reason"])
    except DomainError as exc:
        if exc.code == "validation_error":
            _show_errors(form, exc)
            return _detail(request, alert_id, close_form=form, status=400)
        return _error_page(request, exc)
    messages.success(request, _("Alert closed. The group's next burst of complaints opens a new alert."))
    return redirect("web:alert", alert_id=alert_id)
