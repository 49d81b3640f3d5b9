"""The annual customer satisfaction survey (R-SAT-4) from outside: planned and built through the API and the
builder page, sent by e-mail to a real SMTP server (and by SMS to a local gateway), answered through the
personal links and the public link, reminded by the worker's job, and summed up in the report, its workbook
and its PDF."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kesu.channels.outbound.models import SmsGateway
from kesu.complaints import actions as complaint_actions
from kesu.complaints.models import Customer
from kesu.documents.pdf import font_names, page_count
from kesu.notifications import delivery
from kesu.surveys import actions, analysis
from kesu.surveys.models import Recipient, Response, Survey
from tests.test_channels_outbound import SmsPeer

QUESTIONS = [
    {"text": "您对产品质量的满意程度", "kind": "score"},
    {"text": "您对售后服务的满意程度", "kind": "score"},
    {"text": "您通过什么渠道了解我们", "kind": "choice", "choices": ["门店", "网店", "朋友介绍"]},
    {"text": "您最看重哪些方面", "kind": "multi", "choices": ["价格", "质量", "服务"], "required": False},
    {"text": "您的意见和建议", "kind": "text", "required": False},
]
LINK = re.compile(r"https://kesu\.example\.com/s/r/(\S+?)/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.KESU_COMPLAINTS_EMAIL = "service@kesu.example.com"
    settings.KESU_BASE_URL = "https://kesu.example.com"
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


def deliver(at=None):
    return delivery.deliver_due(now=(at or timezone.now()) + dt.timedelta(seconds=1))


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def token_in(message) -> str:
    match = LINK.search(body_of(message))
    assert match, body_of(message)
    return match.group(1)


_phones = iter(range(13600000001, 13699999999))


def customer(name, *, email="", kind="consumer", phone=None, preferred="phone"):
    return Customer.objects.create(
        name=name,
        kind=kind,
        email=email,
        phone=phone if phone is not None else str(next(_phones)),
        preferred_contact=preferred,
    )


@pytest.fixture
def three_customers(db):
    return [customer(f"客户{i}", email=f"c{i}@customer.example") for i in range(1, 4)]


def create(api, user="supervisor", **extra):
    body = {"title": "年度客户满意度调查", "year": 2026, "questions": QUESTIONS, **extra}
    return api(user).post("/surveys", body)


def answer(client_api, survey_id, answers, token=None):
    body = {"answers": answers, **({"token": token} if token else {})}
    return client_api.client.post(
        f"/api/v1/public/surveys/{survey_id}/responses", body, content_type="application/json"
    )


def sent_survey(api, smtp, customers, **extra):
    """A survey planned for every consumer, drawn, sent and delivered: (id, {address: token})."""
    r = create(api, groups=[{"kind": "consumer", "quota": 10}], anonymous=False, **extra)
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert api("supervisor").post(f"/surveys/{sid}/draw").json()["added"] == len(customers)
    sent = api("supervisor").post(f"/surveys/{sid}/send").json()
    assert sent["sent_now"] == len(customers)
    assert deliver().sent == len(customers)
    tokens = {c.email: token_in(smtp.to(c.email)[0]) for c in customers}
    return sid, tokens


# ── the contract ─────────────────────────────────────────────────────────────────────────────────────


def test_create_returns_id_and_public_url_and_the_public_link_takes_an_answer(api, settings):
    settings.KESU_BASE_URL = "https://kesu.example.com"
    r = create(api)
    assert r.status_code == 201
    body = r.json()
    assert body["public_url"] == f"https://kesu.example.com/s/{body['id']}/"
    r = answer(api("supervisor"), body["id"], [5, 4, "门店", ["价格"], "很好"])
    assert r.status_code == 201
    report = api("supervisor").get(f"/surveys/{body['id']}/report").json()
    assert report["responses"] == 1
    assert report["questions"][0] == {**report["questions"][0], "text": "您对产品质量的满意程度", "average": 5.0}
    assert report["questions"][2]["counts"] == {"门店": 1, "网店": 0, "朋友介绍": 0}


def test_sent_to_three_answered_by_two_is_a_rate_of_66_7_with_per_question_averages(api, smtp, three_customers):
    sid, tokens = sent_survey(api, smtp, three_customers)
    mail = smtp.to("c1@customer.example")[0]
    assert "2026" in mail["Subject"] and "年度客户满意度调查" in mail["Subject"]
    assert mail["From"] == "service@kesu.example.com"
    assert "客户1" in body_of(mail)
    anon = api("supervisor")
    assert (
        answer(anon, sid, [5, 4, "门店", ["价格", "服务"], "送货很快"], tokens["c1@customer.example"]).status_code
        == 201
    )
    assert answer(anon, sid, [4, 2, "网店", [], ""], tokens["c2@customer.example"]).status_code == 201

    report = api("supervisor").get(f"/surveys/{sid}/report").json()
    assert (report["sent"], report["answered"], report["responses"]) == (3, 2, 2)
    assert report["response_rate"] == 66.7
    product, service, channel, wishes, _text = report["questions"]
    assert product["average"] == 4.5 and service["average"] == 3.0
    assert product["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert channel["counts"] == {"门店": 1, "网店": 1, "朋友介绍": 0}
    assert wishes["counts"] == {"价格": 1, "质量": 0, "服务": 1} and wishes["answered"] == 1
    # Identified: the answer belongs to the customer who was sent the link.
    assert Response.objects.get(recipient__customer=three_customers[0]).answers[str(product["id"])] == 5

    page = api("supervisor").get(f"/surveys/{sid}")
    assert page.json()["response_rate"] == 66.7


def test_the_distribution_page_shows_sent_opened_answered_and_the_rate(api, web, smtp, three_customers):
    sid, tokens = sent_survey(api, smtp, three_customers)
    client = web("supervisor")
    client.get(reverse("web:survey_personal", args=[tokens["c3@customer.example"]]))  # opened, not answered
    for address in ("c1@customer.example", "c2@customer.example"):
        answer(api("supervisor"), sid, [3, 3, "门店", [], ""], tokens[address])
    html = client.get(reverse("web:survey", args=[sid])).content.decode()
    assert re.search(r'data-figure="sent">3<', html) and re.search(r'data-figure="opened">3<', html)
    assert re.search(r'data-figure="answered">2<', html) and "66.7 %" in html


# ── answers refused ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([5, 4, "门店", []], "answers"),  # one missing
        ([5, 4, "门店", [], "", "多一个"], "answers"),  # one too many
        ([6, 4, "门店", [], ""], "answers.0"),  # out of range
        ([0, 4, "门店", [], ""], "answers.0"),
        ([True, 4, "门店", [], ""], "answers.0"),
        (["很好", 4, "门店", [], ""], "answers.0"),
        ([5, None, "门店", [], ""], "answers.1"),  # required
        ([5, 4, "电视广告", [], ""], "answers.2"),  # unknown choice
        ([5, 4, "门店", ["价格", "运费"], ""], "answers.3"),  # unknown among several
        ([5, 4, "门店", [], "长" * 2001], "answers.4"),
        ("5,4", "answers"),
    ],
)
def test_a_wrong_answer_is_a_400_naming_the_field_and_records_nothing(api, answers, field):
    sid = create(api).json()["id"]
    r = answer(api("supervisor"), sid, answers)
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"], r.json()
    assert not Response.objects.exists()


def test_a_personal_link_answers_only_once(api, web, smtp, three_customers):
    sid, tokens = sent_survey(api, smtp, three_customers)
    token = tokens["c1@customer.example"]
    assert answer(api("supervisor"), sid, [5, 5, "门店", [], ""], token).status_code == 201
    again = answer(api("supervisor"), sid, [1, 1, "网店", [], ""], token)
    assert again.status_code == 409
    # the page says so, and a post from it changes nothing either
    client = web("agent")
    client.logout()
    page = client.get(reverse("web:survey_personal", args=[token]))
    assert page.status_code == 200 and 'id="survey-answered"' in page.content.decode()
    posted = client.post(reverse("web:survey_personal", args=[token]), {"q1": "1"})
    assert posted.status_code == 409
    assert Response.objects.filter(survey_id=sid).count() == 1
    assert analysis.report(Survey.objects.get(pk=sid)).questions[0]["average"] == 5


def test_a_token_for_another_survey_or_altered_is_refused(api, smtp, three_customers):
    sid, tokens = sent_survey(api, smtp, three_customers)
    other = create(api).json()["id"]
    token = tokens["c1@customer.example"]
    assert answer(api("supervisor"), other, [5, 5, "门店", [], ""], token).status_code == 404
    assert answer(api("supervisor"), sid, [5, 5, "门店", [], ""], token[:-2] + "xx").status_code == 404
    assert not Response.objects.exists()


def test_an_identified_survey_has_no_public_link_and_anonymous_answers_are_not_linked(api, smtp, three_customers):
    sid, _tokens = sent_survey(api, smtp, three_customers)
    assert api("supervisor").get(f"/surveys/{sid}").json()["public_url"] is None
    assert answer(api("supervisor"), sid, [5, 5, "门店", [], ""]).status_code == 404

    anonymous = create(api, groups=[{"quota": 5}]).json()["id"]
    api("supervisor").post(f"/surveys/{anonymous}/draw")
    api("supervisor").post(f"/surveys/{anonymous}/send")
    deliver()
    mail = [m for m in smtp.to("c1@customer.example") if "/s/r/" in body_of(m)][-1]
    assert "匿名" in body_of(mail)
    assert answer(api("supervisor"), anonymous, [4, 4, "门店", [], ""], token_in(mail)).status_code == 201
    response = Response.objects.get(survey_id=anonymous)
    assert response.recipient is None
    assert Recipient.objects.get(survey_id=anonymous, customer=three_customers[0]).answered_at is not None


def test_a_closed_or_ended_survey_takes_no_answer(api):
    sid = create(api, period_end="2026-01-31").json()["id"]
    r = answer(api("supervisor"), sid, [5, 5, "门店", [], ""])
    assert r.status_code == 409  # the period ended (today is after it)
    sid = create(api).json()["id"]
    assert api("supervisor").post(f"/surveys/{sid}/close").status_code == 200
    assert answer(api("supervisor"), sid, [5, 5, "门店", [], ""]).status_code == 409
    assert not Response.objects.exists()


# ── plans and questionnaires refused ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"year": "明年"}, "year"),
        ({"year": 1990}, "year"),
        ({"questions": []}, "questions"),
        ({"questions": [{"text": "", "kind": "score"}]}, "questions.0.text"),
        ({"questions": [{"text": "好吗", "kind": "stars"}]}, "questions.0.kind"),
        ({"questions": [{"text": "渠道", "kind": "choice", "choices": ["门店"]}]}, "questions.0.choices"),
        ({"questions": [{"text": "渠道", "kind": "choice", "choices": ["门店", "门店"]}]}, "questions.0.choices"),
        ({"period_start": "2026-05-01", "period_end": "2026-04-01"}, "period_end"),
        ({"groups": [{"kind": "alien", "quota": 3}]}, "groups.0.kind"),
        ({"groups": [{"quota": 0}]}, "groups.0.quota"),
        ({"anonymous": "yes"}, "anonymous"),
        ({"reminder_days": -1}, "reminder_days"),
    ],
)
def test_a_wrong_plan_is_a_400_naming_the_field_and_creates_nothing(api, change, field):
    r = create(api, **change)
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"], r.json()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("role", ["agent", "handler", "quality", "archivist"])
def test_only_supervisors_and_above_build_send_and_read_surveys(api, role, users):
    assert create(api, role).status_code == 403
    assert not Survey.objects.exists()
    sid = create(api, "director").json()["id"]
    for path in (f"/surveys/{sid}", f"/surveys/{sid}/report", f"/surveys/{sid}/report.xlsx", "/surveys"):
        assert api(role).get(path).status_code == 403, path
    assert api(role).post(f"/surveys/{sid}/close").status_code == 403
    assert Survey.objects.get(pk=sid).status == "open"
    for manager in ("supervisor", "manager", "admin"):
        assert api(manager).get(f"/surveys/{sid}/report").status_code == 200


def test_staff_pages_refuse_other_roles(web, api):
    sid = create(api).json()["id"]
    client = web("agent")
    for name, args in (
        ("web:surveys", []),
        ("web:survey_new", []),
        ("web:survey", [sid]),
        ("web:survey_report", [sid]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("web:survey_close", args=[sid])).status_code == 403
    assert Survey.objects.get(pk=sid).status == "open"
    assert web("supervisor").get(reverse("web:surveys")).status_code == 200


# ── target customers ─────────────────────────────────────────────────────────────────────────────────


def test_the_plan_draws_customers_by_kind_region_and_product_within_quotas(api, users):
    agent = users["agent"]
    for i in range(4):
        complaint_actions.do_create(
            complaint_actions.ComplaintInput(
                channel="phone",
                customer=complaint_actions.CustomerInput(
                    name=f"上海{i}", phone=f"1390000000{i}", email=f"sh{i}@x.example"
                ),
                title="冰箱漏水",
                description="冰箱漏水",
                type_code="quality",
                store="上海徐汇店",
                product="冰箱 BCD-520",
            ),
            actor=agent,
            now=timezone.now(),
        )
    complaint_actions.do_create(
        complaint_actions.ComplaintInput(
            channel="phone",
            customer=complaint_actions.CustomerInput(name="北京", phone="13911111111"),
            title="空调不制冷",
            description="空调不制冷",
            type_code="quality",
            store="北京朝阳店",
            product="空调",
        ),
        actor=agent,
        now=timezone.now(),
    )
    dealer = customer("加盟商甲", kind="franchisee", email="f@dealer.example")
    customer("没有联系方式", phone="")
    r = create(
        api,
        groups=[
            {"kind": "consumer", "region": "上海", "product": "冰箱", "quota": 3},
            {"kind": "franchisee", "quota": 5},
            {"region": "北京", "quota": 2},
        ],
    )
    sid = r.json()["id"]
    assert api("supervisor").post(f"/surveys/{sid}/draw").json()["added"] == 5
    drawn = Recipient.objects.filter(survey_id=sid).select_related("customer")
    names = sorted(r.customer.name for r in drawn)
    assert len([n for n in names if n.startswith("上海")]) == 3  # the quota
    assert "加盟商甲" in names and "北京" in names and "没有联系方式" not in names
    assert Recipient.objects.get(survey_id=sid, customer=dealer).group.kind == "franchisee"
    # drawing again adds no one (quotas met), and never the same customer twice
    assert api("supervisor").post(f"/surveys/{sid}/draw").json()["added"] == 0


# ── distribution ─────────────────────────────────────────────────────────────────────────────────────


def test_sms_goes_through_the_gateway_when_the_customer_prefers_it_or_has_no_mail(api, smtp):
    peer = SmsPeer()
    try:
        SmsGateway.objects.create(name="短信", kind="generic", endpoint=peer.url("/sms"), access_key_secret="s")
        customer("短信客户", phone="13812345678", preferred="sms", email="sms@customer.example")
        customer("只有手机", phone="13812345679")
        sid = create(api, groups=[{"quota": 5}]).json()["id"]
        api("supervisor").post(f"/surveys/{sid}/draw")
        assert api("supervisor").post(f"/surveys/{sid}/send").json()["sent_now"] == 2
        assert deliver().sent == 2
        import json

        texts = {json.loads(req["raw"])["to"]: json.loads(req["raw"])["text"] for req in peer.requests}
        assert set(texts) == {"13812345678", "13812345679"}
        assert "https://kesu.example.com/s/r/" in texts["13812345679"] and "2026" in texts["13812345679"]
        assert not smtp.messages
    finally:
        peer.close()


def test_without_an_sms_gateway_a_phone_only_customer_is_counted_not_sent(api, smtp):
    customer("只有手机", phone="13812345679")
    customer("有邮箱", email="m@customer.example")
    sid = create(api, groups=[{"quota": 5}]).json()["id"]
    api("supervisor").post(f"/surveys/{sid}/draw")
    result = api("supervisor").post(f"/surveys/{sid}/send").json()
    assert (result["sent_now"], result["without_contact"], result["sent"]) == (1, 1, 1)


def test_sending_twice_sends_each_customer_once(api, smtp, three_customers):
    sid, _tokens = sent_survey(api, smtp, three_customers)
    assert api("supervisor").post(f"/surveys/{sid}/send").json()["sent_now"] == 0
    deliver()
    assert len(smtp.messages) == 3


def test_reminders_go_to_those_who_have_not_answered_after_the_configured_days(api, smtp, three_customers):
    sid, tokens = sent_survey(api, smtp, three_customers, reminder_days=3, max_reminders=1)
    answer(api("supervisor"), sid, [5, 5, "门店", [], ""], tokens["c1@customer.example"])
    now = timezone.now()
    assert actions.remind_due(now=now + dt.timedelta(days=2)) == 0  # too early
    later = now + dt.timedelta(days=3, minutes=1)
    assert actions.remind_due(now=later) == 2
    assert actions.remind_due(now=later) == 0  # run twice: nothing more
    deliver(later)
    reminded = [m["To"] for m in smtp.messages if "提醒" in m["Subject"]]
    assert sorted(reminded) == ["c2@customer.example", "c3@customer.example"]
    # the reminder carries the same personal link
    assert token_in(smtp.to("c2@customer.example")[-1]) == tokens["c2@customer.example"]
    assert actions.remind_due(now=later + dt.timedelta(days=10)) == 0  # max_reminders reached
    assert Recipient.objects.get(survey_id=sid, customer=three_customers[1]).reminders == 1


def test_the_reminder_task_is_a_daily_periodic_task_the_worker_finds():
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    from kesu.surveys.tasks import remind_survey_recipients_daily

    autodiscover_modules("tasks")  # what run_huey does at start-up
    name = remind_survey_recipients_daily.task_class.__name__
    due = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 10, 12, 1, 30))}
    later = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 10, 12, 1, 31))}
    assert name in due and name not in later


# ── the report ───────────────────────────────────────────────────────────────────────────────────────


def test_text_answers_are_grouped_by_their_frequent_words():
    groups = analysis.group_texts(
        ["送货速度很快,服务好", "送货太慢了", "安装师傅很专业", "希望送货更准时", "安装师傅迟到", "价格有点贵"]
    )
    assert [(g.word, g.count) for g in groups][:1] == [("送货", 3)]
    assert groups[0].answers == ["送货速度很快,服务好", "送货太慢了", "希望送货更准时"]
    # the two answers about the fitter form one group, whichever of their shared words names it
    assert groups[1].count == 2 and groups[1].word in ("安装", "师傅") and "安装师傅迟到" in groups[1].answers
    assert groups[-1].word == "" and "价格有点贵" in groups[-1].answers
    assert sum(g.count for g in groups) == 6


def test_the_report_compares_with_last_years_survey_of_the_same_title(api):
    last = create(api, year=2025).json()["id"]
    for scores in ([3, 2], [3, 3]):
        answer(api("supervisor"), last, [*scores, "门店", [], ""])
    this = create(api, year=2026).json()["id"]
    answer(api("supervisor"), this, [5, 2, "门店", [], ""])
    other = create(api, year=2025, title="经销商满意度调查").json()["id"]
    report = api("supervisor").get(f"/surveys/{this}/report").json()
    assert report["previous"]["id"] == last and report["previous"]["year"] == 2025 and other != last
    product, service = report["questions"][:2]
    assert (product["previous_average"], product["change"]) == (3.0, 2.0)
    assert (service["previous_average"], service["change"]) == (2.5, -0.5)


def test_the_report_downloads_as_a_workbook_and_a_pdf_that_open(api, web, smtp, three_customers):
    sid, tokens = sent_survey(api, smtp, three_customers)
    answer(api("supervisor"), sid, [5, 4, "门店", ["价格"], "送货很快"], tokens["c1@customer.example"])
    answer(api("supervisor"), sid, [4, 2, "网店", [], "送货太慢"], tokens["c2@customer.example"])
    r = api("supervisor").get(f"/surveys/{sid}/report.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "您对产品质量的满意程度" in cells and 4.5 in cells and 3 in cells  # the question, its average, sent
    assert any(isinstance(c, float) and abs(c - 0.667) < 0.001 for c in cells)  # 66.7 % as a percentage
    assert "送货很快" in cells and "送货" in cells
    pdf = web("supervisor").get(reverse("web:survey_report_pdf", args=[sid]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert page_count(pdf.content) >= 1
    assert any("CJK" in name for name in font_names(pdf.content))
    xlsx = web("supervisor").get(reverse("web:survey_report_xlsx", args=[sid]))
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[0]["A1"].value.startswith("客户满意度汇总分析")


def test_the_report_page_carries_the_charts_data(api, web):
    sid = create(api).json()["id"]
    answer(api("supervisor"), sid, [5, 4, "门店", ["价格"], "送货很快"])
    html = web("supervisor").get(reverse("web:survey_report", args=[sid])).content.decode()
    assert 'id="survey-report-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "客户满意度汇总分析表" in html or "客户满意度汇总分析" in html
    assert "data-average>5.00<" in html.replace(" ", "")


def test_the_navigation_links_the_surveys_for_supervisors_only(web):
    link = f'href="{reverse("web:surveys")}"'
    assert link in web("supervisor").get(reverse("web:inbox")).content.decode()
    assert link not in web("agent").get(reverse("web:inbox")).content.decode()


def test_the_builder_page_saves_questions_in_the_chosen_order_and_shows_field_errors(web):
    client = web("supervisor")
    form = {
        "title": "年度客户满意度调查",
        "year": "2026",
        "anonymous": "on",
        "reminder_days": "7",
        "max_reminders": "2",
        "q-0-text": "您的意见和建议",
        "q-0-kind": "text",
        "q-0-order": "3",
        "q-1-text": "您对产品质量的满意程度",
        "q-1-kind": "score",
        "q-1-order": "1",
        "q-1-required": "on",
        "q-2-text": "您通过什么渠道了解我们",
        "q-2-kind": "choice",
        "q-2-order": "2",
        "q-2-required": "on",
        "q-2-choices": "门店",
        "q-3-text": "",
        "q-3-kind": "score",
        "q-3-order": "4",  # an empty row is not a question
        "g-0-kind": "consumer",
        "g-0-region": "上海",
        "g-0-quota": "50",
    }
    r = client.post(reverse("web:survey_new"), form)
    assert r.status_code == 400
    html = r.content.decode()
    assert "选择题至少需要两个选项" in html and 'value="您通过什么渠道了解我们"' in html
    assert not Survey.objects.exists()
    r = client.post(reverse("web:survey_new"), {**form, "q-2-choices": "门店\n网店\n朋友介绍"})
    assert r.status_code == 302
    survey = Survey.objects.get()
    assert [(q.text, q.kind, q.required) for q in survey.questions.all()] == [
        ("您对产品质量的满意程度", "score", True),
        ("您通过什么渠道了解我们", "choice", True),
        ("您的意见和建议", "text", False),
    ]
    assert survey.questions.get(kind="choice").choices == ["门店", "网店", "朋友介绍"]
    assert [(g.kind, g.region, g.quota) for g in survey.groups.all()] == [("consumer", "上海", 50)]
    assert survey.status == "draft" and survey.anonymous
    edit = client.get(reverse("web:survey_edit", args=[survey.pk]))
    assert edit.status_code == 200 and "门店\n网店\n朋友介绍" in edit.content.decode()
