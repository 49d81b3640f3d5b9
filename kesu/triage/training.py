"""Training the learned type suggester, judging it, and letting it take over (R-CLS-4: agents teach the suggester).

    retrain(now=…)        → Outcome: a candidate fitted, evaluated beside the active version, kept or not
    needs_retraining()    → True when agents decided triages, or the shipped set changed, since the active version
    ensure_seed(now=…)    → the first version, from the shipped development set alone, when there is none

Examples come from two places: the shipped development set (`data/train_*.jsonl`) and every first triage an agent
decided (the type the agent set, or the suggested one the agent kept). One example in HELD_BACK_SHARE of each
source is held back by a fixed hash of its key (the text for shipped examples, the complaint number for
corrections), so an example is held back for every version alike: the candidate and the active version are judged on
the same examples, and none of them was trained on any of them.

The model: scikit-learn's TfidfVectorizer over character n-grams (`features.ngrams`, sublinear tf) and a multinomial
LogisticRegression. The blend weights with the lexicon (`blend.py`) are fitted on out-of-fold predictions of the
training examples. The result is stored as plain numbers (`linear.py`), never as a pickle, and scored without
scikit-learn. scikit-learn is imported only here, when training.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from kesu.rules.types import TYPES, TypeScore, rank_types

from .blend import FLOOR, LEXICON_ONLY, OTHER, trust, type_distribution
from .features import ngrams
from .linear import FORMAT, LinearModel
from .models import TriageModel

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
HELD_BACK_SHARE = 5  # one example in five is held back for evaluation
FOLDS = 5  # out-of-fold predictions for fitting the blend weights
C = 30.0  # inverse regularisation of the logistic regression (tf-idf rows have unit length)
MIN_DF = 2  # an n-gram must occur in two examples: fewer numbers to keep, no accuracy lost on the shipped set
# An agent's decision is the company's own label for its own customers' words: it counts more than a shipped one.
CORRECTION_WEIGHT = 2.0
# Bump when fitting changes in a way that makes cached fits stale.
TRAINER = "2"


@dataclass(frozen=True)
class Example:
    text: str
    type: str
    accept: tuple[str, ...]
    source: str  # "shipped" | "correction"
    key: str
    weight: float = 1.0

    @property
    def held_back(self) -> bool:
        digest = hashlib.sha256(f"{self.source}:{self.key}".encode()).hexdigest()
        return int(digest[:8], 16) % HELD_BACK_SHARE == 0

    @property
    def fold(self) -> int:
        digest = hashlib.sha256(f"fold:{self.source}:{self.key}".encode()).hexdigest()
        return int(digest[:8], 16) % FOLDS


@dataclass
class Outcome:
    took_over: bool
    decision: str
    candidate: TriageModel | None = None
    previous_version: int | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False


# ---------------------------------------------------------------------------------------------------------------
# Examples


def read_examples(path: Path, *, source: str = "shipped") -> list[Example]:
    """One JSON object a line: {"text", "type", "accept"?, …} (data/README.md). Blank lines are skipped."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, code = str(row["text"]), str(row["type"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}:{number}: not a labelled example ({exc})") from exc
            accept = tuple(dict.fromkeys([code, *[str(a) for a in row.get("accept") or []]]))
            out.append(Example(text=text, type=code, accept=accept, source=source, key=text))
    return out


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("train_*.jsonl"))


def shipped_examples() -> list[Example]:
    examples: dict[str, Example] = {}
    for path in shipped_files():
        for example in read_examples(path):
            examples.setdefault(example.text, example)
    return list(examples.values())


def data_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in shipped_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _triage_decisions():
    from kesu.complaints.models import Event

    # First triages only: they alone hold "final" (the agent's decision beside the suggestion).
    return Event.objects.filter(action="triage", data__has_key="final")


