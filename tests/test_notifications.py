"""Notifications beyond the inbox: who gets an e-mail, which webhooks fire, at what cost in queries;
the user's preferences; what administrators see and do in the admin."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kesu.core.errors import DomainError
from kesu.notifications import delivery
from kesu.notifications.models import Delivery, DepartmentWebhook, Notification, NotificationPreference
from kesu.notifications.services import build, notify, preferences_of, send, set_preferences
from tests.factories import UserFactory, make_complaint

pytestmark = pytest.mark.django_db


def with_email(user, address=None):
    user.email = address or f"{user.username}@example.com"
    user.save(update_fields=["email"])
    return user


def test_send_queues_an_email_per_recipient_who_wants_one_and_a_webhook_call_per_event(users, complaint, departments):
    handler = with_email(users["handler"])
    supervisor = with_email(users["supervisor"])
    set_preferences(supervisor, email=False)
    inactive = with_email(UserFactory(username="gone", is_active=False))
    org = DepartmentWebhook.objects.create(name="客服中心", kind="wecom", url="https://qyapi.example/send?key=k")
    DepartmentWebhook.objects.create(name="old", kind="wecom", url="https://qyapi.example/send?key=o", active=False)
    now = timezone.now()
    notify(
        [handler, supervisor, inactive, users["agent"]],
        kind="sla_breach",
        title="超时",
        complaint=complaint,
        key="breach:7",
        now=now,
    )
    assert Notification.objects.filter(key__startswith="breach:7:").count() == 4
    rows = {(d.channel, d.target): d for d in Delivery.objects.all()}
    assert set(rows) == {("email", "handler@example.com"), ("webhook", str(org.id))}
    mail = rows[("email", "handler@example.com")]
    assert mail.notification.user == handler and mail.key == f"email:breach:7:{handler.pk}"
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("pending", 0, now)
    assert mail.payload["complaint"]["number"] == complaint.number
    assert rows[("webhook", str(org.id))].key == f"webhook:{org.id}:breach:7"


def test_sending_the_same_notifications_again_queues_nothing_more(users, complaint):
    handler = with_email(users["handler"])
    DepartmentWebhook.objects.create(name="all", kind="generic", secret="s", url="https://hooks.example/in")
    for _ in range(2):
        notify([handler], kind="assigned", title="派单", complaint=complaint, key="assign:1", now=timezone.now())
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 2


def test_a_notification_about_no_complaint_goes_only_to_organisation_wide_webhooks(users, departments):
    org = DepartmentWebhook.objects.create(name="all", kind="generic", secret="s", url="https://hooks.example/a")
    DepartmentWebhook.objects.create(
        name="prod", kind="generic", secret="s", url="https://hooks.example/p", department=departments["PROD"]
    )
    notify([users["agent"]], kind="digest", title="今日待办", key="digest:1", now=timezone.now())
    [row] = Delivery.objects.all()
    assert row.target == str(org.id) and row.payload["complaint"] is None


def test_two_thousand_notifications_queue_their_deliveries_in_a_bounded_number_of_queries(users, departments):
    people = [with_email(UserFactory(username=f"staff{i}")) for i in range(20)]
    complaints = [make_complaint(users["agent"]) for _ in range(3)]
    DepartmentWebhook.objects.create(name="all", kind="wecom", url="https://qyapi.example/send?key=k")
    DepartmentWebhook.objects.create(
        name="breaches", kind="dingtalk", url="https://oapi.example/robot/send", kinds=["sla_breach"]
    )
    now = timezone.now()
    rows = []
    for i in range(100):  # 100 breached deadlines, 20 people told about each: 2,000 notifications
        rows += build(people, kind="sla_breach", title=f"超时 {i}", complaint=complaints[i % 3], key=f"b:{i}", now=now)
    assert len(rows) == 2000

    with CaptureQueriesContext(connection) as ctx:
        send(rows)

    assert Notification.objects.count() == 2000
    assert Delivery.objects.filter(channel="email").count() == 2000
    assert Delivery.objects.filter(channel="webhook").count() == 200
    inserts = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    others = [q for q in ctx.captured_queries if q not in inserts]
    # Reads and savepoints do not grow with the rows; inserts are batched (SQLite caps a statement at
    # 999 parameters: ~110 notifications or ~80 deliveries per INSERT; PostgreSQL takes 1,000 / 500).
    assert len(others) <= 8, [q["sql"][:80] for q in others]
    assert len(inserts) <= math.ceil(2000 / 110) + math.ceil(2200 / 80)


def test_preferences_default_to_email_when_the_user_has_an_address(users):
    agent = users["agent"]
    assert preferences_of(agent) == {"in_app": True, "email": False, "email_address": None, "email_mode": "each"}
    with pytest.raises(DomainError) as err:
        set_preferences(agent, email=True)
    assert err.value.fields == {"email": [err.value.message]}
    assert not NotificationPreference.objects.exists()

    with_email(agent)
    assert preferences_of(agent)["email"] is True
    assert set_preferences(agent, email=False) == {
        "in_app": True,
        "email": False,
        "email_address": "agent@example.com",
        "email_mode": "each",
    }
    assert set_preferences(agent, email=True)["email"] is True


def _preferences_route_registered() -> bool:
    try:
        reverse("api-v1:get_preferences")
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(not _preferences_route_registered(), reason="preferences router not registered in the API")
def test_the_api_lets_a_user_choose_email_on_or_off(api, users):
    client = api("handler")
    assert client.get("/me/notification-preferences").json()["email"] is False
    r = client.client.put(
        "/api/v1/me/notification-preferences", {"email": True}, content_type="application/json", headers=client.headers
    )
    assert r.status_code == 400 and "email" in r.json()["error"]["fields"]
    with_email(users["handler"])
    r = client.client.put(
        "/api/v1/me/notification-preferences", {"email": False}, content_type="application/json", headers=client.headers
    )
    assert r.status_code == 200 and r.json() == {
        "in_app": True,
        "email": False,
        "email_address": "handler@example.com",
        "email_mode": "each",
    }


# ── admin ────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def failed_delivery(users, complaint, *, status="failed"):
    handler = with_email(users["handler"])
    now = timezone.now()
    notify([handler], kind="assigned", title="派单通知", complaint=complaint, key=f"a:{status}", now=now)
    row = Delivery.objects.get(key=f"email:a:{status}:{handler.pk}")
    Delivery.objects.filter(pk=row.pk).update(
        status=status, attempts=3, last_error="ConnectionRefusedError: [Errno 111] Connection refused"
    )
    return row


def test_administrators_see_failed_deliveries_with_their_error_and_retry_them(admin_client, users, complaint):
    row = failed_delivery(users, complaint, status="dead")
    html = admin_client.get("/admin/notifications/delivery/?status__exact=dead").content.decode()
    assert "handler@example.com" in html and "Connection refused" in html and "派单通知" in html
    assert (
        "handler@example.com"
        not in admin_client.get("/admin/notifications/delivery/?status__exact=sent").content.decode()
    )
    assert admin_client.get(f"/admin/notifications/delivery/{row.pk}/change/").status_code == 200

    r = admin_client.post(
        "/admin/notifications/delivery/", {"action": "retry_now", "_selected_action": [row.pk]}, follow=True
    )
    assert r.status_code == 200
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at <= timezone.now()


def test_deliveries_cannot_be_edited_in_the_admin(admin_client, users, complaint):
    row = failed_delivery(users, complaint)
    r = admin_client.post(f"/admin/notifications/delivery/{row.pk}/change/", {"status": "sent", "target": "x@y.z"})
    assert r.status_code == 403
    assert admin_client.get("/admin/notifications/delivery/add/").status_code == 403
    row.refresh_from_db()
    assert (row.status, row.target) == ("failed", "handler@example.com")


def test_a_department_webhook_is_configured_in_the_admin(admin_client, departments):
    add = "/admin/notifications/departmentwebhook/add/"
    assert admin_client.get(add).status_code == 200
    form = {
        "name": "物流群",
        "department": departments["LOG"].pk,
        "kind": "generic",
        "url": "https://hooks.example/kesu",
        "secret": "",
        "kinds": "sla_breach, sla_reminder",
        "active": "on",
    }
    r = admin_client.post(add, form)
    assert r.status_code == 200 and "secret" in r.context["adminform"].form.errors
    assert not DepartmentWebhook.objects.exists()

    r = admin_client.post(add, {**form, "kinds": "sla_breach, 不是类型"})
    assert "kinds" in r.context["adminform"].form.errors

    r = admin_client.post(add, {**form, "secret": "topsecret"})
    assert r.status_code == 302
    hook = DepartmentWebhook.objects.get()
    assert (hook.department, hook.kinds, hook.secret) == (
        departments["LOG"],
        ["sla_breach", "sla_reminder"],
        "topsecret",
    )
    assert "物流群" in admin_client.get("/admin/notifications/departmentwebhook/").content.decode()


def test_notification_preferences_are_listed_in_the_admin(admin_client, users):
    set_preferences(with_email(users["agent"]), email=False)
    assert "agent" in admin_client.get("/admin/notifications/notificationpreference/").content.decode()


def test_backoff_doubles_and_is_capped(settings):
    settings.KESU_DELIVERY_BACKOFF_SECONDS = 60
    settings.KESU_DELIVERY_BACKOFF_MAX_SECONDS = 3600
    assert [delivery.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
