"""The 客户满意度汇总分析表: response rate, per-question statistics, text answers grouped by their frequent
words (jieba), and the comparison with last year's survey of the same title. Reads only.

Ratings are 1 (very dissatisfied) … 5 (very satisfied): a higher average is better."""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from .models import Question, QuestionKind, Survey

GROUPS_SHOWN = 8  # frequent words a text question's answers are grouped under; the rest are "other"
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9'-]{2,}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# English words that say nothing about what the customer thought.
_EN_STOP = frozenset(
    {
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "was",
        "were",
        "are",
        "very",
        "not",
        "but",
        "you",
        "your",
        "our",
        "have",
        "has",
        "had",
        "its",
        "too",
        "all",
        "any",
        "can",
        "from",
        "they",
        "them",
        "their",
        "there",
        "what",
        "when",
        "which",
        "would",
        "could",
        "should",
        "been",
        "more",
        "most",
        "much",
        "also",
        "just",
    }
)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent with one decimal (2 of 3 → 66.7), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _average(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Rates:
    recipients: int = 0
    sent: int = 0
    opened: int = 0
    answered: int = 0
    reminders: int = 0

    @property
    def rate(self) -> Decimal | None:
        return percent(self.answered, self.sent)

    @property
    def not_answered(self) -> int:
        return self.sent - self.answered


def rates_of(survey_ids: list[int]) -> dict[int, Rates]:
    """Sent, opened and answered per survey, in one query."""
    from .models import Recipient

    rows = (
        Recipient.objects.filter(survey_id__in=survey_ids)
        .values("survey_id")
        .annotate(
            recipients=Count("id"),
            sent=Count("id", filter=Q(invited_at__isnull=False)),
            opened=Count("id", filter=Q(invited_at__isnull=False, opened_at__isnull=False)),
            answered=Count("id", filter=Q(invited_at__isnull=False, answered_at__isnull=False)),
            reminders=Count("id", filter=Q(reminders__gt=0)),
        )
    )
    found = {sid: Rates() for sid in survey_ids}
    for row in rows:
        sid = row.pop("survey_id")
        found[sid] = Rates(**row)
    return found


@functools.cache
def _jieba():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.analyse


def keywords(text: str, *, top: int = 6) -> list[str]:
    """The words that carry a text answer's meaning: jieba's TF-IDF keywords (its stop words left out),
    two characters or more; Latin words in lower case."""
    if not text.strip():
        return []
    words = []
    for word in _jieba().extract_tags(text.lower(), topK=top):
        word = word.strip()
        if _CJK.search(word):
            if len(word) >= 2:
                words.append(word)
        elif _LATIN_WORD.match(word) and word not in _EN_STOP:
            words.append(word)
    return words


@dataclass
class TextGroup:
    word: str  # "" for the answers sharing no frequent word
    count: int
    answers: list[str] = field(default_factory=list)


def group_texts(texts: list[str], *, shown: int = GROUPS_SHOWN) -> list[TextGroup]:
    """Answers grouped under the words most of them use: a word counts once per answer; only words used by two
    answers or more make a group (with fewer answers than that, each answer's own top word does). Each answer
    joins the group of its most frequent word; answers with none are last, under ""."""
    per_answer = [keywords(t) for t in texts]
    frequency = Counter(w for words in per_answer for w in set(words))
    common = [w for w, n in frequency.most_common() if n >= 2][:shown]
    groups = {w: TextGroup(word=w, count=0) for w in common}
    other = TextGroup(word="", count=0)
    rank = {w: i for i, w in enumerate(common)}
    for text, words in zip(texts, per_answer, strict=True):
        hits = sorted((w for w in set(words) if w in rank), key=rank.__getitem__)
        target = groups[hits[0]] if hits else other
        target.count += 1
        target.answers.append(text)
    result = [g for g in groups.values() if g.count]
    result.sort(key=lambda g: (-g.count, rank[g.word]))
    if other.count:
        result.append(other)
    return result


def _question_stats(question: Question, values: list[Any]) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "id": question.pk,
        "position": question.position,
        "text": question.text,
        "kind": question.kind,
        "required": question.required,
        "answered": len(values),
    }
    if question.kind == QuestionKind.SCORE:
        scores = [v for v in values if isinstance(v, int)]
        stats["average"] = _average(scores)
        stats["counts"] = {str(s): scores.count(s) for s in range(1, 6)}
        stats["satisfied_share"] = percent(sum(1 for s in scores if s >= 4), len(scores))
    elif question.kind in (QuestionKind.CHOICE, QuestionKind.MULTI):
        picked = Counter(c for v in values for c in (v if isinstance(v, list) else [v]))
        stats["counts"] = {c: picked.get(c, 0) for c in question.choices}
        stats["shares"] = {c: percent(picked.get(c, 0), len(values)) for c in question.choices}
    else:
        texts = [v for v in values if isinstance(v, str) and v]
        stats["texts"] = texts
        stats["groups"] = group_texts(texts)
    return stats


