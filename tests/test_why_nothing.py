"""A user with no action on a complaint is told why and who acts next (issue 17, item 6), and the ledger does not
speak of filters nobody set."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import timezone

from kesu.complaints import actions
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.django_db


def _why(client, number) -> str:
    html = client.get(f"/complaints/{number}").content.decode()
    match = re.search(r'id="why-nothing">(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else ""


@pytest.fixture
def en(web):
    def make(name):
        client = web(name)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def test_the_archivist_learns_the_closure_awaits_its_review(en, users):
    c = advance(make_complaint(users["agent"], title="冰箱漏水"), users["admin"], "rated")
    # An agent closes it: the closure waits for a reviewer of the rank its level needs.
    actions.do_close(c, actor=users["agent"], now=timezone.now())
    c.refresh_from_db()
    assert c.review_state == "pending"
    why = _why(en("archivist"), c.number)
    assert "waiting for the review of its closure by a Supervisor" in why and "archived once" in why
    # Once reviewed, the archivist has the archive button and no explanation.
    actions.do_review(c, actor=users["supervisor"], now=timezone.now(), approved=True)
    assert _why(en("archivist"), c.number) == ""


def test_a_role_without_the_next_step_is_told_who_has_it(en, users):
    c = make_complaint(users["agent"])
    why = _why(en("archivist"), c.number)
    assert "Acknowledge" in why and "Intake agent" in why and "Your role (Archivist) may not take it." in why


def test_an_archived_complaint_says_it_is_read_only(en, users):
    c = advance(make_complaint(users["agent"]), users["admin"], "archived")
    assert "archived complaint is read-only" in _why(en("supervisor"), c.number)


def test_the_chinese_page_says_it_in_chinese(web, users):
    c = make_complaint(users["agent"])
    why = _why(web("archivist"), c.number)
    assert "下一步" in why and "受理" in why and "您的角色（事务文员）不能执行这一步。" in why


def test_an_empty_ledger_without_filters_does_not_mention_filters(en):
    html = en("supervisor").get("/ledger").content.decode()
    assert "No entries match these filters." not in html and "No assessment entries yet" in html
    html = en("supervisor").get("/ledger?status=pending").content.decode()
    assert "No entries match these filters." in html


def test_the_status_filter_tells_awaiting_review_from_ready_to_archive(en, users):
    waiting = advance(make_complaint(users["agent"], title="等待审核"), users["admin"], "rated")
    actions.do_close(waiting, actor=users["agent"], now=timezone.now())  # an agent's closure waits for review
    ready = advance(make_complaint(users["agent"], title="可以归档"), users["admin"], "closed")  # approved by closing
    client = en("archivist")
    html = client.get("/?tab=all&status=closed_review").content.decode()
    assert waiting.number in html and ready.number not in html
    html = client.get("/?tab=all&status=closed_ready").content.decode()
    assert ready.number in html and waiting.number not in html
    assert "Closed, awaiting review" in html and "Closed, ready to archive" in html
