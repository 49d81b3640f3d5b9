"""The dashboard (R-REP-2) and the KPI page (R-KPI-2) in the browser's terms: every figure that counts complaints
links to an inbox listing exactly those complaints; the period and department filter everything; who may look."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.complaints.models import Complaint
from tests import report_week
from tests.report_week import act, at, create

week = report_week.week  # the fixture

WEEK = "?from=2026-11-09&to=2026-11-15"


@pytest.fixture
def web(client, users):
    def as_user(name, language="en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(users[name])
        return client

    return as_user


def _data(response) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode())
    assert match, "the chart data is in the page"
    return json.loads(match.group(1))


def _listed(client, url) -> set[str]:
    html = client.get(url).content.decode()
    return set(re.findall(r'class="complaint-number" href="/complaints/([^"]+)"', html))


def test_every_bar_and_slice_opens_the_complaints_it_counts(week, web):
    client = web("supervisor")
    r = client.get(f"/reports/dashboard{WEEK}")
    assert r.status_code == 200
    data = _data(r)
    charts = data["charts"]
    assert {i["key"]: i["value"] for i in charts["by_type"]["items"]} == {
        "quality": 3,
        "delivery": 2,
        "price": 1,
        "service": 1,
    }
    assert [(i["key"], i["value"]) for i in charts["top_products"]["items"]] == [("P-100", 3), ("P-200", 2)]
    assert [(i["key"], i["value"]) for i in charts["top_batches"]["items"]] == [("B1", 2), ("B2", 1)]
    linked = 0
    for name, chart in charts.items():
        for item in chart["items"]:
            if item["url"]:
                assert len(_listed(client, item["url"])) == item["value"], (name, item)
                linked += 1
    assert linked >= 25
    # The unassigned ones cannot be listed by department: their slice has no link.
    [none] = [i for i in charts["by_department"]["items"] if i["key"] == "none"]
    assert none["value"] == 2 and none["url"] is None
    for day in data["trend"]:
        if day["received"]:
            assert len(_listed(client, day["url"])) == day["received"], day
    # Sunday 23:30 in Shanghai is Sunday's.
    assert data["trend"][-1] == {**data["trend"][-1], "date": "2026-11-15", "received": 1}


def test_the_tiles_open_the_inbox(week, web):
    client = web("supervisor")
    html = client.get(f"/reports/dashboard{WEEK}").content.decode()
    tile = r'data-tile="(\w+)">\s*<div class="card-body py-2">\s*<div[^>]*>[^<]*</div>\s*<a[^>]*href="([^"]+)"'
    tiles = dict(re.findall(tile, html))
    assert set(tiles) == {"total", "open", "overdue"}
    assert len(_listed(client, tiles["total"].replace("&amp;", "&"))) == 7
    assert len(_listed(client, tiles["open"].replace("&amp;", "&"))) == 5
    assert '<div class="fs-3 fw-semibold font-monospace">320.50</div>' in html


def test_a_department_narrows_every_chart(week, web):
    client = web("supervisor")
    data = _data(client.get(f"/reports/dashboard{WEEK}&department=LOG"))
    assert {i["key"]: i["value"] for i in data["charts"]["by_department"]["items"]} == {"LOG": 2}
    assert sum(d["received"] for d in data["trend"]) == 2
    for item in data["charts"]["by_channel"]["items"]:
        assert "department=LOG" in item["url"]
        assert len(_listed(client, item["url"])) == item["value"]


def test_the_default_period_is_this_month(week, web):
    # The clock says Monday 2026-11-16: the month so far.
    html = web("supervisor").get("/reports/dashboard").content.decode()
    assert 'name="from" value="2026-11-01"' in html
    assert 'name="to" value="2026-11-16"' in html
    data = _data(web("supervisor").get("/reports/dashboard"))
    assert sum(d["received"] for d in data["trend"]) == 9
    assert len(data["trend"]) == 16


def test_a_bad_period_is_refused_on_the_page(week, web):
    r = web("supervisor").get("/reports/dashboard?from=2026-11-15&to=2026-11-09")
    assert r.status_code == 400
    assert "The start date is after the end date." in r.content.decode()
    assert 'id="dashboard-data"' not in r.content.decode()
    assert web("supervisor").get("/reports/dashboard?from=yesterday&to=2026-11-09").status_code == 400
    assert web("supervisor").get("/reports/dashboard?from=2020-01-01&to=2026-11-09").status_code == 400


@pytest.mark.parametrize("role", ["agent", "handler"])
def test_agents_and_handlers_do_not_see_the_dashboard(week, web, role):
    client = web(role)
    r = client.get(f"/reports/dashboard{WEEK}")
    assert r.status_code == 403
    assert 'href="/reports/dashboard"' not in client.get("/").content.decode()


def test_report_readers_find_it_in_the_navbar(week, web):
    assert 'href="/reports/dashboard"' in web("archivist").get("/").content.decode()


def test_a_quality_engineer_sees_their_departments_only(week, web, users):
    users["quality"].departments.add(Complaint.objects.get(pk=week["E"].pk).department)
    data = _data(web("quality").get(f"/reports/dashboard{WEEK}"))
    assert {i["key"]: i["value"] for i in data["charts"]["by_department"]["items"]} == {"LOG": 2}


def test_chinese_is_the_default(week, web):
    html = web("supervisor", language="zh-hans").get(f"/reports/dashboard{WEEK}").content.decode()
    assert "投诉看板" in html
    assert "按类型" in html
    assert "产品质量" in html  # the type's own name, in the chart data
    # A clock with variants by priority (启动处理(紧急1小时), …(常规48小时)) by the name they share.
    sla = {
        i["key"]: i
        for i in _data(web("supervisor", language="zh-hans").get(f"/reports/dashboard{WEEK}"))["charts"]["sla"]["items"]
    }
    assert sla["handling"]["label"] == "启动处理"
    assert sla["first_response"]["label"] == "首次响应"
    assert (sla["first_response"]["met"], sla["first_response"]["breached"]) == (4, 2)


def test_the_dashboard_costs_a_fixed_number_of_queries(week, web, users):
    client = web("supervisor")
    client.get(f"/reports/dashboard{WEEK}")
    with CaptureQueriesContext(connection) as first:
        assert client.get(f"/reports/dashboard{WEEK}").status_code == 200
    admin = users["admin"]
    for hour in (9, 10, 11):
        c = create(admin, at(14, hour), channel="social", type_code="other", product_code=f"X-{hour}", batch_no="B9")
        act(c, admin, "acknowledge", at(14, hour, 5))
    with CaptureQueriesContext(connection) as second:
        assert client.get(f"/reports/dashboard{WEEK}").status_code == 200
    assert len(second) == len(first)
    assert len(first) <= 20


# ---------------------------------------------------------------------------------------------------- KPI page


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-key="([^"]+)">', body)


def test_the_kpi_page_ranks_people_and_departments(week, web):
    html = web("supervisor").get(f"/reports/kpis{WEEK}").content.decode()
    assert _rows(html, "kpi-people") == ["handler", "handler_log"]
    assert _rows(html, "kpi-departments") == ["FIN", "PROD", "LOG"]
    assert 'href="/ledger/handler"' in html and 'href="/ledger/handler_log"' in html
    assert "92.9%" in html and "88.9%" in html  # 13 of 14, 16 of 18 deadlines met
    assert "120.50" in html


def test_a_handler_sees_their_own_kpis_only(week, web):
    r = web("handler_log").get(f"/reports/kpis{WEEK}")
    assert r.status_code == 200
    html = r.content.decode()
    assert _rows(html, "kpi-people") == ["handler_log"]
    assert 'id="kpi-departments"' not in html
    assert 'href="/ledger/me"' in html


def test_the_kpi_page_refuses_a_bad_period(week, web):
    assert web("supervisor").get("/reports/kpis?from=2026-11-15&to=2026-11-09").status_code == 400


def test_the_ledger_links_to_the_kpis(week, web):
    assert 'href="/reports/kpis"' in web("supervisor").get("/ledger").content.decode()


def test_open_early_warnings_are_on_the_dashboard(week, web, users):
    # P-100 had H (Fri 09:00), B (Sun 23:30) and the one of Monday 00:10: 3 within 72 hours, a product alert.
    # B1 had A (Mon 09:00) and E (Tue 12:00); a third within 72 hours opens a batch alert.
    third = create(users["admin"], at(11, 10), channel="phone", product_code="P-900", batch_no="B1")
    client = web("supervisor")
    html = client.get(f"/reports/dashboard{WEEK}").content.decode()
    panel = html.split('id="alerts-panel"', 1)[1].split("</ul>", 1)[0]
    alerts = {
        re.search(r'<a class="font-monospace" href="([^"]+)">([^<]+)</a>', item).group(2): item
        for item in panel.split("data-alert=")[1:]
    }
    assert set(alerts) == {"P-100", "B1"}
    batch = alerts["B1"]
    assert set(re.findall(r'href="/complaints/([^"]+)"', batch)) == {week["A"].number, week["E"].number, third.number}
    link = re.search(r'<a class="font-monospace" href="([^"]+)">B1</a>', batch).group(1)
    assert _listed(client, link.replace("&amp;", "&")) == {week["A"].number, week["E"].number, third.number}
    # A quality engineer of QA may see none of these complaints, so no alert either.
    assert "data-alert=" not in web("quality").get(f"/reports/dashboard{WEEK}").content.decode()
