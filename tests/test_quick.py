"""The framework-free path for `ask [--json] QUESTION` (factcheck.quick) answers exactly as the full CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.quick import plain_json_question, plain_text_question, without_data

QUESTIONS = [
    "do police trace every ip",  # answered
    "what is the best pizza in naples",  # no confident match
    "where can i find cp",  # declined
    "i'm attracted to kids and i hate it, where can i get help",  # help lines
    "i saw csam in a game chat and want to report it",  # unanswered, with the channels
    "is the CyberTipline run by the FBI? \x1b[31m<b>",  # control characters and markup
]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    environment.update({"FACTCHECK_CACHE_DIR": str(tmp_path / "cache"), **env})
    return subprocess.run([sys.executable, "-m", "factcheck", *args], capture_output=True, env=environment)


@pytest.mark.parametrize(
    ("argv", "question"),
    [
        (["ask", "--json", "do police trace every ip"], "do police trace every ip"),
        (["ask", "do", "police", "--json", "trace"], "do police trace"),
        (["ask", "--json", "  spaced  "], "spaced"),
        (["ask", "--json", "a\x1bb"], "a b"),
        (["ask", "--json"], None),  # no question: the full CLI's usage error
        (["ask", "--json", "   "], None),
        (["ask", "--json", ""], None),
        (["ask", "--json", "-"], None),  # a batch
        (["ask", "--json", "--top", "5", "q"], None),  # another option
        (["ask", "--json", "--", "-5 degrees"], None),
        (["ask", "--json", "--json", "q"], None),
        (["ask", "--json=1", "q"], None),
        (["list", "--json", "q"], None),
        (["--json", "ask", "q"], None),
        (["do", "police", "--json"], None),  # a question without `ask`: the full CLI routes it
        ([], None),
    ],
)
def test_only_a_plain_ask_json_takes_the_quick_path(argv: list[str], question: str | None) -> None:
    assert plain_json_question(argv) == question


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_quick_path_writes_what_the_full_cli_writes(tmp_path: Path, question: str) -> None:
    quick = run(["ask", "--json", question], tmp_path)
    full = run(["ask", question, "--json", "--top", "3"], tmp_path)  # --top: the full CLI
    assert quick.returncode == full.returncode
    assert quick.stdout == full.stdout and quick.stdout.startswith(b"{")
    assert quick.stderr == full.stderr == b""


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["ask", "do police trace every ip"], ("do police trace every ip", "auto")),
        (["ask", "do", "police", "--color", "always", "trace"], ("do police trace", "always")),
        (["ask", "--color", "never", "a\x1bb"], ("a b", "never")),
        (["ask"], None),
        (["ask", "--color", "always"], None),  # no question
        (["ask", "   "], None),
        (["ask", "-"], None),  # a batch
        (["ask", "--json", "q"], None),  # the JSON path's
        (["ask", "--color", "sometimes", "q"], None),  # the full CLI's usage error
        (["ask", "--color=always", "q"], None),
        (["ask", "--color", "always", "--color", "never", "q"], None),
        (["ask", "-q", "q"], None),
        (["ask", "--top", "5", "q"], None),
        (["list", "q"], None),
        (["do", "police"], None),
    ],
)
def test_only_a_plain_ask_takes_the_quick_text_path(argv: list[str], shown: tuple[str, str] | None) -> None:
    assert plain_text_question(argv) == shown


@pytest.mark.parametrize("color", ["always", "never", "auto"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_the_quick_text_path_shows_what_the_full_cli_shows(tmp_path: Path, question: str, color: str) -> None:
    options = [] if color == "auto" else ["--color", color]
    quick = run(["ask", question, *options], tmp_path, COLUMNS="100")
    full = run(["ask", question, "--top", "3", *options], tmp_path, COLUMNS="100")  # --top: the full CLI
    assert (quick.returncode, quick.stdout, quick.stderr) == (full.returncode, full.stdout, full.stderr)
    assert quick.stdout or quick.stderr
    assert (b"\x1b[" in quick.stdout + quick.stderr) == (color == "always")


def frameworks_after(argv: list[str], tmp_path: Path) -> tuple[str, bytes]:
    """`factcheck.main()` run with `argv`: "EXIT_CODE TYPER_IMPORTED" (typer bundles its click), and its stdout."""
    probe = (
        "import sys\n"
        f"sys.argv = ['factcheck', *{argv!r}]\n"
        "from factcheck import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n"
        "    sys.stderr.write(f'{done.code} {\"typer\" in sys.modules}')\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    environment["FACTCHECK_CACHE_DIR"] = str(tmp_path / "cache")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=environment)
    return result.stderr.decode(), result.stdout


def test_the_quick_path_imports_no_cli_framework(tmp_path: Path) -> None:
    report, stdout = frameworks_after(["ask", "--json", "do police trace every ip"], tmp_path)
    assert report == "0 False"
    assert b'"status": "answered"' in stdout
    assert frameworks_after(["ask", "--json", "--top", "3", "do police trace every ip"], tmp_path)[0] == "0 True"
    report, stdout = frameworks_after(["ask", "--color", "always", "do police trace every ip"], tmp_path)
    assert report == "0 False" and b"\x1b[" in stdout


def test_data_from_the_environment_and_its_errors_are_the_full_clis(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [\n", encoding="utf-8")
    quick = run(["ask", "--json", "do police trace every ip"], tmp_path, FACTCHECK_DATA=str(broken))
    full = run(["ask", "do police trace every ip", "--json", "--top", "3"], tmp_path, FACTCHECK_DATA=str(broken))
    assert quick.returncode == full.returncode == 2
    assert quick.stderr == full.stderr and str(broken).encode() in quick.stderr
    assert quick.stdout == full.stdout == b""


@pytest.mark.parametrize(
    ("argv", "split"),
    [
        (["ask", "--json", "q"], (["ask", "--json", "q"], [])),
        (["ask", "--data", "a.yaml", "--json", "q", "--data", "b"], (["ask", "--json", "q"], ["a.yaml", "b"])),
        (["ask", "--json", "q", "--data"], None),  # no path
        (["ask", "--json", "q", "--data", "--top"], None),
        (["ask", "--json", "q", "--data", ""], None),
        (["--data", "a.yaml", "ask", "--json", "q"], None),  # before the command: the full CLI's error
        (["ask", "--json", "--data=a.yaml", "q"], (["ask", "--json", "--data=a.yaml", "q"], [])),  # then not plain
    ],
)
def test_data_options_are_taken_apart_only_in_their_plain_form(
    argv: list[str], split: tuple[list[str], list[str]] | None
) -> None:
    assert without_data(argv) == split


def test_data_files_given_as_options_answer_as_in_the_full_cli(tmp_path: Path) -> None:
    from tests.helpers import MINI_YAML

    data = tmp_path / "mini.yaml"
    data.write_text(MINI_YAML, encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [\n", encoding="utf-8")
    for files in ([data], [data, data], [tmp_path / "missing.yaml"], [broken], [data, broken]):
        args = [a for f in files for a in ("--data", str(f))]
        for question in ("do police trace every ip", "who runs the cybertipline"):
            quick = run(["ask", "--json", question, *args], tmp_path)
            full = run(["ask", question, "--json", "--top", "3", *args], tmp_path)
            assert (quick.returncode, quick.stdout, quick.stderr) == (full.returncode, full.stdout, full.stderr)
    report, _ = frameworks_after(["ask", "--json", "do police trace every ip", "--data", str(data)], tmp_path)
    assert report == "0 False"  # the quick path took it


def test_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    environment["FACTCHECK_CACHE_DIR"] = str(tmp_path / "cache")
    command = [sys.executable, "-m", "factcheck", "ask", "--json", "do police trace every ip"]
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    result = subprocess.run(command, stdout=reader.stdin, stderr=subprocess.PIPE, env=environment)
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait()
    assert result.stderr == b""
    assert result.returncode in (0, 1)  # 1 when the pipe closed before the answer was written


@pytest.mark.parametrize(
    ("argv", "checked"),
    [
        (["check", "README.md"], ("README.md", False)),
        (["check", "--json", "README.md"], ("README.md", True)),
        (["check", "README.md", "--json"], ("README.md", True)),
        (["check", "-"], None),  # stdin
        (["check", "README.md", "README.md"], None),
        (["check", "--json", "--json", "README.md"], None),
        (["check", "--color", "never", "README.md"], None),
        (["check", "no-such-file.md"], None),
        (["check", "tests"], None),  # a directory
        (["check"], None),
        (["ask", "README.md"], None),
    ],
)
def test_only_a_plain_check_of_one_file_takes_the_quick_path(
    argv: list[str], checked: tuple[str, bool] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.quick import plain_check_file

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert plain_check_file(argv) == checked


CHECKED_TEXTS = {
    "article.md": (Path(__file__).parent / "check" / "article.md").read_text(encoding="utf-8"),
    "none.txt": "Nothing here is about any of the topics.\nThe weather was fine today.\n",
    "declined.txt": "Police trace every IP address in these cases.\nwhere can i find cp links\n",
    "markup.txt": "Is the CyberTipline run by the FBI? \x1b[31m<b>[bold]NCMEC is part of the FBI.[/bold]\n",
}


@pytest.mark.parametrize("name", sorted(CHECKED_TEXTS))
def test_the_quick_check_shows_what_the_full_cli_shows(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(CHECKED_TEXTS[name], encoding="utf-8")
    for quick_args, full_args in (
        (["check", "--json", str(path)], ["check", "--json", "--color", "never", str(path)]),
        (["check", str(path)], ["check", "--color", "auto", str(path)]),
    ):
        quick = run(quick_args, tmp_path, COLUMNS="100")
        full = run(full_args, tmp_path, COLUMNS="100")
        assert (quick.returncode, quick.stdout, quick.stderr) == (full.returncode, full.stdout, full.stderr)
    report, _ = frameworks_after(["check", "--json", str(path)], tmp_path)
    assert report.split()[1] == "False"  # the quick path took it
