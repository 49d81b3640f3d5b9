"""Precision and recall of the risk analyser on a corpus of realistic complaints (tests/data/risk_corpus.json).

The corpus covers home appliances, cars and car parts for a car-maker, restaurants and food delivery, retail
franchise stores, couriers, property management and malls, with hard cases: negations, false friends (曝光不足,
爆炸头, 工商银行, 抖音直播间买的), damage in transit, and expired coupons, and the way people really write: chat
messages with spaces and emoji for punctuation, slang and abbreviations (jc, tmd, 避雷), typos and traditional
characters. Its "about" field gives the labelling rules.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from kesu.rules.risk import RISKS, analyse
from kesu.rules.types import TYPES, suggest_type

CORPUS = json.loads((Path(__file__).parent / "data" / "risk_corpus.json").read_text(encoding="utf-8"))["cases"]
MIN_PRECISION = 0.9
MIN_RECALL = 0.9
MIN_TYPE_ACCURACY = 0.85


@pytest.fixture(scope="module")
def outcome():
    """Per risk: true positives, false positives and the texts it got wrong."""
    counts = {risk: Counter() for risk in RISKS}
    mistakes = {risk: [] for risk in RISKS}
    for case in CORPUS:
        found = {hit.risk for hit in analyse(case["text"])}
        expected = set(case["risks"])
        for risk in RISKS:
            if risk in found and risk in expected:
                counts[risk]["tp"] += 1
            elif risk in found:
                counts[risk]["fp"] += 1
                mistakes[risk].append(f"false alarm: {case['text']}")
            elif risk in expected:
                counts[risk]["fn"] += 1
                mistakes[risk].append(f"missed: {case['text']}")
    return counts, mistakes


def test_corpus_is_large_varied_and_well_formed():
    assert len(CORPUS) >= 700
    assert len({case["text"] for case in CORPUS}) == len(CORPUS), "duplicate texts"
    positives = Counter(risk for case in CORPUS for risk in case["risks"])
    assert set(positives) <= set(RISKS)
    assert all(positives[risk] >= 8 for risk in RISKS), positives
    assert sum(1 for case in CORPUS if not case["risks"]) >= 150  # plenty of complaints with no risk at all
    for case in CORPUS:
        accepted = case["type"] if isinstance(case["type"], list) else [case["type"]]
        assert all(code is None or code in TYPES for code in accepted), case


@pytest.mark.parametrize("risk", RISKS)
def test_precision_and_recall_per_risk(outcome, risk):
    counts, mistakes = outcome
    tp, fp, fn = counts[risk]["tp"], counts[risk]["fp"], counts[risk]["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    detail = f"{risk}: precision {precision:.2f}, recall {recall:.2f}\n" + "\n".join(mistakes[risk])
    assert precision >= MIN_PRECISION, detail
    assert recall >= MIN_RECALL, detail


def test_type_suggestion_accuracy():
    wrong = []
    for case in CORPUS:
        accepted = case["type"] if isinstance(case["type"], list) else [case["type"]]
        code, reason = suggest_type(case["text"])
        if code not in accepted:
            wrong.append(f"{code} ({reason}) instead of {accepted}: {case['text']}")
    accuracy = 1 - len(wrong) / len(CORPUS)
    assert accuracy >= MIN_TYPE_ACCURACY, f"type accuracy {accuracy:.2f}\n" + "\n".join(wrong)
