"""Suggest a complaint's risks and type from its Chinese text (R-CLS-4).

Pure Python — no database, no Django — so the rule engine, the API and the tests can call it anywhere.

    analyse(text)       → [RiskHit(risk, term, start, reason, confidence), …]   at most one hit per risk, in text order
    family_of(risk)     → the contract's risk family (regulator, media, legal, injury, food_safety, …) or None
    terms_to_disable(stats) → the terms agents keep rejecting, to pass back as analyse(…, disabled_terms=…)

The complaint type is suggested by `kesu.rules.types`, which shares this module's text preparation.

How a term is found (the term lists and their guards are data, in `lexicon.py`):

1. The text is normalised without changing its length: traditional → simplified characters, full-width →
   ASCII (１２３１５ → 12315, ，→ ,), ASCII lower-cased. Offsets therefore point into the original text.
2. Each group's patterns are searched; for one risk the earliest match that survives the guards wins.
3. Guards: false friends (`exclude`), required or forbidden nearby words (`context`, `not_context`), whole-word
   matching with jieba for a few short terms (`word`), and negation.
4. Negation: a negator (没, 没有, 未, 不, 无, 别, 不是, 不会, 不用, 不需要, 幸好没 …) at most NEGATION_WINDOW
   characters before the term, in the same clause, cancels it — unless a condition or consequence word stands
   between them (不处理我就打12315 fires: a threat is a risk), the negator is part of a condition (如不给说法将向
   媒体反映), or the clause is a rhetorical question (难道不是食物中毒吗). A denial right after the term cancels it
   too (受伤倒是没有, 12315就算了, 律师就不找了). Clauses end at punctuation, at spaces and emoji (which chat and
   social-media writers use as punctuation) and at 但/但是/可是/不过.
5. A hazard a shop assistant, salesman or leaflet talks about (店员说不会漏电的, 销售说万一自燃会赔) is not the
   customer reporting one.

Confidence: each hit carries its group's confidence (explicit terms such as 12315, 律师函, 食物中毒 high; weak or
context-dependent ones such as 避雷 or 过期 without food words low). A hazard only imagined (万一着火怎么办, 怕孩子
摔倒) is still flagged, with less confidence; a threat (如果再不处理就打12315) is a risk at full confidence. When
several groups find the same risk, their confidences combine (two weak signs are stronger than one); the hit keeps
the earliest term as its evidence.

Known limits: a veiled threat is read literally (我老公是律师 is flagged even when said kindly); double negation
other than 难道/不就是 is read as negation; a foreign body is only recognised near food words (a screw in a sofa
is not flagged); a denial in a later sentence (过敏…还好这次没放) is not seen.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kesu.rules import lexicon

RISKS = (
    "regulator",
    "media",
    "legal",
    "injury",
    "food_safety",
    "foreign_body",
    "spoiled",
    "fire",
    "electric_shock",
    "breakage",
    "failure_in_use",
    "line_stop",
    "batch",
    "repeat",
    "churn",
    "emotional",
)

# The risk families of the public contract ("Triage suggestion"): what a supervisor is warned of. The other risks
# (line stop, batch, repeat, churn, emotion) feed the playbook's rules but are not a family of their own.
FAMILIES = ("regulator", "media", "legal", "injury", "food_safety", "safety_hazard")
FAMILY_OF = {
    "regulator": "regulator",
    "media": "media",
    "legal": "legal",
    "injury": "injury",
    "food_safety": "food_safety",
    "foreign_body": "food_safety",
    "spoiled": "food_safety",
    "fire": "safety_hazard",
    "electric_shock": "safety_hazard",
    "breakage": "safety_hazard",
    "failure_in_use": "safety_hazard",
}


def family_of(risk: str) -> str | None:
    return FAMILY_OF.get(risk)


@dataclass(frozen=True)
class RiskHit:
    risk: str  # one of RISKS
    term: str  # the matched words, as written in the text
    start: int  # character offset in the text
    reason: str  # short English explanation, e.g. "mentions a government complaint hotline (12315)"
    confidence: float = 0.8  # 0–1: how sure the analyser is that the text carries this risk


# ---------------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------------


def _translation_table() -> dict[int, int]:
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII block
    table[0x3000] = ord(" ")  # ideographic space
    for pair in lexicon.TRADITIONAL_TO_SIMPLIFIED.split():
        traditional, simplified = pair
        table[ord(traditional)] = ord(simplified)
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = cp + 32
    # Upper-case full-width letters end up lower-case too.
    for cp in range(0xFF21, 0xFF3B):
        table[cp] = cp - 0xFEE0 + 32
    return table


_TABLE = {chr(source): chr(target) for source, target in _translation_table().items()}
_TO_NORMALISE = re.compile("[" + "".join(re.escape(char) for char in _TABLE) + "]")


def _fold(match: re.Match[str]) -> str:
    return _TABLE[match.group()]


def normalise(text: str) -> str:
    """Fold traditional characters, full-width forms and ASCII case; the result has the same length."""
    return _TO_NORMALISE.sub(_fold, text)


# ---------------------------------------------------------------------------------------------------------------
# Compiled lexicon
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    group: lexicon.Group
    scanner: _Scanner
    context: re.Pattern[str] | None
    not_context: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


def _first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of `pattern` can start with, or None if that cannot be told (then search everywhere).

    Python's regex engine tries every alternative at every position; matching only where one of these characters
    occurs keeps analyse() fast. Uses the standard library's regex parser; any construct it does not recognise
    gives None, which is always safe.
    """
    try:
        from re import _constants as c
        from re import _parser
    except ImportError:  # pragma: no cover - other Python versions
        return None

    digits = frozenset("0123456789")

    def item_first(op, av) -> tuple[frozenset[str] | None, bool]:
        if op is c.LITERAL:
            return frozenset(chr(av)), False
        if op is c.IN:
            chars: set[str] = set()
            for inner_op, inner_av in av:
                if inner_op is c.LITERAL:
                    chars.add(chr(inner_av))
                elif inner_op is c.RANGE and inner_av[1] - inner_av[0] < 256:
                    chars.update(chr(code) for code in range(inner_av[0], inner_av[1] + 1))
                elif inner_op is c.CATEGORY and inner_av is c.CATEGORY_DIGIT:
                    chars.update(digits)
                else:
                    return None, False
            return frozenset(chars), False
        if op is c.BRANCH:
            union: set[str] = set()
            nullable = False
            for alternative in av[1]:
                first, alt_nullable = sequence_first(alternative)
                if first is None:
                    return None, False
                union |= first
                nullable = nullable or alt_nullable
            return frozenset(union), nullable
        if op is c.SUBPATTERN:
            return sequence_first(av[3])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            first, inner_nullable = sequence_first(av[2])
            return first, inner_nullable or av[0] == 0
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            return frozenset(), True  # zero-width
        return None, False

    def sequence_first(items) -> tuple[frozenset[str] | None, bool]:
        union: set[str] = set()
        for op, av in items:
            first, nullable = item_first(op, av)
            if first is None:
                return None, False
            union |= first
            if not nullable:
                return frozenset(union), False
        return frozenset(union), True

    try:
        first, nullable = sequence_first(_parser.parse(pattern).data)
    except Exception:  # pragma: no cover - defensive: fall back to a full search
        return None
    return None if nullable else first


