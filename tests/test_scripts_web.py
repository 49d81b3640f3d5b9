"""The scripts picker in the reply box, the macro menu and the letters card on the complaint page: what the agent
sees and what one click changes (and, when refused, does not change)."""

from __future__ import annotations

import re
import shutil

import pytest
from django.utils import timezone

from kesu.channels.outbound.models import OutboundMessage
from kesu.complaints import actions
from kesu.complaints.models import Event
from kesu.notifications.models import Delivery
from kesu.scripts import starter
from kesu.scripts.models import Macro, Script
from tests.factories import make_complaint, snapshot

MAIL = "zhang@customer.example"


@pytest.fixture
def library(db):
    starter.load()
    return {s.key: s for s in Script.objects.filter(language="zh-hans")}


@pytest.fixture
def mailable(users):
    customer = actions.CustomerInput(name="张先生", email=MAIL, kind="consumer")
    c = make_complaint(users["agent"], customer=customer, title="冰箱迟迟未送达", type_code="delivery")
    actions.do_acknowledge(c, actor=users["agent"], now=timezone.now())
    c.refresh_from_db()
    return c


def picker(client, number, **params):
    return client.get(f"/complaints/{number}/scripts", params, headers={"HX-Request": "true"})


def titles(response) -> list[str]:
    return re.findall(r'class="fw-semibold script-title">([^<]+)<', response.content.decode())


# ── the picker ──────────────────────────────────────────────────────────────────────────────────────


def test_the_reply_box_offers_the_picker_with_every_situation(web, library, mailable):
    page = web("agent").get(f"/complaints/{mailable.number}").content.decode()
    assert 'id="script-picker"' in page and 'id="reply-script"' in page
    for label in ("首次联系", "致歉", "延误", "拒绝", "不成立", "结案", "回访"):
        assert label in page, label


def test_search_in_chinese_finds_the_delay_scripts_filled_from_the_complaint(web, library, mailable):
    r = picker(web("agent"), mailable.number, q="延误", channel="email")
    assert r.status_code == 200
    found = titles(r)
    assert library["apology-delivery-delay"].title in found
    body = r.content.decode()
    assert mailable.number in body and "张先生" in body
    assert "{投诉编号}" not in body and "{客户称呼}" not in body
    # Nothing in the library matches: said so.
    none = picker(web("agent"), mailable.number, q="完全无关的词语组合")
    assert titles(none) == [] and "完全无关的词语组合" in none.content.decode()


def test_situation_filter_and_the_complaints_type_first(web, library, mailable):
    r = picker(web("agent"), mailable.number, situation="apology", channel="email")
    found = titles(r)
    assert found and all(Script.objects.get(title=t, language="zh-hans").situation == "apology" for t in found)
    # The apology written for deliveries comes before the general apology; one for quality is not offered.
    assert found.index(library["apology-delivery-delay"].title) < found.index(library["apology-general"].title)
    assert library["apology-quality"].title not in found


def test_the_reply_channel_puts_its_scripts_first(web, library, mailable):
    sms_first = [s for s in library.values() if s.channels == ["sms"]]
    assert sms_first, "the starter set has SMS scripts"
    r = picker(web("agent"), mailable.number, channel="sms")
    found = titles(r)
    first_sms = min(found.index(s.title) for s in sms_first if s.title in found)
    phone_only = [found.index(s.title) for s in library.values() if s.channels == ["phone"] and s.title in found]
    assert not phone_only or first_sms < min(phone_only)


