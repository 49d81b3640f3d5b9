"""Routing through the responsibility matrix (service playbook): an empty assign sends a quality complaint to
QC, chooses and explains its owner, brings in the collaborating departments with tasks of their own, copies
the supervisors; re-dispatch needs a reason; a complaint waits for its required tasks before it is resolved."""

import datetime as dt

import pytest
from django.utils.dateparse import parse_datetime

from kesu.accounts.models import Department
from kesu.complaints.models import Category
from kesu.routing.models import Watcher
from tests.factories import UserFactory, snapshot


@pytest.fixture
def org(users, playbook, monday_morning):
    """Service playbook. QC has two handlers and a head; RD and SALES have a handler each."""
    playbook("service")
    people = dict(users)
    people["qc1"] = UserFactory(username="qc1", role="handler", departments=["QC"])
    people["qc2"] = UserFactory(username="qc2", role="quality", departments=["QC"])
    people["qc_chief"] = UserFactory(username="qc_chief", role="director", departments=["QC"])
    people["rd1"] = UserFactory(username="rd1", role="handler", departments=["RD"])
    people["sales1"] = UserFactory(username="sales1", role="handler", departments=["SALES"])
    qc = Department.objects.get(code="QC")
    qc.head = people["qc_chief"]
    qc.save()
    return people


def assigned(api, scenario, **create):
    """A quality complaint recorded by the agent and dispatched with an empty assign."""
    agent = api("agent")
    c = scenario.create(agent, **create)
    scenario.walk(agent, c["number"], "triaged")
    r = agent.act(c["number"], "assign", {})
    assert r.status_code == 200, r.content
    return r.json()


def events_of(client, number, action):
    return [e for e in client.get(f"/complaints/{number}/events").json() if e["action"] == action]


def notifications(client):
    return client.get("/notifications").json()["items"]


def test_an_empty_assign_routes_by_the_matrix_and_explains_the_owner(org, api, api_for, scenario):
    c = assigned(api, scenario)
    number = c["number"]

    assert c["status"] == "assigned"
    assert c["department"] == "QC"
    assert {"CS", "SALES"} <= set(c["collaborators"])
    assert set(c["collaborators"]) == {"RD", "CS", "SALES"}
    assert c["owner"] in ("qc1", "qc2")  # a handler of QC, never the head or the agent

    [event] = events_of(api("agent"), number, "assign")
    assert event["data"]["routed_by"] == "matrix"
    assert sorted(event["data"]["collaborators"]) == ["CS", "RD", "SALES"]
    choice = event["data"]["owner_choice"]
    assert choice["candidates"] == 2
    assert c["owner"] in choice["explanation"]
    assert "2" in choice["explanation"]  # "chosen among 2"

    # The owner is told; the supervisor of the recording agent and QC's head are copied.
    owner = org[c["owner"]]
    assert [n["kind"] for n in notifications(api_for(owner)) if n["complaint"] == number] == ["assigned"]
    watchers = set(Watcher.objects.filter(complaint__number=number).values_list("user__username", flat=True))
    assert {"supervisor", "qc_chief"} <= watchers
    assert c["owner"] not in watchers


def test_each_collaborating_department_gets_a_required_task_due_in_one_working_day(org, api, api_for, scenario):
    c = assigned(api, scenario)
    r = api("agent").get(f"/complaints/{c['number']}/tasks")
    assert r.status_code == 200
    tasks = {t["department"]: t for t in r.json()}
    assert set(tasks) == {"RD", "CS", "SALES"}
    for t in tasks.values():
        assert (t["kind"], t["status"], t["required"], t["round"]) == ("collaboration", "open", True, 1)
        assert c["number"] in t["title"]
        # Assigned Monday 10:00 → due Tuesday 10:00 (one working day).
        due = parse_datetime(t["due_at"])
        assert dt.timedelta(hours=23) < due - parse_datetime(c["updated_at"]) <= dt.timedelta(hours=25)
        assert t["overdue"] is False
    assert tasks["RD"]["owner"] == "rd1"
    assert tasks["SALES"]["owner"] == "sales1"  # handlers first, before the director of SALES
    assert tasks["CS"]["owner"] in ("agent", "agent2", "supervisor")  # CS has no handler: front desk
    kinds = [n["kind"] for n in notifications(api_for(org["rd1"])) if n["complaint"] == c["number"]]
    assert kinds == ["task_assigned"]
    # The collaborating handler now sees the complaint (data scope follows collaboration).
    assert api_for(org["rd1"]).get(f"/complaints/{c['number']}").status_code == 200


