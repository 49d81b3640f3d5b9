"""E-mail in: Chinese mail decoded, replies threaded, auto-replies and bounces ignored, each mail stored once.

Driven through `handle_message` (what `receive_mail`, the SMTP receiver and the IMAP poller call) and the
`receive_mail` command on stdin, with the sample mails in tests/data/mail/ (written the way QQ mail, Foxmail,
Outlook and Gmail write them). The real SMTP and IMAP servers: tests/test_channels_mail_servers.py."""

from __future__ import annotations

import io
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from kesu.channels.addresses import make_message_id
from kesu.channels.mail.models import InboundMail
from kesu.channels.mail.parsing import decode_bytes, html_to_text, parse, strip_quoted, title_of
from kesu.channels.mail.receiver import handle_message
from kesu.complaints.models import Attachment, Complaint, Customer, Event

DATA = Path(__file__).parent / "data" / "mail"
PLACEHOLDER = b"KS-00000000-00000"


def sample(name: str, number: str | None = None) -> bytes:
    raw = (DATA / name).read_bytes()
    return raw.replace(PLACEHOLDER, number.encode()) if number else raw


def encoded_sample(name: str, number: str) -> bytes:
    """A sample whose number sits inside an encoded part (subject or base64 body): re-encoded with the number."""
    import email

    message = email.message_from_bytes((DATA / name).read_bytes())
    subject = parse((DATA / name).read_bytes()).subject.replace(PLACEHOLDER.decode(), number)
    del message["Subject"]
    from email.header import Header

    message["Subject"] = Header(subject, "utf-8").encode()
    return message.as_bytes()


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.KESU_COMPLAINTS_EMAIL = "客诉中心 <tousu@kesu-test.cn>"
    settings.DEFAULT_FROM_EMAIL = "noreply@kesu-test.cn"


def receive(raw: bytes, **kwargs):
    return handle_message(raw, now=timezone.now(), **kwargs)


def create_events(c: Complaint):
    return list(Event.objects.filter(complaint=c, action="create"))


# ---------------------------------------------------------------------------------------------
# Decoding (pure)


def test_gb_labels_are_read_as_gb18030_and_unknown_charsets_fall_back():
    assert decode_bytes("王镕喆".encode("gbk"), "gb2312") == "王镕喆"  # GB2312 lacks 镕 and 喆
    assert decode_bytes("𠮷".encode("gb18030"), "GBK") == "𠮷"
    assert decode_bytes("漏水".encode(), "x-unknown") == "漏水"
    assert decode_bytes("冰箱".encode("gbk"), None) == "冰箱"  # not UTF-8: tried as GB18030


@pytest.mark.parametrize(
    "name, sender, subject, text",
    [
        ("gbk_8bit.eml", ("王镕", "wang.rong@example.com"), "热水器漏电，要求上门检测", "我叫王镕，上周买的热水器"),
        ("gb2312_qp.eml", ("张喆", "zhang.zhe@example.com"), "冰箱不制冷", "张喆反映：冰箱冷藏室不制冷"),
        ("gb18030_base64.eml", ("Yoshino", "yoshino@example.com"), "洗衣机维修后故障再次出现", "客户𠮷野反映"),
        (
            "utf8_html_attachments.eml",
            ("刘洋", "liu.yang@example.com"),
            "快递延误一周未送达",
            "订单 20261120001 的快递",
        ),
    ],
)
def test_chinese_mail_decodes(name, sender, subject, text):
    mail = parse(sample(name))
    assert (mail.from_name, mail.from_address) == sender
    assert mail.subject == subject
    assert mail.text.startswith(text) or text in mail.text


def test_signatures_and_html_are_cleaned():
    gbk = parse(sample("gbk_8bit.eml"))
    assert "138 0013 8000" not in gbk.text and "138 0013 8000" in gbk.full_text  # after "-- "
    assert "发自我的iPhone" not in parse(sample("gb2312_qp.eml")).text
    html = parse(sample("utf8_html_attachments.eml")).text
    assert "color:red" not in html and "<b>" not in html and "以前的邮件内容" not in html
    assert html_to_text("<p>a&amp;b</p><br>c") == "a&b\n\nc"


def test_file_names_in_rfc2047_and_rfc2231_decode():
    assert [f.name for f in parse(sample("utf8_html_attachments.eml")).files] == [
        "快递照片.jpg",
        "发票.pdf",
        "setup.exe",
    ]
    assert [f.name for f in parse(sample("gbk_rfc2231_name.eml")).files] == ["截图喆.png"]


