"""Investigation, containment, the 8D report and CAPA through the v1 API (API.md "Investigation, 8D, CAPA"):
what is saved reads back, bad input is a 400 naming the field with nothing changed, the data scope and the
department's ownership decide who edits, quality alone verifies, the CAPA gate holds `close`, and the clocks
(initial report, 8D milestones, CAPA due dates) are met, reminded and breached exactly once."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
import time_machine
from django.utils import timezone

from kesu.complaints.models import Complaint, Event
from kesu.notifications.models import Notification
from kesu.quality.models import Capa, ContainmentRow, Investigation, Partner
from kesu.sla import sweep
from kesu.sla.models import Deadline

pytestmark = pytest.mark.django_db

ROOT_CAUSE = "注塑机保压时间设定错误,导致卡扣尺寸偏小"


@pytest.fixture
def mfg(playbook, users):
    playbook("manufacturing")
    Partner.objects.create(code="SUP-01", name="宁波精密模具", kind="supplier")
    Partner.objects.create(code="CAR-01", name="顺丰物流", kind="carrier")


def a_class(api, scenario, **extra):
    """An A-class (line stop) quality complaint, assigned to PROD and under investigation."""
    body = {
        "title": "主机厂停线:卡扣断裂",
        "flags": ["line_stop"],
        "product": "门板卡扣",
        "product_code": "KB-2231",
        "batch_no": "B20261201",
        "order_no": "PO-7781",
        **extra,
    }
    c = scenario.create(api("agent"), **body)
    assert c["severity"] == "A"
    scenario.walk(api("supervisor"), c["number"], "investigating", assign={"department": "PROD"})
    return c["number"]


def investigation_body(**overrides):
    body = {
        "checked": "库存 2000 件、在制 500 件全检;注塑参数记录",
        "responsibility": "internal",
        "responsible_department": "PROD",
        "root_cause_category": "machine",
        "root_cause": ROOT_CAUSE,
        "impact": "同批次 B20261201 共 5000 件",
    }
    body.update(overrides)
    return body


def events(number, action):
    return list(Event.objects.filter(complaint__number=number, action=action).order_by("id"))


# ---------------------------------------------------------------------------------------------
# Investigation


def test_investigation_is_saved_and_read_back_with_an_event(mfg, api, scenario):
    number = a_class(api, scenario)
    empty = api("handler").get(f"/complaints/{number}/investigation")
    assert empty.status_code == 200 and empty.json()["version"] == 0
    r = api("handler").client.put(
        f"/api/v1/complaints/{number}/investigation",
        investigation_body(),
        content_type="application/json",
        headers=api("handler").headers,
    )
    assert r.status_code == 200, r.content
    got = api("quality").get(f"/complaints/{number}/investigation").json()
    assert got["root_cause"] == ROOT_CAUSE
    assert got["responsibility"] == "internal" and got["responsible_department"] == "PROD"
    assert got["root_cause_category"] == "machine" and got["version"] == 1 and got["updated_by"] == "handler"
    [event] = events(number, "investigation_saved")
    assert event.data["root_cause_category"] == "machine"


def put(client, path, body):
    return client.client.put(f"/api/v1{path}", body, content_type="application/json", headers=client.headers)


def test_a_partner_responsibility_names_a_partner_of_that_kind(mfg, api, scenario):
    number = a_class(api, scenario)
    path = f"/complaints/{number}/investigation"
    r = put(api("quality"), path, investigation_body(responsibility="supplier", responsible_department=None))
    assert r.status_code == 400 and "partner" in r.json()["error"]["fields"]
    r = put(api("quality"), path, investigation_body(responsibility="supplier", partner="CAR-01"))
    assert r.status_code == 400 and "partner" in r.json()["error"]["fields"]
    assert not Investigation.objects.exists()
    r = put(api("quality"), path, investigation_body(responsibility="supplier", partner="SUP-01"))
    assert r.status_code == 200, r.content
    assert r.json()["partner"] == "SUP-01" and r.json()["responsible_department"] is None


def test_bad_investigation_input_names_the_field_and_changes_nothing(mfg, api, scenario):
    number = a_class(api, scenario)
    path = f"/complaints/{number}/investigation"
    assert put(api("quality"), path, investigation_body()).status_code == 200
    for body, field in [
        (investigation_body(responsibility="gods"), "responsibility"),
        (investigation_body(root_cause_category="luck"), "root_cause_category"),
        (investigation_body(responsible_department="NOPE"), "responsible_department"),
        (investigation_body(root_cause="x\x00"), "root_cause"),
        ({**investigation_body(), "colour": "red"}, "colour"),
    ]:
        r = put(api("quality"), path, body)
        assert r.status_code == 400, (field, r.content)
        assert field in r.json()["error"]["fields"], (field, r.json())
    record = Investigation.objects.get(complaint__number=number)
    assert record.root_cause == ROOT_CAUSE and record.version == 1
    # A stale version is refused as well.
    r = put(api("quality"), path, investigation_body(root_cause="别的", version=0))
    assert r.status_code == 409


def test_a_handler_edits_only_what_his_department_owns_and_scope_is_404(mfg, api, scenario, users):
    number = a_class(api, scenario)
    # handler_log (LOG) does not see a PROD complaint at all.
    assert api("handler_log").get(f"/complaints/{number}/investigation").status_code == 404
    assert put(api("handler_log"), f"/complaints/{number}/investigation", investigation_body()).status_code == 404
    # The agent sees it (organisation-wide) but may not change the investigation.
    assert put(api("agent"), f"/complaints/{number}/investigation", investigation_body()).status_code == 403
    assert api("agent").post(f"/complaints/{number}/containment", {"place": "stock", "action": "x"}).status_code == 403
    assert not Investigation.objects.exists() and not ContainmentRow.objects.exists()


def test_impact_finds_the_other_complaints_of_the_same_batch(mfg, api, scenario):
    number = a_class(api, scenario)
    same_batch = scenario.create(api("agent"), title="卡扣断裂", batch_no="B20261201", order_no="PO-9")
    same_code = scenario.create(api("agent"), title="卡扣偏小", product_code="KB-2231")
    scenario.create(api("agent"), title="别的产品", product_code="ZZ-1")
    r = api("supervisor").get(f"/complaints/{number}/impact")
    assert r.status_code == 200
    body = r.json()
    assert set(body["complaints"]) == {same_batch["number"], same_code["number"]}
    assert body["customers"] == 2 and "PO-9" in body["orders"] and body["total"] == 2
    # A scoped reader is told how many there are, and given only the numbers in his scope.
    scoped = api("handler").get(f"/complaints/{number}/impact").json()
    assert scoped["total"] == 2 and set(scoped["complaints"]) <= {same_batch["number"], same_code["number"]}


# ---------------------------------------------------------------------------------------------
# Containment


def test_containment_rows_with_totals_meet_the_a_class_initial_report(mfg, api, scenario):
    number = a_class(api, scenario)
    initial = Deadline.objects.get(complaint__number=number, clock="initial_report")
    assert initial.met_at is None
    path = f"/complaints/{number}/containment"
    r = api("handler").post(
        path,
        {"place": "stock", "checked": 2000, "suspect": 300, "bad": 12, "action": "隔离挑选", "disposition": "rework"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["place"] == "stock" and r.json()["disposition"] == "rework"
    r = api("handler").post(path, {"place": "transit", "checked": 800, "suspect": 800, "bad": 3, "action": "在途拦截"})
    assert r.status_code == 201
    listed = api("quality").get(path).json()
    assert [row["place"] for row in listed["items"]] == ["stock", "transit"]
    assert listed["totals"] == {"checked": 2800, "suspect": 1100, "bad": 15}
    initial.refresh_from_db()
    assert initial.met_at is not None and initial.breached_at is None
    assert len(events(number, "containment_added")) == 2


def test_bad_containment_rows_are_refused_naming_the_field(mfg, api, scenario):
    number = a_class(api, scenario)
    path = f"/complaints/{number}/containment"
    for body, field in [
        ({"place": "moon", "action": "x"}, "place"),
        ({"place": "stock", "checked": 1, "bad": 5, "action": "x"}, "bad"),
        ({"place": "stock", "checked": -1, "action": "x"}, "checked"),
        ({"place": "stock", "checked": True, "action": "x"}, "checked"),
        ({"place": "stock", "action": "  "}, "action"),
        ({"place": "stock", "action": "x", "disposition": "burn"}, "disposition"),
    ]:
        r = api("quality").post(path, body)
        assert r.status_code == 400, (field, r.content)
        assert field in r.json()["error"]["fields"], (field, r.json())
    assert not ContainmentRow.objects.exists()


# ---------------------------------------------------------------------------------------------
# 8D


def test_the_8d_is_prefilled_then_filled_discipline_by_discipline(mfg, api, scenario):
    number = a_class(api, scenario)
    put(api("quality"), f"/complaints/{number}/investigation", investigation_body())
    report = api("quality").get(f"/complaints/{number}/8d").json()
    assert set(report["disciplines"]) == {f"d{i}" for i in range(9)}
    assert report["revisions"] == [] and report["progress"] == 0
    assert report["disciplines"]["d2"]["content"]["what"] == "主机厂停线:卡扣断裂"
    assert report["disciplines"]["d4"]["content"]["occurrence"] == ROOT_CAUSE
    roles = [m["role"] for m in report["disciplines"]["d1"]["content"]["team"]]
    assert "质量部长" in roles  # the A-class on-site team

    d4 = {
        "content": {
            "occurrence": ROOT_CAUSE,
            "escape": "首件检验未测卡扣尺寸",
            "whys": ["卡扣断裂", "尺寸偏小", "保压时间短", "参数被误改", "无参数锁定"],
            "fishbone": {"machine": "保压时间设定错误", "measurement": "首件未测"},
        },
        "owner": "handler",
        "status": "done",
    }
    r = put(api("handler"), f"/complaints/{number}/8d/d4", d4)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done" and r.json()["owner"] == "handler" and r.json()["version"] == 1
    got = api("quality").get(f"/complaints/{number}/8d").json()["disciplines"]["d4"]
    assert got["content"]["whys"][2] == "保压时间短" and got["updated_at"]
    assert events(number, "8d_updated")[-1].data["discipline"] == "D4"


def test_bad_8d_input_names_the_field(mfg, api, scenario):
    number = a_class(api, scenario)
    for code, body, field in [
        ("d4", {"content": {"colour": "red"}}, "content.colour"),
        ("d4", {"content": {"whys": "not a list"}}, "content.whys"),
        ("d7", {"content": {"documents": ["pfmea", "bible"]}}, "content.documents"),
        ("d2", {"content": {}, "status": "finished"}, "status"),
        ("d2", {"content": {}, "owner": "nobody"}, "owner"),
        ("d9", {"content": {}}, "discipline"),
    ]:
        r = put(api("quality"), f"/complaints/{number}/8d/{code}", body)
        assert r.status_code == 400, (field, r.content)
        assert field in r.json()["error"]["fields"], (field, r.json())
    assert api("quality").get(f"/complaints/{number}/8d").json()["progress"] == 0


def test_8d_milestones_are_met_when_their_disciplines_are_done(mfg, api, scenario):
    number = a_class(api, scenario)
    d3 = Deadline.objects.get(complaint__number=number, clock="8d_d3")
    d5 = Deadline.objects.get(complaint__number=number, clock="8d_d5")
    assert d3.due_at - d3.started_at == dt.timedelta(hours=24)
    put(api("quality"), f"/complaints/{number}/8d/d3", {"content": {"summary": "已隔离"}, "status": "done"})
    d3.refresh_from_db()
    assert d3.met_at is not None
    put(api("quality"), f"/complaints/{number}/8d/d4", {"content": {"occurrence": "x"}, "status": "done"})
    d5.refresh_from_db()
    assert d5.met_at is None  # D5 is still open
    put(api("quality"), f"/complaints/{number}/8d/d5", {"content": {"actions": "锁定参数"}, "status": "done"})
    d5.refresh_from_db()
    assert d5.met_at is not None


def test_an_8d_discipline_saved_on_a_stale_version_is_a_conflict(mfg, api, scenario):
    number = a_class(api, scenario)
    assert put(api("quality"), f"/complaints/{number}/8d/d0", {"content": {"preparation": "a"}}).status_code == 200
    r = put(api("handler"), f"/complaints/{number}/8d/d0", {"content": {"preparation": "b"}, "version": 0})
    assert r.status_code == 409
    assert api("quality").get(f"/complaints/{number}/8d").json()["disciplines"]["d0"]["content"] == {"preparation": "a"}


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (make browser) not installed")
def test_8d_pdf_holds_the_number_and_the_chinese_root_cause_and_revisions_are_frozen(mfg, api, scenario):
    number = a_class(api, scenario)
    put(api("quality"), f"/complaints/{number}/investigation", investigation_body())
    api("quality").post(
        f"/complaints/{number}/containment", {"place": "wip", "checked": 500, "bad": 4, "action": "全检"}
    )
    r = api("quality").post(f"/complaints/{number}/8d/revisions")
    assert r.status_code == 201 and r.json() == {"revision": 1}
    # The report changes after it was sent; revision 1 keeps what was sent.
    put(api("quality"), f"/complaints/{number}/8d/d4", {"content": {"occurrence": "后来改写的原因"}})
    assert api("quality").get(f"/complaints/{number}/8d").json()["revisions"] == [1]

    r = api("quality").get(f"/complaints/{number}/8d.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    text = pdf_text(r.content)
    flat = "".join(text.split())
    assert number in flat and "".join(ROOT_CAUSE.split()) in flat and "后来改写的原因" in flat
    assert "8D报告" in flat

    frozen = pdf_text(api("quality").get(f"/complaints/{number}/8d.pdf", revision=1).content)
    assert "后来改写的原因" not in "".join(frozen.split()) and number in "".join(frozen.split())

    english = pdf_text(api("quality").get(f"/complaints/{number}/8d.pdf", lang="en").content)
    assert "8D report" in english and "Root cause" in english
    assert api("quality").get(f"/complaints/{number}/8d.pdf", lang="fr").status_code == 400
    assert api("quality").get(f"/complaints/{number}/8d.pdf", revision=7).status_code == 404
    assert api("handler_log").get(f"/complaints/{number}/8d.pdf").status_code == 404


def test_8d_xlsx_opens_with_every_discipline(mfg, api, scenario):
    from openpyxl import load_workbook

    number = a_class(api, scenario)
    put(api("quality"), f"/complaints/{number}/8d/d4", {"content": {"occurrence": ROOT_CAUSE}})
    r = api("quality").get(f"/complaints/{number}/8d.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any(number in v for v in cells) and ROOT_CAUSE in cells
    assert any(v.startswith("D8") for v in cells)


# ---------------------------------------------------------------------------------------------
# CAPA and the close gate


def to_resolved(api, number):
    s = api("supervisor")
    for task in s.get(f"/complaints/{number}/tasks").json():  # the A-class on-site team's tasks
        r = s.patch(f"/complaints/{number}/tasks/{task['id']}", {"status": "done", "note": "已到现场"})
        assert r.status_code == 200, r.content
    for action, body in [
        ("propose_solution", {"solution_type": "exchange", "detail": "退换全部批次"}),
        ("customer_response", {"accepted": True}),
        ("resolve", {"summary": "已换货"}),
        ("rate", {"score": 2}),
    ]:
        r = s.act(number, action, body)
        assert r.status_code == 200, (action, r.content)


def new_capa(api, numbers, *, who="quality", owner="handler", hours=48, kind="corrective"):
    due = (timezone.now() + dt.timedelta(hours=hours)).isoformat()
    return api(who).post(
        "/capas",
        {"complaints": numbers, "kind": kind, "action": "注塑参数加锁,首件加测卡扣尺寸", "owner": owner, "due_at": due},
    )


def test_a_required_capa_not_yet_verified_blocks_close_and_verified_effective_lets_it_close(mfg, api, scenario):
    number = a_class(api, scenario)
    to_resolved(api, number)
    r = api("supervisor").act(number, "close")
    assert r.status_code == 409 and r.json()["error"]["code"] == "capa_required"
    assert "capa" in r.json()["error"]["fields"]

    r = new_capa(api, [number])
    assert r.status_code == 201, r.content
    capa = r.json()
    assert capa["status"] == "open" and capa["breached"] is False and capa["complaints"] == [number]
    assert api("supervisor").act(number, "close").status_code == 409

    # The owner reports it done; only quality verifies.
    r = api("handler").patch(f"/capas/{capa['id']}", {"status": "done", "evidence": "参数锁定截图、首件记录"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert api("supervisor").act(number, "close").status_code == 409
    body = {"method": "连续三批抽检", "result": "尺寸合格", "effective": True}
    assert api("handler").post(f"/capas/{capa['id']}/verify", body).status_code == 403
    assert api("supervisor").post(f"/capas/{capa['id']}/verify", body).status_code == 403
    r = api("quality").post(f"/capas/{capa['id']}/verify", body)
    assert r.status_code == 200 and r.json()["status"] == "verified"
    assert r.json()["verifications"][0]["verified_by"] == "quality"

    r = api("supervisor").act(number, "close")
    assert r.status_code == 200, r.content
    assert Complaint.objects.get(number=number).status == "closed"
    assert [e.action for e in Event.objects.filter(complaint__number=number, action__startswith="capa_")] == [
        "capa_created",
        "capa_done",
        "capa_verified",
    ]


def test_not_effective_reopens_the_capa_with_a_new_due_date(mfg, api, scenario):
    number = a_class(api, scenario)
    capa = new_capa(api, [number]).json()
    api("handler").patch(f"/capas/{capa['id']}", {"status": "done", "evidence": "已改"})
    path = f"/capas/{capa['id']}/verify"
    r = api("quality").post(path, {"method": "抽检", "result": "仍有不良", "effective": False})
    assert r.status_code == 400 and "new_due_at" in r.json()["error"]["fields"]
    assert Capa.objects.get(pk=capa["id"]).status == "done"
    new_due = (timezone.now() + dt.timedelta(days=7)).isoformat()
    r = api("quality").post(path, {"method": "抽检", "result": "仍有不良", "effective": False, "new_due_at": new_due})
    assert r.status_code == 200
    assert (
        r.json()["status"] == "open"
        and r.json()["due_at"][:16] == timezone.localtime(dt.datetime.fromisoformat(new_due)).isoformat()[:16]
    )
    # Verified only once it is done again.
    assert api("quality").post(path, {"method": "m", "result": "r", "effective": True}).status_code == 409
    assert Notification.objects.filter(user__username="handler", kind="capa_reopened").count() == 1


def test_one_capa_serves_several_complaints_and_lists_filter(mfg, api, scenario):
    first = a_class(api, scenario)
    second = a_class(api, scenario, title="卡扣再次断裂")
    capa = new_capa(api, [first, second, first]).json()
    assert sorted(capa["complaints"]) == sorted([first, second])
    new_capa(api, [first], owner="quality", kind="preventive", hours=1)
    mine = api("handler").get("/capas", owner="handler").json()["items"]
    assert [c["id"] for c in mine] == [capa["id"]]
    assert len(api("quality").get("/capas", status="open").json()["items"]) == 2
    assert api("quality").get("/capas", overdue="true").json()["items"] == []
    # Out of scope: a LOG handler sees neither the CAPA nor can he create one for these complaints.
    assert api("handler_log").get(f"/capas/{capa['id']}").status_code == 404
    assert new_capa(api, [first], who="handler_log").status_code == 404


def test_bad_capa_input_names_the_field_and_creates_nothing(mfg, api, scenario):
    number = a_class(api, scenario)
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    for body, field in [
        ({"complaints": [number], "kind": "magic", "action": "a", "owner": "handler", "due_at": future}, "kind"),
        ({"complaints": [number], "kind": "corrective", "action": "a", "owner": "ghost", "due_at": future}, "owner"),
        ({"complaints": [number], "kind": "corrective", "action": "a", "owner": "handler", "due_at": past}, "due_at"),
        ({"complaints": [number], "kind": "corrective", "action": " ", "owner": "handler", "due_at": future}, "action"),
        ({"complaints": [], "kind": "corrective", "action": "a", "owner": "handler", "due_at": future}, "complaints"),
    ]:
        r = api("quality").post("/capas", body)
        assert r.status_code == 400, (field, r.content)
        assert field in r.json()["error"]["fields"], (field, r.json())
    assert not Capa.objects.exists()


def test_a_b_class_complaint_caused_by_the_customer_needs_no_capa(mfg, api, scenario):
    c = scenario.create(api("agent"), title="卡扣安装方法不对")
    assert c["severity"] == "B"
    number = c["number"]
    scenario.walk(api("supervisor"), number, "investigating", assign={"department": "PROD"})
    r = put(api("handler"), f"/complaints/{number}/investigation", investigation_body(responsibility="customer"))
    assert r.status_code == 200, r.content
    to_resolved(api, number)
    assert api("supervisor").act(number, "close").status_code == 200


def test_a_b_class_complaint_with_an_internal_root_cause_needs_capa(mfg, api, scenario):
    c = scenario.create(api("agent"), title="卡扣颜色偏差")
    number = c["number"]
    scenario.walk(api("supervisor"), number, "investigating", assign={"department": "PROD"})
    assert put(api("handler"), f"/complaints/{number}/investigation", investigation_body()).status_code == 200
    to_resolved(api, number)
    r = api("supervisor").act(number, "close")
    assert r.status_code == 409 and r.json()["error"]["code"] == "capa_required"


def test_an_overdue_capa_is_breached_once_and_its_owner_told(mfg, api, scenario):
    number = a_class(api, scenario)
    capa = new_capa(api, [number], hours=30).json()
    now = timezone.now()
    # Reminded a day before (the playbook's remind_before_minutes), once.
    sweep.run(now=now + dt.timedelta(hours=7))
    sweep.run(now=now + dt.timedelta(hours=8))
    assert Notification.objects.filter(user__username="handler", kind="capa_reminder").count() == 1

    later = now + dt.timedelta(hours=31)
    first = sweep.run(now=later)
    assert first.breaches >= 1
    stored = Capa.objects.get(pk=capa["id"])
    assert stored.breached_at == later
    assert Notification.objects.filter(user__username="handler", kind="capa_breach").count() == 1
    assert len(events(number, "capa_breach")) == 1
    assert api("quality").get(f"/capas/{capa['id']}").json()["breached"] is True
    with time_machine.travel(later, tick=False):
        assert [c["id"] for c in api("quality").get("/capas", overdue="true").json()["items"]] == [capa["id"]]
    level_after_first = Complaint.objects.get(number=number).level

    second = sweep.run(now=later + dt.timedelta(minutes=5))
    assert (second.breaches, second.reminders, second.escalations) == (0, 0, 0)
    assert Notification.objects.filter(user__username="handler", kind="capa_breach").count() == 1
    assert len(events(number, "capa_breach")) == 1
    assert Complaint.objects.get(number=number).level == level_after_first
    from kesu.assessment.models import PenaltyEntry

    assert PenaltyEntry.objects.filter(person__username="handler", rule__contains="纠正预防措施").count() == 1


def test_an_8d_milestone_missed_is_breached_once_by_the_sweep(mfg, api, scenario):
    number = a_class(api, scenario)
    d3 = Deadline.objects.get(complaint__number=number, clock="8d_d3")
    later = d3.due_at + dt.timedelta(minutes=1)
    sweep.run(now=later)
    sweep.run(now=later + dt.timedelta(minutes=1))
    breaches = [e for e in events(number, "sla_breach") if e.data["clock"] == "8d_d3"]
    assert len(breaches) == 1
    d3.refresh_from_db()
    assert d3.breached_at == later
