"""The weekly report and the monthly summary as Excel workbooks and PDF (R-REP-1, API.md "Reports"): opened
again with openpyxl and checked against the hand-counted week of tests/report_week.py (2026-11-09 … 15 is ISO
week 2026-W46); headers in Chinese by default and in English on request; phones masked; the data scope; who may
ask; what a bad question answers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from kesu.documents.excel import Column, Workbook
from kesu.documents.pdf import font_names, page_count
from kesu.reports import exports, periods
from tests import report_week
from tests.report_week import NOW, at, create

week = report_week.week  # the fixture

SHEETS_ZH = ["汇总", "投诉清单", "未结案件", "时效", "满意度"]
SHEETS_EN = ["Summary", "Complaints", "Open items", "SLA", "Satisfaction"]


def xlsx(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == exports.XLSX
    return load_workbook(io.BytesIO(response.content))


def table(sheet):
    """The rows of a table sheet under its header, as dicts keyed by the header."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = int(sheet.freeze_panes[1:]) - 2  # the frozen rows end with the header
    header = rows[header_at]
    return [dict(zip(header, row, strict=False)) for row in rows[header_at + 1 :] if any(v is not None for v in row)]


def section(sheet, heading):
    """A small table of the summary sheet: {first column: second column} under `heading`."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == heading) + 2  # heading, header, rows…
    out = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        out[row[0]] = row[1]
    return out


# ---------------------------------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2026-W46", dt.date(2026, 11, 9), dt.date(2026, 11, 15)),
        ("2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 4)),
        ("2026-W53", dt.date(2026, 12, 28), dt.date(2027, 1, 3)),  # 2026 has 53 ISO weeks
    ],
)
def test_iso_weeks(value, first, last):
    period = periods.parse_week(value)
    assert (period.first, period.last, period.key) == (first, last, value)


@pytest.mark.parametrize("value", ["", "2026-49", "2026-W00", "2027-W53", "2026-W54", "1999-W10", "2026-w49x"])
def test_a_bad_week_names_the_field(value):
    with pytest.raises(Exception) as caught:
        periods.parse_week(value)
    assert caught.value.fields == {"week": [caught.value.message]}


def test_months_and_the_previous_period():
    feb = periods.parse_month("2028-02")
    assert (feb.first, feb.last) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    # Monday 2026-12-07 00:30 in Shanghai is still Sunday in UTC: the previous week is W49 all the same.
    now = dt.datetime(2026, 12, 6, 16, 30, tzinfo=dt.UTC)
    assert periods.previous("weekly", now=now).key == "2026-W49"
    assert periods.previous("monthly", now=now).key == "2026-11"
    assert periods.previous("monthly", now=dt.datetime(2027, 1, 1, 1, 0, tzinfo=report_week.SH)).key == "2026-12"


# ---------------------------------------------------------------------------------------------------- the workbook


def test_the_weekly_workbook_counts_the_week(week, api):
    book = xlsx(api("supervisor").get("/reports/weekly.xlsx", week="2026-W46"))
    assert book.sheetnames == SHEETS_ZH
    summary = book["汇总"]
    assert "投诉周报" in summary["A1"].value
    figures = section(summary, "关键数据")
    assert figures["受理投诉"] == 7
    assert figures["未结案"] == 5
    assert figures["补偿金额（元）"] == 320.5
    assert figures["平均满意度（1最好，5最差）"] == 3.5
    by_type = section(summary, "按类型")
    assert sorted(by_type.values(), reverse=True) == [3, 2, 1, 1] and sum(by_type.values()) == 7
    by_status = section(summary, "按状态")
    assert by_status["已关闭"] == 1 and by_status["不成立"] == 1 and by_status["已重开"] == 1
    by_department = section(summary, "按责任部门")
    assert by_department["物流部"] == 2 and by_department["未设置"] == 2

    rows = table(book["投诉清单"])
    assert len(rows) == 7
    assert [r["序号"] for r in rows] == list(range(1, 8))
    numbers = {c.number for c in week.values()}
    assert {r["投诉编号"] for r in rows} == numbers
    a = next(r for r in rows if r["投诉编号"] == week["A"].number)
    assert a["联系电话"] == "136****0001"  # masked as the API masks it
    assert a["客户名称"] == "张三"
    assert a["状态"] == "已关闭" and a["是否结案"] == "是" and a["满意度"] == 2
    assert a["补偿金额（元）"] == 200
    assert a["投诉日期"] == dt.datetime(2026, 11, 9, 9, 0)  # Shanghai wall time
    listing = book["投诉清单"]
    assert listing.cell(int(listing.freeze_panes[1:]), 3).number_format == "yyyy-mm-dd hh:mm"
    assert not any("13600000001" in str(v) for r in rows for v in r.values())

    open_rows = table(book["未结案件"])
    assert {r["投诉编号"] for r in open_rows} == {week[k].number for k in "BEFHI"}

    ratings = table(book["满意度"])
    assert [(r["投诉编号"], r["分数"]) for r in ratings] == [(week["E"].number, 5)]
    breached = table(book["时效"])
    assert {r["投诉编号"] for r in breached} >= {week["E"].number, week["G"].number}


def test_every_sheet_is_formatted(week, api):
    book = xlsx(api("supervisor").get("/reports/weekly.xlsx", week="2026-W46"))
    for sheet in book.worksheets:
        assert sheet.freeze_panes, sheet.title
        assert sheet["A1"].font.name == "Microsoft YaHei"
        assert sheet.column_dimensions["A"].width > 0
    for name in ["投诉清单", "未结案件", "时效", "满意度"]:
        sheet = book[name]
        header_row = int(sheet.freeze_panes[1:]) - 1
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
        assert sheet.cell(header_row, 1).font.bold


def test_english_on_request(week, api):
    book = xlsx(api("supervisor").get("/reports/weekly.xlsx", week="2026-W46", lang="en"))
    assert book.sheetnames == SHEETS_EN
    assert "Weekly complaint report" in book["Summary"]["A1"].value
    rows = table(book["Complaints"])
    assert len(rows) == 7 and {"Complaint no.", "Phone", "Status", "Closed at"} <= set(rows[0])
    assert {r["Status"] for r in rows} >= {"Closed", "Not justified"}
    r = api("supervisor").get("/reports/weekly.xlsx", week="2026-W46", lang="fr")
    assert r.status_code == 400 and "lang" in r.json()["error"]["fields"]


def test_the_monthly_workbook_counts_the_month(week, api):
    book = xlsx(api("manager").get("/reports/monthly.xlsx", month="2026-11"))
    assert "投诉信息月汇总报表" in book["汇总"]["A1"].value
    # The week's seven and the two received just before and after it, all in November.
    assert len(table(book["投诉清单"])) == 9
    assert section(book["汇总"], "关键数据")["受理投诉"] == 9
    empty = xlsx(api("manager").get("/reports/monthly.xlsx", month="2026-10"))
    assert table(empty["投诉清单"]) == []
    assert section(empty["汇总"], "关键数据")["受理投诉"] == 0


def test_the_data_scope_holds(week, api, users):
    # handler_log (LOG) is not a report reader; quality (QA) is, and sees none of this week's complaints.
    assert api("handler_log").get("/reports/weekly.xlsx", week="2026-W46").status_code == 403
    book = xlsx(api("quality").get("/reports/weekly.xlsx", week="2026-W46"))
    assert table(book["投诉清单"]) == []
    assert section(book["汇总"], "关键数据")["受理投诉"] == 0
    # A department filter narrows the lists like the counts.
    book = xlsx(api("supervisor").get("/reports/weekly.xlsx", week="2026-W46", department="LOG"))
    assert {r["投诉编号"] for r in table(book["投诉清单"])} == {week["E"].number, week["F"].number}


def test_a_scoped_reader_sees_masked_names_of_customers_they_may_not_know(week, users, api_for):
    from tests.factories import UserFactory

    # A quality engineer of PROD sees A and H (PROD's), knows their customer; not the others'.
    qa_prod = UserFactory(username="qa_prod", role="quality", departments=["PROD"])
    book = xlsx(api_for(qa_prod).get("/reports/weekly.xlsx", week="2026-W46"))
    rows = table(book["投诉清单"])
    assert {r["投诉编号"] for r in rows} == {week["A"].number, week["H"].number}
    assert {r["客户名称"] for r in rows} == {"张三"}
    other = create(users["admin"], at(14, 9), channel="phone")
    from kesu.complaints import actions

    actions.ACTIONS["acknowledge"](other, actor=users["admin"], now=at(14, 9, 5))
    actions.ACTIONS["triage"](other, actor=users["admin"], now=at(14, 9, 6))
    actions.ACTIONS["assign"](other, actor=users["admin"], now=at(14, 9, 7), department="PROD")
    rows = table(xlsx(api_for(qa_prod).get("/reports/weekly.xlsx", week="2026-W46"))["投诉清单"])
    assert len(rows) == 3


def test_bad_questions_are_400_naming_the_field(week, api):
    client = api("supervisor")
    for path, params, field in [
        ("/reports/weekly.xlsx", {"week": "2026-49"}, "week"),
        ("/reports/weekly.pdf", {}, "week"),
        ("/reports/monthly.xlsx", {"month": "2026-13"}, "month"),
        ("/reports/monthly.pdf", {"month": "12-2026"}, "month"),
        ("/reports/weekly.xlsx", {"week": "2026-W46", "department": "NOPE"}, "department"),
    ]:
        r = client.get(path, **params)
        assert r.status_code == 400, (path, params, r.content)
        assert field in r.json()["error"]["fields"], r.json()


def test_who_may_ask(week, api, client):
    for role in ["agent", "handler", "handler_log"]:
        assert api(role).get("/reports/weekly.xlsx", week="2026-W46").status_code == 403
        assert api(role).get("/reports/monthly.pdf", month="2026-11").status_code == 403
    assert client.get("/api/v1/reports/weekly.xlsx", {"week": "2026-W46"}).status_code == 401
    for role in ["supervisor", "director", "archivist", "manager", "admin"]:
        assert api(role).get("/reports/weekly.xlsx", week="2026-W46").status_code == 200


def test_the_list_is_read_in_a_fixed_number_of_queries(week, users):
    supervisor = users["supervisor"]

    def queries():
        with translation.override("zh-hans"), CaptureQueriesContext(connection) as captured:
            exports.workbook(exports.build(periods.parse_week("2026-W46"), user=supervisor, now=NOW))
        return len(captured)

    before = queries()
    for hour in range(3):
        create(users["admin"], at(14, 10 + hour), channel="web")
    assert queries() == before


# ---------------------------------------------------------------------------------------------------- the PDF


def test_the_pdf_prints_the_week(week, api):
    r = api("supervisor").get("/reports/weekly.pdf", week="2026-W46")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/pdf"
    assert 'filename="kesu-weekly-2026-W46.pdf"' in r["Content-Disposition"]
    assert r.content.startswith(b"%PDF-")
    assert page_count(r.content) >= 1
    # The Chinese font is embedded (the text is not boxes).
    assert "Noto-Sans-CJK-SC" in font_names(r.content)
    r = api("supervisor").get("/reports/monthly.pdf", month="2026-11", lang="en")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


def test_the_pdf_shows_the_first_rows_and_says_so(week, users, monkeypatch):
    monkeypatch.setattr(exports, "PDF_ROWS", 2)
    report = exports.build(periods.parse_week("2026-W46"), user=users["supervisor"], now=NOW)
    with translation.override("en"):
        html = _html(report)
    assert "The first 2 of 5" in html
    assert html.count(week["B"].number) + html.count(week["E"].number) + html.count(week["F"].number) <= 3


def _html(report):
    from kesu.documents.pdf import render_html

    captured = {}

    def fake(template, context):
        captured["html"] = render_html(template, context)
        return b"%PDF-"

    import kesu.reports.exports as module

    original = module.render_pdf
    module.render_pdf = fake
    try:
        module.pdf(report)
    finally:
        module.render_pdf = original
    return captured["html"]


# ---------------------------------------------------------------------------------------------------- the layer


def test_text_that_looks_like_a_formula_stays_text():
    book = Workbook()
    sheet = book.report_sheet("s", widths=[20])
    sheet.table([Column("a")], [('=HYPERLINK("http://x")',)])
    book.table_sheet("t", [Column("a"), Column("b", kind="money")], [("=1+1", 5), ("bad\x01char", None)])
    opened = load_workbook(io.BytesIO(book.save()))
    assert opened["s"]["A2"].data_type == "s"
    assert opened["t"]["A2"].value == "=1+1" and opened["t"]["A2"].data_type == "s"
    assert opened["t"]["A3"].value == "badchar"
    assert opened["t"]["B2"].number_format == "#,##0.00"


def test_the_downloads_are_in_the_openapi_document(api):
    paths = api("supervisor").get("/openapi.json").json()["paths"]
    for path in ["weekly.xlsx", "weekly.pdf", "monthly.xlsx", "monthly.pdf"]:
        assert f"/api/v1/reports/{path}" in paths
