"""The complaint page's SLA clocks, rules and suggestion, repeats, tasks, watchers and rating link; the
inbox's due column; the customer's rating page."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

from kesu.complaints import actions
from kesu.complaints.models import Complaint, Event
from kesu.followup import services as followup
from kesu.followup.models import AgendaItem
from kesu.routing.models import Task
from kesu.routing.services import add_watchers
from kesu.web.display import clock_rows, due_tone
from tests.factories import advance, make_complaint

HTMX = {"HX-Request": "true"}


@pytest.fixture
def client(client):
    """The English source strings, whatever translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(client, complaint) -> str:
    r = client.get(f"/complaints/{complaint.number}")
    assert r.status_code == 200
    return r.content.decode()


# ---------------------------------------------------------------------------------------------
# SLA clocks: states and colours


def _deadline(id, *, start, due, met=None, breached=None, cancelled=None, paused=None, clock="c", round=1):
    return SimpleNamespace(
        id=id,
        clock=clock,
        round=round,
        definition_id=None,
        definition=None,
        started_at=start,
        due_at=due,
        met_at=met,
        breached_at=breached,
        cancelled_at=cancelled,
        paused_at=paused,
    )


@translation.override("en")
def test_clock_states_and_colours():
    now = timezone.now()
    h = dt.timedelta(hours=1)
    rows = clock_rows(
        [
            _deadline(1, start=now - h, due=now + 47 * h, clock="green"),  # 47 of 48 h left
            _deadline(2, start=now - 40 * h, due=now + 8 * h, clock="amber_share"),  # 8 of 48 h: < 25 %
            _deadline(3, start=now - 5 * h, due=now + h / 2, clock="amber_hour"),  # half an hour left
            _deadline(4, start=now - 2 * h, due=now - h, clock="red"),
            _deadline(5, start=now - 2 * h, due=now - h, met=now - 90 * dt.timedelta(minutes=1), clock="met"),
            _deadline(6, start=now - 3 * h, due=now - 2 * h, met=now - h, breached=now - 2 * h, clock="late"),
            _deadline(7, start=now - h, due=now + h, paused=now - h / 2, clock="paused"),
            _deadline(8, start=now - h, due=now + h, cancelled=now, clock="stopped"),
        ],
        now,
    )
    got = {r["deadline"].clock: (r["state"], r["tone"]) for r in rows}
    assert got == {
        "green": ("running", "ok"),
        "amber_share": ("soon", "soon"),
        "amber_hour": ("soon", "soon"),
        "red": ("overdue", "overdue"),
        "met": ("met", "ok"),
        "late": ("met_late", "overdue"),
        "paused": ("paused", "idle"),
        "stopped": ("stopped", "idle"),
    }
    words = {r["deadline"].clock: r["words"] for r in rows}
    assert words["green"] == "1 d 22 h left" or words["green"].endswith("left")
    assert words["red"].startswith("overdue by 1 h")
    assert "paused with 1 h" in words["paused"]


def test_a_retimed_clock_is_shown_once_as_it_runs_now():
    now = timezone.now()
    start = now - dt.timedelta(minutes=10)
    old = _deadline(1, start=start, due=start + dt.timedelta(hours=48), cancelled=now, clock="handling")
    new = _deadline(2, start=start, due=start + dt.timedelta(hours=1), clock="handling")
    rows = clock_rows([new, old], now)
    assert [r["deadline"].id for r in rows] == [2]


def test_due_tone_without_a_start_uses_the_hour():
    now = timezone.now()
    assert due_tone(now + dt.timedelta(minutes=59), now) == "soon"
    assert due_tone(now + dt.timedelta(hours=2), now) == "ok"
    assert due_tone(now - dt.timedelta(seconds=1), now) == "overdue"
    assert due_tone(None, now) == ""


# ---------------------------------------------------------------------------------------------
# The complaint page under a playbook: clocks, rule hits, suggestion


@pytest.fixture
def service(playbook):
    return playbook("service")


