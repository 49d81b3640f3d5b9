"""The assessment ledger (R-KPI-1): a missed retail contact deadline writes a pending 30-yuan entry for the
agent responsible; supervisors list, confirm or waive entries; agents see only their own; nobody decides their
own entry."""

import datetime as dt

import pytest

from kesu.assessment.models import PenaltyEntry
from kesu.complaints.models import Complaint
from kesu.sla import sweep
from tests.factories import UserFactory


@pytest.fixture
def org(users, playbook, monday_morning):
    playbook("retail")
    people = dict(users)
    people["supervisor2"] = UserFactory(username="supervisor2", role="supervisor", departments=["CS"])
    return people


def missed_contact(api, scenario, recorder="agent"):
    """A complaint nobody contacted the customer about within one working day; the sweep has run."""
    c = scenario.create(api(recorder))
    contact = Complaint.objects.get(number=c["number"]).deadlines.get(clock="customer_contact")
    sweep.run(now=contact.due_at + dt.timedelta(minutes=1))
    return c["number"], PenaltyEntry.objects.get(complaint__number=c["number"])


def ledger():
    return sorted(PenaltyEntry.objects.values_list("id", "status", "amount", "decided_by_id", "decision_note"))


def test_a_missed_contact_deadline_writes_a_pending_30_yuan_entry(org, api, scenario):
    number, _entry = missed_contact(api, scenario)
    [row] = api("supervisor").get("/penalties").json()
    assert (row["person"], row["complaint"], row["amount"], row["status"]) == ("agent", number, "30.00", "pending")
    assert "5.4.1.1" in row["rule"]
    assert row["decided_by"] is None and row["decided_at"] is None
    # Contacting the customer in time writes nothing.
    c = scenario.create(api("agent"))
    assert api("agent").act(c["number"], "acknowledge").status_code == 200
    sweep.run(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    assert not PenaltyEntry.objects.filter(complaint__number=c["number"]).exists()


def test_agents_see_only_their_own_entries(org, api, scenario):
    mine, _ = missed_contact(api, scenario, "agent")
    theirs, _ = missed_contact(api, scenario, "agent2")
    assert [r["complaint"] for r in api("agent").get("/penalties").json()] == [mine]
    assert [r["complaint"] for r in api("agent2").get("/penalties").json()] == [theirs]
    assert sorted(r["complaint"] for r in api("supervisor").get("/penalties").json()) == sorted([mine, theirs])
    assert [r["complaint"] for r in api("supervisor").get("/penalties", person="agent2").json()] == [theirs]
    assert api("supervisor").get("/penalties", status="confirmed").json() == []
    assert api("handler").get("/penalties").json() == []


def test_a_supervisor_confirms_an_entry_optionally_with_another_amount(org, api, api_for, scenario):
    _number, entry = missed_contact(api, scenario)
    r = api("supervisor").post(f"/penalties/{entry.id}/confirm", {"amount": "50", "note": "本月第二次"})
    assert r.status_code == 200, r.content
    row = r.json()
    assert (row["status"], row["amount"], row["decided_by"], row["decision_note"]) == (
        "confirmed",
        "50.00",
        "supervisor",
        "本月第二次",
    )
    assert row["decided_at"] is not None
    assert api("agent").get("/penalties").json()[0]["status"] == "confirmed"  # the agent sees the outcome

    before = ledger()
    assert api_for(org["supervisor2"]).post(f"/penalties/{entry.id}/waive", {"note": "撤销"}).status_code == 409
    assert api_for(org["supervisor2"]).post(f"/penalties/{entry.id}/confirm", {}).status_code == 409
    assert ledger() == before


def test_confirming_without_an_amount_keeps_the_playbook_amount(org, api, scenario):
    _number, entry = missed_contact(api, scenario)
    r = api("director").post(f"/penalties/{entry.id}/confirm", {})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["amount"]) == ("confirmed", "30.00")


def test_waiving_needs_a_note(org, api, scenario):
    _number, entry = missed_contact(api, scenario)
    before = ledger()
    for body in ({}, {"note": "   "}):
        r = api("supervisor").post(f"/penalties/{entry.id}/waive", body)
        assert r.status_code == 400
        assert "note" in r.json()["error"]["fields"]
    assert ledger() == before
    r = api("supervisor").post(f"/penalties/{entry.id}/waive", {"note": "客户电话停机,已短信联系"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["amount"], r.json()["decision_note"]) == (
        "waived",
        "30.00",
        "客户电话停机,已短信联系",
    )


def test_bad_amounts_name_the_field_and_change_nothing(org, api, scenario):
    _number, entry = missed_contact(api, scenario)
    before = ledger()
    for amount in ("abc", "-5", "100001", "NaN", "Infinity", "1e3x"):
        r = api("supervisor").post(f"/penalties/{entry.id}/confirm", {"amount": amount})
        assert r.status_code == 400, (amount, r.content)
        assert "amount" in r.json()["error"]["fields"], amount
    r = api("supervisor").post(f"/penalties/{entry.id}/confirm", {"note": "x" * 301})
    assert r.status_code == 400 and "note" in r.json()["error"]["fields"]
    assert ledger() == before


def test_agents_do_not_decide(org, api, scenario):
    _number, entry = missed_contact(api, scenario, "agent2")
    before = ledger()
    for who in ("agent", "agent2", "handler", "archivist"):
        assert api(who).post(f"/penalties/{entry.id}/confirm", {}).status_code == 403, who
        assert api(who).post(f"/penalties/{entry.id}/waive", {"note": "算了"}).status_code == 403, who
    assert ledger() == before


def test_nobody_decides_their_own_entry(org, api, api_for, scenario):
    _number, entry = missed_contact(api, scenario, "supervisor")
    assert entry.person.username == "supervisor"
    before = ledger()
    assert api("supervisor").post(f"/penalties/{entry.id}/waive", {"note": "我当时在开会"}).status_code == 403
    assert api("supervisor").post(f"/penalties/{entry.id}/confirm", {}).status_code == 403
    assert ledger() == before
    assert api_for(org["supervisor2"]).post(f"/penalties/{entry.id}/confirm", {}).status_code == 200


def test_an_unknown_entry_is_not_found(org, api):
    assert api("supervisor").post("/penalties/999999/confirm", {}).status_code == 404
