"""The investigation tab in a real browser (Chinese UI): a quality engineer records containment, fills D4 with its
5 Whys and fishbone, and downloads the 8D report as PDF, whose first page is rendered (pdftoppm) and kept with
the tab's screenshots in docs/screenshots/quality_*.png."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from kesu.quality import actions as quality
from kesu.quality.models import ContainmentRow, Discipline
from kesu.rules import playbooks
from tests.browser.conftest import SCREENSHOTS, sign_in
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.browser

ROOT_CAUSE = "注塑机保压时间被误改为 2.5 秒(标准 4 秒),卡扣壁厚不足,装配时断裂"


def test_quality_fills_containment_and_d4_and_downloads_the_8d_pdf(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    from playwright.sync_api import expect

    playbooks.load("manufacturing")
    c = make_complaint(
        users["agent"],
        title="主机厂停线:门板卡扣装配断裂",
        description="客户总装线发现门板卡扣批量断裂,已停线 40 分钟,要求 24 小时内给出初步整改报告。",
        flags=["line_stop"],
        product="门板卡扣",
        product_code="KB-2231",
        batch_no="B20261201",
        order_no="PO-7781",
        quantity=5000,
    )
    c = advance(c, users["admin"], "investigating", department="PROD", owner="handler")
    now = timezone.now()
    quality.do_save_investigation(
        c,
        actor=users["quality"],
        now=now,
        checked="库存 2000 件全检,注塑参数记录",
        responsibility="internal",
        responsible_department="PROD",
        root_cause_category="machine",
        root_cause=ROOT_CAUSE,
        impact="同批次 B20261201 共 5000 件,已发货 800 件",
    )
    quality.do_add_containment(
        c,
        actor=users["quality"],
        now=now,
        place="stock",
        checked=2000,
        suspect=2000,
        bad=37,
        action="隔离全检,挑出不良",
        disposition="rework",
    )

    base = live_server.url
    sign_in(page, base, "quality")
    page.goto(f"{base}/complaints/{c.number}")
    expect(page.locator("#investigation .capa-gate")).to_be_visible()  # A-class: CAPA required before close
    page.click("#investigation a.btn")
    page.wait_for_url(f"{base}/complaints/{c.number}/investigation")
    expect(page.locator("#inv-root-cause")).to_have_value(ROOT_CAUSE)
    page.click("#find-impact")
    expect(page.locator(".impact-result")).to_be_visible()
    screenshot(page, "quality_investigation")

    # Containment: one more row, typed fast, and the totals follow.
    page.click("#tab-containment")
    row = page.locator("#containment-new")
    row.locator("select[name=place]").select_option("transit")
    row.locator("input[name=checked]").fill("800")
    row.locator("input[name=suspect]").fill("800")
    row.locator("input[name=bad]").fill("12")
    row.locator("input[name=action]").fill("在途拦截,送回挑选")
    row.locator("select[name=disposition]").select_option("return")
    page.click("#add-containment")
    expect(page.locator("[data-total=checked]")).to_have_text("2800")
    expect(page.locator("[data-total=bad]")).to_have_text("49")
    assert ContainmentRow.objects.filter(complaint=c).count() == 2
    screenshot(page, "quality_containment")

    # D4: occurrence and escape, the 5 Whys and the fishbone, done.
    page.click("#tab-8d")
    d4 = page.locator("#disc-d4")
    d4.locator("textarea[name=d4-occurrence]").fill(ROOT_CAUSE)
    d4.locator("textarea[name=d4-escape]").fill("首件检验未测卡扣壁厚,巡检频次不足")
    for i, why in enumerate(["卡扣断裂", "壁厚不足", "保压时间短", "参数被误改", "设备参数未锁定"]):
        d4.locator("input[name=d4-whys]").nth(i).fill(why)
    d4.locator("textarea[name=d4-fishbone-machine]").fill("保压时间参数被误改")
    d4.locator("textarea[name=d4-fishbone-measurement]").fill("首件未测壁厚")
    d4.locator("select[name=status]").select_option("done")
    page.click("#save-d4")
    page.wait_for_url(f"{base}/complaints/{c.number}/investigation?tab=8d#disc-d4")
    expect(page.locator("#disc-d4")).to_have_attribute("data-status", "done")
    saved = Discipline.objects.get(complaint=c, code="d4")
    assert saved.content["whys"][4] == "设备参数未锁定" and saved.content["fishbone"]["machine"] == "保压时间参数被误改"
    screenshot(page, "quality_8d", full_page=True)

    with page.expect_download() as download_info:
        page.click("#download-8d-pdf")
    download = download_info.value
    path = download.path()
    data = Path(path).read_bytes()
    assert data[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = "".join(
            subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True)
            .stdout.decode()
            .split()
        )
        assert c.number in text and "".join(ROOT_CAUSE.split()) in text
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                path,
                str(SCREENSHOTS / "quality_8d_pdf"),
            ],
            check=True,
        )
