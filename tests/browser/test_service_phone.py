"""The technician's phone view in a real browser at 390 px (Chinese UI): today's route, the call button, start on
site, finish with the part used and a photo of the work, and — after the quality check — the customer's signature
drawn with the mouse on the canvas, stored as a PNG and shown on the order. Screenshots:
docs/screenshots/technician_phone.png (the signature being given) and docs/screenshots/service_order.png (the staff
page of the completed order)."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.utils import timezone

from kesu.service import actions
from kesu.service.models import ServiceOrder, Technician
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_the_technician_works_an_order_on_his_phone_and_the_customer_signs(
    live_server, django_db_serialized_rollback, users, browser, page, screenshot, tmp_path
):
    from playwright.sync_api import expect

    wang = UserFactory(username="wang", role="handler", display_name="王师傅", departments=["LOG"])
    Technician.objects.create(user=wang, skills=["冰箱"], areas=["浦东"])
    now = timezone.now()
    order = actions.do_create_order(
        actor=users["agent"],
        now=now,
        customer={"name": "赵女士", "phone": "13912345678"},
        product="双门冰箱 BCD-520",
        fault="冷藏室不制冷,压缩机频繁启动",
        address="上海市浦东新区张杨路 100 号 3 楼",
        area="浦东",
        skill="冰箱",
        purchase_date=timezone.localdate() - dt.timedelta(days=120),
    )
    slot = timezone.localtime(now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    actions.do_schedule(order, actor=users["agent"], now=now, appointment_at=slot + dt.timedelta(hours=1))
    actions.do_dispatch(order, actor=users["agent"], now=now)
    order.refresh_from_db()
    assert order.technician == wang

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    p = phone.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    base = live_server.url
    try:
        sign_in(p, base, "wang")
        day = timezone.localtime(order.appointment_at).date().isoformat()
        p.goto(f"{base}/technician?day={day}")
        stop = p.locator(f'.route-stop[data-number="{order.number}"]')
        expect(stop).to_contain_text("张杨路 100 号")
        expect(stop.locator('a[href="tel:13912345678"]')).to_contain_text("139****5678")
        stop.locator(f'a[href="/technician/{order.number}"]').click()

        expect(p.locator("#order-status")).to_have_attribute("data-status", "dispatched")
        expect(p.locator("#call-customer")).to_have_attribute("href", "tel:13912345678")
        p.click("#do-arrive")
        expect(p.locator("#order-status")).to_have_attribute("data-status", "on_site")

        photo = tmp_path / "work.png"
        photo.write_bytes(PHOTO)
        p.set_input_files("#id_photo", str(photo))
        p.fill('#photo-form input[name="caption"]', "更换后的温控器")
        p.click("#add-photo")
        expect(p.locator("#service-photos img")).to_have_count(1)

        p.fill("#work-done", "更换温控器,清理冷凝器,制冷恢复正常")
        p.locator('#form-repair input[name="part[]"]').first.fill("温控器 WK-3")
        p.click("#do-repair")
        expect(p.locator("#order-status")).to_have_attribute("data-status", "repaired")
        expect(p.locator("#service-lines")).to_contain_text("温控器 WK-3")

        order.refresh_from_db()
        actions.do_check(order, actor=users["quality"], now=timezone.now(), passed=True)
        p.reload()
        expect(p.locator("#order-status")).to_have_attribute("data-status", "checked")

        # The customer signs on the screen: the form refuses to leave without a signature.
        canvas = p.locator("#signature-pad")
        canvas.scroll_into_view_if_needed()
        p.click("#do-complete")
        expect(p.locator("#order-status")).to_have_attribute("data-status", "checked")
        box = canvas.bounding_box()
        x0, y0 = box["x"] + 30, box["y"] + box["height"] * 0.6
        p.mouse.move(x0, y0)
        p.mouse.down()
        for i in range(1, 40):
            p.mouse.move(x0 + i * 7, y0 - 40 * ((i % 10) / 10) + (i // 10) * 6, steps=2)
        p.mouse.up()
        p.mouse.move(x0 + 60, y0 + 20)
        p.mouse.down()
        p.mouse.move(x0 + 200, y0 - 10, steps=12)
        p.mouse.up()
        expect(p.locator("#signature-data")).to_have_value(re.compile(r"^data:image/png;base64,"))
        screenshot(p, "technician_phone", full_page=False)
        p.click("#do-complete")
        expect(p.locator("#order-status")).to_have_attribute("data-status", "completed")
        expect(p.locator("#signature-image")).to_be_visible()
    finally:
        phone.close()

    order.refresh_from_db()
    assert order.status == "completed" and order.signed_by == "赵女士"
    with order.signature.open("rb") as fh:
        png = fh.read()
    assert png.startswith(b"\x89PNG") and len(png) > 1000  # a drawn signature, not an empty canvas
    assert order.photos.count() == 1 and order.service_class == "C" and order.fee == 0

    sign_in(page, base, "agent")
    page.goto(f"{base}/service-orders/{order.number}")
    expect(page.locator("#order-status")).to_have_attribute("data-status", "completed")
    expect(page.locator("#service-timeline")).to_contain_text("客户签字完工")
    expect(page.locator("#signature-image")).to_be_visible()
    screenshot(page, "service_order", full_page=True)
    assert ServiceOrder.objects.filter(number=order.number, status="completed").exists()
