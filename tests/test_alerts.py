"""Early warning (R-REP-3, seed 002 批量问题集中爆发 / 客户流失预警): batch-problem and churn alerts raised at
intake, their list in the caller's data scope, acknowledge and close."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.alerts import actions as alert_actions
from kesu.alerts.models import Alert, AlertKey
from kesu.complaints import actions
from kesu.complaints.models import Complaint, Event
from kesu.notifications.models import Notification
from tests.factories import UserFactory, advance, make_complaint

pytestmark = pytest.mark.django_db


def _at(hours_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours_ago)


def _customer(name: str = "李四", phone: str = "13911112222") -> actions.CustomerInput:
    return actions.CustomerInput(name=name, phone=phone, kind="consumer")


def _burst(agent, n: int = 3, *, hours: tuple[float, ...] = (50, 20, 1), **fields) -> list[Complaint]:
    return [make_complaint(agent, received_at=_at(h), **fields) for h in hours[:n]]


def test_third_complaint_about_one_batch_within_72_hours_opens_a_batch_alert(users):
    agent = users["agent"]
    first = make_complaint(agent, batch_no="B2026-11", received_at=_at(70))
    second = make_complaint(agent, batch_no="B2026-11", received_at=_at(30))
    assert not Alert.objects.exists()
    third = make_complaint(agent, batch_no="B2026-11", received_at=_at(1))
    alert = Alert.objects.get()
    assert (alert.kind, alert.key_field, alert.key_value, alert.status) == ("batch", "batch_no", "B2026-11", "open")
    numbers = [first.number, second.number, third.number]
    assert set(alert.complaints.values_list("number", flat=True)) == set(numbers)
    opened = Event.objects.filter(action="alert_opened")
    assert sorted(opened.values_list("complaint__number", flat=True)) == sorted(numbers)
    assert opened.first().data["complaints"] == numbers
    assert opened.first().data["batch_no"] == "B2026-11"


def test_three_complaints_spread_over_80_hours_open_nothing(users):
    agent = users["agent"]
    for hours in (80, 40, 0):
        make_complaint(agent, batch_no="B2026-12", received_at=_at(hours))
    assert not Alert.objects.exists()
    assert not Event.objects.filter(action__startswith="alert_").exists()


def test_other_batches_and_products_do_not_count(users):
    agent = users["agent"]
    make_complaint(agent, batch_no="B-1", product_code="P-1", received_at=_at(5))
    make_complaint(agent, batch_no="B-2", product_code="P-2", received_at=_at(4))
    make_complaint(agent, batch_no="B-1", product_code="P-3", received_at=_at(3))
    assert not Alert.objects.exists()


def test_product_code_alert_across_batches(users):
    agent = users["agent"]
    complaints = [
        make_complaint(agent, product_code="BCD-520W", batch_no=f"L{i}", received_at=_at(10 - i)) for i in range(3)
    ]
    alert = Alert.objects.get()
    assert (alert.key_field, alert.key_value) == (AlertKey.PRODUCT_CODE, "BCD-520W")
    assert alert.complaints.count() == 3
    assert {c.number for c in complaints} == set(alert.complaints.values_list("number", flat=True))


def test_fourth_complaint_joins_the_open_alert(users):
    agent = users["agent"]
    _burst(agent, batch_no="B-77")
    fourth = make_complaint(agent, batch_no="B-77")
    alert = Alert.objects.get()
    assert alert.complaints.count() == 4
    joined = Event.objects.get(action="alert_joined")
    assert joined.complaint == fourth
    assert joined.data == {"alert": alert.pk, "kind": "batch", "key_field": "batch_no", "batch_no": "B-77"}


def test_the_database_refuses_a_second_live_alert_for_one_group(users):
    _burst(users["agent"], batch_no="B-88")
    alert = Alert.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            kind="batch",
            key_field="batch_no",
            key_value="B-88",
            threshold=3,
            window_hours=72,
            opened_at=timezone.now(),
            last_complaint_at=timezone.now(),
            status="acknowledged",
        )
    assert list(Alert.objects.all()) == [alert]


def test_acknowledged_alert_keeps_collecting_closed_one_does_not(users):
    agent, supervisor = users["agent"], users["supervisor"]
    _burst(agent, batch_no="B-99")
    alert = Alert.objects.get()
    alert_actions.do_acknowledge_alert(alert.pk, actor=supervisor, now=timezone.now())
    make_complaint(agent, batch_no="B-99")
    assert alert.complaints.count() == 4
    alert_actions.do_close_alert(alert.pk, actor=supervisor, now=timezone.now(), reason="批次已隔离")
    # After closing, one more complaint neither joins nor reopens at once: the old ones do not count again.
    make_complaint(agent, batch_no="B-99")
    assert alert.complaints.count() == 4
    assert Alert.objects.count() == 1
    # A new burst opens a new alert.
    make_complaint(agent, batch_no="B-99")
    make_complaint(agent, batch_no="B-99")
    assert Alert.objects.count() == 2
    new = Alert.objects.exclude(pk=alert.pk).get()
    assert new.status == "open"
    assert new.complaints.count() == 3


def test_churn_alert_on_the_third_complaint_of_one_customer_within_90_days(users):
    agent = users["agent"]
    make_complaint(agent, customer=_customer(), received_at=_at(24 * 80), title="空调不制冷")
    make_complaint(agent, customer=_customer(), received_at=_at(24 * 30), title="安装师傅迟到")
    assert not Alert.objects.exists()
    third = make_complaint(agent, customer=_customer(), title="维修后又坏了")
    alert = Alert.objects.get()
    assert (alert.kind, alert.key_field, alert.customer) == ("churn", "customer", third.customer)
    assert alert.complaints.count() == 3
    assert Event.objects.get(complaint=third, action="alert_opened").data["customer"] == "李四"


def test_no_churn_alert_when_the_first_complaint_is_older_than_90_days(users):
    agent = users["agent"]
    for days in (95, 30, 0):
        make_complaint(agent, customer=_customer(phone="13911113333"), received_at=_at(24 * days))
    assert not Alert.objects.exists()


def test_playbook_thresholds_apply(users, playbook):
    from kesu.rules.models import Playbook

    playbook("manufacturing")
    pb = Playbook.objects.get(active=True)
    pb.settings = {**pb.settings, "batch_alert_threshold": 2, "batch_alert_window_hours": 24}
    pb.save(update_fields=["settings"])
    agent = users["agent"]
    make_complaint(agent, batch_no="M-1", received_at=_at(30))
    make_complaint(agent, batch_no="M-1", received_at=_at(1))
    assert not Alert.objects.exists()  # 29 hours apart: outside the 24-hour window
    make_complaint(agent, batch_no="M-1")
    alert = Alert.objects.get()
    assert (alert.threshold, alert.window_hours) == (2, 24)


def test_batch_alert_tells_quality_and_supervisors_after_commit(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _burst(users["agent"], batch_no="B-N1")
    told = set(Notification.objects.filter(kind="alert_batch").values_list("user__username", flat=True))
    assert told == {"quality", "supervisor"}
    note = Notification.objects.filter(kind="alert_batch").first()
    assert "B-N1" in note.title
    assert "KS-" not in note.title + note.body  # numbers only on the alert page, within each reader's scope


def test_qa_department_members_are_told_whatever_their_role(users, django_capture_on_commit_callbacks):
    UserFactory(username="qa_head", role="handler", departments=["QA"])
    with django_capture_on_commit_callbacks(execute=True):
        _burst(users["agent"], product_code="P-N2")
    told = set(Notification.objects.filter(kind="alert_batch").values_list("user__username", flat=True))
    assert told == {"quality", "supervisor", "qa_head"}


def test_nothing_is_told_before_the_intake_commits(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _burst(users["agent"], batch_no="B-N3")
    assert Alert.objects.count() == 1
    assert not Notification.objects.filter(kind="alert_batch").exists()
    assert callbacks  # queued for after the commit


def test_churn_alert_tells_the_supervisor_and_the_owner(users, django_capture_on_commit_callbacks):
    agent, admin = users["agent"], users["admin"]
    first = make_complaint(agent, customer=_customer(phone="13911114444"), received_at=_at(24 * 10))
    advance(first, admin, "assigned", department="PROD", owner="handler")
    make_complaint(agent, customer=_customer(phone="13911114444"), received_at=_at(24 * 5))
    with django_capture_on_commit_callbacks(execute=True):
        make_complaint(agent, customer=_customer(phone="13911114444"))
    told = set(Notification.objects.filter(kind="alert_churn").values_list("user__username", flat=True))
    assert told == {"supervisor", "handler"}


def test_an_intake_without_an_alert_costs_three_queries_at_most(users):
    complaint = make_complaint(users["agent"], product_code="P-Q", batch_no="B-Q")
    with CaptureQueriesContext(connection) as ctx:
        alert_actions.on_intake(complaint, now=timezone.now())
    # The playbook, the groups' alerts, one count (and the advisory lock on PostgreSQL).
    assert len(ctx.captured_queries) <= (4 if connection.vendor == "postgresql" else 3)


# --- The API ------------------------------------------------------------------------------------------


def _scoped_burst(users) -> tuple[list[Complaint], Alert]:
    """Three complaints about one batch: the first routed to PROD, the second to QA, the third not yet."""
    agent, admin = users["agent"], users["admin"]
    complaints = _burst(agent, batch_no="B-API")
    advance(complaints[0], admin, "assigned", department="PROD", owner="handler")
    advance(complaints[1], admin, "assigned", department="QA", owner="quality")
    return complaints, Alert.objects.get()


def test_list_shows_each_caller_only_the_complaints_in_their_scope(users, api):
    complaints, alert = _scoped_burst(users)
    numbers = [c.number for c in complaints]
    r = api("supervisor").get("/alerts", status="open")
    assert r.status_code == 200
    (item,) = r.json()["items"]
    assert item["id"] == alert.pk
    assert item["kind"] == "batch"
    assert item["key"] == {"batch_no": "B-API"}
    assert item["complaints"] == numbers
    assert item["status"] == "open"
    assert item["opened_at"].endswith("+08:00")
    (item,) = api("handler").get("/alerts").json()["items"]
    assert item["complaints"] == [numbers[0]]
    (item,) = api("quality").get("/alerts").json()["items"]
    assert item["complaints"] == [numbers[1]]
    # None of its complaints is in the LOG handler's scope: the alert is not listed at all.
    assert api("handler_log").get("/alerts").json()["items"] == []


def test_list_filters_by_status(users, api):
    _c, alert = _scoped_burst(users)
    assert [i["id"] for i in api("manager").get("/alerts", status="open").json()["items"]] == [alert.pk]
    assert api("manager").get("/alerts", status="closed").json()["items"] == []
    assert api("manager").get("/alerts", status="sleeping").status_code == 400


def test_churn_key_names_the_customer_masked_outside_the_scope(users, api):
    agent, admin = users["agent"], users["admin"]
    complaints = [make_complaint(agent, customer=_customer(phone="13911115555")) for _ in range(3)]
    advance(complaints[0], admin, "assigned", department="PROD", owner="handler")
    churn = [i for i in api("supervisor").get("/alerts").json()["items"] if i["kind"] == "churn"]
    assert churn[0]["key"] == {"customer": "李四"}
    churn = [i for i in api("handler_log").get("/alerts").json()["items"] if i["kind"] == "churn"]
    assert churn == []


def test_acknowledge_roles_scope_and_conflict(users, api):
    _c, alert = _scoped_burst(users)
    url = f"/alerts/{alert.pk}/acknowledge"
    r = api("agent").post(url)
    assert r.status_code == 403
    assert api("handler_log").post(url).status_code == 404
    assert api("quality").post("/alerts/999999/acknowledge").status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"
    r = api("quality").post(url)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by"] == "quality"
    assert Event.objects.filter(action="alert_acknowledged").count() == 3
    # Again: nothing changes.
    assert api("supervisor").post(url).json()["acknowledged_by"] == "quality"
    r = api("director").post(f"/alerts/{alert.pk}/close", {"reason": "供应商来料问题,已整改"})
    assert r.status_code == 200
    assert r.json()["status"] == "closed"
    assert r.json()["close_reason"] == "供应商来料问题,已整改"
    assert api("supervisor").post(url).status_code == 409
    assert api("supervisor").post(f"/alerts/{alert.pk}/close", {"reason": "again"}).status_code == 409


def test_close_needs_a_reason_and_a_role(users, api):
    _c, alert = _scoped_burst(users)
    r = api("supervisor").post(f"/alerts/{alert.pk}/close", {})
    assert r.status_code == 400
    assert "reason" in r.json()["error"]["fields"]
    assert api("archivist").post(f"/alerts/{alert.pk}/close", {"reason": "x"}).status_code == 403
    assert api("handler").post(f"/alerts/{alert.pk}/close", {"reason": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"
    assert not Event.objects.filter(action="alert_closed").exists()


def test_alert_events_on_the_timeline_hide_numbers_outside_the_scope(users, api):
    complaints, _alert = _scoped_burst(users)
    r = api("handler").get(f"/complaints/{complaints[0].number}/events")
    assert r.status_code == 200, r.content
    (opened,) = [e for e in r.json() if e["action"] == "alert_opened"]
    assert opened["data"]["complaints"] == [complaints[0].number]
    assert opened["actor"] is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_of_one_batch_open_one_alert_holding_them_all():
    from tests.test_concurrency import run_together

    agent = UserFactory(username="alert_agent", role="agent", departments=["CS"])
    # No type: a transactional test may run after another one emptied the types the migrations seed.
    before = [make_complaint(agent, type_code="", batch_no="B-RACE", received_at=_at(2)) for _ in range(2)]

    def intake(_i):
        return make_complaint(agent, type_code="", batch_no="B-RACE").number

    results = run_together(6, intake)
    assert not any(isinstance(r, Exception) for r in results), results
    alert = Alert.objects.get(key_value="B-RACE")
    assert alert.status == "open"
    assert set(alert.complaints.values_list("number", flat=True)) == {c.number for c in before} | set(results)
    # Each complaint is on the timeline once: opened with the alert or joined later.
    rows = Event.objects.filter(action__in=("alert_opened", "alert_joined"), complaint__batch_no="B-RACE")
    assert sorted(rows.values_list("complaint__number", flat=True)) == sorted(
        [c.number for c in before] + list(results)
    )