def test_the_complaint_page_shows_clocks_rule_hits_and_the_suggestion(web, users, service):
    c = make_complaint(
        users["agent"],
        title="孩子吃了面包食物中毒",
        description="已经去医院了,客户说要找媒体曝光。",
        type_code=None,
        amount="6000",
    )
    html = _page(web("agent"), c)
    # The SLA panel: every clock of the round, each with its due time and the time left in words.
    assert 'id="sec-clocks"' in html
    clocks = re.findall(r'data-clock="([a-z_]+)" data-state="([a-z_]+)"', html)
    assert ("first_response", "soon") in clocks  # 15 minutes: less than an hour left
    assert ("handling", "soon") in clocks  # urgent: one hour
    assert any(state == "running" for _clock, state in clocks)  # the working-day clocks have time
    assert "Start handling (urgent, 1 h)" in html and "启动处理(紧急1小时)" not in html  # the English page
    assert "min left" in html
    # Rule hits: rule, result, reason.
    assert 'data-rule="personal_safety"' in html
    assert "Personal safety" in html and "Priority: Urgent" in html
    # The suggestion beside the current values, and the words that raised the risks.
    assert 'id="suggestion"' in html
    assert 'data-field="priority"' in html and 'data-field="type_code"' in html
    assert '<mark class="risk-term">食物中毒</mark>' in html
    assert '<mark class="risk-term">媒体</mark>' in html


def test_a_triage_correction_shows_the_suggestion_as_changed(web, users, service):
    agent = users["agent"]
    c = make_complaint(agent, title="店员态度差", description="店员说话很冲", type_code="service")
    now = timezone.now()
    actions.do_acknowledge(c, actor=agent, now=now)
    actions.do_triage(c, actor=agent, now=now, priority="important", reason="VIP 客户")
    html = _page(web("agent"), c)
    row = re.search(r'<tr data-field="priority">.*?</tr>', html, re.S).group(0)
    assert "suggested" in row and "Important" in row


def test_clocks_met_and_overdue_on_the_page(web, users, service):
    agent = users["agent"]
    c = make_complaint(agent, title="快递延误", type_code="delivery")
    actions.do_acknowledge(c, actor=agent, now=timezone.now())
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3), tick=False):
        html = _page(web("agent"), c)
    states = dict(re.findall(r'data-clock="([a-z_]+)" data-state="([a-z_]+)"', html))
    assert states["first_response"] == "met"
    assert states["assignment"] == "overdue"
    assert "overdue by" in html


# ---------------------------------------------------------------------------------------------
# The inbox: the due column, the overdue filter, nearest deadline first


def test_the_inbox_colours_the_due_column_and_filters_overdue(web, users, service):
    agent = users["agent"]
    urgent = make_complaint(agent, title="食物中毒", description="孩子吃了以后去医院", type_code="quality")
    calm = make_complaint(agent, title="价格不对", type_code="price")
    client = web("agent")
    html = client.get("/", {"sort": "next_due_at"}).content.decode()
    assert html.count("due-soon") >= 2  # both first responses are due within the hour
    later = timezone.now() + dt.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        html = client.get("/", {"overdue": "on"}).content.decode()
        assert urgent.number in html and calm.number in html
        assert "due-overdue" in html and "overdue by" in html
    actions.do_acknowledge(calm, actor=agent, now=timezone.now())
    with time_machine.travel(later, tick=False):
        html = client.get("/", {"overdue": "on"}).content.decode()
    assert urgent.number in html and calm.number not in html


def test_the_inbox_sorts_by_the_nearest_deadline(web, users, service):
    agent = users["agent"]
    routine = make_complaint(agent, title="价格不对", type_code="price")
    actions.do_acknowledge(routine, actor=agent, now=timezone.now())  # its nearest clock is now later
    urgent = make_complaint(agent, title="食物中毒", description="去医院", type_code="quality")
    html = web("agent").get("/", {"sort": "next_due_at"}).content.decode()
    assert html.index(urgent.number) < html.index(routine.number)
    assert 'id="nearest-deadline"' in html


