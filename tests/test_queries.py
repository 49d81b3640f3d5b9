"""Reads cost a fixed number of queries, however many complaints, collaborators and events there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Category, Complaint
from tests.factories import advance, make_complaint


def count_queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path, **params)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries)


@pytest.fixture
def add_complaints(users, departments):
    """add_complaints(n): n more complaints, assigned by the routing matrix, each with owner and collaborators."""
    quality = Category.objects.get(code="quality")
    quality.department = departments["PROD"]
    quality.save()
    quality.collaborating_departments.add(departments["QA"], departments["LOG"])

    def add(n):
        for i in range(n):
            complaint = advance(make_complaint(users["agent"], title=f"第{i}件"), users["admin"], "triaged")
            actions.do_assign(complaint, actor=users["admin"], now=timezone.now())

    return add


def test_listing_costs_the_same_for_5_and_40_complaints(api, add_complaints):
    clients = [api("agent"), api("handler")]  # the whole organisation, and a department's scope
    add_complaints(5)
    for client in clients:
        client.get("/complaints", page_size=1)  # the token's first use is recorded once: keep it out of the count
    few = [count_queries(client, "/complaints") for client in clients]
    add_complaints(35)
    many = [count_queries(client, "/complaints") for client in clients]
    for client in clients:
        items = client.get("/complaints", page_size=200).json()["items"]
        assert len(items) == 40
        assert all(c["owner"] == "handler" and c["collaborators"] == ["LOG", "QA"] for c in items)
    assert few == many
    assert max(many) <= 10  # followers and customer counts, links, service orders: one query each per page


def test_one_complaint_and_its_timeline_are_bounded(api, users, add_complaints):
    client = api("handler")
    add_complaints(1)
    number = client.get("/complaints").json()["items"][0]["number"]
    client.get(f"/complaints/{number}")
    one = count_queries(client, f"/complaints/{number}")
    short_timeline = count_queries(client, f"/complaints/{number}/events")
    complaint = advance(Complaint.objects.get(number=number), users["admin"], "investigating")
    for i in range(10):
        actions.do_note(complaint, actor=users["agent"], now=timezone.now(), text=f"进展{i}")
    actions.do_escalate(complaint, actor=users["agent"], now=timezone.now(), reason="客户情绪激动")
    assert count_queries(client, f"/complaints/{number}") == one
    assert count_queries(client, f"/complaints/{number}/events") == short_timeline
    assert one <= 9  # followers, links and service orders joined the complaint object
    assert short_timeline <= 6


def test_the_complaint_page_costs_the_same_for_a_short_and_a_long_timeline(client, users, add_complaints):
    add_complaints(1)
    complaint = Complaint.objects.latest("id")
    client.force_login(users["agent"])
    path = f"/complaints/{complaint.number}"
    # Assigned already: the timeline names a department and a person (two queries for their names, however many
    # events name them).
    complaint = advance(complaint, users["admin"], "investigating")
    client.get(path)
    short = count_queries(client, path)
    for i in range(10):
        actions.do_note(complaint, actor=users["agent"], now=timezone.now(), text=f"进展{i}")
    assert count_queries(client, path) == short
    # The page and its panels (tasks, followers, links, alerts, cases, the reply box, the investigation,
    # compensation, letters, macros and service-order cards…), whatever the timeline.
    assert short <= 42


def test_the_inbox_costs_the_same_for_5_and_40_complaints_in_every_tab(client, users, add_complaints):
    add_complaints(5)
    client.force_login(users["handler"])
    pages = [("/", {}), ("/", {"tab": "departments"}), ("/", {"tab": "all", "status": "open"}), ("/", {"q": "第"})]
    for path, params in pages:
        client.get(path, params)
    few = [count_queries(client, path, data=params) for path, params in pages]
    add_complaints(35)
    assert [count_queries(client, path, data=params) for path, params in pages] == few
    # The list, plus the default views' counts (7), the saved views, the urgent strip and the bulk bar's choices.
    assert max(few) <= 26
