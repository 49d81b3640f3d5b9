"""The learned model's view of a text: character n-grams (1 to 3) of the normalised text — pure Python.

Chinese has no spaces, so characters and their neighbours are the words a linear model can learn from without a
segmenter. The text is folded as the lexicon folds it (traditional → simplified, full-width → ASCII, lower case:
`kesu.rules.risk.normalise`), every digit becomes 0 (order numbers and dates say nothing about the type) and every
run of whitespace one space. Folding keeps positions, so an n-gram found at offset i is text[i:i + n] in the
original (whitespace runs aside), which is how the model's evidence is quoted in the customer's own words.
"""

from __future__ import annotations

import re

from kesu.rules.risk import normalise

NGRAM_RANGE = (1, 3)
_DIGIT = re.compile(r"[0-9]")
_SPACE = re.compile(r"\s")


def fold(text: str) -> str:
    """The text as the model reads it; same length as `text`."""
    return _SPACE.sub(" ", _DIGIT.sub("0", normalise(text)))


def ngrams(text: str) -> list[str]:
    """Every character n-gram of the folded text (the analyzer the vectoriser is trained with)."""
    folded = " ".join(fold(text).split())
    low, high = NGRAM_RANGE
    size = len(folded)
    return [folded[i : i + n] for n in range(low, high + 1) for i in range(size - n + 1)]


def positioned_ngrams(text: str) -> list[tuple[str, int]]:
    """(n-gram, offset in `text`) for each n-gram of the folded text without whitespace: for quoting evidence."""
    folded = fold(text)
    low, high = NGRAM_RANGE
    out = []
    for n in range(max(2, low), high + 1):
        for i in range(len(folded) - n + 1):
            gram = folded[i : i + n]
            if " " not in gram:
                out.append((gram, i))
    return out
