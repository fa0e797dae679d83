"""Issue 7: every bad input ends in a clear one-line message and a documented exit code.

Never a traceback, never lost data. The runner is used where the process boundary does not
matter; the installed console script where it does (pipes, signals, environment, bytes on argv).
Exit codes: 0 answered/ok, 1 not answered or problems found (and a reader that closed the pipe),
2 usage error or invalid data, 130 interrupted.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from factcheck.catalog import MAX_FILE_BYTES
from factcheck.cli import app
from factcheck.model import STATUSES
from tests.helpers import MINI_YAML, write
from tests.test_installed import SCRIPT

needs_script = pytest.mark.skipif(SCRIPT is None, reason="console script not installed")

PROBLEM_LINE = re.compile(r"^.+:\d+: ")
SUMMARY_LINE = re.compile(r"^\d+ problem\(s\) in \d+ file\(s\)$")
ENTRY = 'entries:\n  - id: a\n    question: Is the moon made of cheese?\n    claim: A claim.\n    verdict: "false"\n'
ASKED = "is the moon made of cheese"
DATA_COMMANDS = (["ask", ASKED], ["list"], ["show", "a"])


def run(runner: CliRunner, *args: str, input: str | bytes | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def assert_no_traceback(text: str) -> None:
    for marker in ("Traceback", "Exception ignored", "BrokenPipeError", "Error:"):
        assert marker not in text, text[-2000:]


def assert_refused(result: Result, where: str, message: str) -> None:
    """Exit 2, nothing on stdout, stderr made only of `FILE:LINE: message` lines, the first as expected."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert_no_traceback(result.stderr)
    lines = result.stderr.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), result.stderr
    assert lines[0].startswith(where + ": "), result.stderr
    assert message in lines[0], result.stderr


