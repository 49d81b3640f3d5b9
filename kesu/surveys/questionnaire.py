"""The questionnaire's rules, pure (no database): what a question may be, what an answer to it may be.

Field names in errors are the API's: `questions.2.choices`, `answers.0`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kesu.core.errors import ValidationFailed

from .models import QuestionKind

KINDS = {k.value for k in QuestionKind}
CHOICE_KINDS = {QuestionKind.CHOICE.value, QuestionKind.MULTI.value}
MAX_QUESTIONS = 60
MAX_CHOICES = 20
MAX_TEXT_ANSWER = 2000
SCORES = range(1, 6)


@dataclass
class QuestionSpec:
    text: str
    kind: str
    choices: list[str] = field(default_factory=list)
    required: bool = True


def _fail(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)


def clean_plan(*, title: Any, year: Any, period_start: Any = None, period_end: Any = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(title or "").strip()
    if not title:
        errors["title"] = [_("A title is required.")]
    elif len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    if isinstance(year, bool) or not isinstance(year, int | str) or not str(year).strip().isdigit():
        errors["year"] = [_("A year such as 2026 is required.")]
        year = 0
    else:
        year = int(year)
        if not 2000 <= year <= 2100:
            errors["year"] = [_("A year between 2000 and 2100 is required.")]
    dates: dict[str, dt.date | None] = {}
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        if value in (None, ""):
            dates[name] = None
        elif isinstance(value, dt.date):
            dates[name] = value
        else:
            try:
                dates[name] = dt.date.fromisoformat(str(value))
            except ValueError:
                errors[name] = [_("A date as YYYY-MM-DD is required.")]
                dates[name] = None
    if dates["period_start"] and dates["period_end"] and dates["period_end"] < dates["period_start"]:
        errors["period_end"] = [_("The end of the period cannot be before its start.")]
    _fail(errors)
    return {"title": title, "year": year, **dates}


def clean_questions(raw: Any) -> list[QuestionSpec]:
    """The questions as given (dicts with text, kind, choices?, required?), checked; ValidationFailed naming
    each wrong field."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(_("The questionnaire needs at least one question."), field="questions")
    if len(raw) > MAX_QUESTIONS:
        raise ValidationFailed(_("At most %(n)s questions.") % {"n": MAX_QUESTIONS}, field="questions")
    errors: dict[str, list[str]] = {}
    specs = []
    for i, item in enumerate(raw):
        base = f"questions.{i}"
        if not isinstance(item, dict):
            errors[base] = [_("A question is an object with text and kind.")]
            continue
        text = str(item.get("text") or "").strip()
        kind = str(item.get("kind") or "").strip()
        required = item.get("required", True)
        if not text:
            errors[f"{base}.text"] = [_("The question's text is required.")]
        elif len(text) > 500:
            errors[f"{base}.text"] = [_("At most 500 characters.")]
        if kind not in KINDS:
            errors[f"{base}.kind"] = [_("Choose one of: score, choice, multi, text.")]
        if not isinstance(required, bool):
            errors[f"{base}.required"] = [_("Required is true or false.")]
            required = True
        choices_raw = item.get("choices") or []
        choices: list[str] = []
        if kind in CHOICE_KINDS:
            if not isinstance(choices_raw, list):
                errors[f"{base}.choices"] = [_("The choices are a list of texts.")]
            else:
                choices = [str(c).strip() for c in choices_raw if str(c or "").strip()]
                if len(choices) < 2:
                    errors[f"{base}.choices"] = [_("A choice question needs at least two choices.")]
                elif len(set(choices)) != len(choices):
                    errors[f"{base}.choices"] = [_("Each choice may appear only once.")]
                elif len(choices) > MAX_CHOICES:
                    errors[f"{base}.choices"] = [_("At most %(n)s choices.") % {"n": MAX_CHOICES}]
                elif any(len(c) > 200 for c in choices):
                    errors[f"{base}.choices"] = [_("A choice has at most 200 characters.")]
        elif choices_raw and kind in KINDS:
            errors[f"{base}.choices"] = [_("Only choice questions have choices.")]
        specs.append(QuestionSpec(text=text, kind=kind, choices=choices, required=required))
    _fail(errors)
    return specs


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def clean_answer(question, value: Any) -> Any:
    """The stored form of one answer (None: not answered), or ValueError with the message for the field."""
    if _empty(value):
        if question.required:
            raise ValueError(_("This question needs an answer."))
        return None
    if question.kind == QuestionKind.SCORE:
        if isinstance(value, bool):
            raise ValueError(_("A rating from 1 to 5 is required."))
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or value not in SCORES:
            raise ValueError(_("A rating from 1 to 5 is required."))
        return value
    if question.kind == QuestionKind.CHOICE:
        if not isinstance(value, str) or value.strip() not in question.choices:
            raise ValueError(_("Choose one of the given answers."))
        return value.strip()
    if question.kind == QuestionKind.MULTI:
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise ValueError(_("Choose among the given answers."))
        picked = [v.strip() for v in values]
        unknown = [v for v in picked if v not in question.choices]
        if unknown:
            raise ValueError(_("Not one of the given answers: %(value)s") % {"value": unknown[0][:50]})
        if len(set(picked)) != len(picked):
            raise ValueError(_("Each answer may be chosen only once."))
        return [c for c in question.choices if c in picked]  # in the questionnaire's order
    if not isinstance(value, str):
        raise ValueError(_("A text is required."))
    text = value.strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise ValueError(_("At most %(n)s characters.") % {"n": MAX_TEXT_ANSWER})
    return text


def clean_answers(questions: list, answers: Any) -> dict[str, Any]:
    """{question id: answer} from one answer per question, in order; ValidationFailed naming `answers` (wrong
    count) or `answers.<index>`."""
    if not isinstance(answers, list):
        raise ValidationFailed(_("The answers are a list, one per question."), field="answers")
    if len(answers) != len(questions):
        raise ValidationFailed(
            _("%(expected)s answers are expected (one per question, in order), not %(given)s.")
            % {"expected": len(questions), "given": len(answers)},
            field="answers",
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for i, (question, value) in enumerate(zip(questions, answers, strict=True)):
        try:
            result = clean_answer(question, value)
        except ValueError as exc:
            errors[f"answers.{i}"] = [str(exc)]
            continue
        if result is not None:
            cleaned[str(question.pk)] = result
    _fail(errors)
    return cleaned
