"""The scripts library (话术) and macros: listing and Chinese search, rendering from a complaint, counting
uses, step validation, and macros that apply every step or none (status, events, deliveries untouched)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kesu.complaints import actions
from kesu.core.errors import DomainError
from kesu.notifications.models import Delivery
from kesu.scripts import starter
from kesu.scripts.actions import do_run_macro
from kesu.scripts.models import Macro, Script
from tests.factories import make_complaint, snapshot


@pytest.fixture
def library(db):
    starter.load()
    return {s.key: s for s in Script.objects.filter(language="zh-hans")}


@pytest.fixture
def mailable(users):
    customer = actions.CustomerInput(name="张先生", email="zhang@customer.example", kind="consumer")
    c = make_complaint(users["agent"], customer=customer, title="冰箱迟迟未送达", type_code="quality")
    actions.do_acknowledge(c, actor=users["agent"], now=timezone.now())
    c.refresh_from_db()
    return c


def test_starter_set_covers_every_situation_and_loads_idempotently(library):
    from kesu.scripts.models import Situation

    zh = Script.objects.filter(language="zh-hans")
    assert 30 <= zh.count() <= 50
    assert Script.objects.filter(language="en").count() == zh.count()
    assert set(zh.values_list("situation", flat=True)) == set(Situation.values)
    Script.objects.filter(pk=library["apology-general"].pk).update(use_count=7)
    starter.load()
    assert Script.objects.count() == 2 * zh.count()
    assert Macro.objects.count() == len(starter.MACROS)
    assert Script.objects.get(pk=library["apology-general"].pk).use_count == 7


def test_scripts_listed_filtered_and_searched_in_chinese(api, library):
    r = api("agent").get("/scripts", situation="delay")
    assert r.status_code == 200
    items = r.json()["items"]
    assert items and {i["situation"] for i in items} == {"delay"}
    assert set(items[0]) == {"id", "title", "situation", "text"}
    # A type filter keeps the scripts for that type and those for every type.
    ids = {i["id"] for i in api("agent").get("/scripts", type_code="delivery").json()["items"]}
    assert library["apology-delivery-delay"].id in ids and library["apology-general"].id in ids
    assert library["apology-quality"].id not in ids
    # Chinese: a phrase as typed, and the same words in another order (two-character pieces).
    found = [i["id"] for i in api("agent").get("/scripts", q="物流延误").json()["items"]]
    assert library["apology-delivery-delay"].id in found
    reordered = [i["id"] for i in api("agent").get("/scripts", q="延误物流", language="zh-hans").json()["items"]]
    assert library["apology-delivery-delay"].id in reordered
    assert api("agent").get("/scripts", q="完全无关的词语组合").json()["items"] == []


def test_render_fills_variables_and_counts_the_use(api, users, library, mailable):
    script = library["first-contact-quality"]
    actions.do_triage(mailable, actor=users["agent"], now=timezone.now(), type_code="quality")
    actions.do_assign(mailable, actor=users["agent"], now=timezone.now(), department="QA", owner="quality")
    r = api("agent").get(f"/scripts/{script.id}/render", complaint=mailable.number)
    assert r.status_code == 200, r.content
    text = r.json()["text"]
    assert text.startswith("张先生您好") and str(users["quality"]) in text and "{" not in text
    assert Script.objects.get(pk=script.pk).use_count == 1
    en = Script.objects.get(key="first-contact-general", language="en")
    text = api("agent").get(f"/scripts/{en.id}/render", complaint=mailable.number).json()["text"]
    assert mailable.number in text and "/t/" in text
    # Out of the user's scope: not found, not counted.
    r = api("handler").get(f"/scripts/{script.id}/render", complaint=mailable.number)
    assert r.status_code == 404
    assert Script.objects.get(pk=script.pk).use_count == 1


def test_script_clean_names_the_bad_placeholder_and_type(db):
    script = Script(title="x", situation="apology", text="您好{客户称呼}，{不存在}", type_codes=["nope"])
    with pytest.raises(ValidationError) as err:
        script.full_clean()
    assert "{不存在}" in str(err.value.message_dict["text"]) and "nope" in str(err.value.message_dict["type_codes"])
    Script(title="y", situation="apology", text="{处理人}为您服务 {{literal}}").full_clean()


def test_macro_clean_names_the_bad_step_and_key(library):
    macro = Macro(
        name="坏宏",
        steps=[
            {"action": "triage", "args": {"type_code": "delivery", "reason": "物流"}},
            {"action": "assign", "args": {"dept": "LOG"}},
            {"action": "fly"},
            {"reply": 999999},
        ],
    )
    with pytest.raises(ValidationError) as err:
        macro.full_clean()
    messages = " ".join(err.value.message_dict["steps"])
    assert "第 2 步" in messages and "dept" in messages and "第 3 步" in messages and "fly" in messages
    assert "第 4 步" in messages and "999999" in messages
    with translation.override("en"), pytest.raises(ValidationError) as err:
        macro.full_clean()
    assert "Step 2" in " ".join(err.value.message_dict["steps"])


def test_macro_applies_all_its_steps(api, users, library, mailable):
    macro = Macro.objects.get(key="delivery-delay")
    mailable.refresh_from_db()
    r = api("agent").post(f"/complaints/{mailable.number}/macros/{macro.id}", {"version": mailable.version})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "assigned" and body["number"] == mailable.number
    mailable.refresh_from_db()
    assert mailable.category.code == "delivery" and mailable.department.code == "LOG"
    actions_done = list(mailable.events.order_by("id").values_list("action", flat=True))
    assert [a for a in actions_done if a in ("triage", "assign", "note")][-3:] == ["triage", "assign", "note"]
    assert Delivery.objects.filter(target="zhang@customer.example").count() >= 1
    note = mailable.events.filter(action="note").order_by("-id").first()
    assert "张先生" in note.data.get("text", "") or "张先生" in str(note.data)
    assert Script.objects.get(pk=library["apology-delivery-delay"].pk).use_count == 1
    assert Macro.objects.get(pk=macro.pk).use_count == 1


def _counts(number):
    deliveries = Delivery.objects.count()
    return snapshot(number), deliveries


def test_a_refused_step_changes_nothing(api, users, library, mailable):
    # The last step fails (an unknown department): the classification of step 1 does not stay either.
    macro = Macro.objects.create(
        name="错误的宏",
        steps=[
            {"action": "triage", "args": {"type_code": "delivery", "reason": "物流"}},
            {"reply": library["apology-delivery-delay"].id, "channel": "email"},
            {"action": "assign", "args": {"department": "NOPE"}},
        ],
    )
    before = _counts(mailable.number)
    r = api("agent").post(f"/complaints/{mailable.number}/macros/{macro.id}")
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert "department" in error["fields"] and "3" in error["message"]
    assert _counts(mailable.number) == before
    assert Script.objects.get(pk=library["apology-delivery-delay"].pk).use_count == 0
    # A stale version refuses the first step.
    good = Macro.objects.get(key="delivery-delay")
    r = api("agent").post(f"/complaints/{mailable.number}/macros/{good.id}", {"version": mailable.version - 1})
    assert r.status_code == 409
    assert _counts(mailable.number) == before
    # A state that refuses a later step (start needs an assigned complaint) → 409, nothing changed.
    wrong_state = Macro.objects.create(
        name="状态不符",
        steps=[
            {"action": "triage", "args": {"type_code": "delivery", "reason": "物流"}},
            {"action": "resolve", "args": {"summary": "x"}},
        ],
    )
    r = api("agent").post(f"/complaints/{mailable.number}/macros/{wrong_state.id}")
    assert r.status_code == 409 and _counts(mailable.number) == before


def test_macros_listed_and_run_only_for_roles_that_may_take_every_step(api, users, library, mailable):
    names = {m["name"] for m in api("agent").get("/macros").json()["items"]}
    assert "物流延误标准处理" in names
    # A handler may not classify or assign: the macro neither shows nor runs.
    assert "物流延误标准处理" not in {m["name"] for m in api("handler_log").get("/macros").json()["items"]}
    macro = Macro.objects.get(key="delivery-delay")
    before = _counts(mailable.number)
    r = api("archivist").post(f"/complaints/{mailable.number}/macros/{macro.id}")
    assert r.status_code in (403, 404)
    assert _counts(mailable.number) == before


def test_do_run_macro_rolls_back_deliveries(users, library, mailable):
    macro = Macro.objects.create(
        name="先发后错",
        steps=[
            {"reply": library["delay-progress"].id, "channel": "email"},
            {"action": "escalate", "args": {"reason": ""}},
        ],
    )
    before = _counts(mailable.number)
    with pytest.raises(DomainError) as err:
        do_run_macro(mailable, macro, actor=users["agent"], now=timezone.now())
    assert "reason" in err.value.fields
    assert _counts(mailable.number) == before
