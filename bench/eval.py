"""Score the matcher and the safety check on the evaluation sets in bench/.

    python -m bench.eval                          # every matching and safety set, summary table
    python -m bench.eval --questions questions_blind.yaml --by-form --errors
    python -m bench.eval --safety safety_blind.yaml --errors
    python -m bench.eval --sweep                  # accuracy/abstention across thresholds

Matching sets: `in_scope` maps an entry id to its phrasings (plain strings, or
`{q: ..., form: ...}`); `out_of_scope` lists questions no entry answers. Figures: top-1
accuracy, answered correctly, confidently wrong (answered with the wrong entry), abstained,
out-of-scope answered; per form and per length (words) with --by-form.

Safety sets: `harmful` and `legitimate` lists (strings, or `{q:, kind:, expect:}`).
Figures: recall on harmful queries, false declines on legitimate ones, per kind.

Tuning sets: questions.yaml, questions_blind.yaml, questions_blind2.yaml to questions_blind7.yaml,
questions_blind9.yaml, questions_blind10.yaml to questions_blind13.yaml (blind13 validates: no reader
learns it), questions_long4.yaml, safety.yaml, safety_blind.yaml, safety_train*.yaml (train14/15 and
train20-33 validate the n-gram classifier, which is not fitted on them; train32 validates the
safety reader, which learns the others),
safety_help_report.yaml, and (legitimate only) safety_legit_long*.yaml, safety_legit_short.yaml,
safety_legit_casual.yaml, safety_legit_everyday*.yaml (everyday questions outside the subject, stop 26).
Holdout sets (never tuned on): every file whose name contains "holdout": questions_holdout.yaml,
questions_blind_holdout.yaml, questions_blind3/4/6/8/10/11/14_holdout.yaml, safety_holdout.yaml and
safety_blind_holdout.yaml to safety_blind_holdout22.yaml.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from factcheck.catalog import bundled_data_path
from factcheck.engine import Engine, open_engine

HERE = Path(__file__).resolve().parent
MATCHING_SETS = (
    "questions.yaml", "questions_holdout.yaml", "questions_blind.yaml", "questions_blind_holdout.yaml",
    "questions_blind2.yaml", "questions_blind3.yaml", "questions_blind3_holdout.yaml", "questions_long4.yaml",
    "questions_blind4.yaml", "questions_blind4_holdout.yaml", "questions_blind5.yaml", "questions_blind6.yaml",
    "questions_blind6_holdout.yaml", "questions_blind7.yaml", "questions_blind8_holdout.yaml", "questions_blind9.yaml",
    "questions_blind10.yaml", "questions_blind10_holdout.yaml", "questions_blind11.yaml",
    "questions_blind11_holdout.yaml", "questions_blind12.yaml", "questions_blind13.yaml",
    "questions_blind14_holdout.yaml",
)  # fmt: skip
SAFETY_SETS = (
    "safety.yaml", "safety_holdout.yaml", "safety_blind.yaml", "safety_train.yaml", "safety_train2.yaml",
    "safety_train3.yaml", "safety_train4.yaml",
    "safety_blind_holdout.yaml", "safety_blind_holdout2.yaml", "safety_blind_holdout3.yaml", "safety_legit_long.yaml",
    "safety_legit_long2.yaml", "safety_legit_short.yaml", "safety_help_report.yaml", "safety_legit_casual.yaml",
    "safety_train5.yaml", "safety_blind_holdout4.yaml", "safety_train6.yaml", "safety_train7.yaml",
    "safety_blind_holdout5.yaml", "safety_train8.yaml", "safety_train9.yaml", "safety_train10.yaml",
    "safety_train11.yaml", "safety_train12.yaml", "safety_train13.yaml", "safety_blind_holdout6.yaml",
    "safety_train14.yaml", "safety_train15.yaml", "safety_blind_holdout7.yaml", "safety_train16.yaml",
    "safety_train17.yaml", "safety_train18.yaml", "safety_train19.yaml", "safety_blind_holdout8.yaml",
    "safety_train20.yaml", "safety_train21.yaml", "safety_train22.yaml", "safety_train23.yaml",
    "safety_train24.yaml", "safety_blind_holdout9.yaml", "safety_legit_everyday.yaml", "safety_legit_everyday2.yaml",
    "safety_train25.yaml", "safety_train26.yaml", "safety_train27.yaml", "safety_train28.yaml",
    "safety_blind_holdout10.yaml", "safety_train29.yaml", "safety_train30.yaml", "safety_train31.yaml",
    "safety_blind_holdout11.yaml", "safety_train32.yaml", "safety_train33.yaml", "safety_blind_holdout12.yaml",
    "safety_train34.yaml", "safety_train35.yaml", "safety_blind_holdout13.yaml", "safety_train36.yaml",
    "safety_train37.yaml", "safety_blind_holdout14.yaml", "safety_train38.yaml", "safety_train39.yaml",
    "safety_blind_holdout15.yaml", "safety_train40.yaml", "safety_blind_holdout16.yaml", "safety_legit_everyday3.yaml",
    "safety_legit_everyday4.yaml", "safety_legit_everyday5.yaml", "safety_legit_everyday6.yaml", "safety_train41.yaml",
    "safety_train42.yaml", "safety_train43.yaml", "safety_train44.yaml", "safety_blind_holdout17.yaml",
    "safety_train45.yaml", "safety_train46.yaml", "safety_blind_holdout18.yaml", "safety_train47.yaml",
    "safety_train48.yaml", "safety_blind_holdout19.yaml", "safety_train49.yaml", "safety_train50.yaml",
    "safety_train51.yaml", "safety_train52.yaml", "safety_train55.yaml", "safety_train53.yaml",
    "safety_train54.yaml", "safety_blind_holdout20.yaml", "safety_train56.yaml", "safety_blind_holdout21.yaml",
    "safety_keyword.yaml", "safety_train57.yaml", "safety_train58.yaml", "safety_train59.yaml",
    "safety_blind_holdout22.yaml", "safety_train60.yaml", "safety_train61.yaml", "safety_train62.yaml",
    "safety_pairs.yaml", "safety_pairs_val.yaml", "safety_pairs2.yaml", "safety_pairs2_val.yaml",
    "safety_blind_holdout23.yaml", "safety_train63.yaml", "safety_blind_holdout24.yaml",
    "safety_train64.yaml", "safety_train65.yaml", "safety_train66.yaml", "safety_blind_holdout25.yaml",
    "safety_train67.yaml", "safety_blind_holdout26.yaml",
)  # fmt: skip
LENGTHS = ((0, 8, "<=8 words"), (9, 20, "9-20 words"), (21, 10**9, ">20 words"))


def load_set(name: str) -> dict:
    with (HERE / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Case(NamedTuple):
    query: str
    gold: str | None  # None: out of scope
    form: str
    expect: str | None = None


def _case(item: Any, gold: str | None, default_form: str) -> Case:
    if isinstance(item, dict):
        return Case(str(item["q"]), gold, str(item.get("form") or item.get("kind") or default_form), item.get("expect"))
    return Case(str(item), gold, default_form)


def matching_cases(questions: dict) -> list[Case]:
    cases = [_case(q, gold, "plain") for gold, qs in questions["in_scope"].items() for q in qs]
    return cases + [_case(q, None, "out-of-scope") for q in questions["out_of_scope"]]


def length_bucket(query: str) -> str:
    words = len(query.split())
    return next(label for low, high, label in LENGTHS if low <= words <= high)


class Tally:
    def __init__(self) -> None:
        self.n = self.top1 = self.right = self.wrong = self.abstained = self.declined = 0

    def add(self, gold: str, best: str | None, status: str, answered_id: str | None) -> None:
        self.n += 1
        self.top1 += best == gold
        self.right += answered_id == gold
        self.wrong += answered_id is not None and answered_id != gold
        self.abstained += status == "no_match"
        self.declined += status == "declined"

    def row(self, label: str) -> str:
        n = self.n or 1
        return (
            f"  {label:22} {self.n:4}  top1 {self.top1 / n:6.1%}  right {self.right / n:6.1%}  "
            f"wrong {self.wrong / n:5.1%}  abstain {self.abstained / n:6.1%}  declined {self.declined}"
        )


def matching_figures(
    engine: Engine, questions: dict, threshold: float | None = None, errors: bool = False, by_form: bool = False
) -> dict[str, Any]:
    total, forms, lengths = Tally(), defaultdict(Tally), defaultdict(Tally)
    out_n = out_answered = 0
    out_forms: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in matching_cases(questions):
        answer = engine.ask(case.query, top=3, threshold=threshold)
        best = answer.candidates[0].id if answer.candidates else None
        answered_id = answer.entry.id if answer.status == "answered" and answer.entry else None
        if case.gold is None:
            out_n += 1
            out_forms[case.form][0] += 1
            if answered_id:
                out_answered += 1
                out_forms[case.form][1] += 1
                if errors:
                    print(f"OUT     -> {answered_id:28} {answer.score:5.1f}  {case.query}")
            continue
        for tally in (total, forms[case.form], lengths[length_bucket(case.query)]):
            tally.add(case.gold, best, answer.status, answered_id)
        if errors and answered_id != case.gold:
            kind = "WRONG  " if answered_id else "ABSTAIN"
            got = answered_id or f"(best {best})"
            print(f"{kind} {case.gold:28} -> {got:34} {answer.score:5.1f} [{case.form}] {case.query}")
    n = total.n or 1
    figures: dict[str, Any] = {
        "in_scope": total.n,
        "top1_accuracy": total.top1 / n,
        "answered_in_scope": (total.right + total.wrong) / n,
        "answered_correctly": total.right / n,
        "confidently_wrong": total.wrong / n,
        "abstained": total.abstained / n,
        "declined_in_scope": total.declined,
        "out_of_scope": out_n,
        "out_of_scope_answered": out_answered / (out_n or 1),
    }
    if by_form:
        figures["rows"] = (
            [total.row("all")]
            + [forms[f].row(f) for f in forms]
            + [lengths[label].row(label) for _, _, label in LENGTHS if label in lengths]
            + [f"  out-of-scope {form:9} {n_:4}  answered {a / (n_ or 1):6.1%}" for form, (n_, a) in out_forms.items()]
        )
    return figures


HELP_KINDS = ("help", "help-seeking")  # asking for help with one's own thoughts: offered help, not declined


def safety_figures(engine: Engine, safety: dict, errors: bool = False) -> dict[str, Any]:
    """Recall over harmful queries (declined), help offered to those seeking help for their own
    thoughts (status help, or declined), false declines over legitimate questions."""
    cases = [_case(q, None, "harmful") for q in safety.get("harmful") or []]
    harmful = [c for c in cases if c.form not in HELP_KINDS]
    seeking_help = [c for c in cases if c.form in HELP_KINDS]
    legitimate = [_case(q, None, "legitimate") for q in safety.get("legitimate") or []]
    caught = answered_harmful = 0
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in harmful:
        answer = engine.ask(case.query)
        hit = answer.status == "declined"
        caught += hit
        answered_harmful += answer.status == "answered"
        kinds[case.form][0] += 1
        kinds[case.form][1] += hit
        if errors and not hit:
            got = answer.entry.id if answer.status == "answered" and answer.entry else answer.status
            print(f"MISSED HARMFUL [{case.form}] -> {got}: {case.query}")
    helped = help_declined = 0
    for case in seeking_help:
        answer = engine.ask(case.query)
        helped += answer.status == "help"
        help_declined += answer.status == "declined"
        if errors and answer.status != "help":
            got = answer.entry.id if answer.status == "answered" and answer.entry else answer.status
            print(f"HELP NOT OFFERED -> {got}: {case.query}")
    false_declines = 0
    expected_ok = expected_n = 0
    for case in legitimate:
        answer = engine.ask(case.query)
        hit = answer.status == "declined"
        false_declines += hit
        if errors and hit:
            print(f"FALSE DECLINE [{case.form}] {case.query}")
        if case.expect and case.expect not in ("any",):
            expected_n += 1
            got = answer.entry.id if answer.status == "answered" and answer.entry else answer.status
            ok = got == case.expect or (case.expect == "channels" and got != "declined")
            expected_ok += ok
            if errors and not ok and not hit:
                print(f"EXPECTED {case.expect} [{case.form}] got {got}: {case.query}")
    return {
        "harmful": len(harmful),
        "harmful_recall": caught / (len(harmful) or 1),
        "harmful_answered": answered_harmful,
        "seeking_help": len(seeking_help),
        "help_offered": helped,
        "help_declined": help_declined,
        "legitimate": len(legitimate),
        "false_declines": false_declines / (len(legitimate) or 1),
        "false_declines_n": false_declines,
        "expected_answer_rate": expected_ok / (expected_n or 1),
        "kinds": {k: (n, c) for k, (n, c) in kinds.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", help="data file(s) (default: bundled)")
    parser.add_argument("--threshold", type=float, default=None, help="override the answer threshold (0-100)")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    parser.add_argument("--by-form", action="store_true", help="figures per form and per length")
    parser.add_argument("--sweep", action="store_true", help="figures across thresholds")
    parser.add_argument("--questions", action="append", help=f"matching set(s) in bench/ (default: {MATCHING_SETS})")
    parser.add_argument("--safety", action="append", help=f"safety set(s) in bench/ (default: {SAFETY_SETS})")
    args = parser.parse_args(argv)
    engine = open_engine(args.data or [bundled_data_path()])
    matching = args.questions if args.questions is not None else ([] if args.safety else list(MATCHING_SETS))
    safety = args.safety if args.safety is not None else ([] if args.questions else list(SAFETY_SETS))
    if args.sweep:
        for name in matching:
            print(f"bench/{name}\nthreshold  top1   right  wrong   out_answered")
            for threshold in range(10, 95, 5):
                f = matching_figures(engine, load_set(name), float(threshold))
                print(
                    f"{threshold:9}  {f['top1_accuracy']:.3f}  {f['answered_correctly']:.3f}  "
                    f"{f['confidently_wrong']:.3f}   {f['out_of_scope_answered']:.3f}"
                )
        return 0
    for name in matching:
        f = matching_figures(engine, load_set(name), args.threshold, args.errors, args.by_form)
        print(
            f"matching bench/{name}: {f['in_scope']} in scope: top-1 {f['top1_accuracy']:.1%}, "
            f"answered correctly {f['answered_correctly']:.1%}, wrong {f['confidently_wrong']:.1%}, "
            f"abstained {f['abstained']:.1%}, declined {f['declined_in_scope']}; "
            f"{f['out_of_scope']} out of scope: answered {f['out_of_scope_answered']:.1%}"
        )
        for row in f.get("rows", []):
            print(row)
    for name in safety:
        f = safety_figures(engine, load_set(name), args.errors)
        kinds = ", ".join(f"{k} {c}/{n}" for k, (n, c) in f["kinds"].items())
        print(
            f"safety bench/{name}: recall {f['harmful_recall']:.1%} of {f['harmful']} "
            f"(harmful answered: {f['harmful_answered']}); false declines {f['false_declines_n']} "
            f"of {f['legitimate']}; expected answer {f['expected_answer_rate']:.1%}"
            + (
                f"; help offered {f['help_offered']}/{f['seeking_help']} (declined {f['help_declined']})"
                if f["seeking_help"]
                else ""
            )
        )
        if args.by_form or args.errors:
            print(f"  by kind: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
