"""Choosing a complaint's owner (R-RT-2): skill and area first, then current load and past satisfaction.

Pure: the candidates' facts come in, the choice and its explanation go out.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    user_id: int
    label: str
    open_load: int = 0
    max_open: int | None = None
    skills: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    avg_satisfaction: float | None = None  # 1 = very satisfied … 5 = very dissatisfied
    ratings: int = 0


@dataclass
class Choice:
    candidate: Candidate | None
    score: float = 0.0
    facts: dict = field(default_factory=dict)


MIN_RATINGS = 3  # fewer ratings than this say nothing about a person


def score(c: Candidate, *, type_code: str | None, context: str) -> tuple[float, dict]:
    facts: dict = {"open": c.open_load}
    total = 0.0
    if type_code and type_code in c.skills:
        total += 3
        facts["skill"] = type_code
    area = next((a for a in c.areas if a and a in context), None)
    if area:
        total += 2
        facts["area"] = area
    total -= 0.5 * c.open_load
    if c.avg_satisfaction is not None and c.ratings >= MIN_RATINGS:
        total += (3 - c.avg_satisfaction) * 1.5
        facts["satisfaction"] = round(c.avg_satisfaction, 2)
        facts["ratings"] = c.ratings
    return total, facts


def choose_owner(candidates: list[Candidate], *, type_code: str | None, context: str = "") -> Choice:
    """The best candidate; people at their maximum load only when everyone is."""
    if not candidates:
        return Choice(None)
    free = [c for c in candidates if c.max_open is None or c.open_load < c.max_open] or candidates
    ranked = sorted(
        ((score(c, type_code=type_code, context=context), c) for c in free),
        key=lambda item: (-item[0][0], item[1].open_load, item[1].user_id),
    )
    (best_score, facts), best = ranked[0]
    return Choice(best, best_score, facts)
