"""Fit the answer decision (data/decision.json) on the tuning sets only.

    python -m bench.train_decision            # fit, report, write data/decision.json
    python -m bench.train_decision --dry-run  # fit and report only

A logistic regression over factcheck.match.FEATURES, one row per (question, shortlisted
entry): label 1 when the entry is the question's gold entry. Out-of-scope questions give
only negative rows. Fitted by Newton's method (IRLS) with L2 regularisation, in plain
Python (no numpy needed). The threshold is the lowest that keeps confidently wrong
answers and answered out-of-scope questions within budget on the tuning sets.
The holdout sets (questions_holdout.yaml, questions_blind_holdout.yaml) are never read here.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from bench.eval import load_set, matching_cases
from factcheck.catalog import bundled_data_path, load
from factcheck.engine import load_lexicon, static_encoder
from factcheck.match import FEATURES, DecisionModel, build_index, candidate_features

SEMANTIC = [FEATURES.index(n) for n in ("sem_cos", "sem_margin", "sem_top")]

TUNING_SETS = ("questions.yaml", "questions_blind.yaml")
SHORTLIST = 8
SURE_YES = 0.9  # the lexical fit alone answers at or above this...
SURE_NO = 0.02  # ...and leaves unanswered at or below this
L2 = 1.0  # on standardised features
WRONG_BUDGET = 0.015
OUT_BUDGET = 0.025


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (small dense systems)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[col][col]:
                factor = a[r][col] / a[col][col]
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    return [a[i][n] / a[i][i] if a[i][i] else 0.0 for i in range(n)]


def fit(rows: list[list[float]], labels: list[int], l2: float = L2) -> list[float]:
    """Weights (bias last) on the raw features, fitted on standardised ones (so L2 treats all alike)."""
    k = len(rows[0])
    means = [sum(r[j] for r in rows) / len(rows) for j in range(k)]
    scales = [(sum((r[j] - means[j]) ** 2 for r in rows) / len(rows)) ** 0.5 or 1.0 for j in range(k)]
    standard = [[(r[j] - means[j]) / scales[j] for j in range(k)] for r in rows]
    w = _fit(standard, labels, l2)
    raw = [w[j] / scales[j] for j in range(k)]
    return raw + [w[k] - sum(w[j] * means[j] / scales[j] for j in range(k))]


def _fit(rows: list[list[float]], labels: list[int], l2: float, iterations: int = 25) -> list[float]:
    """Weights (bias last) of an L2-regularised logistic regression; the bias is not penalised."""
    k = len(rows[0]) + 1
    x = [r + [1.0] for r in rows]
    w = [0.0] * k
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for xi, yi in zip(x, labels, strict=True):
            z = sum(a * b for a, b in zip(w, xi, strict=True))
            p = 1 / (1 + math.exp(-max(min(z, 35), -35)))
            s = p * (1 - p)
            for a in range(k):
                grad[a] += (yi - p) * xi[a]
                sa = s * xi[a]
                row = hess[a]
                for b in range(a, k):
                    row[b] += sa * xi[b]
        for a in range(k):
            for b in range(a):
                hess[a][b] = hess[b][a]
            if a < k - 1:
                grad[a] -= l2 * w[a]
                hess[a][a] += l2
        step = solve(hess, grad)
        w = [a + b for a, b in zip(w, step, strict=True)]
        if max(abs(v) for v in step) < 1e-6:
            break
    return w


def collect(index, names: tuple[str, ...], encoder=None) -> tuple[list[list[float]], list[int], list[tuple]]:
    rows, labels, queries = [], [], []
    for name in names:
        for case in matching_cases(load_set(name)):
            feats = candidate_features(case.query, index, encoder=encoder)[:SHORTLIST]
            queries.append((case, [(index.ids[d], f) for d, f in feats]))
            for doc, f in feats:
                rows.append(list(f))
                labels.append(int(index.ids[doc] == case.gold))
    return rows, labels, queries


def combined(model: DecisionModel, full: list[tuple], lexical: list[tuple]) -> list[tuple[float, bool | None]]:
    """Outcomes when the lexical fit decides alone where it is sure (as factcheck.match.rank does)."""
    result = []
    for (case, feats), (_, lex_feats) in zip(full, lexical, strict=True):
        lex = [(model.probability(f, lexical=True), -i, eid) for i, (eid, f) in enumerate(lex_feats)]
        best = max(lex) if lex else (0.0, 0, None)
        if not (model.sure_no < best[0] < model.sure_yes):
            result.append((best[0], None if case.gold is None else best[2] == case.gold))
            continue
        scored = [(model.probability(f), -i, eid) for i, (eid, f) in enumerate(feats)]
        top = max(scored) if scored else (0.0, 0, None)
        result.append((top[0], None if case.gold is None else top[2] == case.gold))
    return result


def outcomes(model: DecisionModel, queries: list[tuple]) -> list[tuple[float, bool | None]]:
    """Per question: best probability, and whether that best is right (None: out of scope)."""
    result = []
    for case, feats in queries:
        if not feats:
            result.append((0.0, None if case.gold is None else False))
            continue
        scored = max(((model.probability(f), -i, eid) for i, (eid, f) in enumerate(feats)))
        result.append((scored[0], None if case.gold is None else scored[2] == case.gold))
    return result


def choose_threshold(results: list[tuple[float, bool | None]]) -> float:
    n_in = sum(1 for _, ok in results if ok is not None) or 1
    n_out = sum(1 for _, ok in results if ok is None) or 1
    for threshold in [t / 100 for t in range(5, 96)]:
        wrong = sum(1 for p, ok in results if ok is False and p >= threshold) / n_in
        out = sum(1 for p, ok in results if ok is None and p >= threshold) / n_out
        if wrong <= WRONG_BUDGET and out <= OUT_BUDGET:
            return threshold
    return 0.95


def report(label: str, results: list[tuple[float, bool | None]], threshold: float) -> None:
    n_in = sum(1 for _, ok in results if ok is not None) or 1
    n_out = sum(1 for _, ok in results if ok is None) or 1
    right = sum(1 for p, ok in results if ok is True and p >= threshold) / n_in
    wrong = sum(1 for p, ok in results if ok is False and p >= threshold) / n_in
    out = sum(1 for p, ok in results if ok is None and p >= threshold) / n_out
    print(f"{label}: right {right:.1%}  wrong {wrong:.1%}  out-of-scope answered {out:.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--l2", type=float, default=L2)
    args = parser.parse_args(argv)
    catalog, _ = load([bundled_data_path()])
    index = build_index(catalog.entries, load_lexicon(bundled_data_path("lexicon.yaml")), encoder=static_encoder())
    rows, labels, queries = collect(index, TUNING_SETS, static_encoder())
    weights = fit(rows, labels, args.l2)
    lex_rows, lex_labels, lex_queries = collect(index, TUNING_SETS)
    lexical = fit(lex_rows, lex_labels, args.l2)
    model = DecisionModel(tuple(weights[:-1]), weights[-1], 0.5, tuple(lexical[:-1]), lexical[-1])
    results = outcomes(model, queries)
    threshold = choose_threshold(results)
    report(f"tuning sets, threshold {threshold:.2f}", results, threshold)
    # The lexical fit decides alone where the combined outcomes stay those of the full model.
    model = model._replace(threshold=threshold, sure_yes=SURE_YES, sure_no=SURE_NO)
    mixed = combined(model, queries, lex_queries)
    report("tuning sets, lexical fit first", mixed, threshold)
    sure = sum(
        not (SURE_NO < max((model.probability(f, lexical=True) for _, f in lf), default=0.0) < SURE_YES)
        for _, lf in lex_queries
    )
    print(f"  decided without the word vectors: {sure}/{len(lex_queries)}")
    for name, w in zip(FEATURES, weights, strict=False):
        print(f"  {name:20} {w:+.3f}")
    print(f"  {'bias':20} {weights[-1]:+.3f}")
    if not args.dry_run:
        document = {
            "about": "Answer decision for factcheck.match: logistic regression over `features`, fitted by "
            "bench/train_decision.py on bench/questions.yaml and bench/questions_blind.yaml (tuning sets only).",
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in weights[:-1]],
            "bias": round(weights[-1], 6),
            "threshold": round(100 * threshold, 1),
            "lexical_weights": [round(w, 6) for w in lexical[:-1]],
            "lexical_bias": round(lexical[-1], 6),
            "sure_yes": SURE_YES,
            "sure_no": SURE_NO,
        }
        path = Path(__file__).resolve().parents[1] / "data" / "decision.json"
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
