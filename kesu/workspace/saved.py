"""Saved views: save, delete, list what a user sees, and count what each view holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kesu.accounts.models import Department
from kesu.complaints.selectors import complaint_list
from kesu.core.errors import DomainError, NotFound, ValidationFailed
from kesu.core.text import clean_text

from .filters import DEFAULT_VIEWS, clean_filters, complaint_filters
from .models import SavedView

COUNT_CAP = 999  # a sidebar shows "999+" beyond: counting a million rows is not worth a page's time
MAX_VIEWS_PER_USER = 50


def views_for(user) -> QuerySet[SavedView]:
    """The user's own views and those shared with one of their departments."""
    return (
        SavedView.objects.filter(Q(owner=user) | Q(department_id__in=user.department_ids()))
        .select_related("owner", "department")
        .order_by("name", "id")
    )


def view_for(user, view_id: int) -> SavedView:
    view = views_for(user).filter(pk=view_id).first()
    if view is None:
        raise NotFound(_("Saved view %(id)s was not found.") % {"id": view_id})
    return view


def _share_department(user, shared: bool, department: str | None) -> Department | None:
    if not shared:
        return None
    mine = list(Department.objects.filter(id__in=user.department_ids(), active=True).order_by("code"))
    if department:
        found = next((d for d in mine if d.code == department), None)
        if found is None:
            raise ValidationFailed(
                _("You can share a view only with a department you belong to, not “%(code)s”.") % {"code": department},
                field="department",
            )
        return found
    if not mine:
        raise ValidationFailed(_("You belong to no department to share the view with."), field="shared")
    return mine[0]


def do_save_view(
    *, user, name: str, filters: Any, shared: bool = False, department: str | None = None, now: dt.datetime
) -> SavedView:
    """Save the filters under a name (the same name again replaces them). Shared: with `department`, or
    the owner's first department."""
    name = clean_text(name, "name", required=True, max_length=60)
    if not isinstance(shared, bool):
        raise ValidationFailed(_("Say whether the view is shared: true or false."), field="shared")
    clean = clean_filters(filters)
    dept = _share_department(user, shared, department)
    with transaction.atomic():
        existing = SavedView.objects.select_for_update().filter(owner=user, name=name).first()
        if existing is None:
            if SavedView.objects.filter(owner=user).count() >= MAX_VIEWS_PER_USER:
                raise ValidationFailed(
                    _("You have %(max)s saved views; delete one first.") % {"max": MAX_VIEWS_PER_USER}, field="name"
                )
            try:
                with transaction.atomic():
                    return SavedView.objects.create(
                        owner=user, name=name, filters=clean, department=dept, created_at=now, updated_at=now
                    )
            except IntegrityError:  # saved under the same name a moment ago: replace it below
                existing = SavedView.objects.select_for_update().get(owner=user, name=name)
        existing.filters, existing.department, existing.updated_at = clean, dept, now
        existing.save(update_fields=["filters", "department", "updated_at"])
        return existing


def do_delete_view(*, user, view_id: int) -> None:
    view = view_for(user, view_id)
    if view.owner_id != user.pk:
        raise DomainError("forbidden", _("Only %(owner)s may delete this shared view.") % {"owner": view.owner})
    view.delete()


def count(user, filters: dict[str, Any], *, now: dt.datetime) -> int:
    """How many complaints the filters match in the user's scope, counted up to COUNT_CAP + 1."""
    qs = complaint_list(user=user, filters=complaint_filters(filters, now=now))
    return qs.order_by().values("pk")[: COUNT_CAP + 1].count()


def counted_views(user, *, now: dt.datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(default views, saved views), each {"key", "label", "filters", "count", …} for the sidebar."""
    defaults = [
        {"key": v.key, "label": v.label, "icon": v.icon, "filters": v.filters, "count": count(user, v.filters, now=now)}
        for v in DEFAULT_VIEWS
    ]
    saved = [
        {
            "key": f"v{v.pk}",
            "id": v.pk,
            "label": v.name,
            "filters": v.filters,
            "shared": v.shared,
            "department": v.department,
            "owner": v.owner,
            "own": v.owner_id == user.pk,
            "count": count(user, v.filters, now=now),
        }
        for v in views_for(user)
    ]
    return defaults, saved
