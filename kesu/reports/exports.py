"""The weekly report (投诉周报, seed 001) and the monthly summary (投诉信息月汇总报表, seed 000) as an Excel workbook
and as a printable PDF. Reads only.

    report = build(parse_week("2026-W49"), user=user, department=None, now=now)   # checks permission and scope
    workbook(report) → .xlsx bytes        pdf(report) → .pdf bytes

The counts are `kesu.reports.selectors.summary` over the period (the same numbers GET /reports/summary gives the
same user); the lists are the same complaints (`selectors.period_complaints`: the user's data scope, received in
the period, of the department if one is given). What is where:

- workbook: Summary (key figures, counts by type / severity / priority / level / channel / department / status,
  SLA compliance per clock, top problems, top product codes), Complaints (one row per complaint, the 投诉记录表
  columns), Open items (the period's complaints still open, most urgent first), SLA (per clock, and every
  breached deadline), Satisfaction (distribution, and every 4 or 5 rating with its comment);
- PDF: the summary tables, and the first PDF_ROWS open items, breached deadlines and dissatisfied ratings, saying
  how many there are in all: the full lists are in the workbook.

Customers' phones are masked as the API masks them; a customer whose identity the user may not know
(access.customers_identified_for) appears as 王**. Labels follow the active language
(django.utils.translation.override around the call).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from kesu.accounts.models import Department
from kesu.complaints.access import customers_identified_for, mask_name
from kesu.complaints.classification import Level, Priority, Severity
from kesu.complaints.models import Category, Channel, Event
from kesu.complaints.states import ENDED_STATES, OPEN_STATES, Status
from kesu.core.errors import ValidationFailed
from kesu.core.masking import mask_phone
from kesu.core.models import Organization
from kesu.core.names import names_by_code, pick
from kesu.documents.excel import Column, ReportSheet, Workbook
from kesu.documents.pdf import render_pdf
from kesu.sla.models import ClockDefinition, Deadline

from . import periods, selectors
from .periods import Period

PDF_ROWS = 50  # rows of each list the PDF prints; the workbook has them all
TOP_PROBLEMS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
FORMATS = ("xlsx", "pdf")
LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans", "en": "en"}


def language(value: str | None) -> str:
    """`lang` of a download: Chinese unless English is asked for."""
    if not value:
        return "zh-hans"
    code = LANGUAGES.get(value.strip().lower())
    if code is None:
        raise ValidationFailed(_("Choose zh-hans or en."), field="lang")
    return code


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


def download(
    kind: periods.Kind,
    value: str | None,
    fmt: str,
    *,
    user,
    department: str | None,
    lang: str | None,
    now: dt.datetime,
) -> Download:
    """The weekly or monthly report of `value` (2026-W49 / 2026-12) as .xlsx or .pdf: what both the API and the
    web pages hand out. Raises Forbidden (not a report reader), ValidationFailed naming the field (week, month,
    lang, department) and kesu.documents.pdf.PdfUnavailable (no PDF printing on this server)."""
    selectors.check_reports(user)
    code = language(lang)
    period = periods.parse(kind, value)
    with translation.override(code):
        report = build(period, user=user, department=department or None, now=now)
        if fmt == "xlsx":
            content, content_type = workbook(report), XLSX
        elif fmt == "pdf":
            content, content_type = pdf(report), PDF
        else:
            raise ValueError(fmt)
    return Download(content, content_type, period.filename(fmt))


@dataclass
class Report:
    period: Period
    user: Any
    department: Department | None
    organisation: str
    generated_at: dt.datetime
    summary: dict[str, Any]
    complaints: Any  # the period's complaints in scope (a QuerySet)
    type_names: dict[str, str]
    department_names: dict[str, str]
    clock_names: dict[str, str]
    top_problems: list[dict[str, Any]]
    open_total: int
    breached_total: int
    dissatisfied_total: int
    open_preview: list[dict[str, Any]] = field(default_factory=list)
    breached_preview: list[dict[str, Any]] = field(default_factory=list)
    dissatisfied_preview: list[dict[str, Any]] = field(default_factory=list)
    # Compensation executed in the period per month, kind, department, requester (selectors.compensation_paid).
    compensation: dict[str, Any] = field(default_factory=dict)

    @property
    def scope_label(self) -> str:
        user = self.user
        if user.sees_whole_organisation:
            scope = _("the whole organisation")
        else:
            scope = _("the complaints %(user)s may see") % {"user": user.label}
        if self.department is not None:
            return _("Data scope: %(scope)s; responsible department %(department)s") % {
                "scope": scope,
                "department": self.department.display_name,
            }
        return _("Data scope: %(scope)s") % {"scope": scope}

    @property
    def document_title(self) -> str:
        return f"{self.period.title} {self.period.key}"


def build(period: Period, *, user, department: str | None = None, now: dt.datetime) -> Report:
    """Everything both documents show, for `user` (who must be a report reader: 403 otherwise)."""
    selectors.check_reports(user)
    code = selectors.check_department(department)
    summary = selectors.summary(user=user, date_from=period.first, date_to=period.last, department=code, now=now)
    qs = selectors.period_complaints(user=user, date_from=period.first, date_to=period.last, department=code)
    org = Organization.objects.first()
    return Report(
        period=period,
        user=user,
        department=Department.objects.filter(code=code).first() if code else None,
        organisation=org.name if org else "",
        generated_at=timezone.localtime(now),
        summary=summary,
        complaints=qs,
        type_names=_type_names(),
        department_names=names_by_code(Department.objects.all()),
        clock_names=_clock_names(summary["sla"]),
        top_problems=_top_problems(qs),
        open_total=_open(qs).count(),
        breached_total=_breached(qs).count(),
        dissatisfied_total=_dissatisfied(qs).count(),
        compensation=selectors.compensation_paid(
            user=user, date_from=period.first, date_to=period.last, department=code
        ),
    )


# ------------------------------------------------------------------------------------------------ queries


def _type_names() -> dict[str, str]:
    english = (get_language() or "").startswith("en")
    names = {}
    for code, name, name_en in Category.objects.values_list("code", "name", "name_en"):
        names[code] = (name_en or name) if english else name
    return names


def _clock_names(sla: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    rows = ClockDefinition.objects.filter(code__in=list(sla)).order_by("-playbook__active", "id")
    for code, name, name_en in rows.values_list("code", "name", "name_en"):
        names.setdefault(code, pick(name, name_en))
    return names


def _top_problems(qs) -> list[dict[str, Any]]:
    """The most frequent type and product pairs of the period (what the weekly meeting calls 主要问题)."""
    rows = (
        qs.values("category__code", "product")
        .annotate(count=Count("id"))
        .order_by("-count", "category__code", "product")[:TOP_PROBLEMS]
    )
    return [{"type_code": r["category__code"], "product": r["product"], "count": r["count"]} for r in rows]


def _open(qs):
    return qs.filter(status__in=OPEN_STATES)


def _breached(qs):
    return Deadline.objects.filter(selectors.BREACHED, complaint__in=qs.values("pk"))


def _dissatisfied(qs):
    return Event.objects.filter(action="rate", complaint__in=qs.values("pk"), data__score__in=[4, 5])


LIST_FIELDS = (
    "id",
    "number",
    "received_at",
    "customer_id",
    "customer__name",
    "customer__phone",
    "channel",
    "product",
    "category__code",
    "severity",
    "priority",
    "level",
    "department__code",
    "owner__username",
    "owner__display_name",
    "status",
    "title",
    "solution_detail",
    "resolution_summary",
    "reject_reason",
    "compensation_amount",
    "satisfaction",
    "closed_at",
    "next_due_at",
)


def _rows(qs, *, order: tuple[Any, ...]) -> Iterator[dict[str, Any]]:
    """The list rows of `qs` in one query (joined, streamed)."""
    return qs.order_by(*order).values(*LIST_FIELDS).iterator(chunk_size=2000)


def _identified(report: Report, qs) -> set[int] | None:
    if report.user.sees_whole_organisation:
        return None
    return customers_identified_for(report.user, qs.values_list("customer_id", flat=True).distinct())


# ------------------------------------------------------------------------------------------------ labels


def _none() -> str:
    return pgettext("report", "Not set")


def label(dimension: str, key: Any, report: Report) -> str:
    """The readable name of a summary key (a type code, a status …) in the active language."""
    if key in (None, "", selectors.NONE_KEY):
        return _none()
    key = str(key)
    choices: dict[str, Any] = {
        "by_severity": Severity,
        "by_priority": Priority,
        "by_channel": Channel,
        "by_status": Status,
    }
    try:
        if dimension == "by_type":
            return report.type_names.get(key, key)
        if dimension == "by_department":
            return report.department_names.get(key, key)
        if dimension == "by_level":
            return str(Level(int(key)).label)
        if dimension in choices:
            return str(choices[dimension](key).label)
    except ValueError:
        pass
    return key


def _choice(enum, value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


SATISFACTION_LABELS = {
    1: lambda: pgettext("satisfaction", "Very satisfied"),
    2: lambda: pgettext("satisfaction", "Satisfied"),
    3: lambda: pgettext("satisfaction", "Acceptable / understandable"),
    4: lambda: pgettext("satisfaction", "Dissatisfied"),
    5: lambda: pgettext("satisfaction", "Very dissatisfied"),
}


def satisfaction_label(score: Any) -> str:
    try:
        return f"{int(score)} {SATISFACTION_LABELS[int(score)]()}"
    except (KeyError, TypeError, ValueError):
        return ""


def _dimensions() -> list[tuple[str, str]]:
    return [
        ("by_type", pgettext("report", "By type")),
        ("by_severity", pgettext("report", "By severity")),
        ("by_priority", pgettext("report", "By priority")),
        ("by_level", pgettext("report", "By handling level")),
        ("by_channel", pgettext("report", "By channel")),
        ("by_department", pgettext("report", "By responsible department")),
        ("by_status", pgettext("report", "By status")),
    ]


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def count_tables(report: Report) -> list[dict[str, Any]]:
    """Each dimension's rows (label, count, share of the total), as both documents print them."""
    total = report.summary["total"]
    tables = []
    for key, heading in _dimensions():
        rows = [(label(key, k, report), n, _share(n, total)) for k, n in report.summary[key].items()]
        tables.append({"key": key, "heading": heading, "rows": rows})
    return tables


