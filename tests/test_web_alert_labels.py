"""Early warnings and cases in the user's language: the timeline rows their actions write, and the dashboard's
alert panel (zh-Hans by default, English on request)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from kesu.alerts import actions as alert_actions
from kesu.alerts.models import Alert
from kesu.cases.models import Case
from kesu.complaints import actions
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.django_db


def _timeline(html: str) -> str:
    start = html.index('class="timeline')
    return html[start : html.index("</ol>", start)]


def _batch(users):
    now = timezone.now()
    complaints = [
        make_complaint(users["agent"], batch_no="B-LBL", received_at=now - dt.timedelta(hours=h)) for h in (30, 20, 10)
    ]
    return complaints, Alert.objects.get(key_value="B-LBL")


def test_a_batch_warning_on_the_timeline_in_chinese_and_in_english(users, web):
    complaints, alert = _batch(users)
    alert_actions.do_acknowledge_alert(alert.pk, actor=users["supervisor"], now=timezone.now())
    client = web("supervisor", "zh-hans")
    timeline = _timeline(client.get(f"/complaints/{complaints[0].number}").content.decode())
    assert "触发预警" in timeline and "预警已确认" in timeline
    assert "批量问题" in timeline  # the kind, not "batch"
    assert "批次号" in timeline and "B-LBL" in timeline
    assert f'<a href="/alerts/{alert.pk}">#{alert.pk}</a>' in timeline
    assert "Alert opened" not in timeline and "Alert acknowledged" not in timeline
    assert not re.search(r">\s*batch\s*<", timeline)

    client = web("supervisor", "en")
    timeline = _timeline(client.get(f"/complaints/{complaints[0].number}").content.decode())
    assert "Early warning raised" in timeline and "Early warning acknowledged" in timeline
    assert "Batch problem" in timeline and "Batch / lot no." in timeline
    assert "触发预警" not in timeline


def test_a_complaint_joining_a_warning(users, web):
    _complaints, alert = _batch(users)
    fourth = make_complaint(users["agent"], batch_no="B-LBL")
    timeline = _timeline(web("supervisor", "zh-hans").get(f"/complaints/{fourth.number}").content.decode())
    assert "并入预警" in timeline and "批量问题" in timeline
    assert f'href="/alerts/{alert.pk}"' in timeline
    timeline = _timeline(web("supervisor", "en").get(f"/complaints/{fourth.number}").content.decode())
    assert "Joined an early warning" in timeline


def test_a_case_marked_and_updated_on_the_timeline(users, web):
    closed = advance(make_complaint(users["agent"]), users["admin"], "closed", department="PROD", owner="handler")
    client = web("supervisor", "zh-hans")
    url = f"/complaints/{closed.number}"
    for lesson, tags in (("先确认再承诺", "换新"), ("先确认", "换新、上门")):
        assert client.post(f"{url}/case", {"title": "漏水换新", "lesson": lesson, "tags": tags}).status_code == 302
    case = Case.objects.get(complaint=closed)
    timeline = _timeline(client.get(url).content.decode())
    assert "标记为案例" in timeline and "案例已更新" in timeline
    assert f'<a href="/cases/{case.pk}">#{case.pk}</a>' in timeline
    assert "标签" in timeline and "换新, 上门" in timeline
    timeline = _timeline(web("supervisor", "en").get(url).content.decode())
    assert "Marked as a case" in timeline and "Case updated" in timeline and "Tags" in timeline


def test_the_dashboard_names_a_churn_warning_in_chinese(users, web):
    now = timezone.now()
    customer = actions.CustomerInput(name="李四", phone="13911112222", kind="consumer")
    for days in (80, 30, 0):
        make_complaint(users["agent"], customer=customer, received_at=now - dt.timedelta(days=days, minutes=1))
    alert = Alert.objects.get(kind="churn")
    html = web("supervisor", "zh-hans").get("/reports/dashboard").content.decode()
    panel = html[html.index('id="alerts-panel"') :]
    item = panel[panel.index(f'data-alert="{alert.pk}"') :]
    item = item[: item.index("</li>")]
    assert "流失风险" in item and "Churn risk" not in item
    assert "客户" in item and "3 件投诉" in item
    assert "未处理的预警" in panel[:400]
    html = web("supervisor", "en").get("/reports/dashboard").content.decode()
    assert "Churn risk" in html and "Open early warnings" in html
