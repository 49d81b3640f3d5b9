"""Compensation on the pages: the card on the complaint page (request, approve / reject, execute, cancel), the
"waiting for me" page, the propose form's choice of approved compensation, the amount warnings, the timeline rows
and the playbook's settings.compensation checked when it loads."""

import copy
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint, Event
from kesu.rules import playbooks
from kesu.rules.playbooks import PlaybookError
from kesu.solutions import selectors
from kesu.solutions.actions import do_cancel_compensation, do_request_compensation
from kesu.solutions.models import Compensation
from tests.factories import UserFactory, advance, make_complaint, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(users):
    return UserFactory(username="finance", role="handler", departments=["FIN"])


@pytest.fixture
def c(users, complaint):
    return advance(complaint, users["admin"], "investigating")


def card(html: str) -> str:
    start = html.index('id="compensation"')
    return html[start : html.index("</section>", start)]


def field_error(html: str, field_id: str) -> list[str]:
    return re.findall(rf'id="{field_id}_error">([^<]+)<', html)


def post(client, url, data, *, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers)


def test_an_agent_requests_50_yuan_on_the_card_and_it_waits_for_a_supervisor(web, users, c):
    client = web("agent", "en")
    html = client.get(f"/complaints/{c.number}").content.decode()
    assert 'id="compensation"' in html and "You may grant up to 10.00 yuan on the spot" in html
    r = post(client, f"/complaints/{c.number}/compensations", {"kind": "refund", "amount": "50", "reason": "多收运费"})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="complaint-body"')
    comp = Compensation.objects.get()
    assert comp.status == "pending" and comp.amount == Decimal("50.00") and comp.approver_role == "supervisor"
    shown = card(html)
    assert "¥50.00" in shown and "Awaiting approval" in shown and "Waiting for: Supervisor" in shown
    assert "多收运费" in shown
    # The requester is offered no decision on his own request.
    assert "compensation_decide" not in shown and f"/compensations/{comp.pk}/decision" not in shown
    assert "Your own request: someone else decides on it." in shown
    # The timeline names the step readably.
    assert "Compensation requested" in html and "50.00 yuan" in html


def test_bad_input_is_named_next_to_its_field_and_nothing_is_stored(web, c):
    client = web("agent", "en")
    before = snapshot(c.number)
    for amount, words in (
        ("-5", "above 0"),
        ("0", "above 0"),
        ("1.234", "two decimals"),
        ("20000000", "At most 10,000,000.00"),
        ("五十", "Enter an amount"),
    ):
        r = post(client, f"/complaints/{c.number}/compensations", {"kind": "cash", "amount": amount, "reason": "x"})
        assert r.status_code == 400, amount
        errors = field_error(r.content.decode(), "compensation-amount")
        assert errors and words in errors[0], (amount, errors)
    r = post(client, f"/complaints/{c.number}/compensations", {"kind": "", "amount": "5", "reason": " "})
    html = r.content.decode()
    assert field_error(html, "compensation-kind") and field_error(html, "compensation-reason")
    assert 'value="5"' in html  # as typed
    assert not Compensation.objects.exists() and snapshot(c.number) == before


