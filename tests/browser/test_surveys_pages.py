"""The satisfaction survey in a real browser: a customer answers through the personal link on a phone (390×844,
Chinese), first missing a required question, then completely; the supervisor opens the report with its charts
(this year against last year's survey of the same title). Both are photographed."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints.models import Customer
from kesu.surveys import actions, links
from kesu.surveys.models import Recipient
from tests.browser.conftest import TIMEOUT_MS, sign_in

pytestmark = pytest.mark.browser

QUESTIONS = [
    {"text": "您对产品质量的满意程度", "kind": "score"},
    {"text": "您对售后服务的满意程度", "kind": "score"},
    {"text": "您通过什么渠道购买我们的产品", "kind": "choice", "choices": ["门店", "网店", "朋友介绍"]},
    {"text": "您最看重哪些方面", "kind": "multi", "choices": ["价格", "质量", "服务", "配送"], "required": False},
    {"text": "您的意见和建议", "kind": "text", "required": False},
]


def _survey(supervisor, year, *, anonymous=False):
    return actions.do_create_survey(
        actions.SurveyInput(
            title="年度客户满意度调查",
            year=year,
            questions=QUESTIONS,
            intro="感谢您一直以来的支持!本问卷约需 2 分钟。",
            anonymous=anonymous,
            groups=[{"kind": "consumer", "quota": 20}],
        ),
        actor=supervisor,
        now=timezone.now(),
        open_now=True,
    )


def test_a_customer_answers_on_a_phone_and_the_supervisor_reads_the_report(
    live_server, django_db_serialized_rollback, users, browser, page, screenshot
):
    supervisor = users["supervisor"]
    now = timezone.now()
    for i, name in enumerate(["王芳", "李强", "陈静", "赵磊", "刘洋"]):
        Customer.objects.create(name=name, email=f"c{i}@customer.example", phone=f"1391234560{i}")
    last = _survey(supervisor, now.year - 1, anonymous=True)
    for scores in ([3, 3], [4, 2], [3, 3]):
        actions.do_answer(last, [*scores, "门店", [], ""], now=now, via="public")
    survey = _survey(supervisor, now.year)
    actions.do_draw(survey.pk, actor=supervisor, now=now)
    actions.do_send(survey.pk, actor=supervisor, now=now)
    recipients = list(Recipient.objects.filter(survey=survey).select_related("survey").order_by("id"))
    earlier = [
        [5, 4, "门店", ["质量", "服务"], "安装师傅很专业,送货也准时"],
        [4, 3, "网店", ["价格"], "送货太慢了,等了一个星期"],
        [4, 5, "朋友介绍", ["质量"], "希望送货时间能提前通知"],
    ]
    for recipient, answers in zip(recipients[1:], earlier, strict=False):
        actions.do_answer(survey, answers, now=now - dt.timedelta(hours=1), recipient=recipient, via="link")

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    try:
        phone = context.new_page()
        phone.set_default_timeout(TIMEOUT_MS)
        phone.set_default_navigation_timeout(TIMEOUT_MS)
        phone.goto(links.personal_url(recipients[0]).replace(links.absolute(""), live_server.url))
        assert "年度客户满意度调查" in phone.inner_text("#survey-title")
        # the second rating is left out: the page says which question needs an answer, in Chinese
        phone.locator("label[for$='-5']").first.click()
        phone.locator(".survey-option", has_text="门店").click()
        phone.click("#submit-survey")
        phone.locator("#survey-errors").wait_for()
        invalid = phone.locator(".survey-invalid")
        assert invalid.count() == 1 and "此题为必答题" in invalid.inner_text()
        assert "您对售后服务的满意程度" in invalid.inner_text()
        # what was chosen is still chosen
        assert phone.locator(".survey-question").first.locator("input:checked").get_attribute("value") == "5"
        invalid.locator("label", has_text="4").click()
        phone.locator(".survey-option", has_text="服务").click()
        phone.locator(".survey-option", has_text="配送").click()
        phone.fill("textarea", "送货很快,客服态度也好")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # nothing wider than the phone
        screenshot(phone, "survey_answer", full_page=True)
        phone.click("#submit-survey")
        phone.locator("#survey-thanks").wait_for()
        phone.reload()  # the link answers once
        phone.locator("#survey-answered").wait_for()
    finally:
        context.close()

    sign_in(page, live_server.url, "supervisor")
    page.click("a.nav-link[href='/surveys/']")
    page.locator(f"tr[data-survey='{survey.pk}']").wait_for()
    assert "80.0 %" in page.inner_text(f"tr[data-survey='{survey.pk}']")  # 4 of the 5 sent answered
    page.goto(f"{live_server.url}/surveys/{survey.pk}/report/")
    page.wait_for_function("document.body.dataset.chartsDrawn === '6'", timeout=TIMEOUT_MS)
    assert page.locator(".survey-chart canvas").count() == 6
    first = page.locator(f"[data-question-report='{survey.questions.first().pk}']")
    assert "4.50" in first.inner_text() and "3.33" in first.inner_text()  # this year, last year
    assert "送货" in page.inner_text("body")  # the text answers' frequent word
    screenshot(page, "survey_report", full_page=True)
