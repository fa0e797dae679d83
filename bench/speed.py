"""Time whole factcheck processes against the cost of starting Python and importing typer.

    python -m bench.speed                 # the table; always exits 0 (it is a report)
    python -m bench.speed --runs 20       # more runs per figure (default 10, after a warm-up)
    python -m bench.speed --check         # exit 1 when a budget fails

Each figure is the median wall time of a whole process (the console script next to this
Python), as a ratio against `python -c "import typer"` (same Python) measured in the same
run, round-robin, so machine load weighs on both alike. Every command gets a private,
temporary FACTCHECK_CACHE_DIR, so the machine's own cache never skews a figure; the
"cached" figures are warmed by the warm-up run. The 10,000-entry data file is written
to a temporary directory: converted from ../shared/bench/clef2020/verified_claims.docs.tsv
when present (question = title, aliases = [vclaim]), otherwise synthetic words from a
fixed seed. Peak memory is the child's own ru_maxrss (os.wait4). Rows without a budget
are context: the uncached run, and the floors any typer command starts from.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEF_TSV = ROOT.parent / "shared" / "bench" / "clef2020" / "verified_claims.docs.tsv"
QUESTION = "do police trace every IP?"
BIG_ENTRIES = 10_000
ARTICLE_WORDS = 5_000
SEEDS = ROOT.parent / "shared" / "seeds"

# (figure, budget as a ratio to the baseline) for the per-process figures.
RATIO_BUDGETS = {
    "ask --json": 1.3,
    "ask --color always": 1.8,
    "list --json": 1.3,
    "10k: ask --json (cached)": 2.0,
    "check: 5,000-word article": 10.0,  # "well under a second": 0.5 s at a 50 ms baseline (measured 8.4x)
}
COLD_BUDGET_S = 3.0
PEAK_BUDGET_MB = 150.0


@dataclass
class Run:
    seconds: float
    code: int
    max_rss_mb: float
    cpu_seconds: float = 0.0  # user + system, with the children it waited for (workers): load-independent


def factcheck_command() -> list[str]:
    """The console script installed next to this Python, else `python -m factcheck`."""
    script = Path(sys.executable).with_name("factcheck")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "factcheck"]


def run_once(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Wall time, exit code and peak RSS of one whole process (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    rss = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)  # bytes on macOS, KiB elsewhere
    return Run(seconds, proc.returncode, rss, usage.ru_utime + usage.ru_stime)


def write_big_data(path: Path, count: int = BIG_ENTRIES) -> str:
    """A `count`-entry data file; returns where its text came from."""
    import yaml

    entries: list[dict[str, object]] = []
    origin = "synthetic (seed 6)"
    if CLEF_TSV.is_file():
        with CLEF_TSV.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows, None)  # header
            for n, row in enumerate(rows):
                if len(entries) == count:
                    break
                claim = row[1].strip() if len(row) > 1 else ""
                title = row[2].strip() if len(row) > 2 else ""
                if not (claim or title):
                    continue
                entry: dict[str, object] = {
                    "id": f"vclaim-{n}", "question": title or claim,
                    "claim": (claim or title).replace("?", "") or "(no text)", "verdict": "unproven",
                }  # fmt: skip
                if title and claim:
                    entry["aliases"] = [claim]
                entries.append(entry)
        origin = f"{CLEF_TSV.name}, first {len(entries)} rows"
    if len(entries) < count:  # no benchmark file, or too few rows: pad with synthetic entries
        rng = random.Random(6)
        letters = "abcdefghijklmnopqrstuvwxyz"
        vocabulary = sorted({"".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(30_000)})
        while len(entries) < count:
            n = len(entries)
            words = rng.choices(vocabulary, k=rng.randint(6, 14))
            alias = rng.choices(vocabulary, k=rng.randint(8, 20))
            entries.append({
                "id": f"synthetic-{n}", "question": " ".join(words).capitalize() + "?",
                "claim": " ".join(words).capitalize() + ".", "verdict": "unproven",
                "aliases": [" ".join(alias)],
            })  # fmt: skip
        if CLEF_TSV.is_file():
            origin += f", padded with synthetic entries to {count}"
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False, width=1000),
                    encoding="utf-8")  # fmt: skip
    return origin


def write_article(path: Path, words: int = ARTICLE_WORDS) -> str:
    """A `words`-word article for `check`: the seed articles and the test article in turn, cut at `words`."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts.append((ROOT / "tests" / "check" / "article.md").read_text(encoding="utf-8"))
    lines: list[str] = []
    count = 0
    while count < words:
        for line in texts[len(lines) % len(texts)].splitlines() + [""]:
            taken = line.split()[: words - count]
            lines.append(" ".join(taken) if len(taken) < len(line.split()) else line)
            count += len(taken)
            if count >= words:
                break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{len(texts) - 1} seed articles and tests/check/article.md" if len(texts) > 1 else "tests/check/article.md"


def median_ms(runs: Sequence[Run]) -> float:
    return statistics.median(r.seconds for r in runs) * 1000


