"""POST /api/v1/triage and the `suggestion` on every complaint, from outside (API.md "Triage suggestion")."""

import pytest
from django.test import Client

from kesu.complaints.models import Category
from kesu.triage.models import TriageModel

FAMILIES = {"regulator", "media", "legal", "injury", "food_safety", "safety_hazard"}

TEXTS = {
    "吃完拉肚子": ("昨天在你们店买的卤鸭脖，全家吃完拉肚子，孩子还吐了，我要打12315投诉", {"food_safety", "regulator"}),
    "冒烟": ("电热水壶用了两次底座就冒烟了，差点着火，太危险了", {"safety_hazard"}),
    "律师": ("快递丢了一个月没人管，我已经找了律师，准备起诉你们", {"legal"}),
    "平常": ("衣服尺码和描述不符，想换一件大一号的", set()),
}


def check_shape(s, types):
    assert set(s) >= {"type_code", "type_confidence", "alternatives", "risks"}
    assert s["type_code"] in types
    assert isinstance(s["type_confidence"], float) and 0 <= s["type_confidence"] <= 1
    assert isinstance(s["low_confidence"], bool)
    for alt in s["alternatives"]:
        assert set(alt) == {"type_code", "confidence"}
        assert alt["type_code"] in types and alt["type_code"] != s["type_code"]
        assert alt["confidence"] <= s["type_confidence"]
    for risk in s["risks"]:
        assert set(risk) == {"family", "evidence", "confidence"}
        assert risk["family"] in FAMILIES and 0 < risk["confidence"] <= 1


@pytest.mark.parametrize("name", ["retail", "manufacturing"])
def test_the_suggestion_names_only_the_active_playbooks_types_never_null(api, playbook, name):
    playbook(name)
    types = set(Category.objects.filter(active=True).values_list("code", flat=True))
    for text, families in TEXTS.values():
        r = api("agent").post("/triage", {"title": "投诉", "description": text, "product": "商品"})
        assert r.status_code == 200, r.content
        s = r.json()
        check_shape(s, types)
        assert {risk["family"] for risk in s["risks"]} == families, text
        for risk in s["risks"]:
            assert risk["evidence"] and risk["evidence"] in f"投诉\n{text}\n商品"
        for words in s["type_evidence"]:
            assert words in f"投诉\n{text}\n商品"
    # Text that speaks of nothing still gets a type of the playbook ("other" when nothing fits).
    s = api("agent").post("/triage", {"description": "你好"}).json()
    check_shape(s, types)
    assert s["low_confidence"] is True


def test_a_clear_text_gets_its_type_with_more_confidence_than_an_unclear_one(api, playbook):
    playbook("retail")
    clear = api("agent").post("/triage", {"description": "快递三天了还没送到，物流信息一直不更新，催了也没人管"}).json()
    unclear = api("agent").post("/triage", {"description": "你们这样做不太好吧"}).json()
    assert clear["type_code"] == "delivery"
    assert clear["type_confidence"] > unclear["type_confidence"]
    assert clear["model_version"] == TriageModel.objects.get(active=True).version


def test_nothing_is_stored(api, playbook):
    playbook("retail")
    from kesu.complaints.models import Complaint, Event

    before = (Complaint.objects.count(), Event.objects.count(), TriageModel.objects.count())
    assert api("agent").post("/triage", {"description": "电动车充电时起火了"}).status_code == 200
    assert (Complaint.objects.count(), Event.objects.count(), TriageModel.objects.count()) == before


def test_without_a_token_401_in_json(db):
    r = Client().post("/api/v1/triage", {"description": "冰箱不制冷"}, content_type="application/json")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"title": "冰箱"}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "漏水" * 5001}, "description"),
        ({"description": "漏水", "title": "冰" * 201}, "title"),
        ({"description": "漏水", "product": "冰" * 201}, "product"),
        ({"description": 5}, "description"),
    ],
)
def test_bad_input_400_naming_the_field(api, playbook, body, field):
    playbook("retail")
    r = api("agent").post("/triage", body)
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"]


def test_a_body_that_is_not_json_is_a_json_400(api):
    r = api("agent").client.post(
        "/api/v1/triage", "{not json", content_type="application/json", headers=api("agent").headers
    )
    assert r.status_code == 400
    assert "error" in r.json()


# -- the suggestion on complaints ---------------------------------------------------------------------------------


def _create(api, **body):
    body = {"channel": "phone", "customer": {"name": "王女士", "phone": "13812345678"}, **body}
    r = api("agent").post("/complaints", body)
    assert r.status_code == 201, r.content
    return r.json()


def test_a_complaint_without_a_type_takes_the_suggested_one_and_keeps_the_suggestion(api, playbook):
    playbook("retail")
    types = set(Category.objects.filter(active=True).values_list("code", flat=True))
    text = "外卖送来的汤里有一根头发，吃了两口才发现，恶心死了"
    c = _create(api, title="汤里有头发", description=text)
    s = c["suggestion"]
    check_shape(s, types)
    assert c["type_code"] == s["type_code"] == "quality"
    assert [r["family"] for r in s["risks"]] == ["food_safety"]
    assert s["risks"][0]["evidence"] in f"汤里有头发\n{text}"

    # An agent's different type does not change what was suggested.
    api("agent").act(c["number"], "acknowledge")
    r = api("agent").act(c["number"], "triage", {"type_code": "service", "reason": "客户主要投诉骑手态度"})
    assert r.status_code == 200, r.content
    after = api("agent").get(f"/complaints/{c['number']}").json()
    assert after["type_code"] == "service"
    assert after["suggestion"] == s
    listed = api("agent").get("/complaints").json()["items"]
    assert next(item for item in listed if item["number"] == c["number"])["suggestion"] == s


def test_a_type_given_at_intake_wins_and_the_suggestion_is_still_kept(api, playbook):
    playbook("retail")
    c = _create(api, title="价格", description="昨天刚买的电视今天就降价三百，要求退差价", type_code="service")
    assert c["type_code"] == "service"
    assert c["suggestion"]["type_code"] == "price"