@dataclass(frozen=True)
class _Scanner:
    """A compiled pattern that is only tried where one of its possible first characters occurs."""

    pattern: re.Pattern[str]
    first: frozenset[str] | None

    @classmethod
    def of(cls, pattern: str) -> _Scanner:
        return cls(re.compile(pattern), _first_chars(pattern))

    def starts(self, text: _Text) -> Iterable[re.Match[str]]:
        """Every match, one per start position, overlapping ones included, in text order."""
        if self.first is None:
            match = self.pattern.search(text.norm)
            while match:
                yield match
                match = self.pattern.search(text.norm, match.start() + 1)
            return
        for position in text.positions_of(self.first):
            match = self.pattern.match(text.norm, position)
            if match:
                yield match

    def words(self, text: _Text) -> Iterable[re.Match[str]]:
        """Non-overlapping matches, like finditer."""
        end = 0
        for match in self.starts(text):
            if match.start() >= end:
                yield match
                end = max(match.end(), match.start() + 1)


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


@functools.cache
def _rules() -> dict[str, tuple[_Rule, ...]]:
    rules: dict[str, list[_Rule]] = {risk: [] for risk in RISKS}
    for group in lexicon.GROUPS:
        if group.risk not in rules:
            raise ValueError(f"lexicon group for unknown risk {group.risk!r}")
        rules[group.risk].append(
            _Rule(
                group=group,
                scanner=_Scanner.of("|".join(group.patterns)),
                context=_compile(group.context),
                not_context=_compile(group.not_context),
                unless=_compile(group.unless),
                exclude=_compile(group.exclude),
            )
        )
    return {risk: tuple(group_rules) for risk, group_rules in rules.items()}


