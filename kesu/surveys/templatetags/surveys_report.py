"""Small helpers for the survey report templates (page and PDF)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def share(part, whole) -> str:
    """part / whole in per cent for a bar's width ("0" when nothing was answered)."""
    try:
        return f"{(100 * float(part) / float(whole)):.1f}" if whole else "0"
    except (TypeError, ValueError):
        return "0"
