"""The second stage of the safety check: a learned classifier for what the rules miss. Pure, no I/O.

The rules (data/safety.yaml) are precise but brittle: a new wording of a grooming request
or a pretext slips past them. This multinomial logistic regression over word and
character n-grams of the folded query (factcheck.safety.fold) estimates, for each decline
kind, the probability that the query seeks it. It is fitted by bench/train_safety.py on
the tuning sets only and shipped as data (data/safety_model.json): only the weights of
the most useful features are kept.

A query is declined when the rules decline it, or when the classifier's probability that
it is harmful reaches the model's threshold, chosen so that no legitimate question of the
training sets is declined, with a margin.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from typing import NamedTuple

NONE = "none"  # the class of a legitimate question
CHAR_N = (3, 5)  # character n-grams, within words padded with spaces
MAX_CHARS = 2_000  # a long text is classified by its start and end


def features(folded: str) -> list[str]:
    """Distinct features of a folded query: words, word pairs and character n-grams."""
    words = folded.split()
    out = [f"w:{w}" for w in words]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    for word in dict.fromkeys(words):
        padded = f" {word} "
        for n in range(CHAR_N[0], CHAR_N[1] + 1):
            out += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    return list(dict.fromkeys(out))


def feature_value(count: int) -> float:
    """Each feature's value: the vector is L2-normalised, so a long text does not pile up weight."""
    return 1.0 / math.sqrt(count) if count else 0.0


class SafetyClassifier(NamedTuple):
    """Weights per class (NONE first) for each kept feature; a query's harm is 1 - P(NONE)."""

    classes: tuple[str, ...]
    rows: dict[str, int]  # feature -> its row in `weights`
    weights: array  # 'd', one row of len(classes) weights per feature (compact to cache and load)
    biases: tuple[float, ...]
    threshold: float

    @classmethod
    def from_mapping(cls, data: dict[str, object], kinds: Iterable[str]) -> SafetyClassifier:
        classes = tuple(str(c) for c in data["classes"])  # type: ignore[attr-defined]
        known = {NONE, *kinds}
        if not classes or classes[0] != NONE or not set(classes) <= known:
            raise ValueError(f"safety model classes {classes} must start with {NONE!r} and name known kinds")
        raw = data["weights"]
        if not isinstance(raw, dict):
            raise ValueError("safety model weights must map features to one weight per class")
        if any(len(v) != len(classes) for v in raw.values()):
            raise ValueError("every safety model feature needs one weight per class")
        rows = {str(k): i for i, k in enumerate(raw)}
        weights = array("d", (float(x) for v in raw.values() for x in v))
        biases = tuple(float(b) for b in data["biases"])  # type: ignore[attr-defined]
        if len(biases) != len(classes):
            raise ValueError("safety model needs one bias per class")
        return cls(classes, rows, weights, biases, float(data["threshold"]))  # type: ignore[arg-type]

    def probabilities(self, folded: str) -> tuple[float, ...]:
        scores = list(self.biases)
        feats = features(folded[:MAX_CHARS] + (folded[-MAX_CHARS:] if len(folded) > MAX_CHARS else ""))
        value = feature_value(len(feats))
        width = len(self.classes)
        for feature in feats:
            row = self.rows.get(feature)
            if row is not None:
                start = row * width
                for i in range(width):
                    scores[i] += self.weights[start + i] * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return tuple(e / total for e in exps)

    def judge(self, folded: str) -> tuple[float, str]:
        """(probability the query is harmful, the most likely harmful kind)."""
        probs = self.probabilities(folded)
        kind = max(range(1, len(self.classes)), key=lambda i: probs[i])
        return 1.0 - probs[0], self.classes[kind]
