"""The investigation tab and the CAPA pages with the web login: what a quality engineer and a handler see and
may change, errors next to their field with nothing changed, and the complaint page saying why it cannot close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kesu.quality import actions
from kesu.quality.models import Capa, ContainmentRow, Discipline, Investigation
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_class(playbook, users):
    playbook("manufacturing")
    c = make_complaint(
        users["agent"], title="主机厂停线:卡扣断裂", flags=["line_stop"], batch_no="B1", product_code="KB-1"
    )
    return advance(c, users["admin"], "investigating", department="PROD")


def test_the_complaint_page_shows_the_investigation_card_and_why_it_cannot_close(a_class, web):
    page = web("quality").get(f"/complaints/{a_class.number}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/complaints/{a_class.number}/investigation" in html
    assert "capa-gate" in html  # A-class quality: CAPA required, none yet


def test_the_investigation_tab_saves_the_record_and_a_bad_choice_names_its_field(a_class, web):
    client = web("handler")
    url = f"/complaints/{a_class.number}/investigation/save"
    bad = client.post(url, {"responsibility": "internal", "responsible_department": "NOPE", "root_cause": "原因"})
    assert bad.status_code == 400
    assert "is-invalid" in bad.content.decode() and not Investigation.objects.exists()
    ok = client.post(
        url,
        {
            "responsibility": "internal",
            "responsible_department": "PROD",
            "root_cause_category": "method",
            "root_cause": "作业指导书缺少扭矩要求",
            "version": "0",
        },
    )
    assert ok.status_code == 302
    assert Investigation.objects.get().root_cause == "作业指导书缺少扭矩要求"
    page = client.get(f"/complaints/{a_class.number}/investigation").content.decode()
    assert "作业指导书缺少扭矩要求" in page


def test_containment_rows_are_added_and_totalled(a_class, web):
    client = web("quality")
    url = f"/complaints/{a_class.number}/containment"
    assert (
        client.post(
            url, {"place": "stock", "checked": "100", "suspect": "20", "bad": "3", "action": "隔离"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"place": "wip", "checked": "50", "bad": "2", "action": "全检", "disposition": "rework"}
        ).status_code
        == 302
    )
    refused = client.post(url, {"place": "wip", "checked": "x", "action": "全检"})
    assert refused.status_code == 400 and ContainmentRow.objects.count() == 2
    page = client.get(f"/complaints/{a_class.number}/investigation?tab=containment").content.decode()
    assert 'data-total="checked">150<' in page and 'data-total="bad">5<' in page
    # The timeline tells it in words: the event, the place and the disposition.
    timeline = client.get(f"/complaints/{a_class.number}").content.decode()
    assert "记录遏制措施" in timeline and "在制品" in timeline and "重工" in timeline


def test_a_discipline_is_saved_from_its_form(a_class, web):
    client = web("quality")
    r = client.post(
        f"/complaints/{a_class.number}/8d/d4",
        {
            "d4-occurrence": "保压时间短",
            "d4-escape": "首件未测",
            "d4-whys": ["断裂", "偏小", "", ""],
            "d4-fishbone-machine": "注塑机",
            "status": "done",
            "owner": "handler",
        },
    )
    assert r.status_code == 302
    d4 = Discipline.objects.get(code="d4")
    assert d4.content["whys"] == ["断裂", "偏小"] and d4.content["fishbone"] == {"machine": "注塑机"}
    assert d4.status == "done" and d4.owner.username == "handler"
    page = client.get(f"/complaints/{a_class.number}/investigation?tab=8d").content.decode()
    assert "1/9" in page


def test_a_user_who_may_only_read_sees_no_forms_and_is_refused(a_class, web):
    client = web("agent")
    page = client.get(f"/complaints/{a_class.number}/investigation").content.decode()
    assert 'id="save-investigation"' not in page and 'id="add-containment"' not in page
    r = client.post(f"/complaints/{a_class.number}/containment", {"place": "stock", "action": "x"})
    assert r.status_code == 403 and not ContainmentRow.objects.exists()
    assert web("handler_log").get(f"/complaints/{a_class.number}/investigation").status_code == 404


def test_capa_pages_list_mine_and_let_quality_verify(a_class, web, users):
    due = timezone.localtime(timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client = web("quality")
    r = client.post(
        f"/complaints/{a_class.number}/capas",
        {"kind": "corrective", "action": "扭矩扳手点检", "owner": "handler", "due_at": due},
    )
    assert r.status_code == 302, r.content
    capa = Capa.objects.get()
    handler = web("handler")
    listed = handler.get("/capas?tab=mine").content.decode()
    assert "扭矩扳手点检" in listed and a_class.number in listed
    assert handler.post(f"/capas/{capa.pk}/done", {"evidence": ""}).status_code == 400
    assert handler.post(f"/capas/{capa.pk}/done", {"evidence": "点检记录"}).status_code == 302
    assert (
        handler.post(f"/capas/{capa.pk}/verify", {"method": "m", "result": "r", "effective": "yes"}).status_code == 403
    )
    client = web("quality")
    r = client.post(f"/capas/{capa.pk}/verify", {"method": "连续三批", "result": "合格", "effective": "yes"})
    assert r.status_code == 302
    capa.refresh_from_db()
    assert capa.status == "verified"
    assert actions.capa_gate_message(a_class) == ""


def test_the_8d_downloads_with_the_web_login(a_class, web):
    r = web("quality").get(f"/complaints/{a_class.number}/8d.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    assert web("handler_log").get(f"/complaints/{a_class.number}/8d.pdf").status_code == 404


def test_close_is_refused_on_the_page_with_the_reason_and_the_timeline_shows_the_investigation(a_class, web, users):
    from kesu.complaints import actions as complaint_actions
    from kesu.routing.models import Task

    actions.do_save_investigation(
        a_class, actor=users["quality"], now=timezone.now(), responsibility="internal", root_cause="模具磨损"
    )
    Task.objects.filter(complaint=a_class).update(status="done")
    for action, kwargs in [
        ("propose_solution", {"solution_type": "exchange", "detail": "换货"}),
        ("customer_response", {"accepted": True}),
        ("resolve", {"summary": "已换货"}),
        ("rate", {"score": 2}),
    ]:
        complaint_actions.ACTIONS[action](a_class, actor=users["admin"], now=timezone.now(), **kwargs)
        a_class.refresh_from_db()
    r = web("supervisor").post(f"/complaints/{a_class.number}/actions/close", {"version": a_class.version})
    assert r.status_code == 409
    assert "结案前须有经验证有效的纠正预防措施" in r.content.decode()
    a_class.refresh_from_db()
    assert a_class.status == "resolved"
    page = web("supervisor").get(f"/complaints/{a_class.number}").content.decode()
    assert "保存调查记录" in page  # the timeline's label for investigation_saved


def test_the_admin_keeps_the_partner_register(a_class, web):
    client = web("admin")
    r = client.post(
        "/admin/quality/partner/add/", {"code": "INS-01", "name": "安心安装服务", "kind": "installer", "active": "on"}
    )
    assert r.status_code == 302
    from kesu.quality.models import Partner

    assert Partner.objects.get(code="INS-01").kind == "installer"
