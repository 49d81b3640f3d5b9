"""Bulk actions through the API: each complaint through its normal action, one result per complaint."""

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kesu.complaints.models import Complaint
from kesu.routing.models import Watcher
from kesu.workspace import bulk
from kesu.workspace.models import BulkRun
from tests.factories import advance, make_complaint, snapshot

pytestmark = pytest.mark.django_db


def _triaged(recorder, admin, n=1, **overrides):
    return [advance(make_complaint(recorder, **overrides), admin, "triaged") for _ in range(n)]


def test_bulk_assign_over_five_with_one_not_allowed_changes_only_the_four(users, api):
    quality, admin = users["quality"], users["admin"]
    mine = _triaged(quality, admin, 4)  # recorded by the quality engineer: in their scope
    theirs = _triaged(users["agent"], admin)[0]  # nobody of QA may see it
    before = snapshot(theirs.number)
    numbers = [c.number for c in mine[:2]] + [theirs.number] + [c.number for c in mine[2:]]

    r = api("quality").post("/complaints/bulk", {"numbers": numbers, "action": "assign", "body": {"department": "QA"}})

    assert r.status_code == 200, r.content
    results = r.json()["results"]
    assert [x["number"] for x in results] == numbers
    assert [x["status"] for x in results] == [200, 200, 404, 200, 200]
    assert "not found" in results[2]["error"].lower() or theirs.number in results[2]["error"]
    for c in mine:
        c.refresh_from_db()
        assert (c.status, c.department.code) == ("assigned", "QA")
        assert c.events.filter(action="assign", actor=quality).count() == 1
    assert snapshot(theirs.number) == before


def test_refusals_name_why_and_leave_that_complaint_alone(users, api):
    agent, admin = users["agent"], users["admin"]
    ready = _triaged(agent, admin, 2)
    fresh = make_complaint(agent)  # still new: it cannot be assigned before it is acknowledged
    stale = _triaged(agent, admin)[0]
    before_fresh, before_stale = snapshot(fresh.number), snapshot(stale.number)
    numbers = [ready[0].number, fresh.number, stale.number, ready[1].number]
    versions = {stale.number: stale.version - 1}  # seen before someone else changed it

    r = api("agent").post(
        "/complaints/bulk",
        {"numbers": numbers, "action": "assign", "body": {"department": "PROD"}, "versions": versions},
    )

    results = {x["number"]: x for x in r.json()["results"]}
    assert [results[n]["status"] for n in numbers] == [200, 409, 409, 200]
    assert results[fresh.number]["code"] == "invalid_transition"
    assert results[stale.number]["code"] == "version_conflict"
    assert "error" not in results[ready[0].number]
    assert snapshot(fresh.number) == before_fresh
    assert snapshot(stale.number) == before_stale


def test_a_role_that_may_not_act_is_refused_with_403_for_each(users, api):
    handler, admin = users["handler"], users["admin"]
    complaints = [advance(make_complaint(users["agent"]), admin, "assigned", owner="handler") for _ in range(2)]
    r = api("handler").post(
        "/complaints/bulk",
        {"numbers": [c.number for c in complaints], "action": "close", "body": {"reason": "批量结案"}},
    )
    assert [x["status"] for x in r.json()["results"]] == [403, 403]
    assert Complaint.objects.filter(status="closed").count() == 0
    assert handler.pk  # the handler owns them and still may not close them


def test_priority_note_and_follow_go_through_their_actions(users, api):
    agent, admin = users["agent"], users["admin"]
    a, b = _triaged(agent, admin, 2)
    client = api("supervisor")
    numbers = [a.number, b.number]

    r = client.post(
        "/complaints/bulk",
        {"numbers": numbers, "action": "priority", "body": {"priority": "urgent", "reason": "快递公司集中延误"}},
    )
    assert [x["status"] for x in r.json()["results"]] == [200, 200]
    r = client.post("/complaints/bulk", {"numbers": numbers, "action": "note", "body": {"text": "已统一联系快递公司"}})
    assert [x["status"] for x in r.json()["results"]] == [200, 200]
    r = client.post("/complaints/bulk", {"numbers": numbers, "action": "follow"})
    assert [x["status"] for x in r.json()["results"]] == [200, 200]
    for c in (a, b):
        c.refresh_from_db()
        assert c.priority == "urgent"
        triage = c.events.filter(action="triage", actor=users["supervisor"]).get()
        assert triage.data["reason"] == "快递公司集中延误"
        assert c.events.filter(action="note", data__text="已统一联系快递公司").count() == 1
        assert Watcher.objects.filter(complaint=c, user=users["supervisor"]).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"numbers": ["KS-1"], "action": "explode"}, "action"),
        ({"numbers": [], "action": "note", "body": {"text": "x"}}, "numbers"),
        ({"numbers": "KS-1", "action": "note", "body": {"text": "x"}}, "numbers"),
        ({"numbers": ["KS-1"], "action": "note", "body": {}}, "body.text"),
        ({"numbers": ["KS-1"], "action": "note", "body": {"text": "x", "colour": "red"}}, "body.colour"),
        ({"numbers": ["KS-1"], "action": "priority", "body": {"priority": "whenever"}}, "body.priority"),
        ({"numbers": ["KS-1"], "action": "assign", "body": {"department": "NOPE"}}, "body.department"),
    ],
)
def test_a_bad_request_is_refused_whole_naming_the_field(users, api, payload, field):
    c = _triaged(users["agent"], users["admin"])[0]
    payload = {**payload, "numbers": [c.number] if payload["numbers"] == ["KS-1"] else payload["numbers"]}
    before = snapshot(c.number)
    r = api("agent").post("/complaints/bulk", payload)
    assert r.status_code == 400
    assert field in r.json()["error"]["fields"]
    assert snapshot(c.number) == before


