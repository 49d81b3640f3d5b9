"""Revisits (回访, R-SAT-3): closing a complaint schedules a call for the agent who took it in; the agent
records the result; a supervisor shares closed complaints among agents as a campaign."""

import datetime as dt

import pytest
from django.utils.dateparse import parse_datetime

from kesu.followup.models import Campaign, Revisit


@pytest.fixture
def retail(users, playbook, monday_morning):
    playbook("retail")  # revisit_after_days: 3
    return users


def closed(api, scenario, recorder="agent", score=2, **create):
    client = api(recorder)
    c = scenario.create(client, **create)
    scenario.walk(client, c["number"], "resolved", assign={"department": "QA"})
    assert client.act(c["number"], "rate", {"score": score}).status_code == 200
    r = client.act(c["number"], "close", {})
    assert r.status_code == 200, r.content
    return r.json()


def revisits_state():
    return sorted(Revisit.objects.values_list("id", "status", "result", "satisfaction", "assigned_to_id"))


def test_closing_schedules_a_revisit_for_the_recording_agent(retail, api, scenario):
    c = closed(api, scenario)
    [revisit] = api("agent").get("/revisits").json()
    assert (revisit["complaint"], revisit["assigned_to"], revisit["status"]) == (c["number"], "agent", "pending")
    assert revisit["campaign"] is None and revisit["customer"] == "张三"
    due = parse_datetime(revisit["due_at"])
    closed_at = parse_datetime(c["closed_at"])
    assert due.date() == (closed_at + dt.timedelta(days=3)).date()
    [close] = [e for e in api("agent").get(f"/complaints/{c['number']}/events").json() if e["action"] == "close"]
    assert close["data"]["revisit"]["assigned_to"] == "agent"
    assert abs(parse_datetime(close["data"]["revisit"]["due_at"]) - due) < dt.timedelta(milliseconds=1)
    # Supervisors see every revisit; another agent sees none of this one.
    assert [r["complaint"] for r in api("supervisor").get("/revisits").json()] == [c["number"]]
    assert api("agent2").get("/revisits").json() == []


def test_the_agent_records_the_revisit_once(retail, api, scenario):
    c = closed(api, scenario)
    [revisit] = api("agent").get("/revisits").json()
    r = api("agent").post(
        f"/revisits/{revisit['id']}", {"status": "done", "result": "客户表示新机使用正常", "satisfaction": 1}
    )
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["result"], r.json()["satisfaction"]) == ("done", "客户表示新机使用正常", 1)
    assert r.json()["done_at"] is not None
    [event] = [e for e in api("agent").get(f"/complaints/{c['number']}/events").json() if e["action"] == "revisit"]
    assert event["actor"] == "agent"
    assert event["data"]["result"] == "客户表示新机使用正常" and event["data"]["satisfaction"] == 1
    # Off the to-do list; on the done list.
    assert api("agent").get("/revisits").json() == []
    assert [x["id"] for x in api("agent").get("/revisits", status="done").json()] == [revisit["id"]]

    before = revisits_state()
    again = api("agent").post(f"/revisits/{revisit['id']}", {"status": "done", "result": "再记一次"})
    assert again.status_code == 409
    assert revisits_state() == before


def test_bad_revisit_records_name_the_field_and_change_nothing(retail, api, scenario):
    closed(api, scenario)
    [revisit] = api("agent").get("/revisits").json()
    before = revisits_state()
    for body, field in [
        ({"status": "done", "result": "   "}, "result"),
        ({"status": "done"}, "result"),
        ({"status": "done", "result": "满意", "satisfaction": 6}, "satisfaction"),
        ({"status": "done", "result": "满意", "satisfaction": 0}, "satisfaction"),
        ({"status": "maybe", "result": "满意"}, "status"),
    ]:
        r = api("agent").post(f"/revisits/{revisit['id']}", body)
        assert r.status_code == 400, (body, r.content)
        assert field in r.json()["error"]["fields"], body
    assert revisits_state() == before


def test_another_agent_cannot_record_someone_elses_revisit(retail, api, scenario):
    c = closed(api, scenario)
    [revisit] = api("agent").get("/revisits").json()
    before = revisits_state()
    r = api("agent2").post(f"/revisits/{revisit['id']}", {"status": "done", "result": "代为回访"})
    assert r.status_code == 404
    assert revisits_state() == before
    assert not [e for e in api("agent").get(f"/complaints/{c['number']}/events").json() if e["action"] == "revisit"]
    assert api("agent").post("/revisits/999999", {"status": "done", "result": "x"}).status_code == 404