def sla_rows(report: Report) -> list[tuple[str, int, int, float | None]]:
    return [
        (report.clock_names.get(clock, clock), v["met"], v["breached"], v["compliance"])
        for clock, v in report.summary["sla"].items()
    ]


def key_figures(report: Report) -> list[tuple[str, Any, str]]:
    """(label, value, kind) for the top of both documents."""
    s = report.summary
    sat = s["satisfaction"]
    return [
        (pgettext("report", "Complaints received"), s["total"], "int"),
        (pgettext("report", "Still open"), s["open"], "int"),
        (pgettext("report", "Overdue now"), s["overdue"], "int"),
        (pgettext("report", "Compensation (CNY)"), Decimal(s["compensation_total"]), "money"),
        (
            pgettext("report", "Compensation paid in the period (CNY)"),
            Decimal((report.compensation or {}).get("executed", "0.00")),
            "money",
        ),
        (pgettext("report", "Ratings received"), sat["rated"], "int"),
        (pgettext("report", "Average satisfaction (1 best, 5 worst)"), sat["average"], "number"),
    ]


def compensation_tables(report: Report) -> list[dict[str, Any]]:
    """The compensation executed in the period (paid, shipped, given), per month, kind, department and requester:
    {"heading", "rows": [(label, count, amount)]} for both documents."""
    from kesu.solutions.models import Kind

    paid = report.compensation or {}
    kinds = dict(Kind.choices)

    def rows(items, key, name):
        return [(name(r[key]), r["count"], Decimal(r["executed"])) for r in items]

    return [
        {
            "heading": pgettext("report", "Compensation paid per month"),
            "rows": rows(paid.get("by_month", []), "month", str),
        },
        {
            "heading": pgettext("report", "Compensation paid per kind"),
            "rows": rows(paid.get("by_kind", []), "kind", lambda k: str(kinds.get(k, k))),
        },
        {
            "heading": pgettext("report", "Compensation paid per department"),
            "rows": rows(
                paid.get("by_department", []), "department", lambda d: report.department_names.get(d, d) or _none()
            ),
        },
        {
            "heading": pgettext("report", "Compensation paid per person"),
            "rows": rows(paid.get("by_person", []), "person", lambda p: p or _none()),
        },
    ]


