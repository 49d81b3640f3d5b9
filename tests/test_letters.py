"""The reply letter (客户投诉回复函) and the brief complaint report (客户投诉简要报告) as PDF: their text as pdftotext
reads it (number, customer, solution, the handling in plain words, masked contact in the internal report), in
Chinese and English; sending the letter to a real SMTP server on 127.0.0.1 with the PDF attached, kept on the
complaint as its attachment and on the timeline; errors naming the field; the data scope."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kesu.channels.outbound.models import OutboundMessage
from kesu.complaints import actions
from kesu.complaints.models import Attachment, Event
from kesu.core.models import Organization
from kesu.documents import letters
from kesu.documents.pdf import font_names, page_count
from kesu.notifications import delivery
from kesu.notifications.models import Delivery
from tests.factories import advance, make_complaint, snapshot
from tests.test_channels_outbound import smtp  # noqa: F401  (the real SMTP server fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")

MAIL = "li.si@customer.example"
PHONE = "13912345678"


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def squeezed(pdf: bytes) -> str:
    """The text without any space: CJK lines are broken anywhere, so a phrase may be split over two lines."""
    return "".join(text_of(pdf).split())


@pytest.fixture
def org(db):
    o = Organization.objects.first()
    o.name = "华东电器有限公司"
    o.short_name = "华东电器"
    o.hotline = "400-800-1234"
    o.save()
    return o


@pytest.fixture
def resolved(users, org):
    c = make_complaint(
        users["agent"],
        customer=actions.CustomerInput(name="李四", phone=PHONE, email=MAIL, kind="consumer"),
        description="冰箱买了三天一直漏水，地板都泡了，要求上门处理。" * 6,
        product="BCD-520 冰箱",
        order_no="JD-20261116-0042",
    )
    c = advance(c, users["admin"], "solution_proposed")
    try:  # where proposing a compensation needs it approved first (kesu.solutions), the admin's is approved at once
        from kesu.solutions.actions import do_request_compensation
    except ImportError:
        pass
    else:
        do_request_compensation(
            c, actor=users["admin"], now=timezone.now(), kind="cash", amount="200.00", reason="漏水泡坏地板"
        )
    actions.do_propose_solution(
        c,
        actor=users["admin"],
        now=timezone.now(),
        solution_type="exchange",
        detail="上门更换同型号新机一台，并清理现场",
        compensation_amount="200.00",
    )
    c = advance(c, users["admin"], "resolved")
    return c


def test_reply_letter_pdf_holds_the_record_in_chinese(api, resolved):
    started = time.perf_counter()
    r = api("agent").get(f"/complaints/{resolved.number}/letters/reply.pdf")
    elapsed = time.perf_counter() - started
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "application/pdf"
    assert f"reply-letter-{resolved.number}.pdf" in r["Content-Disposition"]
    pdf = r.content
    assert pdf.startswith(b"%PDF-")
    assert any(name.startswith("Noto-Sans-CJK") for name in font_names(pdf))
    text = squeezed(pdf)
    for expected in (
        resolved.number,
        "客户投诉回复函",
        "尊敬的李四",
        "华东电器有限公司",
        "上门更换同型号新机一台",
        "200.00",
        "我们收到了您的投诉",  # the handling in plain words, from the timeline
        "您接受了处理方案",
        "JD-20261116-0042",
        "400-800-1234",
    ):
        assert expected in text, expected
    assert "李**" not in text  # the letter is addressed to the customer: their full name
    assert "内部" not in text
    assert elapsed < 10
    print(f"reply.pdf: {page_count(pdf)} pages, {elapsed:.2f} s")


def test_reply_letter_in_english(api, resolved):
    r = api("agent").get(f"/complaints/{resolved.number}/letters/reply.pdf", lang="en")
    assert r.status_code == 200
    text = text_of(r.content)
    assert "Dear 李四," in text
    assert "Reply to your complaint" in text
    assert "We received your complaint." in text
    assert "200.00" in text and resolved.number in text
    assert "上门更换同型号新机一台" in "".join(text.split())
    assert f"reply-letter-{resolved.number}-en.pdf" in r["Content-Disposition"]


def test_brief_report_is_internal_and_masks_the_contact(api, resolved):
    started = time.perf_counter()
    r = api("quality").get(f"/complaints/{resolved.number}/letters/brief-report.pdf")
    assert r.status_code == 404  # the quality engineer's department is not on this complaint: not found
    r = api("supervisor").get(f"/complaints/{resolved.number}/letters/brief-report.pdf")
    elapsed = time.perf_counter() - started
    assert r.status_code == 200
    text = squeezed(r.content)
    for expected in (
        resolved.number,
        "客户投诉简要报告",
        "李四",
        "上门更换同型号新机一台",
        "139****5678",
        "l***@customer.example",
    ):
        assert expected in text, expected
    assert PHONE not in text and MAIL not in text
    assert "客户接受了处理方案" in text
    print(f"brief-report.pdf: {page_count(r.content)} pages, {elapsed:.2f} s")
    en = text_of(api("supervisor").get(f"/complaints/{resolved.number}/letters/brief-report.pdf", lang="en").content)
    assert "Brief complaint report" in en and "139****5678" in en


def test_a_handler_of_the_department_prints_the_letter_and_others_do_not(api, users, resolved):
    # advance() assigned the complaint to PROD: the handler of PROD sees it, the logistics handler does not.
    assert api("handler").get(f"/complaints/{resolved.number}/letters/reply.pdf").status_code == 200
    assert api("handler_log").get(f"/complaints/{resolved.number}/letters/reply.pdf").status_code == 404
    assert api("agent").get("/complaints/KS-20000101-0001/letters/reply.pdf").status_code == 404
    r = api("archivist").get(f"/complaints/{resolved.number}/letters/brief-report.pdf")
    assert r.status_code == 403


def test_bad_language_names_the_field(api, resolved):
    r = api("agent").get(f"/complaints/{resolved.number}/letters/reply.pdf", lang="fr")
    assert r.status_code == 400
    assert "lang" in r.json()["error"]["fields"]


def test_logo_and_seal_are_printed(api, resolved, org):
    from PIL import Image

    def png(color):
        buf = io.BytesIO()
        Image.new("RGB", (120, 120), color).save(buf, "PNG")
        return buf.getvalue()

    plain = api("agent").get(f"/complaints/{resolved.number}/letters/reply.pdf").content
    org.logo.save("logo.png", ContentFile(png("navy")), save=False)
    org.seal.save("seal.png", ContentFile(png("red")), save=False)
    org.save()
    stamped = api("agent").get(f"/complaints/{resolved.number}/letters/reply.pdf").content
    assert b"/Subtype /Image" not in plain
    assert stamped.count(b"/Subtype /Image") >= 2
    report = api("agent").get(f"/complaints/{resolved.number}/letters/brief-report.pdf").content
    assert report.count(b"/Subtype /Image") == 1  # the logo; the internal report carries no seal


def test_sending_mails_the_pdf_and_keeps_it_on_the_complaint(api, resolved, smtp):  # noqa: F811
    before = resolved.attachments.count()
    r = api("agent").post(f"/complaints/{resolved.number}/letters/reply/send")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["sent_to"] == "l***@customer.example"
    assert body["language"] == "zh-hans"

    kept = Attachment.objects.get(pk=body["attachment"])
    assert kept.complaint_id == resolved.pk
    assert kept.content_type == "application/pdf"
    assert kept.source == "staff"
    assert kept.uploaded_at is not None and kept.original_name == f"reply-letter-{resolved.number}.pdf"
    assert resolved.attachments.count() == before + 1
    stored = kept.file.read()
    assert resolved.number in squeezed(stored)

    event = Event.objects.get(complaint=resolved, action="letter_sent")
    assert event.internal is False
    assert event.data["attachment"] == kept.pk and event.data["sent_to"] == "l***@customer.example"
    message = OutboundMessage.objects.get(complaint=resolved, event=event)
    assert message.to == MAIL

    result = delivery.deliver_due(now=timezone.now())
    assert result.sent >= 1
    mails = [m for m in smtp.messages if m["To"] == MAIL and "回复函" in str(m["Subject"])]
    assert len(mails) == 1
    mail = mails[0]
    assert resolved.number in mail["Subject"]
    files = list(mail.iter_attachments())
    assert [f.get_filename() for f in files] == [kept.original_name]
    assert files[0].get_content_type() == "application/pdf"
    assert files[0].get_content() == stored
    assert "回复函" in mail.get_body(("plain",)).get_content()
    assert Delivery.objects.get(pk=message.delivery_id).status == "sent"


def test_sending_in_english_on_request(api, resolved, smtp):  # noqa: F811
    r = api("agent").post(f"/complaints/{resolved.number}/letters/reply/send", {"lang": "en"})
    assert r.status_code == 200
    delivery.deliver_due(now=timezone.now())
    mail = next(m for m in smtp.messages if m["To"] == MAIL and "Reply to your complaint" in m["Subject"])
    pdf = next(mail.iter_attachments()).get_content()
    assert "Dear 李四," in text_of(pdf)


def test_a_customer_without_email_gets_no_letter(api, users, org):
    c = make_complaint(
        users["agent"], customer=actions.CustomerInput(name="王五", phone="13700001111", kind="consumer")
    )
    before = snapshot(c.number)
    r = api("agent").post(f"/complaints/{c.number}/letters/reply/send")
    assert r.status_code == 400
    assert "email" in r.json()["error"]["fields"]
    assert snapshot(c.number) == before
    assert not Delivery.objects.filter(kind__startswith="customer_reply").exists()


def test_sending_is_refused_outside_the_scope_and_for_readers(api, resolved):
    before = snapshot(resolved.number)
    assert api("handler_log").post(f"/complaints/{resolved.number}/letters/reply/send").status_code == 404
    assert api("archivist").post(f"/complaints/{resolved.number}/letters/reply/send").status_code == 403
    assert snapshot(resolved.number) == before


def test_letter_with_no_solution_yet_says_so(api, users, org):
    c = make_complaint(
        users["agent"], customer=actions.CustomerInput(name="赵六", phone="13700002222", email="z@x.example")
    )
    text = squeezed(api("agent").get(f"/complaints/{c.number}/letters/reply.pdf").content)
    assert "我们正在制定处理方案" in text
    assert "本次处理不涉及经济补偿" in text


def test_context_reads_the_compensation_of_the_complaint(users, resolved):
    ctx = letters.context(resolved, kind="reply", user=users["agent"], code="zh-hans", now=timezone.now())
    assert ctx["compensation"] == f"{Decimal('200.00'):,.2f}"
    assert ctx["steps"][0]["text"] == "我们收到了您的投诉。"
