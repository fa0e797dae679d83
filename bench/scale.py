"""Measure factcheck on large data: 10k to 1M entries, against the cost of importing typer.

    python -m bench.scale                         # 10k and 100k entries
    python -m bench.scale --sizes 10k,100k,1m     # 1M takes minutes and GiBs
    python -m bench.scale --runs 5 --keep DIR     # keep the corpora in DIR (and reuse them next time)

Corpora are built from the CLEF-2020 verified claims (../shared/bench/clef2020/
verified_claims.docs.tsv, never copied into this repo), replicated with seeded variations
(a word dropped, two swapped, a word of the corpus and a made-up name inserted, so the
vocabulary grows with the size as real data's does) into files of 20,000 entries, in a
temporary directory. For each size, every process gets a private FACTCHECK_CACHE_DIR:

- first run: `ask --json` with an empty cache (parse, validate, index, write the cache),
  with its peak RSS (os.wait4's ru_maxrss) and its CPU time, workers included (user + system:
  what another load on the machine does not change); with --first-runs N, the median of N
  (and their range), each from an empty cache, a typer import between them;
- a later call: the median of fresh `ask --json` processes on the warm cache, and its peak;
- cache: the size of the cache directory on disk;
- one question in a process: (time of `ask -` with N questions - time with 1) / (N - 1);
- after editing one file: the next call after one data file gained an entry.

Times are also given as ratios to `python -c "import typer"`, measured round-robin in the
same run (bench/speed.py's helpers), so machine load weighs on both alike.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.speed import CLEF_TSV, Run, factcheck_command, median_ms, print_table, run_once

FILE_ENTRIES = 20_000  # ~7 MB of YAML: under the 8 MB per-file limit (25,000 CLEF entries exceed it)
QUESTION = "Did 122 prisoners released from Guantanamo by Obama return to the battlefield?"
BATCH = 50  # questions of the in-process figure
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.lower().split(","):
        part = part.strip()
        if part in SIZES:
            sizes.append(SIZES[part])
        elif part.isdigit():
            sizes.append(int(part))
        elif part:
            raise argparse.ArgumentTypeError(f"unknown size {part!r} (use 10k, 100k, 1m or a number)")
    return sizes


def clef_tsv() -> Path:
    """The verified claims: $CLEF2020_DIR (as bench/clef.py reads it), else ../shared/bench/clef2020."""
    directory = os.environ.get("CLEF2020_DIR")
    return Path(directory) / CLEF_TSV.name if directory else CLEF_TSV


def read_claims() -> list[tuple[str, str]]:
    """(claim, title) of every CLEF verified claim."""
    tsv = clef_tsv()
    if not tsv.is_file():
        raise SystemExit(f"bench.scale needs the CLEF-2020 benchmark at {tsv} (or set CLEF2020_DIR)")
    with tsv.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows, None)
        claims = []
        for row in rows:
            claim = " ".join(row[1].split()) if len(row) > 1 else ""
            title = " ".join(row[2].split()) if len(row) > 2 else ""
            if claim or title:
                claims.append((claim or title, title or claim))
    return claims


def _vary(text: str, rng: random.Random, words: Sequence[str], name: str) -> str:
    tokens = text.split()
    if len(tokens) > 3:
        del tokens[rng.randrange(len(tokens))]
        i = rng.randrange(len(tokens) - 1)
        tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
    tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(words))
    tokens.insert(rng.randrange(len(tokens) + 1), name)
    return " ".join(tokens)


def _made_up(rng: random.Random) -> str:
    syllables = ("ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "ze", "pa", "du", "gi", "ol", "an", "er")
    return "".join(rng.choices(syllables, k=rng.randint(2, 4))).capitalize()


def entries(count: int, claims: Sequence[tuple[str, str]]) -> list[dict[str, object]]:
    """`count` entries: the claims as they are, then replicas with seeded variations."""
    rng = random.Random(17)
    words = sorted({w for claim, _ in claims for w in claim.split() if w.isalpha() and len(w) > 3})
    names = [_made_up(rng) for _ in range(max(count // 20, 100))]  # ~1 new word per 20 entries
    out: list[dict[str, object]] = []
    for n in range(count):
        claim, title = claims[n % len(claims)]
        if n >= len(claims):
            name = names[rng.randrange(len(names))]
            claim, title = _vary(claim, rng, words, name), _vary(title, rng, words, name)
        entry: dict[str, object] = {
            "id": f"vclaim-{n}", "question": title,
            "claim": claim.replace("?", "").strip() or "(no text)", "verdict": "unproven",
        }  # fmt: skip
        if claim != title:
            entry["aliases"] = [claim]
        out.append(entry)
    return out


def write_corpus(directory: Path, count: int, claims: Sequence[tuple[str, str]]) -> list[Path]:
    """`count` entries in YAML files of FILE_ENTRIES each."""
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    data = entries(count, claims)
    paths = []
    for number, start in enumerate(range(0, count, FILE_ENTRIES)):
        path = directory / f"claims-{number:03d}.yaml"
        chunk = {"entries": data[start : start + FILE_ENTRIES]}
        path.write_text(yaml.safe_dump(chunk, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        paths.append(path)
    return paths


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def timed_input(argv: Sequence[str], env: dict[str, str], text: str) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, input=text, text=True, capture_output=True, check=False)
    return time.perf_counter() - start


def dev_tweets(count: int) -> list[str]:
    path = clef_tsv().parent / "dev" / "tweets.queries.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))[1:]
    return [" ".join(r[1].split()) for r in rows if len(r) > 1 and r[1].strip()][:count]


def measure_size(
    count: int, corpus: Path, work: Path, runs: int, claims: Sequence[tuple[str, str]], first_runs: int = 1
) -> dict[str, float]:
    dropped = ("FACTCHECK_DATA", "FACTCHECK_NO_CACHE", "NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    base_env = {k: v for k, v in os.environ.items() if k not in dropped}
    started = time.perf_counter()
    paths = sorted(corpus.glob("claims-*.yaml"))
    if len(paths) != -(-count // FILE_ENTRIES):  # not kept from an earlier run (--keep): write it
        paths = write_corpus(corpus, count, claims)
        print(f"  {count:,} entries: {len(paths)} files written in {time.perf_counter() - started:.1f} s", flush=True)
    cache = work / f"cache-{count}"
    env = {**base_env, "FACTCHECK_CACHE_DIR": str(cache)}
    data_args = [a for p in paths for a in ("--data", str(p))]
    ask = [*factcheck_command(), "ask", QUESTION, "--json", *data_args]
    baseline_cmd = [sys.executable, "-c", "import typer"]

    baseline: list[Run] = []
    firsts: list[Run] = []
    for number in range(first_runs):  # each with an empty cache; the last one's is kept for what follows
        shutil.rmtree(cache, ignore_errors=True)
        if number:
            baseline.append(run_once(baseline_cmd, base_env))
        first = run_once(ask, env)
        if first.code != 0:  # QUESTION is answered at every size; a crash exits 1 too, as "no match" would
            done = subprocess.run(ask, env=env, capture_output=True, text=True, check=False)
            raise SystemExit(f"first run failed (exit {first.code}): {done.stderr.strip()[:500]}")
        firsts.append(first)
        cpu, peak = first.cpu_seconds, first.max_rss_mb
        print(f"  first run {first.seconds:.1f} s ({cpu:.1f} s CPU), peak {peak:.0f} MiB", flush=True)
    cache_bytes = dir_size(cache)
    later: list[Run] = []
    run_once(ask, env)  # warm the page cache
    for _ in range(runs):  # round-robin with the baseline
        baseline.append(run_once(baseline_cmd, base_env))
        later.append(run_once(ask, env))

    batch_cmd = [*factcheck_command(), "ask", "-", "--json", "--top", "5", *data_args]
    tweets = dev_tweets(BATCH)
    one = statistics.median(timed_input(batch_cmd, env, tweets[0] + "\n") for _ in range(3))
    many = statistics.median(timed_input(batch_cmd, env, "\n".join(tweets) + "\n") for _ in range(3))
    per_question = (many - one) / (len(tweets) - 1)

    # Edit one file: one more entry at its end, then the next call.
    edited = paths[len(paths) // 2]
    original = edited.read_bytes()
    with edited.open("a", encoding="utf-8") as handle:
        handle.write(
            f"- id: added-entry-{count}\n  question: Was a new entry added to this file?\n"
            "  claim: A new entry was added to this file.\n  verdict: unproven\n"
        )
    after_edit = run_once(ask, env)
    edited.write_bytes(original)  # a kept corpus stays as written
    return {
        "baseline_ms": median_ms(baseline),
        "first_s": statistics.median(r.seconds for r in firsts),
        "first_min_s": min(r.seconds for r in firsts),
        "first_max_s": max(r.seconds for r in firsts),
        "first_cpu_s": statistics.median(r.cpu_seconds for r in firsts),
        "first_peak_mib": max(r.max_rss_mb for r in firsts),
        "later_ms": median_ms(later),
        "later_peak_mib": max(r.max_rss_mb for r in later),
        "cache_mb": cache_bytes / 1e6,
        "question_ms": per_question * 1000,
        "edit_s": after_edit.seconds,
        "edit_ratio": after_edit.seconds * 1000 / median_ms(baseline),
    }


def _first_run(figures: dict[str, float], base_ms: float) -> str:
    """The first run's median, with its range when there were several, and its ratio to the typer import."""
    low, high = figures.get("first_min_s", figures["first_s"]), figures.get("first_max_s", figures["first_s"])
    spread = f" [{low:.1f}-{high:.1f}]" if high - low >= 0.05 else ""
    return f"{figures['first_s']:.1f} s{spread} ({figures['first_s'] * 1000 / base_ms:.0f}x)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("10k,100k"), help="e.g. 10k,100k,1m")
    parser.add_argument("--runs", type=int, default=5, help="later calls (and baselines) per size (default 5)")
    parser.add_argument(
        "--keep", type=Path, help="keep the corpora in DIR/corpus-N, and reuse them when there (default: a temp dir)"
    )
    parser.add_argument(
        "--first-runs",
        type=int,
        default=1,
        help="first runs per size, each from an empty cache: their median (default 1)",
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    claims = read_claims()
    work = Path(tempfile.mkdtemp(prefix="factcheck-scale-"))
    results: dict[int, dict[str, float]] = {}
    try:
        print(f"factcheck scale: python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}", flush=True)
        for count in args.sizes:
            corpus = (args.keep or work) / f"corpus-{count}"
            results[count] = measure_size(count, corpus, work, max(args.runs, 1), claims, max(args.first_runs, 1))
            if not args.keep:
                shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(work / f"cache-{count}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for count, r in results.items():
        base = r["baseline_ms"]
        rows.append((
            f"{count:,}", _first_run(r, base), f"{r['first_cpu_s']:.1f} s",
            f"{r['first_peak_mib']:.0f} MiB",
            f"{r['later_ms']:.0f} ms ({r['later_ms'] / base:.2f}x)", f"{r['later_peak_mib']:.0f} MiB",
            f"{r['cache_mb']:.1f} MB", f"{r['question_ms']:.1f} ms",
            f"{r['edit_s'] * 1000:.0f} ms ({r['edit_ratio']:.1f}x)", f"{base:.0f} ms",
        ))  # fmt: skip
    print(f"load after: {os.getloadavg()[0]:.2f}")
    header = ("entries", "first run", "its CPU", "first peak", "later call", "later peak", "cache", "a question",
              "after editing one file", "typer import")  # fmt: skip
    print_table(header, rows)
    if args.json:
        print(json.dumps({str(k): v for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
