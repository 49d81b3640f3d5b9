"""The compensation card in a real browser (Chinese UI): an agent requests 50 CNY on the complaint page and it waits
for a supervisor; the supervisor approves it on the card; finance, who cannot open the complaint, marks it paid with
the payment reference from its "waiting for me" page. The card is kept as docs/screenshots/compensation.png."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kesu.solutions.actions import do_request_compensation
from kesu.solutions.models import Compensation
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.factories import UserFactory, advance, make_complaint

pytestmark = pytest.mark.browser


def test_an_agents_50_yuan_is_approved_by_the_supervisor_and_paid_by_finance(
    live_server, django_db_serialized_rollback, users, page
):
    from playwright.sync_api import expect

    finance = UserFactory(username="finance", role="handler", departments=["FIN"], display_name="财务 钱会计")
    c = make_complaint(
        users["agent"],
        title="快递延误三天,生鲜变质",
        description="客户订购的海鲜礼盒延误三天送达,部分变质,要求退还运费并补偿。",
        amount="128.00",
    )
    c = advance(c, users["admin"], "investigating", department="PROD", owner="handler")
    # An earlier small goodwill voucher, granted on the spot, so the card shows more than one state.
    do_request_compensation(
        c, actor=users["agent"], now=timezone.now(), kind="voucher", amount="8.00", reason="致歉代金券"
    )

    base = live_server.url
    sign_in(page, base, "agent")
    page.goto(f"{base}/complaints/{c.number}")
    card = page.locator("#compensation")
    expect(card).to_be_visible()
    card.locator("#compensation-kind").select_option("refund")
    card.locator("#compensation-amount").fill("50")
    card.locator("#compensation-reason").fill("延误导致生鲜变质,退还运费 50 元")
    card.locator("#compensation-submit").click()
    pending = Compensation.objects.filter(kind="refund")
    row = page.locator('#compensation .compensation-row[data-status="pending"]')
    expect(row).to_be_visible()
    expect(row.locator(".compensation-waiting")).to_contain_text("主管")
    expect(row.locator(".compensation-amount")).to_have_text("¥50.00")
    comp = pending.get()
    assert comp.status == "pending" and comp.approver_role == "supervisor"
    expect(row.locator(".compensation-decide")).to_have_count(0)  # never his own decision

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/complaints/{c.number}")
    row = page.locator(f"#compensation-{comp.pk}")
    row.locator(".compensation-decide summary").click()
    row.locator(f"#decide-comment-{comp.pk}").fill("同意退还运费")
    row.locator('button[name="decision"][value="approve"]').click()
    expect(page.locator(f'#compensation-{comp.pk}[data-status="approved"]')).to_be_visible()
    comp.refresh_from_db()
    assert comp.status == "approved" and comp.decided_by == users["supervisor"]

    sign_in(page, base, "finance")
    page.goto(f"{base}/compensations")
    row = page.locator(f"#to-execute #compensation-{comp.pk}")
    expect(row).to_be_visible()
    row.locator(".compensation-execute summary").click()
    row.locator(f"#execute-reference-{comp.pk}").fill("FK-20261207-0042")
    row.locator('button[name="status"][value="paid"]').click()
    expect(page.locator(f'#compensation-list tr[data-compensation="{comp.pk}"][data-status="paid"]')).to_be_visible()
    comp.refresh_from_db()
    assert (comp.status, comp.reference, comp.executed_by) == ("paid", "FK-20261207-0042", finance)

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/complaints/{c.number}")
    card = page.locator("#compensation")
    expect(card.locator(f'#compensation-{comp.pk}[data-status="paid"]')).to_contain_text("FK-20261207-0042")
    expect(page.locator('.timeline-item[data-event="compensation_paid"]')).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SCREENSHOTS / "compensation.png"))