def test_inserting_renders_counts_and_the_reply_records_the_script(web, library, mailable):
    script = library["apology-delivery-delay"]
    client = web("agent")
    r = client.post(f"/complaints/{mailable.number}/scripts/{script.pk}/use")
    assert r.status_code == 200
    text = r.json()["text"]
    assert mailable.number in text and "张先生" in text and "{" not in text
    assert Script.objects.get(pk=script.pk).use_count == 1
    r = client.post(
        f"/complaints/{mailable.number}/messages",
        {"channel": "email", "text": text, "script": str(script.pk)},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    used = Event.objects.get(complaint=mailable, action="script_used")
    assert used.internal and used.data["script"] == script.title and used.data["channel"] == "email"
    note = Event.objects.get(pk=used.data["message_event"])
    assert note.action == "note" and not note.internal and note.data["text"] == text
    assert OutboundMessage.objects.filter(complaint=mailable, template="reply").count() == 1
    # The timeline names the script.
    page = client.get(f"/complaints/{mailable.number}").content.decode()
    assert "话术" in page and script.title in page


def test_a_reply_naming_an_unknown_script_is_refused_and_nothing_is_sent(web, library, mailable):
    before = snapshot(mailable.number), OutboundMessage.objects.count()
    r = web("agent").post(
        f"/complaints/{mailable.number}/messages",
        {"channel": "email", "text": "您好", "script": "999999"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 400
    assert 'id="reply-script_error"' in r.content.decode()
    assert (snapshot(mailable.number), OutboundMessage.objects.count()) == before


def test_the_picker_is_only_for_those_who_may_write_and_see_the_complaint(web, library, mailable):
    script = library["apology-general"]
    assert picker(web("archivist"), mailable.number).status_code == 404
    assert web("archivist").post(f"/complaints/{mailable.number}/scripts/{script.pk}/use").status_code == 404
    # The handler of another department does not see the complaint: not found, not counted.
    assert picker(web("handler"), mailable.number).status_code == 404
    assert web("handler").post(f"/complaints/{mailable.number}/scripts/{script.pk}/use").status_code == 404
    assert Script.objects.get(pk=script.pk).use_count == 0
    Script.objects.filter(pk=script.pk).update(active=False)
    assert web("agent").post(f"/complaints/{mailable.number}/scripts/{script.pk}/use").status_code == 404


# ── the macro menu ──────────────────────────────────────────────────────────────────────────────────


def test_the_menu_lists_the_macros_with_their_steps(web, library, mailable):
    page = web("agent").get(f"/complaints/{mailable.number}").content.decode()
    assert 'id="macro-menu"' in page
    for macro in Macro.objects.all():
        assert macro.name in page
    assert "物流延误致歉" in page or library["apology-delivery-delay"].title in page
    # The archivist may take none of the steps: no menu.
    assert 'id="macro-menu"' not in web("archivist").get(f"/complaints/{mailable.number}").content.decode()


def test_running_a_macro_applies_every_step_and_the_page_shows_it(web, users, library, mailable):
    macro = Macro.objects.get(key="delivery-delay")
    r = web("agent").post(
        f"/complaints/{mailable.number}/macros/{macro.pk}",
        {"version": mailable.version},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    mailable.refresh_from_db()
    assert mailable.status == "assigned" and mailable.department.code == "LOG"
    assert mailable.category.code == "delivery"
    body = r.content.decode()
    assert macro.name in body and 'data-event="macro_run"' in body and 'data-event="script_used"' in body
    apology = OutboundMessage.objects.get(complaint=mailable, template="reply")
    assert apology.to == MAIL and mailable.number in apology.body and "张先生" in apology.body
    assert Delivery.objects.filter(target=MAIL).count() >= 1


def test_a_refused_macro_shows_why_and_changes_nothing(web, users, library, mailable):
    macro = Macro.objects.get(key="acknowledge-and-confirm")  # already acknowledged: the first step is refused
    before = snapshot(mailable.number), Delivery.objects.count(), Macro.objects.get(pk=macro.pk).use_count
    r = web("agent").post(
        f"/complaints/{mailable.number}/macros/{macro.pk}",
        {"version": mailable.version},
        headers={"HX-Request": "true"},
    )
    assert r.status_code in (400, 409)
    body = r.content.decode()
    assert "macro-error" in body and "第 1 步" in body and "未执行，未做任何更改" in body
    assert (snapshot(mailable.number), Delivery.objects.count(), Macro.objects.get(pk=macro.pk).use_count) == before


def test_a_stale_version_is_refused_by_the_menu(web, users, library, mailable):
    macro = Macro.objects.get(key="delivery-delay")
    before = snapshot(mailable.number)
    r = web("agent").post(
        f"/complaints/{mailable.number}/macros/{macro.pk}",
        {"version": mailable.version - 1},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 409 and "macro-error" in r.content.decode()
    assert snapshot(mailable.number) == before


def test_out_of_scope_and_unknown_macros_are_not_found(web, library, mailable):
    macro = Macro.objects.get(key="delivery-delay")
    before = snapshot(mailable.number)
    assert web("handler").post(f"/complaints/{mailable.number}/macros/{macro.pk}").status_code == 404
    assert web("agent").post(f"/complaints/{mailable.number}/macros/999999").status_code == 404
    assert snapshot(mailable.number) == before


# ── the letters card ────────────────────────────────────────────────────────────────────────────────

needs_pdf = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def test_the_letters_card_offers_preview_pdf_and_sending_to_the_address(web, mailable):
    page = web("agent").get(f"/complaints/{mailable.number}").content.decode()
    assert 'id="letters"' in page and f"/complaints/{mailable.number}/letters/reply.pdf" in page
    assert "z***@customer.example" in page or "zh***@customer.example" in page or "@customer.example" in page
    assert 'id="letter-send"' in page and "letters-none" in page


def test_the_preview_page_shows_the_letter_in_chinese_and_english(web, mailable):
    client = web("agent")
    zh = client.get(f"/complaints/{mailable.number}/letters/reply")
    assert zh.status_code == 200
    body = zh.content.decode()
    assert "srcdoc=" in body and mailable.number in body and "张先生" in body and "回复函" in body
    en = client.get(f"/complaints/{mailable.number}/letters/reply", {"lang": "en"}).content.decode()
    assert "Reply to your complaint" in en
    report = client.get(f"/complaints/{mailable.number}/letters/brief-report").content.decode()
    assert "简要报告" in report and 'id="letter-send"' not in report
    assert client.get(f"/complaints/{mailable.number}/letters/reply", {"lang": "fr"}).status_code == 400
    assert client.get(f"/complaints/{mailable.number}/letters/nonsense").status_code == 404


@needs_pdf
def test_the_pdfs_download(web, mailable):
    r = web("agent").get(f"/complaints/{mailable.number}/letters/reply.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert f"reply-letter-{mailable.number}.pdf" in r["Content-Disposition"]
    r = web("agent").get(f"/complaints/{mailable.number}/letters/brief-report.pdf", {"lang": "en"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


@needs_pdf
def test_sending_the_letter_from_the_card_lists_it_with_its_date(web, mailable):
    r = web("agent").post(
        f"/complaints/{mailable.number}/letters/reply/send", {"lang": "zh-hans"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "letters-sent" in body and "letters-none" not in body
    assert Event.objects.filter(complaint=mailable, action="letter_sent").count() == 1
    assert mailable.attachments.filter(content_type="application/pdf").count() == 1


def test_letters_refused_for_roles_that_may_not_print_and_outside_the_scope(web, mailable):
    before = snapshot(mailable.number)
    archivist = web("archivist")
    assert 'id="letters"' not in archivist.get(f"/complaints/{mailable.number}").content.decode()
    assert archivist.get(f"/complaints/{mailable.number}/letters/reply").status_code == 403
    assert archivist.get(f"/complaints/{mailable.number}/letters/reply.pdf").status_code == 403
    assert archivist.post(f"/complaints/{mailable.number}/letters/reply/send").status_code == 403
    handler = web("handler")
    assert handler.get(f"/complaints/{mailable.number}/letters/reply").status_code == 404
    assert handler.post(f"/complaints/{mailable.number}/letters/reply/send").status_code == 404
    assert snapshot(mailable.number) == before


def test_a_customer_without_e_mail_gets_no_send_button_and_a_send_is_refused(web, users):
    c = make_complaint(users["agent"], type_code="delivery")
    page = web("agent").get(f"/complaints/{c.number}").content.decode()
    assert 'id="letter-no-email"' in page and 'id="letter-send"' not in page
    before = snapshot(c.number)
    r = web("agent").post(f"/complaints/{c.number}/letters/reply/send", headers={"HX-Request": "true"})
    assert r.status_code == 400 and 'id="letters-error"' in r.content.decode()
    assert snapshot(c.number) == before


# ── curation and the demo ───────────────────────────────────────────────────────────────────────────


def test_the_admin_searches_filters_counts_and_previews(web, library):
    client = web("admin")
    Script.objects.filter(pk=library["apology-delivery-delay"].pk).update(use_count=12)
    listing = client.get("/admin/scripts/script/", {"q": "物流延误", "situation__exact": "apology"})
    assert listing.status_code == 200
    body = listing.content.decode()
    assert library["apology-delivery-delay"].title in body and library["apology-general"].title not in body
    assert ">12<" in body  # the use count column
    change = client.get(f"/admin/scripts/script/{library['apology-delivery-delay'].pk}/change/").content.decode()
    assert "张先生" in change and "{客户称呼}" in change  # the preview on the sample complaint, and the text
    macro = Macro.objects.get(key="delivery-delay")
    page = client.get(f"/admin/scripts/macro/{macro.pk}/change/").content.decode()
    assert library["apology-delivery-delay"].title in page  # the steps described
    assert client.get("/admin/scripts/macro/", {"q": "物流"}).status_code == 200


def test_load_scripts_if_empty_fills_a_new_library_and_leaves_a_curated_one(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_scripts", "--if-empty", stdout=StringIO())
    assert Script.objects.filter(language="zh-hans").count() == len(starter.SCRIPTS)
    assert Macro.objects.count() == len(starter.MACROS)
    edited = Script.objects.get(key="apology-general", language="zh-hans")
    Script.objects.filter(pk=edited.pk).update(text="{客户称呼}您好，我们改写过的致歉。")
    out = StringIO()
    call_command("load_scripts", "--if-empty", stdout=out)
    assert Script.objects.get(pk=edited.pk).text == "{客户称呼}您好，我们改写过的致歉。"
    assert "nothing changed" in out.getvalue()