def _compensation_sections(sheet: ReportSheet, report: Report) -> None:
    for table in compensation_tables(report):
        sheet.section(table["heading"])
        sheet.table(
            [
                Column(table["heading"]),
                Column(pgettext("report", "Compensations"), kind="int"),
                Column(pgettext("report", "Paid (CNY)"), kind="money"),
            ],
            table["rows"] or [(pgettext("report", "None in this period"), 0, Decimal("0.00"))],
        )


def _owner(row: dict[str, Any]) -> str:
    return row["owner__display_name"] or row["owner__username"] or ""


def _result(row: dict[str, Any]) -> str:
    return row["resolution_summary"] or row["solution_detail"] or row["reject_reason"] or ""


def _customer(row: dict[str, Any], identified: set[int] | None) -> str:
    name = row["customer__name"] or ""
    return name if identified is None or row["customer_id"] in identified else mask_name(name)


# ------------------------------------------------------------------------------------------------ workbook


def _list_columns() -> list[Column]:
    return [
        Column(pgettext("report", "No."), 6, "int"),
        Column(pgettext("report", "Complaint no."), 19),
        Column(pgettext("report", "Received"), 16, "datetime"),
        Column(pgettext("report", "Customer"), 14),
        Column(pgettext("report", "Phone"), 14),
        Column(pgettext("report", "Channel"), 12),
        Column(pgettext("report", "Product"), 16),
        Column(pgettext("report", "Type"), 12),
        Column(pgettext("report", "Severity"), 8),
        Column(pgettext("report", "Priority"), 9),
        Column(pgettext("report", "Level"), 7, "int"),
        Column(pgettext("report", "Responsible department"), 14),
        Column(pgettext("report", "Owner"), 12),
        Column(pgettext("report", "Status"), 12),
        Column(pgettext("report", "Complaint"), 36, "wrap"),
        Column(pgettext("report", "Handling result"), 36, "wrap"),
        Column(pgettext("report", "Compensation (CNY)"), 12, "money"),
        Column(pgettext("report", "Satisfaction"), 8, "int"),
        Column(pgettext("report", "Closed"), 8),
        Column(pgettext("report", "Closed at"), 16, "datetime"),
    ]


