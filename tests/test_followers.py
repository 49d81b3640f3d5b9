"""Followers (抄送) and @mentions: who may be added or mentioned (the complaint's data scope), who is told of
what, through which channels, and what the timeline shows. Through the v1 API and the complaint page."""

import pytest
from django.utils import timezone

from kesu.accounts.models import User
from kesu.complaints import actions
from kesu.complaints.access import complaints_visible_to
from kesu.complaints.models import Event
from kesu.notifications.models import Delivery, Notification
from kesu.routing.followers import mentioned_names, people_in_scope
from kesu.routing.models import Watcher
from tests.factories import UserFactory, advance, make_complaint, snapshot

HTMX = {"HX-Request": "true"}


@pytest.fixture
def prod_complaint(users):
    """A complaint handled by the production department: `handler` (PROD) sees it, `handler_log` (LOG)
    does not."""
    return advance(make_complaint(users["agent"]), users["admin"], "investigating", department="PROD")


def _told(user, kind=None):
    qs = Notification.objects.filter(user=user)
    return list(qs.filter(kind=kind) if kind else qs)


def _followers(api, number):
    return api("agent").get(f"/complaints/{number}").json()["followers"]


# ---------------------------------------------------------------------------------------------
# Adding and removing


def test_follow_yourself_and_add_a_colleague_in_scope(api, users, prod_complaint):
    number = prod_complaint.number
    r = api("agent").post(f"/complaints/{number}/followers", {"username": "agent"})
    assert r.status_code == 200, r.content
    r = api("agent").post(f"/complaints/{number}/followers", {"username": "handler"})
    assert r.status_code == 200
    assert {"agent", "handler"} <= set(r.json()["followers"])
    assert {"agent", "handler"} <= set(_followers(api, number))
    actions_seen = list(
        Event.objects.filter(complaint=prod_complaint, action="follower_added").values_list("data", flat=True)
    )
    assert {d["follower"] for d in actions_seen} == {"agent", "handler"}
    # The colleague is told they were added; following yourself tells no one.
    assert [n.kind for n in _told(users["handler"], "follower_added")] == ["follower_added"]
    assert _told(users["agent"], "follower_added") == []


def test_following_twice_changes_nothing(api, prod_complaint):
    number = prod_complaint.number
    api("agent").post(f"/complaints/{number}/followers", {"username": "handler"})
    r = api("agent").post(f"/complaints/{number}/followers", {"username": "handler"})
    assert r.status_code == 200
    assert Watcher.objects.filter(complaint=prod_complaint, user__username="handler").count() == 1
    assert Event.objects.filter(complaint=prod_complaint, action="follower_added").count() == 1