def test_an_amount_above_the_amount_involved_needs_a_confirmation(web, c):
    Complaint.objects.filter(pk=c.pk).update(amount=Decimal("30.00"))
    client = web("agent", "en")
    url = f"/complaints/{c.number}/compensations"
    r = post(client, url, {"kind": "refund", "amount": "45.00", "reason": "退款加补偿"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "45.00 yuan is more than the 30.00 yuan this complaint involves." in html
    assert 'name="confirm"' in html and 'value="45.00"' in html
    assert not Compensation.objects.exists()
    r = post(client, url, {"kind": "refund", "amount": "45.00", "reason": "退款加补偿", "confirm": "yes"})
    assert r.status_code == 200
    comp = Compensation.objects.get()
    assert comp.amount == Decimal("45.00")
    event = Event.objects.get(complaint=c, action="compensation_requested")
    assert "30.00" in event.data["confirmed"][0]


def test_the_playbook_ceiling_warns_through_the_api_too(api, c):
    body = {"kind": "cash", "amount": "60000.00", "reason": "重大损失"}
    r = api("agent").post(f"/complaints/{c.number}/compensations", body)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "confirmation_required" and "amount" in error["fields"]
    assert "50,000.00" in error["message"]
    assert not Compensation.objects.exists()
    r = api("agent").post(f"/complaints/{c.number}/compensations", {**body, "confirm": True})
    assert r.status_code == 201 and r.json()["approver_role"] == "manager"


def test_the_supervisor_approves_on_the_card_and_finance_pays_from_its_list(web, users, c, finance):
    comp = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="refund", amount="50", reason="r")
    client = web("supervisor", "en")
    shown = card(client.get(f"/complaints/{c.number}").content.decode())
    assert f"/compensations/{comp.pk}/decision" in shown
    r = post(
        client, f"/compensations/{comp.pk}/decision", {"back": "complaint", "decision": "approve", "comment": "同意"}
    )
    assert r.status_code == 200
    comp.refresh_from_db()
    assert comp.status == "approved" and comp.decided_by == users["supervisor"] and comp.decision_comment == "同意"
    assert "Approved, to be executed" in card(r.content.decode())

    # Finance does not see the complaint, but sees the compensation waiting on its page.
    client.force_login(finance)
    assert client.get(f"/complaints/{c.number}").status_code == 404
    page = client.get("/compensations").content.decode()
    waiting = page[page.index('id="to-execute"') : page.index('id="compensation-list"')]
    assert f'data-compensation="{comp.pk}"' in waiting and "Payment reference" in waiting
    r = client.post(f"/compensations/{comp.pk}/execution", {"back": "waiting", "status": "paid", "reference": ""})
    assert r.status_code == 400
    assert field_error(r.content.decode(), f"execute-reference-{comp.pk}") == ["Enter the payment reference."]
    comp.refresh_from_db()
    assert comp.status == "approved"
    r = client.post(f"/compensations/{comp.pk}/execution", {"back": "waiting", "status": "paid", "reference": "FK-77"})
    assert r.status_code == 302 and r["Location"].startswith("/compensations")
    comp.refresh_from_db()
    assert (comp.status, comp.reference, comp.executed_by) == ("paid", "FK-77", finance)
    html = web("agent", "en").get(f"/complaints/{c.number}").content.decode()
    assert "Compensation paid" in html and "FK-77" in html and "Payment reference" in html


def test_nobody_decides_his_own_request_nor_above_his_limit_on_the_page(web, users, c):
    comp = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="800", reason="r")
    for who in ("agent", "supervisor", "agent2"):
        r = post(web(who, "en"), f"/compensations/{comp.pk}/decision", {"decision": "approve"})
        assert r.status_code == 403, who
        assert "approval limit" in r.content.decode() or "his own request" in r.content.decode()
    comp.refresh_from_db()
    assert comp.status == "pending"
    r = post(web("director", "en"), f"/compensations/{comp.pk}/decision", {"decision": "reject", "comment": ""})
    assert r.status_code in (400, 404)
    comp.refresh_from_db()
    assert comp.status == "pending"


