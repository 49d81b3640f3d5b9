"""The annual customer satisfaction survey's pages (kesu.surveys): for staff (supervisor and above) the list, the
plan and questionnaire builder, the distribution status and the report; for customers the answer page (no login:
the public link of an anonymous survey, or a personal signed link that answers once). Thin: each POST makes one
call to kesu.surveys.actions."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.channels.public import limits
from kesu.complaints.models.customer import CustomerKind
from kesu.core.errors import DomainError, ValidationFailed
from kesu.documents.pdf import PdfUnavailable
from kesu.surveys import actions, analysis, exports, links
from kesu.surveys.models import QuestionKind, Survey, SurveyStatus

from .public_views import _limited, _page
from .views import _error_page

BLANK_QUESTION_ROWS = 2
BLANK_GROUP_ROWS = 1
_ROW = re.compile(r"^(q|g)-(\d+)-(\w+)$")


def _manager(view):
    """Signed in, and a supervisor or above; anyone else gets the 403 page (and nothing is changed)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not actions.may_manage(request.user):
            return _error_page(
                request, DomainError("forbidden", _("Only supervisors and above may manage satisfaction surveys."))
            )
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:  # a survey that does not exist, a refused change: the error page
            return _error_page(request, exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ── the list ────────────────────────────────────────────────────────────────────────────────────────


@require_GET
@_manager
def survey_list(request):
    surveys = list(Survey.objects.all())
    rates = analysis.rates_of([s.pk for s in surveys])
    rows = [{"survey": s, "rates": rates[s.pk]} for s in surveys]
    return render(request, "web/surveys/list.html", {"nav": "surveys", "rows": rows})


# ── the builder ─────────────────────────────────────────────────────────────────────────────────────


def _rows(post, prefix: str) -> list[tuple[int, dict[str, str]]]:
    """The builder's rows (q-<i>-<field> / g-<i>-<field>), by their order field, then as they came."""
    found: dict[int, dict[str, str]] = {}
    for key in post:
        m = _ROW.match(key)
        if m and m[1] == prefix:
            found.setdefault(int(m[2]), {})[m[3]] = post.get(key, "")

    def order(item):
        index, row = item
        raw = (row.get("order") or "").strip()
        return (int(raw) if raw.isdigit() else 10_000 + index, index)

    return sorted(found.items(), key=order)


def _question_rows(post) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(questions for the action, the rows to show again): blank rows are left out."""
    questions, shown = [], []
    for _index, row in _rows(post, "q"):
        text = (row.get("text") or "").strip()
        choices_text = row.get("choices") or ""
        if not text and not choices_text.strip():
            continue
        kind = row.get("kind") or ""
        choices = [c.strip() for c in choices_text.splitlines() if c.strip()]
        questions.append(
            {
                "text": text,
                "kind": kind,
                "required": row.get("required") == "on",
                **({"choices": choices} if kind in ("choice", "multi") else {}),
            }
        )
        shown.append({"text": text, "kind": kind, "choices": choices_text, "required": row.get("required") == "on"})
    return questions, shown


def _group_rows(post) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    groups, shown = [], []
    for _index, row in _rows(post, "g"):
        values = {k: (row.get(k) or "").strip() for k in ("kind", "region", "product", "quota")}
        if not any(values.values()):
            continue
        groups.append(values)
        shown.append(values)
    return groups, shown


def _builder_context(
    survey: Survey | None,
    *,
    values: dict[str, Any],
    questions: list[dict],
    groups: list[dict],
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    errors = errors or {}
    for i, q in enumerate(questions):
        q["errors"] = {f: errors.get(f"questions.{i}.{f}", []) for f in ("text", "kind", "choices", "required")}
    for i, g in enumerate(groups):
        g["errors"] = {f: errors.get(f"groups.{i}.{f}", []) for f in ("kind", "region", "product", "quota")}
    blank_q = {"text": "", "kind": "score", "choices": "", "required": True, "errors": {}}
    blank_g = {"kind": "", "region": "", "product": "", "quota": "", "errors": {}}
    return {
        "nav": "surveys",
        "survey": survey,
        "values": values,
        "questions": questions + [dict(blank_q) for _ in range(BLANK_QUESTION_ROWS if not questions else 1)],
        "groups": groups + [dict(blank_g) for _ in range(BLANK_GROUP_ROWS)],
        "errors": errors,
        "kinds": QuestionKind.choices,
        "customer_kinds": CustomerKind.choices,
        "top_errors": [m for k in ("questions", "groups") for m in errors.get(k, [])],
    }


def _values_from(post) -> dict[str, Any]:
    return {
        "title": post.get("title", ""),
        "year": post.get("year", ""),
        "period_start": post.get("period_start", ""),
        "period_end": post.get("period_end", ""),
        "intro": post.get("intro", ""),
        "anonymous": post.get("anonymous") == "on",
        "reminder_days": post.get("reminder_days", ""),
        "max_reminders": post.get("max_reminders", ""),
    }


def _input(values: dict[str, Any], questions: list[dict], groups: list[dict]) -> actions.SurveyInput:
    return actions.SurveyInput(
        title=values["title"],
        year=values["year"],
        questions=questions,
        period_start=values["period_start"] or None,
        period_end=values["period_end"] or None,
        intro=values["intro"],
        anonymous=values["anonymous"],
        groups=groups,
        reminder_days=values["reminder_days"],
        max_reminders=values["max_reminders"],
    )


@require_http_methods(["GET", "POST"])
@_manager
def survey_new(request):
    if request.method == "GET":
        values = {
            "title": _("Annual customer satisfaction survey"),
            "year": timezone.localdate().year,
            "anonymous": True,
            "reminder_days": 7,
            "max_reminders": 2,
        }
        return render(
            request, "web/surveys/builder.html", _builder_context(None, values=values, questions=[], groups=[])
        )
    values = _values_from(request.POST)
    questions, shown_q = _question_rows(request.POST)
    groups, shown_g = _group_rows(request.POST)
    try:
        survey = actions.do_create_survey(_input(values, questions, groups), actor=request.user, now=timezone.now())
    except ValidationFailed as exc:
        context = _builder_context(None, values=values, questions=shown_q, groups=shown_g, errors=exc.fields)
        return render(request, "web/surveys/builder.html", context, status=400)
    messages.success(request, _("The survey was saved as a draft."))
    return redirect("web:survey", survey_id=survey.pk)


@require_http_methods(["GET", "POST"])
@_manager
def survey_edit(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    if survey.status != SurveyStatus.DRAFT:
        return _error_page(
            request, DomainError("read_only", _("The questionnaire can be changed only while the survey is a draft."))
        )
    if request.method == "GET":
        values = {
            f: getattr(survey, f) for f in ("title", "year", "intro", "anonymous", "reminder_days", "max_reminders")
        }
        values["period_start"] = survey.period_start.isoformat() if survey.period_start else ""
        values["period_end"] = survey.period_end.isoformat() if survey.period_end else ""
        questions = [
            {"text": q.text, "kind": q.kind, "choices": "\n".join(q.choices), "required": q.required}
            for q in survey.questions.all()
        ]
        groups = [
            {"kind": g.kind, "region": g.region, "product": g.product, "quota": g.quota} for g in survey.groups.all()
        ]
        return render(
            request,
            "web/surveys/builder.html",
            _builder_context(survey, values=values, questions=questions, groups=groups),
        )
    values = _values_from(request.POST)
    questions, shown_q = _question_rows(request.POST)
    groups, shown_g = _group_rows(request.POST)
    version = request.POST.get("version", "")
    try:
        actions.do_update_survey(
            survey.pk,
            _input(values, questions, groups),
            actor=request.user,
            now=timezone.now(),
            version=int(version) if version.isdigit() else None,
        )
    except ValidationFailed as exc:
        context = _builder_context(survey, values=values, questions=shown_q, groups=shown_g, errors=exc.fields)
        return render(request, "web/surveys/builder.html", context, status=400)
    messages.success(request, _("The survey was saved."))
    return redirect("web:survey", survey_id=survey.pk)


# ── distribution ────────────────────────────────────────────────────────────────────────────────────


@require_GET
@_manager
def survey_detail(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    recipients = list(survey.recipients.select_related("customer", "group", "delivery").order_by("id"))
    context = {
        "nav": "surveys",
        "survey": survey,
        "questions": list(survey.questions.all()),
        "groups": list(survey.groups.all()),
        "recipients": recipients,
        "rates": analysis.rates_of([survey.pk])[survey.pk],
        "public_url": links.public_url(survey),
    }
    return render(request, "web/surveys/detail.html", context)


def _act(request, survey_id: int, call, success) -> HttpResponse:
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:survey", survey_id=survey_id)
    messages.success(request, success(result))
    return redirect("web:survey", survey_id=survey_id)


@require_POST
@_manager
def survey_draw(request, survey_id: int):
    return _act(
        request,
        survey_id,
        lambda: actions.do_draw(survey_id, actor=request.user, now=timezone.now()),
        lambda n: _("%(n)s customers were drawn from the archive.") % {"n": n},
    )


@require_POST
@_manager
def survey_send(request, survey_id: int):
    def said(result):
        text = _("The survey was sent to %(n)s customers.") % {"n": result.sent}
        if result.without_contact:
            text += " " + _("%(n)s customers have no e-mail and cannot get an SMS.") % {"n": result.without_contact}
        return text

    return _act(request, survey_id, lambda: actions.do_send(survey_id, actor=request.user, now=timezone.now()), said)


@require_POST
@_manager
def survey_open(request, survey_id: int):
    return _act(
        request,
        survey_id,
        lambda: actions.do_open(survey_id, actor=request.user, now=timezone.now()),
        lambda _s: _("The survey is open for answers."),
    )


@require_POST
@_manager
def survey_close(request, survey_id: int):
    return _act(
        request,
        survey_id,
        lambda: actions.do_close(survey_id, actor=request.user, now=timezone.now()),
        lambda _s: _("The survey is closed."),
    )


@require_POST
@_manager
def survey_remove_recipient(request, survey_id: int, recipient_id: int):
    return _act(
        request,
        survey_id,
        lambda: actions.do_remove_recipient(survey_id, recipient_id, actor=request.user),
        lambda _r: _("The customer was taken off the list."),
    )


# ── the report ──────────────────────────────────────────────────────────────────────────────────────


def _chart_data(report: analysis.Report) -> dict[str, Any]:
    charts = {}
    for q in report.questions:
        if q["kind"] == QuestionKind.SCORE:
            charts[str(q["id"])] = {
                "kind": "bar",
                "items": [{"label": exports.score_label(s), "value": q["counts"][s]} for s in exports.SCORE_LABELS],
            }
        elif q["kind"] in (QuestionKind.CHOICE, QuestionKind.MULTI):
            charts[str(q["id"])] = {
                "kind": "pie" if q["kind"] == QuestionKind.CHOICE else "hbar",
                "items": [{"label": c, "value": n} for c, n in q["counts"].items()],
            }
        elif q["groups"]:
            charts[str(q["id"])] = {
                "kind": "hbar",
                "items": [{"label": g.word or _("Other answers"), "value": g.count} for g in q["groups"]],
            }
    averages = [q for q in report.questions if q["kind"] == QuestionKind.SCORE]
    compare = None
    if averages:
        compare = {
            "labels": [f"{q['position']}. {q['text']}" for q in averages],
            "current": [float(q["average"]) if q["average"] is not None else None for q in averages],
            "previous": [
                float(q["previous_average"]) if q.get("previous_average") is not None else None for q in averages
            ]
            if report.previous
            else None,
            "current_name": str(report.survey.year),
            "previous_name": str(report.previous["year"]) if report.previous else "",
        }
    return {"charts": charts, "compare": compare}


@require_GET
@_manager
def survey_report(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    report = analysis.report(survey)
    context = {
        "nav": "surveys",
        "survey": survey,
        "report": report,
        "key_figures": exports._key_figures(report),
        "chart_data": _chart_data(report),
        "score_labels": [(s, exports.score_label(s)) for s in exports.SCORE_LABELS],
    }
    return render(request, "web/surveys/report.html", context)


@require_GET
@_manager
def survey_report_xlsx(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    response = HttpResponse(
        exports.workbook(analysis.report(survey)),
        content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{survey.year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@_manager
def survey_report_pdf(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    try:
        data = exports.pdf(analysis.report(survey))
    except PdfUnavailable:
        return _error_page(request, DomainError("unprocessable", _("PDF printing is not installed on this server.")))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{survey.year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ── the customer's answer page ──────────────────────────────────────────────────────────────────────


def _answer_page(request, survey: Survey | None, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    if survey is not None:
        context.setdefault("survey", survey)
        context.setdefault("questions", list(survey.questions.all()))
    context.setdefault("scale", [(s, exports.score_label(str(s))) for s in range(5, 0, -1)])
    return _page(request, "web/surveys/answer.html", context, status=status)


def _posted_answers(request, questions) -> tuple[list[Any], dict[str, Any]]:
    """One answer per question from the form (q<id>), and what to show again."""
    answers, shown = [], {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == QuestionKind.MULTI:
            value: Any = request.POST.getlist(name)
        else:
            value = request.POST.get(name, "")
        answers.append(value)
        shown[str(q.pk)] = value
    return answers, shown


def _answer(request, survey: Survey, *, recipient=None, via: str) -> HttpResponse:
    now = timezone.now()
    state = actions.answering_state(survey, now=now, recipient=recipient)
    if request.method == "GET" or state != "open":
        if recipient is not None and request.method == "GET" and state == "open":
            actions.do_mark_opened(recipient, now=now)
        status = 200 if request.method == "GET" else (409 if state == "answered" else 410)
        return _answer_page(request, survey, {"state": state, "values": {}, "errors": {}}, status=status)
    address = limits.client_address(request)
    try:
        limits.check([("survey-answer", address, 30)], now=now)
    except limits.RateLimited as exc:
        return _limited(request, exc)
    questions = list(survey.questions.all())
    answers, shown = _posted_answers(request, questions)
    try:
        actions.do_answer(
            survey, answers, now=now, recipient=recipient, via=via, language=translation.get_language() or ""
        )
    except ValidationFailed as exc:
        errors = {}
        for i, q in enumerate(questions):
            if f"answers.{i}" in exc.fields:
                errors[str(q.pk)] = exc.fields[f"answers.{i}"]
        return _answer_page(
            request, survey, {"state": "open", "values": shown, "errors": errors, "questions": questions}, status=400
        )
    except DomainError as exc:
        return _answer_page(
            request,
            survey,
            {"state": "answered" if exc.code == "conflict" else "closed", "values": {}, "errors": {}},
            status=exc.http_status,
        )
    limits.hit("survey-answer", address, window=3600, now=now)
    return _answer_page(request, survey, {"state": "thanks", "values": {}, "errors": {}})


@require_http_methods(["GET", "POST"])
def survey_public(request, survey_id: int):
    try:
        survey = actions.public_survey(survey_id)
    except DomainError:
        return _answer_page(request, None, {"state": "invalid"}, status=404)
    return _answer(request, survey, via="public")


@require_http_methods(["GET", "POST"])
def survey_personal(request, token: str):
    try:
        recipient = actions.recipient_for_token(token)
    except DomainError:
        return _answer_page(request, None, {"state": "invalid"}, status=404)
    return _answer(request, recipient.survey, recipient=recipient, via="link")


urlpatterns = [
    path("surveys/", survey_list, name="surveys"),
    path("surveys/new/", survey_new, name="survey_new"),
    path("surveys/<int:survey_id>/", survey_detail, name="survey"),
    path("surveys/<int:survey_id>/edit/", survey_edit, name="survey_edit"),
    path("surveys/<int:survey_id>/draw/", survey_draw, name="survey_draw"),
    path("surveys/<int:survey_id>/send/", survey_send, name="survey_send"),
    path("surveys/<int:survey_id>/open/", survey_open, name="survey_open"),
    path("surveys/<int:survey_id>/close/", survey_close, name="survey_close"),
    path(
        "surveys/<int:survey_id>/recipients/<int:recipient_id>/remove/",
        survey_remove_recipient,
        name="survey_remove_recipient",
    ),
    path("surveys/<int:survey_id>/report/", survey_report, name="survey_report"),
    path("surveys/<int:survey_id>/report.xlsx", survey_report_xlsx, name="survey_report_xlsx"),
    path("surveys/<int:survey_id>/report.pdf", survey_report_pdf, name="survey_report_pdf"),
    path("s/<int:survey_id>/", survey_public, name="survey_public"),
    path("s/r/<str:token>/", survey_personal, name="survey_personal"),
]
