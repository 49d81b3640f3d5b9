"""Saved views through the API, and the lists 我的 / 我的部门 with collaboration tasks."""

import pytest
from django.utils import timezone

from kesu.complaints.selectors import ComplaintFilters, complaint_list
from kesu.routing import tasks_actions
from kesu.workspace.models import SavedView
from tests.factories import UserFactory, advance, make_complaint

pytestmark = pytest.mark.django_db


def test_a_personal_view_is_hidden_from_others_and_a_shared_one_seen_by_the_department(users, api):
    agent = api("agent")
    r = agent.post("/views", {"name": "我的A类未结", "filters": {"severity": "A", "status": "open"}, "shared": False})
    assert r.status_code == 201, r.content
    personal = r.json()
    assert personal["shared"] is False and personal["department"] is None
    r = agent.post("/views", {"name": "本周超时", "filters": {"overdue": True, "status": "open"}, "shared": True})
    assert r.status_code == 201
    shared = r.json()
    assert (shared["shared"], shared["department"]) == (True, "CS")

    assert {v["name"] for v in agent.get("/views").json()} == {"我的A类未结", "本周超时"}
    # agent2 is in CS too: sees the shared view, not the personal one, and cannot open or delete it.
    colleague = api("agent2")
    assert [v["name"] for v in colleague.get("/views").json()] == ["本周超时"]
    assert colleague.get(f"/views/{personal['id']}").status_code == 404
    assert colleague.client.delete(f"/api/v1/views/{shared['id']}", headers=colleague.headers).status_code == 403
    # A handler of another department sees neither.
    assert api("handler").get("/views").json() == []
    assert SavedView.objects.count() == 2


def test_a_view_counts_what_it_holds_in_the_readers_scope(users, api):
    agent, admin = users["agent"], users["admin"]
    for _ in range(2):
        advance(make_complaint(agent, type_code="quality"), admin, "assigned", department="PROD")
    advance(make_complaint(agent, type_code="quality"), admin, "assigned", department="LOG")
    r = api("agent").post("/views", {"name": "生产部在办", "filters": {"department": "PROD", "status": "open"}})
    assert r.json()["count"] == 2
    r = api("agent").post("/views", {"name": "全部在办", "filters": {"status": "open"}})
    assert r.json()["count"] == 3
    # The same name again replaces the filters.
    r = api("agent").post("/views", {"name": "全部在办", "filters": {"status": "open", "department": "LOG"}})
    assert r.json()["count"] == 1
    assert SavedView.objects.filter(owner=users["agent"]).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "filters": {"colour": "red"}}, "filters.colour"),
        ({"name": "x", "filters": {"status": "sleeping"}}, "filters.status"),
        ({"name": "x", "filters": {"received_from": "yesterday"}}, "filters.received_from"),
        ({"name": "x", "filters": {"level": 7}}, "filters.level"),
        ({"name": "", "filters": {}}, "name"),
        ({"name": "x", "filters": {}, "shared": "yes"}, "shared"),
    ],
)
def test_bad_filters_are_refused_naming_the_key(users, api, payload, field):
    r = api("agent").post("/views", payload)
    assert r.status_code == 400
    assert field in r.json()["error"]["fields"]
    if field == "filters.colour":
        assert "colour" in r.json()["error"]["fields"][field][0]
    assert SavedView.objects.count() == 0


def test_sharing_needs_a_department(users, api):
    r = api("manager").post("/views", {"name": "x", "filters": {}, "shared": True})
    assert r.status_code == 400 and "shared" in r.json()["error"]["fields"]


def _numbers(user, **filters):
    return set(complaint_list(user=user, filters=ComplaintFilters(**filters)).values_list("number", flat=True))


def test_mine_and_my_department_include_complaints_where_i_hold_an_open_task(users, departments):
    admin, agent = users["admin"], users["agent"]
    courier = UserFactory(username="courier", role="handler", departments=["LOG"])
    owned = advance(make_complaint(agent), admin, "assigned", department="LOG", owner="courier")
    helped = advance(make_complaint(agent), admin, "assigned", department="PROD", owner="handler")
    unrelated = advance(make_complaint(agent), admin, "assigned", department="PROD", owner="handler")
    now = timezone.now()
    task = tasks_actions.do_create_task(
        helped, actor=admin, now=now, title="核实发货记录", department="LOG", owner="courier"
    )

    assert _numbers(courier, mine=True) == {owned.number, helped.number}
    assert _numbers(users["handler_log"], my_departments=True) == {owned.number, helped.number}
    assert unrelated.number not in _numbers(courier, mine=True)
    # A task done no longer puts the complaint on their lists.
    tasks_actions.do_update_task(helped, task.pk, actor=courier, now=now, status="done", note="已核实")
    assert _numbers(courier, mine=True) == {owned.number}
    assert _numbers(users["handler_log"], my_departments=True) == {owned.number}
