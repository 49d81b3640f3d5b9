"""The SLA sweep: reminders before deadlines; at breach a timeline event, notifications to the person
responsible and their superiors, escalation and penalties as the playbook says — each exactly once."""

import datetime as dt
import io
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from kesu.accounts.models import Department
from kesu.assessment.models import PenaltyEntry
from kesu.complaints import actions
from kesu.complaints.models import Complaint, Event
from kesu.notifications.models import Notification
from kesu.sla import sweep
from kesu.sla.models import Deadline
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 10, 12, 9, 30, tzinfo=SH)  # Monday
CONTACT_DUE = dt.datetime(2026, 10, 13, 9, 30, tzinfo=SH)  # one working day later
RESOLUTION_DUE = dt.datetime(2026, 10, 26, 9, 30, tzinfo=SH)  # ten working days later
_phones = itertools.count(13500000001)


def minutes(n):
    return dt.timedelta(minutes=n)


def create(actor, *, received=T0, **fields):
    fields.setdefault("title", "维修师傅未按约定时间上门")
    fields.setdefault("channel", "phone")
    fields.setdefault("type_code", "after_sales")
    data = actions.ComplaintInput(
        customer=actions.CustomerInput(name="孙先生", phone=str(next(_phones))), received_at=received, **fields
    )
    return actions.do_create(data, actor=actor, now=received + minutes(1))[0]


def act(complaint, action, actor, at, **kwargs):
    actions.ACTIONS[action](complaint, actor=actor, now=at, **kwargs)
    return Complaint.objects.get(pk=complaint.pk)


def breaches(complaint):
    return list(Event.objects.filter(complaint=complaint, action="sla_breach").order_by("id"))


def notified(kind, complaint=None):
    qs = Notification.objects.filter(kind=kind)
    if complaint is not None:
        qs = qs.filter(complaint=complaint)
    return sorted(qs.values_list("user__username", flat=True))


def everything():
    """What a sweep writes, to check a second run leaves it alone."""
    return (
        sorted(Deadline.objects.values_list("id", "reminded_at", "breached_at", "due_at")),
        sorted(Event.objects.values_list("id", flat=True)),
        sorted(Notification.objects.values_list("key", flat=True)),
        sorted(PenaltyEntry.objects.values_list("id", "amount")),
        sorted(Complaint.objects.values_list("id", "level", "version")),
    )


@pytest.fixture
def org(users, playbook):
    """Retail playbook; CS has a head (the director) and a supervisor; LOG has a supervisor of its own."""
    playbook("retail")
    cs = Department.objects.get(code="CS")
    cs.head = users["director"]
    cs.save()
    UserFactory(username="sup_log", role="supervisor", departments=["LOG"])
    return users


def test_a_reminder_goes_to_the_person_responsible_once_before_the_deadline(org):
    c = create(org["agent"])
    first_response = c.deadlines.get(clock="first_response")
    assert first_response.remind_at == T0 + minutes(10)

    assert sweep.run(now=T0 + minutes(9)).reminders == 0
    result = sweep.run(now=T0 + minutes(11))
    assert (result.reminders, result.breaches) == (1, 0)
    assert notified("sla_reminder", c) == ["agent"]  # no owner yet: whoever recorded it
    note = Notification.objects.get(kind="sla_reminder")
    assert c.number in note.title and "首次响应" in note.title
    assert sweep.run(now=T0 + minutes(12)).reminders == 0
    assert notified("sla_reminder", c) == ["agent"]
    assert Deadline.objects.get(pk=first_response.pk).reminded_at == T0 + minutes(11)


