"""`factcheck ask [--json] QUESTION` without the CLI framework: the calls people and scripts make most.

Importing typer and click costs about as much as the rest of such a call, so a plain
`ask` (the question as arguments, `--json` once or `--color WHEN` once, no other option
but `--data PATH`) and a plain `check [--json] FILE` (one regular file) are answered here,
with the output and exit code of the full CLI (factcheck.cli), which a test compares.
Everything else, and anything unusual on the way (a data problem, a warning to print, an
empty question), goes to the full CLI, which reports it as always: this path has written
nothing by then.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from factcheck.errors import ExitCode, FactcheckError

if TYPE_CHECKING:
    from factcheck.engine import Engine


def plain_json_question(argv: Sequence[str]) -> str | None:
    """The question of `ask --json WORDS...` (`--json` anywhere after `ask`), else None."""
    if len(argv) < 3 or argv[0] != "ask" or argv.count("--json") != 1:
        return None
    words = [word for word in argv[1:] if word != "--json"]
    if any(word.startswith("-") or not word for word in words):
        return None  # an option, `-` (a batch), `--`, an empty word: the full CLI's
    from factcheck.text import argument_text

    return " ".join(argument_text(word) for word in words).strip() or None


COLORS = ("auto", "always", "never")


def plain_text_question(argv: Sequence[str]) -> tuple[str, str] | None:
    """(question, colour) of `ask WORDS...` with at most one `--color WHEN` (in two words), else None."""
    if len(argv) < 2 or argv[0] != "ask" or "--json" in argv:
        return None
    words, color = list(argv[1:]), "auto"
    if "--color" in words:
        at = words.index("--color")
        if words.count("--color") != 1 or at + 1 == len(words) or words[at + 1] not in COLORS:
            return None
        color = words[at + 1]
        del words[at : at + 2]
    if not words or any(word.startswith("-") or not word for word in words):
        return None  # no question, an option, `-` (a batch), `--`, an empty word: the full CLI's
    from factcheck.text import argument_text

    question = " ".join(argument_text(word) for word in words).strip()
    return (question, color) if question else None


def plain_check_file(argv: Sequence[str]) -> tuple[str, bool] | None:
    """(file, JSON?) of `check [--json] FILE` for one regular file, else None."""
    if not argv or argv[0] != "check":
        return None
    words = list(argv[1:])
    json = words.count("--json") == 1
    if json:
        words.remove("--json")
    if len(words) != 1 or words[0].startswith("-") or not os.path.isfile(words[0]):
        return None  # stdin, several files, an option, a missing file or a directory: the full CLI's
    return words[0], json


def without_data(argv: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """`ask ...` or `check ...` without its `--data PATH` options, and their paths; None when a
    `--data` has no plain path after it (`--data=PATH`, `-d`: the full CLI's)."""
    if not argv or argv[0] not in ("ask", "check"):
        return None
    rest, data = [argv[0]], []
    words = iter(argv[1:])
    for word in words:
        if word != "--data":
            rest.append(word)
            continue
        path = next(words, "")
        if not path or path.startswith("-"):
            return None
        data.append(path)
    return rest, data


def _engine(data: Sequence[str]) -> Engine | None:
    """The engine of the full CLI's `--data` choice, or None to leave the call to the full CLI
    (a data problem, or warnings to print)."""
    from pathlib import Path

    from factcheck.config import data_paths
    from factcheck.engine import open_engine

    try:
        engine = open_engine(data_paths([Path(path) for path in data]))  # chosen as the full CLI's --data
    except FactcheckError:
        return None
    return None if engine.warnings else engine


def answer_json(question: str, data: Sequence[str] = ()) -> tuple[str, int] | None:
    """The JSON text and exit code of `ask --json question [--data PATH]...`, or None to leave it to the full CLI."""
    engine = _engine(data)
    if engine is None:
        return None
    from factcheck.views import answer_dict, json_text

    answer = engine.ask(question)
    return json_text(answer_dict(answer, engine.catalog)), _exit_code(answer.status == "answered")


def answer_text(question: str, color: str, data: Sequence[str] = ()) -> int | None:
    """Show the answer to `ask question [--color WHEN] [--data PATH]` as the full CLI does; its exit
    code, or None to leave it to the full CLI (nothing written then)."""
    engine = _engine(data)
    if engine is None:
        return None
    from factcheck.render import show_answer

    answer = engine.ask(question)
    show_answer(answer, engine.catalog, color)
    return _exit_code(answer.status == "answered")


def check_file(name: str, json: bool, data: Sequence[str] = ()) -> int | None:
    """Show what `check [--json] name [--data PATH]` shows; its exit code, or None to leave it to the
    full CLI (the file unreadable, a data problem: nothing written then)."""
    from factcheck.spotting import read_text, spot
    from factcheck.text import argument_text

    engine = _engine(data)
    if engine is None:
        return None
    try:
        report = spot(engine, read_text(name))
    except (FactcheckError, OSError):
        return None
    shown = argument_text(name)
    if json:  # without rich: JSON needs no console
        from factcheck.views import findings_json_lines

        sys.stdout.write(findings_json_lines(report.findings, shown))
    else:
        from factcheck.render import check_summary, finding_view, make_console

        console = make_console("auto")
        for finding in report.findings:
            finding_view(console, finding, shown)
        check_summary(console, list(report.findings), report.sentences, report.declined)
    return _exit_code(bool(report.findings))


def _exit_code(found: bool) -> int:
    return int(ExitCode.OK if found else ExitCode.NOT_ANSWERED)


def run(argv: Sequence[str]) -> int | None:
    """Answer a plain `ask` or `check` and return its exit code; None when the full CLI must run."""
    split = without_data(argv)
    if split is None:
        return None
    words, data = split
    checked = plain_check_file(words)
    question = plain_json_question(words) if checked is None else None
    shown = plain_text_question(words) if checked is None and question is None else None
    if checked is None and question is None and shown is None:
        return None
    if sys.stdout is None:  # started with stdout closed: the full CLI handles it
        return None
    if hasattr(sys.stdout, "reconfigure"):  # a non-UTF-8 locale: '?', not a crash (as in the CLI)
        sys.stdout.reconfigure(errors="replace")
    try:
        if checked is not None:
            code = check_file(*checked, data)
        elif shown is not None:
            code = answer_text(*shown, data)
        else:
            assert question is not None
            result = answer_json(question, data)
            if result is None:
                return None
            text, code = result
            sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away: stop quietly, exit 1 (as in the CLI)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.NOT_ANSWERED)
    return code