def correction_examples() -> tuple[list[Example], int]:
    """Every first triage's type, with its complaint's text; and the newest such event's id."""
    from kesu.rules.classify import complaint_text

    examples: dict[str, Example] = {}
    last = 0
    rows = _triage_decisions().values_list(
        "id", "data", "complaint__number", "complaint__title", "complaint__description"
    )
    for event_id, data, number, title, description in rows.order_by("id").iterator(chunk_size=2000):
        last = max(last, event_id)
        code = ((data or {}).get("final") or {}).get("type_code")
        if not code:
            continue
        text = complaint_text(SimpleNamespace(title=title or "", description=description or ""))
        if text.strip():
            examples[number] = Example(
                text=text, type=code, accept=(code,), source="correction", key=number, weight=CORRECTION_WEIGHT
            )
    return list(examples.values()), last


def newest_decision_id() -> int:
    return _triage_decisions().aggregate(last=Max("id"))["last"] or 0


# ---------------------------------------------------------------------------------------------------------------
# Fitting


def _ordered_types(codes: Iterable[str]) -> list[str]:
    """Known types in the lexicon's order, then the rest alphabetically; "other" always present."""
    present = set(codes) | {OTHER}
    return [c for c in TYPES if c in present] + sorted(present - set(TYPES))


def _fit_linear(examples: Sequence[Example]):
    import numpy
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(
        analyzer=ngrams, sublinear_tf=True, min_df=MIN_DF if len(examples) >= 20 else 1, dtype=numpy.float64
    )
    matrix = vectoriser.fit_transform([e.text for e in examples])
    # newton-cg: the same multinomial fit as lbfgs, an order of magnitude faster on these few wide rows.
    classifier = LogisticRegression(C=C, solver="newton-cg", max_iter=500)
    classifier.fit(matrix, [e.type for e in examples], sample_weight=[e.weight for e in examples])
    return vectoriser, classifier


def _params_of(vectoriser, classifier) -> dict[str, Any]:
    classes = [str(c) for c in classifier.classes_]
    coef = classifier.coef_
    intercept = [float(v) for v in classifier.intercept_]
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: p(second) = sigmoid(w·x + b)
        rows = [[0.0] * coef.shape[1], [float(v) for v in coef[0]]]
        intercept = [0.0, intercept[0]]
    else:
        rows = [[float(v) for v in row] for row in coef]
    idf = vectoriser.idf_
    vocabulary = {}
    for gram, index in vectoriser.vocabulary_.items():
        vocabulary[gram] = [round(float(idf[index]), 6), *(round(r[index], 6) for r in rows)]
    return {
        "format": FORMAT,
        "classes": classes,
        "vocabulary": vocabulary,
        "intercept": [round(v, 6) for v in intercept],
        "sublinear_tf": True,
    }


def _lexicon(examples: Sequence[Example]) -> list[list[TypeScore]]:
    return [rank_types(e.text) for e in examples]


def fit_blend(
    examples: Sequence[Example],
    lexicon: Sequence[Sequence[TypeScore]],
    model_probs: Sequence[Mapping[str, float] | None],
    types: Sequence[str],
    *,
    support: Sequence[int] | None = None,
    with_model: bool = True,
) -> dict[str, float]:
    """alpha, beta, gamma of least log-loss (bounded), on predictions the model made without seeing the example.

    The same arithmetic as blend.type_distribution, on arrays."""
    import numpy
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    index = {code: i for i, code in enumerate(types)}
    rows = [i for i, e in enumerate(examples) if e.type in index]
    scores = numpy.zeros((len(rows), len(types)))
    log_model = numpy.zeros((len(rows), len(types)))
    for r, i in enumerate(rows):
        for score in lexicon[i]:
            if score.code in index:
                scores[r, index[score.code]] = score.score
        probs = model_probs[i] or {}
        raw = numpy.array([max(float(probs.get(code, 0.0)), FLOOR) for code in types])
        log_model[r] = numpy.log(raw / raw.sum()) * (trust(support[i]) if support is not None else 1.0)
    other = numpy.array([code == OTHER for code in types], dtype=float)
    truth = numpy.array([index[examples[i].type] for i in rows], dtype=int)
    weights = numpy.array([examples[i].weight for i in rows])

    def loss(vector) -> float:
        alpha, beta, gamma = (vector[0], vector[1], vector[2]) if with_model else (0.0, vector[0], vector[1])
        logits = alpha * log_model + beta * scores + gamma * other
        picked = logits[numpy.arange(len(rows)), truth] - logsumexp(logits, axis=1)
        return float(-(weights * picked).sum() / weights.sum())

    if with_model:
        start, bounds = [1.0, 0.5, 0.0], [(0.05, 5.0), (0.0, 5.0), (-3.0, 3.0)]
    else:
        start, bounds = [1.0, 0.0], [(0.0, 5.0), (-3.0, 3.0)]
    result = minimize(loss, start, method="L-BFGS-B", bounds=bounds)
    values = [round(float(v), 4) for v in result.x]
    if not with_model:
        values = [0.0, *values]
    return dict(zip(("alpha", "beta", "gamma"), values, strict=True))


