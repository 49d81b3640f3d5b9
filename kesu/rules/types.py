"""Rank a complaint's possible types from its Chinese text (R-CLS-1, R-CLS-4) — pure Python, like `kesu.rules.risk`.

    rank_types(text, codes=None)  → [TypeScore(code, score, evidence), …]   every type asked for, best first
    suggest_type(text)            → ("quality" | "service" | "after_sales" | "delivery" | "price" | None, reason)

Each type's terms weigh 3 (the customer names the kind of problem: 质量问题, 态度恶劣), 2 (what went wrong) or 1
(people, places, demands), each distinct word once. A word right after 不是/并非 (不是质量问题) or right before
praise (味道还行) does not count; right after a demand (要求退款) it counts half; after a turn (但是, 就是, 结果) it
counts more, since that is where customers put their real grievance. Naming products or foods counts 1 for quality
however many are named; a product-fault risk (fire, foreign body, …) adds to quality (type_lexicon.TYPE_RISK_BONUS).
A bare negative review that names nothing (差评！, 不会再买了) is read as about the goods, or about the service when
it names the shop or its staff. The term lists are data, in `type_lexicon.py`; the text is prepared (normalised,
split into clauses, segmented) by `kesu.rules.risk`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kesu.rules import type_lexicon as tl
from kesu.rules.risk import _PLAIN_WORD, _Scanner, _segmenter, _Text, analyse

TYPES = ("quality", "service", "after_sales", "delivery", "price", "policy", "technical_change", "other")

_TYPE_LABELS = {
    "quality": "product quality",
    "after_sales": "after-sales service (repairs, parts, installation)",
    "delivery": "order and delivery",
    "price": "fees and prices",
    "service": "service experience",
    "policy": "franchise policy",
    "technical_change": "technical change",
}

# How far before a word a denial, a demand or a turn is looked for.
_DENIAL_WINDOW = 4
_DEMAND_WINDOW = 4
_CONTRAST_WINDOW = 12
_DEMAND_FACTOR = 0.5
# Score of the goods' quality for a bare negative review, and for a text that says nothing about its kind.
_BARE_NEGATIVE_SCORE = 1.0
_DEFAULT_SCORE = 0.5

_DENIAL = re.compile(tl.TYPE_DENIAL)
_DEMAND = re.compile(tl.TYPE_DEMAND)
_CONTRAST = re.compile(tl.TYPE_CONTRAST)
_PRAISE = re.compile(tl.TYPE_PRAISE)
_BARE_NEGATIVE = re.compile(tl.BARE_NEGATIVE)
_BARE_NEGATIVE_SERVICE = re.compile(tl.BARE_NEGATIVE_SERVICE)
_FACILITY = re.compile(tl.FACILITY_CONTEXT)
_NOT_PRODUCTS = frozenset(tl.NOT_PRODUCTS.split())
_PRODUCT_SUFFIXES = frozenset(tl.PRODUCT_SUFFIXES)
_ORDER = {code: i for i, code in enumerate(tl.TYPE_ORDER)}


@dataclass(frozen=True)
class TypeScore:
    code: str  # one of TYPES
    score: float  # the lexicon's score; 0 when no word speaks for this type
    evidence: tuple[str, ...] = field(default=())  # the words that decided it, as written in the text


@functools.cache
def _type_rules() -> dict[str, tuple[tuple[float, _Scanner], ...]]:
    return {
        code: tuple((float(weight), _Scanner.of(pattern)) for weight, pattern in tiers)
        for code, tiers in tl.TYPE_TERMS.items()
    }


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


def _weight(text: _Text, start: int, end: int, weight: float, turns: list[int]) -> float:
    """The word's weight where it stands: 0 when denied or praised, less after a demand, more after a turn."""
    norm = text.norm
    clause_start, _clause_end = text.clause(start)
    if _DENIAL.search(norm, max(0, start - _DENIAL_WINDOW), start) or _PRAISE.match(norm, end):
        return 0.0
    if _DEMAND.search(norm, max(clause_start, start - _DEMAND_WINDOW), start):
        return weight * _DEMAND_FACTOR
    if any(start - _CONTRAST_WINDOW <= turn <= start for turn in turns):
        return weight * tl.TYPE_CONTRAST_FACTOR
    return weight


