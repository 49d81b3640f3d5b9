"""The period summary (R-REP-1, API.md "Reports"): every count against a small week of complaints counted by hand,
the time zone's edges, the data scope, who may ask, what a bad question answers, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.reports import selectors
from kesu.sla import sweep
from tests import report_week
from tests.report_week import NOW, WEEK, act, at, create

week = report_week.week  # the fixture


def summary(user, **kwargs):
    date_from, date_to = kwargs.pop("period", WEEK)
    return selectors.summary(user=user, date_from=date_from, date_to=date_to, now=kwargs.pop("now", NOW), **kwargs)


def test_every_count_of_the_week(week, users):
    s = summary(users["supervisor"])
    assert s["total"] == 7
    assert s["by_type"] == {"quality": 3, "delivery": 2, "price": 1, "service": 1}
    assert s["by_channel"] == {"phone": 3, "chat": 1, "email": 1, "store": 1, "web": 1}
    assert s["by_department"] == {"LOG": 2, "PROD": 2, "none": 2, "FIN": 1}
    assert s["by_status"] == {
        "assigned": 1,
        "closed": 1,
        "investigating": 1,
        "new": 1,
        "rejected": 1,
        "reopened": 1,
        "resolved": 1,
    }
    assert s["by_priority"]["urgent"] == 1 and sum(s["by_priority"].values()) == 7
    # E was rated 5 and went one level up; the others are at level 1 or not classified (B, G).
    assert s["by_level"]["2"] == 1
    assert sum(s["by_level"].values()) == 7
    # Still open: B, E (reopened), F (resolved, awaiting the revisit), H, I; A is closed and G rejected.
    assert s["open"] == 5
    # Compensation of the resolved ones: A 200.00 and F 120.50 (E's was cleared by the reopen).
    assert s["compensation_total"] == "320.50"
    # Every rating given counts, the 5 that reopened E too: (2 + 5) / 2.
    assert s["satisfaction"] == {
        "rated": 2,
        "average": 3.5,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    assert s["top_products"] == [
        {"product_code": "P-100", "count": 3},
        {"product_code": "P-200", "count": 2},
    ]
    overdue = sum(1 for c in week.values() if c.next_due_at and c.next_due_at < NOW)
    assert s["overdue"] == overdue and overdue >= 1  # B's first response has been due since Sunday 23:45


def test_sla_compliance_per_clock(week, users):
    # The 15-minute first response: A (10 min), F (5), H (15), I (10) in time; E (30) and G (20) late;
    # B not yet answered: breached once the sweep has passed.
    s = summary(users["supervisor"])
    assert s["sla"]["first_response"] == {"met": 4, "breached": 2, "compliance": round(4 / 6, 4)}
    sweep.run(now=NOW)
    s = summary(users["supervisor"])
    assert s["sla"]["first_response"] == {"met": 4, "breached": 3, "compliance": round(4 / 7, 4)}
    for clock in s["sla"].values():
        assert clock["compliance"] == round(clock["met"] / (clock["met"] + clock["breached"]), 4)


def test_days_are_counted_in_shanghai_time(week, users):
    # B arrived on Sunday at 23:30 Shanghai time (15:30 UTC): it belongs to Sunday, the last day.
    assert summary(users["supervisor"], period=(WEEK[1], WEEK[1]))["total"] == 1
    assert summary(users["supervisor"], period=(dt.date(2026, 11, 16), dt.date(2026, 11, 16)))["total"] == 1
    assert summary(users["supervisor"], period=(dt.date(2026, 11, 8), dt.date(2026, 11, 8)))["total"] == 1
    assert summary(users["supervisor"], period=(dt.date(2026, 11, 8), dt.date(2026, 11, 16)))["total"] == 9
    assert summary(users["supervisor"], period=(dt.date(2026, 11, 1), dt.date(2026, 11, 7)))["total"] == 0


def test_a_department_filter_counts_only_its_complaints(week, users):
    s = summary(users["supervisor"], department="LOG")
    assert s["total"] == 2
    assert s["by_department"] == {"LOG": 2}
    assert s["compensation_total"] == "120.50"
    assert s["top_products"] == [{"product_code": "P-200", "count": 2}]


def test_a_handler_counts_only_their_departments(week, users):
    # handler_log (LOG) sees E and F; quality (QA) none of these (no QA complaint, no collaboration).
    s = summary(users["handler_log"])
    assert s["total"] == 2 and s["by_department"] == {"LOG": 2}
    assert s["satisfaction"]["rated"] == 1 and s["satisfaction"]["distribution"]["5"] == 1
    assert summary(users["quality"])["total"] == 0


def test_the_summary_runs_four_queries(week, users):
    supervisor = users["supervisor"]
    with CaptureQueriesContext(connection) as queries:
        summary(supervisor)
    assert len(queries) == 4
    more = create(users["admin"], at(14, 10), channel="web", product_code="P-900")
    act(more, users["admin"], "acknowledge", at(14, 10, 1))
    with CaptureQueriesContext(connection) as again:
        summary(supervisor)
    assert len(again) == 4


# ---------------------------------------------------------------------------------------------------- the API


def test_the_api_answers_the_contract(week, api):
    r = api("supervisor").get("/reports/summary", **{"from": "2026-11-09", "to": "2026-11-15"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {
        "total", "by_type", "by_severity", "by_priority", "by_level", "by_channel", "by_department",
        "by_status", "sla", "satisfaction", "top_products", "open", "overdue", "compensation_total",
    }  # fmt: skip
    assert body["total"] == 7 and body["compensation_total"] == "320.50"
    assert set(body["satisfaction"]["distribution"]) == {"1", "2", "3", "4", "5"}
    r = api("supervisor").get("/reports/summary", **{"from": "2026-11-09", "to": "2026-11-15", "department": "PROD"})
    assert r.json()["total"] == 2


@pytest.mark.parametrize("role", ["supervisor", "director", "quality", "archivist", "manager", "admin"])
def test_report_readers_may_ask(week, api, role):
    assert api(role).get("/reports/summary", **{"from": "2026-11-09", "to": "2026-11-15"}).status_code == 200


@pytest.mark.parametrize("role", ["agent", "handler"])
def test_agents_and_handlers_may_not(week, api, role):
    r = api(role).get("/reports/summary", **{"from": "2026-11-09", "to": "2026-11-15"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "2026-11-15"}, "from"),
        ({"from": "2026-11-09"}, "to"),
        ({"from": "2026-11-31", "to": "2026-12-01"}, "from"),
        ({"from": "2026-11-09", "to": "next week"}, "to"),
        ({"from": "2026-11-15", "to": "2026-11-09"}, "from"),
        ({"from": "2020-01-01", "to": "2026-11-15"}, "to"),
        ({"from": "2026-11-09", "to": "2026-11-15", "department": "NOPE"}, "department"),
    ],
)
def test_a_bad_question_is_400_naming_the_field(week, api, params, field):
    r = api("supervisor").get("/reports/summary", **params)
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


def test_without_a_token_401(db, client):
    assert client.get("/api/v1/reports/summary", {"from": "2026-11-09", "to": "2026-11-15"}).status_code == 401
