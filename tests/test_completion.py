"""Shell completion (issue 15): values of --verdict and --tag, and the script for the shell asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.catalog import bundled_data_path, load


def factcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (completion runs before any command)."""
    script = Path(sys.executable).with_name("factcheck")  # installed next to this Python, as users run it
    if not script.is_file():
        pytest.skip("the factcheck console script is not installed next to this Python")
    return subprocess.run(
        [str(script), *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False, timeout=60,
    )  # fmt: skip


def complete(line: str) -> list[str]:
    """What zsh completion offers for the last word of `line`."""
    done = factcheck(env={"_FACTCHECK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line})
    assert done.returncode == 0, done.stderr
    return [word.strip("\"'") for word in done.stdout.split("(", 2)[-1].rstrip(")'\n").split()]


def test_verdict_values_complete() -> None:
    offered = complete("factcheck list --verdict m")
    assert "mostly-true" in " ".join(offered) and "mostly-false" in " ".join(offered)
    assert "false" not in offered


def test_tag_values_complete_from_the_data() -> None:
    catalog, _ = load([bundled_data_path()])
    tag = catalog.tags()[0]
    assert tag in " ".join(complete(f"factcheck list --tag {tag[:3]}"))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_show_completion_honours_the_shell_given(shell: str) -> None:
    """The script calls factcheck back as that shell (`_FACTCHECK_COMPLETE=complete_SHELL`, the
    protocol `complete` above speaks), whatever shell the tests run in; not typer's own wording."""
    others = {"bash", "zsh", "fish", "powershell"} - {shell}
    for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
        done = factcheck(*args)
        assert done.returncode == 0, done.stderr
        assert f"complete_{shell}" in done.stdout
        assert not any(f"complete_{other}" in done.stdout for other in others)


def test_an_unknown_shell_is_a_usage_error() -> None:
    done = factcheck("--show-completion", "tcsh")
    assert done.returncode == 2
    assert "tcsh" in done.stderr and "zsh" in done.stderr and "Traceback" not in done.stderr


def test_install_completion_writes_for_the_shell_given(tmp_path: Path) -> None:
    done = factcheck("--install-completion", "fish", env={"HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    written = list(tmp_path.rglob("factcheck.fish"))
    assert written and "complete_fish" in written[0].read_text()
