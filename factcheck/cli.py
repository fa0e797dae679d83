"""The typer front end: parse arguments, call the core, hand results to a view, map errors.

Heavy modules (rich, yaml, the matcher) are imported inside the commands that need
them, so `--help`, `--version` and JSON output start fast.
"""

import json
import os
import shlex
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

from factcheck import __version__
from factcheck.errors import DataError, ExitCode, FactcheckError

if TYPE_CHECKING:
    from rich.console import Console

    from factcheck.engine import Engine
    from factcheck.model import Answer, Catalog

EPILOG = (
    "Exit codes: 0 answered or succeeded; 1 not answered (no match, declined, unknown id) "
    "or validation found problems; 2 usage error or invalid data; 130 interrupted."
)


def exit_codes(*codes: str) -> str:
    """A command's --help epilog: its own exit codes."""
    return "Exit codes: " + "; ".join([*codes, "130 interrupted"]) + "."


class FactcheckGroup(typer.core.TyperGroup):
    """The one place errors become exit codes: a FactcheckError from any command is printed
    (one line, or FILE:LINE lines for data problems) and exits with its own code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args:
            _completion_for_shell(args)
        # `factcheck do police trace every ip` is the most common first try: a first word
        # that is neither a command nor an option starts a question.
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            import difflib

            # ...unless it is a mistyped command ("lst"): click then says "did you mean".
            if not difflib.get_close_matches(args[0].lower(), list(self.commands), n=1, cutoff=0.75):
                args = ["ask", *args]
        elif args and args[0] in _WORDS_TAKEN:
            # `factcheck show me how police trace ips`: a question that begins with a command's name.
            extra = _words(self.commands[args[0]], args[1:])[_WORDS_TAKEN[args[0]][0] :]
            if extra:
                what = _WORDS_TAKEN[args[0]][1]
                question = len(args) > 2 and not any(arg.startswith("-") for arg in args)
                hint = f"; to ask a question: factcheck ask {shlex.quote(clean_argument(' '.join(args)))}"
                fail(f"{args[0]} takes {what}; unexpected words: {shorten_words(extra)}{hint if question else ''}")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FactcheckError as error:
            report_error(error)


# Commands that take few words or none (how many, as said in an error): more is a question's words.
_WORDS_TAKEN = {
    "list": (0, "no words"),
    "sources": (0, "no words"),
    "resources": (0, "no words"),
    "show": (1, "one entry id"),
}


def _words(command: Any, args: Sequence[str]) -> list[str]:
    """The words of `args` that are neither options nor their values, as `command` would parse them."""
    takes_value = {
        name for param in command.params if not getattr(param, "is_flag", True) for name in getattr(param, "opts", ())
    }
    words: list[str] = []
    skip = False
    for number, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--":
            return words + list(args[number + 1 :])
        elif arg.startswith("-") and arg != "-":
            skip = arg in takes_value  # `--verdict false`, not `--verdict=false`
        else:
            words.append(arg)
    return words


app = typer.Typer(
    name="factcheck",
    cls=FactcheckGroup,
    help=(
        "Answer questions about how online child sexual exploitation is investigated, "
        "from curated, cited fact-checks.\n\n"
        "Examples:\n\n"
        "  factcheck ask 'do police trace every IP?'\n\n"
        "  factcheck ask --json 'is the cybertipline run by the FBI?'\n\n"
        "  factcheck ask - < questions.txt    (one question a line)\n\n"
        "  factcheck check article.txt        (the claims a text repeats, FILE:LINE)\n\n"
        "  factcheck list --verdict false\n\n"
        "  factcheck show isp-log-retention\n\n"
        "  factcheck sources\n\n"
        "  factcheck validate --strict my-checks.yaml\n\n"
        "  factcheck resources"
    ),
    epilog=EPILOG,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class AskFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    verdict = "verdict"
    markdown = "markdown"


class ListFormat(StrEnum):
    text = "text"
    json = "json"
    ids = "ids"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _completion_catalog() -> "Catalog | None":
    """The catalog completion offers values from (bundled data or FACTCHECK_DATA), or None."""
    try:
        from factcheck.catalog import validate

        catalog, _ = validate(data_paths(None))
    except Exception:  # completion must never print a traceback into the shell
        return None
    return catalog


def _complete_ids(incomplete: str) -> list[str]:
    """Entry ids for shell completion of `show` and `export`."""
    catalog = _completion_catalog()
    return [i for i in catalog.ids if i.startswith(incomplete)] if catalog else []


def _complete_verdicts(incomplete: str) -> list[str]:
    from factcheck.model import Verdict

    return [v.value for v in Verdict if v.value.startswith(incomplete.lower())]


def _complete_tags(incomplete: str) -> list[str]:
    catalog = _completion_catalog()
    return [t for t in catalog.tags() if t.startswith(incomplete.lower())] if catalog else []


COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _completion_for_shell(args: list[str]) -> None:
    """`--show-completion SHELL` / `--install-completion SHELL`: the shell given, not the one detected.

    typer's own options are flags when it can detect the shell, and then ignore a shell
    named after them; this honours it (the flags alone still detect).
    """
    option, _, shell = args[0].partition("=")
    if option not in ("--show-completion", "--install-completion"):
        return
    if not shell and len(args) > 1 and not args[1].startswith("-"):
        shell = args[1]
    if not shell:
        return  # the flag alone: typer detects the shell
    if shell not in COMPLETION_SHELLS:
        fail(f"unknown shell {shell!r} for {option} (known: {', '.join(COMPLETION_SHELLS)})")
    from typer._completion_shared import get_completion_script, install

    if option == "--show-completion":
        typer.echo(get_completion_script(prog_name="factcheck", complete_var="_FACTCHECK_COMPLETE", shell=shell))
    else:
        installed, path = install(shell=shell, prog_name="factcheck", complete_var="_FACTCHECK_COMPLETE")
        typer.echo(f"{installed} completion installed in {path}; it takes effect in a new shell")
    raise SystemExit(0)


DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        "-d",
        help="Data file (YAML, or *.jsonl: one entry a line) or directory of them to use instead of the bundled "
        "data (repeatable; default: $FACTCHECK_DATA, a path list, else the bundled data).",
        show_default=False,
    ),
]
ColorOption = Annotated[
    Color,
    typer.Option("--color", help="Colour: auto (terminal and no NO_COLOR), always, never.", show_envvar=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Write JSON.")]
AskJsonOption = Annotated[bool, typer.Option("--json", help="Write JSON (JSON Lines for `ask -`).")]


def data_paths(data: Sequence[Path] | None) -> list[Path]:
    from factcheck.config import data_paths as chosen  # stdlib only: a cache hit skips yaml

    return chosen(data or [])


def print_error(message: str) -> None:
    """One error line on stderr; `fail` also exits, `check` goes on with its other files."""
    typer.echo(f"factcheck: error: {message}", err=True)


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    print_error(message)
    raise typer.Exit(int(code))


def report_error(error: FactcheckError) -> NoReturn:
    if isinstance(error, DataError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(int(error.exit_code))
    fail(str(error), error.exit_code)


def open_engine(data: Sequence[Path] | None) -> "Engine":
    from factcheck.engine import open_engine as open_core

    engine = open_core(data_paths(data))
    for warning in engine.warnings:
        typer.echo(str(warning), err=True)
    return engine


def console(color: Color, stderr: bool = False) -> "Console":
    from factcheck.render import make_console

    return make_console(color.value, stderr=stderr)


def write_json(value: Any, compact: bool = False) -> None:
    from factcheck.views import json_text

    sys.stdout.write(json_text(value, compact))


def clean_argument(text: str) -> str:
    from factcheck.text import argument_text

    return argument_text(text)


MAX_LINE_BYTES = 1 << 20  # a question longer than 1 MiB is answered by its first MiB


def _bounded_lines(stream: Any) -> Iterator[bytes]:
    """Lines of a binary stream, each cut at MAX_LINE_BYTES: a newline-free stream never fills memory."""
    while raw := stream.readline(MAX_LINE_BYTES):
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the over-long line
        yield raw


def stdin_questions() -> Iterator[str]:
    """Non-empty lines of stdin, decoded leniently (bad bytes become U+FFFD); none at all is a usage error."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # `factcheck ask - <&-`
        fail("stdin is closed; write one question per line to it")
    asked = False
    for raw in _bounded_lines(stream):
        line = clean_argument(raw.decode("utf-8", "replace")).strip()
        if line:
            asked = True
            yield line
    if not asked:
        fail("no question on stdin; write one question per line")


