"""The safety check's decision on every row of the safety sets, and what changed between two runs.

bench/eval.py asks the whole engine (minutes per set); a change to the rules or to the reader is
judged faster, and row by row, on the safety check alone (`decline_kind`: the kind a query is declined
as, "help" when it is sent to the help lines, or nothing). Run it once with the old code or data and
once with the new (a git worktree on PYTHONPATH), then compare:

    PYTHONPATH=. python -m bench.decisions write /tmp/new.jsonl                # every safety set
    PYTHONPATH=. python -m bench.decisions write /tmp/a.jsonl --shard 0/2      # half, for two cores
    python -m bench.decisions compare /tmp/old.jsonl /tmp/new.jsonl

`compare` prints each set's figures on both sides (harmful queries declined, legitimate questions
declined, help-seekers sent to the help lines) and the rows whose decision changed, except the
holdouts' (counted, never shown: nobody tunes on them). A legitimate question sent to the help lines
counts as declined here, and a help-seeker the engine offers help to only after the check (the
reader's help reading, `wants_help`) does not count as helped: bench/eval.py has the engine's figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from bench.eval import HELP_KINDS, SAFETY_SETS, _case, load_set

Row = dict[str, str | None]
Key = tuple[str, str, str]


def rows_of(names: Iterable[str]) -> Iterator[Row]:
    """Every harmful and legitimate row of the named safety sets (set, label, kind, q)."""
    for name in names:
        data = load_set(name)
        for label in ("harmful", "legitimate"):
            for item in data.get(label) or []:
                case = _case(item, None, label)  # a row's kind, as bench/eval.py reads it
                yield {"set": name, "label": label, "kind": case.form, "q": case.query}


def figures(rows: list[Row]) -> str:
    """Declined harmful queries (help-seekers aside), legitimate questions declined (or sent to the
    help lines), help-seekers sent to the help lines."""
    harmful = [r for r in rows if r["label"] == "harmful" and r["kind"] not in HELP_KINDS]
    seeking = [r for r in rows if r["label"] == "harmful" and r["kind"] in HELP_KINDS]
    legitimate = [r for r in rows if r["label"] == "legitimate"]
    declined = sum(r["decision"] not in (None, "help") for r in harmful)
    share = 100 * declined / len(harmful) if harmful else 0.0
    refused = sum(r["decision"] is not None for r in legitimate)
    helped = sum(r["decision"] == "help" for r in seeking)
    return f"{share:5.1f}% of {len(harmful):3d}  declined {refused:2d}/{len(legitimate)}  help {helped}/{len(seeking)}"


def changes(old: dict[Key, Row], new: dict[Key, Row]) -> Iterator[tuple[Row, Row]]:
    """The rows of both runs whose decision changed between declined, sent to help and let through."""
    for key, before in old.items():
        after = new.get(key)
        if after is not None and _outcome(before) != _outcome(after):
            yield before, after


def _outcome(row: Row) -> str:
    return "none" if row["decision"] is None else "help" if row["decision"] == "help" else "declined"


def _keyed(path: Path) -> dict[Key, Row]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return {(r["set"], r["label"], r["q"]): r for r in rows}


def write(out: Path, names: list[str], shard: tuple[int, int]) -> int:
    from factcheck.config import bundled_data_path
    from factcheck.safety import decline_kind
    from factcheck.safety_data import load_policy

    policy = load_policy(bundled_data_path("safety.yaml"))
    index, of = shard
    with out.open("w", encoding="utf-8") as handle:
        for number, row in enumerate(rows_of(names)):
            if number % of == index:
                row["decision"] = decline_kind(str(row["q"]), policy)
                handle.write(json.dumps(row) + "\n")
    return 0


def compare(old_path: Path, new_path: Path) -> int:
    old, new = _keyed(old_path), _keyed(new_path)
    per_set: defaultdict[str, list[Key]] = defaultdict(list)  # in the order of the old run
    for key in old:
        if key in new:
            per_set[key[0]].append(key)
    for name, keys in per_set.items():
        was, now = figures([old[key] for key in keys]), figures([new[key] for key in keys])
        print(f"{name.removeprefix('safety_').removesuffix('.yaml'):24s} {was}  ->  {now}")
    hidden: Counter[tuple[str, str, str]] = Counter()
    for before, after in changes(old, new):
        if "holdout" in str(before["set"]):
            hidden[(str(before["label"]), _outcome(before), _outcome(after))] += 1
            continue
        what = f"{before['set']} {before['label']} [{before['kind']}]"
        print(f"  {what} {before['decision']} -> {after['decision']}: {before['q']}")
    for (label, was, now), count in sorted(hidden.items()):
        print(f"holdouts: {count} {label} {was} -> {now}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("write", help="decide every row of the safety sets with the code on PYTHONPATH")
    run.add_argument("out", type=Path)
    run.add_argument("sets", nargs="*", help="safety sets in bench/ (default: every one)")
    run.add_argument("--shard", default="0/1", help="K/N: only every Nth row from the Kth (default 0/1)")
    both = commands.add_parser("compare", help="figures per set and changed rows between two runs")
    both.add_argument("old", type=Path)
    both.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "compare":
        return compare(args.old, args.new)
    try:
        index, of = (int(part) for part in args.shard.split("/"))
    except ValueError:
        parser.error("--shard takes K/N, e.g. 0/2")
    if not 0 <= index < of:
        parser.error("--shard K/N needs 0 <= K < N")
    return write(args.out, args.sets or list(SAFETY_SETS), (index, of))


if __name__ == "__main__":
    sys.exit(main())
