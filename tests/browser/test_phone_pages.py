"""The staff pages on a phone (390×844, Chinese UI): nothing scrolls sideways and every list reads as cards, one per
row, each value under its column's name; at 1366×768 the same lists stay tables. Sign-in with 企业微信 and 钉钉
through the local fake of their login pages, at desktop and phone size (docs/screenshots/login_wecom.png), and the
new-complaint form: every missing field named at once, "5,200元" taken as written, Enter in the phone field looking
the customer up instead of submitting."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kesu.accounts.models import ExternalIdentity, SignInProvider
from kesu.alerts.models import Alert
from kesu.assessment.models import PenaltyEntry
from kesu.cases.actions import do_mark_case
from kesu.channels.imports import runs as imports
from kesu.complaints import actions
from kesu.complaints.models import Complaint, Customer
from kesu.followup import services as followup
from kesu.followup.models import Revisit
from kesu.quality import actions as quality
from kesu.rules import playbooks
from kesu.service import actions as service
from kesu.solutions.actions import do_request_compensation
from kesu.surveys import actions as surveys
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import advance, make_complaint
from tests.oauth_fake import FakeProvider

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
DATA = Path(__file__).resolve().parents[1] / "data" / "import"
LONG = "客户反映冰箱冷藏室持续漏水地板泡坏要求上门检修并赔偿损失" * 2  # no spaces: a line that must wrap


def _context(browser, viewport):
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        has_touch=viewport is PHONE,
        device_scale_factor=2 if viewport is PHONE else 1,
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return context, page


def _customer(name, phone, **kwargs):
    return actions.CustomerInput(name=name, phone=phone, kind=kwargs.pop("kind", "consumer"), **kwargs)


def _seed(users) -> dict:
    """Something on every list: complaints at many stages, an early warning, a CAPA, a teaching case, a
    compensation waiting, penalties, a service order, a survey with recipients, a GM meeting item."""
    agent, admin, supervisor = users["agent"], users["admin"], users["supervisor"]
    now = timezone.now()
    wang = _customer("王芳", "13912345678", email="wang.fang@customer.example")
    burst = [
        make_complaint(
            agent,
            customer=wang if i == 0 else None,
            title=f"批次 B2311 门板卡扣断裂 {i}" + (LONG if i == 0 else ""),
            batch_no="B2311-LONGBATCHNUMBER-0001",
            product="门板卡扣",
            product_code="KB-2231",
            amount="5200",
            received_at=now - dt.timedelta(hours=h),
        )
        for i, h in enumerate((30, 20, 10))
    ]
    investigating = advance(burst[0], admin, "investigating", department="PROD", owner="handler")
    quality.do_create_capa(
        [investigating],
        actor=users["quality"],
        now=now,
        kind="corrective",
        action="注塑机保压参数加锁,每班点检" + LONG,
        owner="handler",
        due_at=timezone.localtime(now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    )
    do_request_compensation(investigating, actor=agent, now=now, kind="refund", amount="50", reason="退还运费" + LONG)
    closed = []
    for title, (name, phone) in zip(
        ["冰箱漏水已换新", "快递延误已补偿", "门店服务态度差已道歉"],
        [("李雷", "13700001111"), ("赵敏", "13600002222"), ("陈静", "13500003333")],
        strict=True,
    ):
        c = make_complaint(agent, customer=_customer(name, phone), title=title + LONG)
        closed.append(advance(c, admin, "closed"))
    do_mark_case(closed[0], actor=supervisor, now=now, title="漏水换新" + LONG, lesson="先确认再承诺", tags=["换新"])
    entries = [
        PenaltyEntry.objects.create(person=person, complaint=c, rule=rule, amount=Decimal("30.00"), created_at=now)
        for c, person, rule in zip(
            closed,
            [agent, users["agent2"], users["handler"]],
            ["未在1个工作日内联系客户" + LONG, "越权处理", "未询问满意度"],
            strict=True,
        )
    ]
    order = service.do_create_order(
        actor=agent,
        now=now,
        customer={"name": "赵女士", "phone": "13912345670"},
        product="双门冰箱 BCD-520",
        fault="冷藏室不制冷,压缩机频繁启动" + LONG,
        address="上海市浦东新区张杨路 100 号 3 楼",
        area="浦东",
        skill="冰箱",
        purchase_date=timezone.localdate() - dt.timedelta(days=120),
    )
    for i, name in enumerate(["王一", "李二", "陈三"]):
        Customer.objects.create(name=name, email=f"c{i}@customer.example", phone=f"1391234560{i}")
    survey = surveys.do_create_survey(
        surveys.SurveyInput(
            title="年度客户满意度调查",
            year=now.year,
            questions=[{"text": "您对售后服务的满意程度", "kind": "score"}],
            groups=[{"kind": "consumer", "quota": 5}],
        ),
        actor=supervisor,
        now=now,
        open_now=True,
    )
    surveys.do_draw(survey.pk, actor=supervisor, now=now)
    followup.do_create_campaign(
        actor=supervisor,
        now=now,
        name="三月满意度回访" + LONG,
        agents=["agent", "agent2"],
        filters={},
        due_at=now + dt.timedelta(days=5),
    )
    gm = make_complaint(
        agent,
        customer=_customer("周先生", "13911110000", kind="business", company="华东汽车"),
        title="批次 B2311 外壳开裂,主机厂停线",
        description="客户整批退货,要求赔偿停线损失 20 万元。",
        flags=["line_stop", "batch"],
        amount="200000",
    )
    actions.do_acknowledge(gm, actor=admin, now=now)
    actions.do_triage(gm, actor=admin, now=now, severity="A", priority="urgent", level=2)
    gm = advance(gm, admin, "resolved")
    actions.do_rate(gm, actor=None, now=now, score=4, comment="赔偿金额远低于损失")
    gm = advance(gm, admin, "resolved")
    actions.do_rate(gm, actor=None, now=timezone.now(), score=5, comment="仍不接受,准备起诉")
    playbooks.load("service")  # the categories an imported sheet is read against
    sheet = (DATA / "old_records.csv").read_bytes()
    runs = {}
    for name, content in (("bad", sheet.replace(b"2024/3/6", b"2024/3/36")), ("good", sheet)):
        run = imports.do_upload(file_name=f"{name}.csv", chunks=[content], actor=supervisor, now=now)
        imports.do_check(run, actor=supervisor, now=now)
        runs[name] = run
    assert Alert.objects.exists() and Revisit.objects.exists()
    return {
        "entries": entries,
        "runs": runs,
        "alert": Alert.objects.first(),
        "case": closed[0].case,
        "customer": Complaint.objects.get(pk=investigating.pk).customer,
        "order": order,
        "survey": survey,
    }


def _pages(seed) -> list[tuple[str, str, str | None]]:
    """(user, path, the list table that must show as cards, or None for a page without one)."""
    return [
        ("supervisor", "/service-orders", "#service-orders"),
        ("supervisor", "/compensations", "#compensation-list table"),
        ("supervisor", "/revisits", "#campaigns table"),
        ("supervisor", "/ledger", ".ledger-table"),
        ("supervisor", "/ledger/agent", ".month-totals"),
        ("supervisor", "/alerts", ".alerts-table"),
        ("supervisor", f"/alerts/{seed['alert'].pk}", ".alert-complaints"),
        ("handler", "/capas", "#capa-list"),
        ("supervisor", "/cases", None),
        ("supervisor", f"/cases/{seed['case'].pk}", None),
        ("supervisor", "/surveys/", "#survey-list"),
        ("supervisor", f"/surveys/{seed['survey'].pk}/", "#recipients"),
        ("supervisor", f"/customers/{seed['customer'].pk}", None),
        ("supervisor", "/imports/", ".imports-table"),
        ("supervisor", f"/imports/{seed['runs']['bad'].pk}/", ".import-errors-table"),
        ("supervisor", f"/imports/{seed['runs']['good'].pk}/", ".import-preview-table"),
        ("manager", "/gm-meeting", ".rounds-table"),
        ("supervisor", "/reports/dashboard", None),
        ("supervisor", "/reports/kpis", "#kpi-people"),
        ("agent", "/complaints/new", None),
        ("supervisor", "/notifications", None),
    ]


_WIDEST = """() => {
  const w = window.innerWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width && r.right > w + 0.5; })
    .slice(0, 6)
    .map(e => `${e.tagName}#${e.id}.${[...e.classList].join('.')} →${Math.round(e.getBoundingClientRect().right)}`);
}"""


_SCROLLS_SIDEWAYS = """() => [...document.querySelectorAll('body *')].filter(e => {
  const x = getComputedStyle(e).overflowX;
  return (x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth + 1 && e.getClientRects().length;
}).map(e => e.tagName + '#' + e.id + '.' + [...e.classList].join('.') + ' ' + e.scrollWidth + '>' + e.clientWidth)"""


def _wider_than_the_screen(page) -> str | None:
    """The page, or a box in it (a table in .table-responsive), would scroll sideways."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > inner:
        return f"{width} > {inner}: {page.evaluate(_WIDEST)}"
    boxes = page.evaluate(_SCROLLS_SIDEWAYS)
    return f"scrolls sideways inside: {boxes}" if boxes else None


def _shows_cards(page, selector) -> str | None:
    table = page.locator(selector).first
    if not table.count():
        return f"no {selector} on the page"
    if table.evaluate("t => !t.tHead || getComputedStyle(t.tHead).display !== 'none'"):
        return "the header row still shows"
    cell = table.locator("tbody tr:first-child > td:nth-child(2)")
    if not cell.count():
        return "the list is empty"
    label = cell.get_attribute("data-label")
    if not label:
        return "the second cell has no label"
    shown = cell.evaluate("c => getComputedStyle(c, '::before').content")
    if label not in shown or not cell.is_visible():
        return f"the label {label!r} is not shown ({shown})"
    return None


def _walk(page, base, pages, check) -> list[str]:
    problems, signed_in = [], None
    for user, path, table in pages:
        if user != signed_in:
            sign_in(page, base, user)
            signed_in = user
        response = page.goto(f"{base}{path}")
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        page.wait_for_load_state("load")
        problems.extend(f"{path} as {user}: {p}" for p in check(page, table) if p)
    return problems


def test_every_staff_page_fits_a_phone_and_its_lists_are_cards(
    live_server, django_db_serialized_rollback, users, browser, screenshot
):
    seed = _seed(users)
    context, page = _context(browser, PHONE)
    try:

        def check(page, table):
            yield _wider_than_the_screen(page)
            if table:
                yield _shows_cards(page, table)

        problems = _walk(page, live_server.url, _pages(seed), check)
        # A decision by thumb in the ledger's cards; the table htmx swaps in is cards again.
        sign_in(page, live_server.url, "supervisor")
        page.goto(f"{live_server.url}/ledger")
        entry = seed["entries"][1]
        row = page.locator(f"tr[data-entry='{entry.pk}']")
        row.locator("input[name=note]").fill("系统停机期间,不计考核")
        waive = row.locator("button[value=waive]")
        box = waive.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        waive.tap()
        waived = page.locator(f"tr[data-entry='{entry.pk}'][data-status='waived']")
        waived.wait_for()
        expect(waived.locator("td").nth(1)).to_have_attribute("data-label", "人员")
        problems.append(_shows_cards(page, ".ledger-table"))
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "ledger_phone")
        # The navbar opened on a phone fits too.
        page.click(".navbar-toggler")
        expect(page.locator("#main-nav")).to_be_visible()
        problems.append(_wider_than_the_screen(page) and f"navbar: {_wider_than_the_screen(page)}")
        assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    finally:
        context.close()