def _list_values(rows, report: Report, identified: set[int] | None) -> Iterator[tuple[Any, ...]]:
    # Labels are looked up once per value, not once per row: a month is tens of thousands of rows.
    channels = {c.value: str(c.label) for c in Channel}
    priorities = {c.value: str(c.label) for c in Priority}
    statuses = {c.value: str(c.label) for c in Status}
    yes, no = pgettext("report", "Yes"), pgettext("report", "No")
    for index, r in enumerate(rows, start=1):
        yield (
            index,
            r["number"],
            r["received_at"],
            _customer(r, identified),
            mask_phone(r["customer__phone"] or ""),
            channels.get(r["channel"], r["channel"]),
            r["product"],
            report.type_names.get(r["category__code"], r["category__code"] or ""),
            r["severity"],
            priorities.get(r["priority"], r["priority"]),
            r["level"],
            report.department_names.get(r["department__code"], r["department__code"] or ""),
            _owner(r),
            statuses.get(r["status"], r["status"]),
            r["title"],
            _result(r),
            r["compensation_amount"],
            r["satisfaction"],
            yes if r["status"] in ENDED_STATES else no,
            r["closed_at"],
        )


# The open items sheet: the list's columns a follow-up needs, and the nearest deadline.
OPEN_COLUMNS = (0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14)


def _open_columns() -> list[Column]:
    columns = _list_columns()
    return [*(columns[i] for i in OPEN_COLUMNS), Column(pgettext("report", "Next deadline"), 16, "datetime")]


def _open_values(rows, report: Report, identified: set[int] | None) -> Iterator[tuple[Any, ...]]:
    due: list[Any] = []

    def remember(rows):
        for r in rows:
            due.append(r["next_due_at"])
            yield r

    for values in _list_values(remember(rows), report, identified):
        yield (*(values[i] for i in OPEN_COLUMNS), due.pop())


def _captions(report: Report, heading: str) -> list[str]:
    return [
        f"{report.organisation} {report.period.title} · {heading}".strip(),
        report.period.label,
        report.scope_label,
        _("Generated %(at)s") % {"at": report.generated_at.strftime("%Y-%m-%d %H:%M")},
    ]