@pytest.mark.parametrize(
    "name, text",
    [
        ("qq_reply.eml", "师傅还没来，请问什么时候上门？"),
        ("outlook_reply.eml", "已经拍了照片，见附件。"),
        ("foxmail_reply.eml", "好的，我明天上午在家。"),
        ("gmail_reply_en.eml", "Thanks, Tuesday works for me."),
        ("gmail_reply_zh.eml", "周二可以。"),
    ],
)
def test_quoted_history_is_cut_from_replies(name, text):
    assert parse(sample(name)).text == text


def test_quote_stripping_keeps_a_reply_written_below_the_quote():
    assert strip_quoted("> 您的投诉已受理。\n\n谢谢，已收到。") == "谢谢，已收到。"
    assert strip_quoted("第一行\n-----原始邮件-----\n旧的") == "第一行"
    assert strip_quoted("在 2026年11月20日 10:00，客服 <a@b.cn> 写道：\n> 旧的\n") == ""  # nothing new


def test_reply_prefixes_and_number_tags_leave_the_title():
    assert title_of("回复：[KS-20261120-00001] 您的投诉已受理") == "您的投诉已受理"
    assert title_of("Re: Fwd: 冰箱漏水") == "冰箱漏水"
    assert title_of("[紧急] 冰箱漏水") == "[紧急] 冰箱漏水"


# ---------------------------------------------------------------------------------------------
# New complaints


def test_a_mail_becomes_a_complaint_with_the_customer_its_text_and_the_original(db):
    outcome = receive(sample("gbk_8bit.eml"))
    assert outcome.outcome == "created" and not outcome.duplicate
    c = Complaint.objects.get(number=outcome.number)
    assert c.channel == "email"
    assert c.title == "热水器漏电，要求上门检测"
    assert c.description.startswith("您好：\n我叫王镕") and "138 0013 8000" not in c.description
    assert (c.customer.name, c.customer.email) == ("王镕", "wang.rong@example.com")
    (event,) = create_events(c)
    assert event.data["via"] == "email"
    assert event.data["message_id"] == "<gbk-1@mail.example.com>"
    assert event.data["subject"] == "热水器漏电，要求上门检测"
    (original,) = Attachment.objects.filter(complaint=c)
    assert original.original_name.endswith(".eml") and original.content_type == "message/rfc822"
    assert original.file.read() == sample("gbk_8bit.eml")
    record = InboundMail.objects.get()
    assert (record.outcome, record.complaint, record.from_address) == ("created", c, "wang.rong@example.com")


def test_the_customer_is_found_again_by_address(db):
    first = receive(sample("gbk_8bit.eml"))
    second = receive(sample("gbk_8bit.eml").replace(b"gbk-1@mail", b"gbk-2@mail").replace(b"Subject:", b"X-Old:"))
    assert first.number != second.number
    assert Customer.objects.filter(email="wang.rong@example.com").count() == 1
    assert Complaint.objects.get(number=second.number).customer == Complaint.objects.get(number=first.number).customer


def test_attachments_become_evidence_and_a_refused_file_is_named(db):
    outcome = receive(sample("utf8_html_attachments.eml"))
    c = Complaint.objects.get(number=outcome.number)
    names = dict(Attachment.objects.filter(complaint=c).values_list("original_name", "content_type"))
    assert names.pop("快递照片.jpg") == "image/jpeg"
    assert names.pop("发票.pdf") == "application/pdf"
    assert list(names.values()) == ["message/rfc822"]  # the original; setup.exe refused
    (event,) = create_events(c)
    assert event.data["refused_files"] == "setup.exe"
    assert InboundMail.objects.get().refused_files == [{"name": "setup.exe", "reason": "unsupported_media_type"}]


def test_an_attachment_over_the_size_limit_is_skipped_not_the_mail(db, settings):
    settings.KESU_MAX_UPLOAD_BYTES = 60
    outcome = receive(sample("utf8_html_attachments.eml"))
    assert outcome.outcome == "created"
    c = Complaint.objects.get(number=outcome.number)
    assert list(Attachment.objects.filter(complaint=c).values_list("original_name", flat=True)) == ["发票.pdf"]
    assert {r["name"]: r["reason"] for r in outcome.refused_files} == {
        "快递照片.jpg": "too_large",
        "setup.exe": "unsupported_media_type",
    }


