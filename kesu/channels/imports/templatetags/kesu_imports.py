"""{% load kesu_imports %}: `user|may_import` — whether the navigation offers the import of old records."""

from django import template

from kesu.channels.imports.services import may_import as _may_import

register = template.Library()


@register.filter
def may_import(user) -> bool:
    return _may_import(user)