def _summary_sheet(book: Workbook, report: Report) -> None:
    sheet = book.report_sheet(pgettext("report sheet", "Summary"), widths=[34, 22, 14, 12])
    for index, line in enumerate(_captions(report, pgettext("report sheet", "Summary"))):
        sheet.caption(line, note=index > 0)
    sheet.freeze_here()
    sheet.blank()
    sheet.section(pgettext("report", "Key figures"))
    sheet.table(
        [Column(pgettext("report", "Figure")), Column(pgettext("report", "Value"))],
        [(name, value) for name, value, _kind in key_figures(report)],
    )
    count, share = pgettext("report", "Complaints"), pgettext("report", "Share")
    for table in count_tables(report):
        sheet.section(table["heading"])
        sheet.table(
            [Column(table["heading"]), Column(count, kind="int"), Column(share, kind="percent")],
            table["rows"] or [(pgettext("report", "None in this period"), 0, None)],
        )
    _sla_table(sheet, report)
    _compensation_sections(sheet, report)
    sheet.section(pgettext("report", "Top problems"))
    sheet.table(
        [Column(pgettext("report", "Type")), Column(pgettext("report", "Product")), Column(count, kind="int")],
        [
            (report.type_names.get(p["type_code"], p["type_code"] or _none()), p["product"] or _none(), p["count"])
            for p in report.top_problems
        ],
    )
    sheet.section(pgettext("report", "Top product codes"))
    sheet.table(
        [Column(pgettext("report", "Product code")), Column(count, kind="int")],
        [(p["product_code"], p["count"]) for p in report.summary["top_products"]],
    )


def _sla_table(sheet: ReportSheet, report: Report) -> None:
    sheet.section(pgettext("report", "SLA compliance per clock"))
    sheet.table(
        [
            Column(pgettext("report", "Clock")),
            Column(pgettext("report", "Met in time"), kind="int"),
            Column(pgettext("report", "Breached"), kind="int"),
            Column(pgettext("report", "Compliance"), kind="percent"),
        ],
        sla_rows(report) or [(pgettext("report", "None in this period"), 0, 0, None)],
    )


def workbook(report: Report) -> bytes:
    book = Workbook()
    _summary_sheet(book, report)
    qs = report.complaints
    identified = _identified(report, qs)
    heading = pgettext("report sheet", "Complaints")
    book.table_sheet(
        heading,
        _list_columns(),
        _list_values(_rows(qs, order=("received_at", "id")), report, identified),
        captions=_captions(report, heading),
    )
    heading = pgettext("report sheet", "Open items")
    urgent_first = (F("next_due_at").asc(nulls_last=True), "received_at", "id")
    book.table_sheet(
        heading,
        _open_columns(),
        _open_values(_rows(_open(qs), order=urgent_first), report, identified),
        captions=[
            *_captions(report, heading),
            _("The period's complaints not yet closed, the nearest deadline first: %(n)d.") % {"n": report.open_total},
        ],
    )
    heading = pgettext("report sheet", "SLA")
    book.table_sheet(
        heading,
        _breach_columns(),
        (_breach_values(r, report) for r in _breach_rows(report)),
        captions=_captions(report, heading),
        intro=lambda sheet: (_sla_table(sheet, report), sheet.section(pgettext("report", "Breached deadlines"))),
    )
    heading = pgettext("report sheet", "Satisfaction")
    book.table_sheet(
        heading,
        _rating_columns(),
        (_rating_values(r, report) for r in _rating_rows(report)),
        captions=_captions(report, heading),
        intro=lambda sheet: _satisfaction_intro(sheet, report),
    )
    return book.save()


def _breach_columns() -> list[Column]:
    return [
        Column(pgettext("report", "Complaint no."), 19),
        Column(pgettext("report", "Clock"), 16),
        Column(pgettext("report", "Due"), 16, "datetime"),
        Column(pgettext("report", "Breached at"), 16, "datetime"),
        Column(pgettext("report", "Met at"), 16, "datetime"),
        Column(pgettext("report", "Responsible department"), 14),
        Column(pgettext("report", "Owner"), 12),
        Column(pgettext("report", "Status"), 12),
        Column(pgettext("report", "Complaint"), 36, "wrap"),
    ]


def _breach_rows(report: Report, limit: int | None = None) -> Any:
    rows = (
        _breached(report.complaints)
        .order_by("due_at", "id")
        .values(
            "clock",
            "due_at",
            "breached_at",
            "met_at",
            "complaint__number",
            "complaint__department__code",
            "complaint__owner__username",
            "complaint__owner__display_name",
            "complaint__status",
            "complaint__title",
        )
    )
    return rows[:limit] if limit else rows.iterator(chunk_size=2000)