@pytest.mark.parametrize(
    ("day", "warned"), [(dt.datetime(2031, 3, 2, 10, 0), True), (dt.datetime(2025, 6, 2, 10, 0), False)]
)
def test_administrators_are_warned_when_the_calendar_lacks_a_year(web, day, warned):
    with time_machine.travel(timezone.make_aware(day), tick=False):
        html = web("admin").get("/").content.decode()
        assert ('id="calendar-warning"' in html) is warned
        if warned:
            assert "2031" in html and 'href="/admin/sla/businesscalendar/"' in html
        assert 'id="calendar-warning"' not in web("supervisor").get("/").content.decode()


# ---------------------------------------------------------------------------------------------
# Repeats, watchers, earlier rounds


def test_linked_repeat_complaints_only_those_in_scope(web, users, departments):
    agent = users["agent"]
    customer = actions.CustomerInput(name="孙八", phone="13577778888")
    first = make_complaint(agent, customer=customer, title="第一次", type_code="quality")
    second = make_complaint(agent, customer=customer, title="第二次", type_code="quality")
    assert second.repeat_count == 1
    html = _page(web("agent"), second)
    assert 'id="sec-linked"' in html and f'href="/complaints/{first.number}"' in html
    # A PROD handler sees the second (their department's) but not the first.
    now = timezone.now()
    actions.do_acknowledge(second, actor=agent, now=now)
    actions.do_triage(second, actor=agent, now=now)
    actions.do_assign(second, actor=agent, now=now, department="PROD")
    html = _page(web("handler"), second)
    assert 'id="sec-linked"' in html
    assert first.number not in html and "outside what you may see" in html


def test_watchers_are_listed(web, users, complaint):
    add_watchers(complaint, [users["supervisor"], users["director"]], reason="dispatch", now=timezone.now())
    html = _page(web("agent"), complaint)
    block = re.search(r'<ul class="list-inline small mb-0 watchers".*?</ul>', html, re.S).group(0)
    assert "supervisor" in block and "director" in block


def test_earlier_rounds_after_a_dissatisfied_rating(web, users, complaint):
    admin = users["admin"]
    c = advance(complaint, admin, "resolved")
    actions.do_rate(c, actor=admin, now=timezone.now(), score=5, comment="还是坏的")
    html = _page(web("agent"), c)
    assert 'id="sec-rounds"' in html and "还是坏的" in html


# ---------------------------------------------------------------------------------------------
# Collaboration tasks


def _tasks_snapshot(complaint):
    return sorted(Task.objects.filter(complaint=complaint).values_list("id", "status", "note", "version"))


def test_adding_a_task(web, users, complaint):
    client = web("agent")  # the recorder manages the complaint's tasks
    assert 'id="task-add"' in _page(client, complaint)
    due = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        f"/complaints/{complaint.number}/tasks",
        {"title": "质量部出具检测报告", "department": "QA", "owner": "", "due_at": due, "required": "on"},
        headers=HTMX,
    )
    assert r.status_code == 200
    task = Task.objects.get(complaint=complaint)
    assert task.department.code == "QA" and task.required and task.status == "open"
    html = r.content.decode()
    assert f'data-task="{task.id}"' in html and "质量部出具检测报告" in html
    assert complaint.events.filter(action="task_added").exists()


def test_a_task_form_with_errors_keeps_what_was_typed_and_changes_nothing(web, users, complaint):
    client = web("agent")
    events = Event.objects.filter(complaint=complaint).count()
    r = client.post(
        f"/complaints/{complaint.number}/tasks",
        {"title": "", "department": "", "owner": "", "due_at": "2001-01-01T10:00"},
        headers=HTMX,
    )
    assert r.status_code == 422 or r.status_code == 400
    html = r.content.decode()
    for field in ("title", "department", "due_at"):
        assert f'id="id_task_{field}_error"' in html, field
    assert 'id="task-add" class="collapse show' in html
    assert not Task.objects.filter(complaint=complaint).exists()
    assert Event.objects.filter(complaint=complaint).count() == events