def _cache_path(examples: Sequence[Example]) -> Path:
    import sklearn

    digest = hashlib.sha256(f"{TRAINER}|{sklearn.__version__}|{C}|{MIN_DF}".encode())
    for e in sorted(examples, key=lambda e: (e.source, e.key)):
        digest.update(f"\0{e.source}\0{e.key}\0{e.type}\0{e.weight}\0{e.text}".encode())
    return Path(settings.VAR_DIR) / "triage" / f"fit-{digest.hexdigest()[:32]}.json"


def fit(examples: Sequence[Example]) -> dict[str, Any] | None:
    """The serialised model and its blend weights, or None when the examples name fewer than two types.

    The same examples always give the same fit, which is cached under VAR_DIR (a new database, a test run, the first
    start after an upgrade then need not fit the shipped set again).
    """
    if len({e.type for e in examples}) < 2:
        return None
    cache = _cache_path(examples)
    if cache.exists():
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except ValueError:
            cache.unlink(missing_ok=True)
    types = _ordered_types(e.type for e in examples)
    lexicon = _lexicon(examples)
    out_of_fold: list[Mapping[str, float] | None] = [None] * len(examples)
    support = [0] * len(examples)
    for fold in range(FOLDS):
        train = [e for e in examples if e.fold != fold]
        if len({e.type for e in train}) < 2:
            continue
        held = [i for i, e in enumerate(examples) if e.fold == fold]
        if not held:
            continue
        model = LinearModel.from_params(_params_of(*_fit_linear(train)))
        for i in held:
            out_of_fold[i], support[i] = model.predict(examples[i].text)
    scored = [i for i, p in enumerate(out_of_fold) if p is not None]
    blend = fit_blend(
        [examples[i] for i in scored],
        [lexicon[i] for i in scored],
        [out_of_fold[i] for i in scored],
        types,
        support=[support[i] for i in scored],
    )
    params = _params_of(*_fit_linear(examples))
    params["blend"] = blend
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(".part")
    partial.write_text(json.dumps(params, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    partial.replace(cache)
    return params


# ---------------------------------------------------------------------------------------------------------------
# Evaluation


def evaluate(params: Mapping[str, Any] | None, examples: Sequence[Example], types: Sequence[str]) -> dict[str, Any]:
    """Top-1 accuracy (strict: the labelled type; lenient: any type the labeller accepted) and log-loss of the
    blended suggestion — what agents are shown — over `types`. `params` None is the lexicon alone."""
    model = LinearModel.from_params(params) if params else None
    blend = (params or {}).get("blend") or LEXICON_ONLY
    strict = lenient = 0
    loss = 0.0
    by_source: dict[str, list[int]] = {}
    for example in examples:
        probs, support = model.predict(example.text) if model else (None, None)
        dist = type_distribution(
            types=types, lexicon=rank_types(example.text), model=probs, blend=blend, support=support
        )
        top = dist[0][0]
        right = top == example.type
        strict += right
        lenient += top in example.accept
        loss -= math.log(max(dict(dist).get(example.type, 0.0), 1e-9))
        tally = by_source.setdefault(example.source, [0, 0])
        tally[0] += 1
        tally[1] += right
    n = len(examples)
    return {
        "items": n,
        "accuracy": round(strict / n, 4) if n else None,
        "lenient": round(lenient / n, 4) if n else None,
        "log_loss": round(loss / n, 4) if n else None,
        "by_source": {s: {"items": t[0], "accuracy": round(t[1] / t[0], 4)} for s, t in sorted(by_source.items())},
    }


def _not_worse(candidate: Mapping[str, Any], previous: Mapping[str, Any]) -> bool:
    if not candidate.get("items"):
        return True  # nothing held back yet: nothing to tell them apart
    return (candidate["accuracy"] or 0.0) >= (previous["accuracy"] or 0.0)


# ---------------------------------------------------------------------------------------------------------------
# Retraining


def needs_retraining() -> bool:
    """Were decisions made, or the shipped set changed, since the last version (taken or not) was trained?"""
    latest = TriageModel.objects.order_by("-version").only("last_event_id", "data_fingerprint").first()
    if latest is None:
        return True
    return newest_decision_id() > latest.last_event_id or latest.data_fingerprint != data_fingerprint()


def retrain(*, now, force: bool = True) -> Outcome:
    """Fit a candidate on every example not held back; evaluate it and the active version on the held-back ones;
    the candidate takes over when it is not worse. `force=False` does nothing unless needs_retraining()."""
    if not force and not needs_retraining():
        return Outcome(took_over=False, decision="nothing new to learn from", skipped=True)
    shipped = shipped_examples()
    corrections, last_event_id = correction_examples()
    examples = shipped + corrections
    train = [e for e in examples if not e.held_back]
    held = [e for e in examples if e.held_back]
    params = fit(train)
    counts = {
        "shipped": sum(e.source == "shipped" for e in train),
        "corrections": sum(e.source == "correction" for e in train),
        "by_type": dict(sorted(Counter(e.type for e in train).items())),
    }
    if params is None:
        return Outcome(took_over=False, decision="fewer than two types to learn from", skipped=True)
    fingerprint = data_fingerprint()
    with transaction.atomic():
        current = TriageModel.objects.select_for_update().filter(active=True).first()
        previous_params = current.params if current else None
        types = _ordered_types([*(e.type for e in examples), *(previous_params or {}).get("classes", [])])
        candidate_figures = evaluate(params, held, types)
        previous_figures = evaluate(previous_params, held, types)
        took_over = _not_worse(candidate_figures, previous_figures)
        version = (TriageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        previous_name = f"version {current.version}" if current else "the lexicon alone"
        verdict = ">=" if took_over else "<"
        decision = (
            f"{'took over' if took_over else 'not taken'}: held-back accuracy {_pct(candidate_figures)} "
            f"{verdict} {_pct(previous_figures)} of {previous_name} ({candidate_figures['items']} examples)"
        )
        row = TriageModel.objects.create(
            version=version,
            created_at=now,
            training=counts,
            evaluation={
                "held_back": candidate_figures["items"],
                "types": types,
                "candidate": candidate_figures,
                "previous": {"version": current.version if current else None, **previous_figures},
            },
            decision=decision,
            params=params if took_over else None,
            data_fingerprint=fingerprint,
            last_event_id=last_event_id,
        )
        if took_over:
            if current:
                TriageModel.objects.filter(pk=current.pk).update(active=False, retired_at=now)
            TriageModel.objects.filter(pk=row.pk).update(active=True, took_over_at=now)
            row.refresh_from_db()
    log.info("triage model v%s: %s", version, decision)
    return Outcome(
        took_over=took_over,
        decision=decision,
        candidate=row,
        previous_version=current.version if current else None,
        figures={"candidate": candidate_figures, "previous": previous_figures},
    )


def _pct(figures: Mapping[str, Any]) -> str:
    value = figures.get("accuracy")
    return "n/a" if value is None else f"{value:.1%}"


def ensure_seed(*, now) -> Outcome | None:
    """The first version when the database has none (a fresh install): trained on the shipped set."""
    if TriageModel.objects.exists():
        return None
    return retrain(now=now)