def test_the_same_message_id_twice_stores_once(db):
    first = receive(sample("gb2312_qp.eml"))
    again = receive(sample("gb2312_qp.eml"), via="imap")
    assert again.number == first.number and again.duplicate
    assert Complaint.objects.count() == 1 and InboundMail.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_a_mail_without_message_id_is_known_by_its_bytes(db):
    raw = b"From: a@example.com\r\nSubject: test\r\nContent-Type: text/plain\r\n\r\nThe fridge leaks.\r\n"
    assert receive(raw).number == receive(raw).number
    assert Complaint.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Replies


@pytest.fixture
def first(db):
    """Wang Rong's first mail, a complaint now."""
    return Complaint.objects.get(number=receive(sample("gbk_8bit.eml")).number)


def messages(c: Complaint):
    return list(Event.objects.filter(complaint=c, action="customer_message").order_by("id"))


def test_a_reply_by_subject_number_threads_as_a_customer_message(first):
    outcome = receive(encoded_sample("qq_reply.eml", first.number))
    assert (outcome.outcome, outcome.number) == ("threaded", first.number)
    (message,) = messages(first)
    assert message.internal is False
    assert message.data["text"] == "师傅还没来，请问什么时候上门？"
    assert message.data["via"] == "email" and message.data["message_id"] == "<qq-reply-1@qq.example.com>"
    assert Complaint.objects.count() == 1
    # The original is kept with the complaint, but it is not a file the customer sent with the message.
    assert "attachments" not in message.data
    assert Attachment.objects.filter(complaint=first, content_type="message/rfc822").count() == 2


def test_a_reply_by_in_reply_to_a_kesu_message_id_threads(first):
    raw = sample("outlook_reply.eml").replace(
        b"<KS-00000000-00000.ack.0123456789ab@kesu-test.cn>", make_message_id(first.number, "ack").encode()
    )
    assert receive(raw).outcome == "threaded"
    assert messages(first)[0].data["text"] == "已经拍了照片，见附件。"


def test_a_reply_to_the_customers_own_earlier_mail_threads(first):
    raw = sample("gmail_reply_en.eml").replace(
        b"Subject: Re: Your complaint", b"Subject: Re: Your complaint\r\nReferences: <gbk-1@mail.example.com>"
    )
    assert receive(raw).number == first.number
    assert messages(first)[0].data["text"] == "Thanks, Tuesday works for me."


def test_a_subject_number_from_a_stranger_makes_a_new_complaint_that_names_it(first):
    raw = encoded_sample("qq_reply.eml", first.number).replace(b"wang.rong@example.com", b"stranger@example.org")
    outcome = receive(raw)
    assert outcome.outcome == "created" and outcome.number != first.number
    assert messages(first) == []
    other = Complaint.objects.get(number=outcome.number)
    assert first.number in other.description
    assert create_events(other)[0].data["refers_to"] == first.number


def test_a_reply_to_an_archived_complaint_makes_a_new_one_mentioning_it(first):
    Complaint.objects.filter(pk=first.pk).update(status="archived")
    outcome = receive(encoded_sample("qq_reply.eml", first.number))
    assert outcome.outcome == "created" and outcome.number != first.number
    other = Complaint.objects.get(number=outcome.number)
    assert first.number in other.description and other.customer == first.customer


def test_an_unknown_number_makes_a_new_complaint(db):
    outcome = receive(encoded_sample("qq_reply.eml", "KS-20200101-99999"))
    assert outcome.outcome == "created"


# ---------------------------------------------------------------------------------------------
# Ignored


@pytest.mark.parametrize(
    "name, reason",
    [
        ("auto_reply.eml", "auto_submitted"),
        ("x_autoreply.eml", "auto_reply"),
        ("bulk.eml", "bulk"),
        ("bounce.eml", "bounce"),
    ],
)
def test_auto_replies_bounces_and_bulk_create_nothing(first, name, reason):
    outcome = receive(encoded_sample(name, first.number) if name == "auto_reply.eml" else sample(name))
    assert (outcome.outcome, outcome.reason) == ("ignored", reason)
    assert Complaint.objects.count() == 1 and messages(first) == []
    assert InboundMail.objects.filter(outcome="ignored", reason=reason).count() == 1


