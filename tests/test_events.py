"""The timeline (R-REC-7): append-only in the database itself, written with the change it records."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Event
from tests.factories import snapshot


def test_an_event_row_cannot_be_updated(complaint):
    event = Event.objects.get(complaint=complaint)
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.data = {"customer": "someone else"}
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Event._meta.db_table} SET actor_label = %s", ["x"])
    event.refresh_from_db()
    assert event.action == "create"
    assert event.data["customer"] == "张三"


def test_an_event_row_cannot_be_deleted_on_postgresql(complaint):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE possible so the test runner can flush; complaints are never deleted")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(complaint=complaint).delete()
    assert Event.objects.filter(complaint=complaint).count() == 1


def test_new_events_can_still_be_appended(users, complaint):
    actions.do_note(complaint, actor=users["agent"], now=timezone.now(), text="补充说明")
    assert list(Event.objects.filter(complaint=complaint).values_list("action", flat=True)) == ["create", "note"]


def test_a_change_whose_event_cannot_be_written_does_not_happen(users, complaint, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(actions, "record_event", broken)
    before = snapshot(complaint.number)
    with pytest.raises(DatabaseError):
        actions.do_acknowledge(complaint, actor=users["agent"], now=timezone.now())
    assert snapshot(complaint.number) == before


def test_events_of_the_same_instant_keep_their_order(api, users, complaint):
    now = timezone.now()
    for text in ["一", "二", "三"]:
        actions.do_note(complaint, actor=users["agent"], now=now, text=text)
    timeline = api("agent").get(f"/complaints/{complaint.number}/events").json()
    assert [e["data"].get("text") for e in timeline[1:]] == ["一", "二", "三"]


def test_event_shape(api, complaint):
    [event] = api("agent").get(f"/complaints/{complaint.number}/events").json()
    assert {"at", "actor", "action", "from_status", "to_status", "data"} <= set(event)
    assert event["at"].endswith("+08:00")
    assert event["data"]["channel"] == "phone"