def test_someone_outside_the_scope_cannot_be_added(api, users, prod_complaint):
    number = prod_complaint.number
    before = snapshot(number)
    r = api("agent").post(f"/complaints/{number}/followers", {"username": "handler_log"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert "username" in error["fields"]
    assert "handler_log" in error["message"] and number in error["message"]
    assert not Watcher.objects.filter(complaint=prod_complaint, user=users["handler_log"]).exists()
    assert snapshot(number) == before
    assert _told(users["handler_log"]) == []


def test_an_unknown_username_is_named(api, prod_complaint):
    r = api("agent").post(f"/complaints/{prod_complaint.number}/followers", {"username": "nobody"})
    assert r.status_code == 400
    assert "nobody" in r.json()["error"]["message"]


def test_a_complaint_you_may_not_see_cannot_be_followed(api, prod_complaint):
    r = api("handler_log").post(f"/complaints/{prod_complaint.number}/followers", {"username": "handler_log"})
    assert r.status_code == 404
    assert not Watcher.objects.filter(complaint=prod_complaint).filter(user__username="handler_log").exists()


def test_removing_a_follower(api, users, prod_complaint):
    number = prod_complaint.number
    api("agent").post(f"/complaints/{number}/followers", {"username": "handler"})
    # Another agent neither added them, owns the complaint nor reviews: refused, nothing changes.
    r = api("agent2").client.delete(f"/api/v1/complaints/{number}/followers/handler", headers=api("agent2").headers)
    assert r.status_code == 403
    assert "handler" in _followers(api, number)
    # The one who added them may; so may the follower themselves (tested below).
    r = api("agent").client.delete(f"/api/v1/complaints/{number}/followers/handler", headers=api("agent").headers)
    assert r.status_code == 200
    assert "handler" not in r.json()["followers"]
    assert Event.objects.filter(complaint=prod_complaint, action="follower_removed").count() == 1
    r = api("agent").client.delete(f"/api/v1/complaints/{number}/followers/handler", headers=api("agent").headers)
    assert r.status_code == 404


def test_a_follower_takes_themselves_off(api, prod_complaint):
    number = prod_complaint.number
    api("agent").post(f"/complaints/{number}/followers", {"username": "handler"})
    h = api("handler")
    assert h.client.delete(f"/api/v1/complaints/{number}/followers/handler", headers=h.headers).status_code == 200


def test_the_people_in_scope_are_exactly_those_who_may_open_it(users, prod_complaint):
    UserFactory(username="gone", role="agent", is_active=False)
    complaint = prod_complaint
    complaint.collaborators.add(users["quality"].departments.first())
    expected = {
        u.username
        for u in User.objects.filter(is_active=True)
        if complaints_visible_to(u).filter(pk=complaint.pk).exists()
    }
    assert {u.username for u in people_in_scope(complaint)} == expected
    assert "quality" in expected and "handler_log" not in expected


# ---------------------------------------------------------------------------------------------
# Followers are told


def test_a_follower_is_notified_of_a_public_event(api, users, prod_complaint, django_capture_on_commit_callbacks):
    number = prod_complaint.number
    users["handler"].email = "handler@example.com"
    users["handler"].save()
    api("agent").post(f"/complaints/{number}/followers", {"username": "handler"})
    with django_capture_on_commit_callbacks(execute=True):
        r = api("agent").act(number, "note", {"text": "已联系客户,明天上门", "internal": False})
    assert r.status_code == 200, r.content
    told = _told(users["handler"], "followed_update")
    assert len(told) == 1 and told[0].complaint_id == prod_complaint.pk and number in told[0].title
    assert "已联系客户" in told[0].body
    # Through the follower's channels: the in-app inbox (the API lists it) and e-mail, as they chose.
    listed = api("handler").get("/notifications").json()
    assert any(item["kind"] == "followed_update" for item in listed["items"])
    assert Delivery.objects.filter(notification=told[0], channel="email").exists()
    # The one who acted is not told of their own change.
    api("handler").post(f"/complaints/{number}/followers", {"username": "agent2"})
    with django_capture_on_commit_callbacks(execute=True):
        api("handler").act(number, "note", {"text": "检测中"})
    assert len(_told(users["handler"], "followed_update")) == 1
    assert len(_told(users["agent2"], "followed_update")) == 1


def test_a_follower_who_turned_email_off_is_told_in_the_app_only(
    api, users, prod_complaint, django_capture_on_commit_callbacks
):
    users["handler"].email = "handler@example.com"
    users["handler"].save()
    api("handler").client.put(
        "/api/v1/me/notification-preferences",
        {"email": False},
        content_type="application/json",
        headers=api("handler").headers,
    )
    api("agent").post(f"/complaints/{prod_complaint.number}/followers", {"username": "handler"})
    with django_capture_on_commit_callbacks(execute=True):
        api("agent").act(prod_complaint.number, "note", {"text": "进展"})
    told = _told(users["handler"], "followed_update")
    assert len(told) == 1
    assert not Delivery.objects.filter(notification=told[0]).exists()


def test_a_follower_who_lost_the_scope_is_no_longer_told(users, prod_complaint, django_capture_on_commit_callbacks):
    handler = UserFactory(username="handler2", role="handler", departments=["PROD"])
    Watcher.objects.create(complaint=prod_complaint, user=handler, reason="added", created_at=timezone.now())
    handler.departments.clear()  # moved to another post: the complaint is out of their scope now
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_note(prod_complaint, actor=users["agent"], now=timezone.now(), text="进展")
    assert _told(handler, "followed_update") == []


# ---------------------------------------------------------------------------------------------
# @mentions


def test_mentioned_names_are_not_email_addresses():
    assert mentioned_names("@handler 请看,抄送 @quality。联系 zhang@example.com") == ["handler", "quality"]
    assert mentioned_names("(@agent2) and @agent2, again") == ["agent2"]


def test_an_at_mention_reaches_the_mentioned_user(api, users, prod_complaint, django_capture_on_commit_callbacks):
    number = prod_complaint.number
    with django_capture_on_commit_callbacks(execute=True):
        r = api("agent").act(number, "note", {"text": "@handler请看检测报告,今天回复"})
    assert r.status_code == 200, r.content
    event = Event.objects.filter(complaint=prod_complaint, action="note").latest("id")
    assert event.data["mentions"] == ["handler"]
    listed = api("handler").get("/notifications").json()["items"]
    mention = [i for i in listed if i["kind"] == "mention"]
    assert len(mention) == 1 and number in mention[0]["title"]
    assert _told(users["quality"], "mention") == []


def test_a_mentioned_follower_is_told_once(api, users, prod_complaint, django_capture_on_commit_callbacks):
    api("agent").post(f"/complaints/{prod_complaint.number}/followers", {"username": "handler"})
    with django_capture_on_commit_callbacks(execute=True):
        api("agent").act(prod_complaint.number, "note", {"text": "@handler 请看"})
    assert len(_told(users["handler"], "mention")) == 1
    assert _told(users["handler"], "followed_update") == []


@pytest.mark.parametrize(
    ("text", "named"),
    [("@handler_log 看一下", "@handler_log"), ("@handler 和 @nobody 看一下", "@nobody")],
)
def test_a_mention_outside_the_scope_or_unknown_is_refused(
    api, users, prod_complaint, text, named, django_capture_on_commit_callbacks
):
    number = prod_complaint.number
    before = snapshot(number)
    with django_capture_on_commit_callbacks(execute=True):
        r = api("agent").act(number, "note", {"text": text})
    assert r.status_code == 400
    error = r.json()["error"]
    assert named in error["message"] and "text" in error["fields"]
    assert snapshot(number) == before
    assert _told(users["handler_log"]) == [] and _told(users["handler"], "mention") == []


def test_a_message_to_the_customer_mentions_no_one(api, users, prod_complaint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = api("agent").act(prod_complaint.number, "note", {"text": "请发邮件到 @service 邮箱", "internal": False})
    assert r.status_code == 200


# ---------------------------------------------------------------------------------------------
# The complaint page


@pytest.fixture
def page(web):
    def get(name, complaint):
        return web(name, "en").get(f"/complaints/{complaint.number}").content.decode()

    return get


def test_the_card_adds_and_removes_followers(web, users, prod_complaint):
    client = web("agent", "en")
    number = prod_complaint.number
    r = client.post(f"/complaints/{number}/followers", {"username": "handler"}, headers=HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-username="handler"' in html and "Follower added" in html
    r = client.post(f"/complaints/{number}/followers", {"username": "handler_log"}, headers=HTMX)
    assert r.status_code == 400
    assert r["HX-Retarget"] == "#followers-card"
    assert "handler_log" in r.content.decode() and 'id="follower-username-error"' in r.content.decode()
    r = client.post(f"/complaints/{number}/followers/handler/remove", headers=HTMX)
    assert r.status_code == 200
    assert not Watcher.objects.filter(complaint=prod_complaint, user=users["handler"]).exists()


def test_the_people_picker_lists_only_those_in_scope(web, prod_complaint):
    client = web("agent", "en")
    html = client.get(f"/complaints/{prod_complaint.number}/people", {"q": "hand"}).content.decode()
    assert 'data-username="handler"' in html
    assert 'data-username="handler_log"' not in html
    assert client.get(f"/complaints/{prod_complaint.number}/people", {"q": "zzz"}).status_code == 200
    # Someone who may not see the complaint learns nothing about it.
    assert web("handler_log").get(f"/complaints/{prod_complaint.number}/people", {"q": "a"}).status_code == 404


def test_the_note_box_offers_mentions_and_the_timeline_marks_them(page, users, prod_complaint):
    html = page("agent", prod_complaint)
    assert f'data-people-url="/complaints/{prod_complaint.number}/people"' in html
    assert 'data-people-mode="mention"' in html
    actions.do_note(prod_complaint, actor=users["agent"], now=timezone.now(), text="@handler <b>请看</b>")
    html = page("agent", prod_complaint)
    assert '<mark class="mention" data-mention="handler">@handler</mark>' in html
    assert "&lt;b&gt;请看&lt;/b&gt;" in html


def test_a_refused_mention_on_the_page_names_them_and_keeps_the_text(web, prod_complaint):
    client = web("agent", "en")
    r = client.post(
        f"/complaints/{prod_complaint.number}/actions/note",
        {"text": "@handler_log 请看", "internal": "on", "version": prod_complaint.version},
        headers=HTMX,
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "@handler_log" in html and "data scope" in html
    assert not Event.objects.filter(complaint=prod_complaint, action="note").exists()
