"""The dashboard in a real browser (Chinese UI) over the demo's 60 days: every chart is drawn on a canvas, a click
on a bar opens the inbox listing the complaints that bar counts; the KPI page. Both are photographed."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kesu.rules import playbooks
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _sign_in(page, base, username):
    sign_in(page, base, username, password="kesu1234")


def test_the_dashboard_draws_every_chart_and_a_bar_opens_its_complaints_then_the_kpis(
    live_server, django_db_serialized_rollback, page, screenshot
):
    playbooks.load("service")  # as `make run` does before the demo
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    period = f"from={(today - dt.timedelta(days=59)).isoformat()}&to={today.isoformat()}"
    base = live_server.url
    _sign_in(page, base, "supervisor")
    page.click("nav a[href='/reports/dashboard']")
    page.wait_for_url(re.compile(r"/reports/dashboard$"))
    page.goto(f"{base}/reports/dashboard?{period}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    charts = page.locator("[data-chart]")
    assert charts.count() >= 10  # the trend and the distributions this period has data for
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every((el) => el.dataset.ready === 'true')"
    )
    for i in range(charts.count()):
        assert charts.nth(i).locator("canvas").count() == 1, charts.nth(i).get_attribute("data-chart")
    assert page.locator("[data-chart=sla] canvas").count() == 1
    total = int(page.locator("[data-tile=total] a").inner_text())
    assert total >= 150
    screenshot(page, "dashboard", full_page=True)

    # Click the first bar of "by channel": the inbox lists that channel's complaints of the period.
    page.locator("[data-chart=by_channel]").scroll_into_view_if_needed()
    first = page.evaluate(
        """() => {
            const data = JSON.parse(document.getElementById('dashboard-data').textContent);
            const item = data.charts.by_channel.items[0];
            const element = document.querySelector('[data-chart=by_channel]');
            const chart = echarts.getInstanceByDom(element);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [item.value / 2, 0]);
            const box = element.getBoundingClientRect();
            return {key: item.key, value: item.value, x: box.left + x, y: box.top + y};
        }"""
    )
    page.mouse.click(first["x"], first["y"])
    page.wait_for_url(re.compile(rf"/\?.*channel={first['key']}"))
    assert "received_from=" in page.url and "tab=all" in page.url
    assert page.locator("#report-filters").count() == 1
    assert f"共 {first['value']} 条投诉" in page.locator("#inbox-results").inner_text()

    # The KPI page of the same period (the demo is loaded once for both pages: it drives ~1,600 actions).
    page.goto(f"{base}/reports/kpis?{period}")
    people = page.locator("#kpi-people tbody tr[data-key]")
    assert people.count() >= 3
    assert page.locator("#kpi-departments tbody tr[data-key]").count() >= 3
    screenshot(page, "dashboard-kpis", full_page=True)
    people.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/ledger/"))