def check_output(argv: Sequence[str], env: dict[str, str], expect_json: bool) -> str | None:
    """A problem with what the command prints (wrong exit code, broken JSON), or None."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        return f"exit {done.returncode}: {done.stderr.strip()[:300]}"
    if expect_json:
        try:
            json.loads(done.stdout)
        except ValueError:
            return f"output is not JSON: {done.stdout[:200]!r}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per figure after one warm-up (default 10)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold-cache runs of the 10k build (default 3)")
    parser.add_argument("--check", action="store_true", help="exit 1 when any budget fails")
    args = parser.parse_args(argv)
    runs = max(args.runs, 1)

    tmp = Path(tempfile.mkdtemp(prefix="factcheck-speed-"))
    try:
        return measure(tmp, runs, max(args.cold_runs, 1), args.check)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(tmp: Path, runs: int, cold_runs: int, check: bool) -> int:
    # PYTHONDONTWRITEBYTECODE would make every run recompile factcheck from source (an
    # editable install has no .pyc until a run writes one; `pip install .` ships them).
    dropped = ("FACTCHECK_DATA", "FACTCHECK_NO_CACHE", "NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    base_env = {k: v for k, v in os.environ.items() if k not in dropped}
    base_env["COLUMNS"] = "100"
    fc = factcheck_command()
    big = tmp / "big.yaml"
    origin = write_big_data(big)
    article = tmp / "article.txt"
    article_origin = write_article(article)

    def env_for(name: str) -> dict[str, str]:
        return {**base_env, "FACTCHECK_CACHE_DIR": str(tmp / f"cache-{name}")}

    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "baseline: python -c 'import typer'": ([sys.executable, "-c", "import typer"], base_env),
        "ask --json": ([*fc, "ask", QUESTION, "--json"], env_for("ask")),
        "ask --color always": ([*fc, "ask", QUESTION, "--color", "always"], env_for("color")),
        "list --json": ([*fc, "list", "--json"], env_for("list")),
        "10k: ask --json (cached)": ([*fc, "ask", QUESTION, "--json", "--data", str(big)], env_for("big")),
        "check: 5,000-word article": ([*fc, "check", "--json", str(article)], env_for("check")),
        # For context, no budget: the same without the cache; the CLI's own start.
        "ask --json, FACTCHECK_NO_CACHE=1": ([*fc, "ask", QUESTION, "--json"], {**base_env, "FACTCHECK_NO_CACHE": "1"}),
        "floor: factcheck --version": ([*fc, "--version"], base_env),
    }
    for name, (cmd, env) in commands.items():  # also warms each private cache
        problem = check_output(cmd, env, expect_json="--json" in cmd and "check" not in cmd)  # check: JSON Lines
        if problem:
            print(f"warning: {name}: {problem}", file=sys.stderr)
    timings: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):  # round-robin: load on the machine weighs on every figure alike
        for name, (cmd, env) in commands.items():
            timings[name].append(run_once(cmd, env))

    cold: list[Run] = []
    for n in range(cold_runs):  # each with an empty private cache: parse, validate, index, write
        cmd = [*fc, "ask", QUESTION, "--json", "--data", str(big)]
        cold.append(run_once(cmd, env_for(f"cold-{n}")))

    baseline = median_ms(timings["baseline: python -c 'import typer'"])
    rows: list[tuple[str, str, str, str, str]] = []
    failures = 0

    def row(name: str, value: str, ratio: str, budget: str, ok: bool | None) -> None:
        nonlocal failures
        failures += ok is False
        rows.append((name, value, ratio, budget, "" if ok is None else ("PASS" if ok else "FAIL")))

    for name, samples in timings.items():
        ms = median_ms(samples)
        budget = RATIO_BUDGETS.get(name)
        ratio = ms / baseline
        ok = ratio <= budget if budget else None
        row(name, f"{ms:.0f} ms", f"{ratio:.2f}x", f"<= {budget}x" if budget else "", ok)
    cold_s = statistics.median(r.seconds for r in cold)
    row("10k: first run (cold cache, build)", f"{cold_s * 1000:.0f} ms", f"{cold_s * 1000 / baseline:.2f}x",
        f"< {COLD_BUDGET_S:.0f} s", cold_s < COLD_BUDGET_S)  # fmt: skip
    peak = max(r.max_rss_mb for r in [*cold, *timings["10k: ask --json (cached)"]])
    row("10k: peak RSS (build or cached ask)", f"{peak:.0f} MB", "", f"< {PEAK_BUDGET_MB:.0f} MB",
        peak < PEAK_BUDGET_MB)  # fmt: skip

    print(f"factcheck speed: {runs} runs per figure after a warm-up (median), {cold_runs} cold runs; "
          f"python {sys.version.split()[0]}; 10k data: {origin}; article: {article_origin}")  # fmt: skip
    print_table(("figure", "median", "ratio", "budget", ""), rows)
    bad_exit = [n for n, s in timings.items() if any(r.code not in (0, 1) for r in s)]
    bad_exit += ["10k cold"] if any(r.code not in (0, 1) for r in cold) else []
    if bad_exit:
        print(f"warning: unexpected exit codes in: {', '.join(bad_exit)}", file=sys.stderr)
    return 1 if check and (failures or bad_exit) else 0


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], out: Callable[[str], None] = print) -> None:
    """A markdown table, so the output can be pasted into the README or an issue."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    out("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    out("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        out("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


if __name__ == "__main__":
    sys.exit(main())