@pytest.mark.parametrize(
    "headers, reason",
    [
        (b"From: tousu@kesu-test.cn", "own_address"),
        (b"From: Kesu <NoReply@kesu-test.cn>", "own_address"),
        (b"From: postmaster@example.com", "bounce"),
        (b"From: a@example.com\r\nReturn-Path: <>", "bounce"),
        (b"From: a@example.com\r\nList-Id: <news.example.com>", "mailing_list"),
        (b"From: a@example.com\r\nAuto-Submitted: auto-generated", "auto_submitted"),
        (b"From: a@example.com\r\nPrecedence: junk", "bulk"),
        (b"From: nobody", "no_sender"),
    ],
)
def test_loop_rules(db, headers, reason):
    raw = headers + b"\r\nSubject: hello\r\nMessage-ID: <x@example.com>\r\n\r\nbody\r\n"
    assert receive(raw).line() == f"ignored: {reason}"
    assert not Complaint.objects.exists()


def test_auto_submitted_no_is_a_person(db):
    raw = b"From: a@example.com\r\nAuto-Submitted: no\r\nSubject: hello\r\n\r\nbody\r\n"
    assert receive(raw).outcome == "created"


def test_our_own_message_coming_back_and_the_smtp_null_sender_are_ignored(first):
    raw = b"From: a@example.com\r\nMessage-ID: " + make_message_id(first.number).encode() + b"\r\n\r\nhi\r\n"
    assert receive(raw).reason == "own_message"
    assert receive(b"From: b@example.com\r\n\r\nhi\r\n", envelope_from="").reason == "bounce"


def test_a_mail_over_the_size_limit_is_ignored(db, settings):
    settings.KESU_MAIL_MAX_BYTES = 1000
    raw = sample("gbk_8bit.eml") + b"x" * 1000
    outcome = receive(raw)
    assert (outcome.outcome, outcome.reason) == ("ignored", "too_large")
    assert InboundMail.objects.get().message_id == "<gbk-1@mail.example.com>"


# ---------------------------------------------------------------------------------------------
# The command and concurrency


def run_receive_mail(raw: bytes) -> str:
    out = io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
    try:
        call_command("receive_mail", stdout=out)
    finally:
        sys.stdin = stdin
    return out.getvalue().strip().splitlines()[-1]


def test_receive_mail_prints_the_number_or_the_reason(db):
    number = run_receive_mail(sample("gb18030_base64.eml"))
    assert Complaint.objects.get(number=number).customer.email == "yoshino@example.com"
    assert run_receive_mail(sample("gb18030_base64.eml")) == number
    assert run_receive_mail(sample("bulk.eml")) == "ignored: bulk"


@pytest.mark.django_db(transaction=True)
def test_the_same_mail_twice_at_once_stores_once():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.skip("needs a database two connections share")
    raw = sample("gbk_8bit.eml")
    barrier = threading.Barrier(2)
    results = []

    def deliver():
        try:
            barrier.wait()
            results.append(receive(raw, via="smtp"))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0].number == results[1].number
    assert Complaint.objects.count() == 1 and InboundMail.objects.count() == 1


def test_the_admin_lists_received_mail_with_its_outcome(web):
    created = receive(sample("gbk_8bit.eml"))
    receive(sample("bulk.eml"))
    page = web("admin", "en").get("/admin/channels_mail/inboundmail/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "wang.rong@example.com" in html and created.number in html
    assert "news@shop.example.com" in html and "bulk" in html
    assert web("admin", "en").get("/admin/channels_mail/inboundmail/add/").status_code == 403


def test_the_complaint_page_shows_the_mail_its_reply_and_its_files(web):
    number = receive(sample("utf8_html_attachments.eml")).number
    reply = b"From: liu.yang@example.com\r\nSubject: Re: [" + number.encode() + b"] ok\r\n"
    reply += b"Message-ID: <r1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    reply += "请尽快处理。\r\n\r\n-----原始邮件-----\r\n旧内容\r\n".encode()
    assert receive(reply).outcome == "threaded"
    page = web("supervisor", "en").get(f"/complaints/{number}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "快递延误一周未送达" in html and "请尽快处理。" in html and "旧内容" not in html
    assert "快递照片.jpg" in html and "发票.pdf" in html and ".eml" in html
    assert "setup.exe" in html  # named as refused on the timeline


def test_receive_mail_asks_for_a_retry_when_the_mail_cannot_be_stored(db, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("database unreachable")

    monkeypatch.setattr("kesu.channels.mail.management.commands.receive_mail.handle_message", broken)
    with pytest.raises(SystemExit) as exit_code:
        run_receive_mail(sample("gb18030_base64.eml"))
    assert exit_code.value.code == 75
    assert not InboundMail.objects.exists()
