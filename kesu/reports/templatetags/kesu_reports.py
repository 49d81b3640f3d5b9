"""Template helpers of the report pages: who sees the dashboard, how a KPI figure reads."""

from __future__ import annotations

from django import template
from django.utils import formats

from kesu.reports.selectors import may_see_reports

register = template.Library()


@register.filter(name="may_see_reports")
def may_see_reports_filter(user) -> bool:
    return may_see_reports(user)


@register.filter
def kpi_number(value, places: int = 1) -> str:
    """12.5 → "12.5" in the page's locale; no value → "—"."""
    # number_format cuts digits off; round first.
    return "—" if value is None else formats.number_format(round(value, int(places)), int(places))


@register.filter
def kpi_percent(value) -> str:
    """0.9286 → "92.9%"; no value → "—"."""
    return "—" if value is None else f"{formats.number_format(round(value * 100, 1), 1)}%"