def test_retail_contact_breach_records_notifies_and_writes_the_30_yuan_penalty(org, api):
    c = create(org["agent"])
    early = sweep.run(now=CONTACT_DUE - minutes(1))
    assert (early.breaches, early.penalties) == (3, 0)  # first_response, classification, assignment
    assert not PenaltyEntry.objects.exists()

    result = sweep.run(now=CONTACT_DUE + minutes(1))
    assert (result.breaches, result.penalties, result.escalations) == (1, 1, 0)
    assert sorted(e.data["clock"] for e in breaches(c)) == [
        "assignment",
        "classification",
        "customer_contact",
        "first_response",
    ]
    contact = c.deadlines.get(clock="customer_contact")
    assert contact.breached_at == CONTACT_DUE + minutes(1)
    [event] = [e for e in breaches(c) if e.data["clock"] == "customer_contact"]
    assert event.data["name"] == "一个工作日内联系客户并填写投诉处理单"
    assert (event.from_status, event.to_status) == ("new", "new")

    penalty = PenaltyEntry.objects.get()
    assert penalty.deadline == contact and penalty.complaint == c
    assert (penalty.amount, penalty.status, penalty.person.username) == (Decimal("30.00"), "pending", "agent")
    assert "5.4.1.1" in penalty.rule

    # No department yet: the supervisors stand above the agent who recorded it.
    breach_notes = Notification.objects.filter(kind="sla_breach", key__startswith=f"breach:{contact.id}:")
    assert sorted(breach_notes.values_list("user__username", flat=True)) == ["agent", "sup_log", "supervisor"]
    assert Complaint.objects.get(pk=c.pk).level == 1  # customer_contact does not escalate

    shown = {d["clock"]: d for d in api("agent").get(f"/complaints/{c.number}").json()["deadlines"]}
    assert shown["customer_contact"]["breached"] is True
    assert shown["customer_contact"]["breached_at"].startswith("2026-10-13T09:31:00")
    assert shown["customer_contact"]["met_at"] is None

    before = everything()
    again = sweep.run(now=CONTACT_DUE + minutes(5))
    assert (again.reminders, again.breaches, again.escalations, again.penalties) == (0, 0, 0, 0)
    assert everything() == before


def test_the_sla_sweep_command_runs_one_pass_and_a_second_changes_nothing(org):
    c = create(org["agent"])
    out = io.StringIO()
    with time_machine.travel(CONTACT_DUE + minutes(1), tick=False):
        call_command("sla_sweep", stdout=out)
    assert out.getvalue().strip() == "sla sweep: reminders=0 breaches=4 escalations=0 penalties=1"
    assert len(breaches(c)) == 4
    before = everything()
    out = io.StringIO()
    with time_machine.travel(CONTACT_DUE + minutes(2), tick=False):
        call_command("sla_sweep", stdout=out)
    assert out.getvalue().strip() == "sla sweep: reminders=0 breaches=0 escalations=0 penalties=0"
    assert everything() == before


def test_a_breach_on_an_assigned_complaint_goes_to_owner_head_and_supervisors_and_escalates(org, api):
    admin = org["admin"]
    c = create(org["agent"])
    for i, (action, kwargs) in enumerate(
        [("acknowledge", {}), ("triage", {}), ("assign", {"department": "CS", "owner": "agent2"})]
    ):
        c = act(c, action, admin, T0 + minutes(5 * (i + 1)), **kwargs)
    assert (c.owner.username, c.level) == ("agent2", 1)

    result = sweep.run(now=RESOLUTION_DUE + minutes(1))
    c = Complaint.objects.get(pk=c.pk)
    assert c.level == 2
    assert result.escalations == 1
    resolution = c.deadlines.get(clock="resolution")
    assert resolution.breached_at == RESOLUTION_DUE + minutes(1)
    assert sorted(
        Notification.objects.filter(kind="sla_breach", key__startswith=f"breach:{resolution.id}:").values_list(
            "user__username", flat=True
        )
    ) == ["agent2", "director", "supervisor"]
    [escalation] = Event.objects.filter(complaint=c, action="escalate")
    assert escalation.data["trigger"] == "sla_breach"
    assert escalation.data["level"] == [1, 2]
    assert "结案" in escalation.data["reason"]
    timeline = [e["action"] for e in api("agent2").get(f"/complaints/{c.number}/events").json()]
    assert "sla_breach" in timeline and "escalate" in timeline

    # Each overdue clock is breached once, also the update clock the escalation re-timed to every 2 days.
    per_clock = [e.data["clock"] for e in breaches(c)]
    assert sorted(per_clock) == sorted(set(per_clock))
    before = everything()
    assert sweep.run(now=RESOLUTION_DUE + minutes(2)).breaches == 0
    assert everything() == before