def test_people_who_may_not_manage_tasks_get_no_form_and_are_refused(web, users, departments):
    agent, handler = users["agent"], users["handler"]
    c = make_complaint(agent)
    now = timezone.now()
    actions.do_acknowledge(c, actor=agent, now=now)
    actions.do_triage(c, actor=agent, now=now)
    actions.do_assign(c, actor=agent, now=now, department="PROD", owner="handler")
    # agent2 neither owns nor recorded it
    html = _page(web("agent2"), c)
    assert 'id="task-add"' not in html
    r = web("agent2").post(f"/complaints/{c.number}/tasks", {"title": "越权", "department": "QA"})
    assert r.status_code == 403
    assert not Task.objects.filter(complaint=c).exists()
    # The owner may.
    assert 'id="task-add"' in _page(web("handler"), c)
    assert handler == Complaint.objects.get(pk=c.pk).owner


def test_updating_a_task(web, users, complaint):
    from kesu.routing.tasks_actions import do_create_task

    task = do_create_task(complaint, actor=users["agent"], now=timezone.now(), title="检测", department="PROD")
    client = web("handler")  # a member of the task's department works on it
    html = _page(client, complaint)
    assert f'id="task-{task.id}-form"' in html
    assert 'value="cancelled"' not in re.search(rf'id="task-{task.id}-form".*?</form>', html, re.S).group(0)
    url = f"/complaints/{complaint.number}/tasks/{task.id}"
    # Done without a word on what was done: refused, nothing changes, the message sits by the note.
    before = _tasks_snapshot(complaint)
    r = client.post(url, {"status": "done", "note": "", "version": task.version}, headers=HTMX)
    assert r.status_code == 422 or r.status_code == 400
    assert f'id="id_task{task.id}_note_error"' in r.content.decode()
    assert _tasks_snapshot(complaint) == before
    # A stale version: refused.
    r = client.post(url, {"status": "in_progress", "note": "", "version": task.version + 5}, headers=HTMX)
    assert r.status_code == 409
    assert _tasks_snapshot(complaint) == before
    # Done, with a note.
    r = client.post(url, {"status": "done", "note": "检测合格", "version": task.version})
    assert r.status_code == 302 and r["Location"].endswith("#tasks")
    task.refresh_from_db()
    assert task.status == "done" and task.note == "检测合格"
    assert client.post(f"/complaints/{complaint.number}/tasks/999999", {"status": "done"}).status_code == 404


def test_a_task_of_another_department_cannot_be_worked_by_an_outsider(web, users, complaint):
    from kesu.routing.tasks_actions import do_create_task

    task = do_create_task(complaint, actor=users["agent"], now=timezone.now(), title="财务核算", department="FIN")
    html = _page(web("agent2"), complaint)  # an agent who sees the complaint but is not in FIN
    assert f'id="task-{task.id}-form"' not in html
    before = _tasks_snapshot(complaint)
    r = web("agent2").post(
        f"/complaints/{complaint.number}/tasks/{task.id}", {"status": "in_progress", "note": "x"}, headers=HTMX
    )
    assert r.status_code == 403
    assert _tasks_snapshot(complaint) == before


# ---------------------------------------------------------------------------------------------
# The customer rating link and the rating page


def _resolved(users):
    c = make_complaint(users["agent"], title="冰箱漏水", description="客户王五的冰箱漏水")
    return advance(c, users["admin"], "resolved")


def test_the_rating_link_is_offered_on_resolved_complaints(web, users, complaint):
    client = web("agent")
    assert 'id="make-rating-link"' not in _page(client, complaint)
    r = client.post(f"/complaints/{complaint.number}/rating-link", headers=HTMX)
    assert r.status_code == 409 and "/rate/" not in r.content.decode()
    c = _resolved(users)
    assert 'id="make-rating-link"' in _page(client, c)
    r = client.post(f"/complaints/{c.number}/rating-link", headers=HTMX)
    html = r.content.decode()
    assert r.status_code == 200
    url = re.search(r'id="rating-link-url" type="text" value="([^"]+)"', html).group(1)
    assert url.startswith("http://") and "/rate/" in url
    assert followup.read_rating_token(url.rsplit("/", 1)[1]) == (c.number, c.round)
    # Without htmx the page shows it too.
    assert 'id="rating-link-url"' in client.post(f"/complaints/{c.number}/rating-link").content.decode()


def _token(users):
    c = _resolved(users)
    return c, followup.rating_token(c)


