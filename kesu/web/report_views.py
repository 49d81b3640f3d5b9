"""The dashboard (R-REP-2) and the KPI page (R-KPI-2): thin views over kesu.reports.selectors.

The dashboard's numbers are rendered into the page as JSON (json_script) and drawn by ECharts
(static/web/dashboard.js); every bar, slice and tile that counts complaints links to the inbox filtered to
exactly those complaints (tab "all" = everything the user may see, received in the period, …).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from kesu.accounts.models import Department, User
from kesu.alerts.selectors import alerts_visible_to
from kesu.assessment.actions import DECIDERS
from kesu.complaints.models import Category
from kesu.core.errors import DomainError, Forbidden
from kesu.core.names import pick
from kesu.documents.pdf import PdfUnavailable
from kesu.reports import exports, periods, selectors
from kesu.sla.models import ClockDefinition

from .display import choice_label
from .forms import BootstrapMixin
from .views import _error_page

ALERTS_SHOWN = 6


class PeriodForm(BootstrapMixin, forms.Form):
    """The period and department every chart of the page counts; the query string says `from` and `to`, as the
    API does. Defaults: the current month up to today."""

    compact = True
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)

    def __init__(self, data, *, today: dt.date, with_department: bool = True):
        data = data.copy()
        data.setdefault("from", today.replace(day=1).isoformat())
        data.setdefault("to", today.isoformat())
        super().__init__(data)
        date = {"type": "date"}
        self.fields = {
            "from": forms.DateField(label=pgettext_lazy("period", "From"), widget=forms.DateInput(date)),
            "to": forms.DateField(label=pgettext_lazy("period", "To"), widget=forms.DateInput(date)),
            **({"department": self.fields["department"]} if with_department else {}),
        }
        if with_department:
            self.fields["department"].choices = [("", _("All departments"))] + [
                (d.code, d.display_name) for d in Department.objects.filter(active=True).order_by("code")
            ]
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to"):
            try:
                selectors.check_period(data["from"], data["to"])
            except DomainError as exc:
                for field, messages in exc.fields.items():
                    for message in messages:
                        self.add_error(field, message)
        return data


def _period(request, *, with_department: bool = True, data=None) -> tuple[PeriodForm, dict[str, Any] | None]:
    data = request.GET if data is None else data
    form = PeriodForm(data, today=timezone.localdate(), with_department=with_department)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, {"date_from": d["from"], "date_to": d["to"], "department": d.get("department") or None}


# ---------------------------------------------------------------------------------------------------- dashboard


class InboxLinks:
    """Inbox URLs for the complaints a figure counts: the period's (and department's) complaints, and more."""

    def __init__(self, period: dict[str, Any]):
        self.base = {
            "tab": "all",
            "received_from": period["date_from"].isoformat(),
            "received_to": period["date_to"].isoformat(),
        }
        if period["department"]:
            self.base["department"] = period["department"]
        self.inbox = reverse("web:inbox")

    def __call__(self, **params: Any) -> str:
        return f"{self.inbox}?{urlencode({**self.base, **params})}"


def _items(counts: dict[str, int], *, label, link) -> list[dict[str, Any]]:
    """Chart data: one item per key, its label, its count and, when the inbox can list it, its URL."""
    return [
        {
            "key": key,
            "label": label(key) if key != selectors.NONE_KEY else _("Not set"),
            "value": n,
            "url": link(key) if key != selectors.NONE_KEY else None,
        }
        for key, n in counts.items()
    ]


def _names(model, codes, field="name") -> dict[str, str]:
    rows = model.objects.filter(code__in=[c for c in codes if c != selectors.NONE_KEY])
    return {r.code: (r.display_name if field == "name" and hasattr(r, "name_en") else getattr(r, field)) for r in rows}


def _clock_names(codes: list[str]) -> dict[str, str]:
    """The active playbook's name of each clock; a clock with variants (启动处理(紧急1小时), …(常规48小时)) by the
    part its variants share."""
    variants: dict[str, list[str]] = {}
    for code, name, name_en in (
        ClockDefinition.objects.filter(code__in=codes)
        .order_by("-playbook__active", "order", "id")
        .values_list("code", "name", "name_en")
    ):
        variants.setdefault(code, []).append(pick(name, name_en))
    names = {}
    for code, found in variants.items():
        shared = re.split(r"[(（]", found[0], maxsplit=1)[0].strip()
        names[code] = shared if len(set(found)) > 1 and shared else found[0]
    return names


def dashboard_data(user, *, date_from: dt.date, date_to: dt.date, department: str | None, now: dt.datetime):
    period = {"date_from": date_from, "date_to": date_to, "department": department}
    s = selectors.summary(user=user, date_from=date_from, date_to=date_to, department=department, now=now)
    days = selectors.trend(user=user, date_from=date_from, date_to=date_to, department=department)
    complaints = selectors.period_complaints(user=user, date_from=date_from, date_to=date_to, department=department)
    batches = selectors.top_values(complaints, "batch_no")
    link = InboxLinks(period)
    types = _names(Category, s["by_type"])
    departments = _names(Department, s["by_department"])
    clocks = _clock_names(list(s["sla"]))
    charts = {
        "by_type": _items(s["by_type"], label=lambda k: types.get(k, k), link=lambda k: link(type=k)),
        "by_severity": _items(
            s["by_severity"], label=lambda k: choice_label(k, "severity"), link=lambda k: link(severity=k)
        ),
        "by_priority": _items(
            s["by_priority"], label=lambda k: choice_label(k, "priority"), link=lambda k: link(priority=k)
        ),
        "by_level": _items(
            dict(sorted(s["by_level"].items())),
            label=lambda k: choice_label(int(k), "level"),
            link=lambda k: link(level=k),
        ),
        "by_channel": _items(
            s["by_channel"], label=lambda k: choice_label(k, "channel"), link=lambda k: link(channel=k)
        ),
        "by_status": _items(s["by_status"], label=lambda k: choice_label(k, "status"), link=lambda k: link(status=k)),
        "by_department": _items(
            s["by_department"], label=lambda k: departments.get(k, k), link=lambda k: link(department=k)
        ),
        "top_products": _items(
            {r["product_code"]: r["count"] for r in s["top_products"]},
            label=str,
            link=lambda k: link(product_code=k),
        ),
        "top_batches": _items({r["batch_no"]: r["count"] for r in batches}, label=str, link=lambda k: link(batch_no=k)),
        # Deadlines and ratings, not complaints: the inbox has no list of them, so no links.
        "sla": [
            {
                "key": code,
                "label": clocks.get(code, code),
                "value": round(c["compliance"] * 100, 1) if c["compliance"] is not None else None,
                "met": c["met"],
                "breached": c["breached"],
                "url": None,
            }
            for code, c in s["sla"].items()
        ],
        "satisfaction": [
            {"key": score, "label": f"{score} {choice_label(score, 'satisfaction')}", "value": n, "url": None}
            for score, n in s["satisfaction"]["distribution"].items()
        ],
    }
    trend = [
        {**day, "url": link(received_from=day["date"], received_to=day["date"]) if day["received"] else None}
        for day in days
    ]
    tiles = [
        {"key": "total", "label": pgettext("tile", "Received"), "value": s["total"], "url": link()},
        {"key": "open", "label": _("Still open"), "value": s["open"], "url": link(status="open")},
        {"key": "overdue", "label": pgettext("tile", "Overdue"), "value": s["overdue"], "url": link(overdue="on")},
        {
            "key": "compensation",
            "label": _("Compensation (CNY)"),
            "value": s["compensation_total"],
            "url": None,
        },
    ]
    return {"summary": s, "charts": charts, "trend": trend, "tiles": tiles}


CHART_TITLES = {
    "trend": gettext_lazy("Received and closed per day"),
    "by_type": gettext_lazy("By type"),
    "by_severity": gettext_lazy("By severity"),
    "by_priority": gettext_lazy("By priority"),
    "by_level": gettext_lazy("By handling level"),
    "by_channel": gettext_lazy("By channel"),
    "by_status": gettext_lazy("By status"),
    "by_department": gettext_lazy("By responsible department"),
    "sla": gettext_lazy("SLA compliance per clock (%)"),
    "satisfaction": gettext_lazy("Satisfaction ratings"),
    "top_products": gettext_lazy("Top products"),
    "top_batches": gettext_lazy("Top batches"),
}
# How each chart is drawn (dashboard.js): a pie, vertical bars, or horizontal bars for long labels.
CHART_KINDS = {
    "by_type": "pie",
    "by_severity": "bar",
    "by_priority": "bar",
    "by_level": "bar",
    "by_channel": "hbar",
    "by_status": "hbar",
    "by_department": "hbar",
    "sla": "hbar",
    "satisfaction": "bar",
    "top_products": "hbar",
    "top_batches": "hbar",
}


DOWNLOAD_FIELDS = {
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "lang": gettext_lazy("Language"),
    "department": gettext_lazy("Department"),
}


def _downloads(request, now: dt.datetime, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The reports card: the week (default last week), the month (default last month), the language and the
    department asked for, and what was wrong with them."""
    q = request.GET
    return {
        "week": q.get("week") or periods.previous("weekly", now=now).key,
        "month": q.get("month") or periods.previous("monthly", now=now).key,
        "lang": q.get("lang") or "zh-hans",
        "department": q.get("department") or "",
        "departments": Department.objects.filter(active=True).order_by("code"),
        "errors": [(DOWNLOAD_FIELDS.get(f, f), f, m) for f, messages in (errors or {}).items() for m in messages],
        "fields": set(errors or {}),
    }