def test_reject_needs_a_comment_shown_next_to_it(web, users, c):
    comp = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="80", reason="r")
    client = web("supervisor", "en")
    r = post(client, f"/compensations/{comp.pk}/decision", {"back": "complaint", "decision": "reject", "comment": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert field_error(html, f"decide-comment-{comp.pk}")
    assert re.search(r'<details class="compensation-decide" open>', html)
    r = post(
        client,
        f"/compensations/{comp.pk}/decision",
        {"back": "complaint", "decision": "reject", "comment": "不符合标准"},
    )
    comp.refresh_from_db()
    assert comp.status == "rejected" and "不符合标准" in card(r.content.decode())


def test_cancel_by_the_requester_or_a_supervisor_before_execution(web, api, users, c, finance):
    mine = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="60", reason="r")
    other = do_request_compensation(
        c, actor=users["agent2"], now=timezone.now(), kind="voucher", amount="5", reason="r"
    )
    client = web("agent", "en")
    shown = card(client.get(f"/complaints/{c.number}").content.decode())
    assert f"/compensations/{mine.pk}/cancel" in shown and f"/compensations/{other.pk}/cancel" not in shown
    r = post(client, f"/compensations/{other.pk}/cancel", {"reason": "重复"})
    assert r.status_code == 403
    r = post(client, f"/compensations/{mine.pk}/cancel", {"reason": ""})
    assert r.status_code == 400 and field_error(r.content.decode(), f"cancel-reason-{mine.pk}")
    r = post(client, f"/compensations/{mine.pk}/cancel", {"reason": "客户改为换货"})
    assert r.status_code == 200
    mine.refresh_from_db()
    assert mine.status == "cancelled" and mine.due_at is None
    event = Event.objects.get(complaint=c, action="compensation_cancelled")
    assert event.data["reason"] == "客户改为换货" and event.data["was"] == "pending"
    assert "Compensation cancelled" in r.content.decode()
    # A supervisor cancels someone else's approved one; an executed one is not cancelled any more.
    r = api("supervisor").post(f"/compensations/{other.pk}/cancel", {"reason": "错误录入"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    paid = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="8", reason="r")
    api("supervisor").post(f"/compensations/{paid.pk}/execution", {"status": "paid", "reference": "FK"})
    r = api("agent").post(f"/compensations/{paid.pk}/cancel", {"reason": "晚了"})
    assert r.status_code == 409
    paid.refresh_from_db()
    assert paid.status == "paid"


def test_a_compensation_the_proposal_carries_is_not_cancelled(api, users, c):
    comp = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="8", reason="r")
    r = api("agent").act(
        c.number, "propose_solution", {"solution_type": "refund", "detail": "退款", "compensation_id": comp.pk}
    )
    assert r.status_code == 200, r.content
    with pytest.raises(Exception) as info:
        do_cancel_compensation(comp, actor=users["supervisor"], now=timezone.now(), reason="撤回")
    assert getattr(info.value, "code", "") == "conflict"
    comp.refresh_from_db()
    assert comp.status == "approved"


def test_the_propose_form_offers_the_types_and_the_approved_compensations(web, users, c):
    approved = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="8", reason="r")
    pending = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="80", reason="r")
    client = web("agent", "en")
    html = client.get(f"/complaints/{c.number}").content.decode()
    form = html[html.index('id="action-propose_solution"') :]
    form = form[: form.index("</form>")]
    select = form[form.index('name="compensation"') : form.index("</select>", form.index('name="compensation"'))]
    assert f'value="{approved.pk}"' in select and f'value="{pending.pk}"' not in select
    # The complaint's type is quality in the test playbook: the playbook's quality list, not every type.
    from kesu.solutions.rules import solution_types

    offered = solution_types(c.type_code)
    types = re.findall(r'<option value="([a-z_]+)"', form[: form.index('name="detail"')])
    assert types == offered

    before = snapshot(c.number)
    r = post(client, f"/complaints/{c.number}/actions/propose_solution", {
        "version": c.version, "solution_type": offered[0], "detail": "退款", "compensation": str(pending.pk),
    })  # fmt: skip
    assert r.status_code == 409
    errors = re.findall(r'id="id_propose_solution_compensation_error">([^<]+)<', r.content.decode())
    assert errors and "Awaiting approval" in errors[0]
    assert snapshot(c.number) == before
    r = post(client, f"/complaints/{c.number}/actions/propose_solution", {
        "version": c.version, "solution_type": offered[0], "detail": "退款", "compensation": str(approved.pk),
    })  # fmt: skip
    assert r.status_code == 200
    c.refresh_from_db()
    assert c.status == "solution_proposed" and c.compensation_amount == Decimal("8.00")


