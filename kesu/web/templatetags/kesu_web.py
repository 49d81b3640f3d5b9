from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kesu.complaints.states import HANDLING
from kesu.core.masking import mask_email, mask_id_number, mask_phone

from .. import display

register = template.Library()


@register.filter
def choice(value, kind: str) -> str:
    """{{ complaint.severity|choice:"severity" }} → the translated label of a stored code."""
    return display.choice_label(value, kind)


@register.simple_tag
def status_badge(status: str, label: str | None = None):
    return format_html(
        '<span class="badge status-badge status-{}">{}</span>',
        status,
        label or display.choice_label(status, "status"),
    )


@register.simple_tag
def severity_badge(value: str):
    if not value:
        return format_html('<span class="text-body-tertiary">{}</span>', "—")
    return format_html(
        '<span class="badge sev-badge sev-{}" title="{}">{}</span>',
        value,
        display.choice_label(value, "severity"),
        value,
    )


@register.simple_tag
def priority_badge(value: str):
    if not value:
        return format_html('<span class="text-body-tertiary">{}</span>', "—")
    return format_html('<span class="badge pri-badge pri-{}">{}</span>', value, display.choice_label(value, "priority"))


@register.simple_tag
def level_badge(value):
    if not value:
        return format_html('<span class="text-body-tertiary">{}</span>', "—")
    return format_html(
        '<span class="badge lvl-badge lvl-{}" title="{}">{}</span>',
        value,
        display.choice_label(value, "level"),
        _("L%(level)s") % {"level": value},
    )


@register.filter
def may_record(user) -> bool:
    """Whether the user may record complaints (the roles that handle them)."""
    return getattr(user, "role", None) in HANDLING


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def masked_email(value: str) -> str:
    return mask_email(value or "")


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def local_dt(value) -> str:
    return display.format_datetime(value) if value else ""


@register.filter
def filesize(value) -> str:
    return display.filesize(int(value or 0))


@register.filter
def event_label(action: str) -> str:
    return display.event_label(action)


@register.filter
def event_icon(action: str) -> str:
    return display.event_icon(action)


@register.filter
def yes_no(value) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


# Columns whose first click sorts newest/largest first.
_DESC_FIRST = {"number", "received_at", "updated_at", "level"}


@register.simple_tag(takes_context=True)
def sort_header(context, column: str, label: str):
    """A column header that sorts the inbox by `column`, toggling the direction on the next click."""
    current = context.get("sort", "")
    request = context["request"]
    if current == column:
        target, aria, icon = f"-{column}", "ascending", "bi-sort-up"
    elif current == f"-{column}":
        target, aria, icon = column, "descending", "bi-sort-down"
    else:
        target, aria, icon = (f"-{column}" if column in _DESC_FIRST else column), "none", ""
    params = request.GET.copy()
    params["sort"] = target
    params.pop("page", None)
    url = f"?{params.urlencode()}"
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="sort-link" href="{}" hx-get="{}" hx-target="#inbox-results" '
        'hx-push-url="true">{}{}</a></th>',
        aria,
        url,
        url,
        label,
        format_html(' <i class="bi {}" aria-hidden="true"></i>', icon) if icon else "",
    )


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def tab_url(context, tab: str) -> str:
    params = context["request"].GET.copy()
    params["tab"] = tab
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.simple_tag
def dlrow(label, value, wide: bool = False):
    """One label/value pair of a record card; empty values show as a quiet dash."""
    if value in (None, "", [], ()):
        shown = format_html('<span class="text-body-tertiary">{}</span>', "—")
    else:
        shown = format_html("{}", value)
    return format_html(
        "<dt>{}</dt><dd{}>{}</dd>", label, format_html(' class="{}"', "text-prewrap") if wide else "", shown
    )


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread notices (news about one complaint counts once): one query per request,
    however often it is asked."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_kesu_unread", None)
    if cached is None:
        from kesu.notifications.grouping import unread_notices

        cached = request._kesu_unread = unread_notices(user)
    return cached


@register.simple_tag
def due_cell(complaint, now):
    """The inbox's due column: the nearest deadline, coloured like the SLA panel, with the time left."""
    due = complaint.next_due_at
    if due is None:
        return format_html('<span class="text-body-tertiary">{}</span>', "—")
    tone = display.due_tone(due, now, started=display.nearest_started(complaint))
    icon = {"overdue": "bi-exclamation-circle-fill", "soon": "bi-hourglass-split"}.get(tone, "bi-clock")
    return format_html(
        '<span class="due due-{}" title="{}"><i class="bi {} me-1" aria-hidden="true"></i>{}'
        '<span class="d-block small due-words">{}</span></span>',
        tone,
        display.due_words(due, now),
        icon,
        display.format_datetime(due),
        display.due_words(due, now),
    )


@register.filter
def rule_result(value) -> str:
    return display.rule_result(value)


@register.filter
def rule_reason(value) -> str:
    """A rule's reason as stored on a complaint, in the reader's language."""
    return display.rule_reason(value or "")


@register.filter
def due_tone(value, now) -> str:
    return display.due_tone(value, now) if value else ""


@register.filter
def due_words(value, now) -> str:
    return display.due_words(value, now) if value else ""


@register.filter
def may_see_gm_meeting(user) -> bool:
    from ..followup_views import GM_MEETING_VIEWERS

    return getattr(user, "role", None) in GM_MEETING_VIEWERS


@register.filter
def decides_penalties(user) -> bool:
    from kesu.assessment.actions import DECIDERS

    return getattr(user, "role", None) in DECIDERS