def _score(text: _Text, code: str, turns: list[int]) -> dict[str, float]:
    """Each distinct word of the type found in the text, with its best weight."""
    words: dict[str, float] = {}
    taken: list[tuple[int, int]] = []  # a word already counted for a stronger tier hides the weaker words inside it
    for weight, scanner in _type_rules()[code]:
        for match in scanner.words(text):
            start, end = match.start(), match.end()
            if any(s <= start and end <= e for s, e in taken):
                continue
            word = text.norm[start:end]
            value = _weight(text, start, end, weight, turns)
            taken.append((start, end))
            if value > words.get(word, 0.0):
                words[word] = value
    return {word: value for word, value in words.items() if value > 0}


def rank_types(text: str, codes: Iterable[str] | None = None) -> list[TypeScore]:
    """Every type of `codes` (default: every type the lexicon knows) with its score and evidence, best first.

    `codes` are the active playbook's types; a code the lexicon has no terms for scores 0. Ties go to the earlier
    type in type_lexicon.TYPE_ORDER, then to the order of `codes`.
    """
    wanted = list(dict.fromkeys(codes)) if codes is not None else list(tl.TYPE_ORDER)
    known = [code for code in wanted if code in tl.TYPE_TERMS]
    scores = {code: 0.0 for code in wanted}
    evidence: dict[str, list[str]] = {code: [] for code in wanted}
    if text and text.strip() and known:
        prepared = _Text(text)
        turns = [m.end() for m in _CONTRAST.finditer(prepared.norm)]
        found = {code: _score(prepared, code, turns) for code in known}
        if "quality" in found and _FACILITY.search(prepared.norm):
            found["quality"] = {word: value * tl.FACILITY_QUALITY_FACTOR for word, value in found["quality"].items()}
        if "quality" in found and not found["quality"]:
            things = [prepared.norm[m.start() : m.end()] for m in _things().words(prepared)]
            things += _product_nouns(prepared)
            if things:
                found["quality"][things[0]] = 1.0
        for code, words in found.items():
            scores[code] = sum(words.values())
            evidence[code] = [prepared.original[m.start() : m.end()] for m in _iter_first(prepared, words)]
        for hit in analyse(text):
            if hit.risk in tl.TYPE_RISK_BONUS and not hit.reason.startswith(tl.TYPE_RISK_NO_BONUS):
                code, bonus = tl.TYPE_RISK_BONUS[hit.risk]
                if code in scores:
                    scores[code] += bonus
                    evidence[code].append(hit.term)
        if not any(scores.values()):
            _bare_review(prepared, known, scores, evidence)
    order = {code: (_ORDER.get(code, len(_ORDER)), i) for i, code in enumerate(wanted)}
    ranked = sorted(wanted, key=lambda code: (-scores[code], order[code]))
    return [TypeScore(code, round(scores[code], 3), tuple(dict.fromkeys(evidence[code]))) for code in ranked]


def _bare_review(text: _Text, known: list[str], scores: dict[str, float], evidence: dict[str, list[str]]) -> None:
    """A text with no word about its kind: a bare negative review is about the goods, or about the service when it
    names the shop or its staff; anything else leans a little to the goods."""
    negative = _BARE_NEGATIVE.search(text.norm)
    staff = _BARE_NEGATIVE_SERVICE.search(text.norm)
    code = "service" if staff and "service" in known else "quality"
    if code not in known:
        return
    if negative:
        scores[code] = _BARE_NEGATIVE_SCORE
        evidence[code] = [text.original[m.start() : m.end()] for m in (staff, negative) if m]
    elif code == "quality":
        scores[code] = _DEFAULT_SCORE


def suggest_type(text: str, codes: Iterable[str] | None = None) -> tuple[str | None, str]:
    """The type the text is most about, with the words that decided it; (None, reason) if unclear.

    `codes`: the types it may name (default: the five every playbook has). A type needs
    type_lexicon.TYPE_MIN_SCORE. `kesu.triage` builds the full suggestion (confidence, runners-up, a type for every
    complaint) on rank_types().
    """
    if not text or not text.strip():
        return None, "no text"
    best = rank_types(text, tl.GENERAL_TYPES if codes is None else codes)[0]
    if best.score < tl.TYPE_MIN_SCORE or best.code not in _TYPE_LABELS:
        return None, "no clear words about the kind of problem"
    return best.code, f"about {_TYPE_LABELS[best.code]}: {'、'.join(best.evidence)}"


def _iter_first(text: _Text, words: Mapping[str, float]) -> list[re.Match[str]]:
    """The first occurrence of each word, strongest first, at most three."""
    ordered = sorted(words, key=lambda word: (-words[word], text.norm.find(word)))[:3]
    return [m for word in ordered if (m := re.search(re.escape(word), text.norm))]
