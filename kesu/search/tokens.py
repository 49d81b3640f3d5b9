"""The one tokenizer for complaint text and for queries (pure: no database, no Django models).

Chinese (and Japanese, Korean) text has no spaces between words, so a run of CJK characters becomes its
overlapping two-character tokens (bigrams) followed by its last character alone: 管道漏水 → 管道 道漏 漏水 水.
Every character of the run is then the first character of some token, so a one-character query is a
prefix query; a two-character word is one exact token; a longer phrase is its bigrams, adjacent and in
order. Latin letters and digits stay whole words, lower-cased (SO-2026-0042 → so 2026 0042). Text is
NFKC-normalised first, so full-width ＳＯ２０２６ is so 2026.

The document keeps the fields apart with FIELD_BREAK, a token that no text or query can produce, so a
phrase never runs from one field into the next; punctuation ends a CJK run, so 漏。水 is not 漏水.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Han (with extensions and compatibility ideographs), kana and hangul: written without spaces.
_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_WORD = re.compile(r"[^\W_]+")
_SEGMENT = re.compile(rf"([{_CJK_CHARS}]+)|([^{_CJK_CHARS}]+)")

# A private-use character: not a letter or digit to `_WORD`, so never part of a query token, but a token
# character to SQLite's unicode61 tokenizer and a plain lexeme to PostgreSQL.
FIELD_BREAK = "\ue000"

MAX_TERMS = 12


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _segments(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, text) runs of letters and digits, in order; anything else separates them."""
    out: list[tuple[bool, str]] = []
    for word in _WORD.findall(_normalise(text)):
        for cjk, other in _SEGMENT.findall(word):
            out.append((True, cjk) if cjk else (False, other))
    return out


def _cjk_tokens(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def text_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for cjk, seg in _segments(text):
        tokens.extend(_cjk_tokens(seg) if cjk else [seg])
    return tokens


_LETTERS_DIGITS = re.compile(r"[^\W\d_]+|\d+")


def _code_parts(token: str) -> list[str]:
    """A code mixing letters and digits (tb889900, kfr35) split into its letter and digit runs."""
    parts = _LETTERS_DIGITS.findall(token)
    return parts if len(parts) > 1 else []


def document(fields: Iterable[str | None]) -> str:
    """The token document stored in Complaint.search_text: tokens separated by single spaces, fields by
    FIELD_BREAK. Codes mixing letters and digits are also listed by their parts at the end (each code
    apart), so the digits of order TB889900 find it without a phrase reaching from one code to the next."""
    parts: list[str] = []
    codes: list[str] = []
    for f in fields:
        tokens = text_tokens(f) if f else []
        if tokens:
            parts.append(" ".join(tokens))
            for tok in tokens:
                split = _code_parts(tok)
                if split and " ".join(split) not in codes:
                    codes.append(" ".join(split))
    return f" {FIELD_BREAK} ".join(parts + codes)


@dataclass(frozen=True)
class Term:
    """One whitespace-separated query term: tokens that must be adjacent and in order; the last token is
    a prefix when `prefix` is set (a latin word being typed, or a single Chinese character)."""

    tokens: tuple[str, ...]
    prefix: bool
    text: str  # the term as typed, for highlighting


def parse_query(q: str) -> list[Term]:
    """Terms of a query; a term without letters, digits or CJK characters is dropped. At most MAX_TERMS."""
    terms: list[Term] = []
    for raw in (q or "").replace("\x00", " ").split():
        segments = _segments(raw)
        if not segments:
            continue
        tokens: list[str] = []
        for cjk, seg in segments[:-1]:
            tokens.extend(_cjk_tokens(seg) if cjk else [seg])
        cjk, last = segments[-1]
        if cjk and len(last) > 1:
            # The run may continue in the document (漏水 inside 漏水了): its bigrams, without the final
            # single character that marks the end of a run.
            tokens.extend(_cjk_tokens(last)[:-1])
            prefix = False
        else:
            tokens.append(last)
            prefix = True
        term = Term(tokens=tuple(tokens), prefix=prefix, text=raw)
        if term not in terms:
            terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return terms


def fts5_query(terms: list[Term]) -> str:
    """SQLite FTS5 MATCH expression: each term a quoted phrase (tokens are letters and digits only, so
    no quote can occur inside), the last token starred for a prefix; all terms must match."""
    return " AND ".join('"' + " ".join(t.tokens).replace('"', '""') + '"' + (" *" if t.prefix else "") for t in terms)


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(terms: list[Term]) -> str:
    """PostgreSQL tsquery literal (cast with ::tsquery: no parser, no locale) requiring every token of
    every term, the last token of a prefix term with :*. The index keeps no positions; the order of a
    phrase's tokens is checked on the token document (kesu.search.backends.database)."""
    parts = []
    for t in terms:
        lexemes = [_lexeme(tok) for tok in t.tokens]
        if t.prefix:
            lexemes[-1] += ":*"
        parts.extend(lexemes)
    return " & ".join(dict.fromkeys(parts))
