"""Four SLA sweepers at once: every overdue deadline is breached, penalised, notified and escalated exactly once.

Real transactions and one database connection per thread: SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL,
serialised writers on SQLite.
"""

import datetime as dt
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from kesu.assessment.models import PenaltyEntry
from kesu.complaints.models import Complaint, Customer, Event
from kesu.notifications.models import Notification
from kesu.rules.models import Playbook
from kesu.sla import sweep
from kesu.sla.models import ClockDefinition, Deadline
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

COMPLAINTS = 200
SWEEPERS = 4


def test_four_sweepers_at_once_do_every_breach_exactly_once():
    now = timezone.now()
    agent = UserFactory(username="sweep_agent", role="agent")
    for i in range(2):
        UserFactory(username=f"sweep_sup{i}", role="supervisor")
    playbook = Playbook.objects.create(code="sweep_test", name="sweep test", active=False)
    escalating = ClockDefinition.objects.create(
        playbook=playbook,
        code="customer_contact",
        name="联系客户",
        minutes=60,
        escalate_on_breach=True,
        penalty_amount=Decimal("30.00"),
        penalty_rule="未按时联系客户",
    )
    plain = ClockDefinition.objects.create(playbook=playbook, code="first_response", name="首次响应", minutes=15)
    customer = Customer.objects.create(name="并发客户", phone="13000000000")
    Complaint.objects.bulk_create(
        [
            Complaint(
                number=f"KS-SWEEP-{i:05d}",
                status="new",
                customer=customer,
                channel="phone",
                received_at=now - dt.timedelta(hours=3),
                title=f"逾期客诉 {i}",
                level=1,
                created_by=agent,
                created_at=now,
                updated_at=now,
            )
            for i in range(COMPLAINTS)
        ]
    )
    complaints = list(Complaint.objects.filter(number__startswith="KS-SWEEP-").order_by("id"))
    # A complaint's clocks start at different times, so their rows lie apart: here, in every run of 40 rows
    # half the complaints come with their escalating clock first and half with the plain one first. Batches
    # of 20 taken at once by different sweepers then hold different clocks of the same complaints.
    layout = []
    for start in range(0, COMPLAINTS, 20):
        group = complaints[start : start + 20]
        layout += [(c, escalating) for c in group[:10]] + [(c, plain) for c in group[10:]]
        layout += [(c, escalating) for c in group[10:]] + [(c, plain) for c in group[:10]]
    Deadline.objects.bulk_create(
        [
            Deadline(
                complaint=c,
                definition=definition,
                clock=definition.code,
                started_at=now - dt.timedelta(hours=3),
                due_at=now - dt.timedelta(hours=1),
                remind_at=now - dt.timedelta(hours=2),
            )
            for c, definition in layout
        ]
    )
    deadlines = COMPLAINTS * 2

    barrier = threading.Barrier(SWEEPERS)
    results: list = [None] * SWEEPERS

    def sweeper(i):
        try:
            barrier.wait(timeout=30)
            results[i] = sweep.run(now=now, batch_size=20)
        except Exception as exc:  # reported by the assertions below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper, args=(i,)) for i in range(SWEEPERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a sweeper hung"
    for result in results:
        assert isinstance(result, sweep.SweepResult), result

    # Every deadline breached once, by exactly one of the sweepers.
    assert sum(r.breaches for r in results) == deadlines
    assert sum(r.penalties for r in results) == COMPLAINTS
    assert sum(r.escalations for r in results) == COMPLAINTS
    assert sum(r.reminders for r in results) == 0  # overdue: a breach, not a reminder
    assert not Deadline.objects.filter(breached_at__isnull=True).exists()
    assert set(Deadline.objects.values_list("breached_at", flat=True)) == {now}

    # One penalty per penalised deadline.
    assert PenaltyEntry.objects.count() == COMPLAINTS
    assert set(PenaltyEntry.objects.values_list("deadline__definition", flat=True)) == {escalating.id}
    assert set(PenaltyEntry.objects.values_list("amount", flat=True)) == {Decimal("30.00")}

    # One sla_breach event per deadline.
    per_deadline = Counter(Event.objects.filter(action="sla_breach").values_list("data__deadline", flat=True))
    assert len(per_deadline) == deadlines
    assert set(per_deadline.values()) == {1}

    # One breach notification per deadline and recipient: the agent and both supervisors.
    breach_notes = Notification.objects.filter(kind="sla_breach")
    assert breach_notes.count() == deadlines * 3
    assert set(breach_notes.values("user").annotate(n=Count("id")).values_list("n", flat=True)) == {deadlines}

    # Each complaint escalated once: one escalating clock was breached on each.
    escalations = Counter(
        Event.objects.filter(action="escalate", data__trigger="sla_breach").values_list("complaint_id", flat=True)
    )
    assert len(escalations) == COMPLAINTS and set(escalations.values()) == {1}
    assert set(Complaint.objects.values_list("level", flat=True)) == {2}
    assert set(Complaint.objects.values_list("version", flat=True)) == {2}

    # And another pass finds nothing left to do.
    again = sweep.run(now=now + dt.timedelta(minutes=1), batch_size=20)
    assert (again.reminders, again.breaches, again.escalations, again.penalties) == (0, 0, 0, 0)
