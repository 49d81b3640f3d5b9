"""The 客户满意度汇总分析表 as an Excel workbook and a PDF (through kesu.documents, the one place for both)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kesu.documents.excel import Column, Workbook
from kesu.documents.pdf import render_pdf

from .analysis import Report, percent
from .models import QuestionKind

SCORE_LABELS = {
    "1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
    "5": "5",
}


def _organisation() -> str:
    from kesu.core.models import Organization

    org = Organization.objects.only("name").first()
    return org.name if org else ""


def score_label(score: str) -> str:
    return {
        "1": _("1 Very dissatisfied"),
        "2": _("2 Dissatisfied"),
        "3": _("3 Neutral"),
        "4": _("4 Satisfied"),
        "5": _("5 Very satisfied"),
    }[score]


def document_title(report: Report) -> str:
    return _("Customer satisfaction summary analysis") + f" · {report.survey.year} {report.survey.title}"


def _share(value: Decimal | None) -> Decimal | None:
    return value / 100 if value is not None else None


def _key_figures(report: Report) -> list[tuple[str, object, str]]:
    r = report.rates
    figures = [
        (_("Invitations sent"), r.sent, "int"),
        (pgettext("survey link", "Opened"), r.opened, "int"),
        (_("Answered"), r.answered, "int"),
        (_("Response rate"), _share(r.rate), "percent"),
        (_("Responses (all links)"), report.responses, "int"),
        (_("Average rating (1–5)"), report.overall_average, "number"),
    ]
    if report.previous:
        figures.append(
            (
                _("Average rating last year (%(year)s)") % {"year": report.previous["year"]},
                report.previous["overall_average"],
                "number",
            )
        )
    return figures


def workbook(report: Report) -> bytes:
    book = Workbook()
    sheet = book.report_sheet(_("Summary"), widths=[42, 16, 16, 16, 16, 16, 16])
    sheet.caption(document_title(report))
    sheet.caption(_("Generated %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, note=True)
    sheet.caption(_("Ratings: 1 very dissatisfied … 5 very satisfied."), note=True)
    sheet.freeze_here()
    sheet.blank()
    sheet.table(
        [Column(_("Figure")), Column(_("Value"), kind="number")],
        [(name, value) for name, value, _kind in _key_figures(report)],
    )
    sheet.section(_("Rating questions"))
    sheet.table(
        [
            Column(_("Question")),
            Column(_("Answers"), kind="int"),
            Column(_("Average"), kind="number"),
            *[Column(score_label(s), kind="int") for s in SCORE_LABELS],
            Column(_("Satisfied (4–5)"), kind="percent"),
            Column(_("Last year"), kind="number"),
        ],
        [
            (
                q["text"],
                q["answered"],
                q["average"],
                *[q["counts"][s] for s in SCORE_LABELS],
                _share(q["satisfied_share"]),
                q.get("previous_average"),
            )
            for q in report.questions
            if q["kind"] == QuestionKind.SCORE
        ]
        or [(_("No rating question."),)],
    )
    for q in report.questions:
        if q["kind"] in (QuestionKind.CHOICE, QuestionKind.MULTI):
            sheet.section(f"{q['position']}. {q['text']}")
            sheet.table(
                [Column(_("Answer")), Column(_("Count"), kind="int"), Column(_("Share"), kind="percent")],
                [(choice, n, _share(percent(n, q["answered"]))) for choice, n in q["counts"].items()],
            )
    for q in report.questions:
        if q["kind"] == QuestionKind.TEXT:
            sheet.section(f"{q['position']}. {q['text']}")
            sheet.table(
                [Column(_("Frequent word")), Column(_("Answers"), kind="int")],
                [(g.word or _("Other answers"), g.count) for g in q["groups"]] or [(_("No answer."), 0)],
            )
    texts = [
        (q["position"], q["text"], g.word or _("Other answers"), a)
        for q in report.questions
        if q["kind"] == QuestionKind.TEXT
        for g in q["groups"]
        for a in g.answers
    ]
    book.table_sheet(
        _("Text answers"),
        [
            Column(_("No."), 6, "int"),
            Column(_("Question"), 36, "wrap"),
            Column(_("Frequent word"), 14),
            Column(_("Answer"), 70, "wrap"),
        ],
        texts,
        captions=[document_title(report)],
    )
    return book.save()


def pdf(report: Report) -> bytes:
    context = {
        "organisation": _organisation(),
        "document_title": document_title(report),
        "report": report,
        "key_figures": _key_figures(report),
        "score_labels": [(s, score_label(s)) for s in SCORE_LABELS],
        "generated_at": timezone.localtime(),
    }
    return render_pdf("surveys/report.html", context)
