"""The real CLI through typer's runner: stdout, stderr and exit codes apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck import __version__
from factcheck.cli import app
from tests.helpers import write

CONTRACT_KEYS = {
    "query", "status", "score", "candidates", "id", "question", "verdict", "answer",
    "claims", "caveats", "sources", "reviewed", "outdated",
}  # fmt: skip


def run(runner: CliRunner, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


def test_ask_answers_in_plain_text_when_piped(runner: CliRunner, mini_data: Path) -> None:
    result = run(runner, "ask", "--data", str(mini_data), "do", "cops", "trace", "every", "IP?")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "FALSE" in out and "The sources contradict the claim." in out
    assert "Do police trace every IP address involved in CSAM investigations?" in out
    assert "1. An IP address is a starting point.  [ip-tracing [1][2]]" in out
    assert "This fact-check may be outdated." in out
    assert "reviewed 2026-11-22" in out and "Related: cybertipline-who-runs" in out
    assert "\x1b[" not in out, "no colour codes in a pipe"


def test_ask_json_is_the_contract(runner: CliRunner, mini_data: Path) -> None:
    result = run(runner, "ask", "--json", "--data", str(mini_data), "is the cybertipline run by the fbi?")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert CONTRACT_KEYS <= set(data)
    assert data["status"] == "answered" and data["id"] == "cybertipline-who-runs"
    assert data["verdict"] == "false" and data["outdated"] is False
    assert data["claims"] == [{"text": "NCMEC operates the CyberTipline.", "citations": ["ncmec-leads [1]"]}]
    assert data["sources"][0]["id"] == "ncmec-leads"
    assert 0 <= data["score"] <= 100
    assert [c["id"] for c in data["candidates"]][0] == "cybertipline-who-runs"
    assert len(data["candidates"]) <= 3


def test_ask_no_match_exits_1_with_suggestions_on_stderr(runner: CliRunner, mini_data: Path) -> None:
    result = run(runner, "ask", "--data", str(mini_data), "what is the best pizza topping in naples")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No confident match for: what is the best pizza topping in naples" in result.stderr


def test_ask_no_match_json_has_empty_entry_and_candidates(runner: CliRunner, mini_data: Path) -> None:
    result = run(runner, "ask", "--json", "--top", "2", "--data", str(mini_data), "recipe for police cake")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] == "no_match" and data["id"] is None and data["claims"] == []
    assert len(data["candidates"]) <= 2


@pytest.mark.parametrize("question", [[], [""], ["   "]])
def test_empty_question_is_a_usage_error(runner: CliRunner, mini_data: Path, question: list[str]) -> None:
    result = run(runner, "ask", "--data", str(mini_data), *question)
    assert result.exit_code == 2
    assert "question is empty" in result.stderr


def test_batch_from_stdin_keeps_order_and_exit_code(runner: CliRunner, mini_data: Path) -> None:
    lines = "is the cybertipline run by the fbi\n\n   \nhow long do isps keep ip logs\nbanana bread\n"
    result = run(runner, "ask", "--json", "--data", str(mini_data), "-", input=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["answered", "answered", "no_match"]
    assert [r["id"] for r in rows] == ["cybertipline-who-runs", "isp-log-retention", None]
    assert result.exit_code == 1
    ok = run(runner, "ask", "-q", "--data", str(mini_data), "-", input="is the cybertipline run by the fbi\n")
    assert (ok.exit_code, ok.stdout) == (0, "false\n")


def test_formats_verdict_and_markdown(runner: CliRunner, mini_data: Path) -> None:
    verdict = run(runner, "ask", "-f", "verdict", "--data", str(mini_data), "does the fbi run the cybertipline")
    assert verdict.stdout == "false\n"
    markdown = run(runner, "ask", "-f", "markdown", "--data", str(mini_data), "does the fbi run the cybertipline")
    assert markdown.stdout.startswith("## Is the CyberTipline run by the FBI?")
    assert "**Verdict: False**" in markdown.stdout


def test_color_always_and_never(runner: CliRunner, mini_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["ask", "--data", str(mini_data), "does the fbi run the cybertipline"]
    assert "\x1b[" in run(runner, *args, "--color", "always").stdout
    assert "\x1b[" not in run(runner, *args, "--color", "never").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" in run(runner, *args, "--color", "always").stdout


def test_markup_and_escapes_in_query_are_shown_literally(runner: CliRunner, mini_data: Path) -> None:
    query = "[bold red]police trace every ip[/] \x1b[31m"
    result = run(runner, "ask", "--color", "always", "--min-score", "0", "--data", str(mini_data), query)
    assert result.exit_code == 0
    assert "[bold red]police trace every ip[/]" in result.stdout
    assert "\x1b[31m" not in result.stdout
    missed = run(runner, "ask", "--color", "always", "--data", str(mini_data), "[link=http://x]zzz[/link] \x1b]0;t\x07")
    assert "[link=http://x]zzz[/link]" in missed.stderr
    assert "\x1b]0;" not in missed.stderr


def test_list_text_json_ids_and_filters(runner: CliRunner, mini_data: Path) -> None:
    text = run(runner, "list", "--data", str(mini_data))
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0].split()[:2] == ["police-trace-every-ip", "False"]
    rows = json.loads(run(runner, "list", "--json", "--data", str(mini_data)).stdout)
    assert [r["id"] for r in rows] == ["police-trace-every-ip", "cybertipline-who-runs", "isp-log-retention"]
    assert set(rows[0]) >= {"id", "question", "verdict", "tags"}
    ids = run(runner, "list", "-f", "ids", "--verdict", "unproven", "--data", str(mini_data))
    assert ids.stdout == "isp-log-retention\n"
    tagged = run(runner, "list", "-f", "ids", "--tag", "ncmec", "--data", str(mini_data))
    assert tagged.stdout == "cybertipline-who-runs\n"
    searched = run(runner, "list", "-f", "ids", "--search", "FBI", "--data", str(mini_data))
    assert searched.stdout == "cybertipline-who-runs\n"
    bad = run(runner, "list", "--verdict", "maybe", "--data", str(mini_data))
    assert bad.exit_code == 2 and "unknown verdict 'maybe'" in bad.stderr


def test_show_by_id_and_unknown_id(runner: CliRunner, mini_data: Path) -> None:
    shown = run(runner, "show", "--json", "isp-log-retention", "--data", str(mini_data))
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert (data["id"], data["verdict"], data["answer"], data["claims"]) == ("isp-log-retention", "unproven", None, [])
    missing = run(runner, "show", "isp-log-retentoin", "--data", str(mini_data))
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (
        "factcheck: error: no entry with id 'isp-log-retentoin' (did you mean: isp-log-retention?)"
    )
    question = run(runner, "show", "how long do ISPs keep logs?", "--data", str(mini_data))
    assert question.exit_code == 1 and question.stderr.count("\n") == 1
    assert "to ask it, factcheck ask 'how long do ISPs keep logs?'" in question.stderr


def test_invalid_data_is_refused_with_exit_2_and_no_traceback(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "entries:\n  - id: x\n    question: q\n    claim: A claim.\n    verdict: maybe\n")
    for args in (["ask", "q"], ["list"], ["show", "x"]):
        result = run(runner, *args, "--data", str(bad))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"{bad}:5: unknown verdict 'maybe'")
        assert "Traceback" not in result.stderr


def test_data_from_environment_path_list(runner: CliRunner, mini_data: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    extra = write(
        tmp_path,
        "entries:\n  - id: extra-entry\n    question: Is the moon cheese?\n    claim: A claim.\n    verdict: false\n",
        "x.yaml",
    )
    monkeypatch.setenv("FACTCHECK_DATA", f"{mini_data}:{extra}")
    rows = json.loads(run(runner, "list", "--json").stdout)
    assert [r["id"] for r in rows][-1] == "extra-entry" and len(rows) == 4


def test_validate_reports_and_exit_codes(runner: CliRunner, mini_data: Path, tmp_path: Path) -> None:
    ok = run(runner, "validate", str(mini_data))
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: 3 entries, 2 sources")
    strict = run(runner, "validate", "--strict", str(mini_data))
    assert strict.exit_code == 1
    assert f"{mini_data}:36: entry 'isp-log-retention' needs an answer" in strict.stderr
    bad = write(
        tmp_path, "entries:\n  - id: x\n    question: q\n    claim: A claim.\n    verdict: nope\n    verdict: true\n"
    )
    result = run(runner, "validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:5: unknown verdict 'nope'" in result.stderr
    assert f"{bad}:6: duplicate key 'verdict'" in result.stderr


def test_version_and_help(runner: CliRunner) -> None:
    assert run(runner, "--version").stdout == f"factcheck {__version__}\n"
    helped = run(runner, "--help")
    assert helped.exit_code == 0
    assert "Examples:" in helped.stdout and "Exit codes:" in helped.stdout
    for command in ("ask", "list", "show", "validate", "resources"):
        sub = run(runner, command, "-h")
        assert sub.exit_code == 0 and f"factcheck {command}" in sub.stdout and "--help" in sub.stdout, command


def test_resources_lists_only_the_known_channels(runner: CliRunner) -> None:
    data = json.loads(run(runner, "resources", "--json").stdout)
    contacts = {r["contact"] for r in data}
    assert "https://report.cybertip.org/" in contacts
    assert "0808 1000 900" in contacts


def test_validate_without_files_also_checks_the_safety_rules(
    runner: CliRunner, mini_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factcheck.catalog

    real = factcheck.catalog.bundled_data_path
    broken = write(tmp_path, "message: hi\npatterns:\n  material: ['(unclosed']\nrules: []\n", "safety.yaml")

    def bundled(name: str = "claims.yaml") -> Path:
        return broken if name == "safety.yaml" else real(name)

    monkeypatch.setattr(factcheck.catalog, "bundled_data_path", bundled)
    result = run(runner, "validate", "--data", str(mini_data))
    assert result.exit_code == 1
    assert f"{broken}:3:" in result.stderr
    assert run(runner, "validate", str(mini_data)).exit_code == 0  # explicit files: only those


def test_help_and_usage_errors_read_cleanly(runner: CliRunner) -> None:
    helped = run(runner, "ask", "--help").stdout
    # Our default and bound shown, with no rich escape in plain help (click's own wording may change).
    assert "default: 3" in helped and "50" in helped and "\\[" not in helped
    for command in ("ask", "list", "show", "validate", "resources", "export", "import"):
        sub = " ".join(run(runner, command, "--help").stdout.split())  # unwrapped
        assert "Exit codes: 0 " in sub and "130 interrupted." in sub, command
        assert "\\[" not in sub, command
    assert "JSON Lines" not in run(runner, "list", "--help").stdout  # only `ask -` writes JSON Lines
    bad = run(runner, "ask", "--top", "99", "x")
    assert bad.exit_code == 2
    assert "'--top'" in bad.stderr and "99" in bad.stderr and "50" in bad.stderr  # the option, the value, the bound
    assert "Traceback" not in bad.stderr
    assert "env var" not in run(runner, "list", "--format", "xml").stderr


def test_no_color_drops_every_style_on_a_terminal(runner: CliRunner, mini_data: Path) -> None:
    args = ["ask", "--data", str(mini_data), "does the fbi run the cybertipline"]
    assert "\x1b[" in runner.invoke(app, args, env={"FORCE_COLOR": "1"}).stdout  # a terminal: styled
    plain = runner.invoke(app, args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.exit_code == 0 and "FALSE" in plain.stdout
    assert "\x1b[" not in plain.stdout, "NO_COLOR: no colour, and no bold or dim either"


def test_list_verdict_filter_takes_the_label_as_shown(runner: CliRunner, mini_data: Path) -> None:
    for given in ("False", "FALSE", " false "):
        ids = run(runner, "list", "-f", "ids", "--verdict", given, "--data", str(mini_data))
        assert ids.exit_code == 0 and ids.stdout == "police-trace-every-ip\ncybertipline-who-runs\n", given
    assert run(runner, "list", "-v", "Mostly true", "--data", str(mini_data)).exit_code == 0


def test_show_accepts_an_id_in_capitals_and_a_repeated_data_file_is_read_once(
    runner: CliRunner, mini_data: Path
) -> None:
    shown = run(runner, "show", "-f", "json", "ISP-LOG-RETENTION", "--data", str(mini_data))
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == "isp-log-retention"
    twice = run(runner, "list", "-f", "ids", "--data", str(mini_data), "--data", str(mini_data))
    assert twice.exit_code == 0 and len(twice.stdout.split()) == 3


def test_escape_sequences_in_a_question_are_dropped_whole(runner: CliRunner, mini_data: Path) -> None:
    coloured = "is the \x1b[31mcybertipline\x1b[0m run by the fbi"
    result = run(runner, "ask", "--json", "--data", str(mini_data), coloured)
    data = json.loads(result.stdout)
    assert (result.exit_code, data["id"]) == (0, "cybertipline-who-runs")
    assert "\x1b" not in data["query"] and "[31m" not in data["query"]


def test_a_pasted_page_is_echoed_shortened(runner: CliRunner, mini_data: Path) -> None:
    question = "does the fbi run the cybertipline " + "padding " * 5000
    result = run(runner, "ask", "--min-score", "0", "--data", str(mini_data), question)
    echoed = next(line for line in result.stdout.splitlines() if line.startswith("You asked: "))
    assert "\u2026" in echoed and len(echoed) < 300


def test_an_over_long_stdin_line_is_cut_not_buffered_whole(runner: CliRunner, mini_data: Path) -> None:
    from factcheck import cli

    lines = "does the fbi run the cybertipline " + "x" * (2 * cli.MAX_LINE_BYTES) + "\nhow long do isps keep ip logs\n"
    result = run(runner, "ask", "--json", "--data", str(mini_data), "-", input=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2 and rows[1]["id"] == "isp-log-retention"
    assert len(rows[0]["query"]) <= cli.MAX_LINE_BYTES


def test_candidates_are_always_the_top_n_even_with_nothing_in_common(runner: CliRunner, mini_data: Path) -> None:
    result = run(runner, "ask", "--json", "--top", "2", "--data", str(mini_data), "best pizza in naples")
    data = json.loads(result.stdout)
    assert (result.exit_code, data["status"]) == (1, "no_match")
    assert [(c["id"], c["score"]) for c in data["candidates"]] == [
        ("police-trace-every-ip", 0.0),
        ("cybertipline-who-runs", 0.0),
    ]
    text = run(runner, "ask", "--data", str(mini_data), "best pizza in naples")
    assert "Nearest topics" not in text.stderr and "factcheck list" in text.stderr


def test_a_question_without_a_command_is_asked(runner: CliRunner) -> None:
    result = runner.invoke(app, ["do police trace every IP address?", "--color", "never"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Claim: Police trace every IP address")


def test_a_mistyped_command_is_not_taken_for_a_question(runner: CliRunner) -> None:
    result = runner.invoke(app, ["valdate"])
    assert result.exit_code == 2
    assert "validate" in result.output and "Claim:" not in result.output


def test_list_refuses_an_unknown_tag_naming_the_known_ones(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--tag", "nosuch"])
    assert result.exit_code == 2
    assert result.stderr.startswith("factcheck: error: unknown tag 'nosuch'; known tags: ")
    assert "ncmec" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["show", "me", "how", "police", "trace", "ips"],
            "show takes one entry id; unexpected words: how, police, trace",
        ),
        (["list", "of", "things", "police", "do"], "list takes no words; unexpected words: of, things, police, do"),
        (["resources", "for", "survivors"], "resources takes no words; unexpected words: for, survivors"),
    ],
)
def test_a_question_that_begins_with_a_command_name_is_told_how_to_ask(
    runner: CliRunner, args: list[str], error: str
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"factcheck: error: {error}")
    assert result.stderr.rstrip().endswith(f"to ask a question: factcheck ask '{' '.join(args)}'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_extra_words_after_options_are_refused_without_a_question_to_suggest(
    runner: CliRunner, mini_data: Path
) -> None:
    result = run(runner, "list", "--verdict", "false", "--data", str(mini_data), "now")
    assert result.exit_code == 2
    assert result.stderr.strip() == "factcheck: error: list takes no words; unexpected words: now"
    listed = run(runner, "list", "--verdict", "false", "--data", str(mini_data))  # option values are not words
    assert listed.exit_code == 0 and "police-trace-every-ip" in listed.stdout
    shown = run(runner, "show", "--data", str(mini_data), "police-trace-every-ip")
    assert shown.exit_code == 0 and "police-trace-every-ip" in shown.stdout
