"""The annual customer satisfaction survey (R-SAT-4): plans and questionnaires, distribution, the report; and the
public answer endpoint (no token; rate-limited; a personal link's token answers once)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from kesu.channels.public import limits
from kesu.core.errors import DomainError
from kesu.documents.pdf import PdfUnavailable
from kesu.surveys import actions, analysis, exports, links
from kesu.surveys.models import Survey

router = Router(tags=["surveys"])

# The public endpoint: per address, so many answers an hour (a personal link answers once anyway).
PUBLIC_LIMIT = 30
PUBLIC_WINDOW = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SurveyIn(Schema):
    # Any: the domain checks each value and names the field (a schema error would name pydantic's view of it).
    title: Any = None
    year: Any = None
    questions: Any = None
    period_start: Any = None
    period_end: Any = None
    intro: Any = ""
    anonymous: Any = True
    groups: Any = None
    reminder_days: Any = 7
    max_reminders: Any = 2
    open: Any = True


class AnswersIn(Schema):
    answers: Any = None
    token: str | None = None


def _api():
    from ..app import api

    return api


def _input(payload: SurveyIn) -> actions.SurveyInput:
    d = payload.model_dump()
    d.pop("open")
    return actions.SurveyInput(**d)


def survey_json(survey: Survey, rates: analysis.Rates | None = None) -> dict[str, Any]:
    rates = rates or analysis.rates_of([survey.pk])[survey.pk]
    return {
        "id": survey.pk,
        "title": survey.title,
        "year": survey.year,
        "status": survey.status,
        "anonymous": survey.anonymous,
        "period_start": survey.period_start.isoformat() if survey.period_start else None,
        "period_end": survey.period_end.isoformat() if survey.period_end else None,
        "public_url": links.public_url(survey),
        "reminder_days": survey.reminder_days,
        "max_reminders": survey.max_reminders,
        "version": survey.version,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "kind": q.kind,
                "choices": q.choices,
                "required": q.required,
            }
            for q in survey.questions.all()
        ],
        "groups": [
            {"kind": g.kind, "region": g.region, "product": g.product, "quota": g.quota} for g in survey.groups.all()
        ],
        "recipients": rates.recipients,
        "sent": rates.sent,
        "opened": rates.opened,
        "answered": rates.answered,
        "response_rate": float(rates.rate) if rates.rate is not None else None,
    }


@router.get("/surveys", summary="The satisfaction surveys, newest year first, with their response rates")
def list_surveys(request):
    actions.check_manager(request.user)
    surveys = list(Survey.objects.all())
    rates = analysis.rates_of([s.pk for s in surveys])
    items = []
    for s in surveys:
        r = rates[s.pk]
        items.append(
            {
                "id": s.pk,
                "title": s.title,
                "year": s.year,
                "status": s.status,
                "anonymous": s.anonymous,
                "sent": r.sent,
                "answered": r.answered,
                "response_rate": float(r.rate) if r.rate is not None else None,
            }
        )
    return {"items": items}


@router.post("/surveys", summary='A survey: plan and questionnaire (open at once unless "open": false)')
def create_survey(request, payload: SurveyIn):
    open_now = payload.open
    if not isinstance(open_now, bool):
        raise DomainError("validation_error", _("Open is true or false."), field="open")
    survey = actions.do_create_survey(_input(payload), actor=request.user, now=timezone.now(), open_now=open_now)
    body = {"id": survey.pk, "public_url": links.public_url(survey), "status": survey.status}
    return _api().create_response(request, body, status=201)


@router.get("/surveys/{survey_id}", summary="A survey with its questions, groups and response rate")
def get_survey(request, survey_id: int):
    return survey_json(actions.access_survey(request.user, survey_id))


@router.put("/surveys/{survey_id}", summary="Replace the plan and questionnaire of a draft survey")
def update_survey(request, survey_id: int, payload: SurveyIn, version: int | None = None):
    survey = actions.do_update_survey(
        survey_id, _input(payload), actor=request.user, now=timezone.now(), version=version
    )
    return survey_json(survey)


@router.post("/surveys/{survey_id}/draw", summary="Draw the target customers from the archive, group by group")
def draw(request, survey_id: int):
    added = actions.do_draw(survey_id, actor=request.user, now=timezone.now())
    return {"added": added, **survey_json(Survey.objects.get(pk=survey_id))}


@router.post("/surveys/{survey_id}/send", summary="Send the personal links (e-mail or SMS) to those not yet invited")
def send(request, survey_id: int):
    result = actions.do_send(survey_id, actor=request.user, now=timezone.now())
    return {
        "sent_now": result.sent,
        "without_contact": result.without_contact,
        **survey_json(Survey.objects.get(pk=survey_id)),
    }


@router.post("/surveys/{survey_id}/open", summary="Open a draft survey for answers")
def open_survey(request, survey_id: int):
    return survey_json(actions.do_open(survey_id, actor=request.user, now=timezone.now()))


@router.post("/surveys/{survey_id}/close", summary="Close a survey: no more answers, no more reminders")
def close_survey(request, survey_id: int):
    return survey_json(actions.do_close(survey_id, actor=request.user, now=timezone.now()))


@router.get("/surveys/{survey_id}/report", summary="The summary analysis: response rate and per-question statistics")
def survey_report(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    return analysis.as_json(analysis.report(survey))


@router.get("/surveys/{survey_id}/report.xlsx", summary="The summary analysis as an Excel workbook")
def survey_report_xlsx(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    response = HttpResponse(exports.workbook(analysis.report(survey)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{survey.year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/surveys/{survey_id}/report.pdf", summary="The summary analysis as a PDF")
def survey_report_pdf(request, survey_id: int):
    survey = actions.access_survey(request.user, survey_id)
    try:
        data = exports.pdf(analysis.report(survey))
    except PdfUnavailable as exc:
        raise HttpError(503, _("PDF printing is not installed on this server.")) from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-{survey.year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/public/surveys/{survey_id}/responses",
    auth=None,
    tags=["public"],
    summary="A customer's answers: one per question, in order (a personal link's token answers once)",
)
def public_response(request, survey_id: int, payload: AnswersIn):
    now = timezone.now()
    address = limits.client_address(request)
    try:
        limits.check([("survey-answer", address, PUBLIC_LIMIT)], now=now)
    except limits.RateLimited as exc:
        from ..errors import error_response

        refused = error_response(_api(), request, 429, exc.code, exc.message)
        refused["Retry-After"] = str(exc.retry_after)
        return refused
    if payload.token:
        recipient = actions.recipient_for_token(payload.token)
        if recipient.survey_id != survey_id:
            raise DomainError("not_found", _("This survey link is not valid or has expired."))
        survey, via = recipient.survey, "link"
    else:
        recipient, survey, via = None, actions.public_survey(survey_id), "public"
    response = actions.do_answer(survey, payload.answers, now=now, recipient=recipient, via=via)
    limits.hit("survey-answer", address, window=PUBLIC_WINDOW, now=now)
    return _api().create_response(request, {"id": response.pk, "survey": survey.pk}, status=201)
