"""The early warning pages, the alert banner on a complaint, the case library and the "mark as case" form."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.alerts.models import Alert
from kesu.cases.models import Case
from kesu.complaints import actions
from kesu.complaints.models import Event
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.django_db


def _burst(users, batch="B-WEB"):
    agent, admin = users["agent"], users["admin"]
    now = timezone.now()
    complaints = [make_complaint(agent, batch_no=batch, received_at=now - dt.timedelta(hours=h)) for h in (30, 20, 10)]
    advance(complaints[0], admin, "assigned", department="PROD", owner="handler")
    return complaints, Alert.objects.get(key_value=batch)


def test_every_complaint_of_the_group_shows_the_banner(users, web):
    complaints, alert = _burst(users)
    client = web("agent")
    for c in complaints:
        html = client.get(f"/complaints/{c.number}").content.decode()
        assert f'data-alert="{alert.pk}"' in html
        assert f'href="/alerts/{alert.pk}"' in html
    other = make_complaint(users["agent"], batch_no="B-OTHER")
    assert "complaint-alert" not in client.get(f"/complaints/{other.number}").content.decode()


def test_alert_page_lists_the_group_in_the_users_scope(users, web):
    complaints, alert = _burst(users)
    html = web("supervisor").get(f"/alerts/{alert.pk}").content.decode()
    for c in complaints:
        assert f'data-number="{c.number}"' in html
    assert 'id="acknowledge-alert"' in html
    html = web("handler").get(f"/alerts/{alert.pk}").content.decode()
    assert f'data-number="{complaints[0].number}"' in html
    assert complaints[1].number not in html and complaints[2].number not in html
    assert 'id="acknowledge-alert"' not in html  # a handler may look, not handle
    assert web("handler_log").get(f"/alerts/{alert.pk}").status_code == 404


def test_alert_list_and_its_tabs(users, web):
    _c, alert = _burst(users)
    client = web("quality")
    assert 'data-alert="' not in client.get("/alerts").content.decode()  # nothing of QA's yet
    client = web("director")
    html = client.get("/alerts").content.decode()
    assert f'data-alert="{alert.pk}"' in html
    assert "B-WEB" in html
    assert f'data-alert="{alert.pk}"' not in client.get("/alerts?status=closed").content.decode()


def test_acknowledge_and_close_from_the_page(users, web):
    _c, alert = _burst(users)
    client = web("supervisor")
    r = client.post(f"/alerts/{alert.pk}/acknowledge")
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    r = client.post(f"/alerts/{alert.pk}/close", {"reason": ""})
    assert r.status_code == 400
    assert "invalid-feedback" in r.content.decode()
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    r = client.post(f"/alerts/{alert.pk}/close", {"reason": "批次已召回"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.close_reason) == ("closed", "批次已召回")
    html = client.get(f"/alerts/{alert.pk}").content.decode()
    assert "批次已召回" in html and 'id="close-alert"' not in html


def test_an_agent_may_not_acknowledge(users, web):
    _c, alert = _burst(users)
    assert web("agent").post(f"/alerts/{alert.pk}/acknowledge").status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


def test_dashboard_panel_template_lists_the_alerts(users):
    from django.template.loader import render_to_string

    from kesu.alerts.selectors import alerts_visible_to

    _c, alert = _burst(users)
    html = render_to_string("web/alerts/_panel.html", {"alerts": alerts_visible_to(users["manager"])})
    assert f'data-alert="{alert.pk}"' in html and "B-WEB" in html
    html = render_to_string("web/alerts/_panel.html", {"alerts": alerts_visible_to(users["handler_log"])})
    assert 'data-alert="' not in html


# --- The case library -----------------------------------------------------------------------------------


def _closed(users, **fields):
    customer = actions.CustomerInput(name="王小明", phone="13812345678", email="xm.wang@example.com", kind="consumer")
    complaint = make_complaint(
        users["agent"],
        customer=customer,
        description="王小明说冰箱漏水,请回电13812345678或发邮件 xm.wang@example.com。",
        **fields,
    )
    return advance(complaint, users["admin"], "closed", department="PROD", owner="handler")


def test_mark_as_case_form_on_a_closed_complaint(users, web):
    closed = _closed(users)
    client = web("supervisor")
    html = client.get(f"/complaints/{closed.number}").content.decode()
    assert 'id="mark-case"' in html
    r = client.post(
        f"/complaints/{closed.number}/case", {"title": "漏水换新", "lesson": "先确认再承诺", "tags": "换新、上门"}
    )
    assert r.status_code == 302
    case = Case.objects.get(complaint=closed)
    assert case.tags == ["换新", "上门"]
    assert Event.objects.filter(complaint=closed, action="case_marked").exists()
    html = client.get(f"/complaints/{closed.number}").content.decode()
    assert f'href="/cases/{case.pk}"' in html


def test_mark_form_refuses_missing_lesson_and_is_absent_where_not_allowed(users, web):
    closed = _closed(users)
    r = web("supervisor").post(f"/complaints/{closed.number}/case", {"title": "漏水换新", "lesson": ""})
    assert r.status_code == 400
    assert "invalid-feedback" in r.content.decode()
    assert not Case.objects.exists()
    assert 'id="mark-case"' not in web("agent").get(f"/complaints/{closed.number}").content.decode()
    assert web("agent").post(f"/complaints/{closed.number}/case", {"title": "t", "lesson": "l"}).status_code == 403
    open_one = make_complaint(users["agent"])
    assert 'id="mark-case"' not in web("supervisor").get(f"/complaints/{open_one.number}").content.decode()
    r = web("supervisor").post(f"/complaints/{open_one.number}/case", {"title": "t", "lesson": "l"})
    assert r.status_code == 409
    assert not Case.objects.exists()


def test_case_page_tells_the_story_with_personal_data_masked(users, web):
    closed = _closed(users)
    from kesu.cases.actions import do_mark_case

    case, _created = do_mark_case(
        closed, actor=users["supervisor"], now=timezone.now(), title="漏水换新", lesson="先确认再承诺", tags=["换新"]
    )
    # A handler of another department reads it too: cases are for everyone's training.
    r = web("handler_log").get(f"/cases/{case.pk}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "漏水换新" in html and "先确认再承诺" in html
    assert "已上门换新" in html  # the resolution
    assert "换新机一台" in html  # the solution
    assert "王**" in html and "138****5678" in html and "x***@example.com" in html
    assert "王小明" not in html and "13812345678" not in html and "xm.wang@example.com" not in html
    assert closed.number not in html  # outside the LOG handler's scope
    assert closed.number in web("supervisor").get(f"/cases/{case.pk}").content.decode()
    assert web("handler_log").get("/cases/999999").status_code == 404


def test_library_browses_by_type_and_tag_and_searches(users, web):
    from kesu.cases.actions import do_mark_case

    fridge = _closed(users)
    late = _closed(users, title="快递三天未到", type_code="delivery")
    sup = users["supervisor"]
    now = timezone.now()
    a, _ = do_mark_case(fridge, actor=sup, now=now, title="漏水换新", lesson="先确认再承诺", tags=["换新"])
    b, _ = do_mark_case(late, actor=sup, now=now, title="延误派送", lesson="及时告知物流进度", tags=["物流"])
    client = web("handler")
    html = client.get("/cases").content.decode()
    assert f'data-case="{a.pk}"' in html and f'data-case="{b.pk}"' in html
    assert 'data-type="quality"' in html and 'data-type="delivery"' in html
    assert 'data-tag="物流"' in html
    html = client.get("/cases?type=delivery").content.decode()
    assert f'data-case="{b.pk}"' in html and f'data-case="{a.pk}"' not in html
    html = client.get("/cases?tag=换新").content.decode()
    assert f'data-case="{a.pk}"' in html and f'data-case="{b.pk}"' not in html
    html = client.get("/cases?q=物流进度").content.decode()
    assert f'data-case="{b.pk}"' in html and f'data-case="{a.pk}"' not in html
