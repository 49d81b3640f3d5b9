"""Suggest a complaint's type from its Chinese text (R-CLS-1, R-CLS-4) — pure Python, like `kesu.rules.risk`.

    rank_types(text)    → [TypeScore(code, score, evidence), …]   every known type, best first
    suggest_type(text)  → ("quality" | "service" | "after_sales" | "delivery" | "price" | None, reason)

Strong words count 2, weak words 1, each distinct word once; naming products or foods counts 1 for quality, however
many are named; a product-fault risk (fire, foreign body, …) adds to quality (type_lexicon.TYPE_RISK_BONUS). A word
right after 不是/并非 (不是质量问题) or right before praise (味道还行) does not count. The term lists are data, in
`type_lexicon.py`; the text is prepared (normalised, split into clauses, segmented) by `kesu.rules.risk`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kesu.rules import type_lexicon as tl
from kesu.rules.risk import _PLAIN_WORD, _Scanner, _segmenter, _Text, analyse

TYPES = ("quality", "service", "after_sales", "delivery", "price", "other")

_TYPE_LABELS = {
    "quality": "product quality",
    "after_sales": "after-sales service (repairs, parts, installation)",
    "delivery": "order and delivery",
    "price": "fees and prices",
    "service": "service experience",
}

_TYPE_DENIAL = re.compile(r"不是|并非|不属于|无关")
_TYPE_PRAISE = re.compile(tl.TYPE_PRAISE)
_NOT_PRODUCTS = frozenset(tl.NOT_PRODUCTS.split())
_PRODUCT_SUFFIXES = frozenset(tl.PRODUCT_SUFFIXES)


@dataclass(frozen=True)
class TypeScore:
    code: str  # one of TYPES
    score: float  # the lexicon's score; 0 when no word speaks for this type
    evidence: tuple[str, ...] = field(default=())  # the words that decided it, as written in the text


@functools.cache
def _type_rules() -> dict[str, tuple[_Scanner, _Scanner]]:
    return {code: (_Scanner.of(strong), _Scanner.of(weak)) for code, (strong, weak) in tl.TYPE_TERMS.items()}


@functools.cache
def _things() -> _Scanner:
    return _Scanner.of(tl.TYPE_THINGS)


def _product_nouns(text: _Text) -> list[str]:
    """Dictionary words that name a product (热水器, 电动车, 玩具), for the quality type.

    Looks up the two to four characters ending at each product suffix (器, 车, 具 …) in jieba's dictionary, longest
    first, instead of segmenting the whole text.
    """
    dictionary = _segmenter().dt.FREQ
    nouns = []
    for end in text.positions_of(_PRODUCT_SUFFIXES):
        for length in (4, 3, 2):
            start = end + 1 - length
            word = text.norm[start : end + 1]
            if start >= 0 and dictionary.get(word) and _PLAIN_WORD.fullmatch(word):
                if word not in _NOT_PRODUCTS:
                    nouns.append(word)
                break
    return nouns


def rank_types(text: str) -> list[TypeScore]:
    """Every type of TYPE_ORDER with its score and evidence, best first (ties: the earlier type in TYPE_ORDER)."""
    if not text or not text.strip():
        return [TypeScore(code, 0.0) for code in tl.TYPE_ORDER]
    prepared = _Text(text)
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for code in tl.TYPE_ORDER:
        strong, weak = _type_rules()[code]
        words: dict[str, int] = {}
        for weight, pattern in ((2, strong), (1, weak)):
            for match in pattern.words(prepared):
                word = prepared.norm[match.start() : match.end()]
                if (
                    word in words
                    or _TYPE_DENIAL.search(prepared.norm, max(0, match.start() - 4), match.start())
                    or _TYPE_PRAISE.match(prepared.norm, match.end())
                ):
                    continue
                words[word] = weight
        if code == "quality":
            things = [prepared.norm[m.start() : m.end()] for m in _things().words(prepared)] + _product_nouns(prepared)
            if things and not any(thing in words for thing in things):
                words[things[0]] = 1
        scores[code] = float(sum(words.values()))
        evidence[code] = [prepared.original[m.start() : m.end()] for m in _iter_first(prepared, words)]
    for hit in analyse(text):
        if hit.risk in tl.TYPE_RISK_BONUS and not hit.reason.startswith(tl.TYPE_RISK_NO_BONUS):
            code, bonus = tl.TYPE_RISK_BONUS[hit.risk]
            scores[code] += bonus
            evidence[code].append(hit.term)
    ordered = sorted(tl.TYPE_ORDER, key=lambda code: (-scores[code], tl.TYPE_ORDER.index(code)))
    return [TypeScore(code, scores[code], tuple(dict.fromkeys(evidence[code]))) for code in ordered]


def suggest_type(text: str) -> tuple[str | None, str]:
    """The type the text is most about, with the words that decided it; (None, reason) if unclear.

    A type needs type_lexicon.TYPE_MIN_SCORE. `kesu.triage` builds the full suggestion (confidence, runners-up, a
    type for every complaint) on rank_types().
    """
    if not text or not text.strip():
        return None, "no text"
    best = rank_types(text)[0]
    if best.score < tl.TYPE_MIN_SCORE:
        return None, "no clear words about the kind of problem"
    return best.code, f"about {_TYPE_LABELS[best.code]}: {'、'.join(best.evidence)}"


def _iter_first(text: _Text, words: Mapping[str, int]) -> list[re.Match[str]]:
    """The first occurrence of each word, strongest first, at most three."""
    ordered = sorted(words, key=lambda word: (-words[word], text.norm.find(word)))[:3]
    return [m for word in ordered if (m := re.search(re.escape(word), text.norm))]