def test_on_a_desktop_the_same_lists_stay_tables(live_server, django_db_serialized_rollback, users, browser):
    seed = _seed(users)
    context, page = _context(browser, DESKTOP)
    try:

        def check(page, table):
            if table:
                head = page.locator(selector := f"{table} thead").first
                yield None if head.is_visible() else f"{selector} is hidden"
                display = page.locator(f"{table} tbody tr").first.evaluate("r => getComputedStyle(r).display")
                yield None if display == "table-row" else f"rows are {display}"

        problems = _walk(page, live_server.url, _pages(seed), check)
        assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# Sign-in with 企业微信 and 钉钉 against the local fake of their login page and endpoints


@pytest.fixture
def providers(db):
    fake = FakeProvider().start()
    for kind in ("wecom", "dingtalk"):
        SignInProvider.objects.create(
            kind=kind,
            enabled=True,
            corp_id=fake.corp_id,
            agent_id="1000002" if kind == "wecom" else "",
            app_key=fake.app_key if kind == "dingtalk" else "",
            secret=fake.secret,
            authorize_url=f"{fake.url}/authorize",
            api_base_url=fake.url,
        )
    yield fake
    fake.stop()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    ("kind", "person", "username", "label"),
    [
        ("wecom", {"id": "ZhangSan"}, "agent", "企业微信"),
        ("dingtalk", {"id": "union-77", "name": "赵六"}, "supervisor", "钉钉"),
    ],
    ids=["wecom", "dingtalk"],
)
def test_sign_in_with_wecom_or_dingtalk_lands_on_the_inbox(
    live_server,
    django_db_serialized_rollback,
    users,
    browser,
    providers,
    screenshot,
    viewport,
    kind,
    person,
    username,
    label,
):
    ExternalIdentity.objects.create(
        provider=SignInProvider.objects.get(kind=kind), external_id=person["id"], user=users[username]
    )
    providers.login_as = person  # who "scans the QR code" on the provider's page
    base = live_server.url
    context, page = _context(browser, viewport)
    try:
        page.goto(f"{base}/login/")
        button = page.locator(f"#oauth-{kind}")
        expect(button).to_be_visible()
        expect(button).to_contain_text(label)
        expect(page.locator("#oauth-wecom" if kind == "dingtalk" else "#oauth-dingtalk")).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] and box["height"] >= 36
        assert not _wider_than_the_screen(page), _wider_than_the_screen(page)
        if viewport is PHONE and kind == "wecom":
            screenshot(page, "login_wecom")
        button.click()
        page.wait_for_url(f"{base}/")
        expect(page.locator(".inbox-table")).to_be_visible()
        expect(page.locator(".user-chip")).to_contain_text(str(users[username]))
        assert "/authorize" in providers.paths()
        assert ("/cgi-bin/auth/getuserinfo" if kind == "wecom" else "/v1.0/oauth2/userAccessToken") in providers.paths()
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# The new-complaint form


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_new_complaint_form_names_every_mistake_reads_5200_yuan_and_enter_looks_up(
    live_server, django_db_serialized_rollback, users, browser, viewport
):
    known = make_complaint(users["agent"], customer=_customer("刘女士", "13812345678"), title="面包发霉")
    base = live_server.url
    context, page = _context(browser, viewport)
    try:
        sign_in(page, base, "agent")
        page.goto(f"{base}/complaints/new")
        assert not _wider_than_the_screen(page), _wider_than_the_screen(page)

        # Enter in the phone field looks the customer up; it does not send the half-filled form.
        page.fill("#id_customer_phone", "13812345678")
        page.evaluate("window.stillThisPage = true")  # gone if the form were sent
        page.press("#id_customer_phone", "Enter")
        expect(page.locator("#customer-lookup .customer-name")).to_have_text("刘女士")
        expect(page.locator("#id_customer_name")).to_have_value("刘女士")
        expect(page.locator("#id_customer_name")).to_be_focused()
        assert page.evaluate("window.stillThisPage === true")
        expect(page.locator(".kesu-invalid")).to_have_count(0)
        assert Complaint.objects.count() == 1

        # Several fields missing: every one is named at once, next to its field.
        page.fill("#id_customer_phone", "")
        page.fill("#id_customer_name", "")
        page.fill("#id_amount", "大约五千")
        page.click("#submit-complaint")
        page.locator(".kesu-invalid").first.wait_for()
        expected = {"customer_phone": "电话", "customer_name": "客户姓名", "title": "标题", "amount": "金额"}
        for field, label in expected.items():
            error = page.locator(f"#id_{field}_error")
            expect(error).to_be_visible()
            box = error.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' kesu-field ')][1]")
            expect(box.locator("label.form-label")).to_contain_text(label)
            expect(page.locator(f"#id_{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#id_amount_error")).to_contain_text("大约五千")  # what was typed, refused by name
        assert page.locator(".invalid-feedback:visible").count() >= len(expected)
        assert Complaint.objects.count() == 1
        assert not _wider_than_the_screen(page), _wider_than_the_screen(page)

        # Corrected, with the amount as the customer said it.
        page.fill("#id_customer_phone", "13900001234")
        page.fill("#id_customer_name", "钱先生")
        page.fill("#id_title", "空调漏水")
        page.fill("#id_description", "新装的空调室内机漏水,墙面已泡坏。")
        page.fill("#id_amount", "5,200元")
        page.click("#submit-complaint")
        page.wait_for_url(re.compile(r"/complaints/KS-"))
        created = Complaint.objects.exclude(pk=known.pk).get()
        assert created.amount == Decimal("5200") and created.title == "空调漏水"
    finally:
        context.close()
