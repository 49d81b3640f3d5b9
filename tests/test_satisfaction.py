"""Satisfaction (R-SAT-1/2) under the retail playbook: 1–3 completes the case; 4–5 raises the level and reopens
it for a new round, keeping the earlier one; the customer rates through a signed link without logging in."""

import datetime as dt

import pytest
from django.test import Client

from kesu.complaints.models import Complaint
from tests.factories import snapshot


@pytest.fixture
def retail(users, playbook, monday_morning):
    playbook("retail")
    return users


def resolved(api, scenario, **create):
    """A complaint recorded by the agent, handled by QA (assigned by hand: no collaboration tasks), resolved."""
    agent = api("agent")
    c = scenario.create(agent, **create)
    scenario.walk(agent, c["number"], "resolved", assign={"department": "QA"})
    return c["number"]


def kinds_for(client, number):
    return [n["kind"] for n in client.get("/notifications").json()["items"] if n["complaint"] == number]


def test_very_dissatisfied_raises_the_level_and_reopens_for_a_second_round(retail, api, scenario):
    number = resolved(api, scenario)
    agent = api("agent")
    assert agent.get(f"/complaints/{number}").json()["level"] == 1
    assert kinds_for(api("supervisor"), number) == []

    r = agent.act(number, "rate", {"score": 5, "comment": "换的新机还是漏水"})
    assert r.status_code == 200, r.content
    c = r.json()
    assert (c["status"], c["level"], c["round"]) == ("reopened", 2, 2)
    # The new round starts with an empty handling form.
    assert (c["satisfaction"], c["solution"], c["resolution_summary"]) == (None, None, "")
    assert "acknowledge" in c["allowed_actions"]
    # Its clocks start again: contact the customer within a working day.
    contact = [d for d in c["deadlines"] if d["clock"] == "customer_contact" and d["met_at"] is None]
    assert len(contact) == 1

    events = agent.get(f"/complaints/{number}/events").json()
    [rate] = [e for e in events if e["action"] == "rate"]
    assert rate["data"]["score"] == 5 and rate["data"]["level"] == [1, 2] and rate["data"]["round"] == [1, 2]
    assert [e["action"] for e in events].count("resolve") == 1  # round 1 stays on the timeline
    [history] = Complaint.objects.get(number=number).round_history
    assert (history["round"], history["satisfaction"], history["ended_by"]) == (1, 5, "dissatisfied")
    assert history["resolution_summary"] == "已换新,客户确认"
    assert history["owner"] == "quality" and history["solution_type"] == "exchange"

    # Level 2 is the supervisor's tier: they are told.
    assert kinds_for(api("supervisor"), number) == ["escalation"]

    # Round 2 runs the whole way again.
    c = scenario.walk(agent, number, "resolved", assign={"department": "QA", "reason": "二次处理"})
    assert (c["status"], c["round"]) == ("resolved", 2)


@pytest.mark.parametrize("score", [1, 2, 3])
def test_satisfied_or_accepting_stays_resolved_and_can_be_closed(retail, api, scenario, score):
    number = resolved(api, scenario)
    agent = api("agent")
    r = agent.act(number, "rate", {"score": score})
    assert r.status_code == 200
    c = r.json()
    assert (c["status"], c["satisfaction"], c["level"], c["round"]) == ("resolved", score, 1, 1)
    assert "close" in c["allowed_actions"]
    r = agent.act(number, "close", {})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"
    assert kinds_for(api("supervisor"), number) == ["review_needed"]  # a level-1 closure by an agent


def test_a_bad_score_names_the_field_and_changes_nothing(retail, api, scenario):
    number = resolved(api, scenario)
    before = snapshot(number)
    for body in ({"score": 6}, {"score": 0}, {}, {"score": "很满意"}):
        r = api("agent").act(number, "rate", body)
        assert r.status_code == 400, body
        assert "score" in r.json()["error"]["fields"], body
    assert snapshot(number) == before


# -- the signed link ------------------------------------------------------------------------------


def link_for(api, number):
    r = api("agent").post(f"/complaints/{number}/rating-link")
    assert r.status_code == 200, r.content
    url = r.json()["url"]
    assert url.startswith("http://") and "/rate/" in url
    assert r.json()["expires_in_days"] == 30
    return url.rsplit("/rate/", 1)[1]


def public(token, body):
    return Client().post(f"/api/v1/public/ratings/{token}", body, content_type="application/json")


def test_a_link_is_only_given_for_a_resolved_complaint(retail, api, scenario):
    agent = api("agent")
    c = scenario.create(agent)
    r = agent.post(f"/complaints/{c['number']}/rating-link")
    assert r.status_code == 409
    # Out of scope is not found, as everywhere.
    assert api("handler_log").post(f"/complaints/{c['number']}/rating-link").status_code == 404


def test_the_customer_rates_through_the_link_once(retail, api, scenario):
    number = resolved(api, scenario)
    token = link_for(api, number)

    r = public(token, {"score": 2, "comment": "处理及时"})
    assert r.status_code == 200, r.content
    assert r.json() == {"number": number, "status": "resolved", "satisfaction": 2}
    c = api("agent").get(f"/complaints/{number}").json()
    assert c["satisfaction"] == 2
    [rate] = [e for e in api("agent").get(f"/complaints/{number}/events").json() if e["action"] == "rate"]
    assert rate["actor"] is None and rate["data"]["by"] == "customer"
    assert rate["data"]["comment"] == "处理及时"

    before = snapshot(number)
    again = public(token, {"score": 1})
    assert again.status_code == 409
    assert snapshot(number) == before


def test_a_tampered_or_expired_link_is_not_found(retail, api, scenario, monday_morning):
    number = resolved(api, scenario)
    token = link_for(api, number)
    before = snapshot(number)
    for bad in (token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"), "nonsense", token.replace(":", "", 1)):
        r = public(bad, {"score": 2})
        assert r.status_code == 404, bad
    monday_morning.shift(dt.timedelta(days=31))
    assert public(token, {"score": 2}).status_code == 404
    assert snapshot(number) == before


def test_a_bad_score_through_the_link_is_refused(retail, api, scenario):
    number = resolved(api, scenario)
    token = link_for(api, number)
    before = snapshot(number)
    r = public(token, {"score": 9})
    assert r.status_code == 400
    assert "score" in r.json()["error"]["fields"]
    assert snapshot(number) == before


def test_very_dissatisfied_through_the_link_reopens_and_escalates(retail, api, scenario):
    number = resolved(api, scenario)
    token = link_for(api, number)
    r = public(token, {"score": 5, "comment": "完全没解决"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "reopened"
    c = api("agent").get(f"/complaints/{number}").json()
    assert (c["level"], c["round"], c["status"]) == (2, 2, "reopened")
    assert kinds_for(api("supervisor"), number) == ["escalation"]
    # The link was for round 1: it no longer rates anything.
    before = snapshot(number)
    assert public(token, {"score": 1}).status_code == 404
    assert snapshot(number) == before
