"""Two approvers deciding the same compensation request at the same moment: exactly one decision lands, the other
gets a clear refusal (409), and the timeline holds one decision. Real transactions, one connection per thread:
row locks on PostgreSQL, serialized writers on SQLite."""

import pytest
from django.test import Client
from django.utils import timezone

from kesu.complaints.models import Event
from kesu.solutions.actions import do_request_compensation
from kesu.solutions.models import Compensation
from tests.factories import UserFactory, advance, make_complaint, token_for
from tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(departments):
    return {
        "agent": UserFactory(username="cc_agent", role="agent", departments=["CS"]),
        "supervisor": UserFactory(username="cc_supervisor", role="supervisor", departments=["CS"]),
        "supervisor2": UserFactory(username="cc_supervisor2", role="supervisor", departments=["CS"]),
        "admin": UserFactory(username="cc_admin", role="admin", is_staff=True, is_superuser=True),
    }


def test_two_approvers_at_once_one_decision_lands_the_other_is_refused(people):
    complaint = advance(make_complaint(people["agent"], type_code=""), people["admin"], "investigating")
    comp = do_request_compensation(
        complaint, actor=people["agent"], now=timezone.now(), kind="refund", amount="50.00", reason="多收运费"
    )
    assert comp.status == "pending" and comp.approver_role == "supervisor"
    deciders = [
        (
            Client(),
            {"Authorization": f"Bearer {token_for(people['supervisor'])}"},
            {"approved": True, "comment": "同意"},
        ),
        (
            Client(),
            {"Authorization": f"Bearer {token_for(people['supervisor2'])}"},
            {"approved": False, "comment": "不予补偿"},
        ),
    ]
    url = f"/api/v1/compensations/{comp.pk}/decision"

    def decide(i):
        client, headers, body = deciders[i]
        r = client.post(url, body, content_type="application/json", headers=headers)
        return r.status_code, r.json()

    for _round in range(3):  # the race is real each time: a fresh pending request per round
        results = run_together(2, decide)
        assert sorted(status for status, _body in results) == [200, 409], results
        winner = next(body for status, body in results if status == 200)
        loser = next(body for status, body in results if status == 409)
        assert loser["error"]["code"] == "conflict" and "compensation" in loser["error"]["fields"]
        assert "someone decided first" in loser["error"]["message"] or "已" in loser["error"]["message"]
        stored = Compensation.objects.get(pk=comp.pk)
        assert stored.status == winner["status"] and stored.decided_by.username == winner["decided_by"]
        decisions = Event.objects.filter(
            complaint=complaint, action__in=["compensation_approved", "compensation_rejected"]
        ).filter(data__compensation=comp.pk)
        assert decisions.count() == 1
        comp = do_request_compensation(
            complaint, actor=people["agent"], now=timezone.now(), kind="refund", amount="50.00", reason="再来"
        )
        url = f"/api/v1/compensations/{comp.pk}/decision"
