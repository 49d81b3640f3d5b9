"""The read paths stay fast at a million complaints: what the speed-ups must not change, and the plans they rely on.

Figures: bench/read_paths.py (not a test). Query counts per page: tests/test_queries.py.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.api.schemas.complaints import ComplaintListItem, ComplaintOut, complaint_json, list_item_json
from kesu.complaints import actions
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import ComplaintFilters, complaint_list, complaint_page
from kesu.routing.services import playbook_reviewers
from kesu.web import views
from tests.factories import advance, make_complaint


@pytest.fixture
def varied(users):
    """Complaints in several states: deadlines met and running, a rule hit with keys of its own, a suggestion,
    collaborators, a solution, a rating, a paused clock."""
    admin, agent = users["admin"], users["agent"]
    made = [
        make_complaint(agent, title="冰箱漏水", amount="6000.00"),
        advance(make_complaint(agent, title="空调不制冷"), admin, "investigating"),
        advance(make_complaint(agent, title="洗衣机噪音"), admin, "resolved"),
        advance(make_complaint(agent, title="发票未开"), admin, "rejected"),
    ]
    paused = advance(make_complaint(agent, title="门店态度差"), admin, "investigating")
    actions.do_pause_clock(paused, actor=admin, now=timezone.now(), reason="等待客户提供照片")
    hit = made[0]
    Complaint.objects.filter(pk=hit.pk).update(
        rule_hits=[{"rule": "amount_ge_5000", "result": {"priority": "important"}, "reason": "金额", "extra": 1}]
    )
    return [*made, paused]


def _page(user, q=None):
    qs = complaint_list(user=user, filters=ComplaintFilters(q=q))
    items, _cursor = complaint_page(qs, cursor=None, page_size=50)
    return items


@pytest.mark.parametrize("who", ["agent", "handler"])
def test_a_list_item_is_exactly_what_validating_it_gives(users, varied, who):
    """GET /complaints sends its items without validating them again: each must equal its validated form."""
    user = users[who]
    items = _page(user)
    assert items, "the handler sees the complaints routed to PROD"
    memo: dict = {}
    for c in items:
        item = list_item_json(c, user=user, reviewers=playbook_reviewers(), identified=None, actions_memo=memo)
        assert ComplaintListItem.model_validate(item).model_dump() == item
        # and the memo of allowed actions answers what allowed_actions answers for this complaint alone
        alone = complaint_json(Complaint.objects.get(pk=c.pk), user=user)
        assert item["allowed_actions"] == alone["allowed_actions"]
        assert ComplaintOut.model_validate(alone).model_dump() == {k: v for k, v in item.items() if k != "highlight"}


def test_the_list_answer_matches_the_schema_with_and_without_a_search(api, varied):
    client = api("agent")
    for params in ({}, {"q": "漏水"}):
        body = client.get("/complaints", **params).json()
        assert body["items"]
        for item in body["items"]:
            assert set(item) == set(ComplaintListItem.model_fields)
            assert (item["highlight"] is not None) == bool(params)
    hit = next(i for i in client.get("/complaints").json()["items"] if i["title"] == "冰箱漏水")
    assert hit["rule_hits"] == [{"rule": "amount_ge_5000", "result": {"priority": "important"}, "reason": "金额"}]


def test_the_inbox_counts_up_to_a_cap(web, users, monkeypatch):
    agent = users["agent"]
    for i in range(5):
        make_complaint(agent, title=f"投诉{i}")
    client = web("agent")
    client.get("/?tab=all")
    html = client.get("/?tab=all").content.decode()
    assert "共 5 条投诉" in html
    monkeypatch.setattr(views, "INBOX_COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    html = client.get("/?tab=all").content.decode()
    assert "超过 3 条投诉" in html
    assert "page=2" in html
    numbers = set()
    for page in (1, 2, 3):
        html = client.get("/", {"page": page, "tab": "all"}).content.decode()
        numbers |= set(re.findall(r'class="complaint-number" href="/complaints/([^"]+)"', html))
    assert len(numbers) == 5  # every page reachable past the cap


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params or ())
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params or None)
        return "\n".join(row[0] for row in cursor.fetchall())


def _page_query(client, path, params) -> str:
    """The SQL of the complaints page a GET sent (the one that selects complaint rows with a LIMIT)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params).status_code == 200
    pages = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "complaints_complaint"."id", "complaints_complaint"."number"')
        and "LIMIT" in q["sql"]
    ]
    if len(pages) == 2:  # the "yours, due within hours" strip above the list reads at most 5 of its own
        pages = [sql for sql in pages if not sql.endswith("LIMIT 5")] or pages[1:]
    assert len(pages) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    return pages[0]


@pytest.mark.parametrize("get", [{}, {"status": "investigating"}, {"status": "open"}, {"sort": "number"}])
def test_the_inbox_reads_an_index_in_its_order(web, varied, get):
    """Sorted by a column that cannot be empty, the inbox reads an index in order and stops after a page
    (no sort of every matching complaint — at a million complaints that was seconds)."""
    client = web("agent")
    plan = _plan(_page_query(client, "/", get), None)
    if connection.vendor == "sqlite":
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:  # an incremental sort of ties (by id) within the index order reads only the page
        assert not re.search(r"(^|->  )Sort  \(", plan, re.MULTILINE), plan
        assert "Seq Scan on complaints_complaint" not in plan, plan


def test_the_api_list_reads_its_index_in_order(users, varied):
    for filters in (ComplaintFilters(), ComplaintFilters(status=["investigating"]), ComplaintFilters(severity="A")):
        qs = complaint_list(user=users["agent"], filters=filters).order_by("-id")[:51]
        sql, params = qs.query.sql_with_params()
        plan = _plan(sql, params)
        if connection.vendor == "sqlite":
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
        else:
            assert "Seq Scan on complaints_complaint" not in plan, plan