def test_redispatch_to_another_department_needs_a_reason(org, api, scenario):
    c = assigned(api, scenario)
    number = c["number"]
    before = snapshot(number)

    r = api("agent").act(number, "assign", {"department": "LOG"})
    assert r.status_code == 400
    assert "reason" in r.json()["error"]["fields"]
    assert snapshot(number) == before

    r = api("agent").act(number, "assign", {"department": "LOG", "reason": "实为物流压损,重新派单"})
    assert r.status_code == 200, r.content
    c = r.json()
    assert (c["department"], c["owner"], c["status"]) == ("LOG", "handler_log", "assigned")
    [event] = events_of(api("agent"), number, "reassign")
    assert event["data"]["reason"] == "实为物流压损,重新派单"
    assert event["data"]["changes"]["department"] == ["QC", "LOG"]
    assert event["data"]["routed_by"] == "manual"
    assert "owner_choice" in event["data"]
    # The new department's people see it; the complaint is no longer QC's.
    assert api("handler_log").get(f"/complaints/{number}").status_code == 200


def test_resolving_waits_for_the_required_tasks(org, api, api_for, scenario):
    c = assigned(api, scenario)
    number = c["number"]
    owner = api_for(org[c["owner"]])
    scenario.walk(owner, number, "solution_proposed")
    scenario.walk(api("agent"), number, "accepted")  # the agent records the customer's yes
    before = snapshot(number)

    r = owner.act(number, "resolve", {"summary": "已换新"})
    assert r.status_code == 409
    error = r.json()["error"]
    assert "tasks" in error["fields"]
    assert "销售部" in error["message"] and "研发部" in error["message"]  # the open tasks are named
    assert snapshot(number) == before

    tasks = owner.get(f"/complaints/{number}/tasks").json()
    workers = {"RD": org["rd1"], "SALES": org["sales1"], "CS": org["supervisor"]}
    for i, t in enumerate(tasks):
        r = api_for(workers[t["department"]]).patch(
            f"/complaints/{number}/tasks/{t['id']}", {"status": "done", "note": "已配合完成", "version": t["version"]}
        )
        assert r.status_code == 200, r.content
        assert (r.json()["status"], r.json()["note"], r.json()["version"]) == ("done", "已配合完成", 2)
        assert r.json()["done_at"] is not None
        if i < len(tasks) - 1:
            assert owner.act(number, "resolve", {"summary": "已换新"}).status_code == 409

    r = owner.act(number, "resolve", {"summary": "已换新"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "resolved"
    updates = events_of(owner, number, "task_updated")
    assert len(updates) == 3
    assert all(e["data"]["changes"]["status"] == ["open", "done"] for e in updates)
    # The owner hears of each finished task.
    done = [n for n in notifications(owner) if n["kind"] == "task_done" and n["complaint"] == number]
    assert len(done) == 3


def test_an_assign_without_a_matrix_entry_asks_for_a_department(org, api, scenario):
    agent = api("agent")
    c = scenario.create(agent, type_code="other", title="其他问题", description="门店营业时间咨询")
    scenario.walk(agent, c["number"], "triaged")
    Category.objects.filter(code="other").update(department=None)
    before = snapshot(c["number"])
    r = agent.act(c["number"], "assign", {})
    assert r.status_code == 400
    assert "department" in r.json()["error"]["fields"]
    assert snapshot(c["number"]) == before
