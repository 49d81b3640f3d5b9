"""Marking what a query matched in a title or a description snippet: HTML-escaped text with <mark>."""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .tokens import Term, parse_query

SNIPPET_CHARS = 80


def _pattern(terms: list[Term]) -> re.Pattern[str] | None:
    """One regular expression for every term: its letters in order, where the index lets anything but a
    letter or digit sit between two of its words (SO-2026 is `so 2026`); a prefix runs to the word's end."""
    alternatives = []
    for term in terms:
        words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", term.text))
        if not words:
            continue
        body = r"[\W_]*".join(re.escape(w) for w in words)
        if term.prefix and not re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]$", body):
            body += r"[a-zA-Z0-9]*"
        alternatives.append(body)
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return escape(text)
    out, at = [], 0
    for m in pattern.finditer(text):
        if m.end() == m.start():
            continue
        out.append(escape(text[at : m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        at = m.end()
    out.append(escape(text[at:]))
    return "".join(out)


def highlight(text: str, q: str) -> SafeString:
    """The whole text, HTML-escaped, with every match of `q` inside <mark>."""
    return mark_safe(_marked(text or "", _pattern(parse_query(q))))


def snippet(text: str, q: str, *, chars: int = SNIPPET_CHARS) -> SafeString:
    """About `chars` characters of `text` around the first match of `q` (the start when nothing matches),
    HTML-escaped, matches inside <mark>, an ellipsis where text was cut."""
    text = " ".join((text or "").split())
    pattern = _pattern(parse_query(q))
    found = pattern.search(text) if pattern else None
    start = 0 if found is None else max(0, found.start() - chars // 4)
    end = min(len(text), start + chars)
    start = max(0, min(start, end - chars))
    piece = _marked(text[start:end], pattern)
    return mark_safe(("…" if start > 0 else "") + piece + ("…" if end < len(text) else ""))


def highlights(title: str, description: str, q: str) -> dict[str, str]:
    """What a result list shows for one complaint: the marked title and a marked description snippet."""
    return {"title": highlight(title, q), "snippet": snippet(description, q)}
