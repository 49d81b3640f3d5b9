"""Agents teach the type suggester: triage decisions → `manage.py retrain_triage` (and the worker) → a new version.

The database starts with the seed version (trained on the shipped development set when it was migrated)."""

import dataclasses
import io
import itertools

import pytest
from django.core.management import call_command
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from kesu.complaints.models import Category
from kesu.rules import feedback
from kesu.rules.models import TermFeedback
from kesu.triage import suggest, training
from kesu.triage.models import TriageModel
from kesu.triage.tasks import retrain_triage_hourly

_phones = itertools.count(13600000001)

# A kind of complaint neither the lexicon nor the shipped set knows: invoices (a company's own type).
WHAT = ["增值税专用发票", "电子发票", "纸质发票", "发票", "专票", "普票"]
WRONG = ["抬头开错了", "税号填错了", "一直没开出来", "金额和订单对不上", "被作废了也没人通知", "开成了个人抬头"]
ASK = ["要求重新开具", "麻烦尽快补开", "财务报不了账", "公司要求下周前交齐", "催了三次没人回"]


def invoice_texts():
    for what, wrong, ask in itertools.product(WHAT, WRONG, ASK):
        yield f"上个月买的办公桌椅，{what}{wrong}，{ask}。"


def _create(api, text):
    body = {"channel": "phone", "customer": {"name": "赵先生", "phone": str(next(_phones))}, "description": text}
    r = api("agent").post("/complaints", body)
    assert r.status_code == 201, r.content
    return r.json()


def _triage_as(api, c, type_code):
    assert api("agent").act(c["number"], "acknowledge").status_code == 200
    body = {"type_code": type_code}
    if c["type_code"] and c["type_code"] != type_code:
        body["reason"] = "开票问题，归财务处理"
    r = api("agent").act(c["number"], "triage", body)
    assert r.status_code == 200, r.content


def retrain() -> str:
    out = io.StringIO()
    call_command("retrain_triage", stdout=out)
    return out.getvalue()


@pytest.fixture
def invoice_type(playbook):
    playbook("retail")
    return Category.objects.create(code="invoice", name="发票问题", name_en="Invoices", sort_order=99)


def test_the_database_starts_with_the_seed_version(db):
    seed = TriageModel.objects.get(active=True)
    assert seed.training["shipped"] > 100 and seed.training["corrections"] == 0
    assert seed.params["classes"] and seed.params["blend"]["alpha"] > 0


def test_corrections_teach_a_new_version_that_suggests_the_corrected_type(api, invoice_type):
    texts = list(invoice_texts())
    new_text = texts.pop(17)  # never seen by the model
    before = suggest(new_text)
    assert before["type_code"] != "invoice"
    seed = TriageModel.objects.get(active=True)

    for text in texts[:30]:
        c = _create(api, text)
        _triage_as(api, c, "invoice")

    output = retrain()
    assert "candidate version" in output and "took over" in output
    new = TriageModel.objects.get(active=True)
    assert new.version > seed.version
    assert new.training["corrections"] > 0 and new.evaluation["held_back"] > 0
    after = suggest(new_text)
    assert after["type_code"] == "invoice", after
    assert after["model_version"] == new.version
    assert after["type_evidence"] and all(words in new_text for words in after["type_evidence"])

    # The report shows both versions: the seed, retired, and the new one, with their figures.
    api("supervisor")  # a reader of reports
    report = api("supervisor").get("/reports/suggestion-accuracy").json()
    versions = {m["version"]: m for m in report["models"]}
    assert versions[seed.version]["active"] is False and versions[seed.version]["retired_at"]
    assert versions[new.version]["active"] is True and versions[new.version]["took_over"] is True
    assert versions[new.version]["evaluation"]["accuracy"] is not None
    assert versions[new.version]["trained_on"]["corrections"] == new.training["corrections"]
    # The 30 decisions were on suggestions the seed made: its live figures count them, and they were corrections.
    assert versions[seed.version]["live"]["decided"] == 30
    assert versions[seed.version]["live"]["type_kept"] == 0
    assert report["fields"]["type_code"]["suggested"] == 30

    # A complaint recorded now gets the new version's suggestion, and its triage counts for the new version.
    c = _create(api, new_text)
    assert c["type_code"] == "invoice" and c["suggestion"]["model_version"] == new.version
    _triage_as(api, c, "invoice")
    report = api("supervisor").get("/reports/suggestion-accuracy").json()
    live = next(m for m in report["models"] if m["version"] == new.version)["live"]
    assert (live["decided"], live["type_kept"], live["type_accuracy"]) == (1, 1, 1.0)


