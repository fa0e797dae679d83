"""Golden snapshots of the terminal views: a rendering change is a visible diff.

    UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py   # rewrite them

Each view (an answer, a miss, a decline, show, list) with colour off and on, at 80 and 40
columns, through the real CLI and the bundled data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

VIEWS = {
    "answer": ["ask", "do police trace every IP address?"],
    "opposite": ["ask", "police do not trace every IP"],
    "no-match": ["ask", "what is the best pizza in naples"],
    "did-you-mean": ["ask", "ncmec and the fbi"],
    "declined": ["ask", "where can i find cp"],
    "show": ["show", "cybertipline-who-runs"],
    "list": ["list", "--verdict", "false"],
}


@pytest.mark.parametrize("columns", [80, 40])
@pytest.mark.parametrize("color", ["never", "always"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_terminal_view_matches_its_snapshot(view: str, color: str, columns: int) -> None:
    result = CliRunner().invoke(app, [*VIEWS[view], "--color", color], env={"COLUMNS": str(columns)})
    shown = f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    path = SNAPSHOTS / f"{view}-{color}-{columns}.txt"
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI"):
            pytest.fail(f"missing snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and commit it")
        path.write_text(shown, encoding="utf-8")
    assert shown == path.read_text(encoding="utf-8"), f"{path.name} changed: review, then update the snapshots"


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_a_narrow_terminal_keeps_list_items_indented_and_citation_groups_whole(columns: int) -> None:
    result = CliRunner().invoke(
        app, ["show", "police-trace-every-ip", "--color", "always"], env={"COLUMNS": str(columns)}
    )
    lines = [line.replace("\x1b[36m", "").replace("\x1b[0m", "") for line in result.stdout.splitlines()]
    start = next(i for i, line in enumerate(lines) if "Supporting claims" in line) + 1
    claims = lines[start : lines.index("", start)]
    assert claims[0].startswith(" 1. ")
    for line in claims:
        assert line[:4].strip() == "" or line[:4].strip().rstrip(".").isdigit(), line  # marker or indent
        assert len(line) <= columns
        assert line.count("[ip-tracing") == line.count("]]") + line.count("[ip-tracing]"), line  # a group is whole
