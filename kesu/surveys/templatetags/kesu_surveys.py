"""`{% load kesu_surveys %}{% if user|may_manage_surveys %}`: the navigation's survey link (supervisor and above)."""

from __future__ import annotations

from django import template

from kesu.surveys.actions import may_manage

register = template.Library()


@register.filter
def may_manage_surveys(user) -> bool:
    return may_manage(user)
