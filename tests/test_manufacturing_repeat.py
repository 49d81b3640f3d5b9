"""The manufacturing playbook reads the real text analyser: a cosmetic scratch (外观划伤) is an ordinary B problem,
so the seed's "same B problem three times → A" rule can fire; a worker cut by a burr is still a safety A."""

import datetime as dt

from django.utils import timezone

from kesu.complaints import actions

CUSTOMER = {"name": "一汽配套部", "phone": "13911115555", "kind": "business"}


def create(actor, *, title, description="", received_at, customer=CUSTOMER, product_code="BRK-220"):
    data = actions.ComplaintInput(
        customer=actions.CustomerInput(**customer),
        title=title,
        description=description,
        channel="phone",
        type_code="quality",
        product_code=product_code,
        received_at=received_at,
    )
    complaint, _created = actions.do_create(data, actor=actor, now=timezone.now())
    return complaint


def rules(complaint):
    return [hit["rule"] for hit in complaint.rule_hits]


def test_three_scratch_complaints_about_one_product_are_b_b_then_a_by_repeat(users, playbook):
    playbook("manufacturing")
    t0 = timezone.now() - dt.timedelta(days=10)
    texts = [
        ("制动盘外观划伤", "来料检验发现3件制动盘外观划伤，要求挑选"),
        ("制动盘表面划伤", "今天到货的零件又有表面划伤，划痕长约2cm，请加强包装防护"),
        ("制动盘外观划伤再次发生", "第三次发现外观划伤，请贵司给出8D报告"),
    ]
    made = [
        create(users["agent"], title=title, description=description, received_at=t0 + dt.timedelta(days=day))
        for day, (title, description) in enumerate(texts)
    ]
    assert [(c.repeat_count, c.severity) for c in made] == [(0, "B"), (1, "B"), (2, "A")]
    assert [rules(c) for c in made[:2]] == [["class_b"], ["class_b"]]
    assert "repeat_b_3" in rules(made[2])
    for c in made:
        assert "safety" not in rules(c)
        assert "safety" not in c.flags
        assert "injury" not in {risk["risk"] for risk in c.suggestion["risks"]}


def test_a_worker_cut_by_a_burr_is_still_class_a_through_safety(users, playbook):
    playbook("manufacturing")
    c = create(
        users["agent"],
        title="零件毛刺伤人",
        description="装配时工人被毛刺划伤手，已包扎",
        received_at=timezone.now(),
        customer={"name": "二汽总装车间", "phone": "13911116666", "kind": "business"},
    )
    assert c.severity == "A"
    assert "safety" in rules(c)
    assert "safety" in c.flags
    assert "injury" in {risk["risk"] for risk in c.suggestion["risks"]}
