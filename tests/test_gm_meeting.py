"""The general manager's meeting (R-ESC-3): a level-3 complaint the customer is still dissatisfied with goes on
the agenda; the general manager's office records the decision, which lands on the complaint's timeline."""

import pytest

from kesu.followup.models import AgendaItem
from tests.factories import UserFactory


@pytest.fixture
def retail(users, playbook, monday_morning):
    playbook("retail")
    people = dict(users)
    people["gmo1"] = UserFactory(username="gmo1", role="director", departments=["GMO"])
    return people


def resolved(api, scenario, **create):
    agent = api("agent")
    c = scenario.create(agent, **create)
    scenario.walk(agent, c["number"], "resolved", assign={"department": "QA"})
    return c["number"]


def agenda_state():
    return sorted(AgendaItem.objects.values_list("id", "status", "decision", "decided_by_id", "meeting_on"))


def events_of(client, number, action):
    return [e for e in client.get(f"/complaints/{number}/events").json() if e["action"] == action]


@pytest.fixture
def on_agenda(retail, api, scenario):
    """A complaint to the regulator (level 3 from the start), resolved, rated 4 by the customer."""
    number = resolved(api, scenario, channel="regulator", title="消费者向12315投诉冰箱漏水")
    assert api("agent").get(f"/complaints/{number}").json()["level"] == 3
    r = api("agent").act(number, "rate", {"score": 4, "comment": "赔偿太少"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["level"], r.json()["round"]) == ("reopened", 3, 2)
    [item] = api("manager").get("/gm-meeting/agenda").json()
    return number, item


def test_a_level_3_complaint_rated_dissatisfied_goes_on_the_agenda(on_agenda, api):
    number, item = on_agenda
    assert (item["complaint"], item["status"], item["level"]) == (number, "open", 3)
    assert item["title"] == "消费者向12315投诉冰箱漏水"
    assert "4" in item["reason"] and "赔偿太少" in item["reason"]
    assert item["decision"] == "" and item["decided_by"] is None
    notes = api("manager").get("/notifications").json()["items"]
    assert [n["kind"] for n in notes if n["complaint"] == number].count("gm_meeting") == 1


def test_the_manager_records_the_decision(on_agenda, api, retail, api_for):
    number, item = on_agenda
    r = api("manager").post(
        f"/gm-meeting/agenda/{item['id']}/decision", {"decision": "全额退款并赠送延保", "meeting_on": "2026-11-20"}
    )
    assert r.status_code == 200, r.content
    decided = r.json()
    assert (decided["status"], decided["decision"], decided["decided_by"], decided["meeting_on"]) == (
        "decided",
        "全额退款并赠送延保",
        "manager",
        "2026-11-20",
    )
    [event] = events_of(api("agent"), number, "gm_decision")
    assert event["actor"] == "manager"
    assert event["data"] == {"decision": "全额退款并赠送延保", "meeting_on": "2026-11-20"}
    # Off the open agenda, on the decided list.
    assert api("manager").get("/gm-meeting/agenda").json() == []
    assert [i["id"] for i in api("manager").get("/gm-meeting/agenda", status="decided").json()] == [item["id"]]

    before = agenda_state()
    again = api("admin").post(f"/gm-meeting/agenda/{item['id']}/decision", {"decision": "改为部分退款"})
    assert again.status_code == 409
    assert agenda_state() == before


def test_only_the_gm_office_decides(on_agenda, api, retail, api_for):
    number, item = on_agenda
    before = agenda_state()
    for who in ("agent", "supervisor", "director"):
        r = api(who).post(f"/gm-meeting/agenda/{item['id']}/decision", {"decision": "退款"})
        assert r.status_code == 403, who
    assert agenda_state() == before
    assert events_of(api("agent"), number, "gm_decision") == []


def test_a_decision_needs_words(on_agenda, api):
    _number, item = on_agenda
    before = agenda_state()
    for body in ({"decision": "   "}, {}, {"decision": "退款", "meeting_on": "下周一"}):
        r = api("manager").post(f"/gm-meeting/agenda/{item['id']}/decision", body)
        assert r.status_code == 400, body
        assert set(r.json()["error"]["fields"]) & {"decision", "meeting_on"}, body
    assert agenda_state() == before
    assert api("manager").post("/gm-meeting/agenda/999999/decision", {"decision": "退款"}).status_code == 404


def test_the_agenda_shows_only_complaints_one_may_see(on_agenda, api):
    _number, _item = on_agenda
    assert api("handler_log").get("/gm-meeting/agenda").json() == []
    assert len(api("agent").get("/gm-meeting/agenda").json()) == 1


def test_lower_levels_and_satisfied_customers_do_not_go_on_the_agenda(retail, api, scenario):
    level2 = resolved(api, scenario, type_code="service", title="店员态度差", description="店员服务态度不好")
    assert api("agent").act(level2, "rate", {"score": 5}).json()["level"] == 3  # escalated, not yet on the agenda
    level3 = resolved(api, scenario, channel="regulator", title="12315投诉")
    assert api("agent").act(level3, "rate", {"score": 3}).json()["status"] == "resolved"
    assert api("manager").get("/gm-meeting/agenda").json() == []
    assert not AgendaItem.objects.exists()


def test_a_second_dissatisfied_round_does_not_add_a_second_open_item(on_agenda, api, scenario):
    number, item = on_agenda
    scenario.walk(api("agent"), number, "resolved", assign={"department": "QA", "reason": "二次处理"})
    r = api("agent").act(number, "rate", {"score": 5})
    assert (r.json()["round"], r.json()["status"]) == (3, "reopened")
    assert [i["id"] for i in api("manager").get("/gm-meeting/agenda").json()] == [item["id"]]


def test_a_satisfied_rating_takes_the_complaint_off_the_open_agenda(
    on_agenda, api, web, scenario, django_capture_on_commit_callbacks
):
    number, item = on_agenda
    scenario.walk(api("agent"), number, "resolved", assign={"department": "QA", "reason": "二次处理"})
    with django_capture_on_commit_callbacks(execute=True):
        r = api("agent").act(number, "rate", {"score": 2})
    assert r.json()["status"] == "resolved"
    assert api("manager").get("/gm-meeting/agenda").json() == []
    [settled] = api("manager").get("/gm-meeting/agenda", status="settled").json()
    assert settled["id"] == item["id"]
    assert [e["action"] for e in api("agent").get(f"/complaints/{number}/events").json()][-1] == "agenda_settled"
    # The meeting page lists it as settled, not as open.
    html = web("manager").get("/gm-meeting").content.decode()
    assert f'data-item="{item["id"]}"' in html and "data-settled" in html
    assert 'class="card mb-3 agenda-item"' not in html


def test_a_dissatisfied_rating_keeps_the_item_open(on_agenda, api, scenario, django_capture_on_commit_callbacks):
    number, item = on_agenda
    scenario.walk(api("agent"), number, "resolved", assign={"department": "QA", "reason": "二次处理"})
    with django_capture_on_commit_callbacks(execute=True):
        api("agent").act(number, "rate", {"score": 5})
    assert [i["id"] for i in api("manager").get("/gm-meeting/agenda").json()] == [item["id"]]
