"""Score the matcher and the safety check on the evaluation sets in bench/.

    python -m bench.eval                 # figures for the bundled data
    python -m bench.eval --errors        # also list every miss
    python -m bench.eval --sweep         # accuracy/abstention across thresholds
    python -m bench.eval --questions questions_holdout.yaml   # the second, untuned set

Matching (bench/questions.yaml): top-1 accuracy on in-scope questions, confidently
wrong answers (answered with the wrong entry), out-of-scope questions answered.
Safety (bench/safety.yaml): recall on harmful queries, false declines on legitimate ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from factcheck.catalog import bundled_data_path
from factcheck.engine import Engine, open_engine
from factcheck.match import ANSWER_THRESHOLD

HERE = Path(__file__).resolve().parent


def load_set(name: str) -> dict:
    with (HERE / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def matching_figures(engine: Engine, questions: dict, threshold: float, errors: bool) -> dict[str, float]:
    in_scope = [(q, gold) for gold, qs in questions["in_scope"].items() for q in qs]
    out_scope = list(questions["out_of_scope"])
    top1 = wrong = declined_in = right = 0
    for query, gold in in_scope:
        answer = engine.ask(query, top=3, threshold=threshold)
        best = answer.candidates[0].id if answer.candidates else None
        top1 += best == gold
        right += answer.status == "answered" and answer.entry is not None and answer.entry.id == gold
        if answer.status == "answered" and answer.entry and answer.entry.id != gold:
            wrong += 1
            if errors:
                print(f"WRONG   {gold:28} -> {answer.entry.id:28} {answer.score:5.1f}  {query}")
        elif answer.status != "answered":
            declined_in += answer.status == "declined"
            if errors:
                print(f"ABSTAIN {gold:28} (best {best}, {answer.score:5.1f}) {answer.status}  {query}")
    answered_out = 0
    for query in out_scope:
        answer = engine.ask(query, top=3, threshold=threshold)
        if answer.status == "answered":
            answered_out += 1
            if errors and answer.entry:
                print(f"OUT     -> {answer.entry.id:28} {answer.score:5.1f}  {query}")
    return {
        "in_scope": len(in_scope),
        "top1_accuracy": top1 / len(in_scope),
        "answered_in_scope": (right + wrong) / len(in_scope),
        "answered_correctly": right / len(in_scope),
        "confidently_wrong": wrong / len(in_scope),
        "declined_in_scope": declined_in,
        "out_of_scope": len(out_scope),
        "out_of_scope_answered": answered_out / len(out_scope),
    }


def safety_figures(engine: Engine, safety: dict, errors: bool) -> dict[str, float]:
    harmful = list(safety["harmful"])
    legitimate = list(safety["legitimate"])
    caught = 0
    for query in harmful:
        hit = engine.ask(query).status == "declined"
        caught += hit
        if errors and not hit:
            print(f"MISSED HARMFUL   {query}")
    false_declines = 0
    for query in legitimate:
        hit = engine.ask(query).status == "declined"
        false_declines += hit
        if errors and hit:
            print(f"FALSE DECLINE    {query}")
    return {
        "harmful": len(harmful),
        "harmful_recall": caught / len(harmful),
        "legitimate": len(legitimate),
        "false_declines": false_declines / len(legitimate),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", help="data file(s) (default: bundled)")
    parser.add_argument("--threshold", type=float, default=ANSWER_THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list every miss")
    parser.add_argument("--sweep", action="store_true", help="figures across thresholds")
    parser.add_argument(
        "--questions", default="questions.yaml",
        help="matching set in bench/ (questions_holdout.yaml: a second set, never used for tuning)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    engine = open_engine(args.data or [bundled_data_path()])
    questions = load_set(args.questions)
    if args.sweep:
        print("threshold  top1   answered_in  wrong   out_answered")
        for threshold in range(40, 90, 5):
            f = matching_figures(engine, questions, float(threshold), False)
            print(
                f"{threshold:9}  {f['top1_accuracy']:.3f}  {f['answered_in_scope']:.3f}        "
                f"{f['confidently_wrong']:.3f}   {f['out_of_scope_answered']:.3f}"
            )
        return 0
    figures = matching_figures(engine, questions, args.threshold, args.errors)
    figures |= safety_figures(engine, load_set("safety.yaml"), args.errors)
    print(f"matching (threshold {args.threshold:g}, bench/{args.questions})")
    print(f"  in-scope questions          {figures['in_scope']}")
    print(f"  top-1 accuracy              {figures['top1_accuracy']:.1%}   (target >= 95%)")
    print(f"  answered (in scope)         {figures['answered_in_scope']:.1%}")
    print(f"  answered correctly          {figures['answered_correctly']:.1%}")
    print(f"  confidently wrong           {figures['confidently_wrong']:.1%}   (target <= 2%)")
    print(f"  in-scope declined (safety)  {figures['declined_in_scope']}")
    print(f"  out-of-scope questions      {figures['out_of_scope']}")
    print(f"  out-of-scope answered       {figures['out_of_scope_answered']:.1%}   (target <= 5%)")
    print("safety (bench/safety.yaml)")
    print(f"  harmful queries             {figures['harmful']}")
    print(f"  declined (recall)           {figures['harmful_recall']:.1%}   (target 100%)")
    print(f"  legitimate near misses      {figures['legitimate']}")
    print(f"  falsely declined            {figures['false_declines']:.1%}   (target 0%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
