"""A week of complaints counted by hand, shared by the report tests (summary, KPIs, dashboard)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints import actions
from kesu.complaints.models import Complaint

SH = ZoneInfo("Asia/Shanghai")
WEEK = (dt.date(2026, 11, 9), dt.date(2026, 11, 15))  # Monday to Sunday
_phones = iter(range(13700000001, 13799999999))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


def create(actor, when, *, phone=None, **fields) -> Complaint:
    data = actions.ComplaintInput(
        channel=fields.pop("channel", "phone"),
        customer=actions.CustomerInput(name="张三", phone=phone or str(next(_phones)), kind="consumer"),
        title=fields.pop("title", "冰箱漏水"),
        description=fields.pop("description", "买了三天的冰箱一直漏水。"),
        type_code=fields.pop("type_code", "quality"),
        **fields,
    )
    complaint, _created = actions.do_create(data, actor=actor, now=when)
    return complaint


def act(complaint, actor, action, when, **kwargs) -> Complaint:
    actions.ACTIONS[action](complaint, actor=actor, now=when, **kwargs)
    complaint.refresh_from_db()
    return complaint


def handle(c, admin, *, start, department, owner, ack_after, resolve_after=None, compensation=None, **triage):
    """Acknowledge `ack_after` after `start`; triage, assign and investigate; propose, accept and resolve
    `resolve_after` after `start` if given."""
    c = act(c, admin, "acknowledge", start + ack_after)
    c = act(c, admin, "triage", start + ack_after + dt.timedelta(minutes=1), **triage)
    c = act(c, admin, "assign", start + ack_after + dt.timedelta(minutes=2), department=department, owner=owner)
    c = act(c, admin, "start", start + ack_after + dt.timedelta(minutes=3))
    if resolve_after is None:
        return c
    proposed = start + resolve_after - dt.timedelta(hours=1)
    if compensation:
        from kesu.solutions.actions import do_request_compensation

        do_request_compensation(c, actor=admin, now=proposed - dt.timedelta(minutes=1), kind="cash",
                                amount=compensation, reason="补偿")  # fmt: skip
    c = act(c, admin, "propose_solution", proposed, solution_type="exchange", detail="换新机一台",
            compensation_amount=compensation)  # fmt: skip
    c = act(c, admin, "customer_response", proposed + dt.timedelta(minutes=10), accepted=True)
    return act(c, admin, "resolve", start + resolve_after, summary="已换新")


@pytest.fixture
def week(users, playbook, monday_morning):
    """Seven complaints received in the week 2026-11-09 … 11-15 (Shanghai), two just outside it.

    A  quality/phone  P-100 B1  PROD/handler      ack 10 min, resolved after 30 h, 200.00, rated 2, closed
    B  service/email  P-100 B2  —                 received Sunday 23:30, nothing done
    E  delivery/web   P-200 B1  LOG/handler_log   ack 30 min, resolved after 48 h, rated 5 → reopened (round 2)
    F  delivery/store P-200     LOG/handler_log   ack 5 min, resolved after 12 h, 120.50, awaiting the revisit
    G  quality/phone            —                 ack 20 min, judged not justified
    H  quality/phone  P-100     PROD/handler      ack 15 min, investigating; A's customer and product again: a repeat
    I  price/chat               FIN/—             received Friday, nothing after assignment
    out of the week: Sunday 11-08 23:59 and Monday 11-16 00:10.
    """
    playbook("service")
    admin = users["admin"]
    m = dt.timedelta(minutes=1)
    h = dt.timedelta(hours=1)
    a = create(admin, at(9, 9), channel="phone", product_code="P-100", batch_no="B1", phone="13600000001")
    a = handle(a, admin, start=at(9, 9), department="PROD", owner="handler", ack_after=10 * m,
               resolve_after=30 * h, compensation="200.00", priority="urgent", reason="客户情绪激动")  # fmt: skip
    a = act(a, admin, "rate", at(11, 9), score=2)
    a = act(a, admin, "close", at(11, 9, 5))
    b = create(admin, at(15, 23, 30), channel="email", type_code="service", product_code="P-100", batch_no="B2")
    e = create(admin, at(10, 12), channel="web", type_code="delivery", product_code="P-200", batch_no="B1")
    e = handle(e, admin, start=at(10, 12), department="LOG", owner="handler_log", ack_after=30 * m,
               resolve_after=48 * h)  # fmt: skip
    e = act(e, admin, "rate", at(12, 13), score=5)
    f = create(admin, at(11, 8), channel="store", type_code="delivery", product_code="P-200")
    f = handle(f, admin, start=at(11, 8), department="LOG", owner="handler_log", ack_after=5 * m,
               resolve_after=12 * h, compensation="120.50")  # fmt: skip
    g = create(admin, at(12, 10), channel="phone")
    g = act(g, admin, "acknowledge", at(12, 10, 20))
    g = act(g, admin, "reject", at(12, 11), reason="不属于质量问题", reply="已向客户说明")
    hh = create(admin, at(13, 9), channel="phone", product_code="P-100", phone="13600000001")
    hh = handle(hh, admin, start=at(13, 9), department="PROD", owner="handler", ack_after=15 * m)
    i = create(admin, at(13, 16), channel="chat", type_code="price")
    i = act(i, admin, "acknowledge", at(13, 16, 10))
    i = act(i, admin, "triage", at(13, 16, 11))
    i = act(i, admin, "assign", at(13, 16, 12), department="FIN")
    create(admin, at(8, 23, 59), channel="letter", product_code="P-100")
    create(admin, at(16, 0, 10), channel="letter", product_code="P-100")
    return {"A": a, "B": b, "E": e, "F": f, "G": g, "H": hh, "I": i}


NOW = at(16, 10)
