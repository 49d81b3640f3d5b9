"""Early warning (R-REP-3): batch-problem and churn alerts raised at intake, their list, acknowledge and close."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.alerts.models import Alert
from kesu.complaints import actions
from kesu.complaints.models import Event
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def _at(hours_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours_ago)


def _customer(name: str, phone: str) -> actions.CustomerInput:
    return actions.CustomerInput(name=name, phone=phone, kind="consumer")


def test_third_complaint_about_one_batch_within_72_hours_opens_a_batch_alert(users):
    agent = users["agent"]
    first = make_complaint(agent, batch_no="B2026-11", received_at=_at(70))
    second = make_complaint(agent, batch_no="B2026-11", received_at=_at(30))
    assert not Alert.objects.exists()
    third = make_complaint(agent, batch_no="B2026-11", received_at=_at(1))
    alert = Alert.objects.get()
    assert (alert.kind, alert.key_field, alert.key_value, alert.status) == ("batch", "batch_no", "B2026-11", "open")
    assert set(alert.complaints.values_list("number", flat=True)) == {first.number, second.number, third.number}
    opened = Event.objects.filter(action="alert_opened")
    numbers = [first.number, second.number, third.number]
    assert sorted(opened.values_list("complaint__number", flat=True)) == sorted(numbers)
    assert opened.first().data["complaints"] == numbers