def test_the_waiting_page_lists_decisions_for_my_role_and_filters(web, users, c):
    small = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="60", reason="r")
    big = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="900", reason="r")
    page = web("supervisor", "en").get("/compensations").content.decode()
    decide = page[page.index('id="to-decide"') : page.index('id="to-execute"')]
    assert f'data-compensation="{small.pk}"' in decide and f'data-compensation="{big.pk}"' not in decide
    page = web("director", "en").get("/compensations").content.decode()
    decide = page[page.index('id="to-decide"') : page.index('id="to-execute"')]
    assert f'data-compensation="{big.pk}"' in decide
    listing = page[page.index('id="compensation-list"') : page.index('id="compensation-totals"')]
    assert listing.count("data-compensation=") == 2
    page = web("director", "en").get("/compensations", {"status": "approved"}).content.decode()
    listing = page[page.index('id="compensation-list"') : page.index('id="compensation-totals"')]
    assert "data-compensation=" not in listing
    r = web("director", "en").get("/compensations", {"from": "12/01", "status": "nope"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.content.decode()
    # A handler of a department that does not execute and is outside the complaint's scope sees nothing.
    page = web("handler_log", "en").get("/compensations").content.decode()
    assert "data-compensation=" not in page


def test_the_waiting_page_totals_per_kind_department_and_person(web, users, c, finance):
    a = do_request_compensation(c, actor=users["agent"], now=timezone.now(), kind="cash", amount="8", reason="r")
    do_request_compensation(c, actor=users["supervisor"], now=timezone.now(), kind="voucher", amount="100", reason="r")
    page = web("supervisor", "en").get("/compensations").content.decode()
    totals = page[page.index('id="compensation-totals"') :]
    assert "108.00" in totals and "Cash" in totals and "Voucher" in totals and "agent" in totals
    t = selectors.monthly_totals(
        start=timezone.now() - dt.timedelta(days=1), end=timezone.now() + dt.timedelta(days=1), user=users["agent"]
    )
    assert t["granted"] == "108.00" and a.status == "approved"


def test_the_nav_links_to_the_waiting_page(web):
    html = web("agent", "en").get("/").content.decode()
    assert 'href="/compensations"' in html


def test_timeline_rows_of_every_compensation_step_are_labelled():
    from kesu.web.display import COMPENSATION_EVENTS, EVENT_ICONS, EVENT_LABELS, event_details

    for action in COMPENSATION_EVENTS:
        assert action in EVENT_LABELS and action in EVENT_ICONS
    rows = dict(
        (label, value)
        for label, value, _long in event_details(
            "compensation_shipped", {"compensation": 3, "kind": "goods", "amount": "9.90", "reference": "SF1"}
        )
    )
    assert rows == {"Compensation": "#3", "Kind": "Goods", "Amount (CNY)": "9.90 yuan", "Waybill no.": "SF1"}
    rows = dict((label, value) for label, value, _long in event_details("compensation_overdue", {"stage": "decision"}))
    assert rows == {"Overdue step": "the decision"}


def _with_compensation(name, compensation=None, solution_types=None):
    data = copy.deepcopy(playbooks.read(name))
    if compensation is not None:
        data["settings"]["compensation"] = compensation
    if solution_types is not None:
        data["settings"]["solution_types"] = solution_types
    return data


@pytest.mark.parametrize(
    ("compensation", "where"),
    [
        ({"approval_limits": {"agent": 10.5}}, "settings.compensation.approval_limits.agent"),
        ({"approval_limits": {"cashier": "10"}}, "settings.compensation.approval_limits.cashier"),
        ({"approval_limits": {"agent": "-1"}}, "settings.compensation.approval_limits.agent"),
        ({"approval_limits": {"agent": "600", "supervisor": "500"}}, "settings.compensation.approval_limits"),
        ({"approval_hours": 0}, "settings.compensation.approval_hours"),
        ({"execution_hours": "72"}, "settings.compensation.execution_hours"),
        ({"finance_departments": ["NOPE"]}, "settings.compensation.finance_departments"),
        ({"logistics_departments": "LOG"}, "settings.compensation.logistics_departments"),
        ({"ceiling": "0"}, "settings.compensation.ceiling"),
        ({"ceilng": "100"}, "settings.compensation.ceilng"),
        ("yes", "settings.compensation"),
    ],
)
def test_the_playbooks_compensation_settings_are_checked_naming_the_key(compensation, where):
    with pytest.raises(PlaybookError) as info:
        playbooks.validate(_with_compensation("service", compensation), "service")
    assert f"service.yaml: {where}:" in str(info.value)


def test_the_shipped_playbooks_document_valid_compensation_settings():
    for name in playbooks.available():
        settings_ = playbooks.read(name)["settings"]
        assert settings_["compensation"]["approval_limits"]["agent"] == "10.00"
        assert settings_["compensation"]["ceiling"] == "50000.00"
        assert "default" in settings_["solution_types"]
    with pytest.raises(PlaybookError, match=r"settings\.solution_types\.quality"):
        playbooks.validate(_with_compensation("service", solution_types={"quality": ["teleport"]}), "service")


def test_a_compensation_request_is_refused_on_a_complaint_out_of_scope(web, users):
    other = advance(make_complaint(users["agent"]), users["admin"], "investigating")
    r = post(
        web("handler_log", "en"),
        f"/complaints/{other.number}/compensations",
        {"kind": "cash", "amount": "5", "reason": "x"},
    )
    assert r.status_code == 404
    assert not Compensation.objects.exists()


def _paid(users, c, *, kind, amount, at, who="agent", reference="FK-1"):
    from kesu.solutions.actions import do_execute_compensation

    comp = do_request_compensation(c, actor=users[who], now=at, kind=kind, amount=amount, reason="补偿", confirm=True)
    if comp.status == "pending":
        from kesu.solutions.actions import do_decide_compensation

        comp = do_decide_compensation(comp, actor=users["manager"], now=at, approved=True)
    step = "shipped" if kind == "goods" else ("paid" if kind in ("refund", "cash") else "done")
    return do_execute_compensation(comp, actor=users["supervisor"], now=at, status=step, reference=reference)


def test_the_monthly_report_and_the_kpi_page_show_compensation_paid(web, users, c):
    import io

    from openpyxl import load_workbook

    from kesu.reports import periods

    month = periods.previous("monthly", now=timezone.now())
    start, _end = month.bounds()
    inside = start + dt.timedelta(days=3, hours=10)
    _paid(users, c, kind="refund", amount="60.00", at=inside)
    _paid(users, c, kind="goods", amount="9.90", at=inside + dt.timedelta(days=1), who="agent2")
    _paid(users, c, kind="cash", amount="5.00", at=timezone.now())  # this month: not in last month's report
    do_request_compensation(c, actor=users["agent"], now=inside, kind="cash", amount="99", reason="未批")  # pending

    client = web("supervisor", "en")
    r = client.get("/reports/monthly.xlsx", {"month": month.key, "lang": "en"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    def section(heading):
        at = next(i for i, row in enumerate(rows) if row[0] == heading) + 2
        out = {}
        for row in rows[at:]:
            if row[0] is None:
                break
            out[row[0]] = (row[1], row[2])
        return out

    assert section("Compensation paid per kind") == {"Refund": (1, 60), "Goods": (1, 9.9)}
    assert section("Compensation paid per person") == {"agent": (1, 60), "agent2": (1, 9.9)}
    assert section("Compensation paid per month") == {month.key[:7]: (2, 69.9)}
    figures = {row[0]: row[1] for row in rows if row and row[0]}
    assert figures["Compensation paid in the period (CNY)"] == 69.9
    r = client.get("/reports/monthly.pdf", {"month": month.key})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")

    first, last = start.date(), (start + dt.timedelta(days=27)).date()
    html = client.get("/reports/kpis", {"from": first.isoformat(), "to": last.isoformat()}).content.decode()
    paid = html[html.index('id="kpi-compensation"') :]
    assert "2 executed in the period, 69.90 yuan" in paid and "Goods" in paid and "agent2" in paid
    # An agent sees his own requests only.
    html = web("agent2", "en").get("/reports/kpis", {"from": first.isoformat(), "to": last.isoformat()})
    paid = html.content.decode()[html.content.decode().index('id="kpi-compensation"') :]
    assert "1 executed in the period, 9.90 yuan" in paid
