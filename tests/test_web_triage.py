"""The live triage suggestion beside the new-complaint form, and the stored suggestion on the complaint page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.complaints.models import Complaint, Event
from kesu.web.display import mark_evidence, triage_view
from tests.factories import make_complaint

URL = "/complaints/new/suggestion"
FOOD_AND_REGULATOR = {
    "title": "外卖吃完拉肚子",
    "description": "昨天点的外卖，吃完全家拉肚子，不处理我就打12315投诉你们。",
    "product": "黄焖鸡米饭",
}


def _panel(client, data, **headers) -> str:
    r = client.post(URL, data, headers=headers)
    assert r.status_code == 200
    return r.content.decode()


def _marks(html: str) -> list[tuple[str, str]]:
    """(family, words) of every evidence mark in the customer's text."""
    return re.findall(r'<mark class="evidence evidence-risk" data-family="([a-z_]+)"[^>]*>([^<]+)</mark>', html)


def test_the_panel_shows_both_risk_families_and_marks_the_evidence_in_the_text(web):
    html = _panel(web("agent"), FOOD_AND_REGULATOR)
    families = re.findall(r'<li class="triage-risk" data-family="([a-z_]+)"', html)
    assert sorted(families) == ["food_safety", "regulator"]
    # In the reader's language, with their confidence.
    assert "食品安全" in html and "监管投诉" in html
    assert re.search(r'data-family="regulator".*?<span class="triage-conf"[^>]*>\d+%</span>', html, re.S)
    # The customer's words marked where they stand in the description.
    description = re.search(r'<div class="text-prewrap triage-description">(.*?)</div>', html, re.S).group(1)
    assert ("food_safety", "拉肚子") in _marks(description)
    assert ("regulator", "12315") in _marks(description)
    assert description.startswith("昨天点的外卖，吃完全家<mark")


def test_the_panel_offers_the_type_with_its_confidence_and_runners_up_as_buttons(web):
    html = _panel(web("agent"), FOOD_AND_REGULATOR)
    top = re.search(r'<button[^>]*class="[^"]*triage-top[^"]*"[^>]*data-set-type="([a-z_]+)"', html)
    assert top is not None and top.group(1) == "quality"
    assert re.search(r"产品质量</span></button>\s*<span class=\"triage-conf\"[^>]*>\d+%</span>", html)
    runners_up = re.findall(r'class="[^"]*triage-alt[^"]*" data-set-type="([a-z_]+)"', html)
    assert runners_up and "quality" not in runners_up
    assert "低置信度" not in html


def test_the_type_already_in_the_form_is_shown_as_picked(web):
    html = _panel(web("agent"), {**FOOD_AND_REGULATOR, "type_code": "quality"})
    assert re.search(r'data-set-type="quality" aria-pressed="true"', html)
    assert not re.search(r'data-set-type="(?!quality)[a-z_]+" aria-pressed="true"', html)


def test_a_vague_text_is_said_to_be_low_confidence(web):
    html = _panel(web("agent"), {"title": "", "description": "你好，我想反映一下情况。"})
    assert "data-low-confidence" in html and "低置信度" in html
    assert "文字没有明确指向某一类型" in html


def test_the_panel_speaks_english_to_an_english_reader(web):
    html = _panel(web("agent"), FOOD_AND_REGULATOR, **{"Accept-Language": "en"})
    assert "Food safety" in html and "Regulator complaint" in html and "Runners-up" in html
    html = _panel(web("agent"), {"description": "你好"}, **{"Accept-Language": "en"})
    assert "Low confidence" in html


@pytest.mark.parametrize("data", [{}, {"title": "", "description": ""}, {"title": "  ", "description": "\n \n"}])
def test_empty_text_answers_an_empty_panel(web, data):
    html = _panel(web("agent"), {**data, "product": "冰箱"})
    assert "triage-empty" in html
    assert "data-set-type" not in html and "triage-risk" not in html and "<mark" not in html


