"""Several people at once: numbers, optimistic versions and idempotency keys hold under real concurrency.

These run with real transactions and one database connection per thread: row locks on PostgreSQL,
serialized writers on SQLite.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from kesu.complaints.models import Complaint, Event, IdempotencyKey
from kesu.core.models import DailySequence
from tests.factories import UserFactory, make_complaint, token_for

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(n, work):
    """Run work(i) in n threads released at the same moment; return their results (or exceptions)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # reported to the test, which asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


@pytest.fixture
def agent(db):
    return UserFactory(username="conc_agent", role="agent", departments=["CS"])


def test_numbers_never_collide_when_many_record_at_once(agent):
    def record_25(_i):
        return [make_complaint(agent, type_code="").number for _ in range(25)]

    results = run_together(8, record_25)
    for result in results:
        assert not isinstance(result, Exception), result
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == 200
    assert len(set(numbers)) == 200
    assert Complaint.objects.count() == 200
    assert sum(DailySequence.objects.values_list("value", flat=True)) == 200
    # Per day the suffixes are exactly 1…N: no gaps, no duplicates.
    by_day = {}
    for number in numbers:
        prefix_day, seq = number.rsplit("-", 1)
        by_day.setdefault(prefix_day, []).append(int(seq))
    for seqs in by_day.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))


def test_two_people_acting_on_the_same_version_one_wins(agent):
    complaint = make_complaint(agent, type_code="")
    other = UserFactory(username="conc_agent2", role="agent", departments=["CS"])
    clients = []
    for user in (agent, other):
        clients.append((Client(), {"Authorization": f"Bearer {token_for(user)}"}))
    url = f"/api/v1/complaints/{complaint.number}/actions/acknowledge"

    def act(i):
        client, headers = clients[i]
        r = client.post(url, {"version": 1, "note": f"第{i}位"}, content_type="application/json", headers=headers)
        return r.status_code, r.json()

    results = run_together(2, act)
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["error"]["code"] == "version_conflict"
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == ("acknowledged", 2)
    assert Event.objects.filter(complaint=complaint, action="acknowledge").count() == 1

    # The same for a change that leaves the state alone: two notes written against version 2.
    url = f"/api/v1/complaints/{complaint.number}/actions/note"

    def note(i):
        client, headers = clients[i]
        body = {"version": 2, "text": f"备注{i}", "internal": True}
        r = client.post(url, body, content_type="application/json", headers=headers)
        return r.status_code, r.json()

    results = run_together(2, note)
    assert sorted(status for status, _body in results) == [200, 409], results
    assert [body["error"]["code"] for status, body in results if status == 409] == ["version_conflict"]
    assert Event.objects.filter(complaint=complaint, action="note").count() == 1
    complaint.refresh_from_db()
    assert complaint.version == 3


def test_the_same_idempotency_key_sent_at_once_makes_one_complaint(agent):
    headers = {"Authorization": f"Bearer {token_for(agent)}", "Idempotency-Key": "crm-race-1"}
    body = {"title": "重复提交", "channel": "api", "customer": {"name": "孙七", "phone": "13600001111"}}

    def create(_i):
        r = Client().post("/api/v1/complaints", body, content_type="application/json", headers=headers)
        return r.status_code, r.json()

    results = run_together(4, create)
    assert all(status in (200, 201) for status, _body in results), results
    assert sorted(status for status, _body in results) == [200, 200, 200, 201]
    assert len({body["number"] for _status, body in results}) == 1
    assert Complaint.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    assert Event.objects.filter(action="create").count() == 1
