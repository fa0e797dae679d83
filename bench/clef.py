"""Score the matcher at scale on the CLEF-2020 CheckThat! Task 2 claim-retrieval benchmark.

    python -m bench.clef                  # dev split, through the real CLI
    python -m bench.clef --split train
    python -m bench.clef --dir PATH       # where the benchmark lives

The benchmark stays in ../shared/bench/clef2020/ (never copied into this repo). Its
10,375 verified claims become a factcheck data file (question = the fact-check's
title, aliases = [the claim], verdict unproven); the split's raw tweets go through
`factcheck ask --data FILE --json --top 5 -` in one process, and the ranked
candidates are scored against the gold pairs: MAP@5 (the task's official measure)
and P@1. Duplicate claims are kept as they are; ties go to the entry first in the
file (the older id), as the gold pairs expect.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench" / "clef2020"


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows by position: the files' first header cell (the id) is blank."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [dict(zip(columns, row, strict=False)) for row in rows[1:] if row]


def claims_to_data(rows: list[dict[str, str]]) -> dict:
    entries = []
    for row in rows:
        claim = " ".join(row["vclaim"].split())
        title = " ".join((row.get("title") or "").split()) or claim
        rated = claim.replace("?", "").strip() or title.replace("?", "").strip() or "(no text)"
        entry = {"id": f"vclaim-{row['vclaim_id']}", "question": title, "claim": rated, "verdict": "unproven"}
        if claim and claim != title:
            entry["aliases"] = [claim]
        entries.append(entry)
    return {"entries": entries}


def write_data_file(bench_dir: Path, out_dir: Path) -> Path:
    path = out_dir / "clef2020-claims.yaml"
    data = claims_to_data(read_tsv(bench_dir / "verified_claims.docs.tsv", ("vclaim_id", "vclaim", "title")))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def gold_pairs(path: Path) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            gold.setdefault(parts[0], set()).add(f"vclaim-{parts[2]}")
    return gold


def average_precision_at_5(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for rank, entry_id in enumerate(ranked[:5], 1):
        if entry_id in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), 5) if relevant else 0.0


def factcheck_command() -> list[str]:
    script = Path(sys.executable).parent / "factcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "factcheck"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("CLEF2020_DIR", DEFAULT_DIR)))
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--keep", type=Path, help="also write the converted data file here")
    args = parser.parse_args(argv)
    if not (args.dir / "verified_claims.docs.tsv").is_file():
        print(f"skipped: the CLEF-2020 benchmark is not at {args.dir} (use --dir)")
        return 0
    tweets = read_tsv(args.dir / args.split / "tweets.queries.tsv", ("tweet_id", "tweet_content"))
    gold = gold_pairs(args.dir / args.split / "tweet-vclaim-pairs.qrels")
    with tempfile.TemporaryDirectory() as tmp:
        data_file = write_data_file(args.dir, Path(tmp))
        if args.keep:
            args.keep.write_bytes(data_file.read_bytes())
        # One line per tweet: newlines inside a tweet would split it into two questions.
        lines = [" ".join(t["tweet_content"].split()) or "-" for t in tweets]
        env = {**os.environ, "FACTCHECK_CACHE_DIR": str(Path(tmp) / "cache")}
        timings = []
        for label in ("first run (builds the index)", "second run"):
            started = time.perf_counter()
            done = subprocess.run(
                [*factcheck_command(), "ask", "--data", str(data_file), "--json", "--top", "5", "-"],
                input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, check=False,
            )  # fmt: skip
            timings.append((label, time.perf_counter() - started))
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return 2
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(tweets), "one result per tweet"
    ap, p1 = [], []
    for tweet, result in zip(tweets, results, strict=True):
        ranked = [c["id"] for c in result["candidates"]]
        relevant = gold.get(tweet["tweet_id"], set())
        ap.append(average_precision_at_5(ranked, relevant))
        p1.append(1.0 if ranked[:1] and ranked[0] in relevant else 0.0)
    print(f"CLEF-2020 task 2, {args.split} split: {len(tweets)} tweets ranked against 10,375 verified claims")
    print(f"  MAP@5  {sum(ap) / len(ap):.3f}   (target >= 0.76 on dev; BM25 0.69-0.74, MiniLM 0.79)")
    print(f"  P@1    {sum(p1) / len(p1):.3f}")
    for label, seconds in timings:
        print(f"  {label}: {seconds:.2f} s for the whole batch, {1000 * seconds / len(tweets):.1f} ms a tweet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
