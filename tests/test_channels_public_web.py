"""The customer's pages without a browser: the form (no-script answer, photos, consent, honeypot, the plain
form posted from another site, limits), the acknowledgement page, and the tracking page's actions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesu.channels import links
from kesu.channels.public import challenge as challenges
from kesu.channels.public.models import PublicFormSettings
from kesu.complaints import actions
from kesu.complaints.models import Complaint
from tests.factories import advance, make_complaint
from tests.test_attachments import png_bytes

FORM = {
    "name": "陈先生",
    "phone": "13611112222",
    "product": "扫地机器人 S7",
    "order_no": "TB889900",
    "store": "天猫旗舰店",
    "description": "机器人充不上电,客服一直不回复。",
    "demand": "repair",
    "wish": "尽快上门维修",
    "consent": "on",
}


@pytest.fixture
def anon(db):
    return Client(REMOTE_ADDR="203.0.113.20")


def fresh_form(client, url=None, **params):
    """The form page, and the fields a customer (without script) sends back: the token and the answer."""
    r = client.get(url or reverse("web:public_form"), params)
    assert r.status_code == 200
    html = r.content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    question = re.search(r'id="challenge-text">([^<]+)<', html).group(1)
    a, b = question.replace("等于几？", "").split("加")
    answer = challenges.parse_answer(a) + challenges.parse_answer(b)
    return r, {"challenge_token": token, "challenge_answer": str(answer)}


def test_the_form_page_is_chinese_for_a_phone_and_shows_the_personal_data_notice(anon):
    conf = PublicFormSettings.current()
    conf.retention_months, conf.organisation = 24, "示例电器有限公司"
    conf.save()
    r, _answer = fresh_form(anon)
    html = r.content.decode()
    assert '<html lang="zh-hans">' in html and 'name="viewport"' in html
    assert "个人信息" in html and "24" in html and "示例电器有限公司" in html
    assert 'name="website"' in html  # the honeypot
    assert 'href="/"' not in html and "navbar" not in html  # no staff navigation
    assert r["X-Frame-Options"] == "DENY"
    english = anon.get(reverse("web:public_form"), {"lang": "en"}).content.decode()
    assert '<html lang="en">' in english and "Personal-data notice" in english


def test_the_embeddable_page_may_be_framed_and_names_the_sites_allowed(anon):
    r = anon.get(reverse("web:public_form_embed"))
    assert r.status_code == 200 and "X-Frame-Options" not in r
    assert "Content-Security-Policy" not in r
    conf = PublicFormSettings.current()
    conf.frame_ancestors = "https://www.example.com"
    conf.save()
    r = anon.get(reverse("web:public_form_embed"))
    assert r["Content-Security-Policy"] == "frame-ancestors 'self' https://www.example.com"
    assert anon.get(reverse("web:public_form"))["X-Frame-Options"] == "DENY"


def test_a_customer_without_script_answers_the_sum_and_sees_the_number_and_the_first_response_time(
    anon, users, playbook
):
    playbook("service")
    _r, check = fresh_form(anon)
    photo = SimpleUploadedFile("充电座.png", png_bytes(), content_type="image/png")
    client = Client(REMOTE_ADDR="203.0.113.20", enforce_csrf_checks=True)  # a form from elsewhere has no token
    r = client.post(reverse("web:public_form"), {**FORM, **check, "photos": [photo]})
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Complaint.objects.select_related("customer").get()
    assert c.channel == "web" and c.customer.phone == "13611112222" and c.demand == "repair"
    assert "尽快上门维修" in c.description
    assert c.events.get(action="create").data["via"] == "web_form"
    assert [a.original_name for a in c.attachments.all()] == ["充电座.png"]
    page = anon.get(r["Location"]).content.decode()
    assert c.number in page
    due = timezone.localtime(c.deadlines.get(clock="first_response").due_at).strftime("%Y-%m-%d %H:%M")
    assert due in page
    assert re.search(r'href="/t/[^"]+"', page)
    # The same answer again is a replay: refused, nothing more stored.
    r = client.post(reverse("web:public_form"), {**FORM, **check})
    assert r.status_code == 400 and "challenge-error" in r.content.decode()
    assert Complaint.objects.count() == 1


def test_a_wrong_answer_missing_consent_or_a_fake_photo_stores_nothing_and_keeps_what_was_typed(anon, users):
    _r, check = fresh_form(anon)
    r = anon.post(reverse("web:public_form"), {**FORM, **check, "challenge_answer": "100"})
    assert r.status_code == 400 and "challenge-error" in r.content.decode()
    _r, check = fresh_form(anon)
    r = anon.post(reverse("web:public_form"), {**FORM, **check, "consent": ""})
    html = r.content.decode()
    assert r.status_code == 400 and 'id="consent-error"' in html and "扫地机器人 S7" in html
    _r, check = fresh_form(anon)
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    r = anon.post(reverse("web:public_form"), {**FORM, **check, "photos": [fake]})
    assert r.status_code == 415 and 'id="photos-error"' in r.content.decode()
    assert Complaint.objects.count() == 0


def test_a_plain_form_posted_from_another_site_is_shown_filled_in_to_confirm(anon, users):
    r = Client(enforce_csrf_checks=True).post(reverse("web:public_form"), FORM)
    html = r.content.decode()
    assert r.status_code == 200 and 'id="form-confirm"' in html
    assert 'value="陈先生"' in html and "机器人充不上电" in html
    assert Complaint.objects.count() == 0
    robot = anon.post(reverse("web:public_form"), {**FORM, "website": "x"})
    assert 'value="陈先生"' not in robot.content.decode()


def test_the_honeypot_and_the_limit_refuse_robots(anon, users):
    _r, check = fresh_form(anon)
    r = anon.post(reverse("web:public_form"), {**FORM, **check, "website": "http://spam"})
    assert r.status_code == 400 and Complaint.objects.count() == 0
    conf = PublicFormSettings.current()
    conf.submits_per_address = 1
    conf.save()
    _r, check = fresh_form(anon)
    r = anon.post(reverse("web:public_form"), {**FORM, **check})
    assert r.status_code == 429 and 'id="rate-limited"' in r.content.decode() and int(r["Retry-After"]) > 0


# -- tracking ------------------------------------------------------------------------------------


@pytest.fixture
def tracked(users):
    admin = users["admin"]
    c = make_complaint(users["agent"], customer=actions.CustomerInput(name="陈先生", phone="13611112222"))
    actions.do_note(c, actor=admin, now=timezone.now(), text="内部:该客户是同行", internal=True)
    c = advance(c, admin, "solution_proposed")
    return c


def test_number_and_phone_open_the_page_and_a_miss_looks_like_a_missing_complaint(anon, tracked):
    url = reverse("web:public_track")
    wrong_phone = anon.post(url, {"number": tracked.number, "contact": "13600000000"})
    missing = anon.post(url, {"number": "KS-2099-000001", "contact": "13600000000"})
    assert wrong_phone.status_code == missing.status_code == 404

    def shown(r, number):  # the page less what the customer typed and the form's CSRF token
        html = r.content.decode().replace(number, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert shown(wrong_phone, tracked.number) == shown(missing, "KS-2099-000001")
    r = anon.post(url, {"number": tracked.number.lower(), "contact": "136-1111-2222"})
    assert r.status_code == 302 and r["Location"].startswith("/t/")
    page = anon.get(r["Location"]).content.decode()
    assert "我们已提出解决方案" in page and "换新机一台" in page
    assert "内部" not in page and "admin" not in page and "agent" not in page
    assert "13611112222" not in page


def test_the_customer_accepts_the_proposal_writes_with_a_photo_and_rates(anon, users, tracked):
    token = links.track_token(tracked)
    r = anon.post(reverse("web:public_track_answer", args=[token]), {"accepted": "yes", "comment": "可以"})
    assert r.status_code == 302
    tracked.refresh_from_db()
    assert tracked.customer_accepted is True
    event = tracked.events.get(action="customer_response")
    assert event.actor is None and event.data["comment"] == "可以"

    photo = SimpleUploadedFile("新问题.png", png_bytes(), content_type="image/png")
    r = anon.post(reverse("web:public_track_message", args=[token]), {"text": "换的新机也有划痕", "photos": [photo]})
    assert r.status_code == 302
    message = tracked.events.get(action="customer_message")
    assert message.data["via"] == "web" and len(message.data["attachments"]) == 1
    page = anon.get(reverse("web:track_link", args=[token])).content.decode()
    assert "换的新机也有划痕" in page and 'data-from="customer"' in page

    actions.do_resolve(tracked, actor=users["admin"], now=timezone.now(), summary="已换新")
    page = anon.get(reverse("web:track_link", args=[token])).content.decode()
    assert 'id="rating"' in page
    r = anon.post(reverse("web:public_track_rate", args=[token]), {"score": "1", "comment": "满意"})
    assert r.status_code == 302
    tracked.refresh_from_db()
    assert tracked.satisfaction == 1 and tracked.satisfaction_comment == "满意"
    page = anon.get(reverse("web:track_link", args=[token])).content.decode()
    assert 'id="rating"' not in page


def test_a_damaged_link_is_refused_and_counted_and_an_empty_message_changes_nothing(anon, tracked):
    conf = PublicFormSettings.current()
    conf.tracking_misses_per_address = 2
    conf.save()
    token = links.track_token(tracked)
    r = anon.post(reverse("web:public_track_message", args=[token]), {"text": ""})
    assert r.status_code == 400 and tracked.events.filter(action="customer_message").count() == 0
    assert anon.get(reverse("web:track_link", args=[token + "x"])).status_code == 404
    assert anon.get(reverse("web:track_link", args=["nonsense"])).status_code == 404
    assert anon.get(reverse("web:track_link", args=[token])).status_code == 429


def test_in_english_the_customer_rejects_the_proposal_and_work_goes_on(anon, tracked):
    token = links.track_token(tracked)
    page = anon.get(reverse("web:track_link", args=[token]), {"lang": "en"}).content.decode()
    assert '<html lang="en">' in page and "We have proposed a solution and are waiting for your answer." in page
    r = anon.post(
        reverse("web:public_track_answer", args=[token]), {"accepted": "no", "comment": "想要退款", "lang": "en"}
    )
    assert r.status_code == 302
    tracked.refresh_from_db()
    assert tracked.status == "investigating" and tracked.customer_accepted is False
    page = anon.get(r["Location"]).content.decode()
    assert "We are looking into what happened." in page and "I do not accept the proposed solution. 想要退款" in page
    assert 'id="proposal"' not in page
    again = anon.post(reverse("web:public_track_answer", args=[token]), {"accepted": "yes"})
    assert again.status_code == 409 and tracked.events.filter(action="customer_response").count() == 1


def test_too_many_photos_are_refused_before_anything_is_stored(anon, users):
    _r, check = fresh_form(anon)
    photos = [SimpleUploadedFile(f"p{i}.png", png_bytes(), content_type="image/png") for i in range(10)]
    r = anon.post(reverse("web:public_form"), {**FORM, **check, "photos": photos})
    assert r.status_code == 400 and 'id="photos-error"' in r.content.decode()
    assert Complaint.objects.count() == 0


def test_the_admin_edits_the_settings_and_copies_the_html_for_the_site(web):
    client = web("admin")
    r = client.get("/admin/channels_public/publicformsettings/add/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "/p/complaint/embed" in html and "&lt;iframe" in html and 'name="website"' not in html
    assert "name=&quot;website&quot;" in html  # the honeypot is part of the plain form to paste