def test_the_rating_page_shows_no_personal_data(client, users):
    c, token = _token(users)
    r = client.get(f"/rate/{token}")
    html = r.content.decode()
    assert r.status_code == 200
    assert c.number in html and "已上门换新" in html
    assert c.title not in html  # the title staff wrote is not the customer's summary
    assert c.customer.phone not in html and c.customer.phone[-4:] not in html
    assert c.customer.name not in html and "客户王五" not in html
    labels = re.findall(r'<span class="rate-number">(\d)</span>\s*<span>([^<]+)</span>', html)
    assert labels == [
        ("1", "Very satisfied"),
        ("2", "Satisfied"),
        ("3", "Acceptable / understandable"),
        ("4", "Dissatisfied"),
        ("5", "Very dissatisfied"),
    ]
    assert 'name="viewport"' in html
    assert 'id="nav-notifications"' not in html  # no staff navigation


def test_a_satisfied_rating_completes_the_complaint(client, users):
    c, token = _token(users)
    r = client.post(f"/rate/{token}", {"score": "2", "comment": "服务很好"})
    assert r.status_code == 302 and r["Location"] == f"/rate/{token}/thanks"
    c.refresh_from_db()
    assert c.status == "resolved" and c.satisfaction == 2 and c.satisfaction_comment == "服务很好"
    event = c.events.get(action="rate")
    assert event.actor is None and event.data["by"] == "customer"
    thanks = client.get(r["Location"]).content.decode()
    assert 'data-state="thanks"' in thanks and "reopened" not in thanks
    # The link is spent.
    again = client.get(f"/rate/{token}")
    assert again.status_code == 200 and 'data-state="already"' in again.content.decode()
    r = client.post(f"/rate/{token}", {"score": "1"})
    assert r.status_code == 409
    c.refresh_from_db()
    assert c.satisfaction == 2


def test_a_dissatisfied_rating_reopens_one_level_up(client, users):
    c, token = _token(users)
    level = c.level or 1
    r = client.post(f"/rate/{token}", {"score": "5", "comment": "还是漏水"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "reopened" and c.level == level + 1 and c.round == 2
    thanks = client.get(r["Location"]).content.decode()
    assert 'data-state="thanks"' in thanks and "reopened" in thanks
    assert 'data-state="already"' in client.get(f"/rate/{token}").content.decode()


def test_a_level_3_customer_still_dissatisfied_goes_to_the_gm_meeting(client, users):
    admin = users["admin"]
    c = make_complaint(users["agent"])
    actions.do_acknowledge(c, actor=admin, now=timezone.now())
    actions.do_triage(c, actor=admin, now=timezone.now(), level=3, severity="A")
    c = advance(c, admin, "resolved")
    client.post(f"/rate/{followup.rating_token(c)}", {"score": "4"})
    assert AgendaItem.objects.filter(complaint=c, status="open").exists()


def test_tampered_expired_and_unanswered_links(client, users):
    c, token = _token(users)
    assert client.get(f"/rate/{token[:-2]}xx").status_code == 404
    assert client.post(f"/rate/{token}x", {"score": "2"}).status_code == 404
    assert client.get("/rate/nonsense").status_code == 404
    assert 'data-state="invalid"' in client.get("/rate/nonsense").content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert client.post(f"/rate/{token}", {"score": "2"}).status_code == 404
    # No score: the form says so, nothing changes.
    r = client.post(f"/rate/{token}", {"score": "", "comment": "x"})
    assert r.status_code == 400 and 'id="id_rating_score_error"' in r.content.decode()
    r = client.post(f"/rate/{token}", {"score": "9"})
    assert r.status_code == 400
    c.refresh_from_db()
    assert c.satisfaction is None and c.status == "resolved"
    # Thanks before any answer: back to the form.
    assert client.get(f"/rate/{token}/thanks")["Location"] == f"/rate/{token}"


def test_a_link_for_a_complaint_no_longer_waiting_for_a_rating(client, users):
    c = make_complaint(users["agent"])
    c = advance(c, users["admin"], "investigating")
    r = client.get(f"/rate/{followup.rating_token(c)}")
    assert r.status_code == 200 and 'data-state="not_waiting"' in r.content.decode()
    assert client.post(f"/rate/{followup.rating_token(c)}", {"score": "1"}).status_code == 409
