"""Merge and link from the complaint page; the duplicate's banner; duplicates suggested while recording."""

import pytest

from kesu.complaints import actions
from kesu.complaints.models import Complaint
from tests.factories import advance, make_complaint, snapshot


def _version(complaint):
    complaint.refresh_from_db()
    return complaint.version


def _customer(phone):
    return actions.CustomerInput(name="李雷", phone=phone, kind="consumer")


@pytest.fixture
def pair(users):
    survivor = make_complaint(users["agent"], customer=_customer("13722223333"), title="热水器不出热水")
    duplicate = make_complaint(users["agent"], customer=_customer("13722223333"), title="热水器坏了")
    actions.do_note(duplicate, actor=users["agent"], now=duplicate.created_at, text="客户很着急", internal=True)
    return duplicate, survivor


def test_merging_from_the_page_shows_the_banner_on_the_duplicate_and_the_merge_on_the_survivor(web, pair):
    dup, surv = pair
    client = web("agent", "en")
    page = client.get(f"/complaints/{dup.number}").content.decode()
    assert 'id="merge-form"' in page and 'id="link-form"' in page
    r = client.post(
        f"/complaints/{dup.number}/merge", {"into": surv.number, "reason": "同一台热水器", "version": _version(dup)}
    )
    assert r.status_code == 302
    page = client.get(f"/complaints/{dup.number}").content.decode()
    assert 'id="merged-banner"' in page
    assert f"This complaint was merged into {surv.number}" in page
    assert 'id="merge-form"' not in page and 'id="link-form"' not in page
    page = client.get(f"/complaints/{surv.number}").content.decode()
    assert "A duplicate was merged in" in page and "Message from a merged complaint" in page
    assert "客户很着急" in page
    assert f'data-number="{dup.number}" data-kind="duplicate"' in page


def test_a_refused_merge_says_why_next_to_the_form_and_changes_nothing(web, pair):
    dup, _surv = pair
    client = web("agent", "en")
    before = snapshot(dup.number)
    r = client.post(
        f"/complaints/{dup.number}/merge", {"into": dup.number, "reason": "x"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert 'id="link-error"' in body and "cannot be merged into itself" in body
    assert r.headers["HX-Retarget"] == "#links-card"
    assert snapshot(dup.number) == before


def test_linking_and_unlinking_from_the_page(web, pair):
    dup, surv = pair
    client = web("agent", "en")
    r = client.post(
        f"/complaints/{dup.number}/link", {"to": surv.number, "kind": "follow_up", "version": _version(dup)}
    )
    assert r.status_code == 302
    page = client.get(f"/complaints/{surv.number}").content.decode()
    assert f'data-number="{dup.number}" data-kind="follow_up"' in page and "Followed up by" in page
    page = client.get(f"/complaints/{dup.number}").content.decode()
    assert "Follow-up of" in page
    assert client.post(f"/complaints/{surv.number}/unlink", {"to": dup.number}).status_code == 302
    assert f'data-number="{dup.number}" data-kind' not in client.get(f"/complaints/{surv.number}").content.decode()


def test_the_page_offers_the_likely_duplicates_with_one_click_merge_and_link(web, pair):
    dup, surv = pair
    client = web("agent", "en")
    body = client.get(f"/complaints/{dup.number}/duplicates").content.decode()
    assert f'data-number="{surv.number}"' in body
    assert f"Merge into {surv.number}" in body and "same customer" in body


def test_the_new_complaint_form_shows_duplicates_as_the_phone_is_typed(web, pair, users):
    _dup, surv = pair
    client = web("agent", "en")
    assert 'id="intake-duplicates"' in client.get("/complaints/new").content.decode()
    body = client.get("/complaints/new/duplicates", {"customer_phone": "137 2222 3333"}).content.decode()
    assert f'data-number="{surv.number}"' in body and "same customer" in body
    body = client.get("/complaints/new/duplicates", {"customer_phone": "13000000000"}).content.decode()
    assert "No similar complaints found so far." in body


def test_a_handler_outside_the_scope_is_not_offered_the_complaint(web, users):
    theirs = advance(make_complaint(users["agent"], batch_no="LOT-77"), users["admin"], "assigned", department="LOG")
    client = web("handler", "en")
    body = client.get("/complaints/new/duplicates", {"batch_no": "LOT-77"}).content.decode()
    assert theirs.number not in body
    assert client.get(f"/complaints/{theirs.number}/duplicates").status_code == 404
    assert client.post(f"/complaints/{theirs.number}/link", {"to": "x"}).status_code == 404
    assert Complaint.objects.get(pk=theirs.pk).version == theirs.version