def script_env(**changes: str | None) -> dict[str, str]:
    """The pinned environment as a user's shell would pass it: no PYTHONUNBUFFERED (buffered pipes)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_script(
    *args: str | bytes, stdin: bytes | None = None, env: dict[str, str] | None = None, cwd: Path | None = None,
    limit_memory: int | None = None,
) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    assert SCRIPT

    def preexec() -> None:
        if limit_memory:
            resource.setrlimit(resource.RLIMIT_AS, (limit_memory, limit_memory))

    return subprocess.run(
        [SCRIPT, *args], input=stdin, capture_output=True, timeout=60, env=env or script_env(), cwd=cwd,
        preexec_fn=preexec if limit_memory else None,
    )  # fmt: skip


# --- Bad data files ---------------------------------------------------------------------------

BAD_DATA = {
    "yaml-syntax": (
        "entries:\n  - id: a\n    question: q\n    claim: A claim.\n    verdict: true\n   bad: indent\n",
        6,
        "YAML syntax error",
    ),
    "tab-indent": ("entries:\n\t- id: a\n", 2, "a tab character cannot indent YAML; use spaces"),
    "empty-file": ("", 1, "file is empty"),
    "comment-only": ("# nothing here\n", 1, "file is empty"),
    "not-utf8": (
        b"entries:\n  - id: a\n    question: caf\xe9?\n    claim: A claim.\n",
        3,
        "not valid UTF-8 (byte 0xe9)",
    ),
    "duplicate-key": (ENTRY + '    verdict: "true"\n', 6, "duplicate key 'verdict' in an entry (first at line 5)"),
    "string-for-list": (ENTRY + "    tags: just-one\n", 6, "tags must be a list, got text"),
    "unknown-verdict": (ENTRY.replace('"false"', "maybe"), 5, "unknown verdict 'maybe'"),
    "undeclared-source": (
        ENTRY + "    claims:\n      - text: t\n        citations: ['nowhere [1]']\n",
        2,
        "entry 'a' cites undeclared source 'nowhere'",
    ),
    "unknown-related": (ENTRY + "    related: [b]\n", 2, "entry 'a' is related to unknown id 'b'"),
    "raw-control-char": (
        "entries:\n  - id: a\n    question: x\x01y\n    claim: A claim.\n",
        3,
        "YAML forbids the character U+0001",
    ),
    "bad-bool-tag": (ENTRY.replace('"false"', "!!bool maybe"), 5, "unknown verdict 'maybe'"),
    "bad-int-tag": (ENTRY.replace('"false"', '!!int ""'), 5, "unknown verdict ''"),
    "bad-timestamp-tag": (ENTRY + "    reviewed: !!timestamp soon\n", 6, "reviewed must be a date"),
}


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_data_file_is_refused_with_file_and_line(
    runner: CliRunner, tmp_path: Path, case: str, command: list[str]
) -> None:
    content, line, message = BAD_DATA[case]
    path = tmp_path / "data.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert_refused(run(runner, *command, "--data", str(path)), f"{path}:{line}", message)


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("case", ["directory", "missing", "env-directory"])
def test_unreadable_paths(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, command: list[str]
) -> None:
    path = tmp_path / ("nope.yaml" if case == "missing" else "folder")
    if case != "missing":
        path.mkdir()
    message = "no such file" if case == "missing" else "directory has no data files (.yaml, .yml, .jsonl)"
    if case == "env-directory":
        monkeypatch.setenv("FACTCHECK_DATA", str(path))
        result = run(runner, *command)
    else:
        result = run(runner, *command, "--data", str(path))
    assert_refused(result, f"{path}:1", message)


def test_directory_in_environment_fails_validate_with_exit_1(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTCHECK_DATA", str(tmp_path))
    result = run(runner, "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}:1: directory has no data files (.yaml, .yml, .jsonl)",
        "1 problem(s) in 1 file(s)",
    ]


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
def test_duplicate_entry_ids_across_two_files(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    first, second = write(tmp_path, ENTRY, "one.yaml"), write(tmp_path, ENTRY, "two.yaml")
    result = run(runner, *command, "--data", str(first), "--data", str(second))
    assert_refused(result, f"{second}:2", f"duplicate entry id 'a' (first at {first}:2)")


@pytest.mark.parametrize("command", [["ask", ASKED], ["list"]], ids=lambda c: c[0])
def test_unknown_key_is_a_warning_and_still_answers(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    path = write(tmp_path, ENTRY + "    colour: red\n")
    result = run(runner, *command, "--data", str(path), "--color", "never")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{path}:6: warning: unknown key 'colour' in an entry\n"
    assert "Is the moon made of cheese?" in result.stdout


@pytest.mark.parametrize(
    "value",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',  # the classic: a list of arguments
        '!!python/object/apply:os.system "touch {marker}"',  # a scalar: once accepted as plain text
        "!!python/name:os.system",
        "!custom tag",
    ],
)
@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: c[0])
def test_only_plain_yaml_is_loaded(runner: CliRunner, tmp_path: Path, command: list[str], value: str) -> None:
    marker = tmp_path / "executed"
    path = write(tmp_path, ENTRY.replace("Is the moon made of cheese?", value.format(marker=marker)))
    tag = value.split()[0]
    assert_refused(run(runner, *command, "--data", str(path)), f"{path}:3", f"YAML tag {tag!r} is not allowed")
    assert not marker.exists()


def laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "tail",
    [
        "entries: *l9\n",
        ENTRY + "    tags: *l9\n    aliases: *l9\n",
        ENTRY + "    claims: *l9\n",
    ],
    ids=["entries", "tags-aliases", "claims"],
)
def test_billion_laughs_is_bounded(runner: CliRunner, tmp_path: Path, tail: str) -> None:
    path = write(tmp_path, laughs() + tail)
    result = run(runner, "list", "--data", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert_no_traceback(result.stderr)
    lines = result.stderr.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines) and len(lines) < 50, result.stderr


@needs_script
@pytest.mark.parametrize("how", ["sparse", "written"])
def test_50_mb_file_is_refused_small(tmp_path: Path, how: str) -> None:
    path = tmp_path / "big.yaml"
    if how == "sparse":
        with path.open("wb") as handle:
            handle.truncate(50 * 2**20)
    else:
        line = b"  - id: e\n    question: " + b"why " * 20 + b"\n    claim: c\n    verdict: 'true'\n"
        with path.open("wb") as handle:
            handle.write(b"entries:\n")
            handle.write(line * (50 * 2**20 // len(line) + 1))
    result = run_script("list", "--data", str(path), limit_memory=768 * 2**20)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().startswith(f"{path}:1: file is too large (")
    assert result.stderr.decode().endswith(f"; the limit is {MAX_FILE_BYTES >> 20} MB)\n")


def test_huge_single_line_just_under_the_limit(runner: CliRunner, tmp_path: Path) -> None:
    words = (MAX_FILE_BYTES - 200) // 4
    path = write(tmp_path, 'entries: [{id: a, verdict: "true", claim: c, question: "' + "why " * words + '"}]\n')
    result = run(runner, "ask", "-f", "verdict", "--data", str(path), "why")
    assert result.exit_code in (0, 1) and result.stderr.count("\n") <= 1


@needs_script
@pytest.mark.parametrize(
    ("text", "line"),
    [("entries: " + "[" * 100_000 + "]" * 100_000 + "\n", 1), ("entries:\n" + "- " * 100_000 + "x\n", 2)],
    ids=["flow", "block"],
)
def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path, text: str, line: int) -> None:
    """libyaml's composer recurses: this used to kill the process (SIGSEGV), so it runs in its own."""
    path = write(tmp_path, text)
    for args in (["list", "--data", str(path)], ["validate", str(path)]):
        result = run_script(*args)
        assert result.returncode == (1 if args[0] == "validate" else 2), result
        # Our own pre-check or libyaml's (PyYAML 6.0.4+) may refuse it first: either way one FILE:LINE line.
        stderr = result.stderr.decode()
        first, *rest = stderr.splitlines()
        assert re.fullmatch(rf"{re.escape(str(path))}:{line}: .*nest.*", first), stderr
        assert rest == ([] if args[0] == "list" else ["1 problem(s) in 1 file(s)"]), stderr


