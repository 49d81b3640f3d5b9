"""Measure the triage suggester on labelled complaints (JSON lines, the format of kesu/triage/data/README.md).

    .venv/bin/python bench/triage_eval.py tests/data/triage_holdout_*.jsonl

Prints, for the lexicon alone, the learned model alone and the blend that agents are shown: type top-1 accuracy
(strict: the labelled type; lenient: any type the labeller accepted), log-loss, accuracy by confidence band and
below/above the low-confidence threshold, the confusion of types; then per risk family recall, precision and false
alarms (the risks come from the lexicon in all three), and the time one suggestion takes.

The model is fitted on the whole shipped development set (kesu/triage/data/train_*.jsonl; the fit is cached under
VAR_DIR) — never on the files measured. Types offered: every type the files and the shipped set name, and "other".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

import django

django.setup()

from kesu.rules.risk import FAMILIES, analyse, family_of  # noqa: E402
from kesu.rules.types import rank_types  # noqa: E402
from kesu.triage import training  # noqa: E402
from kesu.triage.blend import LEXICON_ONLY, type_distribution  # noqa: E402
from kesu.triage.linear import LinearModel  # noqa: E402
from kesu.triage.suggester import low_confidence_threshold, risk_entries  # noqa: E402

BANDS = (0.0, 0.3, 0.5, 0.7, 0.9, 1.01)


def load(paths: list[str]) -> list[dict]:
    rows = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                row = json.loads(line)
                row["accept"] = list(dict.fromkeys([row["type"], *(row.get("accept") or [])]))
                row["risks"] = set(row.get("risks") or [])
                row["where"] = f"{Path(path).name}:{number}"
                rows.append(row)
    return rows


def type_report(name: str, rows: list[dict], predict, types: list[str], threshold: float) -> None:
    strict = lenient = 0
    loss = 0.0
    bands: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    low = {True: [0, 0], False: [0, 0]}
    confusion: Counter = Counter()
    for row in rows:
        ranked = predict(row["text"])
        top, confidence = ranked[0]
        right = top == row["type"]
        strict += right
        lenient += top in row["accept"]
        loss -= math.log(max(dict(ranked).get(row["type"], 0.0), 1e-9))
        band = next(i for i in range(len(BANDS) - 1) if BANDS[i] <= confidence < BANDS[i + 1])
        bands[band][0] += 1
        bands[band][1] += right
        low[confidence < threshold][0] += 1
        low[confidence < threshold][1] += right
        confusion[(row["type"], top)] += 1
    n = len(rows)
    print(f"\n== {name}: type top-1 strict {strict / n:.1%}, lenient {lenient / n:.1%}, log-loss {loss / n:.3f} ({n})")
    for i in sorted(bands):
        count, right = bands[i]
        print(
            f"   confidence {BANDS[i]:.1f}–{min(BANDS[i + 1], 1):.1f}: "
            f"{count:4d} suggestions, {right / count:.1%} right"
        )
    for is_low, label in ((True, "below"), (False, "at or above")):
        count, right = low[is_low]
        if count:
            print(
                f"   {label} the low-confidence threshold {threshold}: {count} suggestions, {right / count:.1%} right"
            )
    seen = [t for t in types if any(t in key for key in confusion)]
    print("   confusion (rows: labelled type, columns: suggested)")
    print("   " + " " * 12 + "".join(f"{t[:11]:>12}" for t in seen))
    for truth in seen:
        print("   " + f"{truth[:11]:<12}" + "".join(f"{confusion[(truth, guess)]:>12}" for guess in seen))


def risk_report(rows: list[dict]) -> None:
    found = {row["where"]: {family_of(h.risk) for h in analyse(row["text"])} - {None} for row in rows}
    print("\n== risk families (from the lexicon)")
    print(f"   {'family':<14}{'labelled':>9}{'found':>7}{'recall':>8}{'precision':>10}{'false alarms':>14}")
    total_tp = total_labelled = total_false = 0
    for family in FAMILIES:
        labelled = [r for r in rows if family in r["risks"]]
        tp = sum(family in found[r["where"]] for r in labelled)
        false = sum(family in found[r["where"]] and family not in r["risks"] for r in rows)
        flagged = tp + false
        total_tp, total_labelled, total_false = total_tp + tp, total_labelled + len(labelled), total_false + false
        recall = f"{tp / len(labelled):.1%}" if labelled else "—"
        precision = f"{tp / flagged:.1%}" if flagged else "—"
        clean = sum(family not in r["risks"] for r in rows)
        print(f"   {family:<14}{len(labelled):>9}{flagged:>7}{recall:>8}{precision:>10}{false:>6} of {clean:<5}")
    overall = f"{total_tp / total_labelled:.1%}" if total_labelled else "—"
    print(f"   all families: recall {overall}, {total_false} false alarms in {len(rows)} texts")


def timing(rows: list[dict], model: LinearModel, blend: dict, types: list[str]) -> None:
    texts = [(row["text"] * 3)[:300] for row in rows[:200]]
    for text in texts[:20]:  # warm-up: jieba's dictionary, compiled patterns
        rank_types(text)
    samples = []
    for i, text in enumerate(texts):
        text = f"{i}{text}"[:300]  # no cache hit in the analyser
        start = time.perf_counter()
        probs, support = model.predict(text)
        type_distribution(types=types, lexicon=rank_types(text), model=probs, blend=blend, support=support)
        risk_entries(analyse(text), stats={})
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(
        f"\n== time per suggestion of a 300-character text (lexicon + model + risks, no database): "
        f"median {statistics.median(samples):.2f} ms, 95th percentile {samples[int(len(samples) * 0.95)]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="JSON-lines files of labelled complaints")
    args = parser.parse_args()
    rows = load(args.files)
    shipped = training.shipped_examples()
    measured = {row["text"] for row in rows}
    overlap = sum(e.text in measured for e in shipped)
    if overlap:
        print(f"warning: {overlap} measured texts are also in the shipped development set")
    params = training.fit(shipped)
    model = LinearModel.from_params(params)
    blend = params["blend"]
    types = training._ordered_types([*(t for r in rows for t in r["accept"]), *(e.type for e in shipped)])
    threshold = low_confidence_threshold()
    print(f"{len(rows)} labelled texts from {', '.join(args.files)}")
    print(f"model fitted on {len(shipped)} shipped examples; blend {blend}; types {types}")

    def lexicon_alone(text):
        return type_distribution(types=types, lexicon=rank_types(text), model=None, blend=LEXICON_ONLY)

    def model_alone(text):
        probs, _support = model.predict(text)
        return type_distribution(types=types, lexicon=[], model=probs, blend={"alpha": 1.0, "beta": 0.0, "gamma": 0.0})

    def blended(text):
        probs, support = model.predict(text)
        return type_distribution(types=types, lexicon=rank_types(text), model=probs, blend=blend, support=support)

    type_report("lexicon alone", rows, lexicon_alone, types, threshold)
    type_report("model alone", rows, model_alone, types, threshold)
    type_report("blend (what agents see)", rows, blended, types, threshold)
    risk_report(rows)
    timing(rows, model, blend, types)


if __name__ == "__main__":
    main()
