"""GET/POST /complaints/{n}/tasks and PATCH …/tasks/{id}: who may add and work on a task, input checking
that names the field and changes nothing, and the task's own version."""

import pytest

from kesu.complaints.models import Event
from kesu.routing.models import Task
from tests.factories import UserFactory


@pytest.fixture
def org(users, playbook, monday_morning):
    playbook("service")
    people = dict(users)
    for name, role, dept in [
        ("qc1", "handler", "QC"),
        ("rd1", "handler", "RD"),
        ("rd2", "handler", "RD"),
        ("sales1", "handler", "SALES"),
        ("ops1", "handler", "OPS"),
    ]:
        people[name] = UserFactory(username=name, role=role, departments=[dept])
    return people


@pytest.fixture
def dispatched(org, api, scenario):
    """A quality complaint dispatched to QC (owner qc1) with tasks for RD, CS and SALES."""
    agent = api("agent")
    c = scenario.create(agent)
    scenario.walk(agent, c["number"], "triaged")
    r = agent.act(c["number"], "assign", {})
    assert r.status_code == 200 and r.json()["owner"] == "qc1", r.content
    tasks = {t["department"]: t for t in agent.get(f"/complaints/{c['number']}/tasks").json()}
    return c["number"], tasks


def tasks_state(number):
    return sorted(
        Task.objects.filter(complaint__number=number).values_list("id", "status", "note", "owner_id", "version")
    )


def events(number):
    return Event.objects.filter(complaint__number=number).count()


def path(number, task_id=None):
    return f"/complaints/{number}/tasks" + (f"/{task_id}" if task_id else "")


