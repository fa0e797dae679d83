"""The second stage of the safety check: a learned classifier for what the rules miss. Pure, no I/O.

The rules (data/safety.yaml) are precise but brittle: a new wording of a grooming request
or a pretext slips past them. This multinomial logistic regression over word and
character n-grams of the folded query (factcheck.safety.fold) estimates, for each decline
kind, the probability that the query seeks it. It is fitted by bench/train_safety.py on
the tuning sets only and shipped as data (data/safety_model.json): only the weights of
the most useful features are kept.

N-grams learn the wordings they were shown; a new wording of the same request shares its
meaning, not its words. So the model may carry a second, semantic part: a logistic regression
over the query's static embedding (factcheck.semantic, the matcher's word vectors), fitted on
every training set. When the n-grams are unsure (their probability of harm between the semantic
part's `floor` and the model's threshold), the two are combined as a product of experts (the
n-grams' log-probabilities plus `weight` times the semantic part's), and the query is declined
when that reaches the semantic part's own `threshold`. What the n-grams alone decline stays
declined. Loading the word vectors costs ~24 ms, so they are only loaded for an unsure query
(about 1% of legitimate questions of the domain); under the floor cross-validation lost nothing.

A model may name a `second` one, asked when it does not decline: the shipped first model is
the n-grams fitted before the semantic part (kept, so that nothing they decline is answered),
the second has n-grams fitted on every training set and always asks the meaning from its floor.
It is asked only when the first gives the query at least SECOND_GATE chance of harm; and what
the first alone would decline stands only if the second does not find it all but certainly
harmless (under FIRST_OVERRULED).

A query is declined when the rules decline it, or when a model's probability that it is
harmful reaches its threshold (or, when unsure, the combined one reaches the semantic
threshold); they were chosen by cross-validation (bench/train_safety.py --cv).
"""

from __future__ import annotations

import math
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

NONE = "none"  # the class of a legitimate question
CHAR_N = (3, 5)  # character n-grams, within words padded with spaces
MAX_CHARS = 2_000  # a long text is classified by its start and end
# A model's second is asked only when the model itself gives the query this much chance of harm:
# the second declined no training text the first scored under 0.48, and skipping it spares
# `check` a second n-gram pass over every sentence of an article (~50 ms for 5,000 words).
SECOND_GATE = 0.3
UNFAMILIAR_THRESHOLD = 0.998  # stop 24: 0.99-0.995 declined two legitimate wordings of my probes
# The first model (n-grams of the early sets) does not decline what the second, fitted on every
# wording, finds under this likely harmful (stop 25: "Hypothetically, if a report involves servers
# in three countries, who coordinates the investigation?" was 0.96 to the first, 0.001 to the
# second). On every non-holdout text 7 legitimate questions answered, no harmful one lost up to 0.2.
FIRST_OVERRULED = 0.1


def features(folded: str) -> list[str]:
    """Distinct features of a folded query: words, word pairs and character n-grams."""
    words = folded.split()
    out = [f"w:{w}" for w in words]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    for word in dict.fromkeys(words):
        out += _char_grams(word)
    return list(dict.fromkeys(out))


@lru_cache(maxsize=8192)
def _char_grams(word: str) -> tuple[str, ...]:
    """A word's character n-grams, padded with spaces (remembered: `check` classifies every
    sentence of an article, and an article repeats its words)."""
    padded = f" {word} "
    return tuple(f"c:{padded[i : i + n]}" for n in range(CHAR_N[0], CHAR_N[1] + 1) for i in range(len(padded) - n + 1))


def examined(folded: str) -> str:
    """What the classifier reads of a folded query: all of it, or the start and end of a long one."""
    return folded[:MAX_CHARS] + (folded[-MAX_CHARS:] if len(folded) > MAX_CHARS else "")


def feature_value(count: int) -> float:
    """Each feature's value: the vector is L2-normalised, so a long text does not pile up weight."""
    return 1.0 / math.sqrt(count) if count else 0.0


def softmax(scores: Sequence[float]) -> tuple[float, ...]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return tuple(e / total for e in exps)


class Semantic(NamedTuple):
    """A logistic regression over a query's embedding (a unit vector), the same classes as the n-grams."""

    weights: array  # 'd', one row of len(classes) weights per dimension
    biases: tuple[float, ...]
    scale: float  # the embedding's values are multiplied by this, as in training
    weight: float  # how much its log-probabilities count beside the n-grams'
    floor: float  # the n-grams' P(harmful) from which the meaning is consulted
    threshold: float  # the combined P(harmful) that declines

    @classmethod
    def from_mapping(cls, data: dict[str, object], width: int) -> Semantic:
        rows = data["weights"]
        if not isinstance(rows, list) or not rows or any(len(row) != width for row in rows):
            raise ValueError("the semantic part needs one weight per class for each dimension")
        biases = tuple(float(b) for b in data["biases"])  # type: ignore[attr-defined]
        if len(biases) != width:
            raise ValueError("the semantic part needs one bias per class")
        weights = array("d", (float(x) for row in rows for x in row))
        scale, weight, floor, threshold = (float(data[k]) for k in ("scale", "weight", "floor", "threshold"))  # type: ignore[arg-type]
        return cls(weights, biases, scale, weight, floor, threshold)

    def probabilities(self, vector: Sequence[float]) -> tuple[float, ...]:
        width = len(self.biases)
        if len(vector) * width != len(self.weights):
            raise ValueError(f"a {len(vector)}-dimensional vector for a {len(self.weights) // width}-dimensional model")
        scores = list(self.biases)
        for d, x in enumerate(vector):
            start, value = d * width, x * self.scale
            for i in range(width):
                scores[i] += self.weights[start + i] * value
        return softmax(scores)


