"""GET /reports/weekly.xlsx|.pdf and /reports/monthly.xlsx|.pdf (API.md "Reports"): thin edges over
kesu.reports.exports. Same readers and data scope as /reports/summary; `lang=en` for English (default Chinese)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from kesu.core.errors import ValidationFailed
from kesu.documents.pdf import PdfUnavailable
from kesu.reports import exports, periods, selectors

router = Router()

LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans", "en": "en"}


def _language(value: str | None) -> str:
    if not value:
        return "zh-hans"
    code = LANGUAGES.get(value.strip().lower())
    if code is None:
        raise ValidationFailed(_("Choose zh-hans or en."), field="lang")
    return code


def _export(request, kind: periods.Kind, value: str | None, fmt: str, department: str | None, lang: str | None):
    selectors.check_reports(request.user)
    language = _language(lang)
    period = periods.parse(kind, value)
    now = timezone.now()
    with translation.override(language):
        report = exports.build(period, user=request.user, department=department or None, now=now)
        if fmt == "xlsx":
            content, content_type = exports.workbook(report), exports.XLSX
        else:
            try:
                content, content_type = exports.pdf(report), exports.PDF
            except PdfUnavailable as exc:
                raise HttpError(503, _("PDF printing is not installed on this server.")) from exc
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{period.filename(fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


_DOC = {
    "department": Query(None, description="a department code"),
    "lang": Query(None, description="zh-hans (default) | en"),
}


@router.get("/reports/weekly.xlsx", tags=["reports"], summary="投诉周报: the ISO week's report as an Excel workbook")
def weekly_xlsx(
    request,
    week: str | None = Query(None, description="ISO week, e.g. 2026-W49"),
    department: str | None = _DOC["department"],
    lang: str | None = _DOC["lang"],
):
    return _export(request, "weekly", week, "xlsx", department, lang)


@router.get("/reports/weekly.pdf", tags=["reports"], summary="投诉周报: the ISO week's report, printable (A4 PDF)")
def weekly_pdf(
    request,
    week: str | None = Query(None, description="ISO week, e.g. 2026-W49"),
    department: str | None = _DOC["department"],
    lang: str | None = _DOC["lang"],
):
    return _export(request, "weekly", week, "pdf", department, lang)


@router.get(
    "/reports/monthly.xlsx", tags=["reports"], summary="投诉信息月汇总报表: the month's summary as an Excel workbook"
)
def monthly_xlsx(
    request,
    month: str | None = Query(None, description="YYYY-MM, e.g. 2026-12"),
    department: str | None = _DOC["department"],
    lang: str | None = _DOC["lang"],
):
    return _export(request, "monthly", month, "xlsx", department, lang)


@router.get(
    "/reports/monthly.pdf", tags=["reports"], summary="投诉信息月汇总报表: the month's summary, printable (A4 PDF)"
)
def monthly_pdf(
    request,
    month: str | None = Query(None, description="YYYY-MM, e.g. 2026-12"),
    department: str | None = _DOC["department"],
    lang: str | None = _DOC["lang"],
):
    return _export(request, "monthly", month, "pdf", department, lang)
