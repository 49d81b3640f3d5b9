"""The staff's own pages: notifications, revisits and campaigns, the GM meeting agenda, the assessment ledger."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.assessment.models import PenaltyEntry
from kesu.complaints import actions
from kesu.followup import services as followup
from kesu.followup.models import AgendaItem, Campaign, Revisit
from kesu.notifications.models import Notification
from kesu.notifications.services import notify
from tests.factories import advance, make_complaint

HTMX = {"HX-Request": "true"}


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# ---------------------------------------------------------------------------------------------
# The navbar


@pytest.mark.parametrize(
    ("role", "gm", "ledger"),
    [
        ("agent", False, "/ledger/me"),
        ("handler", False, "/ledger/me"),
        ("supervisor", False, "/ledger"),
        ("director", True, "/ledger"),
        ("manager", True, "/ledger"),
        ("admin", True, "/ledger"),
    ],
)
def test_navbar_links_by_role(web, role, gm, ledger):
    html = web(role).get("/").content.decode()
    nav = re.search(r'<ul class="navbar-nav me-auto">.*?</ul>', html, re.S).group(0)
    assert 'href="/revisits"' in nav and 'href="/notifications"' in nav
    assert ('href="/gm-meeting"' in nav) is gm
    assert f'href="{ledger}"' in nav


# ---------------------------------------------------------------------------------------------
# Notifications


def _notify(user, n, complaint=None, key="t"):
    for i in range(n):
        notify(
            [user], kind="test", title=f"消息{i}", body="正文", complaint=complaint, key=f"{key}{i}", now=timezone.now()
        )


def test_the_navbar_badge_counts_unread_notifications_with_one_query(web, users, complaint):
    client = web("agent")
    html = client.get("/").content.decode()
    assert 'id="nav-unread"' not in html
    client.get("/")
    few = _count_queries(client, "/")
    _notify(users["agent"], 3, complaint)  # three at once about one complaint: one notice
    _notify(users["agent"], 2, key="loose")  # two about no complaint: two more
    _notify(users["agent2"], 2)  # someone else's
    html = client.get("/").content.decode()
    assert re.search(r'id="nav-unread"[^>]*>3</span>', html)
    assert 'hx-trigger="every 60s"' in html
    assert _count_queries(client, "/") == few
    badge = client.get("/notifications/badge", headers=HTMX)
    assert badge.status_code == 200 and re.search(r'id="nav-unread"[^>]*>3</span>', badge.content.decode())
    assert "<html" not in badge.content.decode()


def test_the_badge_of_a_signed_out_user_swaps_nothing(client):
    assert client.get("/notifications/badge", headers=HTMX).status_code == 204


def test_the_notifications_page_lists_and_marks_read(web, users, complaint):
    agent = users["agent"]
    _notify(agent, 1, complaint)
    _notify(agent, 2, key="loose")
    _notify(users["agent2"], 1, key="other")
    client = web("agent")
    html = client.get("/notifications").content.decode()
    ids = [int(i) for i in re.findall(r'data-notification="(\d+)"', html)]
    assert len(ids) == 3 and html.count("notification unread") == 3
    assert 'id="mark-all-read"' in html
    # One read (htmx: the list and the navbar badge, out of band).
    r = client.post("/notifications/read", {"id": ids[0]}, headers=HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and 'hx-swap-oob="true"' in body
    assert re.search(r'id="nav-unread"[^>]*>2</span>', body)
    assert Notification.objects.filter(user=agent, read_at__isnull=True).count() == 2
    # Someone else's id changes nothing of theirs.
    theirs = Notification.objects.get(user=users["agent2"])
    client.post("/notifications/read", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/notifications/read", {"id": "x"}).status_code == 404
    # Following one to its complaint marks it read.
    about = Notification.objects.get(user=agent, complaint=complaint).pk
    r = client.get(f"/notifications/{about}/open")
    assert r.status_code == 302 and r["Location"] == f"/complaints/{complaint.number}"
    assert Notification.objects.get(pk=about).read_at is not None
    assert client.get(f"/notifications/{theirs.pk}/open").status_code == 404
    # All read.
    r = client.post("/notifications/read")
    assert r.status_code == 302
    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()
    assert "data-notification" not in client.get("/notifications?show=unread").content.decode()
    assert "No unread notifications." in client.get("/notifications?show=unread").content.decode()


def test_the_notifications_page_needs_a_login(client):
    r = client.get("/notifications")
    assert r.status_code == 302 and "/login/" in r["Location"]


# ---------------------------------------------------------------------------------------------
# Revisits


def _closed(users, **kwargs):
    """A complaint the agent recorded, closed: a revisit for the agent is scheduled."""
    c = make_complaint(users["agent"], **kwargs)
    return advance(c, users["admin"], "closed")


def test_an_agent_sees_their_pending_revisits(web, users):
    c = _closed(users, title="回访这件")
    revisit = Revisit.objects.get(complaint=c)
    assert revisit.assigned_to == users["agent"]
    html = web("agent").get("/revisits").content.decode()
    assert f'data-revisit="{revisit.id}"' in html and c.title in html
    phone = c.customer.phone
    assert phone not in html and f"{phone[:3]}****{phone[-4:]}" in html
    assert f'id="contact-r{revisit.id}"' in html  # the reveal flow of the complaint page
    assert 'id="campaign-form"' not in html
    assert f'data-revisit="{revisit.id}"' not in web("agent2").get("/revisits").content.decode()
    assert web("handler").get("/revisits").status_code == 200


def test_revealing_a_customers_phone_on_the_revisits_list(web, users):
    c = _closed(users)
    revisit = Revisit.objects.get(complaint=c)
    r = web("agent").post(
        f"/complaints/{c.number}/contact/reveal", {"block": f"contact-r{revisit.id}", "compact": "1"}, headers=HTMX
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert f'id="contact-r{revisit.id}"' in html and c.customer.phone in html
    assert "<dl" not in html  # the one-line kind
    assert c.events.filter(action="reveal_contact").count() == 1
    r = web("agent").post(f"/complaints/{c.number}/contact/reveal", {"block": '"><script>'}, headers=HTMX)
    assert 'id="contact-block"' in r.content.decode() and "<script>" not in r.content.decode()


def test_supervisors_see_everyones_revisits_and_filter_by_agent(web, users):
    mine = _closed(users, title="甲")
    other = make_complaint(users["agent2"], title="乙")
    other = advance(other, users["admin"], "closed")
    client = web("supervisor")
    html = client.get("/revisits").content.decode()
    assert mine.title in html and other.title in html
    html = client.get("/revisits", {"agent": "agent2"}).content.decode()
    assert mine.title not in html and other.title in html
    assert 'id="campaign-form"' in html


def test_recording_a_revisit(web, users):
    c = _closed(users)
    revisit = Revisit.objects.get(complaint=c)
    client = web("agent")
    r = client.post(
        f"/revisits/{revisit.id}", {"status": "done", "result": "客户表示满意", "satisfaction": "1"}, headers=HTMX
    )
    assert r.status_code == 200
    revisit.refresh_from_db()
    assert revisit.status == "done" and revisit.satisfaction == 1 and revisit.done_by == users["agent"]
    assert c.events.filter(action="revisit").exists()
    assert f'data-revisit="{revisit.id}"' not in r.content.decode()  # no longer pending
    html = client.get("/revisits", {"status": "done"}).content.decode()
    assert f'data-revisit="{revisit.id}"' in html and "客户表示满意" in html
    # Recorded once.
    r = client.post(f"/revisits/{revisit.id}", {"status": "done", "result": "again"})
    assert r.status_code == 409


def test_a_revisit_form_with_errors_changes_nothing(web, users):
    c = _closed(users)
    revisit = Revisit.objects.get(complaint=c)
    events = c.events.count()
    r = web("agent").post(f"/revisits/{revisit.id}", {"status": "done", "result": "  "}, headers=HTMX)
    assert r.status_code == 422 or r.status_code == 400
    assert f'id="id_revisit{revisit.id}_result_error"' in r.content.decode()
    r = web("agent").post(f"/revisits/{revisit.id}", {"status": "", "result": "x"})
    assert f'id="id_revisit{revisit.id}_status_error"' in r.content.decode()
    revisit.refresh_from_db()
    assert revisit.status == "pending" and revisit.result == "" and c.events.count() == events
    # Another agent's revisit does not exist for them.
    assert web("agent2").post(f"/revisits/{revisit.id}", {"status": "done", "result": "x"}).status_code == 404
    revisit.refresh_from_db()
    assert revisit.status == "pending"


def _campaign_form(**overrides):
    data = {
        "name": "三月回访",
        "agents": ["agent", "agent2"],
        "due_at": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "note": "问候并询问满意度",
        "closed_from": "",
        "closed_to": "",
        "type_code": "",
        "department": "",
        "store": "",
        "satisfaction_gte": "",
    }
    data.update(overrides)
    return data


def test_a_supervisor_starts_a_campaign(web, users):
    for i in range(3):
        _closed(users, title=f"已结案{i}")
    client = web("supervisor")
    r = client.post("/revisits/campaigns", _campaign_form())
    assert r.status_code == 302
    campaign = Campaign.objects.get(name="三月回访")
    assert campaign.revisits.count() == 3
    assert set(campaign.revisits.values_list("assigned_to__username", flat=True)) == {"agent", "agent2"}
    html = client.get("/revisits").content.decode()
    assert f'data-campaign="{campaign.id}"' in html
    assert re.search(r'class="text-nowrap campaign-progress">0 / 3<', html)
    one = campaign.revisits.first()
    followup.do_record_revisit(one.id, actor=users["supervisor"], now=timezone.now(), status="done", result="好")
    assert re.search(r"campaign-progress\">1 / 3<", client.get("/revisits").content.decode())


def test_campaign_errors_and_permissions(web, users):
    _closed(users)
    client = web("supervisor")
    r = client.post("/revisits/campaigns", _campaign_form(name="", agents=[]))
    assert r.status_code in (400, 422)
    html = r.content.decode()
    assert 'id="campaign-form" class="collapse show' in html
    assert 'id="id_campaign_name_error"' in html
    r = client.post("/revisits/campaigns", _campaign_form(agents=["handler"]))
    assert 'id="id_campaign_agents_error"' in r.content.decode()
    r = client.post("/revisits/campaigns", _campaign_form(due_at="2001-01-01T10:00"))
    assert 'id="id_campaign_due_at_error"' in r.content.decode()
    r = client.post("/revisits/campaigns", _campaign_form(store="没有这家店"))
    assert r.status_code == 422 or r.status_code == 400
    assert "No closed complaint matches" in r.content.decode()
    assert web("agent").post("/revisits/campaigns", _campaign_form()).status_code == 403
    assert not Campaign.objects.exists()


def test_the_revisits_list_costs_a_fixed_number_of_queries(web, users):
    _closed(users)
    for name in ("agent", "supervisor"):
        client = web(name)
        client.get("/revisits")
        few = _count_queries(client, "/revisits")
        for i in range(6):
            _closed(users, title=f"更多{name}{i}")
        assert _count_queries(client, "/revisits") == few, name


# ---------------------------------------------------------------------------------------------
# The general manager's meeting


def _on_agenda(users):
    c = make_complaint(users["agent"], title="三级投诉仍不满意")
    admin = users["admin"]
    actions.do_acknowledge(c, actor=admin, now=timezone.now())
    actions.do_triage(c, actor=admin, now=timezone.now(), level=3, severity="A")
    c = advance(c, admin, "resolved")
    actions.do_rate(c, actor=None, now=timezone.now(), score=5, comment="坚决不接受")
    return AgendaItem.objects.get(complaint=c, status="open")


@pytest.mark.parametrize("role", ["agent", "supervisor", "handler", "quality", "archivist"])
def test_the_agenda_is_for_directors_and_the_gm_office(web, users, role):
    item = _on_agenda(users)
    assert web(role).get("/gm-meeting").status_code == 403
    r = web(role).post(f"/gm-meeting/{item.id}/decision", {"decision": "x"})
    assert r.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_the_agenda_shows_each_complaints_file(web, users):
    item = _on_agenda(users)
    c = item.complaint
    html = web("director").get("/gm-meeting").content.decode()
    block = re.search(rf'data-item="{item.id}".*?</section>', html, re.S).group(0)
    assert c.number in block and c.title in block and item.reason in block
    assert "坚决不接受" in block  # the satisfaction history
    assert re.search(r'<table class="[^"]*\brounds-table\b', block)  # the earlier round
    assert f'href="/complaints/{c.number}#sec-timeline"' in block
    assert "decision-form" not in block  # directors read; the GM office decides
    assert c.customer.phone not in html


def test_the_gm_office_records_a_decision(web, users):
    item = _on_agenda(users)
    client = web("manager")
    html = client.get("/gm-meeting").content.decode()
    assert f'id="id_agenda{item.id}_decision"' in html
    r = client.post(f"/gm-meeting/{item.id}/decision", {"decision": "", "meeting_on": ""})
    assert r.status_code in (400, 422)
    assert f'id="id_agenda{item.id}_decision_error"' in r.content.decode()
    item.refresh_from_db()
    assert item.status == "open"
    r = client.post(f"/gm-meeting/{item.id}/decision", {"decision": "全额退款并上门致歉", "meeting_on": "2025-03-10"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == "decided" and item.decided_by == users["manager"] and str(item.meeting_on) == "2025-03-10"
    html = client.get("/gm-meeting").content.decode()
    decided = re.search(r'id="decided".*', html, re.S).group(0)
    assert "全额退款并上门致歉" in decided
    assert client.post(f"/gm-meeting/{item.id}/decision", {"decision": "again"}).status_code == 409
    assert client.post("/gm-meeting/999999/decision", {"decision": "x"}).status_code == 404


# ---------------------------------------------------------------------------------------------
# The assessment ledger


def _entry(person, complaint, *, amount="30.00", status="pending", created=None, rule="未在1个工作日内联系客户"):
    return PenaltyEntry.objects.create(
        person=person,
        complaint=complaint,
        rule=rule,
        amount=Decimal(amount),
        status=status,
        created_at=created or timezone.now(),
    )


@pytest.fixture
def ledger(users, complaint):
    agent, agent2, supervisor = users["agent"], users["agent2"], users["supervisor"]
    march = timezone.make_aware(dt.datetime(2025, 3, 10, 10, 0))
    april = timezone.make_aware(dt.datetime(2025, 4, 2, 10, 0))
    return {
        "a1": _entry(agent, complaint, created=march),
        "a2": _entry(agent, complaint, amount="50.00", status="confirmed", created=march),
        "a3": _entry(agent, complaint, amount="100.00", status="waived", created=april),
        "b1": _entry(agent2, complaint, created=april),
        "s1": _entry(supervisor, complaint, created=april),
    }


def _entries(html):
    return {int(i) for i in re.findall(r'<tr data-entry="(\d+)"', html)}


def test_supervisors_see_the_whole_ledger_with_filters(web, ledger):
    client = web("supervisor")
    html = client.get("/ledger").content.decode()
    assert _entries(html) == {e.id for e in ledger.values()}
    assert 'data-total="pending">90.00<' in html and 'data-total="confirmed">50.00<' in html
    assert _entries(client.get("/ledger", {"status": "pending"}).content.decode()) == {
        ledger["a1"].id,
        ledger["b1"].id,
        ledger["s1"].id,
    }
    assert _entries(client.get("/ledger", {"person": "agent"}).content.decode()) == {
        ledger["a1"].id,
        ledger["a2"].id,
        ledger["a3"].id,
    }
    assert _entries(client.get("/ledger", {"month": "2025-03"}).content.decode()) == {ledger["a1"].id, ledger["a2"].id}
    bad = client.get("/ledger", {"month": "2025-13"})
    assert bad.status_code == 200 and _entries(bad.content.decode()) == {e.id for e in ledger.values()}
    # Nobody decides their own entry.
    row = re.search(rf'<tr data-entry="{ledger["s1"].id}".*?</tr>', html, re.S).group(0)
    assert "penalty-form" not in row
    row = re.search(rf'<tr data-entry="{ledger["a1"].id}".*?</tr>', html, re.S).group(0)
    assert "penalty-form" in row


@pytest.mark.parametrize("role", ["agent", "handler", "quality", "archivist"])
def test_the_whole_ledger_is_for_supervisors_and_above(web, ledger, role):
    client = web(role)
    assert client.get("/ledger").status_code == 403
    assert client.get("/ledger/supervisor").status_code == 403
    r = client.post(f"/ledger/entries/{ledger['b1'].id}", {"decision": "confirm"})
    assert r.status_code == 403
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].status == "pending"


def test_confirming_and_waiving(web, users, ledger):
    client = web("supervisor")
    r = client.post(f"/ledger/entries/{ledger['a1'].id}?status=pending", {"decision": "confirm", "amount": "60"})
    assert r.status_code == 302 and r["Location"] == "/ledger?status=pending"
    ledger["a1"].refresh_from_db()
    assert ledger["a1"].status == "confirmed" and ledger["a1"].amount == Decimal("60.00")
    assert ledger["a1"].decided_by == users["supervisor"]
    # Waiving needs a note: nothing changes without one, and the message is by the note.
    r = client.post(f"/ledger/entries/{ledger['b1'].id}", {"decision": "waive", "note": ""}, headers=HTMX)
    assert r.status_code in (400, 422)
    assert f'id="id_penalty{ledger["b1"].id}_note_error"' in r.content.decode()
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].status == "pending" and ledger["b1"].decided_by is None
    r = client.post(f"/ledger/entries/{ledger['b1'].id}", {"decision": "confirm", "amount": "abc"}, headers=HTMX)
    assert f'id="id_penalty{ledger["b1"].id}_amount_error"' in r.content.decode()
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].status == "pending" and ledger["b1"].amount == Decimal("30.00")
    r = client.post(f"/ledger/entries/{ledger['b1'].id}", {"decision": "waive", "note": "系统故障"}, headers=HTMX)
    assert r.status_code == 200 and "<html" not in r.content.decode()
    ledger["b1"].refresh_from_db()
    assert ledger["b1"].status == "waived" and ledger["b1"].decision_note == "系统故障"
    # Own entry; an entry already decided; a missing one.
    assert client.post(f"/ledger/entries/{ledger['s1'].id}", {"decision": "confirm"}).status_code == 403
    assert client.post(f"/ledger/entries/{ledger['a2'].id}", {"decision": "confirm"}).status_code == 409
    assert client.post("/ledger/entries/999999", {"decision": "confirm"}).status_code == 404


def test_everyone_sees_their_own_entries_with_monthly_totals(web, ledger):
    client = web("agent")
    html = client.get("/ledger/me").content.decode()
    assert {int(i) for i in re.findall(r'data-entry="(\d+)"', html)} == {
        ledger["a1"].id,
        ledger["a2"].id,
        ledger["a3"].id,
    }
    march = re.search(r'<tr data-month="2025-03">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r">([\d.]+)<", march) == ["50.00", "30.00", "0.00", "2"]
    april = re.search(r'<tr data-month="2025-04">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r">([\d.]+)<", april) == ["0.00", "0.00", "100.00", "1"]
    assert client.get("/ledger/agent")["Location"] == "/ledger/me"
    # Supervisors open anyone's page; an unknown name is not found.
    supervisor = web("supervisor")
    html = supervisor.get("/ledger/agent2").content.decode()
    assert {int(i) for i in re.findall(r'data-entry="(\d+)"', html)} == {ledger["b1"].id}
    assert supervisor.get("/ledger/nobody").status_code == 404
    assert web("handler").get("/ledger/me").status_code == 200


def test_the_ledger_costs_a_fixed_number_of_queries(web, users, complaint, ledger):
    client = web("supervisor")
    client.get("/ledger")
    few = _count_queries(client, "/ledger")
    for i in range(8):
        _entry(users["agent2" if i % 2 else "agent"], make_complaint(users["agent"], title=f"罚{i}"))
    assert _count_queries(client, "/ledger") == few
    me = _count_queries(web("agent"), "/ledger/me")
    _entry(users["agent"], complaint)
    assert _count_queries(web("agent"), "/ledger/me") == me
