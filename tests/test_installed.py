"""The installed console script, run as a user would: another directory, a real pipe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("factcheck", path=str(Path(sys.executable).parent)) or shutil.which("factcheck")


def run_script(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    assert SCRIPT, "the factcheck console script is not installed (pip install .)"
    return subprocess.run(
        [SCRIPT, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.mark.skipif(SCRIPT is None, reason="console script not installed")
def test_installed_script_answers_from_another_directory(tmp_path: Path) -> None:
    result = run_script("ask", "--json", "Do police trace every IP address?", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["status"], data["id"], data["verdict"]) == ("answered", "police-trace-every-ip", "false")
    assert data["outdated"] is True


@pytest.mark.skipif(SCRIPT is None, reason="console script not installed")
def test_python_dash_m_and_closed_pipe(tmp_path: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "factcheck", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert module.returncode == 0 and module.stdout.startswith("factcheck ")
    # `factcheck list | head -1`: the reader goes away early; no traceback.
    shell = subprocess.run(
        f"'{SCRIPT}' list --color never | head -1", shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert shell.stdout.startswith("police-trace-every-ip")
    assert "Traceback" not in shell.stderr and "BrokenPipe" not in shell.stderr


@pytest.mark.skipif(SCRIPT is None, reason="console script not installed")
@pytest.mark.parametrize(
    ("shell", "env"),
    [
        ("bash", {"_FACTCHECK_COMPLETE": "complete_bash", "COMP_WORDS": "factcheck show isp", "COMP_CWORD": "2"}),
        ("zsh", {"_FACTCHECK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "factcheck show isp"}),
        (
            "fish",
            {
                "_FACTCHECK_COMPLETE": "complete_fish",
                "_TYPER_COMPLETE_ARGS": "factcheck show isp",
                "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            },
        ),
    ],
)
def test_shell_completion_offers_entry_ids(tmp_path: Path, shell: str, env: dict[str, str]) -> None:
    result = run_script(cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "isp-subscriber-records" in result.stdout and "isp-log-retention" in result.stdout, shell
    assert "police-trace-every-ip" not in result.stdout