@needs_script
def test_a_device_or_pipe_as_data_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    result = run_script("list", "--data", "/dev/zero", limit_memory=768 * 2**20)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode() == f"/dev/zero:1: file is too large (the limit is {MAX_FILE_BYTES >> 20} MB)\n"


# --- Bad queries and streams ----------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "\t\n ", "\x1b", "\x00\x07"])
def test_empty_or_blank_question_is_a_usage_error(runner: CliRunner, mini_data: Path, question: str) -> None:
    result = run(runner, "ask", "--data", str(mini_data), question)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("factcheck: error: the question is empty")


@pytest.mark.parametrize("stdin", ["", "\n  \n\t\n"])
def test_blank_stdin_is_a_usage_error(runner: CliRunner, mini_data: Path, stdin: str) -> None:
    result = run(runner, "ask", "--data", str(mini_data), "-", input=stdin)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "factcheck: error: no question on stdin; write one question per line\n"


@needs_script
def test_closed_stdin_is_a_usage_error() -> None:
    result = subprocess.run(["bash", "-c", '"$0" ask - <&-', SCRIPT], capture_output=True, timeout=60, env=script_env())
    assert result.returncode == 2
    assert result.stderr.decode() == "factcheck: error: stdin is closed; write one question per line to it\n"


def test_one_megabyte_question_is_answered_promptly(runner: CliRunner, mini_data: Path) -> None:
    question = "do police trace every ip " * 42_000
    result = run(runner, "ask", "--json", "--data", str(mini_data), question)
    assert result.exit_code in (0, 1)
    assert json.loads(result.stdout)["status"] in ("answered", "no_match")


@needs_script
def test_one_megabyte_line_on_stdin_is_answered_promptly(mini_data: Path) -> None:
    result = run_script("ask", "-f", "verdict", "--data", str(mini_data), "-", stdin=b"who runs the fbi " * 62_000)
    assert result.returncode in (0, 1) and result.stdout.count(b"\n") == 1
    assert result.stderr == b""


