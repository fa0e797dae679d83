"""Fixtures, and a machine-independent environment pinned for the whole session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from tests.helpers import MINI_YAML

_PINNED_HOME = Path(tempfile.mkdtemp(prefix="factcheck-tests-"))

# Property tests: a quick default, and `pytest --hypothesis-profile=thorough` for a deeper run.
settings.register_profile("default", max_examples=60)
settings.register_profile("thorough", max_examples=400)
settings.load_profile("default")


def pytest_configure(config: pytest.Config) -> None:
    """Pin HOME, XDG_* and every FACTCHECK_* variable before any fixture runs.

    Module- and session-scoped fixtures run before function-scoped monkeypatching, so the
    pinning has to happen here: nothing a test does may read or write the real ~/.cache,
    and a developer's exported FACTCHECK_NO_CACHE or FACTCHECK_DATA must not change results.
    """
    for name in [n for n in os.environ if n.startswith("FACTCHECK_")]:
        del os.environ[name]
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "CLICOLOR_FORCE"):
        os.environ.pop(name, None)
    os.environ["HOME"] = str(_PINNED_HOME)
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(_PINNED_HOME / name.lower())
    os.environ["COLUMNS"] = "100"


@pytest.fixture(autouse=True)
def pinned_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts from the pinned environment, with a cache directory of its own."""
    for name in ("NO_COLOR", "FORCE_COLOR", "FACTCHECK_DATA", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_YAML, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