def test_a_long_run_goes_to_the_worker_and_reports_progress(users, django_capture_on_commit_callbacks):
    agent, admin = users["agent"], users["admin"]
    complaints = _triaged(agent, admin, 3)
    numbers = [c.number for c in complaints] + ["KS-0000-NOPE"]
    before = HUEY.immediate
    HUEY.immediate = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = bulk.start_run(agent, numbers, "note", {"text": "统一回访"}, now=timezone.now())
        run.refresh_from_db()
    finally:
        HUEY.immediate = before
    assert run.status == "done"
    assert (run.done, run.total, run.succeeded, run.percent) == (4, 4, 3, 100)
    assert [r["status"] for r in run.results] == [200, 200, 200, 404]
    # Delivered twice, the job does nothing the second time.
    assert bulk.process_run(run.pk, clock=timezone.now) is None
    for c in complaints:
        assert c.events.filter(action="note").count() == 1
    assert BulkRun.objects.count() == 1


def test_a_run_whose_worker_died_carries_on_without_acting_twice(
    users, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker dies in the middle of a chunk: that chunk is undone with its results; the recovery queues the
    run again and it finishes — every complaint noted exactly once."""
    agent, admin = users["agent"], users["admin"]
    complaints = _triaged(agent, admin, 8)
    numbers = [c.number for c in complaints]
    with django_capture_on_commit_callbacks(execute=False):  # the job is lost: nobody runs it now
        run = bulk.start_run(agent, numbers, "note", {"text": "统一回访"}, now=timezone.now())

    real = bulk.apply_one
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == bulk.SAVE_EVERY + 2:  # second chunk, second complaint
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "apply_one", dying)
    with pytest.raises(SystemExit):
        bulk.process_run(run.pk, clock=timezone.now)
    monkeypatch.setattr(bulk, "apply_one", real)
    run.refresh_from_db()
    # The first chunk stands; the half-done second one left nothing behind.
    assert run.done == bulk.SAVE_EVERY
    assert sum(c.events.filter(action="note").count() for c in complaints) == bulk.SAVE_EVERY
    # A kill leaves the row "running" (no except clause runs on SIGKILL): as the database sees it afterwards.
    BulkRun.objects.filter(pk=run.pk).update(status="running", finished_at=None)

    now = timezone.now()
    assert bulk.recover_stale_runs(now=now) == []  # still within the grace period: perhaps only slow
    later = now + bulk.STALE_AFTER + timezone.timedelta(minutes=1)
    before = HUEY.immediate
    HUEY.immediate = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert bulk.recover_stale_runs(now=later) == [run.pk]
    finally:
        HUEY.immediate = before
    run.refresh_from_db()
    assert run.status == "done" and run.done == 8
    assert [r["number"] for r in run.results] == numbers
    for c in complaints:
        assert c.events.filter(action="note").count() == 1, c.number


def test_a_queued_run_whose_job_was_lost_is_queued_again(users, django_capture_on_commit_callbacks):
    agent, admin = users["agent"], users["admin"]
    complaints = _triaged(agent, admin, 2)
    with django_capture_on_commit_callbacks(execute=False):
        run = bulk.start_run(agent, [c.number for c in complaints], "note", {"text": "补录"}, now=timezone.now())
    assert bulk.recover_stale_runs(now=timezone.now()) == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert bulk.recover_stale_runs(now=timezone.now() + bulk.LOST_AFTER * 2) == [run.pk]
    assert len(callbacks) == 1
    bulk.process_run(run.pk, clock=timezone.now)
    run.refresh_from_db()
    assert run.status == "done" and [r["status"] for r in run.results] == [200, 200]