HOSTILE = {
    "ansi-csi": "police trace every ip \x1b[2J\x1b[31m",
    "osc-link-and-bell": "police trace every ip \x1b]8;;http://x\x07link\x1b]8;;\x07",
    "c1-csi": "police trace every ip \x9b31m",
    "backspaces": "police trace every ip\x08\x08\x08\x7f",
    "rtl-override": "\u202eتتبع الشرطة police trace every ip\u202c",
    "emoji": "do 👮 police trace every 🌐 ip 🚓?",
    "markup": "[bold red]police trace every ip[/] [link=http://x]x[/link]",
}
RAW_CONTROLS = ("\x1b[2J", "\x1b[31m", "\x1b]8", "\x07", "\x9b", "\x08", "\x7f", "\x00")
BIDI = ("\u202e", "\u202c")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "verdict"])
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_query_text_never_reaches_the_terminal_raw(
    runner: CliRunner, mini_data: Path, case: str, fmt: str
) -> None:
    query = HOSTILE[case]
    for color, score in (("always", "0"), ("never", "0"), ("always", "100")):  # answered, answered, missed
        args = ["-f", fmt, "--color", color, "--min-score", score, "--data", str(mini_data), query]
        result = run(runner, "ask", *args)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1)
        shown = result.stdout + result.stderr
        # bidi overrides are valid text in JSON and markdown; only the terminal views must drop them
        raw = RAW_CONTROLS + (BIDI if fmt in ("text", "verdict") else ())
        raw += ("\x1b",) if color == "never" or fmt != "text" else ()  # else rich's own colour codes
        assert not [s for s in raw if s in shown], (case, fmt, shown)
        if fmt == "json":
            assert json.loads(result.stdout)["status"] == ("answered" if score == "0" else "no_match")
        if case == "markup" and fmt == "text":
            assert "[bold red]police trace every ip[/] [link=http://x]x[/link]" in shown


@needs_script
def test_nul_invalid_utf8_and_escapes_on_stdin(mini_data: Path) -> None:
    stdin = (
        b"police\x00trace every ip\n"
        b"police trace \xff\xfe\xc3 every ip\n"
        b"\x1b[2J\x1b]0;title\x07 who runs the cybertipline\n"
        b"\xe2\x80\xae\xd8\xaa\xd8\xaa\xd8\xa8\xd8\xb9 police trace every ip \xf0\x9f\x9a\x93\n"
    )
    text = run_script("ask", "--color", "always", "--data", str(mini_data), "-", stdin=stdin)
    assert text.returncode in (0, 1)
    assert_no_traceback(text.stderr.decode())
    shown = text.stdout + text.stderr
    assert not [s for s in (b"\x00", b"\x1b[2J", b"\x1b]0", b"\x07", b"\xe2\x80\xae") if s in shown]
    rows = run_script("ask", "--json", "--data", str(mini_data), "-", stdin=stdin)
    parsed = [json.loads(line) for line in rows.stdout.decode().splitlines()]
    assert len(parsed) == 4 and "\ufffd" in parsed[1]["query"]
    assert all("\x00" not in row["query"] and "\x1b" not in row["query"] for row in parsed)


@needs_script
def test_undecodable_bytes_on_argv(mini_data: Path) -> None:
    result = run_script(b"ask", b"--color", b"always", b"--data", str(mini_data).encode(), b"police \xff\xfe trace ip")
    assert result.returncode in (0, 1)
    assert_no_traceback(result.stderr.decode())
    assert "police \ufffd\ufffd trace ip" in (result.stdout + result.stderr).decode()
    missing = run_script(b"list", b"--data", b"/nonexistent/\xff.yaml")
    assert missing.returncode == 2 and missing.stdout == b""
    assert missing.stderr.endswith(b".yaml:1: no such file\n") and missing.stderr.count(b"\n") == 1


MARKUP_YAML = """\
sources:
  - id: src
    title: "[bold]Source[/bold] [link=http://x]title[/link]"
entries:
  - id: markup
    question: "[bold red]Is the CyberTipline run by the FBI?[/]"
    claim: A claim.
    verdict: "false"
    answer: "[/] closes nothing; [link=http://x]not a link[/link]"
    claims:
      - text: "[red]NCMEC[/red] operates it."
        citations: ["src [1]"]
    caveats: ["[blink]careful[/blink]"]
"""
MARKUP_SHOWN = (
    "[bold red]Is the CyberTipline run by the FBI?[/]",
    "[/] closes nothing; [link=http://x]not a link[/link]",
    "[red]NCMEC[/red] operates it.",
    "[blink]careful[/blink]",
    "[bold]Source[/bold] [link=http://x]title[/link]",
)


