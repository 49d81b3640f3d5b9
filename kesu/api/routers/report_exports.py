"""GET /reports/weekly.xlsx|.pdf and /reports/monthly.xlsx|.pdf (API.md "Reports"): thin edges over
kesu.reports.exports. Same readers and data scope as /reports/summary; `lang=en` for English (default Chinese)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from kesu.documents.pdf import PdfUnavailable
from kesu.reports import exports, periods

router = Router()


def _export(request, kind: periods.Kind, value: str | None, fmt: str, department: str | None, lang: str | None):
    try:
        download = exports.download(
            kind, value, fmt, user=request.user, department=department, lang=lang, now=timezone.now()
        )
    except PdfUnavailable as exc:
        raise HttpError(503, _("PDF printing is not installed on this server.")) from exc
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
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
