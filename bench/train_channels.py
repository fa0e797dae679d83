"""Fit the channels model (data/channels_model.json) on the tuning sets only.

    python -m bench.train_channels              # fit, write data/channels_model.json
    python -m bench.train_channels --cv OUT     # out-of-fold probabilities, one JSON line per text

Someone trying to report something, a survivor, a parent, a partner or someone helping another
person should leave with the reporting and help channels, even when no entry answers them. The
pattern lists of data/safety.yaml (offer_channels) recognise the wordings they were written for;
this logistic regression over the safety classifier's n-grams (factcheck.safety_classifier.features)
recognises the rest: an unanswered question it reads as such from its threshold gets the channels.

Positive: the legitimate questions of the non-holdout safety sets whose kind is one of SEEKERS.
Negative: their other legitimate questions (everyday ones, near misses, the accused, researchers,
keyword queries...) and every question of the non-holdout matching sets. No file whose name contains
"holdout" is read. --cv: five folds of whole sets (a fold's wordings come from writers the model
was not trained on); THRESHOLD was chosen from those out-of-fold figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from array import array
from collections import defaultdict
from pathlib import Path

from bench.eval import MATCHING_SETS, SAFETY_SETS, _case, load_set, matching_cases
from bench.train_safety import Rows, fit, ngram_features
from factcheck.catalog import bundled_data_path
from factcheck.safety import fold
from factcheck.safety_classifier import HashedModel, bucket
from factcheck.safety_data import CHANNELS_MODEL_NAME

SEEKERS = frozenset(("report", "survivor", "parent", "partner", "help-other", "help-for-others", "found-material"))
EPOCHS = 12
WEIGHT = 1.0  # a seeker's question weighs as much as another
L2 = 1e-6  # --cv (fold 1): the safety classifier's 1e-4 kept every probability under 0.6 and ranked worse
# Every feature (166,000 in the tuning texts) hashed to one of these: a 1 MB array, loaded in a millisecond
# (fold 1 of --cv: the strongest 6,000 features of a fit, as the safety classifier keeps, lost most seekers)
BUCKETS = 1 << 18
WEIGHTS_NAME = "channels_model.bin"
FOLDS = 5
THRESHOLD = 0.9


def examples() -> list[tuple[str, int, str]]:
    """(text, 1 for a seeker's question else 0, its file) for every tuning text."""
    out: list[tuple[str, int, str]] = []
    for name in SAFETY_SETS:
        if "holdout" in name:
            continue
        for item in load_set(name).get("legitimate") or []:
            case = _case(item, None, "legitimate")
            out.append((case.query, int(case.form in SEEKERS), name))
    for name in MATCHING_SETS:
        if "holdout" not in name:
            out += [(case.query, 0, name) for case in matching_cases(load_set(name))]
    return out


def hashed(folded: str) -> list[tuple[int, float]]:
    """A text's features as (bucket, value) pairs, the values of features sharing a bucket summed:
    what HashedModel.probability computes with."""
    values: dict[int, float] = defaultdict(float)
    for feature, value in ngram_features(folded):
        values[bucket(feature, BUCKETS)] += value
    return list(values.items())


def fitted(rows: Rows) -> tuple[dict[str, object], array]:
    """The model: data/channels_model.json's content and the weights (data/channels_model.bin). Two
    classes fitted; each bucket's weight is SEEKS's less NONE's (the same probabilities)."""
    weights, biases = fit(rows, epochs=EPOCHS, k=2, weight=WEIGHT, l2=L2)
    table = array("f", bytes(4 * BUCKETS))
    for key, (none, seeks) in weights.items():
        table[int(key)] = seeks - none
    meta = {
        "about": "Channels model for factcheck.safety.seeks_channels, fitted by bench/train_channels.py on the "
        "tuning sets only: whether a question seeks to report or to get help.",
        "buckets": BUCKETS,
        "bias": round(biases[1] - biases[0], 6),
        "threshold": THRESHOLD,
        "weights": WEIGHTS_NAME,
    }
    return meta, table


def model(meta: dict[str, object], table: array) -> HashedModel:
    """The fitted model as factcheck runs it (one scoring code for training and use)."""
    return HashedModel(table, float(meta["bias"]), float(meta["threshold"]))  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=Path, help="write out-of-fold probabilities here instead of fitting")
    parser.add_argument("--folds", default=",".join(map(str, range(FOLDS))), help="--cv: only these folds (0-4)")
    args = parser.parse_args(argv)
    items = examples()
    rows: Rows = [(hashed(fold(text)), label) for text, label, _ in items]  # type: ignore[misc]
    if args.cv is None:
        meta, table = fitted(rows)
        path = bundled_data_path(CHANNELS_MODEL_NAME)
        if sys.byteorder == "big":  # pragma: no cover - the file is little-endian
            table.byteswap()
        path.with_name(WEIGHTS_NAME).write_bytes(table.tobytes())
        path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        print(f"{sum(y for _, y in rows)} seekers of {len(rows)} texts; wrote {path} and {WEIGHTS_NAME}")
        return 0
    sets = sorted({name for _, _, name in items})
    fold_of = {name: i % FOLDS for i, name in enumerate(sets)}
    with args.cv.open("w", encoding="utf-8") as out:
        for k in map(int, args.folds.split(",")):
            train = [row for row, (_, _, name) in zip(rows, items, strict=True) if fold_of[name] != k]
            fold_model = model(*fitted(train))
            for text, label, name in items:
                if fold_of[name] == k:
                    p = fold_model.probability(fold(text))
                    out.write(json.dumps({"set": name, "q": text, "y": label, "p": round(p, 5)}) + "\n")
            print(f"fold {k} done", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
