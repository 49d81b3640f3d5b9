"""The complaint page: its actions, revealing contact details, evidence up- and download."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Attachment, Complaint, Event
from tests.factories import advance, make_complaint

HTMX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _state(number):
    c = Complaint.objects.get(number=number)
    return c.status, c.version, Event.objects.filter(complaint=c).count()


def _act(client, complaint, action, data=None, *, version=None, htmx=False):
    body = {"version": complaint.version if version is None else version, **(data or {})}
    return client.post(f"/complaints/{complaint.number}/actions/{action}", body, headers=HTMX if htmx else None)


def _shown_actions(html):
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def test_complaint_page_shows_every_group_of_fields(web, complaint):
    html = web("agent").get(f"/complaints/{complaint.number}").content.decode()
    for section in ("sec-customer", "sec-subject", "sec-content", "sec-class", "sec-handling", "sec-timeline"):
        assert f'id="{section}"' in html
    text = re.sub(r"<mark[^>]*>|</mark>", "", html)  # the suggestion's evidence is marked in the description
    assert complaint.title in html and complaint.description in text
    assert complaint.customer.phone not in html  # masked until revealed
    assert 'data-event="create"' in html


def test_the_page_offers_exactly_the_allowed_actions(web, users, complaint):
    for name in ("agent", "archivist"):
        html = web(name).get(f"/complaints/{complaint.number}").content.decode()
        # Merge, link and unlink are offered on the links card, not as action forms.
        expected = {t.action for t in actions.allowed_actions(complaint, users[name])} - {"merge", "link", "unlink"}
        assert _shown_actions(html) == expected, name
    assert _shown_actions(web("archivist").get(f"/complaints/{complaint.number}").content.decode()) == set()


def test_acknowledge_with_a_plain_post_redirects(web, complaint):
    r = _act(web("agent"), complaint, "acknowledge", {"note": "已回电"})
    assert r.status_code == 302 and r["Location"] == f"/complaints/{complaint.number}"
    complaint.refresh_from_db()
    assert complaint.status == "acknowledged"
    event = complaint.events.get(action="acknowledge")
    assert event.data == {"note": "已回电"}


def test_an_htmx_action_returns_the_updated_page_body(web, complaint):
    r = _act(web("agent"), complaint, "acknowledge", htmx=True)
    html = r.content.decode()
    assert r.status_code == 200
    assert html.lstrip().startswith('<div id="complaint-body"')
    assert 'data-status="acknowledged"' in html
    assert "alert-success" in html


def test_triage_and_assign_forms(web, users, complaint, departments):
    client = web("agent")
    actions.do_acknowledge(complaint, actor=users["agent"], now=timezone.now())
    complaint.refresh_from_db()
    r = _act(client, complaint, "triage", {"type_code": "quality", "severity": "A", "priority": "urgent", "level": "2"})
    assert r.status_code == 302, r.content.decode()[:2000]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.severity, complaint.priority, complaint.level) == ("triaged", "A", "urgent", 2)
    r = _act(client, complaint, "assign", {"department": "PROD", "owner": "", "reason": ""})
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.department.code == "PROD"
    assert complaint.owner == users["handler"]


def test_the_whole_road_through_the_forms(web, users, complaint, departments):
    c = complaint
    steps = [
        ("agent", "acknowledge", {"note": ""}),
        ("agent", "triage", {"type_code": "quality", "severity": "B", "priority": "routine", "level": "1"}),
        ("agent", "assign", {"department": "PROD", "owner": "handler"}),
        ("handler", "start", {}),
        (
            "handler",
            "propose_solution",
            {"solution_type": "repair", "detail": "上门维修"},
        ),
        ("agent", "customer_response", {"accepted": "yes", "comment": "同意"}),
        ("handler", "resolve", {"summary": "已修好"}),
        ("agent", "rate", {"score": "2", "comment": "满意"}),
        ("agent", "close", {"reason": ""}),
        ("supervisor", "review", {"approved": "yes", "comment": ""}),
        ("archivist", "archive", {}),
    ]
    for user, action, data in steps:
        c.refresh_from_db()
        if action == "propose_solution":  # the proposal carries an approved compensation
            from kesu.solutions.actions import do_request_compensation

            comp = do_request_compensation(
                c, actor=users["supervisor"], now=timezone.now(), kind="cash", amount="100", reason="误工"
            )
            data = {**data, "compensation": str(comp.pk)}
        r = _act(web(user), c, action, data)
        assert r.status_code == 302, (
            action,
            r.status_code,
            re.findall(r"invalid-feedback[^>]*>([^<]+)", r.content.decode()),
        )
    c.refresh_from_db()
    assert c.status == "archived"
    assert str(c.compensation_amount) == "100.00" and c.satisfaction == 2 and c.customer_accepted is True
    html = web("agent").get(f"/complaints/{c.number}").content.decode()
    assert _shown_actions(html) == set()  # archived: read-only
    assert "上门维修" in html and "sec-solution" in html and "sec-review" in html


def test_dissatisfaction_reopens_and_the_earlier_round_is_shown(web, users, complaint, departments):
    c = advance(complaint, users["admin"], "resolved")
    r = _act(web("agent"), c, "rate", {"score": "5", "comment": "很不满意"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "reopened" and c.round == 2
    html = web("agent").get(f"/complaints/{c.number}").content.decode()
    assert 'id="sec-rounds"' in html and "很不满意" in html


def test_note_pause_and_escalate_forms(web, users, complaint):
    client = web("agent")
    r = _act(client, complaint, "note", {"text": "客户要求下午回电", "internal": ""})
    assert r.status_code == 302
    assert complaint.events.get(action="note").internal is False
    complaint.refresh_from_db()
    assert _act(client, complaint, "pause_clock", {"reason": "等客户寄回样品"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.clock_paused_at is not None
    assert _act(client, complaint, "resume_clock", {"reason": ""}).status_code == 302
    complaint.refresh_from_db()
    assert _act(client, complaint, "escalate", {"reason": "客户威胁投诉到12315"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.level == 2


def test_validation_errors_show_in_the_form_and_change_nothing(web, complaint):
    before = _state(complaint.number)
    r = _act(web("agent"), complaint, "reject", {"reason": "", "reply": ""}, htmx=True)
    assert r.status_code == 400
    html = r.content.decode()
    assert _state(complaint.number) == before
    assert 'id="id_reject_reason_error"' in html and 'id="id_reject_reply_error"' in html
    assert 'id="action-reject" class="accordion-collapse collapse show"' in html  # the failing form stays open


def test_a_missing_choice_is_a_field_error(web, users, complaint):
    c = advance(complaint, users["admin"], "resolved")
    before = _state(c.number)
    r = _act(web("agent"), c, "rate", {"score": "", "comment": "x"})
    assert r.status_code == 400
    assert 'id="id_rate_score_error"' in r.content.decode()
    assert _state(c.number) == before


def test_a_stale_version_is_a_conflict_and_changes_nothing(web, users, complaint):
    stale = complaint.version
    actions.do_note(complaint, actor=users["agent2"], now=timezone.now(), text="同事先改了")
    before = _state(complaint.number)
    r = _act(web("agent"), complaint, "acknowledge", {"note": "我的备注"}, version=stale, htmx=True)
    assert r.status_code == 409
    assert _state(complaint.number) == before
    html = r.content.decode()
    assert "alert-danger" in html
    # The form keeps what was typed and now carries the current version: sending again is a choice.
    assert "我的备注" in html
    assert f'name="version" value="{before[1]}"' in html


def test_a_role_that_may_not_act_gets_403_and_nothing_changes(web, complaint):
    before = _state(complaint.number)
    r = _act(web("archivist"), complaint, "acknowledge")
    assert r.status_code == 403
    assert _state(complaint.number) == before


def test_an_action_on_a_complaint_out_of_scope_is_404(web, users, complaint, departments):
    before = _state(complaint.number)
    assert _act(web("handler_log"), complaint, "note", {"text": "x"}).status_code == 404
    assert _act(web("agent"), complaint, "fly_away").status_code == 404
    assert web("agent").get(f"/complaints/{complaint.number}/actions/acknowledge").status_code == 405
    assert _state(complaint.number) == before


# ---------------------------------------------------------------------------------------------
# Contact details


def test_revealing_the_contact_shows_it_and_writes_the_timeline(web, complaint):
    phone = complaint.customer.phone
    r = web("agent").post(f"/complaints/{complaint.number}/contact/reveal", headers=HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    assert phone in html and "<html" not in html
    event = complaint.events.get(action="reveal_contact")
    assert event.actor.username == "agent"
    # Without JavaScript the whole page comes back with the contact shown.
    r = web("agent").post(f"/complaints/{complaint.number}/contact/reveal")
    assert r.status_code == 200 and phone in r.content.decode()


def test_a_handler_may_not_reveal_the_contact(web, users, complaint, departments):
    c = advance(complaint, users["admin"], "assigned")
    page = web("handler").get(f"/complaints/{c.number}").content.decode()
    assert 'id="reveal-contact"' not in page
    r = web("handler").post(f"/complaints/{c.number}/contact/reveal", headers=HTMX)
    assert r.status_code == 403
    assert c.customer.phone not in r.content.decode()
    assert not c.events.filter(action="reveal_contact").exists()


# ---------------------------------------------------------------------------------------------
# Evidence


def _upload(client, complaint, content=PNG, name="photo.png", htmx=False):
    return client.post(
        f"/complaints/{complaint.number}/attachments",
        {"file": SimpleUploadedFile(name, content), "source": "customer", "description": "漏水照片", "captured_at": ""},
        headers=HTMX if htmx else None,
    )


def test_upload_and_download_evidence(web, complaint):
    client = web("agent")
    r = _upload(client, complaint)
    assert r.status_code == 302
    attachment = Attachment.objects.get(complaint=complaint)
    assert attachment.content_type == "image/png" and attachment.description == "漏水照片"
    html = client.get(f"/complaints/{complaint.number}").content.decode()
    url = f"/complaints/{complaint.number}/attachments/{attachment.id}"
    assert url in html
    r = client.get(url)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PNG
    assert r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]


def test_an_htmx_upload_returns_the_body(web, complaint):
    r = _upload(web("agent"), complaint, htmx=True)
    assert r.status_code == 200
    assert "photo.png" in r.content.decode()


def test_uploads_are_checked_by_content(web, complaint):
    r = _upload(web("agent"), complaint, content=b"MZ\x90\x00\x03" + b"\x00" * 40, name="invoice.pdf")
    assert r.status_code == 415
    assert 'id="id_attachment_file_error"' in r.content.decode()
    r = _upload(web("agent"), complaint, content=b"", name="empty.png")
    assert r.status_code == 400
    assert not Attachment.objects.filter(complaint=complaint).exists()


def test_evidence_is_only_for_those_who_may_see_the_complaint(web, users, complaint, departments):
    _upload(web("agent"), complaint)
    attachment = Attachment.objects.get(complaint=complaint)
    url = f"/complaints/{complaint.number}/attachments/{attachment.id}"
    assert web("handler_log").get(url).status_code == 404
    assert _upload(web("handler_log"), complaint).status_code == 404
    other = make_complaint(users["agent"])
    assert web("agent").get(f"/complaints/{other.number}/attachments/{attachment.id}").status_code == 404
    before = Attachment.objects.count()
    assert _upload(web("archivist"), complaint).status_code == 403
    assert Attachment.objects.count() == before


def test_the_timeline_is_readable(web, users, complaint, settings):
    client = web("agent")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    now = timezone.now()
    actions.do_acknowledge(complaint, actor=users["agent"], now=now, note="已回电")
    actions.do_triage(complaint, actor=users["agent"], now=now, severity="A", level=2)
    actions.do_note(complaint, actor=users["agent"], now=now, text="给客户的说明", internal=False)
    html = client.get(f"/complaints/{complaint.number}").content.decode()
    timeline = html[html.index('id="sec-timeline"') :]
    assert timeline.index('data-event="create"') < timeline.index('data-event="acknowledge"')  # oldest first
    assert "A — major" in timeline and "Level 2 — serious" in timeline
    assert "已回电" in timeline and "给客户的说明" in timeline
    assert "Customer-visible" in timeline and "Internal" in timeline
    assert "{'" not in timeline and "['" not in timeline