_NEGATOR = re.compile(lexicon.NEGATORS)
_NOT_NEGATION = re.compile(lexicon.NOT_NEGATION)
_SCOPE_BREAKER = re.compile(lexicon.SCOPE_BREAKERS)
_CLAUSE_BREAK = re.compile(lexicon.CLAUSE_BREAKS)
_RHETORICAL = re.compile(lexicon.RHETORICAL)
_CONDITION_BEFORE_NEGATOR = re.compile("(?:" + lexicon.CONDITION_BEFORE_NEGATOR + ")$")
_CONDITIONAL_AFTER_DENIAL = re.compile(lexicon.CONDITIONAL_AFTER_DENIAL)
_PLAIN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_DENIAL_AFTER = re.compile(lexicon.DENIALS_AFTER)
_HYPOTHETICAL = re.compile(lexicon.HYPOTHETICAL)
_MISTAKEN = re.compile(lexicon.MISTAKEN)
_STAFF_SPEECH = re.compile(lexicon.STAFF_SPEECH)
_STAFF_ASSURANCE = re.compile(lexicon.STAFF_ASSURANCE)

# Risks of the physical world: what a customer only imagines, or a salesman assures, is not a report of these.
# Threats (regulator, media, legal) count however they are put.
_PHYSICAL = frozenset(
    {"injury", "food_safety", "foreign_body", "spoiled", "fire", "electric_shock", "breakage", "failure_in_use"}
)
_HYPOTHETICAL_FACTOR = 0.75

# Characters a jieba token may add to a whole-word term without making it a different word (断了 cut as 断了).
_PARTICLES_AFTER = frozenset("了着过的得地啦啊呢吧吗么嘛")
_PARTICLES_BEFORE = frozenset("被把给就也都又已还")


