"""The weekly report and the monthly summary downloaded from the dashboard by a signed-in user: the same files the
API gives (kesu.reports.exports.download), the same readers, and a bad question answered on the page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kesu.reports import exports, periods
from tests.factories import make_complaint
from tests.test_reports_exports import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_week(users):
    """Three complaints received last week (two about quality, one about delivery), one this week."""
    period = periods.previous("weekly", now=timezone.now())
    start, _end = period.bounds()
    agent = users["agent"]
    inside = [
        make_complaint(agent, received_at=start + dt.timedelta(days=1, hours=9)),
        make_complaint(agent, received_at=start + dt.timedelta(days=3, hours=15), type_code="delivery"),
        make_complaint(agent, received_at=start + dt.timedelta(days=6, hours=23, minutes=30)),
    ]
    make_complaint(agent, received_at=timezone.now() - dt.timedelta(minutes=5))
    return period, inside


def _book(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == exports.XLSX
    return load_workbook(io.BytesIO(response.content))


def _section(sheet, heading) -> dict:
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == heading) + 2
    out = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        out[row[0]] = row[1]
    return out


def _card_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}" value="([^"]*)"', html)
    assert match, f"the card has a {name} field"
    return match.group(1)


def test_the_dashboard_has_the_reports_card_defaulting_to_last_week_and_last_month(web):
    now = timezone.now()
    html = web("supervisor").get("/reports/dashboard").content.decode()
    assert 'id="report-downloads"' in html
    for url in ("/reports/weekly.xlsx", "/reports/weekly.pdf", "/reports/monthly.xlsx", "/reports/monthly.pdf"):
        assert f'formaction="{url}"' in html
    assert _card_value(html, "week") == periods.previous("weekly", now=now).key
    assert _card_value(html, "month") == periods.previous("monthly", now=now).key
    assert '<option value="PROD"' in html and '<option value="en"' in html


def test_a_supervisor_downloads_last_weeks_workbook(web, last_week):
    period, inside = last_week
    client = web("supervisor")
    week = _card_value(client.get("/reports/dashboard").content.decode(), "week")
    r = client.get("/reports/weekly.xlsx", {"week": week, "lang": "zh-hans", "department": ""})
    assert f'filename="kesu-weekly-{period.key}.xlsx"' in r["Content-Disposition"]
    book = _book(r)
    summary = book["汇总"]
    assert "投诉周报" in summary["A1"].value
    assert _section(summary, "关键数据")["受理投诉"] == 3
    assert sorted(_section(summary, "按类型").values()) == [1, 2]
    assert {row["投诉编号"] for row in table(book["投诉清单"])} == {c.number for c in inside}


def test_english_and_the_month_and_the_pdf(web, last_week):
    period, _inside = last_week
    client = web("supervisor", "en")
    book = _book(client.get("/reports/weekly.xlsx", {"week": period.key, "lang": "en"}))
    assert book.sheetnames[0] == "Summary"
    month = periods.previous("monthly", now=timezone.now())
    book = _book(client.get("/reports/monthly.xlsx", {"month": month.key}))
    assert "投诉信息月汇总报表" in book["汇总"]["A1"].value
    r = client.get("/reports/weekly.pdf", {"week": period.key})
    assert r.status_code == 200 and r["Content-Type"] == exports.PDF
    assert r.content.startswith(b"%PDF")
    assert f'filename="kesu-weekly-{period.key}.pdf"' in r["Content-Disposition"]


def test_the_department_narrows_the_workbook(web, last_week, users):
    period, inside = last_week
    from tests.factories import advance

    advance(inside[1], users["admin"], "assigned", department="LOG", owner="handler_log")
    book = _book(web("supervisor").get("/reports/weekly.xlsx", {"week": period.key, "department": "LOG"}))
    assert [row["投诉编号"] for row in table(book["投诉清单"])] == [inside[1].number]


@pytest.mark.parametrize("role", ["handler", "agent"])
def test_who_may_not_read_reports_gets_403(web, role, last_week):
    period, _inside = last_week
    client = web(role)
    asks = [("/reports/weekly.xlsx", {"week": period.key}), ("/reports/monthly.pdf", {"month": "2026-11"})]
    for path, params in asks:
        r = client.get(path, params)
        assert r.status_code == 403
        assert r["Content-Type"].startswith("text/html")


def test_signed_out_is_sent_to_the_login(client):
    r = client.get("/reports/weekly.xlsx", {"week": "2026-W46"})
    assert r.status_code == 302 and "/login/" in r["Location"]


@pytest.mark.parametrize(
    ("path", "params", "label", "message"),
    [
        ("/reports/weekly.xlsx", {"week": "2026-W60"}, "Week", "Give an ISO week as YYYY-Www"),
        ("/reports/weekly.pdf", {"week": ""}, "Week", "Give an ISO week as YYYY-Www"),
        ("/reports/monthly.xlsx", {"month": "2026-13"}, "Month", "Give a month as YYYY-MM"),
        ("/reports/weekly.xlsx", {"week": "2026-W46", "lang": "fr"}, "Language", "Choose zh-hans or en."),
        ("/reports/weekly.xlsx", {"week": "2026-W46", "department": "NOPE"}, "Department", None),
    ],
)
def test_a_bad_question_shows_the_page_naming_the_field(web, path, params, label, message):
    r = web("supervisor", "en").get(path, params)
    assert r.status_code == 400
    assert r["Content-Type"].startswith("text/html")
    html = r.content.decode()
    errors = re.search(r'<div class="alert alert-danger[^>]*id="report-download-errors">(.*?)</div>\s*\n', html, re.S)
    assert errors, "the card says what is wrong"
    assert f"{label}: " in errors.group(1)
    if message:
        assert message in errors.group(1)
    assert 'id="dashboard-tiles"' in html  # the rest of the dashboard is still there


def test_the_error_names_the_field_in_chinese(web):
    html = web("supervisor").get("/reports/weekly.xlsx", {"week": "49"}).content.decode()
    assert 'data-field="week">周: ' in html
