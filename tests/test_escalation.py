"""Tiers and escalation (R-ESC): a manufacturing A-class complaint informs the GM office and the managers at
once, forms the on-site team and starts the 24-hour initial report; manual escalation raises the tier and tells
it; an overdue escalating clock raises the level exactly once."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kesu.accounts.models import User
from kesu.complaints.models import Complaint, Event
from kesu.sla import sweep
from tests.factories import UserFactory, snapshot

ONSITE = {"分厂厂长": "PROD", "质量部长": "QA", "技术主管": "TECH", "事业部经理": "SALES"}


@pytest.fixture
def plant(users, playbook, monday_morning):
    """Manufacturing playbook with someone in the GM office and a technical lead."""
    playbook("manufacturing")
    people = dict(users)
    people["gmo1"] = UserFactory(username="gmo1", role="director", departments=["GMO"])
    people["tech1"] = UserFactory(username="tech1", role="handler", departments=["TECH"])
    return people


def kinds_for(client, number):
    return [n["kind"] for n in client.get("/notifications").json()["items"] if n["complaint"] == number]


def timeline(client, number):
    return client.get(f"/complaints/{number}/events").json()


def test_an_a_class_complaint_informs_leadership_and_forms_the_onsite_team(plant, api, api_for, scenario):
    received = timezone.now() - dt.timedelta(hours=2)  # the agent back-dates a phone call
    c = scenario.create(
        api("agent"),
        title="主机厂停线",
        description="客户总装线因我司支架断裂停线。",
        flags=["line_stop"],
        received_at=received.isoformat(),
    )
    number = c["number"]
    assert c["severity"] == "A"
    now = timezone.now()

    # The GM office and the managers are told at once.
    assert kinds_for(api_for(plant["gmo1"]), number) == ["major_complaint"]
    assert kinds_for(api("manager"), number) == ["major_complaint"]
    assert "major_complaint" not in kinds_for(api("agent2"), number)

    # The on-site team: four tasks due 24 hours after the report.
    tasks = api("agent").get(f"/complaints/{number}/tasks").json()
    assert {t["role"]: t["department"] for t in tasks} == ONSITE
    for t in tasks:
        assert (t["kind"], t["status"], t["required"]) == ("onsite", "open", True)
        assert abs(parse_datetime(t["due_at"]) - (now + dt.timedelta(hours=24))) < dt.timedelta(minutes=1)
        assert t["owner"] is not None
    owners = {t["role"]: t["owner"] for t in tasks}
    assert (owners["分厂厂长"], owners["质量部长"], owners["技术主管"]) == ("handler", "quality", "tech1")
    assert kinds_for(api_for(plant["tech1"]), number) == ["onsite_team"]

    # The initial corrective report is due 24 hours after the complaint was received.
    [initial] = [d for d in c["deadlines"] if d["clock"] == "initial_report"]
    assert parse_datetime(initial["due_at"]) == parse_datetime(c["received_at"]) + dt.timedelta(hours=24)
    assert abs(parse_datetime(c["received_at"]) - received) < dt.timedelta(seconds=1)

    [major] = [e for e in timeline(api("agent"), number) if e["action"] == "major_reported"]
    assert "gmo1" in major["data"]["notified"] and "manager" in major["data"]["notified"]
    assert sorted(major["data"]["onsite_team"]) == sorted(ONSITE)

    # Dispatched to QA, the team's other departments stay involved; QA is not its own collaborator.
    c = scenario.walk(api("agent"), number, "assigned")
    assert c["department"] == "QA"
    assert set(c["collaborators"]) == {"PROD", "TECH", "SALES"}


def test_the_onsite_team_sees_the_complaint_and_reports_done(plant, api, api_for, scenario):
    c = scenario.create(api("agent"), title="批量开裂", amount="8000.00")
    number = c["number"]
    assert c["severity"] == "A"  # ≥ 5000 yuan
    tech = api_for(plant["tech1"])
    assert tech.get(f"/complaints/{number}").status_code == 200
    [task] = [t for t in tech.get(f"/complaints/{number}/tasks").json() if t["role"] == "技术主管"]
    r = tech.patch(f"/complaints/{number}/tasks/{task['id']}", {"status": "done", "note": "已到现场,确认为模具磨损"})
    assert r.status_code == 200, r.content
    # Reported once: triage and a later escalation do not form a second team.
    agent = api("agent")
    assert agent.act(number, "acknowledge").status_code == 200
    assert agent.act(number, "triage").status_code == 200
    assert agent.act(number, "escalate", {"reason": "客户高层投诉"}).status_code == 200
    assert len(agent.get(f"/complaints/{number}/tasks").json()) == 4
    assert [e["action"] for e in timeline(agent, number)].count("major_reported") == 1
    assert kinds_for(api("manager"), number).count("major_complaint") == 1


def test_the_initial_report_note_meets_the_24_hour_clock(plant, api, scenario):
    c = scenario.create(api("agent"), flags=["batch"], title="批量尺寸超差")
    r = api("agent").act(
        c["number"], "note", {"text": "初步整改报告:已隔离同批次", "internal": True, "kind": "initial_report"}
    )
    assert r.status_code == 200, r.content
    [initial] = [d for d in r.json()["deadlines"] if d["clock"] == "initial_report"]
    assert initial["met_at"] is not None and initial["breached"] is False


def test_a_b_class_complaint_gets_none_of_that(plant, api, api_for, scenario):
    c = scenario.create(api("agent"), title="包装标签贴错", description="一箱产品的外箱标签型号写错了。")
    number = c["number"]
    assert c["severity"] == "B"
    assert kinds_for(api_for(plant["gmo1"]), number) == []
    assert kinds_for(api("manager"), number) == []
    assert api("agent").get(f"/complaints/{number}/tasks").json() == []
    assert "initial_report" not in [d["clock"] for d in c["deadlines"]]
    assert "major_reported" not in [e["action"] for e in timeline(api("agent"), number)]


def test_manual_escalation_raises_the_tier_and_tells_it(plant, api, api_for, scenario):
    agent = api("agent")
    c = scenario.create(agent, title="包装标签贴错", description="外箱标签型号写错了。")
    number = c["number"]
    assert c["level"] in (None, 1)
    before = snapshot(number)
    r = agent.act(number, "escalate", {})
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    assert snapshot(number) == before

    r = agent.act(number, "escalate", {"reason": "客户要求主管处理"})
    assert r.status_code == 200, r.content
    assert r.json()["level"] == 2
    assert kinds_for(api("supervisor"), number) == ["escalation"]  # tier 2: the supervisors
    assert kinds_for(api("director"), number) == []
    [event] = [e for e in timeline(agent, number) if e["action"] == "escalate"]
    assert event["data"] == {"reason": "客户要求主管处理", "level": [1, 2], "trigger": "manual"}

    r = agent.act(number, "escalate", {"reason": "客户威胁起诉"})
    assert r.json()["level"] == 3
    assert kinds_for(api("director"), number) == ["escalation"]  # tier 3: directors and the GM office
    assert kinds_for(api_for(plant["gmo1"]), number) == ["escalation"]
    assert kinds_for(api("supervisor"), number) == ["escalation"]  # told once, at level 2

    before = snapshot(number)
    r = agent.act(number, "escalate", {"reason": "再升一级"})
    assert r.status_code == 409
    assert snapshot(number) == before


def test_an_archivist_cannot_escalate(plant, api, scenario):
    c = scenario.create(api("agent"))
    before = snapshot(c["number"])
    r = api("archivist").act(c["number"], "escalate", {"reason": "试试"})
    assert r.status_code == 403
    assert snapshot(c["number"]) == before


def test_an_overdue_escalating_clock_raises_the_level_once(users, playbook, monday_morning, api, api_for, scenario):
    playbook("service")
    UserFactory(username="qc1", role="handler", departments=["QC"])
    agent = api("agent")
    c = scenario.create(agent, title="包装破损", description="外包装有破损。")
    number = c["number"]
    scenario.walk(agent, number, "assigned")
    assert api("agent").get(f"/complaints/{number}").json()["priority"] == "routine"
    handling = Complaint.objects.get(number=number).deadlines.get(clock="handling")  # 48 h to start

    first = sweep.run(now=handling.due_at + dt.timedelta(minutes=1))
    second = sweep.run(now=handling.due_at + dt.timedelta(minutes=2))
    assert first.escalations == 1 and second.escalations == 0 and second.breaches == 0

    c = agent.get(f"/complaints/{number}").json()
    assert c["level"] == 2
    [event] = [e for e in timeline(agent, number) if e["action"] == "escalate"]
    assert event["data"]["trigger"] == "sla_breach"
    assert event["data"]["level"] == [1, 2]
    assert "启动处理" in event["data"]["reason"]
    assert Event.objects.filter(complaint__number=number, action="escalate").count() == 1
    # The owner hears of the breach.
    owner = User.objects.get(username=c["owner"])
    assert "sla_breach" in kinds_for(api_for(owner), number)


def test_a_breach_that_reaches_level_3_tells_the_third_tier(users, playbook, monday_morning, api, api_for, scenario):
    """Retail: a level-2 complaint (service attitude) overdue for resolution becomes level 3, and the director
    and the admin centre are told, as for any level-3 complaint."""
    playbook("retail")
    adm = UserFactory(username="adm1", role="handler", departments=["ADM"])
    agent = api("agent")
    c = scenario.create(agent, type_code="service", title="店员态度差", description="店员服务态度不好")
    number = c["number"]
    assert c["level"] == 2
    scenario.walk(agent, number, "assigned", assign={"department": "CS", "owner": "agent2"})
    assert kinds_for(api("director"), number) == []
    resolution = Complaint.objects.get(number=number).deadlines.get(clock="resolution")  # 10 working days

    assert sweep.run(now=resolution.due_at + dt.timedelta(minutes=1)).escalations == 1
    assert agent.get(f"/complaints/{number}").json()["level"] == 3
    assert sorted(kinds_for(api("director"), number)) == ["escalation", "major_complaint"]
    assert sorted(kinds_for(api_for(adm), number)) == ["escalation", "major_complaint"]
    actions = [e["action"] for e in timeline(agent, number)]
    assert actions.count("escalate") == 1 and actions.count("major_reported") == 1
    assert sweep.run(now=resolution.due_at + dt.timedelta(minutes=5)).escalations == 0
    assert sorted(kinds_for(api("director"), number)) == ["escalation", "major_complaint"]