PROMPT = "factcheck> "


def typed_questions() -> Iterator[str]:
    """`ask -` at a terminal: a prompt per question (line editing and history where readline
    exists), until Ctrl-D or Ctrl-C; the hint goes to stderr so stdout holds only answers."""
    try:
        import readline  # noqa: F401  (imported for its side effect: input() gains editing and history)
    except ImportError:  # Windows, or a Python built without it
        pass
    typer.echo("Ask a question and press Enter (Ctrl-D to leave).", err=True)
    while True:
        try:
            if sys.stdout.isatty():
                line = input(PROMPT)
            else:  # answers piped on: the prompt stays on the terminal
                sys.stderr.write(PROMPT)
                sys.stderr.flush()
                line = input()
        except (EOFError, KeyboardInterrupt):
            typer.echo("", err=True)  # leave the shell prompt on a line of its own
            return
        text = clean_argument(line).strip()
        if text:
            yield text


def shorten_words(words: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(clean_argument(w) for w in words[:limit])
    return shown + (", ..." if len(words) > limit else "")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"factcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Answer questions about how online child sexual exploitation is investigated."""


def _emit_answer(engine: "Engine", answer: "Answer", fmt: AskFormat, color: Color, batch: bool) -> None:
    from factcheck import views

    if fmt in (AskFormat.json, AskFormat.jsonl):
        write_json(views.answer_dict(answer, engine.catalog), compact=batch or fmt is AskFormat.jsonl)
        return
    if fmt is AskFormat.verdict:
        sys.stdout.write((answer.entry.verdict if answer.entry else answer.status) + "\n")
        return
    if fmt is AskFormat.markdown:
        if answer.entry:
            sys.stdout.write(views.entry_markdown(answer.entry, engine.catalog))
        elif answer.status in ("declined", "help"):
            sys.stdout.write(views.declined_markdown(answer))
        else:
            sys.stdout.write(views.no_match_markdown(answer))
        if answer.status not in ("declined", "help") and answer.resources:
            sys.stdout.write(views.channels_markdown(answer.resources))
        return
    from factcheck.render import show_answer

    show_answer(answer, engine.catalog, color.value, batch)


@app.command(
    epilog=exit_codes(
        "0 answered (every line, for `ask -`)",
        "1 not answered (no confident match, declined, or help lines offered)",
        "2 usage error or invalid data",
    )
)
def ask(
    question: Annotated[
        list[str] | None,
        typer.Argument(help="The question, quoted or not; '-' reads one question per line from stdin."),
    ] = None,
    json_: AskJsonOption = False,
    fmt: Annotated[
        AskFormat | None,
        typer.Option("--format", "-f", help="text (default), json, jsonl, verdict, markdown.", show_envvar=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the verdict (or the status).")] = False,
    top: Annotated[
        int, typer.Option("--top", min=0, max=50, help="How many ranked candidates to report.", show_envvar=False)
    ] = 3,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score", min=0, max=100, help="Answer only at or above this score (0-100).", show_envvar=False
        ),
    ] = None,
    data: DataOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """Answer a question from the fact-checks.

    Examples:

      factcheck ask 'do police trace every IP?'

      factcheck ask --json "how long do ISPs keep logs?"

      factcheck ask - --format jsonl < questions.txt
    """
    words = [clean_argument(w) for w in question or []]
    batch = words == ["-"]
    if not batch and not " ".join(words).strip():
        fail("the question is empty; try: factcheck ask 'do police trace every IP?'")
    chosen = fmt or (AskFormat.json if json_ else AskFormat.text)
    if quiet:
        chosen = AskFormat.verdict
    if batch and chosen is AskFormat.json:
        chosen = AskFormat.jsonl  # one object per line keeps a batch streamable
    engine = open_engine(data)
    interactive = batch and sys.stdin is not None and sys.stdin.isatty()
    if interactive:
        questions: Iterator[str] | list[str] = typed_questions()
    else:
        questions = stdin_questions() if batch else [" ".join(words).strip()]
    all_answered = True
    for text in questions:
        answer = engine.ask(text, top=top, threshold=min_score)
        all_answered &= answer.status == "answered"
        _emit_answer(engine, answer, chosen, color, batch)
        if batch:
            sys.stdout.flush()  # a reader sees each result as soon as it exists
    if interactive:
        raise typer.Exit(int(ExitCode.OK))  # a conversation, not a batch: leaving is success
    raise typer.Exit(int(ExitCode.OK if all_answered else ExitCode.NOT_ANSWERED))


@app.command("list", epilog=exit_codes("0 listed (even when no entry matches)", "2 usage error or invalid data"))
def list_entries(
    verdict: Annotated[
        list[str] | None,
        typer.Option("--verdict", "-v", help="Only this verdict (repeatable).", autocompletion=_complete_verdicts),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Only entries with this tag (repeatable).", autocompletion=_complete_tags),
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only entries whose text contains this (any case).")
    ] = None,
    json_: JsonOption = False,
    fmt: Annotated[
        ListFormat | None, typer.Option("--format", "-f", help="text (default), json, ids.", show_envvar=False)
    ] = None,
    data: DataOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """List the topics covered: id, verdict and question.

    Examples:

      factcheck list

      factcheck list --verdict false --tag ncmec

      factcheck list --format ids | xargs -n1 factcheck show --json
    """
    from factcheck.model import VERDICTS

    verdicts = [v.strip().lower().replace(" ", "-") for v in verdict or []]  # also as listed: `Mostly true`
    for wanted, given in zip(verdicts, verdict or [], strict=True):
        if wanted not in VERDICTS:
            fail(f"unknown verdict {given!r}; expected one of: {', '.join(VERDICTS)}")
    engine = open_engine(data)
    known_tags = engine.catalog.tags()
    for given in tag or []:
        if given.lower() not in known_tags:
            fail(f"unknown tag {given!r}; known tags: {', '.join(known_tags)}")
    entries = engine.catalog.filter(verdicts, tag or [], search)
    chosen = fmt or (ListFormat.json if json_ else ListFormat.text)
    if chosen is ListFormat.json:
        from factcheck.views import list_item_dict

        write_json([list_item_dict(e) for e in entries])
    elif chosen is ListFormat.ids:
        sys.stdout.write("".join(f"{e.id}\n" for e in entries))
    else:
        from factcheck.render import list_view

        list_view(console(color), entries)


@app.command(epilog=exit_codes("0 shown", "1 unknown id", "2 usage error or invalid data"))
def show(
    entry_id: Annotated[
        str, typer.Argument(metavar="ID", help="Entry id (see `factcheck list`).", autocompletion=_complete_ids)
    ],
    json_: JsonOption = False,
    fmt: Annotated[
        ShowFormat | None,
        typer.Option("--format", "-f", help="text (default), json, markdown.", show_envvar=False),
    ] = None,
    data: DataOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """Show one entry by id.

    Example:

      factcheck show cybertipline-who-runs
    """
    engine = open_engine(data)
    entry = engine.show(entry_id)
    chosen = fmt or (ShowFormat.json if json_ else ShowFormat.text)
    if chosen is ShowFormat.json:
        from factcheck.views import entry_dict

        write_json(entry_dict(entry, engine.catalog))
    elif chosen is ShowFormat.markdown:
        from factcheck.views import entry_markdown

        sys.stdout.write(entry_markdown(entry, engine.catalog, heading="#"))
    else:
        from factcheck.render import entry_view

        entry_view(console(color), entry, engine.catalog)


@app.command("sources", epilog=exit_codes("0 listed (even when none is declared)", "2 usage error or invalid data"))
def list_sources(json_: JsonOption = False, data: DataOption = None, color: ColorOption = Color.auto) -> None:
    """List the declared sources: title, kind, outdated warning, limits and the entries citing each.

    Examples:

      factcheck sources

      factcheck sources --json | jq -r '.[] | select(.outdated) | .id'
    """
    engine = open_engine(data)
    catalog = engine.catalog
    cited_by = catalog.cited_by()
    if json_:
        from factcheck.views import source_item_dict

        write_json([source_item_dict(s, cited_by[s.id]) for s in catalog.sources.values()])
        return
    from factcheck.render import sources_view

    sources_view(console(color), list(catalog.sources.values()), cited_by)


@app.command(epilog=exit_codes("0 valid (warnings allowed, unless --strict)", "1 problems found", "2 usage error"))
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Data files to check (default: the data in use: --data, $FACTCHECK_DATA or bundled)."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Also require answer, cited claims, caveats and review date; warnings fail."),
    ] = False,
    data: DataOption = None,
) -> None:
    """Check data files; print every problem as FILE:LINE: message.

    Without FILE arguments it checks the data in use and the bundled safety rules
    (data/safety.yaml).

    Examples:

      factcheck validate

      factcheck validate --strict my-checks.yaml
    """
    from factcheck.catalog import bundled_data_path
    from factcheck.catalog import validate as check

    paths = list(files or []) or data_paths(data)
    catalog, problems = check(paths, strict=strict)
    if not files:
        from factcheck.engine import load_lexicon
        from factcheck.safety_data import validate_policy_file

        problems = problems + validate_policy_file(bundled_data_path("safety.yaml"))
        try:
            load_lexicon(bundled_data_path("lexicon.yaml"))
        except DataError as error:
            problems = problems + list(error.problems)
    for problem in problems:
        typer.echo(str(problem), err=True)
    errors = sum(not p.warning for p in problems)
    if catalog is None or errors:
        typer.echo(f"{errors} problem(s) in {len(paths)} file(s)", err=True)
        raise typer.Exit(int(ExitCode.NOT_ANSWERED))
    typer.echo(f"ok: {len(catalog.entries)} entries, {len(catalog.sources)} sources in {len(paths)} file(s)")


@app.command(epilog=exit_codes("0 printed", "2 usage error or invalid safety data"))
def resources(json_: JsonOption = False, color: ColorOption = Color.auto) -> None:
    """Print the reporting and confidential help channels.

    Where a child is in immediate danger, call the local emergency number first.
    """
    from factcheck.catalog import bundled_data_path
    from factcheck.safety_data import load_resources

    channels = load_resources(bundled_data_path("safety.yaml"))  # the rules are not compiled
    if json_:
        from factcheck.views import resource_dict

        write_json([resource_dict(r) for r in channels])
        return
    from factcheck.render import resources_view

    resources_view(console(color), channels)


class ExportFormat(StrEnum):
    claimreview = "claimreview"
    markdown = "markdown"


@app.command(epilog=exit_codes("0 written", "1 unknown id", "2 usage error, invalid data or unwritable output"))
def export(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID",
            help="Only these entries, in this order (default: all).",
            autocompletion=_complete_ids,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="claimreview (schema.org JSON-LD) or markdown (a digest by tag).", show_envvar=False
        ),
    ] = ExportFormat.claimreview,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            show_default=False,
            help="Page hosting the fact-checks; each review's url is URL#id "
            "(default: the placeholder https://example.org/factcheck/).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            show_default=False,
            help="Write to FILE (replaced whole, never half-written) instead of stdout.",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Export fact-checks as schema.org ClaimReview JSON-LD or as a markdown digest.

    Examples:

      factcheck export --base-url https://example.net/checks/ -o claimreview.json

      factcheck export cybertipline-who-runs police-trace-every-ip

      factcheck export --format markdown -o digest.md
    """
    from factcheck import claimreview, views

    url = claimreview.DEFAULT_BASE_URL if base_url is None else base_url.strip()
    if not url.startswith(("https://", "http://")) or len(url.split("://", 1)[1].split("#")[0]) == 0:
        fail(f"--base-url must be an absolute http(s) URL, got {base_url!r}")
    engine = open_engine(data)  # ids are looked up as `show` does (any case), through the cache
    catalog = engine.catalog
    entries = [engine.show(entry_id) for entry_id in dict.fromkeys(ids)] if ids else list(catalog.entries)
    if fmt is ExportFormat.markdown:
        text = views.digest_markdown(entries, catalog)
    else:
        document = claimreview.export_document(entries, catalog, url, every_source=not ids)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        from factcheck.files import write_atomically

        write_atomically(output, lambda handle: handle.write(text.encode("utf-8")))
    except OSError as error:
        fail(f"{output}: cannot write: {error.strerror or error}")


@app.command("import", epilog=exit_codes("0 converted", "2 usage error, unreadable file or invalid JSON-LD"))
def import_claimreview(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="ClaimReview JSON-LD: one object, a list or an @graph; '-' reads stdin."),
    ],
) -> None:
    """Convert schema.org ClaimReview JSON-LD into factcheck YAML (written to stdout).

    Unknown ratings become "unproven" with the original rating kept as a caveat; review
    the result, then check it with `factcheck validate`. A factcheck export reads back
    whole: claims, caveats, related ids and the declared sources too.

    Examples:

      factcheck import claimreview.json > imported.yaml

      factcheck export | factcheck import -
    """
    from factcheck import claimreview

    name = "<stdin>" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except FileNotFoundError:
        fail(f"{name}: no such file")
    except IsADirectoryError:
        fail(f"{name}: is a directory, not a JSON-LD file")
    except OSError as error:
        fail(f"{name}: cannot read: {error.strerror or error}")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        fail(f"{name}: not valid UTF-8 (byte {error.start})")
    except json.JSONDecodeError as error:
        fail(f"{name}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}")
    except RecursionError:
        fail(f"{name}: JSON nested too deeply")
    try:
        entries, sources = claimreview.read_claimreview(document)
        text = claimreview.entries_to_yaml(
            entries, f"Imported from ClaimReview JSON-LD ({name}); check with `factcheck validate`.", sources
        )
    except FactcheckError as error:
        fail(f"{name}: {error}", error.exit_code)
    if not entries:
        typer.echo(f"factcheck: warning: {name}: no ClaimReview objects found", err=True)
    sys.stdout.write(text)


@app.command(
    epilog=exit_codes(
        "0 a checked claim was found", "1 none found", "2 usage error, invalid data or a file that could not be read"
    )
)
def check(
    files: Annotated[
        list[str],
        typer.Argument(metavar="FILE", help="Text files (plain text or Markdown, UTF-8); '-' reads stdin."),
    ],
    json_: Annotated[bool, typer.Option("--json", help="Write JSON Lines: one finding a line.")] = False,
    data: DataOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """Find the sentences of a text that make a claim the fact-checks rate.

    Each finding gives FILE:LINE:COLUMN, the sentence, the rated claim, its verdict and the
    entry id, and whether the sentence repeats the claim, contradicts it or only mentions
    its topic. A file that cannot be read is reported and the others are still checked.

    Examples:

      factcheck check article.txt

      factcheck check --json notes.md | jq -r 'select(.verdict == "false") | .sentence'

      pbpaste | factcheck check -
    """
    from factcheck.spotting import UnreadableText, read_text, spot

    if len(files) > 1 and not any(name == "-" or os.path.lexists(name) for name in files):
        # `factcheck check if police trace every ip`: words, not files.
        words = clean_argument(" ".join(files))
        fail(f"no such files: {shorten_words(files)}; to ask a question: factcheck ask {shlex.quote(words)}")
    engine = open_engine(data)
    out = None if json_ else console(color)
    findings: list[Any] = []
    sentences = declined = 0
    failed = False
    for name in files:
        shown = "<stdin>" if name == "-" else clean_argument(name)
        try:
            report = spot(engine, read_text(name))
        except UnreadableText as error:
            print_error(f"{shown}: {error}")
            failed = True
            continue
        except OSError as error:
            reason = "is a directory" if isinstance(error, IsADirectoryError) else error.strerror or str(error)
            print_error(f"{shown}: {reason}")
            failed = True
            continue
        sentences += report.sentences
        declined += report.declined
        findings.extend(report.findings)
        if out is None:
            from factcheck.views import findings_json_lines

            sys.stdout.write(findings_json_lines(report.findings, shown))
        else:
            from factcheck.render import finding_view

            for finding in report.findings:
                finding_view(out, finding, shown)
        sys.stdout.flush()
    if out is not None and (sentences or not failed):
        from factcheck.render import check_summary

        check_summary(out, findings, sentences, declined)
    if failed:
        raise typer.Exit(int(ExitCode.USAGE))
    raise typer.Exit(int(ExitCode.OK if findings else ExitCode.NOT_ANSWERED))


def main() -> None:
    """Console-script entry point."""
    if sys.stdout is None:  # started with stdout closed (`>&-`): the output goes nowhere, without a crash
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # lives as long as the process
    if hasattr(sys.stdout, "reconfigure"):  # a non-UTF-8 locale (PYTHONIOENCODING=ascii): '?', not a crash
        sys.stdout.reconfigure(errors="replace")
    try:
        try:
            app()
        finally:  # flush now: a closed pipe must not surface as "Exception ignored" (exit 120) at exit
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C outside a command (inside one, typer exits 130 itself)
        sys.exit(int(ExitCode.INTERRUPTED))