@functools.cache
def _segmenter():
    """jieba, initialised once, quietly, with the whole-word terms in its dictionary."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for group in lexicon.GROUPS:
        if not group.word:
            continue
        for pattern in group.patterns:
            for alternative in pattern.split("|"):
                if _PLAIN_WORD.fullmatch(alternative) and alternative not in jieba.dt.FREQ:
                    jieba.add_word(alternative)
    return jieba


class _Text:
    """The normalised text with its clauses and (lazily) its jieba tokens."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.norm = normalise(text)
        breaks = list(_CLAUSE_BREAK.finditer(self.norm))
        self._clause_starts = [0] + [m.end() for m in breaks]
        self._clause_ends = [m.start() for m in breaks] + [len(self.norm)]
        self._tokens: dict[int, tuple[list[int], list[int]]] = {}
        self._positions: dict[str, list[int]] = {}
        for index, char in enumerate(self.norm):
            self._positions.setdefault(char, []).append(index)
        self._chars = frozenset(self._positions)

    def positions_of(self, chars: frozenset[str]) -> list[int]:
        present = chars & self._chars
        if len(present) == 1:
            return self._positions[next(iter(present))]
        return sorted(position for char in present for position in self._positions[char])

    def clause(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._clause_starts, pos) - 1
        return self._clause_starts[i], self._clause_ends[min(i, len(self._clause_ends) - 1)]

    def _clause_tokens(self, clause_start: int, clause_end: int) -> tuple[list[int], list[int]]:
        """jieba's words in one clause, as start and end offsets (segmenting one clause is cheap)."""
        tokens = self._tokens.get(clause_start)
        if tokens is None:
            starts, ends, pos = [], [], clause_start
            for token in _segmenter().cut(self.norm[clause_start:clause_end], HMM=False):
                starts.append(pos)
                pos += len(token)
                ends.append(pos)
            tokens = self._tokens[clause_start] = (starts, ends)
        return tokens

    def is_whole_word(self, start: int, end: int) -> bool:
        """True unless the match begins or ends inside a longer word (一起|火锅 is not 起火)."""
        clause_start, clause_end = self.clause(start)
        starts, ends = self._clause_tokens(clause_start, max(clause_end, end))
        i = bisect.bisect_right(starts, start) - 1  # token containing `start`
        if starts[i] != start and not set(self.norm[starts[i] : start]) <= _PARTICLES_BEFORE:
            return False
        j = bisect.bisect_right(starts, end - 1) - 1  # token containing the last character
        return ends[j] == end or set(self.norm[end : ends[j]]) <= _PARTICLES_AFTER

    def is_negated(self, start: int) -> bool:
        clause_start, clause_end = self.clause(start)
        low = max(clause_start, start - lexicon.NEGATION_WINDOW)
        negator = None
        for match in _NEGATOR.finditer(self.norm, low, start):
            if not self._inside_non_negation(match.start(), match.end()) and not self._conditional(match.start()):
                negator = match
        if negator is None:
            return False
        # A condition or consequence between the negator and the term ends the negation (不处理我就打12315), but
        # not when it is the negated word itself (未造成人员伤亡).
        if _SCOPE_BREAKER.search(self.norm, negator.end() + 1, start):
            return False
        if _RHETORICAL.search(self.norm, clause_start, clause_end):
            return False
        return not _CONDITIONAL_AFTER_DENIAL.match(self.norm, clause_end + 1)

    def is_denied_after(self, end: int) -> bool:
        """True for a denial right after the term, in its clause (受伤倒是没有, 12315就算了)."""
        _clause_start, clause_end = self.clause(max(0, end - 1))
        return _DENIAL_AFTER.match(self.norm, end, clause_end) is not None

    def is_hypothetical(self, start: int) -> bool:
        """True when the term's clause imagines it rather than reports it (万一着火, 怕孩子摔倒)."""
        clause_start, _clause_end = self.clause(start)
        return _HYPOTHETICAL.search(self.norm, clause_start, start) is not None

    def is_mistaken(self, start: int) -> bool:
        """True for a hazard the customer only thought of (吓我一跳以为要爆了)."""
        clause_start, _clause_end = self.clause(start)
        return _MISTAKEN.search(self.norm, max(clause_start, start - 8), start) is not None

    def is_staff_assurance(self, start: int) -> bool:
        """True for a term inside what staff or a leaflet say about it (店员说不会漏电的): not a report."""
        clause_start, _clause_end = self.clause(start)
        # The speaker may stand at the end of the clause before (店员说：这个不会漏电).
        previous_start, _ = self.clause(max(0, clause_start - 2)) if clause_start else (0, 0)
        low = max(previous_start, start - 16)
        speech = None
        for match in _STAFF_SPEECH.finditer(self.norm, low, start):
            speech = match
        return speech is not None and _STAFF_ASSURANCE.search(self.norm, speech.end(), start) is not None

    def _conditional(self, start: int) -> bool:
        """True for a negator inside a condition (如不给说法将向媒体反映): it denies the condition, not the term."""
        return _CONDITION_BEFORE_NEGATOR.search(self.norm, max(0, start - 3), start) is not None

    def _inside_non_negation(self, start: int, end: int) -> bool:
        for back in range(4):
            if start - back < 0:
                break
            word = _NOT_NEGATION.match(self.norm, start - back)
            if word and word.end() >= end:
                return True
        return False

    def near(self, pattern: re.Pattern[str], start: int, end: int, window: int) -> bool:
        return pattern.search(self.norm, max(0, start - window), min(len(self.norm), end + window)) is not None

    def overlaps(self, pattern: re.Pattern[str], start: int, end: int) -> bool:
        for match in pattern.finditer(self.norm, max(0, start - 20), min(len(self.norm), end + 20)):
            if match.start() < end and match.end() > start:
                return True
        return False