@login_required
@require_GET
def dashboard(request) -> HttpResponse:
    return _dashboard(request)


def _dashboard(request, *, download_errors: dict[str, list[str]] | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    if not selectors.may_see_reports(user):
        return _error_page(
            request, Forbidden(_("Only supervisors, directors, quality, the archivist and the GM office see reports."))
        )
    now = timezone.now()
    # Under a download's error, the charts of the default period: the query string is the download's.
    form, period = _period(request, data=QueryDict() if download_errors else None)
    context: dict[str, Any] = {"nav": "dashboard", "form": form, "downloads": _downloads(request, now, download_errors)}
    if period is None:
        return render(request, "web/reports/dashboard.html", context, status=400)
    data = dashboard_data(user, now=now, **period)
    alerts = alerts_visible_to(user, status="open", limit=ALERTS_SHOWN)
    inbox = reverse("web:inbox")
    for alert in alerts:
        # A product or batch group is listed by the inbox's filter of the same name; a customer's is not.
        field = alert.key_field if alert.key_field in ("product_code", "batch_no") else None
        alert.inbox_url = f"{inbox}?{urlencode({'tab': 'all', field: alert.key_value})}" if field else None
    context.update(
        period=period,
        summary=data["summary"],
        tiles=data["tiles"],
        trend=data["trend"],
        charts=[
            {"id": key, "title": CHART_TITLES[key], "kind": CHART_KINDS[key], "items": items}
            for key, items in data["charts"].items()
        ],
        chart_data={
            "charts": {k: {"kind": CHART_KINDS[k], "items": v} for k, v in data["charts"].items()},
            "trend": data["trend"],
            "labels": {"received": pgettext("chart", "Received"), "closed": pgettext("chart", "Closed")},
        },
        alerts=alerts,
        trend_title=CHART_TITLES["trend"],
    )
    return render(request, "web/reports/dashboard.html", context, status=status)


@login_required
@require_GET
def report_download(request, kind: periods.Kind, fmt: str) -> HttpResponse:
    """/reports/weekly.xlsx?week=2026-W49 (…pdf, monthly.xlsx?month=2026-12, …): the API's downloads for a
    signed-in user, through the same kesu.reports.exports.download. A bad question shows the dashboard with the
    reports card saying which field is wrong."""
    user = request.user
    if not selectors.may_see_reports(user):
        return _error_page(
            request, Forbidden(_("Only supervisors, directors, quality, the archivist and the GM office see reports."))
        )
    field = "week" if kind == "weekly" else "month"
    q = request.GET
    try:
        download = exports.download(
            kind, q.get(field), fmt, user=user, department=q.get("department"), lang=q.get("lang"), now=timezone.now()
        )
    except Forbidden as exc:
        return _error_page(request, exc)
    except DomainError as exc:
        return _dashboard(request, download_errors=exc.fields or {"": [exc.message]}, status=exc.http_status)
    except PdfUnavailable:
        return _dashboard(
            request, download_errors={"": [_("PDF printing is not installed on this server.")]}, status=503
        )
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------- KPIs


def _ledger_url(viewer, username: str) -> str | None:
    if username == viewer.username:
        return reverse("web:ledger_me")
    if viewer.role in DECIDERS:
        return reverse("web:ledger_person", args=[username])
    return None


@login_required
@require_GET
def kpis(request) -> HttpResponse:
    """Per person and per department, ranked; agents and handlers see their own row only (as the API)."""
    user = request.user
    if not selectors.may_see_kpis(user, by="person"):
        return _error_page(request, Forbidden(_("You may see your own KPIs only.")))
    readers = selectors.may_see_reports(user)
    form, period = _period(request, with_department=readers)
    context: dict[str, Any] = {"nav": "ledger", "form": form, "readers": readers}
    if period is None:
        return render(request, "web/reports/kpis.html", context, status=400)
    people = selectors.kpis(user=user, by="person", **period)
    names = {u.username: u for u in User.objects.filter(username__in=[r["key"] for r in people])}
    for row in people:
        row["person"] = names.get(row["key"])
        row["ledger_url"] = _ledger_url(user, row["key"])
    departments: list[dict[str, Any]] = []
    if readers:
        departments = selectors.kpis(user=user, by="department", **period)
        dept_names = _names(Department, [r["key"] for r in departments])
        for row in departments:
            row["name"] = dept_names.get(row["key"], row["key"])
    context.update(period=period, people=people, departments=departments)
    # Compensation paid in the period per month, kind, department and person (R-KPI-2).
    from .compensation_views import labelled_totals

    context["compensation"] = labelled_totals(selectors.compensation_paid(user=user, **period))
    return render(request, "web/reports/kpis.html", context)