def test_met_deadlines_are_never_breached(org):
    admin = org["admin"]
    c = create(org["agent"])
    c = act(c, "acknowledge", admin, T0 + minutes(14))
    sweep.run(now=CONTACT_DUE + minutes(60))
    assert [e.data["clock"] for e in breaches(c)] == ["classification", "assignment"]
    for clock in ("first_response", "customer_contact"):
        assert c.deadlines.get(clock=clock).breached_at is None
    assert not PenaltyEntry.objects.exists()


def test_paused_deadlines_are_not_breached(org):
    c = create(org["agent"])
    act(c, "pause_clock", org["admin"], T0 + minutes(2), reason="等待客户提供照片")
    result = sweep.run(now=RESOLUTION_DUE + dt.timedelta(days=30))
    assert (result.reminders, result.breaches, result.penalties) == (0, 0, 0)
    assert breaches(c) == []


def test_the_owner_who_is_also_a_superior_is_told_once(org):
    admin = org["admin"]
    c = create(org["supervisor"])
    for action, kwargs in [
        ("acknowledge", {}),
        ("triage", {}),
        ("assign", {"department": "CS", "owner": "supervisor"}),
    ]:
        c = act(c, action, admin, T0 + minutes(5), **kwargs)
    sweep.run(now=RESOLUTION_DUE + minutes(1))
    resolution = c.deadlines.get(clock="resolution")
    assert sorted(
        Notification.objects.filter(key__startswith=f"breach:{resolution.id}:").values_list("user__username", flat=True)
    ) == ["director", "supervisor"]


def test_escalation_stops_at_level_3(org):
    top = create(org["agent"], flags=["media"])
    assert top.level == 3
    result = sweep.run(now=RESOLUTION_DUE + minutes(1))
    assert result.escalations == 0
    assert Complaint.objects.get(pk=top.pk).level == 3
    assert not Event.objects.filter(complaint=top, action="escalate").exists()
    assert any(e.data["clock"] == "resolution" for e in breaches(top))


def test_manufacturing_initial_report_breach_costs_100_and_escalates(users, playbook):
    playbook("manufacturing")
    admin = users["admin"]
    c = create(admin, type_code="quality", flags=["line_stop"])
    for action, kwargs in [("acknowledge", {}), ("triage", {}), ("assign", {"department": "QA", "owner": "quality"})]:
        c = act(c, action, admin, T0 + minutes(5), **kwargs)
    result = sweep.run(now=T0 + dt.timedelta(hours=24, minutes=1))
    c = Complaint.objects.get(pk=c.pk)
    report = c.deadlines.get(clock="initial_report")
    assert report.breached_at is not None
    penalty = PenaltyEntry.objects.get(deadline=report)
    assert (penalty.amount, penalty.person.username) == (Decimal("100.00"), "quality")
    assert result.escalations == 1 and c.level == 2
    # A report that came in time is never breached.
    on_time = create(admin, type_code="quality", flags=["batch"])
    act(on_time, "note", admin, T0 + minutes(30), text="初步整改报告", kind="initial_report")
    sweep.run(now=T0 + dt.timedelta(hours=30))
    assert on_time.deadlines.get(clock="initial_report").breached_at is None


def test_service_handling_breach_escalates_when_urgent_work_did_not_start_within_an_hour(users, playbook):
    playbook("service")
    c = create(users["agent"], flags=["safety"])
    assert c.priority == "urgent"
    assert sweep.run(now=T0 + minutes(59)).escalations == 0
    result = sweep.run(now=T0 + minutes(61))
    assert result.escalations == 1
    assert [e.data["clock"] for e in breaches(c)][-1] == "handling"
    assert Complaint.objects.get(pk=c.pk).level == 2
