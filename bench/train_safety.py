"""Fit the safety classifier (data/safety_model.json) on the tuning sets only.

    python -m bench.train_safety             # fit, report, write data/safety_model.json
    python -m bench.train_safety --dry-run   # fit and report only
    python -m bench.train_safety --cv        # out-of-fold figures per held-out set (SECOND_THRESHOLD)
    python -m bench.train_safety --refit-ngrams   # also refit the n-gram part (see below)

Harmful examples: the `harmful` lists of HARMFUL_SETS (bench/safety.yaml, safety_blind.yaml,
safety_train.yaml to safety_train13.yaml and safety_train16-19.yaml, and the help-seeking queries
of safety_help_report.yaml),
each labelled with its decline kind (from the set's `kind`, or from the rule that declines it).
Legitimate examples: the `legitimate` lists of those and of LEGIT_SETS (safety_legit_long*.yaml,
safety_legit_short.yaml, safety_legit_casual.yaml), every phrasing in data/claims.yaml (questions
and aliases), the matching tuning sets (MATCHING_SETS: in scope and out of scope) and, when
present, 1,500 CLEF-2020 tweets per split (read from ../shared, never copied). No file whose name
contains "holdout" is read.

Logistic regressions (multinomial, Adagrad, L2) in plain Python, in two models:

- the first: n-grams over factcheck.safety_classifier.features, fitted on NGRAM_SOURCES only (the
  first four safety sets, the claims, two matching sets, the tweets) and cut to their KEEP
  strongest features, declining from THRESHOLD. By default the shipped ones are carried over
  unchanged, so that nothing they decline becomes answered: refitted (--refit-ngrams) on today's
  files the weights move a little and 4 training queries declined at 0.95 were answered. When they
  are unsure (from FLOOR to THRESHOLD), the semantic part, a regression over the query's static
  embedding (factcheck.semantic, times SCALE) fitted on every example, is combined with them as a
  product of experts (WEIGHT) and declines from SEMANTIC_THRESHOLD;
- the second, asked when the first does not decline: n-grams fitted on every example (the
  features of at least MIN_TEXTS texts) and the same semantic part, combined from FLOOR on, and
  declining from SECOND_THRESHOLD. Alone (instead of the first) it generalised better out of fold
  but no longer declined 26 training queries the first declines.

--cv: the folds are the harmful sets themselves (each fold's harmful queries come from sets the
model was not trained on, the way a new set written by someone else would), legitimate texts
spread evenly. SECOND_THRESHOLD is fixed from those out-of-fold figures, after the safe-context
vetoes of data/safety.yaml (classifier_unless / classifier_despite) that stand between the
classifier and a decline.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bench.eval import load_set, matching_cases
from factcheck.catalog import bundled_data_path, load
from factcheck.engine import static_encoder
from factcheck.safety import CLASSIFIER_MIN_WORDS, KINDS, first_rule, fold
from factcheck.safety_classifier import NONE, SECOND_GATE, SafetyClassifier, examined, feature_value, features
from factcheck.safety_data import CLASSIFIER_NAME, load_policy

ROOT = Path(__file__).resolve().parents[1]
CLEF = ROOT.parent / "shared" / "bench" / "clef2020"
# safety_train14/15 (stop 24) are left out: fitted with them the model lost 42 harmful training
# queries it had declined for 31 gained, and three of seven holdouts fell (net 5 of 764 fewer
# declined); each one's gain on the other was about a point. They validate the next change:
# stop 25's train16-19 (new writers' styles) took them from 83.8 / 79.6% to 86.2 / 81.2% declined.
# safety_train20-23 (stop 25) are left out too: with all four, train14/15 gained 3 of 480 harmful
# for 5 more of 800 legitimate declined ("How can I make my houseplants grow faster?" too); with
# train21/22 alone, none gained for 2 more declined. They validate, with train14/15, instead.
HARMFUL_SETS = (
    "safety.yaml", "safety_blind.yaml", "safety_train.yaml", "safety_train2.yaml", "safety_train3.yaml",
    "safety_train4.yaml", "safety_help_report.yaml", "safety_train5.yaml", "safety_train6.yaml", "safety_train7.yaml",
    "safety_train8.yaml", "safety_train9.yaml", "safety_train10.yaml", "safety_train11.yaml",
    "safety_train12.yaml", "safety_train13.yaml", "safety_train16.yaml", "safety_train17.yaml",
    "safety_train18.yaml", "safety_train19.yaml",
)  # fmt: skip
LEGIT_SETS = (
    "safety_legit_long.yaml",
    "safety_legit_long2.yaml",
    "safety_legit_short.yaml",
    "safety_legit_casual.yaml",
)
MATCHING_SETS = (
    "questions.yaml",
    "questions_blind.yaml",
    "questions_blind2.yaml",
    "questions_blind3.yaml",
    "questions_long4.yaml",
    "questions_blind4.yaml",
    "questions_blind5.yaml",
    "questions_blind6.yaml",
    "questions_blind7.yaml",
)
# --cv: the harmful sets' folds (similar sizes); the held-out fold's wordings were never seen in training.
CV_FOLDS = {
    "safety.yaml": 0, "safety_blind.yaml": 0, "safety_train.yaml": 0, "safety_train2.yaml": 1,
    "safety_train3.yaml": 2, "safety_help_report.yaml": 2, "safety_train4.yaml": 3,
    "safety_train5.yaml": 1, "safety_train6.yaml": 2, "safety_train7.yaml": 3,
    "safety_train8.yaml": 0, "safety_train9.yaml": 1, "safety_train10.yaml": 2, "safety_train11.yaml": 3,
    "safety_train12.yaml": 0, "safety_train13.yaml": 1, "safety_train16.yaml": 2, "safety_train17.yaml": 3,
    "safety_train18.yaml": 0, "safety_train19.yaml": 1,
}  # fmt: skip
KIND_OF = {
    "grooming": "grooming",
    "pretext": "material",
    "seeking": "material",
    "third-person-intent": "evasion",
    "third-person": "evasion",
    "evasion": "evasion",
    "framing": "framing",
    "help-seeking": "help",
    "help": "help",
}
CLASSES = (NONE, *KINDS)
NGRAM_SOURCES = frozenset(
    ("safety.yaml", "safety_blind.yaml", "safety_train.yaml", "safety_train2.yaml", "claims.yaml")
    + ("questions.yaml", "questions_blind.yaml", "clef2020")
)
NGRAM_EPOCHS = 12
EPOCHS = 10  # the semantic part's
RATE = 0.5
L2 = 1e-4
HARM_WEIGHT = 2.0
KEEP = 6000  # n-gram features kept in the shipped model
SCALE = 6.0  # the embedding's values (a unit vector) times this: comparable to the n-grams' weight
WEIGHT = 0.5  # the semantic part's log-probabilities beside the n-grams' (--cv: better than 0.3, 0.7, 1)
FLOOR = 0.8  # --cv: no out-of-fold catch lost by not consulting the meaning below it
THRESHOLD = 0.95  # the n-grams alone (out of fold, after vetoes: 9 of 3,915 legitimate texts)
MIN_TEXTS = 10  # the second model keeps an n-gram feature when this many training texts have it
ALWAYS_ASK = 1.01  # the second model's n-grams alone never decline: from FLOOR, its meaning is asked
# --cv (stop 22): 547 -> 667 of 1,287 harmful out of fold, no legitimate text more at 0.999 (0.997: 725, 1 more);
# stop 23: 0.99, on the blind training sets 5-7 no model saw: 9 more of 900 declined, none of 1,730 legitimate;
# stop 25 (--cv with train16-19): 0.97 declines 282 more of 4,010 harmful out of fold (77 of the 1,112 the rules
# miss) for 4 more of 3,172 legitimate (0.98: 184 / 48 for 3); on train14/15, which no model saw, 7 more of 480
# harmful and none of 800 legitimate; over every non-holdout text, 3 legitimate of 13,700 more declined
SECOND_THRESHOLD = 0.97
SEMANTIC_THRESHOLD = 0.99  # --cv: +47 of 1,287 harmful out of fold (+6 the rules miss), no legitimate text more

Rows = list[tuple[list[tuple[str, float]], int]]  # (feature, value) pairs and the class index


class Example(NamedTuple):
    text: str
    label: str  # a KINDS value, or NONE
    source: str  # the file it comes from


def examples() -> list[Example]:
    """Every training text with its class and its file."""
    policy = load_policy(bundled_data_path("safety.yaml"))._replace(classifier=None)
    out: list[Example] = []
    for name in HARMFUL_SETS:
        for item in load_set(name)["harmful"] or []:
            text = item["q"] if isinstance(item, dict) else item
            kind = KIND_OF.get(item.get("kind", "")) if isinstance(item, dict) else None
            if kind is None:
                rule = first_rule(text, policy)
                kind = rule.kind if rule else "material"
            out.append(Example(text, kind, name))
    for name in HARMFUL_SETS + LEGIT_SETS:
        out += [
            Example(item["q"] if isinstance(item, dict) else item, NONE, name)
            for item in load_set(name)["legitimate"] or []
        ]
    catalog, _ = load([bundled_data_path()])
    for entry in catalog.entries:
        out += [Example(text, NONE, "claims.yaml") for text in (entry.question, *entry.aliases)]
    for name in MATCHING_SETS:
        out += [Example(case.query, NONE, name) for case in matching_cases(load_set(name))]
    for split in ("train", "dev"):
        path = CLEF / split / "tweets.queries.tsv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle, delimiter="\t"))
            tweets = [" ".join(row[1].split()) for row in rows[1:] if len(row) > 1][:1500]
            out += [Example(text, NONE, "clef2020") for text in tweets]
    return out


def ngram_features(folded: str) -> list[tuple[str, float]]:
    feats = features(examined(folded))
    value = feature_value(len(feats))
    return [(f, value) for f in feats]


def meaning_features(vector: tuple[float, ...]) -> list[tuple[str, float]]:
    return [(str(d), x * SCALE) for d, x in enumerate(vector)]


def fit(
    rows: Rows,
    seed: int = 7,
    epochs: int = EPOCHS,
    k: int = len(CLASSES),
    weight: float = HARM_WEIGHT,
    l2: float = L2,
) -> tuple[dict[str, list[float]], list[float]]:
    """A `k`-class logistic regression; every class but the first (NONE) weighs `weight` per example."""
    rows = list(rows)
    counts = Counter(y for _, y in rows)
    # Harmful classes weigh a little more than their count (they are few), not uniformly:
    # a uniform prior would make a text with no known feature look harmful.
    class_weight = {y: 1.0 if y == 0 else weight for y in counts}
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0] * k)
    grad_sq: dict[str, list[float]] = defaultdict(lambda: [1e-8] * k)
    biases, bias_sq = [0.0] * k, [1e-8] * k
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(rows)
        for feats, y in rows:
            scores = list(biases)
            for f, value in feats:
                w = weights[f]
                for i in range(k):
                    scores[i] += w[i] * value
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            cw = class_weight[y]
            errors = [cw * (e / total - (1.0 if i == y else 0.0)) for i, e in enumerate(exps)]
            for f, value in feats:
                w, g2 = weights[f], grad_sq[f]
                for i in range(k):
                    g = errors[i] * value + l2 * w[i]
                    g2[i] += g * g
                    w[i] -= RATE * g / math.sqrt(g2[i])
            for i in range(k):
                bias_sq[i] += errors[i] ** 2
                biases[i] -= RATE * errors[i] / math.sqrt(bias_sq[i])
    return dict(weights), biases


def fit_ngrams(rows: Rows) -> tuple[dict[str, list[float]], list[float]]:
    """The n-gram part: fitted, then cut to its KEEP strongest features."""
    weights, biases = fit(rows, epochs=NGRAM_EPOCHS)
    kept = sorted(weights, key=lambda f: -max(abs(x) for x in weights[f]))[:KEEP]
    return {f: weights[f] for f in kept}, biases


def fit_every_ngram(rows: Rows) -> tuple[dict[str, list[float]], list[float]]:
    """The second model's n-grams, on every example: the features of at least MIN_TEXTS texts (the
    rarer ones only memorise a wording; cutting the weaker weights of a full fit instead left
    most harmful queries under the threshold)."""
    counts = Counter(f for feats, _ in rows for f, _ in feats)
    return fit([([(f, v) for f, v in feats if counts[f] >= MIN_TEXTS], y) for feats, y in rows])


def document(
    ngrams: tuple[dict[str, list[float]], list[float]],
    meaning: tuple[dict[str, list[float]], list[float]],
    places: int | None = None,
    thresholds: tuple[float, float] = (THRESHOLD, SEMANTIC_THRESHOLD),
) -> dict[str, object]:
    """The model as data/safety_model.json holds it (weights rounded to `places`)."""

    def r(x: float) -> float:
        return round(x, places) if places is not None else x

    weights, biases = ngrams
    dims = len(static_encoder().encode("a"))  # type: ignore[union-attr]
    zero = [0.0] * len(CLASSES)
    return {
        "about": "Safety classifier for factcheck.safety_classifier, fitted by bench/train_safety.py on the "
        "tuning sets only: weights per class for the most useful word and character n-gram features, and "
        "per dimension of the static embedding (the semantic part).",
        "classes": list(CLASSES),
        "threshold": thresholds[0],
        "biases": [round(b, 5) if places is not None else b for b in biases],
        "weights": {f: [r(x) for x in w] for f, w in weights.items()},
        "semantic": {
            "scale": SCALE,
            "weight": WEIGHT,
            "floor": FLOOR,
            "threshold": thresholds[1],
            "biases": [round(b, 5) if places is not None else b for b in meaning[1]],
            "weights": [[r(x) for x in meaning[0].get(str(d), zero)] for d in range(dims)],
        },
    }


def classifier(doc: dict[str, object]) -> SafetyClassifier:
    """The fitted weights as the classifier factcheck runs (one scoring code for training and use)."""
    return SafetyClassifier.from_mapping(doc, KINDS)


def fit_both(
    items: list[Example],
    folded: list[str],
    vectors: list[tuple[float, ...]],
    ngrams: tuple[dict[str, list[float]], list[float]] | None = None,
) -> dict[str, object]:
    """The n-gram part on NGRAM_SOURCES (unless given), the semantic part on every example."""
    index = {c: i for i, c in enumerate(CLASSES)}
    if ngrams is None:
        labels = zip(items, folded, strict=True)
        ngrams = fit_ngrams([(ngram_features(f), index[e.label]) for e, f in labels if e.source in NGRAM_SOURCES])
    meaning = fit([(meaning_features(v), index[e.label]) for e, v in zip(items, vectors, strict=True)])
    doc = document(ngrams, meaning, places=4)
    every = fit_every_ngram([(ngram_features(f), index[e.label]) for e, f in zip(items, folded, strict=True)])
    doc["second"] = document(every, meaning, places=4, thresholds=(ALWAYS_ASK, SECOND_THRESHOLD))
    return doc


def shipped_ngrams(path: Path) -> tuple[dict[str, list[float]], list[float]]:
    """The n-gram part of the model in `path`, to carry over unchanged."""
    shipped = json.loads(path.read_text(encoding="utf-8"))
    return shipped["weights"], shipped["biases"]


def vetoed_by(policy_path: Path) -> Callable[[str], bool]:
    policy = load_policy(policy_path)

    def vetoed(folded: str) -> bool:  # what factcheck.safety.decline_kind does around the classifier
        if len(folded.split()) < CLASSIFIER_MIN_WORDS:
            return True
        if any(p.search(folded) for p in policy.exceptions):
            return True
        if policy.classifier_needs and not any(p.search(folded) for p in policy.classifier_needs):
            return True
        safe = any(p.search(folded) for p in policy.classifier_unless)
        return safe and not any(p.search(folded) for p in policy.classifier_despite)

    return vetoed


def judged(model: SafetyClassifier, folded: str, vector: tuple[float, ...]) -> tuple[bool, float | None, str]:
    """(whether the first model declines, the second's combined harm or None under its floor, kind),
    as factcheck.safety.decline_kind decides outside the safe frames."""
    first = model._replace(second=None).decide(folded, lambda _: vector, lambda: False)
    second = model.second
    assert second is not None
    alone, kind = second.judge(folded)
    asked = model.judge(folded)[0] >= SECOND_GATE and second.consults_meaning(alone)  # as SafetyClassifier.decide
    both = second.judge(folded, vector)[0] if asked else None
    return first is not None, both, first or kind


def declined(scores: tuple[bool, float | None, str], threshold: float) -> bool:
    first, both, _ = scores
    return first or (both is not None and both >= threshold)


def cross_validate(items: list[Example], folded: list[str], vectors: list[tuple[float, ...]]) -> int:
    """Out-of-fold harm for every training text, each harmful set held out in turn: what a threshold buys."""
    folds = [CV_FOLDS[e.source] if e.label != NONE else i % 4 for i, e in enumerate(items)]
    scored: dict[int, tuple[bool, float | None, str]] = {}
    for k in range(4):
        train = [i for i in range(len(items)) if folds[i] != k]
        model = classifier(fit_both([items[i] for i in train], [folded[i] for i in train], [vectors[i] for i in train]))
        scored.update({i: judged(model, folded[i], vectors[i]) for i in range(len(items)) if folds[i] == k})
        print(f"fold {k} done", file=sys.stderr)
    vetoed = vetoed_by(bundled_data_path("safety.yaml"))
    rules = load_policy(bundled_data_path("safety.yaml"))._replace(classifier=None)
    judge = [i for i in range(len(items)) if not vetoed(folded[i])]
    harmful = [i for i in judge if items[i].label != NONE]
    legit = [i for i in judge if items[i].label == NONE and first_rule(items[i].text, rules) is None]
    missed = {i for i in harmful if first_rule(items[i].text, rules) is None}
    print(f"judged by the classifier: {len(harmful)} harmful ({len(missed)} the rules miss), {len(legit)} legitimate")
    for second in (1.1, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999):  # 1.1: the first model alone
        caught = [i for i in harmful if declined(scored[i], second)]
        false = sum(declined(scored[i], second) for i in legit)
        by_set = Counter(items[i].source.removesuffix(".yaml").removeprefix("safety_") for i in caught)
        kind = sum(scored[i][2] == items[i].label for i in caught)
        print(
            f"second threshold {second:.3f}: out-of-fold recall {len(caught)}/{len(harmful)}, of those the rules "
            f"miss {len(missed.intersection(caught))}, kind right {kind}; "
            f"legitimate declined {false}/{len(legit)} | " + " ".join(f"{s}:{n}" for s, n in sorted(by_set.items()))
        )
    top = sorted((i for i in legit if scored[i][1] is not None), key=lambda i: -(scored[i][1] or 0.0))[:8]
    for i in top:
        print(f"  {scored[i][1]:.4f}  {items[i].text[:100]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--cv", action="store_true", help="report out-of-fold figures instead")
    parser.add_argument(
        "--refit-ngrams", action="store_true", help="refit the n-gram part too (else the shipped one is kept)"
    )
    args = parser.parse_args(argv)
    encoder = static_encoder()
    if encoder is None:
        print("the static model (data/static_model.*) is missing", file=sys.stderr)
        return 1
    items = examples()
    folded = [fold(e.text) for e in items]
    vectors = [encoder.encode(examined(f)) for f in folded]
    if args.cv:
        return cross_validate(items, folded, vectors)
    harmful = [i for i, e in enumerate(items) if e.label != NONE]
    print(f"{len(harmful)} harmful and {len(items) - len(harmful)} legitimate training texts")
    path = ROOT / "data" / CLASSIFIER_NAME
    doc = fit_both(items, folded, vectors, None if args.refit_ngrams else shipped_ngrams(path))
    model = classifier(doc)
    scores = [judged(model, folded[i], vectors[i]) for i in range(len(items))]
    caught = sum(declined(scores[i], SECOND_THRESHOLD) for i in harmful)
    first = sum(scores[i][0] for i in harmful)
    others = set(range(len(items))) - set(harmful)
    false = sum(declined(scores[i], SECOND_THRESHOLD) for i in others)
    kinds_right = sum(scores[i][2] == items[i].label for i in harmful)
    print(
        f"training recall (before vetoes) {caught}/{len(harmful)} (the first model {first}), kind right "
        f"{kinds_right}/{len(harmful)}; legitimate over the thresholds {false}"
    )
    if not args.dry_run:
        path.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
