"""Bulk data (issue 17): `--data DIR` and JSON Lines data files, through the real CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from factcheck import config
from factcheck.cli import app
from tests.helpers import MINI_YAML, write


def as_jsonl(yaml_text: str) -> str:
    """The entries of a YAML data file, one JSON object a line (dates as text)."""
    entries = yaml.safe_load(yaml_text)["entries"]
    return "".join(json.dumps(e, default=str) + "\n" for e in entries)


def sources_only(yaml_text: str) -> str:
    return yaml.safe_dump({"sources": yaml.safe_load(yaml_text)["sources"], "entries": []})


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_jsonl_entry_is_the_same_entry_as_in_yaml(tmp_path: Path, runner: CliRunner) -> None:
    yaml_file = write(tmp_path, MINI_YAML, "mini.yaml")
    sources = write(tmp_path, sources_only(MINI_YAML), "sources.yaml")
    jsonl = write(tmp_path, as_jsonl(MINI_YAML), "mini.jsonl")
    for entry_id in ("police-trace-every-ip", "cybertipline-who-runs", "isp-log-retention"):
        from_yaml = invoke(runner, "show", "--json", "--data", str(yaml_file), entry_id)
        from_jsonl = invoke(runner, "show", "--json", "--data", str(sources), "--data", str(jsonl), entry_id)
        assert from_yaml[0] == from_jsonl[0] == 0
        assert json.loads(from_yaml[1]) == json.loads(from_jsonl[1])
    asked = invoke(runner, "ask", "--json", "--data", str(sources), "--data", str(jsonl), "do cops trace every ip?")
    assert json.loads(asked[1])["id"] == "police-trace-every-ip"


def test_data_dir_reads_its_yaml_and_jsonl_files_in_name_order(tmp_path: Path, runner: CliRunner) -> None:
    directory = tmp_path / "checks"
    directory.mkdir()
    write(directory, sources_only(MINI_YAML), "a-sources.yaml")
    write(directory, as_jsonl(MINI_YAML), "b-entries.jsonl")
    write(directory, "not data", "notes.txt")  # other files are not data
    write(directory, "entries: [", ".hidden.yaml")  # nor hidden ones
    code, out, err = invoke(runner, "list", "--format", "ids", "--data", str(directory))
    assert (code, err) == (0, "")
    assert out.split() == ["police-trace-every-ip", "cybertipline-who-runs", "isp-log-retention"]
    assert invoke(runner, "validate", str(directory))[0] == 0
    code, out, _ = invoke(runner, "ask", "-q", "--data", str(directory), "is the cybertipline run by the fbi")
    assert (code, out.strip()) == (0, "false")


def test_a_file_added_to_a_data_dir_is_seen(tmp_path: Path, runner: CliRunner) -> None:
    directory = tmp_path / "checks"
    directory.mkdir()
    write(directory, MINI_YAML, "a.yaml")
    assert invoke(runner, "show", "--data", str(directory), "added-entry")[0] == 1
    added = {"id": "added-entry", "question": "Was an entry added?", "claim": "An entry was added.", "verdict": "true"}
    write(directory, json.dumps(added) + "\n", "b.jsonl")
    code, out, _ = invoke(runner, "show", "--json", "--data", str(directory), "added-entry")
    assert code == 0 and json.loads(out)["claim"] == "An entry was added."


def test_bad_jsonl_lines_are_reported_as_file_line_with_exit_2(tmp_path: Path, runner: CliRunner) -> None:
    good = {"id": "fine", "question": "Is it fine?", "claim": "It is fine.", "verdict": "true"}
    lines = [
        json.dumps(good),
        "",
        '{"id": "broken", "question": ',
        "[1, 2]",
        json.dumps({**good, "id": "Bad Id", "claim": "Escapes \x1b[31m here."}),
        '{"id": "twice", "id": "twice", "question": "q", "claim": "c", "verdict": "true"}',
        '{"id": "deep", "claim": "c", "verdict": "true", "question": ' + "[" * 40 + "]" * 40 + "}",
        "[" * 200 + "]" * 200,
    ]
    path = write(tmp_path, "\n".join(lines) + "\n", "bad.jsonl")
    code, out, err = invoke(runner, "ask", "--data", str(path), "is it fine?")
    assert code == 2 and out == ""
    assert "Traceback" not in err
    problems = err.strip().splitlines()
    assert all(p.startswith(f"{path}:") for p in problems)
    lines_reported = [int(p.split(":")[1]) for p in problems]
    assert lines_reported == sorted(lines_reported) and set(lines_reported) == {3, 4, 5, 6, 7, 8}
    assert f"{path}:3: invalid JSON: Expecting value (column 30)" in err
    assert f"{path}:4: each line must be a JSON object (an entry), got a list" in err
    assert "control character (U+001B)" in err and "duplicate key 'id'" in err
    assert f"{path}:7: question must be text, got a list" in err


def test_an_empty_jsonl_file_says_what_it_expects(tmp_path: Path, runner: CliRunner) -> None:
    path = write(tmp_path, "\n\n", "empty.jsonl")
    code, _, err = invoke(runner, "list", "--data", str(path))
    assert code == 2 and err == f"{path}:1: file is empty; expected one JSON object (an entry) per line\n"


def test_an_empty_or_unreadable_data_dir_is_a_one_line_error(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = invoke(runner, "ask", "--data", str(empty), "anything")
    assert (code, err) == (2, f"{empty}:1: directory has no data files (.yaml, .yml, .jsonl)\n")

    def refuse(path: object) -> os.ScandirIterator[str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(config.os, "scandir", refuse)
    code, _, err = invoke(runner, "list", "--data", str(empty))
    assert (code, err) == (2, f"{empty}:1: cannot read directory: Permission denied\n")