def test_a_worse_candidate_does_not_take_over(api, invoice_type, monkeypatch):
    seed = TriageModel.objects.get(active=True)
    real_fit = training.fit
    codes = ["quality", "service", "after_sales", "delivery", "price", "other"]

    def scrambled(examples):
        # What a careless team would teach: every example under the next type's name.
        return real_fit([dataclasses.replace(e, type=codes[(codes.index(e.type) + 1) % len(codes)]) for e in examples])

    monkeypatch.setattr(training, "fit", scrambled)
    output = retrain()
    assert "not taken" in output
    assert TriageModel.objects.get(active=True) == seed
    loser = TriageModel.objects.order_by("-version").first()
    assert loser.version > seed.version and loser.params is None and not loser.active
    figures = loser.evaluation
    assert figures["candidate"]["accuracy"] < figures["previous"]["accuracy"]
    assert figures["previous"]["version"] == seed.version
    assert f"{figures['candidate']['accuracy']:.1%}" in output and f"{figures['previous']['accuracy']:.1%}" in output
    assert suggest("快递三天了还没送到")["model_version"] == seed.version
    report = api("supervisor").get("/reports/suggestion-accuracy").json()
    shown = {m["version"]: m for m in report["models"]}
    assert shown[loser.version]["took_over"] is False and "not taken" in shown[loser.version]["decision"]


def test_the_worker_retrains_hourly_with_the_same_code_only_when_agents_decided(api, invoice_type):
    autodiscover_modules("tasks")
    import datetime as dt

    assert any(
        t.name == retrain_triage_hourly.task_class.__name__ for t in HUEY.read_periodic(dt.datetime(2026, 1, 1, 9, 17))
    )
    retrain_triage_hourly.call_local()  # up to date with the shipped set, whatever it holds now
    count = TriageModel.objects.count()
    assert retrain_triage_hourly.call_local() == "nothing new to learn from"
    assert TriageModel.objects.count() == count

    for text in list(invoice_texts())[:12]:
        _triage_as(api, _create(api, text), "invoice")
    decision = retrain_triage_hourly.call_local()
    assert TriageModel.objects.count() == count + 1
    latest = TriageModel.objects.order_by("-version").first()
    assert latest.decision == decision and latest.training["corrections"] > 0
    assert retrain_triage_hourly.call_local() == "nothing new to learn from"


def test_risk_verdicts_are_counted_per_family_and_switch_noisy_terms_off(api, playbook):
    playbook("retail")
    kept = _create(api, "买的面包里吃出一根头发，太恶心了")
    overturned = _create(api, "买的面包里吃出一根头发，太恶心了！")
    assert [r["family"] for r in kept["suggestion"]["risks"]] == ["food_safety"]
    for c in (kept, overturned):
        assert api("agent").act(c["number"], "acknowledge").status_code == 200
    assert api("agent").act(kept["number"], "triage", {}).status_code == 200
    level = overturned["level"]
    assert level and level > 1, "a food-safety risk raises the retail level"
    r = api("agent").act(overturned["number"], "triage", {"level": 1, "reason": "客户说的是自己掉的头发"})
    assert r.status_code == 200, r.content

    report = api("supervisor").get("/reports/suggestion-accuracy").json()
    assert report["risk_families"]["food_safety"] == {"kept": 1, "overturned": 1, "kept_rate": 0.5}
    term = kept["suggestion"]["risks"][0]["evidence"]
    row = TermFeedback.objects.get(term=term)
    assert (row.confirmed, row.rejected) == (1, 1)
    # The term's confidence in new suggestions follows the agents' verdicts.
    feedback.forget_cache()
    TermFeedback.objects.filter(pk=row.pk).update(confirmed=0, rejected=4)
    feedback.forget_cache()
    lowered = suggest("面包里吃出一根头发")["risks"][0]["confidence"]
    assert lowered < kept["suggestion"]["risks"][0]["confidence"]
    # Overturned often enough, the term switches off.
    TermFeedback.objects.filter(pk=row.pk).update(confirmed=0, rejected=12)
    feedback.forget_cache()
    assert all(r["evidence"] != term for r in suggest("面包里吃出一根头发")["risks"])
    feedback.forget_cache()
