"""The inbox as a user meets it: the landing view, views with counts, urgency, paging, bulk actions and export."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kesu.complaints.models import Complaint
from kesu.workspace.models import BulkRun, SavedView
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-number="([^"]+)"')


def _numbers(html: str) -> list[str]:
    return ROW.findall(html)


def _owned(users, n, owner="handler", department="PROD"):
    return [
        advance(make_complaint(users["agent"]), users["admin"], "assigned", department=department, owner=owner)
        for _ in range(n)
    ]


def test_the_landing_view_is_my_to_do(web, users):
    mine = _owned(users, 2)
    others = _owned(users, 1, owner="handler_log", department="LOG")
    html = web("handler").get("/").content.decode()
    assert set(_numbers(html)) == {c.number for c in mine}
    assert others[0].number not in html
    assert re.search(
        r'class="nav-link text-nowrap active" aria-current="page"\s+href="\?[^"]*"\s+data-view="todo"', html
    )


def test_the_default_views_show_their_counts(web, users):
    _owned(users, 3)
    html = web("handler").get("/").content.decode()
    counts = dict(re.findall(r'data-view="(\w+)">.*?view-count">(\d+)</span>', html, re.S))
    assert counts["todo"] == "3"
    assert counts["created"] == "0"
    assert counts["department"] == "3"


def test_old_overdue_rows_are_calm_and_my_urgent_ones_stand_out(web, users):
    now = timezone.now()
    old, soon = _owned(users, 2)
    Complaint.objects.filter(pk=old.pk).update(next_due_at=now - dt.timedelta(days=5))
    Complaint.objects.filter(pk=soon.pk).update(next_due_at=now + dt.timedelta(hours=2))
    html = web("handler").get("/", {"tab": "mine"}).content.decode()
    old_row = html[html.index(f'data-number="{old.number}"') :].split("</tr>")[0]
    soon_row = html[html.index(f'data-number="{soon.number}"') :].split("</tr>")[0]
    assert "due-stale" in old_row and "due-overdue" not in old_row
    assert "5" in old_row  # its age: overdue by 5 days
    assert "due-soon" in soon_row and "row-urgent" in soon_row
    urgent = html[html.index('id="urgent-for-me"') :].split("</section>")[0]
    assert soon.number in urgent and old.number not in urgent


def test_paging_with_a_page_size_and_a_jump(web, users):
    complaints = _owned(users, 23)
    client = web("handler")
    first = _numbers(client.get("/", {"tab": "mine", "page_size": 20}).content.decode())
    assert len(first) == 20
    html = client.get("/", {"tab": "mine", "page_size": 20, "page": 2}).content.decode()
    second = _numbers(html)
    assert len(second) == 3 and not set(first) & set(second)
    assert set(first) | set(second) == {c.number for c in complaints}
    assert 'id="page-jump"' in html and 'max="2"' in html
    assert len(_numbers(client.get("/", {"tab": "mine", "page_size": 50}).content.decode())) == 23
    # A page size not offered falls back to the default; a page beyond the last shows the last.
    assert len(_numbers(client.get("/", {"tab": "mine", "page_size": 7}).content.decode())) == 20
    assert _numbers(client.get("/", {"tab": "mine", "page_size": 20, "page": 99}).content.decode()) == second


def test_bulk_assign_from_the_inbox_shows_a_result_per_complaint(web, users):
    admin = users["admin"]
    ready = [advance(make_complaint(users["agent"]), admin, "triaged") for _ in range(2)]
    fresh = make_complaint(users["agent"])
    r = web("agent").post(
        "/complaints/bulk",
        {"numbers": [ready[0].number, fresh.number, ready[1].number], "action": "assign", "department": "PROD"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r["HX-Trigger"] == "kesu:bulk-done"
    html = r.content.decode()
    assert re.findall(r'data-number="([^"]+)" data-status="(\d+)"', html) == [
        (ready[0].number, "200"),
        (fresh.number, "409"),
        (ready[1].number, "200"),
    ]
    for c in ready:
        c.refresh_from_db()
        assert c.department.code == "PROD"
    fresh.refresh_from_db()
    assert fresh.status == "new"


def test_bulk_over_all_matching_acts_on_the_filtered_list_only(web, users):
    admin = users["admin"]
    urgent = [advance(make_complaint(users["agent"]), admin, "triaged") for _ in range(3)]
    other = advance(make_complaint(users["agent"], title="别的问题"), admin, "triaged")
    for c in urgent:
        Complaint.objects.filter(pk=c.pk).update(severity="A")
    r = web("agent").post(
        "/complaints/bulk",
        {"all_matching": "1", "query": "tab=all&severity=A", "action": "note", "text": "统一处理"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    for c in urgent:
        assert c.events.filter(action="note").count() == 1
    assert other.events.filter(action="note").count() == 0


def test_a_bulk_request_missing_its_details_changes_nothing(web, users):
    c = advance(make_complaint(users["agent"]), users["admin"], "resolved")
    r = web("agent").post(
        "/complaints/bulk", {"numbers": [c.number], "action": "close"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 400
    assert "body.reason" in r.content.decode()
    c.refresh_from_db()
    assert c.status == "resolved"


def test_more_than_fifty_go_to_the_worker_with_a_progress_page(web, users, settings):
    from kesu.workspace import bulk

    complaints = [make_complaint(users["agent"]) for _ in range(3)]
    settings.DEBUG = False
    before = bulk.WORKER_THRESHOLD
    bulk.WORKER_THRESHOLD = 2
    try:
        client = web("agent")
        r = client.post(
            "/complaints/bulk",
            {"numbers": [c.number for c in complaints], "action": "note", "text": "批量跟进"},
            headers={"HX-Request": "true"},
        )
    finally:
        bulk.WORKER_THRESHOLD = before
    run = BulkRun.objects.get()
    assert 'id="bulk-run"' in r.content.decode() and 'aria-valuenow="0"' in r.content.decode()
    bulk.process_run(run.pk, clock=timezone.now)  # what the worker does
    r = client.get(f"/complaints/bulk/runs/{run.pk}", headers={"HX-Request": "true"})
    assert r["HX-Trigger"] == "kesu:bulk-done"
    assert len(re.findall(r'data-status="200"', r.content.decode())) == 3
    # Someone else's run is not theirs to read.
    assert web("agent2").get(f"/complaints/bulk/runs/{run.pk}").status_code == 404


def test_export_lists_the_selection_as_the_reader_may_see_it(web, users):
    complaints = [make_complaint(users["agent"], title=f"投诉 {i}") for i in range(2)]
    hidden = make_complaint(users["agent"], title="别人的")
    r = web("handler").post("/complaints/bulk/export", {"numbers": [c.number for c in complaints] + [hidden.number]})
    # The handler sees none of the agent's new complaints: the list is empty rather than leaking them.
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == []
    r = web("agent").post("/complaints/bulk/export", {"numbers": [c.number for c in complaints]})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert [v[0] for v in values[2:]] == [c.number for c in complaints]
    assert values[2][1] == "投诉 0"


def test_saving_a_view_from_the_inbox(web, users):
    client = web("agent")
    r = client.post("/views/save", {"name": "A类未结", "query": "tab=all&severity=A&status=open", "shared": "1"})
    assert r.status_code == 302
    view = SavedView.objects.get()
    assert view.filters == {"tab": "all", "severity": "A", "status": "open"}
    assert view.department.code == "CS"
    html = client.get(r["Location"]).content.decode()
    assert "A类未结" in html and f'data-view="v{view.pk}"' in html
    assert "A类未结" in web("agent2").get("/").content.decode()  # same department
    r = client.post("/views/save", {"name": "坏的", "query": "colour=red&severity=Z"})
    assert r.status_code == 302
    assert SavedView.objects.count() == 1
    assert "severity" in client.get(r["Location"]).content.decode()  # the message names what was wrong
