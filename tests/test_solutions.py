"""Compensation through the API (API.md "Solutions and compensation"): limits, approval, execution, the proposal
gate, money as Decimal, scope, the clocks and the monthly totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.complaints.models import Event
from kesu.notifications.models import Notification
from kesu.sla import sweep
from kesu.solutions import rules, selectors
from kesu.solutions.models import ApprovalLimit, Compensation
from tests.factories import UserFactory, advance, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(users):
    return UserFactory(username="finance", role="handler", departments=["FIN"])


@pytest.fixture
def investigating(users, complaint):
    return advance(complaint, users["admin"], "investigating")


def request(api, who, number, **body):
    body = {"kind": "refund", "amount": "50.00", "reason": "客户多付运费", **body}
    return api(who).post(f"/complaints/{number}/compensations", body)


def actions_of(c):
    return list(Event.objects.filter(complaint=c, action__startswith="compensation").values_list("action", flat=True))


def test_an_agents_50_yuan_waits_for_a_supervisor_who_approves_and_finance_pays(api, users, investigating, finance):
    c = investigating
    r = request(api, "agent", c.number)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "pending" and body["approver_role"] == "supervisor" and body["amount"] == "50.00"
    assert Notification.objects.filter(user=users["supervisor"], kind="compensation_approval").exists()
    assert not Notification.objects.filter(user=users["director"], kind="compensation_approval").exists()

    r = api("supervisor").post(f"/compensations/{body['id']}/decision", {"approved": True, "comment": "同意"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved" and r.json()["decided_by"] == "supervisor"
    assert Notification.objects.filter(user=users["agent"], kind="compensation_decided").exists()
    assert Notification.objects.filter(user=finance, kind="compensation_decided").exists()

    # Finance sees it although the complaint is not in its scope; paying needs the reference.
    assert api_for_list(api, finance, "approved") == [body["id"]]
    r = api_for(api, finance).post(f"/compensations/{body['id']}/execution", {"status": "paid"})
    assert r.status_code == 400 and "reference" in r.json()["error"]["fields"]
    r = api_for(api, finance).post(f"/compensations/{body['id']}/execution", {"status": "paid", "reference": "FK-1"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "paid" and r.json()["reference"] == "FK-1" and r.json()["executed_by"] == "finance"
    r = api_for(api, finance).post(f"/compensations/{body['id']}/execution", {"status": "done"})
    assert r.json()["status"] == "done"
    assert actions_of(c) == [
        "compensation_requested",
        "compensation_approved",
        "compensation_paid",
        "compensation_done",
    ]
    paid = Event.objects.get(complaint=c, action="compensation_paid")
    assert paid.internal is False and paid.data["amount"] == "50.00" and paid.data["reference"] == "FK-1"


def api_for(api, user):
    from tests.conftest import ApiClient

    return ApiClient(user)


def api_for_list(api, user, status):
    r = api_for(api, user).get("/compensations", status=status)
    assert r.status_code == 200, r.content
    return [i["id"] for i in r.json()["items"]]


def test_within_the_requesters_own_limit_it_is_approved_at_once(api, investigating):
    r = request(api, "agent", investigating.number, amount="10.00", kind="voucher")
    assert r.status_code == 201 and r.json()["status"] == "approved" and r.json()["approver_role"] == "agent"
    r = request(api, "supervisor", investigating.number, amount="500")
    assert r.json()["status"] == "approved"
    r = request(api, "supervisor", investigating.number, amount="500.01")
    assert r.json()["status"] == "pending" and r.json()["approver_role"] == "director"
    r = request(api, "agent", investigating.number, amount="5000.01")
    assert r.json()["approver_role"] == "manager"
    r = request(api, "handler", investigating.number, amount="1.00")  # a handler grants nothing himself
    assert r.status_code in (201, 404)


def test_nobody_decides_his_own_request_nor_above_his_limit(api, investigating):
    pending = request(api, "agent", investigating.number).json()
    r = api("agent").post(f"/compensations/{pending['id']}/decision", {"approved": True})
    assert r.status_code == 403
    # Even when the limit is raised in the admin afterwards: never the requester.
    ApprovalLimit.objects.create(role="agent", max_amount=Decimal("100.00"))
    r = api("agent").post(f"/compensations/{pending['id']}/decision", {"approved": True})
    assert r.status_code == 403
    big = request(api, "agent2", investigating.number, amount="800.00").json()
    assert big["approver_role"] == "director"
    r = api("supervisor").post(f"/compensations/{big['id']}/decision", {"approved": True})
    assert r.status_code == 403
    assert Compensation.objects.get(pk=big["id"]).status == "pending"
    r = api("director").post(f"/compensations/{big['id']}/decision", {"approved": False})
    assert r.status_code == 400 and "comment" in r.json()["error"]["fields"]
    r = api("director").post(f"/compensations/{big['id']}/decision", {"approved": False, "comment": "金额过高"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = api("manager").post(f"/compensations/{big['id']}/decision", {"approved": True})
    assert r.status_code == 409


def test_admin_edited_limits_override_the_playbook_and_the_defaults(api, investigating):
    assert rules.limits()["agent"] == Decimal("10.00")
    ApprovalLimit.objects.create(role="agent", max_amount=Decimal("100.00"))
    ApprovalLimit.objects.create(role="supervisor", max_amount=None)
    assert request(api, "agent", investigating.number, amount="80").json()["status"] == "approved"
    r = request(api, "agent", investigating.number, amount="9000").json()
    assert r["status"] == "pending" and r["approver_role"] == "supervisor"


def test_a_proposal_carries_only_approved_compensation(api, users, investigating):
    c = investigating
    pending = request(api, "agent", c.number).json()
    before = snapshot(c.number)
    propose = {"solution_type": "refund", "detail": "退运费", "compensation_id": pending["id"]}
    r = api("agent").act(c.number, "propose_solution", propose)
    assert r.status_code == 409 and "compensation" in r.json()["error"]["fields"]
    r = api("agent").act(
        c.number, "propose_solution", {**propose, "compensation_id": None, "compensation_amount": "50"}
    )
    assert r.status_code == 409 and "compensation" in r.json()["error"]["fields"]
    assert snapshot(c.number) == before

    api("supervisor").post(f"/compensations/{pending['id']}/decision", {"approved": True})
    r = api("agent").act(c.number, "propose_solution", propose)
    assert r.status_code == 200, r.content
    assert r.json()["solution"]["compensation_amount"] == "50.00"
    event = Event.objects.get(complaint=c, action="propose_solution")
    assert event.data["compensation"] == pending["id"] and event.internal is False


def test_the_older_compensation_amount_must_equal_an_approved_one(api, users, investigating):
    c = investigating
    request(api, "agent", c.number, amount="8.00")  # approved on the spot
    r = api("agent").act(
        c.number, "propose_solution", {"solution_type": "gift", "detail": "赠品", "compensation_amount": "9"}
    )
    assert r.status_code == 409
    r = api("agent").act(
        c.number, "propose_solution", {"solution_type": "gift", "detail": "赠品", "compensation_amount": "8"}
    )
    assert r.status_code == 200 and r.json()["solution"]["compensation_amount"] == "8.00"


def test_another_complaints_compensation_is_refused(api, users, investigating):
    from tests.factories import make_complaint

    other = advance(make_complaint(users["agent"]), users["admin"], "investigating")
    comp = request(api, "agent", other.number, amount="5").json()
    r = api("agent").act(
        investigating.number,
        "propose_solution",
        {"solution_type": "refund", "detail": "退款", "compensation_id": comp["id"]},
    )
    assert r.status_code == 409 and "compensation" in r.json()["error"]["fields"]


@pytest.mark.parametrize(
    "amount",
    [50.5, 50.0, True, "0", "0.00", "-1", "1.234", "abc", "NaN", "Infinity", "10000000.01", "", None],
)
def test_bad_amounts_are_refused_naming_amount_with_nothing_stored(api, investigating, amount):
    r = request(api, "agent", investigating.number, amount=amount)
    assert r.status_code == 400, (amount, r.content)
    assert "amount" in r.json()["error"]["fields"]
    assert not Compensation.objects.exists()
    assert actions_of(investigating) == []


def test_a_whole_json_number_and_the_ceiling_are_taken_as_decimal(api, investigating):
    r = request(api, "agent", investigating.number, amount=7)
    assert r.status_code == 201 and r.json()["amount"] == "7.00"
    r = request(api, "agent", investigating.number, amount="10000000.00")
    assert r.status_code == 400 and r.json()["error"]["code"] == "confirmation_required"
    r = request(api, "agent", investigating.number, amount="10000000.00", confirm=True)
    assert r.status_code == 201 and r.json()["approver_role"] == "manager"
    assert isinstance(Compensation.objects.order_by("id").first().amount, Decimal)


def test_kind_and_reason_are_named(api, investigating):
    r = request(api, "agent", investigating.number, kind="bitcoin", reason="  ")
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"kind", "reason"}


def test_goods_are_shipped_by_logistics_with_a_waybill_and_others_are_refused(api, users, investigating):
    comp = request(api, "agent", investigating.number, kind="goods", amount="9.90").json()
    assert comp["status"] == "approved"
    r = api("handler").post(f"/compensations/{comp['id']}/execution", {"status": "shipped", "reference": "SF1"})
    assert r.status_code in (403, 404)
    r = api("agent").post(f"/compensations/{comp['id']}/execution", {"status": "shipped", "reference": "SF1"})
    assert r.status_code == 403
    r = api("handler_log").post(f"/compensations/{comp['id']}/execution", {"status": "paid", "reference": "X"})
    assert r.status_code == 400 and "status" in r.json()["error"]["fields"]
    r = api("handler_log").post(f"/compensations/{comp['id']}/execution", {"status": "shipped"})
    assert r.status_code == 400 and "reference" in r.json()["error"]["fields"]
    r = api("handler_log").post(f"/compensations/{comp['id']}/execution", {"status": "shipped", "reference": "SF1"})
    assert r.status_code == 200 and r.json()["status"] == "shipped"
    r = api("handler_log").post(f"/compensations/{comp['id']}/execution", {"status": "shipped", "reference": "SF2"})
    assert r.status_code == 409


def test_a_pending_compensation_is_not_executed(api, investigating):
    comp = request(api, "agent", investigating.number).json()
    r = api("supervisor").post(f"/compensations/{comp['id']}/execution", {"status": "paid", "reference": "FK"})
    assert r.status_code == 409
    assert Compensation.objects.get(pk=comp["id"]).status == "pending"


def test_scope_a_handler_outside_its_scope_sees_no_refund(api, users, investigating):
    comp = request(api, "agent", investigating.number, amount="5").json()
    assert api("handler").get("/compensations").json()["items"][0]["id"] == comp["id"]  # his department's
    assert api("handler_log").get("/compensations").json()["items"] == []
    r = api("handler_log").post(f"/compensations/{comp['id']}/decision", {"approved": True})
    assert r.status_code == 404
    r = api("handler_log").post(
        f"/complaints/{investigating.number}/compensations", {"kind": "cash", "amount": "1", "reason": "x"}
    )
    assert r.status_code == 404


def test_list_filters_by_status_and_period(api, investigating):
    request(api, "agent", investigating.number, amount="5")
    request(api, "agent", investigating.number, amount="60")
    assert len(api("supervisor").get("/compensations", status="pending").json()["items"]) == 1
    today = timezone.localdate().isoformat()
    assert len(api("supervisor").get("/compensations", **{"from": today, "to": today}).json()["items"]) == 2
    assert api("supervisor").get("/compensations", **{"to": "2020-01-01"}).json()["items"] == []
    r = api("supervisor").get("/compensations", status="nope")
    assert r.status_code == 400 and "status" in r.json()["error"]["fields"]
    r = api("supervisor").get("/compensations", **{"from": "12/01"})
    assert r.status_code == 400 and "from" in r.json()["error"]["fields"]


def test_a_closed_complaint_takes_no_new_compensation(api, users, complaint):
    closed = advance(complaint, users["admin"], "closed")
    r = request(api, "agent", closed.number)
    assert r.status_code == 409


def test_overdue_decision_and_execution_are_clocks_breached_once(api, users, investigating, finance):
    pending = request(api, "agent", investigating.number).json()
    quick = request(api, "agent", investigating.number, amount="5").json()
    later = timezone.now() + dt.timedelta(hours=25)
    result = sweep.run(now=later)
    assert result.breaches >= 1
    assert Compensation.objects.get(pk=pending["id"]).breached_at is not None
    assert Compensation.objects.get(pk=quick["id"]).breached_at is None  # 72 h to execute
    assert Notification.objects.filter(user=users["supervisor"], kind="compensation_overdue").count() == 1
    far = timezone.now() + dt.timedelta(hours=73)
    sweep.run(now=far)
    sweep.run(now=far)
    assert Notification.objects.filter(user=finance, kind="compensation_overdue").count() == 1
    overdue = Event.objects.filter(complaint=investigating, action="compensation_overdue")
    assert sorted(e.data["stage"] for e in overdue) == ["decision", "execution"]
    assert api("supervisor").get("/compensations", status="approved").json()["items"][0]["overdue"] is True


def test_monthly_totals_per_kind_department_and_person(api, users, investigating, finance):
    a = request(api, "agent", investigating.number, amount="60.00").json()
    api("supervisor").post(f"/compensations/{a['id']}/decision", {"approved": True})
    api_for(api, finance).post(f"/compensations/{a['id']}/execution", {"status": "paid", "reference": "FK"})
    request(api, "agent", investigating.number, kind="voucher", amount="9.50")
    rejected = request(api, "agent2", investigating.number, amount="70").json()
    api("supervisor").post(f"/compensations/{rejected['id']}/decision", {"approved": False, "comment": "不予补偿"})
    now = timezone.now()
    t = selectors.monthly_totals(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))
    assert t["count"] == 2 and t["granted"] == "69.50" and t["executed"] == "60.00"
    assert {r["kind"]: r["granted"] for r in t["by_kind"]} == {"refund": "60.00", "voucher": "9.50"}
    assert [(r["person"], r["granted"]) for r in t["by_person"]] == [("agent", "69.50")]
    assert t["by_department"][0]["granted"] == "69.50"
    assert t["by_month"][0]["month"] == timezone.localtime(now).strftime("%Y-%m") or t["by_month"][0]["month"]
