"""Four SLA sweepers at once over overdue CAPAs: each is breached, told, assessed and escalates its complaint exactly
once (real transactions, one connection per thread: SKIP LOCKED on PostgreSQL, serialised writers on SQLite)."""

import datetime as dt
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from kesu.assessment.models import PenaltyEntry
from kesu.complaints.models import Complaint, Customer, Event
from kesu.notifications.models import Notification
from kesu.quality.models import Capa
from kesu.rules.models import Playbook
from kesu.sla import sweep
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CAPAS = 60
SWEEPERS = 4


def test_four_sweepers_breach_every_overdue_capa_exactly_once():
    now = timezone.now()
    owner = UserFactory(username="capa_owner", role="handler")
    UserFactory(username="capa_sup", role="supervisor")
    Playbook.objects.create(
        code="capa_sweep",
        name="capa sweep",
        active=True,
        settings={"capa": {"escalate_on_breach": True, "penalty_amount": "50.00", "penalty_rule": "措施超期"}},
    )
    customer = Customer.objects.create(name="并发客户", phone="13000000001")
    Complaint.objects.bulk_create(
        [
            Complaint(
                number=f"KS-CAPA-{i:05d}",
                status="investigating",
                customer=customer,
                channel="phone",
                received_at=now - dt.timedelta(days=3),
                title=f"措施逾期 {i}",
                level=1,
                created_by=owner,
                created_at=now,
                updated_at=now,
            )
            for i in range(CAPAS)
        ]
    )
    complaints = list(Complaint.objects.filter(number__startswith="KS-CAPA-").order_by("id"))
    capas = Capa.objects.bulk_create(
        [
            Capa(
                kind="corrective",
                action=f"措施 {i}",
                owner=owner,
                due_at=now - dt.timedelta(hours=1),
                created_at=now,
                updated_at=now,
            )
            for i in range(CAPAS)
        ]
    )
    Capa.complaints.through.objects.bulk_create(
        [Capa.complaints.through(capa_id=capa.pk, complaint_id=c.pk) for capa, c in zip(capas, complaints, strict=True)]
    )

    barrier = threading.Barrier(SWEEPERS)
    results: list = [None] * SWEEPERS

    def sweeper(i):
        try:
            barrier.wait(timeout=30)
            results[i] = sweep.run(now=now, batch_size=10)
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

    assert sum(r.breaches for r in results) == CAPAS
    assert sum(r.penalties for r in results) == CAPAS
    assert sum(r.escalations for r in results) == CAPAS
    assert set(Capa.objects.values_list("breached_at", flat=True)) == {now}
    per_capa = Counter(Event.objects.filter(action="capa_breach").values_list("data__capa", flat=True))
    assert len(per_capa) == CAPAS and set(per_capa.values()) == {1}
    assert Notification.objects.filter(kind="capa_breach", user=owner).count() == CAPAS
    assert PenaltyEntry.objects.filter(person=owner, amount=Decimal("50.00")).count() == CAPAS
    assert set(Complaint.objects.values_list("level", flat=True)) == {2}

    again = sweep.run(now=now + dt.timedelta(minutes=1), batch_size=10)
    assert (again.reminders, again.breaches, again.escalations, again.penalties) == (0, 0, 0, 0)