def test_an_xss_payload_is_shown_as_text_and_the_evidence_still_marked(web):
    payload = '<script>alert("x")</script>拉肚子<img src=x onerror=alert(1)>'
    html = _panel(web("agent"), {"title": '"><svg onload=alert(1)>', "description": payload})
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert ("food_safety", "拉肚子") in _marks(html)


def test_mark_evidence_escapes_the_words_it_marks():
    html = mark_evidence("a<b>12315&", [{"words": "<b>", "kind": "risk", "family": 'x"y', "label": "<i>"}])
    assert (
        html
        == 'a<mark class="evidence evidence-risk" data-family="x&quot;y" title="&lt;i&gt;">&lt;b&gt;</mark>12315&amp;'
    )


def test_mark_evidence_finds_full_width_and_every_occurrence_and_never_overlaps():
    evidence = [
        {"words": "12315", "kind": "risk", "family": "regulator", "label": "r"},
        {"words": "拉肚子", "kind": "type", "family": "", "label": "t"},
        {"words": "肚子", "kind": "risk", "family": "injury", "label": "i"},
    ]
    html = str(mark_evidence("打１２３１５！拉肚子，又拉肚子", evidence))
    assert html.count(">１２３１５</mark>") == 1
    assert html.count('evidence-type" data-family="" title="t">拉肚子</mark>') == 2
    assert "injury" not in html


def test_only_roles_that_may_record_get_a_suggestion(web, client):
    assert web("archivist").post(URL, FOOD_AND_REGULATOR).status_code == 403
    client.logout()
    r = client.post(URL, FOOD_AND_REGULATOR)
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    for role in ("agent", "supervisor", "quality", "handler"):
        assert web(role).post(URL, FOOD_AND_REGULATOR).status_code == 200, role
    assert web("agent").get(URL, FOOD_AND_REGULATOR).status_code == 405