def previous_survey(survey: Survey) -> Survey | None:
    """Last year's survey of the same title (the one before, when there were several)."""
    return (
        Survey.objects.filter(title=survey.title, year=survey.year - 1)
        .exclude(pk=survey.pk)
        .exclude(status="draft")
        .order_by("-id")
        .first()
    )


def _score_averages(survey: Survey) -> tuple[dict[str, Decimal | None], Decimal | None]:
    """{question text: average} of the rating questions, and the average of all ratings given."""
    questions = [q for q in survey.questions.all() if q.kind == QuestionKind.SCORE]
    values: dict[int, list[int]] = {q.pk: [] for q in questions}
    for answers in survey.responses.values_list("answers", flat=True):
        for q in questions:
            v = answers.get(str(q.pk))
            if isinstance(v, int):
                values[q.pk].append(v)
    overall = _average([v for vs in values.values() for v in vs])
    return {q.text: _average(values[q.pk]) for q in questions}, overall


@dataclass
class Report:
    survey: Survey
    rates: Rates
    responses: int
    questions: list[dict[str, Any]]
    overall_average: Decimal | None
    previous: dict[str, Any] | None


def report(survey: Survey) -> Report:
    questions = list(survey.questions.all())
    collected: dict[int, list[Any]] = {q.pk: [] for q in questions}
    responses = 0
    for answers in survey.responses.values_list("answers", flat=True).order_by("id"):
        responses += 1
        for q in questions:
            if str(q.pk) in answers:
                collected[q.pk].append(answers[str(q.pk)])
    stats = [_question_stats(q, collected[q.pk]) for q in questions]
    scores = [v for q in questions if q.kind == QuestionKind.SCORE for v in collected[q.pk] if isinstance(v, int)]
    rates = rates_of([survey.pk])[survey.pk]
    before = previous_survey(survey)
    previous = None
    if before is not None:
        averages, overall = _score_averages(before)
        before_rates = rates_of([before.pk])[before.pk]
        previous = {
            "id": before.pk,
            "year": before.year,
            "title": before.title,
            "responses": before.responses.count(),
            "response_rate": before_rates.rate,
            "overall_average": overall,
        }
        for s in stats:
            if s["kind"] == QuestionKind.SCORE:
                last = averages.get(s["text"])
                s["previous_average"] = last
                s["change"] = (s["average"] - last) if (last is not None and s["average"] is not None) else None
    return Report(
        survey=survey,
        rates=rates,
        responses=responses,
        questions=stats,
        overall_average=_average(scores),
        previous=previous,
    )


def as_json(r: Report) -> dict[str, Any]:
    """The API's answer (GET /surveys/{id}/report): numbers as JSON numbers."""

    def num(value):
        return float(value) if isinstance(value, Decimal) else value

    questions = []
    for s in r.questions:
        item = {k: s[k] for k in ("id", "position", "text", "kind", "answered")}
        if "average" in s:
            item["average"] = num(s["average"])
            item["satisfied_share"] = num(s["satisfied_share"])
        if "counts" in s:
            item["counts"] = s["counts"]
        if "groups" in s:
            item["groups"] = [{"word": g.word, "count": g.count, "answers": g.answers} for g in s["groups"]]
        if "previous_average" in s:
            item["previous_average"] = num(s["previous_average"])
            item["change"] = num(s["change"])
        questions.append(item)
    previous = None
    if r.previous:
        previous = {k: num(v) for k, v in r.previous.items()}
    return {
        "id": r.survey.pk,
        "title": r.survey.title,
        "year": r.survey.year,
        "responses": r.responses,
        "sent": r.rates.sent,
        "opened": r.rates.opened,
        "answered": r.rates.answered,
        "response_rate": num(r.rates.rate),
        "overall_average": num(r.overall_average),
        "questions": questions,
        "previous": previous,
    }