def _accepts(text: _Text, rule: _Rule, start: int, end: int) -> bool:
    group = rule.group
    if group.risk in _PHYSICAL and (text.is_staff_assurance(start) or text.is_mistaken(start)):
        return False
    if rule.exclude and text.overlaps(rule.exclude, start, end):
        return False
    if rule.context and not text.near(rule.context, start, end, group.window):
        return False
    if (
        rule.not_context
        and text.near(rule.not_context, start, end, group.window)
        and not (rule.unless and text.near(rule.unless, start, end, group.window))
    ):
        return False
    if group.negatable and (text.is_negated(start) or text.is_denied_after(end)):
        return False
    return not (group.word and not text.is_whole_word(start, end))


def _confidence(text: _Text, rule: _Rule, start: int) -> float:
    confidence = rule.group.confidence
    if rule.group.risk in _PHYSICAL and text.is_hypothetical(start):
        confidence *= _HYPOTHETICAL_FACTOR
    return confidence


def _first_hit(text: _Text, risk: str, disabled: frozenset[str]) -> RiskHit | None:
    """The earliest accepted term of the risk; its confidence combines every group that found the risk."""
    candidates = []
    for order, rule in enumerate(_rules()[risk]):
        # Overlapping matches too: if 总装线已经停 is rejected, 停线 right behind it must still be tried.
        for match in rule.scanner.starts(text):
            candidates.append((match.start(), -(match.end() - match.start()), order, match.end(), rule))
    candidates.sort(key=lambda c: c[:3])
    first: tuple[int, int, _Rule] | None = None
    best: dict[int, float] = {}  # group order → the best confidence of its accepted terms
    for start, _, order, end, rule in candidates:
        if order in best and best[order] >= rule.group.confidence:
            continue  # this group has already spoken as loudly as it can
        if text.norm[start:end] in disabled or not _accepts(text, rule, start, end):
            continue
        best[order] = max(best.get(order, 0.0), _confidence(text, rule, start))
        if first is None:
            first = (start, end, rule)
    if first is None:
        return None
    start, end, rule = first
    doubt = 1.0
    for confidence in best.values():
        doubt *= 1.0 - confidence
    term = text.original[start:end]
    return RiskHit(
        risk=risk,
        term=term,
        start=start,
        reason=f"{rule.group.reason} ({term})",
        confidence=round(min(0.99, 1.0 - doubt), 2),
    )


# ---------------------------------------------------------------------------------------------------------------
# Public interface
# ---------------------------------------------------------------------------------------------------------------


def analyse(text: str, *, disabled_terms: Iterable[str] = frozenset()) -> list[RiskHit]:
    """Every risk the text carries, at most one hit per risk (its earliest accepted term), in text order.

    `disabled_terms` switches off terms agents keep rejecting (see terms_to_disable); they are compared with the
    matched words after normalisation, so 律師 and 律师 are the same term.
    """
    if not text or not text.strip():
        return []
    return list(_analyse(text, frozenset(normalise(term) for term in disabled_terms)))


@functools.lru_cache(maxsize=256)
def _analyse(text: str, disabled: frozenset[str]) -> tuple[RiskHit, ...]:
    # Cached: intake calls analyse() and suggest_type() on the same text, and RiskHit is immutable.
    prepared = _Text(text)
    hits = [hit for risk in RISKS if (hit := _first_hit(prepared, risk, disabled))]
    return tuple(sorted(hits, key=lambda hit: hit.start))


def terms_to_disable(
    stats: Mapping[str, tuple[int, int]], *, min_samples: int = 10, max_false_rate: float = 0.7
) -> frozenset[str]:
    """Terms agents reject too often: `stats` maps term → (times confirmed, times rejected).

    A term is disabled once it has at least `min_samples` verdicts and more than `max_false_rate` of them are
    rejections. Pass the result to analyse(…, disabled_terms=…).
    """
    if min_samples < 1:
        raise ValueError("min_samples must be at least 1")
    if not 0 <= max_false_rate <= 1:
        raise ValueError("max_false_rate must be between 0 and 1")
    disabled = set()
    for term, (confirmed, rejected) in stats.items():
        if confirmed < 0 or rejected < 0:
            raise ValueError(f"negative count for term {term!r}")
        samples = confirmed + rejected
        if samples >= min_samples and rejected / samples > max_false_rate:
            disabled.add(term)
    return frozenset(disabled)
