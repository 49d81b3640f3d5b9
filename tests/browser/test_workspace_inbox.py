"""The inbox workspace in a real browser: select and bulk-assign with per-complaint results, save a view,
j/k shortcuts, and the phone's cards."""

import re

import pytest
from playwright.sync_api import expect

from kesu.complaints.models import Complaint
from kesu.workspace.models import SavedView
from tests.browser.conftest import sign_in
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.browser


def _sign_in(page, base, username="agent"):
    sign_in(page, base, username)


def _phone_context(browser):
    return browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai", has_touch=True
    )


def _complaints(users):
    admin, agent = users["admin"], users["agent"]
    ready = [advance(make_complaint(agent, title=f"快递延误第{i}单"), admin, "triaged") for i in range(3)]
    fresh = make_complaint(agent, title="刚登记的投诉")  # still new: cannot be assigned yet
    return ready, fresh


def test_select_and_bulk_assign_with_results_then_save_a_view(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    ready, fresh = _complaints(users)
    base = live_server.url
    _sign_in(page, base)
    page.goto(f"{base}/?tab=all")
    rows = page.locator(".inbox-table tr.inbox-row")
    expect(rows).to_have_count(4)

    # j/k move through the rows; x selects the current one.
    page.locator("body").press("j")
    expect(rows.nth(0)).to_have_class(re.compile("kbd-current"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile("kbd-current"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile("kbd-current"))
    page.keyboard.press("x")
    expect(page.locator("#bulk-form")).to_be_visible()
    expect(page.locator("#bulk-count")).to_contain_text("1")
    for c in [*ready, fresh]:
        page.check(f'tr[data-number="{c.number}"] .row-select')
    expect(page.locator("#bulk-count")).to_contain_text("4")

    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-department", "PROD")
    page.click("#bulk-apply")
    summary = page.locator("#bulk-summary")
    expect(summary).to_be_visible()
    for c in ready:
        expect(summary.locator(f'[data-number="{c.number}"]')).to_have_attribute("data-status", "200")
    expect(summary.locator(f'[data-number="{fresh.number}"]')).to_have_attribute("data-status", "409")
    expect(summary.locator(f'[data-number="{fresh.number}"] .bulk-error-text')).not_to_be_empty()
    expect(page.locator("#bulk-form")).to_be_hidden()  # the list reloads, the selection is cleared
    screenshot(page, "bulk_actions")
    assert set(Complaint.objects.filter(department__code="PROD").values_list("number", flat=True)) == {
        c.number for c in ready
    }
    assert Complaint.objects.get(pk=fresh.pk).status == "new"

    # Filter, then save the list by name, shared with the department.
    page.select_option("#id_status", "assigned")
    page.wait_for_url(re.compile(r"status=assigned"))
    expect(rows).to_have_count(3)
    page.click("#save-view-toggle")
    page.fill("#save-view-name", "已分派待跟进")
    page.check("#save-view-shared")
    page.click("#save-view-submit")
    saved = page.locator('#saved-views .saved-view a[aria-current="page"]')
    expect(saved).to_contain_text("已分派待跟进")
    expect(saved.locator(".view-count")).to_have_text("3")
    view = SavedView.objects.get()
    assert view.filters["status"] == "assigned" and view.department.code == "CS"
    screenshot(page, "saved_views")

    # ? shows the shortcuts; / goes to the search box.
    page.locator("body").press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    page.click("#shortcut-help .btn-close")
    expect(page.locator("#shortcut-help")).to_be_hidden()
    page.locator("body").press("/")
    expect(page.locator("#id_q")).to_be_focused()


def test_the_inbox_on_a_phone_is_a_list_of_cards(
    live_server, django_db_serialized_rollback, users, browser, screenshot
):
    ready, fresh = _complaints(users)
    context = _phone_context(browser)
    page = context.new_page()
    try:
        base = live_server.url
        _sign_in(page, base)
        page.goto(f"{base}/?tab=all")
        rows = page.locator(".inbox-table tr.inbox-row")
        expect(rows).to_have_count(4)
        # Nothing wider than the screen: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        card = page.locator(f'tr[data-number="{fresh.number}"]')
        for cell in (".number-cell", ".title-cell", ".status-cell", ".due-cell"):
            box = card.locator(cell).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, cell
        assert card.locator(".dept-cell").is_hidden()
        # The bulk bar by touch: tap to select, big targets.
        page.locator(f'tr[data-number="{ready[0].number}"] .row-select').tap()
        bar = page.locator("#bulk-form")
        expect(bar).to_be_visible()
        apply = page.locator("#bulk-apply").bounding_box()
        assert apply["height"] >= 40 and apply["x"] + apply["width"] <= 390
        screenshot(page, "inbox_phone")
        page.select_option("#bulk-action", "follow")
        page.locator("#bulk-apply").tap()
        expect(page.locator(f'#bulk-summary [data-number="{ready[0].number}"]')).to_have_attribute("data-status", "200")
    finally:
        context.close()


def test_a_and_n_open_assign_and_the_note_box_on_a_complaint(live_server, django_db_serialized_rollback, users, page):
    ready, _fresh = _complaints(users)
    base = live_server.url
    _sign_in(page, base)
    page.goto(f"{base}/complaints/{ready[0].number}")
    page.locator("body").press("a")
    expect(page.locator("#action-assign")).to_be_visible()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("n")
    expect(page.locator("#action-note")).to_be_visible()
    expect(page.locator("#action-note textarea")).to_be_focused()
    # Typing n in the note is text, not a shortcut.
    page.keyboard.type("na")
    expect(page.locator("#action-note textarea")).to_have_value("na")


def test_on_a_phone_a_list_is_filtered_and_saved_as_a_view(live_server, django_db_serialized_rollback, users, browser):
    _complaints(users)
    context = _phone_context(browser)
    page = context.new_page()
    try:
        base = live_server.url
        _sign_in(page, base)
        page.goto(f"{base}/?tab=all")
        # The filters fold away on a phone; one tap opens them.
        expect(page.locator("#id_status")).to_be_hidden()
        page.locator('button[aria-controls="inbox-filter-body"]').tap()
        expect(page.locator("#id_status")).to_be_visible()
        page.select_option("#id_status", "triaged")
        page.wait_for_url(re.compile(r"status=triaged"))
        expect(page.locator(".inbox-table tr.inbox-row")).to_have_count(3)
        page.locator("#save-view-toggle").tap()
        page.fill("#save-view-name", "本周已分派")
        page.locator("#save-view-submit").tap()
        saved = page.locator('#saved-views .saved-view a[aria-current="page"]')
        expect(saved).to_contain_text("本周已分派")
        expect(saved.locator(".view-count")).to_have_text("3")
        box = saved.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        # The default views with their counts scroll inside their own row, not the page.
        expect(page.locator(".inbox-views .view-count").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert SavedView.objects.get().filters["status"] == "triaged"
    finally:
        context.close()
