"""Followers card and @mentions on the timeline."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kesu.routing.followers import MENTION, may_remove

register = template.Library()


@register.simple_tag
def may_unfollow(watcher, user, complaint) -> bool:
    return may_remove(watcher, user, complaint)


@register.filter
def followed_by(watchers, user) -> bool:
    return any(w.user_id == user.pk for w in watchers or [])


@register.filter
def mark_mentions(value, names) -> str:
    """The note's text, escaped, with each "@name" it mentions (`names`, from the event) highlighted."""
    text = escape(str(value))
    wanted = [n for n in (names or []) if isinstance(n, str) and n]
    if not wanted:
        return mark_safe(text)
    pattern = re.compile(
        MENTION.pattern.replace(r"([\w.+-]+)", "(" + "|".join(re.escape(escape(n)) for n in wanted) + ")")
    )
    return mark_safe(
        pattern.sub(lambda m: f'<mark class="mention" data-mention="{m.group(1)}">@{m.group(1)}</mark>', text)
    )
