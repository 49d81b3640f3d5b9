"""The inbox's filters as data: what a saved view stores, what the API takes, what the default views are.

The keys are the inbox's query parameters, so a saved view is the inbox's address under a name:

    tab       mine | departments | created | following | all     (whose complaints)
    status    a status, or "open"          severity, priority, type (a complaint type code), channel, level
    overdue   true: the nearest deadline has passed
    due_soon  true: the nearest deadline comes within DUE_SOON_HOURS
    q         search text                  sort  a column, "-" first for descending (SORT_COLUMNS)
    department, product_code, batch_no, received_from, received_to (ISO dates)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kesu.complaints.classification import Priority, Severity
from kesu.complaints.models import Category, Channel
from kesu.complaints.selectors import ComplaintFilters
from kesu.complaints.states import Status
from kesu.core.errors import DomainError

DUE_SOON_HOURS = 4
TAB_KEYS = ("mine", "departments", "created", "following", "all")
SORT_COLUMNS = ("number", "received_at", "status", "severity", "priority", "level", "updated_at", "next_due_at")
DEFAULT_SORT = "-received_at"
BOOLEAN_KEYS = ("overdue", "due_soon")
TEXT_KEYS = {"q": 200, "department": 20, "product_code": 64, "batch_no": 64}
DATE_KEYS = ("received_from", "received_to")


def _choice_keys() -> dict[str, list[str]]:
    return {
        "tab": list(TAB_KEYS),
        "status": ["open", *Status.values, *CLOSED_SPLIT],
        "severity": list(Severity.values),
        "priority": list(Priority.values),
        "channel": list(Channel.values),
        "sort": [*SORT_COLUMNS, *(f"-{c}" for c in SORT_COLUMNS)],
    }


FILTER_KEYS = (
    "tab",
    "q",
    "status",
    "severity",
    "priority",
    "type",
    "overdue",
    "due_soon",
    "sort",
    "department",
    "channel",
    "level",
    "product_code",
    "batch_no",
    "received_from",
    "received_to",
)


def _invalid(key: str, message: str) -> DomainError:
    return DomainError("validation_error", _("Please correct the marked fields."), fields={f"filters.{key}": [message]})


def clean_filters(raw: Any) -> dict[str, Any]:
    """The filters as stored: known keys only (an unknown one is refused, naming it), valid values, empty
    ones left out. Raises DomainError (400) naming `filters.<key>`."""
    if not isinstance(raw, dict):
        raise DomainError(
            "validation_error", _("Please correct the marked fields."), fields={"filters": [_("Give an object.")]}
        )
    choices = _choice_keys()
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FILTER_KEYS:
            raise _invalid(
                key,
                _("Unknown filter “%(key)s”; known filters: %(known)s.")
                % {"key": key, "known": ", ".join(FILTER_KEYS)},
            )
        if value in (None, "", False):
            continue
        if key in choices:
            if value not in choices[key]:
                raise _invalid(
                    key,
                    _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices[key])},
                )
            clean[key] = value
        elif key in BOOLEAN_KEYS:
            if value not in (True, "1", "true", "on"):
                raise _invalid(key, _("Give true or false."))
            clean[key] = True
        elif key == "level":
            if str(value) not in ("1", "2", "3"):
                raise _invalid(key, _("The level must be 1, 2 or 3."))
            clean[key] = int(value)
        elif key == "type":
            if not isinstance(value, str) or not Category.objects.filter(code=value).exists():
                raise _invalid(key, _("Unknown complaint type “%(code)s”.") % {"code": value})
            clean[key] = value
        elif key in DATE_KEYS:
            try:
                clean[key] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise _invalid(key, _("Give a date as YYYY-MM-DD.")) from None
        else:
            if not isinstance(value, str) or len(value.strip()) > TEXT_KEYS[key]:
                raise _invalid(key, _("Give a text of at most %(max)s characters.") % {"max": TEXT_KEYS[key]})
            if value.strip():
                clean[key] = value.strip()
    return clean


# The closed complaints split in two: the closure still waits for its review, or it may be archived.
CLOSED_SPLIT = {"closed_review": "pending", "closed_ready": "done"}


def complaint_filters(filters: dict[str, Any], *, now: dt.datetime) -> ComplaintFilters:
    """Clean filters (clean_filters or the inbox form) → what kesu.complaints.selectors.complaint_list takes."""
    tab = filters.get("tab") or "all"
    status = filters.get("status") or ""

    def date(key: str) -> dt.date | None:
        value = filters.get(key)
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    review = CLOSED_SPLIT.get(status)
    if review:
        status = Status.CLOSED
    return ComplaintFilters(
        status=[status] if status and status != "open" else None,
        open_only=status == "open",
        review=review,
        severity=filters.get("severity") or None,
        priority=filters.get("priority") or None,
        type_code=filters.get("type") or None,
        overdue=True if filters.get("overdue") else None,
        due_before=now + dt.timedelta(hours=DUE_SOON_HOURS) if filters.get("due_soon") else None,
        now=now,
        q=(filters.get("q") or "").strip() or None,
        mine=tab == "mine",
        my_departments=tab == "departments",
        created_by_me=tab == "created",
        following=tab == "following",
        department=filters.get("department") or None,
        channel=filters.get("channel") or None,
        level=filters.get("level") or None,
        product_code=filters.get("product_code") or None,
        batch_no=filters.get("batch_no") or None,
        received_from=date("received_from"),
        received_to=date("received_to"),
    )


@dataclass(frozen=True)
class DefaultView:
    key: str
    label: str
    filters: dict[str, Any]
    icon: str


# The lists everyone has (issue: 我待办 / 我创建 / 我关注 / 本部门 / 即将超时 / 已超时), then everything in scope.
DEFAULT_VIEWS = (
    DefaultView("todo", pgettext_lazy("view", "My to-do"), {"tab": "mine", "status": "open", "sort": "next_due_at"},
                "bi-person-check"),
    DefaultView("created", pgettext_lazy("view", "Created by me"), {"tab": "created"}, "bi-pencil-square"),
    DefaultView("following", pgettext_lazy("view", "Following"), {"tab": "following", "status": "open"}, "bi-eye"),
    DefaultView("department", pgettext_lazy("view", "My department"),
                {"tab": "departments", "status": "open", "sort": "next_due_at"}, "bi-people"),
    DefaultView("due_soon", pgettext_lazy("view", "Due soon"),
                {"tab": "all", "status": "open", "due_soon": True, "sort": "next_due_at"}, "bi-hourglass-split"),
    DefaultView("overdue", pgettext_lazy("view", "Overdue"),
                {"tab": "all", "status": "open", "overdue": True, "sort": "next_due_at"}, "bi-exclamation-circle"),
    DefaultView("all", pgettext_lazy("view", "Everything I may see"), {"tab": "all"}, "bi-collection"),
)  # fmt: skip
LANDING_VIEW = DEFAULT_VIEWS[0]


def normalised(filters: dict[str, Any]) -> dict[str, Any]:
    """For telling whether the inbox shows exactly a view: the default sort and empty values left out."""
    result = {k: v for k, v in filters.items() if k in FILTER_KEYS and v not in (None, "", False)}
    if result.get("sort") == DEFAULT_SORT:
        del result["sort"]
    result.setdefault("tab", "all")
    return result