def test_the_panel_stores_nothing_and_reads_little(web, users):
    make_complaint(users["agent"])
    client = web("agent")
    _panel(client, FOOD_AND_REGULATOR)  # warm: the suggester may load its model once
    before = (Complaint.objects.count(), Event.objects.count())
    counts = []
    long_text = {"description": "孩子吃完拉肚子住院了，我要打12315，找记者曝光，再请律师起诉你们，插座还冒烟了。" * 20}
    for data in (FOOD_AND_REGULATOR, long_text):
        with CaptureQueriesContext(connection) as queries:
            _panel(client, data)
        assert not [q for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        counts.append(len(queries))
    assert (Complaint.objects.count(), Event.objects.count()) == before
    # The session, the user, the active types and what the suggester reads; never a query per word found.
    assert counts[0] == counts[1] <= 6, counts


def test_the_form_asks_for_the_suggestion_as_the_agent_types(web):
    html = web("agent").get("/complaints/new").content.decode()
    panel = re.search(r'<div id="triage-live"[^>]*>', html).group(0)
    assert 'hx-post="/complaints/new/suggestion"' in panel
    assert "input changed delay:400ms from:#id_description" in panel and 'hx-sync="this:replace"' in panel
    assert "#id_title" in panel and "#id_type_code" in panel
    assert "triage-empty" in html and ", load" not in panel
    # A form shown again with its errors asks at once for the text it already holds.
    r = web("agent").post("/complaints/new", {"title": FOOD_AND_REGULATOR["title"]})
    assert r.status_code == 400
    assert ", load" in re.search(r'<div id="triage-live"[^>]*>', r.content.decode()).group(0)


# ---------------------------------------------------------------------------------------------
# The complaint page: the stored suggestion, old shape and the contract's


def _with_suggestion(complaint, suggestion):
    Complaint.objects.filter(pk=complaint.pk).update(suggestion=suggestion)
    return complaint


def test_the_complaint_page_shows_confidence_runners_up_low_confidence_and_marked_evidence(web, users):
    c = make_complaint(users["agent"], title="外卖问题", description="吃完拉肚子，我要打12315。", type_code="quality")
    _with_suggestion(
        c,
        {
            "type_code": "quality",
            "type_confidence": 0.42,
            "alternatives": [{"type_code": "delivery", "confidence": 0.31}],
            "type_evidence": ["吃完"],
            "low_confidence": True,
            "risks": [
                {"family": "food_safety", "evidence": "拉肚子", "confidence": 0.9},
                {"family": "regulator", "evidence": "12315", "confidence": 0.8},
            ],
        },
    )
    html = web("agent").get(f"/complaints/{c.number}").content.decode()
    card = re.search(r'<div class="suggestion mt-3" id="suggestion">.*?</table>.*?</ul>', html, re.S).group(0)
    assert "42%" in card and "低置信度" in card
    assert 'data-type="delivery"' in card and "订单/交付" in card and "31%" in card
    assert "data-set-type" not in card  # nothing to click on a stored suggestion
    assert "食品安全" in card and "监管投诉" in card and "80%" in card
    assert '<mark class="risk-term">拉肚子</mark>' in card
    description = re.search(r'<div class="text-prewrap mb-3 complaint-description">(.*?)</div>', html, re.S).group(1)
    assert _marks(description) == [("food_safety", "拉肚子"), ("regulator", "12315")]
    assert '<mark class="evidence evidence-type" data-family="" title="产品质量">吃完</mark>' in description


def test_the_complaint_page_still_reads_the_older_suggestion(web, users):
    c = make_complaint(users["agent"], title="冰箱漏水", description="客户说要找媒体曝光。", type_code="quality")
    _with_suggestion(
        c,
        {
            "type_code": "quality",
            "type_reason": "about product quality: 漏水",
            "risks": [{"risk": "media", "term": "媒体", "reason": "threatens media"}],
        },
    )
    html = web("agent").get(f"/complaints/{c.number}").content.decode()
    risk = re.search(r'<li class="triage-risk" data-family="media" data-risk="media">.*?</li>', html, re.S).group(0)
    assert "媒体曝光" in risk and '<mark class="risk-term">媒体</mark>' in risk
    assert "低置信度" not in html  # no confidence was stored: nothing to say about it
    description = re.search(r'<div class="text-prewrap mb-3 complaint-description">(.*?)</div>', html, re.S).group(1)
    assert _marks(description) == [("media", "媒体")]


def test_triage_view_of_a_suggestion_without_a_type_is_low():
    view = triage_view({"type_code": None, "risks": []}, {})
    assert view["low"] and not view["shown"]
    view = triage_view({"type_code": "other", "type_confidence": 0.0, "risks": []}, {"other": "其他"})
    assert view["low"] and view["type_name"] == "其他" and view["confidence_pct"] == "0%"


def test_the_timeline_names_the_risk_families_of_a_suggestion():
    from django.utils import translation

    from kesu.web.display import event_details

    with translation.override("zh-hans"):
        rows = event_details(
            "triage",
            {"suggested": {"type_code": "quality", "risks": [{"family": "food_safety", "evidence": "拉肚子"}]}},
            type_names={"quality": "产品质量"},
        )
    assert [value for _label, value, _long in rows] == ["产品质量; 食品安全 “拉肚子”"]


def test_triage_view_lists_the_other_findings_after_the_families():
    view = triage_view(
        {
            "type_code": "quality",
            "type_confidence": 0.7,
            "risks": [{"family": "legal", "evidence": "律师", "confidence": 0.9, "risk": "legal"}],
            "signals": [{"risk": "churn", "term": "再也不买", "reason": "may stop buying"}],
        },
        {"quality": "产品质量"},
    )
    assert [(r["family"], r["evidence"]) for r in view["risks"]] == [("legal", "律师"), ("", "再也不买")]
    html = str(mark_evidence("请律师；再也不买", view["evidence"]))
    assert 'evidence-risk" data-family="legal"' in html and 'evidence-signal" data-family=""' in html