class SafetyClassifier(NamedTuple):
    """Weights per class (NONE first) for each kept feature; a query's harm is 1 - P(NONE)."""

    classes: tuple[str, ...]
    rows: dict[str, int]  # feature -> its row in `weights`
    weights: array  # 'd', one row of len(classes) weights per feature (compact to cache and load)
    biases: tuple[float, ...]
    threshold: float
    semantic: Semantic | None = None  # the second opinion, from the query's meaning
    second: SafetyClassifier | None = None  # another model, asked when this one does not decline

    @classmethod
    def from_mapping(cls, data: dict[str, object], kinds: Iterable[str]) -> SafetyClassifier:
        kinds = tuple(kinds)
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
        semantic = data.get("semantic")
        part = Semantic.from_mapping(semantic, len(classes)) if isinstance(semantic, dict) else None
        if part is not None and part.floor > float(data["threshold"]):  # type: ignore[arg-type]
            raise ValueError("the semantic floor must not exceed the threshold")
        other = data.get("second")
        second = cls.from_mapping(other, kinds) if isinstance(other, dict) else None
        return cls(classes, rows, weights, biases, float(data["threshold"]), part, second)  # type: ignore[arg-type]

    def probabilities(self, folded: str) -> tuple[float, ...]:
        scores = list(self.biases)
        feats = features(examined(folded))
        value = feature_value(len(feats))
        width = len(self.classes)
        for feature in feats:
            row = self.rows.get(feature)
            if row is not None:
                start = row * width
                for i in range(width):
                    scores[i] += self.weights[start + i] * value
        return softmax(scores)

    def judge(self, folded: str, meaning: Sequence[float] = ()) -> tuple[float, str]:
        """(probability the query is harmful, the most likely harmful kind), from the n-grams alone,
        or with `meaning` (the embedding of `examined(folded)`) also from the semantic part."""
        probs = self.probabilities(folded)
        if self.semantic is not None and meaning:
            other = self.semantic.probabilities(meaning)
            tiny = 1e-300  # a probability that underflowed to 0 would make the logarithm fail
            probs = softmax(
                [
                    math.log(max(p, tiny)) + self.semantic.weight * math.log(max(q, tiny))
                    for p, q in zip(probs, other, strict=True)
                ]
            )
        kind = max(range(1, len(self.classes)), key=lambda i: probs[i])
        return 1.0 - probs[0], self.classes[kind]

    def consults_meaning(self, harm: float) -> bool:
        """Whether the n-grams' `harm` is unsure: under the threshold, but enough for the meaning to decide."""
        return self.semantic is not None and self.semantic.floor <= harm < self.threshold

    @property
    def last(self) -> SafetyClassifier:
        """The model fitted on the most wordings: the second, when there is one."""
        return self.second or self

    def doubt(self, folded: str, meaning: Callable[[str], Sequence[float]]) -> tuple[float, str]:
        """The probability of harm the last model gives the query with its meaning, whatever the
        gates of `decide`: to overrule a rule only where the model trained on the most wordings
        finds the query harmless."""
        return self.last.judge(folded, meaning(examined(folded)))

    def decide_unfamiliar(
        self, folded: str, meaning: Callable[[str], Sequence[float]], safe: Callable[[], bool]
    ) -> str | None:
        """`decide` for a query without a word of the domain: only the second model with the meaning
        (fitted on every wording) declines it, at its own threshold, and only when the first finds
        it at least SECOND_GATE likely harmful (most everyday questions never load the vectors)."""
        model = self.second
        if model is None or self.judge(folded)[0] < SECOND_GATE:
            return None
        harm, kind = model.judge(folded, meaning(examined(folded)))
        return kind if harm >= max(model.meaning_threshold, UNFAMILIAR_THRESHOLD) and not safe() else None

    def decide(self, folded: str, meaning: Callable[[str], Sequence[float]], safe: Callable[[], bool]) -> str | None:
        """The kind this model, or else its second, declines the query as; None when neither does.

        `meaning` embeds a text (called only for an unsure query: loading the vectors costs ~24 ms);
        `safe` says whether a safe frame stands between the classifier and a decline.
        """
        alone, kind = self.judge(folded)
        if alone >= self.threshold and not self._second_disagrees(folded, meaning):
            return None if safe() else kind
        if self.consults_meaning(alone) and not safe():
            harm, kind = self.judge(folded, meaning(examined(folded)))
            if harm >= self.meaning_threshold:
                return kind
        if self.second is None or alone < SECOND_GATE:
            return None
        return self.second.decide(folded, meaning, safe)

    def _second_disagrees(self, folded: str, meaning: Callable[[str], Sequence[float]]) -> bool:
        """Whether the second model, fitted on every wording, finds the query all but certainly harmless."""
        return self.second is not None and self.doubt(folded, meaning)[0] < FIRST_OVERRULED

    @property
    def meaning_threshold(self) -> float:
        """The combined P(harmful) that declines an unsure query (never reached without a semantic part)."""
        return self.semantic.threshold if self.semantic is not None else math.inf


class HashedModel(NamedTuple):
    """A binary logistic regression over the same features, each hashed to one of len(weights) buckets
    (`bucket`): read as one array of floats, it costs a millisecond to load where a mapping of 59,000
    feature names cost 120 ms (the channels model, bench/train_channels.py)."""

    weights: array  # 'f', one weight per bucket
    bias: float
    threshold: float

    def probability(self, folded: str) -> float:
        feats = features(examined(folded))
        size = len(self.weights)
        score = self.bias + feature_value(len(feats)) * sum(self.weights[bucket(f, size)] for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-700.0, min(700.0, score))))


def bucket(feature: str, size: int) -> int:
    """A feature's bucket: a stable hash (Python's own is salted per process)."""
    return zlib.crc32(feature.encode("utf-8")) % size
