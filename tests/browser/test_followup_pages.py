"""The pages after intake in a real browser (Chinese UI): SLA clocks and tasks on a complaint, revisits, the
GM meeting, the assessment ledger and the customer's rating page on a phone. Each is photographed."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.assessment.models import PenaltyEntry
from kesu.complaints import actions
from kesu.complaints.models import Complaint
from kesu.followup import services as followup
from kesu.followup.models import Revisit
from kesu.routing.models import Task
from kesu.routing.tasks_actions import do_update_task
from kesu.rules import playbooks
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import UserFactory, advance, make_complaint

pytestmark = pytest.mark.browser


def _customer(name, phone, **kwargs):
    return actions.CustomerInput(name=name, phone=phone, kind=kwargs.pop("kind", "consumer"), **kwargs)


def test_a_complaint_with_clocks_rule_hits_and_tasks(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    playbooks.load("service")
    UserFactory(username="qc_wang", display_name="王质检", role="handler", departments=["QC"])
    UserFactory(username="rd_li", display_name="李工", role="handler", departments=["RD"])
    agent, supervisor = users["agent"], users["supervisor"]
    customer = _customer("刘女士", "13812345678")
    make_complaint(agent, customer=customer, title="面包发霉", description="上周买的面包发霉了", type_code="quality")
    c = make_complaint(
        agent,
        customer=customer,
        title="孩子吃了面包后呕吐就医,要求赔偿",
        description="客户称孩子吃了门店购买的面包后呕吐,已去医院检查,怀疑食物中毒,表示要找媒体曝光并投诉到12315。",
        type_code=None,
        product="全麦面包",
        batch_no="B20250301",
        amount="6800",
        store="南京路店",
    )
    now = timezone.now()
    actions.do_acknowledge(c, actor=agent, now=now, note="已致电客户致歉,约定今天内回复检测安排。")
    actions.do_triage(c, actor=supervisor, now=now, type_code="quality", severity="A", level=2, reason="涉及就医")
    actions.do_assign(c, actor=supervisor, now=now)
    c.refresh_from_db()
    task = Task.objects.filter(complaint=c, department__code="RD").first()
    if task is not None:
        do_update_task(c, task.pk, actor=supervisor, now=now, status="in_progress", note="已调取同批次留样")
    base = live_server.url

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/complaints/{c.number}")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#clocks .clock").count() >= 3
    assert page.locator("#rule-hits tr[data-rule=personal_safety]").count() == 1
    assert page.locator("#suggestion mark.risk-term").count() >= 2
    assert page.locator("#linked .complaint-number").count() == 1

    # Add a task through the form; htmx swaps the page body in place.
    page.click("button[data-bs-target='#task-add']")
    page.fill("#id_task_title", "法务评估赔偿方案")
    page.select_option("#id_task_department", "LEGAL")
    due = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_task_due_at", due)
    page.click("#add-task")
    page.locator(".task-list .task", has_text="法务评估赔偿方案").wait_for()
    assert Task.objects.filter(complaint=c, title="法务评估赔偿方案").exists()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "complaint-clocks", full_page=True)


def test_the_revisits_worklist_and_a_campaign(live_server, django_db_serialized_rollback, users, page, screenshot):
    agent, admin = users["agent"], users["admin"]
    titles = ["冰箱漏水已换新", "快递延误已补偿", "门店服务态度差已道歉", "洗衣机异响已维修"]
    names = [("王芳", "13912345678"), ("李雷", "13700001111"), ("赵敏", "13600002222"), ("陈静", "13500003333")]
    closed = []
    for title, (name, phone) in zip(titles, names, strict=True):
        c = make_complaint(agent, customer=_customer(name, phone), title=title)
        closed.append(advance(c, admin, "closed"))
    followup.do_create_campaign(
        actor=users["supervisor"],
        now=timezone.now(),
        name="三月满意度回访",
        agents=["agent", "agent2"],
        filters={},
        due_at=timezone.now() + dt.timedelta(days=5),
    )
    first = Revisit.objects.filter(complaint=closed[0], campaign__isnull=True).get()
    followup.do_record_revisit(
        Revisit.objects.filter(campaign__isnull=False, assigned_to=users["agent2"]).first().pk,
        actor=users["agent2"],
        now=timezone.now(),
        status="done",
        result="客户表示满意",
        satisfaction=1,
    )
    base = live_server.url

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/revisits")
    assert page.locator(".revisit").count() >= 4
    assert page.locator("#campaigns tr[data-campaign]").count() == 1
    # Reveal one customer's phone in place.
    page.click(f"#contact-r{first.pk} button.reveal-contact")
    page.locator(f"#contact-r{first.pk} .contact-phone", has_text="13912345678").wait_for()
    # Record a revisit; the list updates in place.
    form = page.locator(f"[data-revisit='{first.pk}'] form.revisit-form")
    form.locator("textarea").fill("客户对换新结果满意,感谢上门服务。")
    form.locator("select").select_option("2")
    form.locator("button[type=submit]").click()
    page.locator(f"[data-revisit='{first.pk}']").wait_for(state="detached")
    assert Revisit.objects.get(pk=first.pk).status == "done"
    page.click("button[data-bs-target='#campaign-form']")
    page.locator("#campaign-form.show").wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "revisits", full_page=True)


def _agenda_item(users):
    agent, admin = users["agent"], users["admin"]
    c = make_complaint(
        agent,
        customer=_customer("周先生", "13911110000", kind="business", company="华东汽车"),
        title="批次 B2311 外壳开裂,主机厂停线",
        description="客户整批退货,要求赔偿停线损失 20 万元。",
        flags=["line_stop", "batch"],
        amount="200000",
    )
    now = timezone.now()
    actions.do_acknowledge(c, actor=admin, now=now)
    actions.do_triage(c, actor=admin, now=now, severity="A", priority="urgent", level=2)
    c = advance(c, admin, "resolved")
    actions.do_rate(c, actor=None, now=now, score=4, comment="赔偿金额远低于损失")
    c.refresh_from_db()
    c = advance(c, admin, "resolved")
    actions.do_rate(c, actor=None, now=timezone.now(), score=5, comment="仍不接受,准备起诉")
    return Complaint.objects.get(pk=c.pk)


def test_the_gm_meeting_agenda(live_server, django_db_serialized_rollback, users, page, screenshot):
    c = _agenda_item(users)
    assert c.level == 3 and c.agenda_items.filter(status="open").exists()
    base = live_server.url
    sign_in(page, base, "manager")
    page.click("a[href='/gm-meeting']")
    page.wait_for_url(f"{base}/gm-meeting")
    item = page.locator(".agenda-item").first
    assert c.number in item.inner_text()
    assert item.locator(".satisfaction-history li").count() >= 2
    item.locator("textarea").fill("由质量部牵头复检,财务部核算停线损失,三日内答复客户。")
    screenshot(page, "gm-meeting", full_page=True)


def test_the_assessment_ledger(live_server, django_db_serialized_rollback, users, page, screenshot):
    agent = users["agent"]
    complaints = [make_complaint(agent, title=t) for t in ("快递延误", "冰箱漏水", "店员态度差", "退款未到账")]
    people = [users["agent"], users["agent2"], users["handler"], users["agent"]]
    rules = ["未在1个工作日内联系客户", "未在1个工作日内联系客户", "越权处理", "未询问客户满意度"]
    amounts = ["30.00", "30.00", "100.00", "50.00"]
    entries = []
    for c, person, rule, amount in zip(complaints, people, rules, amounts, strict=True):
        entries.append(
            PenaltyEntry.objects.create(
                person=person, complaint=c, rule=rule, amount=Decimal(amount), created_at=timezone.now()
            )
        )
    base = live_server.url
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/ledger")
    assert page.locator(".ledger-table tr[data-entry]").count() == 4
    # Waive one with a note (htmx swaps the table).
    row = page.locator(f"tr[data-entry='{entries[1].pk}']")
    row.locator("input[name=note]").fill("系统停机期间,不计考核")
    row.locator("button[value=waive]").click()
    page.locator(f"tr[data-entry='{entries[1].pk}'][data-status='waived']").wait_for()
    screenshot(page, "ledger", full_page=True)


def test_the_customer_rates_on_a_phone(live_server, django_db_serialized_rollback, users, browser, screenshot):
    from kesu.core.models import Organization

    org = Organization.objects.first() or Organization(complaint_prefix="KS")
    org.name = "海川电器有限公司"
    org.save()
    c = make_complaint(
        users["agent"],
        customer=_customer("王芳", "13912345678"),
        title="洗衣机脱水时异响,客户说要打12315",
        product="滚筒洗衣机 XQG100",
    )
    c = advance(c, users["admin"], "resolved")
    token = followup.rating_token(c)
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.set_default_navigation_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/rate/{token}")
        body = page.inner_text("body")
        assert c.number in body and "王芳" not in body
        # The company speaks, about the product, in the customer's words — not the title staff wrote.
        assert "海川电器有限公司" in page.inner_text("#rate-brand") and "12315" not in body
        assert "滚筒洗衣机 XQG100" in page.inner_text("#rate-summary")
        assert "1 表示非常满意" in page.inner_text("#rate-scale-help")
        page.locator(".rate-option").nth(1).click()
        page.fill("#id_rating_comment", "维修师傅很专业。")
        screenshot(page, "rate", full_page=True)
        page.click("#send-rating")
        page.wait_for_url(re.compile(r"/thanks$"))
        assert page.locator("[data-state=thanks]").count() == 1
        c.refresh_from_db()
        assert c.satisfaction == 2 and c.status == "resolved"
    finally:
        context.close()


def test_news_about_one_complaint_is_one_notice(live_server, django_db_serialized_rollback, users, page, screenshot):
    from kesu.notifications.services import notify

    agent = users["agent"]
    c = make_complaint(agent, title="冰箱漏水,地板泡坏", product="双门冰箱")
    other = make_complaint(agent, title="送货延误三天")
    now = timezone.now()
    for i, clock in enumerate(("首次响应", "方案提交", "结案")):
        notify(
            [agent],
            kind="sla_breach",
            title=f"{c.number}: {clock}已超时",
            body=c.title,
            complaint=c,
            key=f"b{i}",
            now=now - dt.timedelta(minutes=5, seconds=-i),
        )
    notify(
        [agent],
        kind="task_assigned",
        title=f"{other.number}: 您的部门被邀请协办",
        body=other.title,
        complaint=other,
        key="t",
        now=now,
    )
    sign_in(page, live_server.url, "agent")
    assert page.inner_text("#nav-unread") == "2"  # two complaints with news, not four rows
    page.goto(f"{live_server.url}/notifications")
    assert page.locator(".notification").count() == 2
    grouped = page.locator(".notification[data-notice*=',']")
    assert grouped.locator(".notice-items li").count() == 2
    screenshot(page, "notifications_grouped")
    grouped.locator(".mark-read").click()
    page.wait_for_function("document.querySelectorAll('.notification.unread').length === 1")
    assert page.inner_text("#nav-unread") == "1"