def _breach_values(r: dict[str, Any], report: Report) -> tuple[Any, ...]:
    dept = r["complaint__department__code"]
    return (
        r["complaint__number"],
        report.clock_names.get(r["clock"], r["clock"]),
        r["due_at"],
        r["breached_at"] or r["met_at"],
        r["met_at"],
        report.department_names.get(dept, dept or ""),
        r["complaint__owner__display_name"] or r["complaint__owner__username"] or "",
        _choice(Status, r["complaint__status"]),
        r["complaint__title"],
    )


def _rating_columns() -> list[Column]:
    return [
        Column(pgettext("report", "Complaint no."), 19),
        Column(pgettext("report", "Rated at"), 16, "datetime"),
        Column(pgettext("report", "Score"), 7, "int"),
        Column(pgettext("report", "Rating"), 18),
        Column(pgettext("report", "Customer's comment"), 40, "wrap"),
        Column(pgettext("report", "Responsible department"), 14),
        Column(pgettext("report", "Owner"), 12),
        Column(pgettext("report", "Complaint"), 36, "wrap"),
    ]


def _rating_rows(report: Report, limit: int | None = None) -> Any:
    rows = (
        _dissatisfied(report.complaints)
        .order_by("at", "id")
        .values(
            "at",
            "data",
            "complaint__number",
            "complaint__department__code",
            "complaint__owner__username",
            "complaint__owner__display_name",
            "complaint__title",
        )
    )
    return rows[:limit] if limit else rows.iterator(chunk_size=2000)


def _rating_values(r: dict[str, Any], report: Report) -> tuple[Any, ...]:
    data = r["data"] or {}
    dept = r["complaint__department__code"]
    return (
        r["complaint__number"],
        r["at"],
        data.get("score"),
        satisfaction_label(data.get("score")),
        data.get("comment") or "",
        report.department_names.get(dept, dept or ""),
        r["complaint__owner__display_name"] or r["complaint__owner__username"] or "",
        r["complaint__title"],
    )


def satisfaction_rows(report: Report) -> list[tuple[str, int, float | None]]:
    sat = report.summary["satisfaction"]
    return [(satisfaction_label(score), n, _share(n, sat["rated"])) for score, n in sorted(sat["distribution"].items())]


def _satisfaction_intro(sheet: ReportSheet, report: Report) -> None:
    sat = report.summary["satisfaction"]
    sheet.section(pgettext("report", "Satisfaction (seed scale: 1 very satisfied … 5 very dissatisfied)"))
    sheet.table(
        [
            Column(pgettext("report", "Rating")),
            Column(pgettext("report", "Ratings"), kind="int"),
            Column(pgettext("report", "Share"), kind="percent"),
        ],
        [*satisfaction_rows(report), (pgettext("report", "Average"), sat["average"], None)],
    )
    sheet.section(pgettext("report", "Ratings of 4 or 5 (dissatisfied): the complaint was escalated and reopened"))


# ------------------------------------------------------------------------------------------------ PDF


def _preview(rows, report: Report, identified: set[int] | None) -> list[dict[str, Any]]:
    out = []
    for values in _list_values(rows, report, identified):
        out.append(
            {
                "number": values[1],
                "received": values[2],
                "customer": values[3],
                "type": values[7],
                "department": values[11],
                "owner": values[12],
                "status": values[13],
                "title": values[14],
            }
        )
    return out


def pdf(report: Report) -> bytes:
    qs = report.complaints
    identified = _identified(report, qs)
    urgent_first = (F("next_due_at").asc(nulls_last=True), "received_at", "id")
    open_rows = _open(qs).order_by(*urgent_first).values(*LIST_FIELDS)[:PDF_ROWS]
    context = {
        "report": report,
        "organisation": report.organisation,
        "document_title": report.document_title,
        "footer_note": report.scope_label,
        "key_figures": key_figures(report),
        "count_tables": count_tables(report),
        "sla_rows": sla_rows(report),
        "compensation_tables": compensation_tables(report),
        "compensation_paid": report.compensation.get("executed", "0.00"),
        "satisfaction_rows": satisfaction_rows(report),
        "top_problems": [
            (report.type_names.get(p["type_code"], p["type_code"] or _none()), p["product"] or _none(), p["count"])
            for p in report.top_problems
        ],
        "open_items": _preview(open_rows, report, identified),
        "breaches": [_breach_values(r, report) for r in _breach_rows(report, PDF_ROWS)],
        "ratings": [_rating_values(r, report) for r in _rating_rows(report, PDF_ROWS)],
        "pdf_rows": PDF_ROWS,
    }
    return render_pdf("documents/report.html", context)
