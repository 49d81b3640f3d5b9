"""The learned model's numbers: scored without scikit-learn exactly as scikit-learn scores them; the blend."""

import json

import pytest

from kesu.rules.types import TypeScore
from kesu.triage import training
from kesu.triage.blend import type_distribution
from kesu.triage.linear import LinearModel

EXAMPLES = [
    ("冰箱不制冷，买了一周就坏了", "quality"),
    ("洗衣机漏水，滚筒有异响", "quality"),
    ("快递五天还没到，物流不更新", "delivery"),
    ("骑手把外卖送错地址了", "delivery"),
    ("客服态度恶劣，挂我电话", "service"),
    ("店员爱答不理，服务太差", "service"),
    ("刚买就降价，要求退差价", "price"),
]


def examples():
    return [training.Example(text=t, type=c, accept=(c,), source="shipped", key=t) for t, c in EXAMPLES]


def test_pure_python_scoring_equals_scikit_learns_predict_proba():
    vectoriser, classifier = training._fit_linear(examples())
    model = LinearModel.from_params(json.loads(json.dumps(training._params_of(vectoriser, classifier))))
    for text in ("冰箱又坏了", "快递丢了还不赔", "服务员态度很差，价格还贵", "ＡＢＣ１２３ 全角和繁體字"):
        expected = dict(
            zip(classifier.classes_, classifier.predict_proba(vectoriser.transform([text]))[0], strict=True)
        )
        got = model.probabilities(text)
        assert set(got) == set(expected)
        for code, p in expected.items():
            assert got[code] == pytest.approx(p, abs=1e-5), (text, code)


def test_two_types_are_scored_like_scikit_learns_binary_model():
    two = [e for e in examples() if e.type in ("quality", "delivery")]
    vectoriser, classifier = training._fit_linear(two)
    model = LinearModel.from_params(training._params_of(vectoriser, classifier))
    p = classifier.predict_proba(vectoriser.transform(["冰箱漏水"]))[0]
    assert model.probabilities("冰箱漏水")["quality"] == pytest.approx(p[list(classifier.classes_).index("quality")])


def test_a_model_of_another_format_is_refused():
    with pytest.raises(ValueError):
        LinearModel.from_params({"format": "pickle", "classes": []})


def test_the_blend_only_names_the_given_types_and_sums_to_one():
    lexicon = [TypeScore("quality", 3.0, ("漏水",)), TypeScore("price", 0.0)]
    model = {"quality": 0.2, "delivery": 0.7, "price": 0.1}
    ranked = type_distribution(
        types=["price", "quality", "policy", "other"],
        lexicon=lexicon,
        model=model,
        blend={"alpha": 1.0, "beta": 1.0, "gamma": 0.5},
    )
    assert ranked[0][0] == "quality"
    assert {code for code, _p in ranked} == {"price", "quality", "policy", "other"}
    assert sum(p for _c, p in ranked) == pytest.approx(1.0)
    # With nothing to go on (no words, no model), "other" leads.
    nothing = type_distribution(
        types=["quality", "other"], lexicon=[], model=None, blend={"alpha": 0.0, "beta": 1.0, "gamma": 0.5}
    )
    assert nothing[0][0] == "other"


def test_a_short_text_borrows_little_confidence_from_the_model():
    model = {"quality": 0.9, "price": 0.1}
    blend = {"alpha": 1.0, "beta": 1.0, "gamma": 0.0}
    full = dict(type_distribution(types=["quality", "price"], lexicon=[], model=model, blend=blend, support=40))
    short = dict(type_distribution(types=["quality", "price"], lexicon=[], model=model, blend=blend, support=2))
    assert full["quality"] == pytest.approx(0.9)
    assert 0.5 < short["quality"] < 0.6


def test_the_held_back_split_is_fixed_and_about_one_in_five():
    keys = [f"KS-20260101-{i:04d}" for i in range(2000)]
    held = [training.Example("t", "quality", ("quality",), "correction", k).held_back for k in keys]
    again = [training.Example("x", "price", ("price",), "correction", k).held_back for k in keys]
    assert held == again
    assert 0.15 < sum(held) / len(held) < 0.25
