"""One type distribution from the lexicon and the learned model — pure Python.

For each type c the playbook has:

    logit(c) = alpha · trust · log p_model(c) + beta · lexicon_score(c) + gamma · [c is "other"]
    confidence(c) = softmax(logit)(c)

- p_model: the learned model's probability renormalised over the playbook's types (a type it never saw gets a
  small floor);
- trust = min(1, support / FULL_SUPPORT), support being how many of the text's n-grams the model knows (a greeting
  or a two-word note must not borrow the confidence of a full complaint);
- lexicon_score: `kesu.rules.types.rank_types`' score (0 for a type the lexicon does not know).

alpha, beta and gamma are fitted by `kesu.triage.training` on held-out predictions of the training data, by least
log-loss: that is what makes the confidences calibrated (a suggestion given 0.6 is right about 60 % of the time) and
what weighs the two sources against each other. Without a model the lexicon speaks alone with LEXICON_ONLY.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from kesu.rules.types import TypeScore

OTHER = "other"
FLOOR = 1e-3
FULL_SUPPORT = 20
# Used while no model exists. beta as fitted on the shipped development set with alpha fixed at 0
# (training.fit_blend: 1.11); gamma is not the fitted one (which never lets "other" win, the type being rare there)
# but a small bonus, so that "other" is suggested exactly when no type has a single word.
LEXICON_ONLY = {"alpha": 0.0, "beta": 1.11, "gamma": 0.3}


def type_distribution(
    *,
    types: Sequence[str],
    lexicon: Sequence[TypeScore],
    model: Mapping[str, float] | None,
    blend: Mapping[str, float],
    support: int | None = None,
) -> list[tuple[str, float]]:
    """[(type, confidence), …] over `types`, best first; ties keep the order of `types`.

    `support`: the model's known n-grams in the text (LinearModel.predict); None trusts the model fully."""
    if not types:
        return []
    scores = {s.code: s.score for s in lexicon}
    alpha = float(blend.get("alpha", 0.0)) if model is not None else 0.0
    if support is not None:
        alpha *= trust(support)
    beta = float(blend.get("beta", LEXICON_ONLY["beta"]))
    gamma = float(blend.get("gamma", LEXICON_ONLY["gamma"]))
    restricted: dict[str, float] = {}
    if model is not None:
        raw = {code: max(float(model.get(code, 0.0)), FLOOR) for code in types}
        total = sum(raw.values())
        restricted = {code: p / total for code, p in raw.items()}
    logits = []
    for code in types:
        z = beta * scores.get(code, 0.0) + (gamma if code == OTHER else 0.0)
        if alpha:
            z += alpha * math.log(restricted[code])
        logits.append(z)
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    ranked = [(code, e / total) for code, e in zip(types, exps, strict=True)]
    order = {code: i for i, code in enumerate(types)}
    ranked.sort(key=lambda item: (-item[1], order[item[0]]))
    return ranked


def trust(support: int) -> float:
    return min(1.0, support / FULL_SUPPORT)
