"""SLA clocks on a complaint: each playbook clock starts and stops on its events; pause and resume.

Times are explicit: complaints are received at a fixed moment and every action is taken at a chosen
`now`, so each due time can be checked to the minute.
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Complaint, Event
from kesu.sla import sweep
from kesu.sla.models import Deadline

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 10, 12, 9, 30, tzinfo=SH)  # a Monday morning, after National Day
_phones = itertools.count(13600000001)


def minutes(n):
    return dt.timedelta(minutes=n)


def hours(n):
    return dt.timedelta(hours=n)


def create(actor, *, received=T0, customer=None, **fields):
    fields.setdefault("title", "外壳颜色与样品不一致")
    fields.setdefault("channel", "phone")
    fields.setdefault("type_code", "quality")
    data = actions.ComplaintInput(
        customer=actions.CustomerInput(name="周女士", phone=str(next(_phones)), **(customer or {})),
        received_at=received,
        **fields,
    )
    complaint, _created = actions.do_create(data, actor=actor, now=received + minutes(1))
    return complaint


class Flow:
    """Drives one complaint through the real actions at chosen moments."""

    def __init__(self, complaint, actor):
        self.c = complaint
        self.actor = actor

    def do(self, action, at, **kwargs):
        actions.ACTIONS[action](self.c, actor=self.actor, now=at, **kwargs)
        self.c = Complaint.objects.get(pk=self.c.pk)
        return self

    def running(self, code=None):
        qs = Deadline.objects.filter(complaint=self.c, met_at__isnull=True, cancelled_at__isnull=True)
        if code is None:
            return {d.clock: d for d in qs}
        found = list(qs.filter(clock=code))
        assert len(found) <= 1, f"{len(found)} {code} clocks running"
        return found[0] if found else None

    def all(self, code):
        return list(Deadline.objects.filter(complaint=self.c, clock=code).order_by("id"))

    def met(self, code):
        return [d.met_at for d in self.all(code) if d.met_at]


@pytest.fixture
def admin(users):
    return users["admin"]


def test_manufacturing_class_a_every_clock_from_intake_to_resolution(admin, playbook):
    playbook("manufacturing")
    f = Flow(create(admin, flags=["line_stop"]), admin)
    assert f.c.severity == "A"
    due = {code: d.due_at for code, d in f.running().items()}
    assert due == {
        "relay": T0 + minutes(10),
        "first_response": T0 + minutes(15),
        "classification": T0 + minutes(30),
        "assignment": T0 + hours(2),
        "customer_contact": dt.datetime(2026, 10, 13, 9, 30, tzinfo=SH),  # 1 working day
        "initial_report": T0 + hours(24),
    }
    assert {d.started_at for d in f.running().values()} == {T0}
    assert f.c.next_due_at == T0 + minutes(10)

    f.do("acknowledge", T0 + minutes(5))
    assert f.met("first_response") == f.met("customer_contact") == [T0 + minutes(5)]
    f.do("triage", T0 + minutes(20))
    assert f.met("classification") == [T0 + minutes(20)]
    f.do("assign", T0 + minutes(40), department="QA", owner="quality")
    assert f.met("relay") == f.met("assignment") == [T0 + minutes(40)]
    assert set(f.running()) == {"initial_report"}

    f.do("start", T0 + minutes(50))
    investigation = f.running("investigation")
    assert investigation.due_at == T0 + minutes(50) + hours(24)  # A: 24 h
    assert investigation.definition.escalate_on_breach
    assert f.running("progress_update").due_at == T0 + minutes(80)  # every 30 working minutes

    # Any note is progress: the update clock is met and starts again from the note.
    f.do("note", T0 + minutes(60), text="已安排8D小组到场")
    assert f.met("progress_update") == [T0 + minutes(60)]
    assert f.running("progress_update").due_at == T0 + minutes(90)
    assert f.running("initial_report") is not None  # a plain note is not the initial report

    f.do("note", T0 + minutes(70), text="初步整改报告见附件", kind="initial_report")
    assert f.met("initial_report") == [T0 + minutes(70)]

    f.do("propose_solution", T0 + hours(3), solution_type="exchange", detail="整批更换")
    assert f.met("investigation") == [T0 + hours(3)]
    f.do("customer_response", T0 + hours(4), accepted=True)
    solution = f.running("solution")
    assert (solution.started_at, solution.due_at) == (T0 + hours(4), T0 + hours(4) + hours(24))  # Mon → Tue 13:30

    # The 8D milestones (D3, D4–D5, D8) run from the start of the investigation until their disciplines are done.
    assert set(f.running()) == {"solution", "progress_update", "8d_d3", "8d_d5", "8d_d8"}


def test_manufacturing_progress_updates_count_working_minutes(admin, playbook):
    playbook("manufacturing")
    f = Flow(create(admin, flags=["batch"], received=T0 - hours(2)), admin)
    friday_evening = dt.datetime(2026, 10, 16, 17, 50, tzinfo=SH)
    for action, kwargs in [("acknowledge", {}), ("triage", {}), ("assign", {"department": "QA"})]:
        f.do(action, T0, **kwargs)
    f.do("start", friday_evening)
    assert f.running("progress_update").due_at == dt.datetime(2026, 10, 19, 9, 20, tzinfo=SH)


def test_manufacturing_class_b_has_no_a_class_clocks(admin, playbook):
    playbook("manufacturing")
    f = Flow(create(admin), admin)
    assert f.c.severity == "B"
    assert "initial_report" not in f.running()
    for action, kwargs in [("acknowledge", {}), ("triage", {}), ("assign", {"department": "QA"})]:
        f.do(action, T0 + minutes(10), **kwargs)
    f.do("start", T0 + hours(1))
    assert f.running("investigation").due_at == T0 + hours(1) + hours(48)  # B: 48 h
    assert not f.running("investigation").definition.escalate_on_breach
    assert f.running("progress_update") is None


def test_raising_a_complaint_to_class_a_at_triage_starts_the_initial_report(admin, playbook):
    playbook("manufacturing")
    f = Flow(create(admin), admin)
    f.do("acknowledge", T0 + minutes(5))
    f.do("triage", T0 + minutes(20), severity="A", reason="客户确认整条线已停")
    report = f.running("initial_report")
    assert (report.started_at, report.due_at) == (T0 + minutes(20), T0 + minutes(20) + hours(24))


def test_lowering_a_complaint_to_class_b_stops_the_a_class_clocks(admin, playbook):
    playbook("manufacturing")
    f = Flow(create(admin, amount="8000"), admin)
    assert f.running("initial_report") is not None
    f.do("acknowledge", T0 + minutes(5))
    f.do("triage", T0 + minutes(20), severity="B", reason="实际损失不足5000元")
    assert f.running("initial_report") is None
    [report] = f.all("initial_report")
    assert report.cancelled_at == T0 + minutes(20)
    assert report.breached_at is None
    # …and it is not breached later either.
    sweep.run(now=T0 + hours(25))
    assert Deadline.objects.get(pk=report.pk).breached_at is None


def test_service_handling_is_re_timed_when_triage_changes_the_priority(admin, playbook, api):
    playbook("service")
    f = Flow(create(admin), admin)
    assert f.c.priority == "routine"
    assert f.running("handling").due_at == T0 + hours(48)
    f.do("acknowledge", T0 + minutes(5))
    f.do("triage", T0 + minutes(20), priority="urgent", reason="客户称孩子被划伤")
    handling = f.running("handling")
    assert (handling.started_at, handling.due_at) == (T0, T0 + minutes(60))  # counted from receipt
    assert handling.definition.name == "启动处理(紧急1小时)"
    first = f.all("handling")[0]
    assert first.cancelled_at == T0 + minutes(20)
    f.do("triage", T0 + minutes(30), priority="important", reason="复核:仅轻微划痕")
    assert f.running("handling").due_at == T0 + hours(24)

    shown = [d for d in api("admin").get(f"/complaints/{f.c.number}").json()["deadlines"] if d["clock"] == "handling"]
    assert sorted(d["stopped"] for d in shown) == [False, True, True]
    assert [d["met_at"] for d in shown] == [None, None, None]

    f.do("assign", T0 + minutes(40), department="CS")
    f.do("start", T0 + hours(1))
    assert f.met("handling") == [T0 + hours(1)]


@pytest.mark.parametrize(("fields", "hours_allowed"), [({"flags": ["safety"]}, 24), ({"amount": "6000"}, 48), ({}, 48)])
def test_service_investigation_takes_24_hours_when_urgent_else_48(admin, playbook, fields, hours_allowed):
    playbook("service")
    f = Flow(create(admin, **fields), admin)
    for action, kwargs in [("acknowledge", {}), ("triage", {}), ("assign", {"department": "CS"})]:
        f.do(action, T0 + minutes(10), **kwargs)
    f.do("start", T0 + hours(1))
    assert f.running("investigation").due_at == T0 + hours(1) + hours(hours_allowed)


def test_service_progress_updates_recur_on_customer_visible_messages(admin, playbook):
    playbook("service")
    f = Flow(create(admin), admin)
    assert f.running("resolution").due_at == dt.datetime(2026, 10, 26, 9, 30, tzinfo=SH)  # 10 working days
    for action, kwargs in [("acknowledge", {}), ("triage", {}), ("assign", {"department": "CS"})]:
        f.do(action, T0 + minutes(10), **kwargs)
    f.do("start", T0 + hours(1))
    assert f.running("progress_update").due_at == T0 + hours(1) + hours(72)

    f.do("note", T0 + hours(2), text="内部:等待质检报告")  # internal: the customer heard nothing
    assert f.met("progress_update") == []
    f.do("note", T0 + hours(3), text="已告知客户检测进度", internal=False)
    assert f.met("progress_update") == [T0 + hours(3)]
    again = f.running("progress_update")
    assert (again.started_at, again.due_at) == (T0 + hours(3), T0 + hours(75))

    f.do("propose_solution", T0 + hours(5), solution_type="refund", detail="全额退款")
    assert f.met("progress_update") == [T0 + hours(3), T0 + hours(5)]
    f.do("customer_response", T0 + hours(6), accepted=True)
    f.do("resolve", T0 + hours(7), summary="已退款")
    assert f.met("solution") == f.met("resolution") == [T0 + hours(7)]
    assert f.running() == {}


def test_a_dissatisfied_rating_starts_the_clocks_of_a_new_round(admin, playbook):
    playbook("service")
    f = Flow(create(admin), admin)
    steps = [
        ("acknowledge", {}),
        ("triage", {}),
        ("assign", {"department": "CS"}),
        ("start", {}),
        ("propose_solution", {"solution_type": "repair", "detail": "上门维修"}),
        ("customer_response", {"accepted": True}),
        ("resolve", {"summary": "已维修"}),
    ]
    for i, (action, kwargs) in enumerate(steps):
        f.do(action, T0 + hours(i + 1), **kwargs)
    reopened_at = T0 + hours(10)
    f.do("rate", reopened_at, score=5, comment="修了还是坏")
    assert f.c.round == 2
    running = f.running()
    # The rating raised the level, so the complaint was classified again: the handling clock of the new
    # round starts with the contact and resolution clocks.
    assert set(running) == {"customer_contact", "resolution", "handling"}
    assert {d.round for d in running.values()} == {2}
    assert running["customer_contact"].started_at == reopened_at
    # Mon 19:30 is after hours: counted from Tue 09:00, one working day → Wed 09:00.
    assert running["customer_contact"].due_at == dt.datetime(2026, 10, 14, 9, 0, tzinfo=SH)


def test_retail_progress_updates_weekly_on_level_1_and_every_two_days_from_level_2(admin, playbook):
    playbook("retail")
    ordinary = Flow(create(admin, type_code="after_sales"), admin)
    assert ordinary.c.level == 1
    assert ordinary.running("progress_update") is None
    ordinary.do("acknowledge", T0 + minutes(30))
    assert ordinary.running("progress_update").due_at == T0 + minutes(30) + dt.timedelta(days=7)

    serious = Flow(create(admin, type_code="service"), admin)
    assert serious.c.level == 2
    serious.do("acknowledge", T0 + minutes(30))
    update = serious.running("progress_update")  # exactly one is running
    assert update.due_at == T0 + minutes(30) + dt.timedelta(days=2)

    # Escalating the ordinary one re-times its update clock to the two-day rhythm, from when it started.
    ordinary.do("escalate", T0 + hours(2), reason="客户多次来电")
    update = ordinary.running("progress_update")
    assert (update.started_at, update.due_at) == (T0 + minutes(30), T0 + minutes(30) + dt.timedelta(days=2))


def test_retail_contact_clock_is_met_by_acknowledging_and_restarts_on_reopen(admin, playbook):
    playbook("retail")
    f = Flow(create(admin, type_code="after_sales"), admin)
    f.do("acknowledge", T0 + hours(3))
    assert f.met("customer_contact") == [T0 + hours(3)]
    f.do("reject", T0 + hours(4), reason="非本公司产品", reply="已向客户说明")
    assert f.running() == {}
    f.do("reopen", T0 + hours(5), reason="客户补充了购买凭证")
    contact = f.running("customer_contact")
    assert (contact.round, contact.started_at) == (2, T0 + hours(5))


def test_a_plain_reopen_starts_the_handling_clock_of_the_new_round(admin, playbook):
    playbook("service")
    f = Flow(create(admin), admin)
    f.do("acknowledge", T0 + hours(1))
    f.do("reject", T0 + hours(2), reason="非本公司产品", reply="已向客户说明")
    assert f.running() == {}
    f.do("reopen", T0 + hours(3), reason="客户补充了购买凭证")
    running = f.running()
    assert {"customer_contact", "resolution", "handling"} <= set(running)
    assert running["handling"].round == 2 and running["handling"].started_at == T0 + hours(3)


# -- pause and resume ------------------------------------------------------------------------------

FRI_16 = dt.datetime(2026, 10, 16, 16, 0, tzinfo=SH)
FRI_17 = dt.datetime(2026, 10, 16, 17, 0, tzinfo=SH)
MON_10 = dt.datetime(2026, 10, 19, 10, 0, tzinfo=SH)


def test_pause_and_resume_move_each_deadline_by_the_time_it_stood_still(admin, playbook, api):
    playbook("retail")
    f = Flow(create(admin, type_code="after_sales", received=FRI_16), admin)
    before = {code: d.due_at for code, d in f.running().items()}
    assert before["customer_contact"] == dt.datetime(2026, 10, 19, 16, 0, tzinfo=SH)

    f.do("pause_clock", FRI_17, reason="等待客户寄回样品")
    assert f.c.clock_paused_at == FRI_17
    assert f.c.next_due_at is None
    assert all(d.paused_at == FRI_17 for d in f.running().values())
    shown = api("admin").get(f"/complaints/{f.c.number}").json()
    assert shown["clock_paused"] is True
    assert all(d["paused"] for d in shown["deadlines"])

    # Paused deadlines are not swept, however late it gets.
    assert sweep.run(now=MON_10 + hours(48)).breaches == 0
    assert not Deadline.objects.filter(complaint=f.c, breached_at__isnull=False).exists()

    f.do("resume_clock", MON_10, reason="样品已收到")
    after = {code: d.due_at for code, d in f.running().items()}
    stood_still = MON_10 - FRI_17  # 65 hours on the wall clock, 120 working minutes
    assert after["first_response"] == before["first_response"] + stood_still
    assert after["classification"] == before["classification"] + stood_still
    assert after["customer_contact"] == dt.datetime(2026, 10, 19, 18, 0, tzinfo=SH)
    assert after["resolution"] == before["resolution"] + hours(2)
    assert all(d.paused_at is None and d.paused_seconds == 65 * 3600 for d in f.running().values())
    assert f.c.next_due_at == min(after.values())

    events = {e.action: e.data for e in Event.objects.filter(complaint=f.c)}
    assert events["pause_clock"] == {"reason": "等待客户寄回样品", "clocks": len(before)}
    assert events["resume_clock"] == {"reason": "样品已收到", "paused_seconds": 65 * 3600}


def test_a_clock_started_while_paused_waits_too(admin, playbook):
    playbook("retail")
    f = Flow(create(admin, type_code="after_sales", received=FRI_16), admin)
    f.do("pause_clock", FRI_17, reason="客户出差")
    f.do("acknowledge", FRI_17 + minutes(10))
    update = f.running("progress_update")
    assert update.paused_at == FRI_17 + minutes(10)
    f.do("resume_clock", FRI_17 + minutes(70))
    assert f.running("progress_update").due_at == FRI_17 + minutes(10) + dt.timedelta(days=7) + minutes(60)


def test_pausing_through_the_api_needs_a_reason_and_happens_once(api, playbook):
    playbook("retail")
    c = (
        api("agent")
        .post(
            "/complaints",
            {"title": "维修拖延", "channel": "phone", "customer": {"name": "赵", "phone": "13512345678"}},
        )
        .json()
    )
    r = api("agent").act(c["number"], "pause_clock", {})
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    assert api("agent").act(c["number"], "resume_clock", {"reason": "x"}).status_code == 409
    assert not Deadline.objects.filter(complaint__number=c["number"], paused_at__isnull=False).exists()

    r = api("agent").act(c["number"], "pause_clock", {"reason": "等客户回电"})
    assert r.status_code == 200
    assert r.json()["clock_paused"] is True and r.json()["next_due_at"] is None
    assert api("agent").act(c["number"], "pause_clock", {"reason": "again"}).status_code == 409
    r = api("agent").act(c["number"], "resume_clock", {"reason": "客户已回电"})
    assert r.status_code == 200
    assert r.json()["clock_paused"] is False and r.json()["next_due_at"] is not None


def test_the_overdue_filter_follows_the_nearest_running_deadline(api, playbook, admin):
    playbook("retail")
    late = create(admin, type_code="after_sales", received=timezone.now() - hours(1))
    fresh = create(admin, type_code="after_sales", received=timezone.now())
    numbers = [c["number"] for c in api("admin").get("/complaints", overdue="true").json()["items"]]
    assert late.number in numbers and fresh.number not in numbers
    actions.do_pause_clock(late, actor=admin, now=timezone.now(), reason="等待客户")
    numbers = [c["number"] for c in api("admin").get("/complaints", overdue="true").json()["items"]]
    assert late.number not in numbers
