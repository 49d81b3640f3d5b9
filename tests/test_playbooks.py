"""`load_playbook NAME`: presets become the active types, rules and clocks; idempotent; versioned rules."""

import io
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.complaints import actions
from kesu.complaints.models import Category
from kesu.rules import playbooks
from kesu.rules.models import Playbook, Rule, RuleSet
from kesu.rules.versions import next_version
from kesu.sla.models import ClockDefinition
from tests.factories import make_complaint

NAMES = ("manufacturing", "retail", "service")


def load(name):
    out = io.StringIO()
    call_command("load_playbook", name, stdout=out)
    return out.getvalue()


def state():
    """Everything a playbook load may change, to compare before and after."""
    return {
        "playbooks": sorted(Playbook.objects.values_list("code", "active", "source_hash")),
        "rulesets": sorted(RuleSet.objects.values_list("id", "playbook__code", "version", "active")),
        "rules": sorted(Rule.objects.values_list("id", "ruleset_id", "code", "when", "then")),
        "clocks": sorted(ClockDefinition.objects.values_list("id", "playbook__code", "code", "minutes", "days")),
        "categories": sorted(Category.objects.values_list("code", "active", "department__code")),
        "departments": sorted(Department.objects.values_list("code", "active")),
    }


@pytest.mark.parametrize("name", NAMES)
def test_loading_a_playbook_makes_it_the_active_one_with_its_types_rules_and_clocks(db, name):
    output = load(name)
    assert f"playbook {name}: loaded (rule set v1" in output
    data = yaml.safe_load((playbooks.PLAYBOOK_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    active = playbooks.active_playbook()
    assert active.code == name
    ruleset, specs = playbooks.active_rules()
    assert ruleset.version == 1
    assert [s.code for s in specs] == [r["code"] for r in data["rules"]]
    assert list(active.clocks.order_by("order").values_list("code", flat=True)) == [c["code"] for c in data["clocks"]]
    assert set(Category.objects.filter(active=True).values_list("code", flat=True)) == {
        c["code"] for c in data["categories"]
    }
    # The responsibility matrix: each type's department and collaborators.
    for cat in data["categories"]:
        row = Category.objects.get(code=cat["code"])
        assert row.department.code == cat["department"]
        assert set(row.collaborating_departments.values_list("code", flat=True)) == set(cat.get("collaborators", []))
    assert {d["code"] for d in data["departments"]} <= set(Department.objects.values_list("code", flat=True))


def test_loading_another_playbook_replaces_the_active_one(db):
    load("manufacturing")
    load("retail")
    assert list(Playbook.objects.filter(active=True).values_list("code", flat=True)) == ["retail"]
    assert Category.objects.get(code="technical_change").active is False  # manufacturing only
    assert Category.objects.get(code="after_sales").active is True
    assert playbooks.active_rules()[0].playbook.code == "retail"
    assert "regulator_12315" in [s.code for s in playbooks.active_rules()[1]]
    load("service")
    assert list(Playbook.objects.filter(active=True).values_list("code", flat=True)) == ["service"]
    assert Department.objects.filter(code="LEGAL").exists()


def test_loading_the_same_playbook_twice_changes_nothing(db):
    load("retail")
    before = state()
    output = load("retail")
    assert "already active, unchanged (rule set v1" in output
    assert state() == before


def test_switching_back_keeps_the_rule_set_version_when_the_rules_are_the_same(db):
    load("manufacturing")
    load("service")
    load("manufacturing")
    assert list(RuleSet.objects.filter(playbook__code="manufacturing").values_list("version", flat=True)) == [1]
    assert playbooks.active_rules()[0].version == 1
    assert Playbook.objects.filter(active=True).get().code == "manufacturing"


def edit_amount_rule(threshold):
    """What the admin does when a rule is edited: a new version with the edited rule."""
    active = RuleSet.objects.get(active=True, playbook__active=True)
    old = active.rules.get(code="amount_ge_5000")
    new = next_version(active, note="edited rule amount_ge_5000", leave_out="amount_ge_5000")
    Rule.objects.create(
        ruleset=new,
        code=old.code,
        name=old.name,
        order=old.order,
        when={"amount_gte": threshold},
        then=old.then,
        reason=old.reason,
    )
    return new


def test_editing_a_rule_makes_a_new_version_and_reloading_the_file_makes_another(users, playbook):
    playbook("manufacturing")
    agent = users["agent"]
    first = make_complaint(agent, amount="4000", title="外壳颜色不一致", description="")
    assert (first.severity, first.ruleset.version) == ("B", 1)

    edited = edit_amount_rule(3000)
    assert edited.version == 2
    second = make_complaint(agent, amount="4000", title="外壳颜色不一致", description="")
    assert (second.severity, second.ruleset.version) == ("A", 2)
    assert second.suggestion["ruleset_version"] == 2
    assert [h["rule"] for h in second.rule_hits] == ["amount_ge_5000"]

    output = load("manufacturing")
    assert "loaded (rule set v3" in output
    assert list(RuleSet.objects.order_by("version").values_list("version", "active")) == [
        (1, False),
        (2, False),
        (3, True),
    ]
    third = make_complaint(agent, amount="4000", title="外壳颜色不一致", description="")
    assert (third.severity, third.ruleset.version) == ("B", 3)
    # Earlier versions and the complaints they classified stay as they were.
    assert RuleSet.objects.get(version=2).rules.get(code="amount_ge_5000").when == {"amount_gte": 3000}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.ruleset.version, second.ruleset.version) == (1, 2)
    assert (first.severity, second.severity) == ("B", "A")
    # And loading once more is a no-op again.
    assert "unchanged (rule set v3" in load("manufacturing")


def test_a_rule_changed_in_place_is_also_replaced_by_reloading(db):
    load("service")
    Rule.objects.filter(ruleset__active=True, code="amount_ge_5000").update(when={"amount_gte": 1})
    assert "loaded (rule set v2" in load("service")
    assert playbooks.active_rules()[0].rules.get(code="amount_ge_5000").when == {"amount_gte": 5000}


def test_reloading_after_a_rule_edit_keeps_running_clocks_working(users, playbook):
    playbook("service")
    c = make_complaint(users["agent"], title="维修师傅迟到", description="")
    edit_amount_rule(100)
    assert "loaded (rule set v3" in load("service")
    actions.do_acknowledge(c, actor=users["agent"], now=timezone.now())
    contact = c.deadlines.get(clock="customer_contact")
    assert contact.definition is not None
    assert contact.met_at is not None


def test_a_clock_changed_in_the_file_keeps_running_clocks_attached(users, playbook, tmp_path, monkeypatch):
    playbook("service")
    c = make_complaint(users["agent"], title="维修师傅迟到", description="")
    first = c.deadlines.get(clock="first_response")
    text = (playbooks.PLAYBOOK_DIR / "service.yaml").read_text("utf-8")
    changed = text.replace("stop_on: [acknowledge], minutes: 15,", "stop_on: [acknowledge], minutes: 20,", 1)
    assert changed != text
    (tmp_path / "service.yaml").write_text(changed, "utf-8")
    (tmp_path / "retail.yaml").write_text((playbooks.PLAYBOOK_DIR / "retail.yaml").read_text("utf-8"), "utf-8")
    monkeypatch.setattr(playbooks, "PLAYBOOK_DIR", tmp_path)
    load("service")
    first.refresh_from_db()
    assert first.definition is not None and first.definition.minutes == 20  # the same definition, updated
    actions.do_acknowledge(c, actor=users["agent"], now=timezone.now())
    first.refresh_from_db()
    assert first.met_at is not None  # it still stops on its event
    # and a playbook switched away from still lets its running clocks stop
    c2 = make_complaint(users["agent"], title="送货晚了", description="")
    load("retail")
    actions.do_acknowledge(c2, actor=users["agent"], now=timezone.now())
    assert c2.deadlines.get(clock="first_response").met_at is not None


def test_an_unknown_playbook_is_a_clear_error(db):
    with pytest.raises(CommandError, match="unknown playbook 'hotel'; choose one of: manufacturing, retail, service"):
        load("hotel")
    assert not Playbook.objects.exists()


BROKEN = [
    ("rules: [\n  - code: x\n    when: {amount_gte: 1\n", "not valid YAML"),
    ("code: broken\nname: x\ncategories: []\nclocks: []\n", "rules: missing"),
    (None, "rules[0] (regulator_12315).regulator_said: unknown condition 'regulator_said'"),
    (None, "rules[1] (franchisee_mass_quality).then: level must be 1, 2 or 3"),
    (None, "clocks[0] (customer_contact): unknown event 'customer_cried'"),
    (None, "categories[0]: department 'NOPE' is not listed under departments"),
]


def broken_retail(case):
    data = yaml.safe_load((playbooks.PLAYBOOK_DIR / "retail.yaml").read_text(encoding="utf-8"))
    data["code"] = "broken"
    if case == 2:
        data["rules"][0]["when"] = {"regulator_said": True}
    elif case == 3:
        data["rules"][1]["then"] = {"level": 5}
    elif case == 4:
        data["clocks"][0]["stop_on"] = ["customer_cried"]
    elif case == 5:
        data["categories"][0]["department"] = "NOPE"
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize("case", range(len(BROKEN)))
def test_a_broken_playbook_file_is_a_clear_error_and_changes_nothing(db, tmp_path, monkeypatch, case):
    load("retail")
    text, message = BROKEN[case]
    for name in NAMES:
        (tmp_path / f"{name}.yaml").write_text((playbooks.PLAYBOOK_DIR / f"{name}.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "broken.yaml").write_text(text if text is not None else broken_retail(case), encoding="utf-8")
    monkeypatch.setattr(playbooks, "PLAYBOOK_DIR", tmp_path)
    before = state()
    with pytest.raises(CommandError) as info:
        load("broken")
    assert str(info.value).startswith("broken.yaml: ")
    assert message in str(info.value)
    assert state() == before
    assert playbooks.active_playbook().code == "retail"


def test_if_none_active_loads_only_on_a_fresh_installation(db):
    out = io.StringIO()
    call_command("load_playbook", "service", "--if-none-active", stdout=out)
    assert playbooks.active_playbook().code == "service"
    call_command("load_playbook", "retail", "--if-none-active", stdout=out)
    assert playbooks.active_playbook().code == "service"
    assert "playbook service is active; nothing loaded" in out.getvalue()


def test_penalties_and_escalation_come_from_the_file(db):
    load("retail")
    contact = ClockDefinition.objects.get(playbook__code="retail", code="customer_contact")
    assert contact.penalty_amount == Decimal("30.00")
    assert contact.mode == "working_days" and contact.days == 1
    assert ClockDefinition.objects.get(playbook__code="retail", code="resolution").escalate_on_breach is True