def test_an_unreachable_customer_is_recorded_too(retail, api, scenario):
    closed(api, scenario)
    [revisit] = api("agent").get("/revisits").json()
    r = api("agent").post(f"/revisits/{revisit['id']}", {"status": "unreachable", "result": "三次未接通"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["satisfaction"]) == ("unreachable", None)


def test_a_dissatisfied_revisit_alerts_the_owner(retail, api, scenario):
    c = closed(api, scenario)
    [revisit] = api("agent").get("/revisits").json()
    r = api("agent").post(f"/revisits/{revisit['id']}", {"status": "done", "result": "又坏了", "satisfaction": 5})
    assert r.status_code == 200
    notes = api("quality").get("/notifications").json()["items"]  # the owner in QA
    assert "revisit_dissatisfied" in [n["kind"] for n in notes if n["complaint"] == c["number"]]
    assert "revisit_dissatisfied" not in [n["kind"] for n in api("agent2").get("/notifications").json()["items"]]


# -- campaigns ------------------------------------------------------------------------------------


def campaign_body(**overrides):
    body = {"name": "十一月产品质量回访", "agents": ["agent", "agent2"], "due_at": "2026-11-30T18:00:00+08:00"}
    body.update(overrides)
    return body


def test_a_supervisor_shares_a_campaign_between_two_agents(retail, api, scenario):
    numbers = [closed(api, scenario)["number"] for _ in range(3)]
    other = closed(api, scenario, type_code="other", title="其他问题", description="门店营业时间")["number"]

    r = api("supervisor").post("/revisit-campaigns", campaign_body(type_code="quality", closed_from="2026-11-01"))
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["name"], out["revisits"], out["done"]) == ("十一月产品质量回访", 3, 0)
    assert out["filters"] == {"type_code": "quality", "closed_from": "2026-11-01"}

    mine = [x for x in api("agent").get("/revisits").json() if x["campaign"] == "十一月产品质量回访"]
    theirs = [x for x in api("agent2").get("/revisits").json() if x["campaign"] == "十一月产品质量回访"]
    assert (len(mine), len(theirs)) == (2, 1)  # shared in turn
    assert sorted(x["complaint"] for x in mine + theirs) == sorted(numbers)
    assert other not in [x["complaint"] for x in mine + theirs]
    assert all(x["due_at"].startswith("2026-11-30T18:00:00") for x in mine + theirs)
    notes = api("agent2").get("/notifications").json()["items"]
    assert "revisit_campaign" in [n["kind"] for n in notes]

    # agent2 records theirs; the campaign counts it.
    r = api("agent2").post(f"/revisits/{theirs[0]['id']}", {"status": "done", "result": "满意", "satisfaction": 2})
    assert r.status_code == 200
    assert Campaign.objects.get().revisits.exclude(status="pending").count() == 1


def test_an_agent_cannot_start_a_campaign(retail, api, scenario):
    closed(api, scenario)
    before = revisits_state()
    r = api("agent").post("/revisit-campaigns", campaign_body())
    assert r.status_code == 403
    assert revisits_state() == before and not Campaign.objects.exists()


def test_a_campaign_needs_matching_complaints_and_real_agents(retail, api, scenario):
    closed(api, scenario)
    before = revisits_state()
    r = api("supervisor").post("/revisit-campaigns", campaign_body(type_code="delivery"))
    assert r.status_code == 400
    assert "filters" in r.json()["error"]["fields"]
    r = api("supervisor").post("/revisit-campaigns", campaign_body(closed_from="2026-12-01"))
    assert r.status_code == 400 and "filters" in r.json()["error"]["fields"]
    r = api("supervisor").post("/revisit-campaigns", campaign_body(agents=["agent", "ghost"]))
    assert r.status_code == 400 and "agents" in r.json()["error"]["fields"]
    r = api("supervisor").post("/revisit-campaigns", campaign_body(agents=["handler_log"]))  # not front desk
    assert r.status_code == 400 and "agents" in r.json()["error"]["fields"]
    r = api("supervisor").post("/revisit-campaigns", campaign_body(name="  "))
    assert r.status_code == 400 and "name" in r.json()["error"]["fields"]
    assert revisits_state() == before and not Campaign.objects.exists()


def test_reopening_a_closed_complaint_cancels_its_pending_revisit(retail, api, scenario):
    c = closed(api, scenario)
    number = c["number"]
    agent = api("agent")
    r = agent.act(number, "reopen", {"reason": "客户来电说又漏水了"})
    assert r.status_code == 200, r.content
    assert agent.get("/revisits").json() == []  # nothing to call about while it is handled again
    [old] = agent.get("/revisits", status="cancelled").json()
    assert old["complaint"] == number
    assert agent.post(f"/revisits/{old['id']}", {"status": "done", "result": "满意"}).status_code == 409

    # Closed again: a new revisit for the second round.
    scenario.walk(agent, number, "resolved", assign={"department": "QA", "reason": "二次处理"})
    assert agent.act(number, "rate", {"score": 1}).status_code == 200
    assert agent.act(number, "close", {}).status_code == 200
    [new] = agent.get("/revisits").json()
    assert new["complaint"] == number and new["id"] != old["id"]
