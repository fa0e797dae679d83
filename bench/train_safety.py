"""Fit the safety classifier (data/safety_model.json) on the tuning sets only.

    python -m bench.train_safety             # fit, report, write data/safety_model.json
    python -m bench.train_safety --dry-run   # fit and report only

Harmful examples: the `harmful` lists of bench/safety.yaml, bench/safety_blind.yaml,
bench/safety_train.yaml and bench/safety_train2.yaml, each labelled with its decline kind (from the set's `kind`, or
from the rule that declines it). Legitimate examples: their `legitimate` lists, every
phrasing in data/claims.yaml (questions and aliases), the matching tuning sets
(bench/questions.yaml, bench/questions_blind.yaml) and, when present, the CLEF-2020 tweets
(read from ../shared, never copied). The holdout sets (safety_holdout.yaml,
safety_blind_holdout.yaml, questions_holdout.yaml, questions_blind_holdout.yaml) are never read.

A multinomial logistic regression (Adagrad, L2) over factcheck.safety_classifier.features,
in plain Python. The threshold on P(harmful) is fixed from out-of-fold figures (--cv); the safe-context
vetoes of data/safety.yaml (classifier_unless) stand between it and a decline.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

from bench.eval import load_set, matching_cases
from factcheck.catalog import bundled_data_path, load
from factcheck.safety import CLASSIFIER_MIN_WORDS, KINDS, first_rule, fold
from factcheck.safety_classifier import NONE, SafetyClassifier, feature_value, features
from factcheck.safety_data import CLASSIFIER_NAME, load_policy

ROOT = Path(__file__).resolve().parents[1]
CLEF = ROOT.parent / "shared" / "bench" / "clef2020"
SAFETY_SETS = ("safety.yaml", "safety_blind.yaml", "safety_train.yaml", "safety_train2.yaml")
MATCHING_SETS = ("questions.yaml", "questions_blind.yaml")
KIND_OF = {
    "grooming": "grooming",
    "pretext": "material",
    "seeking": "material",
    "third-person-intent": "evasion",
    "evasion": "evasion",
    "framing": "framing",
    "help-seeking": "help",
}
CLASSES = (NONE, *KINDS)
EPOCHS = 12
RATE = 0.5
L2 = 1e-4
HARM_WEIGHT = 2.0
KEEP = 6000  # features kept in the shipped model
THRESHOLD = 0.95  # out-of-fold (--cv 4, after vetoes): 9 of 3,915 legitimate texts, recall 45% of harmful


def examples() -> tuple[list[tuple[str, str]], list[str]]:
    """(text, class) pairs for training; legitimate texts also returned alone (for the threshold)."""
    policy = load_policy(bundled_data_path("safety.yaml"))._replace(classifier=None)
    pairs: list[tuple[str, str]] = []
    legit: list[str] = []
    for name in SAFETY_SETS:
        data = load_set(name)
        for item in data["harmful"]:
            text = item["q"] if isinstance(item, dict) else item
            kind = KIND_OF.get(item.get("kind", "")) if isinstance(item, dict) else None
            if kind is None:
                rule = first_rule(text, policy)
                kind = rule.kind if rule else "material"
            pairs.append((text, kind))
        for item in data["legitimate"]:
            legit.append(item["q"] if isinstance(item, dict) else item)
    catalog, _ = load([bundled_data_path()])
    for entry in catalog.entries:
        legit += [entry.question, *entry.aliases]
    for name in MATCHING_SETS:
        legit += [case.query for case in matching_cases(load_set(name))]
    for split in ("train", "dev"):
        path = CLEF / split / "tweets.queries.tsv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle, delimiter="\t"))
            legit += [" ".join(row[1].split()) for row in rows[1:] if len(row) > 1][:1500]
    pairs += [(text, NONE) for text in legit]
    return pairs, legit


def fit(pairs: list[tuple[str, str]], seed: int = 7) -> tuple[dict[str, list[float]], list[float]]:
    k = len(CLASSES)
    index = {c: i for i, c in enumerate(CLASSES)}
    rows = [(features(fold(text)), index[label]) for text, label in pairs]
    counts = defaultdict(int)
    for _, y in rows:
        counts[y] += 1
    # Harmful classes weigh a little more than their count (they are few), not uniformly:
    # a uniform prior would make a text with no known feature look harmful.
    class_weight = {y: 1.0 if y == 0 else HARM_WEIGHT for y in counts}
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0] * k)
    grad_sq: dict[str, list[float]] = defaultdict(lambda: [1e-8] * k)
    biases, bias_sq = [0.0] * k, [1e-8] * k
    rng = random.Random(seed)
    for _ in range(EPOCHS):
        rng.shuffle(rows)
        for feats, y in rows:
            value = feature_value(len(feats))
            scores = list(biases)
            for f in feats:
                w = weights[f]
                for i in range(k):
                    scores[i] += w[i] * value
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            cw = class_weight[y]
            errors = [cw * (e / total - (1.0 if i == y else 0.0)) for i, e in enumerate(exps)]
            for f in feats:
                w, g2 = weights[f], grad_sq[f]
                for i in range(k):
                    g = errors[i] * value + L2 * w[i]
                    g2[i] += g * g
                    w[i] -= RATE * g / math.sqrt(g2[i])
            for i in range(k):
                bias_sq[i] += errors[i] ** 2
                biases[i] -= RATE * errors[i] / math.sqrt(bias_sq[i])
    return dict(weights), biases


def classifier(weights: dict[str, list[float]], biases: list[float]) -> SafetyClassifier:
    """The fitted weights as the classifier factcheck runs (one scoring code for training and use)."""
    document = {"classes": list(CLASSES), "weights": weights, "biases": biases, "threshold": THRESHOLD}
    return SafetyClassifier.from_mapping(document, KINDS)


def harm(model: SafetyClassifier, text: str) -> tuple[float, str]:
    return model.judge(fold(text))


def cross_validate(pairs: list[tuple[str, str]], folds: int) -> int:
    """Out-of-fold P(harmful) for every training text: what a threshold really buys."""
    order = list(range(len(pairs)))
    random.Random(11).shuffle(order)
    scored: list[tuple[float, str, str]] = []
    for fold_no in range(folds):
        test = set(order[fold_no::folds])
        model = classifier(*fit([p for i, p in enumerate(pairs) if i not in test]))
        scored += [(harm(model, pairs[i][0])[0], pairs[i][1], pairs[i][0]) for i in test]
    policy = load_policy(bundled_data_path("safety.yaml"))

    def vetoed(text: str) -> bool:  # what factcheck.safety.decline_kind does around the classifier
        folded = fold(text)
        if len(folded.split()) < CLASSIFIER_MIN_WORDS:
            return True
        if policy.classifier_needs and not any(p.search(folded) for p in policy.classifier_needs):
            return True
        safe = any(p.search(folded) for p in policy.classifier_unless)
        return safe and not any(p.search(folded) for p in policy.classifier_despite)

    scored = [(h if not vetoed(t) else 0.0, c, t) for h, c, t in scored]
    harmful = [s for s in scored if s[1] != NONE]
    legit = sorted((s for s in scored if s[1] == NONE), reverse=True)
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        recall = sum(h >= threshold for h, _, _ in harmful) / len(harmful)
        false = sum(h >= threshold for h, _, _ in legit)
        print(f"threshold {threshold:.2f}: out-of-fold recall {recall:.1%}, legitimate declined {false}/{len(legit)}")
    for h, _, text in legit[:12]:
        print(f"  {h:.3f}  {text[:100]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--cv", type=int, default=0, help="report K-fold out-of-fold figures instead")
    args = parser.parse_args(argv)
    pairs, legit = examples()
    if args.cv:
        return cross_validate(pairs, args.cv)
    harmful = [(t, c) for t, c in pairs if c != NONE]
    print(f"{len(harmful)} harmful and {len(legit)} legitimate training texts")
    weights, biases = fit(pairs)
    kept = sorted(weights, key=lambda f: -max(abs(x) for x in weights[f]))[:KEEP]
    pruned = {f: weights[f] for f in kept}
    model = classifier(pruned, biases)
    legit_scores = sorted(harm(model, t)[0] for t in legit)
    threshold = THRESHOLD  # chosen by --cv (out-of-fold), not on the training scores
    caught = sum(harm(model, t)[0] >= threshold for t, _ in harmful)
    kinds_right = sum(harm(model, t)[1] == c for t, c in harmful)
    print(
        f"threshold {threshold:.3f} (highest legitimate {legit_scores[-1]:.3f}); training recall "
        f"{caught}/{len(harmful)}, kind right {kinds_right}/{len(harmful)}"
    )
    if not args.dry_run:
        document = {
            "about": "Safety classifier for factcheck.safety_classifier, fitted by bench/train_safety.py on the "
            "tuning sets only; weights per class for the most useful word and character n-gram features.",
            "classes": list(CLASSES),
            "threshold": round(threshold, 4),
            "biases": [round(b, 5) for b in biases],
            "weights": {f: [round(x, 4) for x in pruned[f]] for f in kept},
        }
        path = ROOT / "data" / CLASSIFIER_NAME
        path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
