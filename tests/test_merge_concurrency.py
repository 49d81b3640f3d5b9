"""Merges at the same moment: row locks in a fixed order, so no message is lost and no cycle is made.

Real transactions, one connection per thread: row locks on PostgreSQL, serialized writers on SQLite."""

import pytest
from django.test import Client

from kesu.complaints import actions
from kesu.complaints.models import Complaint, Event
from tests.factories import UserFactory, make_complaint, token_for
from tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agents(db):
    return [UserFactory(username=f"merge_agent{i}", role="agent", departments=["CS"]) for i in range(2)]


def _client(user):
    return Client(), {"Authorization": f"Bearer {token_for(user)}"}


def _merge(client, number, into):
    c, headers = client
    r = c.post(
        f"/api/v1/complaints/{number}/actions/merge",
        {"into": into, "reason": "同一件事"},
        content_type="application/json",
        headers=headers,
    )
    return r.status_code, r.json()


def test_two_duplicates_merged_into_one_survivor_at_once_lose_nothing(agents):
    survivor = make_complaint(agents[0], type_code="")
    dups = [make_complaint(agents[0], type_code="", title=f"重复{i}") for i in range(2)]
    for i, dup in enumerate(dups):
        actions.do_note(dup, actor=agents[0], now=dup.created_at, text=f"第{i}件的备注", internal=True)
    clients = [_client(a) for a in agents]

    results = run_together(2, lambda i: _merge(clients[i], dups[i].number, survivor.number))
    assert [status for status, _body in results] == [200, 200], results
    texts = sorted(e.data["text"] for e in Event.objects.filter(complaint=survivor, action="merged_message"))
    assert texts == ["第0件的备注", "第1件的备注"]
    assert Event.objects.filter(complaint=survivor, action="merged_in").count() == 2
    assert set(Complaint.objects.filter(merged_into=survivor).values_list("status", flat=True)) == {"merged"}
    survivor.refresh_from_db()
    assert survivor.version == 3


def test_two_complaints_merged_into_each_other_at_once_one_wins(agents):
    a = make_complaint(agents[0], type_code="", title="甲")
    b = make_complaint(agents[0], type_code="", title="乙")
    clients = [_client(u) for u in agents]
    pairs = [(a.number, b.number), (b.number, a.number)]

    results = run_together(2, lambda i: _merge(clients[i], *pairs[i]))
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 409], results
    a.refresh_from_db()
    b.refresh_from_db()
    assert sorted([a.status, b.status]) == ["merged", "new"]
    survivor = a if a.status == "new" else b
    assert survivor.merged_into_id is None
    assert Event.objects.filter(complaint=survivor, action="merged_in").count() == 1