@pytest.mark.parametrize("color", ["always", "never"])
@pytest.mark.parametrize(
    "command", [["show", "markup"], ["ask", "--min-score", "0", "[b]is the cybertipline run by the fbi[/b]"]]
)
def test_markup_in_data_is_shown_literally(runner: CliRunner, tmp_path: Path, command: list[str], color: str) -> None:
    path = write(tmp_path, MARKUP_YAML)
    result = run(runner, *command, "--color", color, "--data", str(path))
    assert result.exit_code == 0, result.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    for text in MARKUP_SHOWN:
        assert text in plain, (text, plain)
    assert "\x1b]8;" not in result.stdout  # no hyperlink escape was made from [link=...]
    if command[0] == "ask":
        assert "[b]is the cybertipline run by the fbi[/b]" in plain


@needs_script
@pytest.mark.parametrize(
    "pipeline",
    [
        '"$0" list | head -1',
        '"$0" list --color always | head -1',
        '"$0" ask - < "$1" | head -1',
        '"$0" ask --json - < "$1" | head -1',
        '"$0" list --json | head -c 10',
    ],
)
def test_reader_closing_the_pipe_early(tmp_path: Path, pipeline: str) -> None:
    questions = tmp_path / "big.txt"
    questions.write_text("do police trace every ip\nwho runs the cybertipline\n" * 1500)
    result = subprocess.run(
        ["bash", "-c", pipeline + "; exit ${PIPESTATUS[0]}", SCRIPT, str(questions)],
        capture_output=True, timeout=60, env=script_env(), cwd=tmp_path,
    )  # fmt: skip
    assert result.stdout
    assert result.stderr == b"", result.stderr.decode()[-2000:]
    assert result.returncode in (0, 1)  # 1 when a write hit the closed pipe; 0 if all was written first
    if "ask" in pipeline:
        assert result.returncode == 1  # megabytes of answers: the closed pipe is always hit


@needs_script
@pytest.mark.parametrize(
    "args",
    [
        ["list"], ["list", "-f", "ids"], ["show", "--json", "police-trace-every-ip"],
        ["ask", "-f", "verdict", "do police trace every ip"], ["ask", "do police trace every ip"],
        ["validate"], ["--version"],
    ],
    ids=" ".join,
)  # fmt: skip
def test_stdout_already_closed_exits_1_quietly(args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([SCRIPT, *args], stdout=write_end, stderr=subprocess.PIPE, timeout=60, env=script_env())
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr.decode()) == (1, "")


@needs_script
@pytest.mark.parametrize("args", [["list"], ["ask", "--json", "police trace every ip"], ["show", "nope"]], ids=" ".join)
def test_started_with_stdout_closed(args: list[str]) -> None:
    result = subprocess.run(["bash", "-c", '"$0" "$@" >&-', SCRIPT, *args], capture_output=True, timeout=60)
    assert_no_traceback(result.stderr.decode())
    assert result.returncode == (1 if args[0] == "show" else 0)


