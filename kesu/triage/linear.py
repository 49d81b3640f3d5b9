"""The learned type model at suggestion time — pure Python, no scikit-learn, no numpy.

Training (`kesu.triage.training`) fits scikit-learn's TfidfVectorizer over `features.ngrams` and a multinomial
LogisticRegression, then keeps only numbers: for each n-gram of the vocabulary its idf and one coefficient per type.
Scoring a text here gives the same probabilities as the fitted pipeline's predict_proba (a test holds them equal),
in well under a millisecond for a complaint, with nothing imported that a web process would not already have.

    model = LinearModel.from_params(params)
    model.probabilities(text)       → {"quality": 0.71, "after_sales": 0.2, …}   over model.classes
    model.predict(text)             → (probabilities, support)                    support: known n-grams
    model.contributions(text, code) → [(n-gram, offset, weight), …]              what spoke for `code`, strongest first
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .features import ngrams, positioned_ngrams

FORMAT = "kesu-triage-linear/1"


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    # n-gram → (idf, coefficient for each class, in the order of `classes`)
    vocabulary: Mapping[str, tuple[float, tuple[float, ...]]]
    intercept: tuple[float, ...]
    sublinear_tf: bool = True

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LinearModel:
        if params.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model: {params.get('format')!r}")
        classes = tuple(params["classes"])
        width = len(classes)
        vocabulary: dict[str, tuple[float, tuple[float, ...]]] = {}
        for gram, row in params["vocabulary"].items():
            if len(row) != width + 1:
                raise ValueError(f"n-gram {gram!r} has {len(row) - 1} coefficients for {width} classes")
            vocabulary[gram] = (float(row[0]), tuple(float(v) for v in row[1:]))
        intercept = tuple(float(v) for v in params["intercept"])
        if len(intercept) != width:
            raise ValueError("one intercept per class")
        return cls(classes, vocabulary, intercept, bool(params.get("sublinear_tf", True)))

    def _weights(self, text: str) -> dict[str, float]:
        """The text's tf-idf vector, L2-normalised, over the vocabulary."""
        weights: dict[str, float] = {}
        for gram, count in Counter(ngrams(text)).items():
            entry = self.vocabulary.get(gram)
            if entry is not None:
                tf = 1.0 + math.log(count) if self.sublinear_tf else float(count)
                weights[gram] = tf * entry[0]
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if norm:
            for gram in weights:
                weights[gram] /= norm
        return weights

    def probabilities(self, text: str) -> dict[str, float]:
        return self.predict(text)[0]

    def predict(self, text: str) -> tuple[dict[str, float], int]:
        """(probabilities, support): support is how many distinct n-grams of two or three characters of the text the
        model knows. A short text's few n-grams weigh as much as a long text's many once the vector is normalised;
        the blend trusts the model less where support is small."""
        logits = list(self.intercept)
        weights = self._weights(text)
        for gram, weight in weights.items():
            coefficients = self.vocabulary[gram][1]
            for i, coefficient in enumerate(coefficients):
                logits[i] += weight * coefficient
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        support = sum(1 for gram in weights if len(gram) > 1)
        return {code: e / total for code, e in zip(self.classes, exps, strict=True)}, support

    def contributions(self, text: str, code: str) -> list[tuple[str, int, float]]:
        """The n-grams (two or three characters) that raise `code` over the average class, strongest first."""
        if code not in self.classes:
            return []
        index = self.classes.index(code)
        weights = self._weights(text)
        seen: set[str] = set()
        out = []
        for gram, offset in positioned_ngrams(text):
            if gram in seen or gram not in weights:
                continue
            seen.add(gram)
            coefficients = self.vocabulary[gram][1]
            lift = coefficients[index] - sum(coefficients) / len(coefficients)
            if lift > 0:
                out.append((gram, offset, weights[gram] * lift))
        out.sort(key=lambda item: -item[2])
        return out
