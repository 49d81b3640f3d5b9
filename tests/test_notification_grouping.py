"""Notification floods (issue 17, item 2): what happens to one complaint at once is one notice, in words not
codes; people may take their e-mail as an hourly or daily digest; supervisors have an escalations view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from kesu.notifications import digest
from kesu.notifications.models import Delivery, Notification
from kesu.notifications.services import notify, set_preferences
from kesu.routing.services import TierPeople, tier_notifications
from tests.factories import make_complaint

pytestmark = pytest.mark.django_db


def _breaches(user, complaint, *, at, clocks=("首次响应", "处理方案", "结案")):
    for i, clock in enumerate(clocks):
        notify(
            [user],
            kind="sla_breach",
            title=f"{complaint.number}: {clock} 已超时",
            complaint=complaint,
            key=f"breach:{complaint.pk}:{i}:{at.timestamp()}",
            now=at + dt.timedelta(seconds=i),
        )


@pytest.fixture
def en(web):
    def make(name):
        client = web(name)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_three_clocks_breached_at_once_are_one_notice(en, users):
    agent = users["agent"]
    c, other = make_complaint(agent), make_complaint(agent)
    now = timezone.now()
    _breaches(agent, c, at=now - dt.timedelta(minutes=1))
    _breaches(agent, other, at=now, clocks=("首次响应",))
    client = en("agent")
    html = client.get("/notifications").content.decode()
    notices = re.findall(r'data-notice="([\d,]+)"', html)
    assert len(notices) == 2 and sorted(len(n.split(",")) for n in notices) == [1, 3]
    assert "and 2 more" in html
    # The bell counts notices, not rows.
    assert re.search(r'id="nav-unread"[^>]*>2<', html)
    # Reading the notice reads its three notifications.
    three = next(n for n in notices if n.count(",") == 2)
    client.post("/notifications/read", {"id": three})
    assert Notification.objects.filter(user=agent, read_at__isnull=True).count() == 1


def test_notices_far_apart_in_time_stay_apart(en, users):
    agent = users["agent"]
    c = make_complaint(agent)
    now = timezone.now()
    _breaches(agent, c, at=now - dt.timedelta(hours=2), clocks=("首次响应",))
    _breaches(agent, c, at=now, clocks=("结案",))
    html = en("agent").get("/notifications").content.decode()
    assert len(re.findall(r'data-notice="', html)) == 2


def test_a_tier_notice_says_why_in_words_not_codes(users):
    c = make_complaint(users["agent"])
    c.level, c.owner = 3, users["handler"]  # the owner is always told
    rows = tier_notifications(c, old_level=1, now=timezone.now(), reason="", trigger="sla_breach", people=TierPeople())
    assert rows and all("sla_breach" not in n.body and "(" not in n.body for n in rows)
    rows = tier_notifications(
        c, old_level=1, now=timezone.now(), reason="客户说要打12315", trigger="triage", people=TierPeople()
    )
    # Stored in the organisation's language (e-mail, search); read in the reader's.
    assert all(n.body.startswith("客户说要打12315（") and "triage" not in n.body for n in rows)
    with translation.override("en"):
        assert all(n.display_body.startswith("客户说要打12315 (on classification)") for n in rows)


def test_supervisors_have_an_escalations_view(en, users):
    supervisor = users["supervisor"]
    c = make_complaint(users["agent"])
    now = timezone.now()
    notify([supervisor], kind="escalation", title="升级到三级", complaint=c, key="tier:x", now=now)
    notify(
        [supervisor],
        kind="task_assigned",
        title="协办任务",
        complaint=make_complaint(users["agent"]),
        key="t:x",
        now=now,
    )
    html = en("supervisor").get("/notifications?show=escalations").content.decode()
    assert "升级到三级" in html and "协办任务" not in html
    assert 'id="tab-escalations"' in html
    assert 'id="tab-escalations"' not in en("agent").get("/notifications").content.decode()


def test_a_digest_replaces_one_email_per_notification(users):
    agent = users["agent"]
    agent.email = "agent@example.com"
    agent.save(update_fields=["email"])
    set_preferences(agent, email=True, email_mode="hourly")
    c = make_complaint(agent)
    now = timezone.now()
    _breaches(agent, c, at=now - dt.timedelta(minutes=30))
    assert not Delivery.objects.filter(target="agent@example.com").exists()
    assert digest.send_digests(now=now) == 1
    [mail] = Delivery.objects.filter(target="agent@example.com")
    # The three breaches of one minute are one notice in the digest too.
    assert mail.kind == "digest" and "1" in mail.payload["title"]
    assert c.number in mail.payload["body"] and "已超时" in mail.payload["body"]
    assert mail.payload["body"].count("已超时") == 3
    # The same hour again: nothing more.
    assert digest.send_digests(now=now + dt.timedelta(minutes=1)) == 0
    assert Delivery.objects.filter(target="agent@example.com").count() == 1


def test_preferences_page_and_api_take_the_mode(en, api, users):
    users["handler"].email = "handler@example.com"
    users["handler"].save(update_fields=["email"])
    client = api("handler")
    r = client.client.put(
        "/api/v1/me/notification-preferences",
        {"email": True, "email_mode": "weekly"},
        content_type="application/json",
        headers=client.headers,
    )
    assert r.status_code == 400 and "email_mode" in r.json()["error"]["fields"]
    page = en("handler")
    page.post("/notifications/preferences", {"email": "on", "email_mode": "daily"})
    assert client.get("/me/notification-preferences").json()["email_mode"] == "daily"