def _default_sigint() -> None:
    """In the child: Ctrl-C as at a terminal, even when the test run inherited it ignored (a job put
    in the background by a shell without job control ignores SIGINT, and so would the CLI)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@needs_script
def test_ctrl_c_while_reading_stdin_exits_130(mini_data: Path) -> None:
    with subprocess.Popen(
        [SCRIPT, "ask", "-f", "jsonl", "--data", str(mini_data), "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=script_env(),
        preexec_fn=_default_sigint,
    ) as proc:  # fmt: skip
        assert proc.stdin and proc.stdout and proc.stderr
        proc.stdin.write(b"is the cybertipline run by the fbi\n")
        proc.stdin.flush()
        first = proc.stdout.readline()  # answered: the engine is loaded and it waits for the next line
        assert json.loads(first)["id"] == "cybertipline-who-runs"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert out == b"" and err == b""


def _not_a_dir(tmp_path: Path) -> dict[str, str | None]:
    blocker = tmp_path / "file"
    blocker.write_text("")
    return {"XDG_CACHE_HOME": str(blocker)}


def _read_only_dir(tmp_path: Path) -> dict[str, str | None]:
    directory = tmp_path / "ro"
    (directory / "factcheck").mkdir(parents=True)
    (directory / "factcheck").chmod(0o555)
    directory.chmod(0o555)
    return {"XDG_CACHE_HOME": str(directory)}


ENVIRONMENTS = {
    "cache-under-a-file": _not_a_dir,
    "cache-read-only": _read_only_dir,  # root writes anyway; the case above holds for root too
    "no-home": lambda tmp_path: {"HOME": None},
    "term-dumb": lambda tmp_path: {"TERM": "dumb"},
    "columns-20": lambda tmp_path: {"COLUMNS": "20"},
    "columns-garbage": lambda tmp_path: {"COLUMNS": "-5", "LINES": "x"},
    "c-locale": lambda tmp_path: {"LC_ALL": "C", "LANG": None},
    "ascii-stdout": lambda tmp_path: {"PYTHONIOENCODING": "ascii"},
}


@needs_script
@pytest.mark.parametrize("case", list(ENVIRONMENTS))
def test_odd_environments_still_answer(tmp_path: Path, case: str) -> None:
    env = script_env(**ENVIRONMENTS[case](tmp_path))
    result = run_script("ask", "--color", "always", "is the cybertipline run by the fbi? 🚓", env=env, cwd=tmp_path)
    out = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    assert "FALSE" in out and "CyberTipline" in out
    as_json = run_script("ask", "--json", "fbi cybertipline 🚓", env=env, cwd=tmp_path)  # plain, from the cache
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["id"] == "cybertipline-who-runs"
    if case == "cache-read-only":
        assert not list((tmp_path / "ro" / "factcheck").iterdir()) or os.geteuid() == 0


# --- Data safety ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "do police trace every ip"], ["ask", "--json", "-"], ["list"], ["list", "--json"],
        ["show", "isp-log-retention"], ["validate"], ["validate", "--strict"],
    ],
    ids=" ".join,
)  # fmt: skip
def test_commands_never_write_to_their_data(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    first = write(tmp_path, MINI_YAML, "mini.yaml")
    second = write(tmp_path, ENTRY + "    colour: red\n", "extra.yaml")
    os.utime(first, ns=(1_000_000_000, 1_000_000_000))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    data = ["--data", str(first), "--data", str(second)] if args[0] != "validate" else [str(first), str(second)]
    for _ in range(2):  # the second run may come from the cache
        result = run(runner, *args, *data, input="do police trace every ip\n")
        assert result.exit_code in (0, 1), result.output
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before  # same bytes, same mtime, nothing written beside them


# --- Properties -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("data"), MINI_YAML, "mini.yaml")


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text())
def test_any_question_text(module_data: Path, question: str) -> None:
    result = CliRunner().invoke(app, ["ask", "--json", "--data", str(module_data), "--", question])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2)
    if result.exit_code in (0, 1):
        rows = (
            [json.loads(line) for line in result.stdout.splitlines()]
            if question == "-"
            else [json.loads(result.stdout)]
        )
        assert all(row["status"] in STATUSES for row in rows)


KEYS = ("entries", "sources", "id", "question", "verdict", "aliases", "answer", "claims", "text",
        "citations", "caveats", "tags", "related", "reviewed", "title", "kind")  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.dates(),
    st.text(max_size=30), st.sampled_from(["true", "false", "mostly-true", "unproven", "a-b", "src [1]"]),
)  # fmt: skip
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=25,
)


def _dump(document: object) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()


YAMLISH = st.one_of(
    DOCUMENTS.map(_dump),
    st.fixed_dictionaries({"entries": st.lists(DOCUMENTS, max_size=3)}, optional={"sources": DOCUMENTS}).map(_dump),
    st.text().map(str.encode),
    st.binary(max_size=200),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=YAMLISH)
def test_any_yaml_document_validates_cleanly(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "property.yaml"
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.stderr
    bad = [line for line in result.stderr.splitlines() if not (PROBLEM_LINE.match(line) or SUMMARY_LINE.match(line))]
    assert not bad, result.stderr
    if result.exit_code == 1:
        assert SUMMARY_LINE.match(result.stderr.splitlines()[-1])