def test_a_member_of_the_task_department_works_on_it(dispatched, api_for, org):
    number, tasks = dispatched
    rd = tasks["RD"]
    assert rd["owner"] == "rd1"
    # rd2 is not the task's owner but works in RD.
    r = api_for(org["rd2"]).patch(path(number, rd["id"]), {"status": "in_progress", "note": "已安排实验室复测"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["note"], r.json()["version"]) == ("in_progress", "已安排实验室复测", 2)
    [event] = [
        e for e in api_for(org["rd2"]).get(f"/complaints/{number}/events").json() if e["action"] == "task_updated"
    ]
    assert event["actor"] == "rd2"
    assert event["data"]["changes"] == {"status": ["open", "in_progress"]}


def test_a_handler_of_another_department_cannot_update_the_task(dispatched, api_for, org):
    number, tasks = dispatched
    before, n_events = tasks_state(number), events(number)
    # rd1 sees the complaint (RD collaborates) but the SALES task is not RD's.
    r = api_for(org["rd1"]).patch(path(number, tasks["SALES"]["id"]), {"status": "done", "note": "代为完成"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    # Neither is a QC handler who does not own the complaint.
    qc2 = UserFactory(username="qc2", role="handler", departments=["QC"])
    assert api_for(qc2).patch(path(number, tasks["CS"]["id"]), {"status": "in_progress"}).status_code == 403
    assert tasks_state(number) == before and events(number) == n_events


def test_a_complaint_out_of_scope_is_not_found(dispatched, api):
    number, tasks = dispatched
    before, n_events = tasks_state(number), events(number)
    outsider = api("handler_log")  # LOG neither handles nor collaborates on it
    assert outsider.get(path(number)).status_code == 404
    r = outsider.patch(path(number, tasks["RD"]["id"]), {"status": "done", "note": "x"})
    assert r.status_code == 404
    assert outsider.post(path(number), {"title": "看一看", "department": "LOG"}).status_code == 404
    assert tasks_state(number) == before and events(number) == n_events


def test_a_task_of_another_complaint_is_not_found(dispatched, api, scenario):
    number, tasks = dispatched
    other = scenario.create(api("agent"))["number"]
    r = api("supervisor").patch(path(other, tasks["RD"]["id"]), {"status": "in_progress"})
    assert r.status_code == 404
    assert api("supervisor").patch(path(number, 999999), {"status": "in_progress"}).status_code == 404


BAD_UPDATES = [
    ({"status": "finished"}, "status"),
    ({"status": "done"}, "note"),  # done needs a word on what was done
    ({"status": "done", "note": "   "}, "note"),
    ({"note": "x" * 5001}, "note"),
    ({"owner": "nobody"}, "owner"),
    ({"version": "two"}, "version"),
]


def test_bad_updates_name_the_field_and_change_nothing(dispatched, api_for, org):
    number, tasks = dispatched
    before, n_events = tasks_state(number), events(number)
    for body, field in BAD_UPDATES:
        r = api_for(org["rd1"]).patch(path(number, tasks["RD"]["id"]), body)
        assert r.status_code == 400, (body, r.content)
        assert field in r.json()["error"]["fields"], body
        assert tasks_state(number) == before and events(number) == n_events, body


def test_a_stale_version_is_a_conflict_and_changes_nothing(dispatched, api_for, org):
    number, tasks = dispatched
    rd = tasks["RD"]
    first = api_for(org["rd1"]).patch(path(number, rd["id"]), {"status": "in_progress", "version": rd["version"]})
    assert first.status_code == 200
    before, n_events = tasks_state(number), events(number)
    r = api_for(org["rd2"]).patch(path(number, rd["id"]), {"status": "done", "note": "完成", "version": rd["version"]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "version_conflict"
    assert "version" in r.json()["error"]["fields"]
    assert tasks_state(number) == before and events(number) == n_events


def test_only_the_complaint_owner_or_a_supervisor_cancels_a_task(dispatched, api, api_for, org):
    number, tasks = dispatched
    before = tasks_state(number)
    assert api_for(org["rd1"]).patch(path(number, tasks["RD"]["id"]), {"status": "cancelled"}).status_code == 403
    assert tasks_state(number) == before
    r = api_for(org["qc1"]).patch(path(number, tasks["RD"]["id"]), {"status": "cancelled", "note": "无需研发介入"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = api("supervisor").patch(path(number, tasks["SALES"]["id"]), {"status": "cancelled"})
    assert r.status_code == 200


def test_the_owner_adds_a_task_for_a_department_or_a_person(dispatched, api_for, org):
    number, _tasks = dispatched
    owner = api_for(org["qc1"])
    r = owner.post(
        path(number),
        {"title": "核对同批次库存", "department": "SALES", "due_at": "2026-11-20T18:00:00+08:00", "required": False},
    )
    assert r.status_code == 201, r.content
    t = r.json()
    assert (t["title"], t["department"], t["owner"], t["required"], t["status"]) == (
        "核对同批次库存",
        "SALES",
        None,
        False,
        "open",
    )
    assert t["due_at"].startswith("2026-11-20T18:00:00")
    assert t["kind"] == "other"  # SALES already has its collaboration task this round
    r = owner.post(path(number), {"title": "电话回访客户", "owner": "rd2"})
    assert r.status_code == 201
    assert (r.json()["kind"], r.json()["owner"]) == ("other", "rd2")
    notes = api_for(org["rd2"]).get("/notifications").json()["items"]
    assert any(n["kind"] == "task_assigned" and "电话回访客户" in n["title"] for n in notes)
    titles = [t["title"] for t in owner.get(path(number)).json()]
    assert "核对同批次库存" in titles and "电话回访客户" in titles
    added = [e for e in owner.get(f"/complaints/{number}/events").json() if e["action"] == "task_added"]
    assert len(added) == 2


BAD_NEW_TASKS = [
    ({"title": "", "department": "SALES"}, "title"),
    ({"title": "x" * 201, "department": "SALES"}, "title"),
    ({"department": "SALES"}, "title"),
    ({"title": "核对", "department": "NOPE"}, "department"),
    ({"title": "核对"}, "department"),  # neither a department nor an owner
    ({"title": "核对", "owner": "ghost"}, "owner"),
    ({"title": "核对", "department": "SALES", "owner": "rd1"}, "owner"),  # rd1 is not in SALES
    ({"title": "核对", "department": "SALES", "due_at": "2020-01-01T00:00:00+08:00"}, "due_at"),
    ({"title": "核对", "department": "SALES", "due_at": "tomorrow"}, "due_at"),
]


def test_bad_new_tasks_name_the_field_and_create_nothing(dispatched, api_for, org):
    number, _tasks = dispatched
    before, n_events = tasks_state(number), events(number)
    collaborators = api_for(org["qc1"]).get(f"/complaints/{number}").json()["collaborators"]
    for body, field in BAD_NEW_TASKS:
        r = api_for(org["qc1"]).post(path(number), body)
        assert r.status_code == 400, (body, r.content)
        assert field in r.json()["error"]["fields"], body
        assert tasks_state(number) == before and events(number) == n_events, body
    assert api_for(org["qc1"]).get(f"/complaints/{number}").json()["collaborators"] == collaborators


def test_a_collaborating_handler_cannot_add_tasks(dispatched, api_for, org):
    number, _tasks = dispatched
    before = tasks_state(number)
    r = api_for(org["rd1"]).post(path(number), {"title": "再派一个", "department": "SALES"})
    assert r.status_code == 403
    assert tasks_state(number) == before


def test_a_task_for_a_new_department_brings_it_in(dispatched, api, api_for, org):
    number, _tasks = dispatched
    ops = api_for(org["ops1"])
    assert ops.get(f"/complaints/{number}").status_code == 404  # OPS is not involved yet
    r = api_for(org["qc1"]).post(path(number), {"title": "排查门店陈列", "department": "OPS"})
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "collaboration"
    assert "OPS" in api("agent").get(f"/complaints/{number}").json()["collaborators"]
    # Its people now see the complaint and work on the task.
    r = ops.patch(path(number, r.json()["id"]), {"status": "done", "note": "陈列无问题"})
    assert r.status_code == 200, r.content
