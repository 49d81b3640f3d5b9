"""Messages stored to be read later, each in its reader's language.

A notification (or a generated task title) is written once and read by people who use the application in
Chinese or in English. It keeps `msg(msgid, **params)`: the English msgid (marked with gettext_noop at the call,
so makemessages finds it) and its parameters. A parameter is plain text (a number, a username, what the
customer wrote), a pair of names {"zh": "首次响应", "en": "First response"} (a clock, a department, a rule),
or a message itself. `render()` translates it in the active language, `render_org()` in the organisation's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

Text = dict[str, Any]


def msg(msgid: str, /, *, context: str = "", **params: Any) -> Text:
    """A message to translate when it is read. `msgid` must be wrapped in gettext_noop (or pgettext_noop-like
    marking) where it is written, so that it lands in the po file."""
    text: Text = {"msgid": msgid, "params": {k: _param(v) for k, v in params.items()}}
    if context:
        text["context"] = context
    return text


def _param(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, dict)):
        return value
    return str(value)


def pair(zh: str, en: str = "") -> dict[str, str]:
    """A name typed by the organisation in Chinese, with its English (Chinese again when there is none)."""
    return {"zh": zh or en, "en": en or zh}


def in_each_language(value: Callable[[], Any] | Any) -> dict[str, str]:
    """A translatable value (a lazy choice label, or a function that translates) rendered in every language of
    the application now, for a label whose msgid a message cannot name (e.g. a TextChoices label)."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[_short(code)] = str(value() if callable(value) else value)
    return out


def _short(language: str | None) -> str:
    return (language or settings.LANGUAGE_CODE).split("-")[0].lower()


def is_text(value: Any) -> bool:
    return isinstance(value, dict) and "msgid" in value


def render(value: Any, language: str | None = None) -> str:
    """`value` in `language` (default: the active one)."""
    if language is not None:
        with translation.override(language):
            return render(value)
    if is_text(value):
        context = value.get("context")
        template = pgettext(context, value["msgid"]) if context else gettext(value["msgid"])
        params = value.get("params") or {}
        if not params:
            return template
        try:
            return template % {k: _value(v) for k, v in params.items()}
        except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder: say it in English
            return value["msgid"] % {k: _value(v) for k, v in params.items()}
    if isinstance(value, dict):  # a pair of names
        short = _short(translation.get_language())
        return str(value.get(short) or value.get(_short(settings.LANGUAGE_CODE)) or next(iter(value.values()), ""))
    if value is None:
        return ""
    return str(value)


def _value(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else render(value)


def render_org(value: Any) -> str:
    """`value` in the organisation's language (settings.LANGUAGE_CODE): what is stored for search and e-mail."""
    return render(value, settings.LANGUAGE_CODE)
