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

from factcheck.errors import ExitCode, FactcheckError


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


def answer_json(question: str, data: Sequence[str] = ()) -> tuple[str, int] | None:
    """The JSON text and exit code of `ask --json question [--data PATH]...`, or None to leave it to the full CLI."""
    from pathlib import Path

    from factcheck.config import data_paths
    from factcheck.engine import open_engine

    try:
        engine = open_engine(data_paths([Path(path) for path in data]))  # chosen as the full CLI's --data
    except FactcheckError:
        return None
    if engine.warnings:
        return None
    from factcheck.views import answer_dict, json_text

    answer = engine.ask(question)
    code = ExitCode.OK if answer.status == "answered" else ExitCode.NOT_ANSWERED
    return json_text(answer_dict(answer, engine.catalog)), int(code)


def answer_text(question: str, color: str, data: Sequence[str] = ()) -> int | None:
    """Show the answer to `ask question [--color WHEN] [--data PATH]` as the full CLI does (rich,
    the same views); its exit code, or None to leave it to the full CLI (nothing written then)."""
    from pathlib import Path

    from factcheck.config import data_paths
    from factcheck.engine import open_engine

    try:
        engine = open_engine(data_paths([Path(path) for path in data]))
    except FactcheckError:
        return None
    if engine.warnings:
        return None
    from factcheck import render

    answer = engine.ask(question)
    console = render.make_console(color)
    if answer.status == "answered":
        render.answer_view(console, answer, engine.catalog)
    elif answer.status in ("declined", "help"):  # the message, then the channels
        render.declined_view(console, answer, answer.resources)
    else:  # a miss explained on stderr; the channels, when it sought them, on stdout
        render.no_match_view(render.make_console(color, stderr=True), answer)
        if answer.resources:
            render.channels_view(console, answer.resources)
    return int(ExitCode.OK if answer.status == "answered" else ExitCode.NOT_ANSWERED)


def check_file(name: str, json: bool, data: Sequence[str] = ()) -> int | None:
    """Show what `check [--json] name [--data PATH]` shows; its exit code, or None to leave it to the
    full CLI (the file unreadable, a data problem: nothing written then)."""
    from pathlib import Path

    from factcheck.config import data_paths
    from factcheck.engine import open_engine
    from factcheck.spotting import read_text, spot
    from factcheck.text import argument_text

    try:
        engine = open_engine(data_paths([Path(path) for path in data]))
        if engine.warnings:
            return None
        report = spot(engine, read_text(name))
    except (FactcheckError, OSError):
        return None
    shown = argument_text(name)
    if json:
        from factcheck.views import finding_dict, json_text

        sys.stdout.write("".join(json_text(finding_dict(f, shown), True) for f in report.findings))
    else:
        from factcheck.render import check_summary, finding_view, make_console

        console = make_console("auto")
        for finding in report.findings:
            finding_view(console, finding, shown)
        check_summary(console, list(report.findings), report.sentences, report.declined)
    return int(ExitCode.OK if report.findings else ExitCode.NOT_ANSWERED)


def run(argv: Sequence[str]) -> int | None:
    """Answer a plain `ask` or `check` and return its exit code; None when the full CLI must run."""
    split = without_data(argv)
    if split is None:
        return None
    words, data = split
    checked = plain_check_file(words)
    if checked is not None:
        if sys.stdout is None:
            return None
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="replace")
        try:
            code = check_file(*checked, data)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away: stop quietly, exit 1 (as in the CLI)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return int(ExitCode.NOT_ANSWERED)
        return code
    question = plain_json_question(words)
    shown = plain_text_question(words) if question is None else None
    if question is None and shown is None:
        return None
    if sys.stdout is None:  # started with stdout closed: the full CLI handles it
        return None
    if hasattr(sys.stdout, "reconfigure"):  # a non-UTF-8 locale: '?', not a crash (as in the CLI)
        sys.stdout.reconfigure(errors="replace")
    try:
        if shown is not None:
            code = answer_text(*shown, data)
            sys.stdout.flush()
            return code
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
