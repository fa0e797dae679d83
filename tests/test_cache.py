"""The engine cache: used when nothing changed, never when anything did, never in the way.

No timing here: bench/speed.py measures speed. conftest gives every test its own
XDG_CACHE_HOME, so the cache below is private to the test.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import factcheck
from factcheck import cache, catalog, engine
from factcheck.cli import app
from factcheck.errors import DataError
from tests.helpers import MINI_YAML, write

QUESTIONS = (
    "do police trace every IP?",
    "is the cybertipline run by the FBI?",
    "how long do isps keep logs",
    "what is the weather on mars",
)


def cache_files() -> list[Path]:
    directory = cache.cache_dir()
    return sorted(directory.glob("engine-*.pickle")) if directory and directory.is_dir() else []


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts index builds: a cache hit builds nothing."""
    calls: list[int] = []
    real = engine.build_index

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "build_index", counting)
    return calls


def answers(paths: list[Path]) -> list[object]:
    opened = engine.open_engine(paths)
    return [opened.ask(q) for q in QUESTIONS] + [opened.warnings]


def uncached_answers(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> list[object]:
    with monkeypatch.context() as patch:
        patch.setenv("FACTCHECK_NO_CACHE", "1")
        return answers(paths)


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "factcheck"
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    assert cache.cache_dir() is None
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "0")
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("FACTCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "factcheck"


def test_path_helpers() -> None:
    for name in ("claims.yaml", "lexicon.yaml", "safety.yaml"):
        assert cache.bundled_data_path(name).is_file() and cache.bundled_data_path(name).name == name
    assert catalog.bundled_data_path is cache.bundled_data_path  # one definition, re-exported
    assert cache.data_paths_from_env(None) == cache.data_paths_from_env("") == []
    assert cache.data_paths_from_env(f"a.yaml{os.pathsep} {os.pathsep}b.yaml") == [Path("a.yaml"), Path("b.yaml")]


def test_second_open_is_a_cache_hit_with_the_same_answers(
    mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = answers([mini_data])
    assert len(builds) == 1
    assert len(cache_files()) == 1
    second = answers([mini_data])
    assert len(builds) == 1  # nothing was rebuilt
    assert second == first == uncached_answers([mini_data], monkeypatch)


def test_bundled_data_is_cached_too(builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [cache.bundled_data_path()]
    first = answers(paths)
    assert answers(paths) == first == uncached_answers(paths, monkeypatch)
    assert len(builds) == 2  # the first open and the uncached one


def test_warnings_come_back_from_the_cache(tmp_path: Path, builds: list[int]) -> None:
    data = write(tmp_path, MINI_YAML.replace("    tags: [isp]\n", "    tags: [isp]\n    caveat: typo\n"))
    warnings = engine.open_engine([data]).warnings
    assert warnings and all(w.warning for w in warnings)
    assert engine.open_engine([data]).warnings == warnings
    assert len(builds) == 1


def test_an_edit_is_seen_at_once_even_with_the_same_size_and_mtime(mini_data: Path, builds: list[int]) -> None:
    query = "who runs the cybertipline"
    assert engine.open_engine([mini_data]).ask(query).entry.question == "Is the CyberTipline run by the FBI?"
    before = mini_data.stat()
    edited = MINI_YAML.replace("run by the FBI?", "run by the CIA?")
    assert len(edited) == len(MINI_YAML)
    mini_data.write_text(edited, encoding="utf-8")
    os.utime(mini_data, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = mini_data.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert engine.open_engine([mini_data]).ask(query).entry.question == "Is the CyberTipline run by the CIA?"
    assert len(builds) == 2
    assert len(cache_files()) == 1  # the edit replaced the slot, it did not add one


def test_adding_a_file_or_changing_the_order_is_a_different_engine(tmp_path: Path, mini_data: Path) -> None:
    extra = write(
        tmp_path,
        'entries:\n  - id: extra-entry\n    question: Do cats investigate crimes?\n    claim: A claim.\n    verdict: "false"\n',
        "extra.yaml",
    )
    alone = engine.open_engine([mini_data])
    both = engine.open_engine([mini_data, extra])
    reversed_ = engine.open_engine([extra, mini_data])
    assert len(alone.catalog.entries) == 3
    assert [e.id for e in both.catalog.entries][-1] == "extra-entry"
    assert [e.id for e in reversed_.catalog.entries][0] == "extra-entry"


def test_paths_are_reported_as_given(tmp_path: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    data = write(tmp_path, MINI_YAML.replace("    tags: [isp]\n", "    tags: [isp]\n    caveat: typo\n"))
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert {w.file for w in engine.open_engine([Path("data.yaml")]).warnings} == {"data.yaml"}
        assert {w.file for w in engine.open_engine([data]).warnings} == {str(data)}
        assert {e.file for e in engine.open_engine([data]).catalog.entries} == {str(data)}
    assert len(builds) == 2


@pytest.mark.parametrize(
    "damage",
    ["garbage", "empty", "truncated", "wrong-type", "stale-key", "directory"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    damage: str, mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = answers([mini_data])
    [slot] = cache_files()
    good = slot.read_bytes()
    key = cache.cache_key([mini_data])
    assert key is not None
    slot.unlink()
    if damage == "garbage":
        slot.write_bytes(b"\x80\x05not a pickle at all" * 50)
    elif damage == "empty":
        slot.write_bytes(b"")
    elif damage == "truncated":
        slot.write_bytes(good[: len(good) // 2])
    elif damage == "wrong-type":  # the right header, then something that is not an Engine
        slot.write_bytes(pickle.dumps(("factcheck-engine-cache", key.digest)) + pickle.dumps({"not": "an engine"}))
    elif damage == "stale-key":
        slot.write_bytes(pickle.dumps(("factcheck-engine-cache", "0" * 64)) + good)
    else:
        slot.mkdir()
    assert answers([mini_data]) == expected
    assert len(builds) == 2
    if damage != "directory":  # rewritten: the next open is a hit again
        assert answers([mini_data]) == expected
        assert len(builds) == 2
    assert expected == uncached_answers([mini_data], monkeypatch)


def test_a_cache_file_owned_by_someone_else_is_not_unpickled(mini_data: Path, builds: list[int]) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to give the file to another user")
    expected = answers([mini_data])
    [slot] = cache_files()
    os.chown(slot, 54321, -1)
    assert answers([mini_data]) == expected
    assert len(builds) == 2


def test_cache_dir_under_a_regular_file_is_skipped(
    tmp_path: Path, mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(blocker / "cache"))
    expected = uncached_answers([mini_data], monkeypatch)
    assert answers([mini_data]) == answers([mini_data]) == expected
    assert blocker.read_text(encoding="utf-8") == "a file, not a directory"


def test_read_only_cache_dir_is_skipped(
    tmp_path: Path, mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes through chmod 0o500")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(locked))
        expected = uncached_answers([mini_data], monkeypatch)
        assert answers([mini_data]) == answers([mini_data]) == expected
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_no_home_directory_runs_uncached(mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("FACTCHECK_CACHE_DIR", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache.cache_dir() is None
    assert answers([mini_data]) == answers([mini_data])
    assert len(builds) == 2


def test_no_cache_writes_nothing(mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = Path(os.environ["XDG_CACHE_HOME"])
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    answers([mini_data])
    answers([mini_data])
    assert len(builds) == 2
    assert list(xdg.iterdir()) == []


def test_invalid_data_is_never_cached(tmp_path: Path, mini_data: Path) -> None:
    bad = write(tmp_path, MINI_YAML.replace("verdict: unproven", "verdict: maybe"), "bad.yaml")
    for _ in range(2):
        with pytest.raises(DataError) as raised:
            engine.open_engine([bad])
        assert "unknown verdict 'maybe'" in str(raised.value)
    assert cache_files() == []
    # Valid, cached, then broken in place: the error is reported, not the old engine.
    engine.open_engine([mini_data])
    assert len(cache_files()) == 1
    mini_data.write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            engine.open_engine([mini_data])


def test_a_missing_file_is_an_error_every_time(tmp_path: Path) -> None:
    for _ in range(2):
        with pytest.raises(DataError) as raised:
            engine.open_engine([tmp_path / "missing.yaml"])
        assert "no such file" in str(raised.value)
    assert cache_files() == []


def test_the_key_covers_version_format_and_code(mini_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.cache_key([mini_data])
    assert key is not None and cache.cache_key([mini_data]) == key
    with monkeypatch.context() as patch:
        patch.setattr(factcheck, "__version__", "999")
        assert cache.cache_key([mini_data]) != key
    with monkeypatch.context() as patch:
        patch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
        assert cache.cache_key([mini_data]) != key
    with monkeypatch.context() as patch:
        patch.setattr(cache, "_code_identity", lambda: ("edited",))
        changed = cache.cache_key([mini_data])
        assert changed is not None and changed.slot == key.slot and changed.digest != key.digest


def test_cli_uses_the_cache_and_prints_the_same(runner: CliRunner, mini_data: Path, builds: list[int]) -> None:
    args = ["ask", "--data", str(mini_data), "--json", "do police trace every IP?"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0, first.output
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert json.loads(second.stdout)["id"] == "police-trace-every-ip"
    listed = runner.invoke(app, ["list", "--data", str(mini_data), "--json"])
    assert listed.exit_code == 0
    assert [e["id"] for e in json.loads(listed.stdout)] == [
        "police-trace-every-ip", "cybertipline-who-runs", "isp-log-retention",
    ]  # fmt: skip
    assert len(builds) == 1
    assert len(cache_files()) == 1


def test_cli_warnings_and_errors_through_the_cache(runner: CliRunner, tmp_path: Path) -> None:
    data = write(tmp_path, MINI_YAML.replace("    tags: [isp]\n", "    tags: [isp]\n    caveat: typo\n"))
    for _ in range(2):
        result = runner.invoke(app, ["list", "--data", str(data), "--format", "ids"])
        assert result.exit_code == 0
        assert "unknown key 'caveat'" in result.stderr
    bad = write(tmp_path, "entries:\n  - id: Bad Id\n", "bad.yaml")
    for _ in range(2):
        result = runner.invoke(app, ["ask", "--data", str(bad), "anything"])
        assert result.exit_code == 2
        assert f"{bad}:" in result.stderr


def test_cli_no_cache_env(runner: CliRunner, mini_data: Path) -> None:
    result = runner.invoke(app, ["ask", "--data", str(mini_data), "-q", "police trace every ip"],
                           env={"FACTCHECK_NO_CACHE": "1"})  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout == "false\n"
    assert cache_files() == []


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)


def test_a_cache_hit_imports_no_yaml_rich_or_validator(mini_data: Path) -> None:
    code = (
        "import sys\n"
        "from factcheck.cli import main\n"
        f"sys.argv = ['factcheck', 'ask', '--json', '--data', {str(mini_data)!r}, 'do police trace every IP?']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    heavy = sorted(m for m in ('yaml', 'rich', 'factcheck.catalog', 'factcheck.safety_data') "
        "if m in sys.modules)\n"
        "    print('HEAVY', heavy, done.code, file=sys.stderr)\n"
    )
    cold = run_python(code)
    assert "'yaml'" in cold.stderr and " 0\n" in cold.stderr, cold.stderr  # the build needs yaml
    warm = run_python(code)
    assert "HEAVY [] 0" in warm.stderr, warm.stderr
    assert json.loads(warm.stdout) == json.loads(cold.stdout)


def test_processes_writing_at_once_agree(mini_data: Path) -> None:
    code = (
        "from pathlib import Path\n"
        "from factcheck.engine import open_engine\n"
        f"print(open_engine([Path({str(mini_data)!r})]).ask('do police trace every IP?').entry.id)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [(p.returncode, out) for p, (out, _) in zip(procs, outputs, strict=True)] == [
        (0, "police-trace-every-ip\n")
    ] * 4, outputs
    assert len(cache_files()) == 1
    assert not [p for p in cache_files()[0].parent.iterdir() if p.name.endswith(".tmp")]
    assert run_python(code).stdout == "police-trace-every-ip\n"


def test_a_failing_write_is_skipped(mini_data: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """What a read-only cache directory does, even for root (whom chmod does not stop)."""
    import tempfile

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    expected = uncached_answers([mini_data], monkeypatch)
    assert answers([mini_data]) == answers([mini_data]) == expected
    assert cache_files() == []
    assert len(builds) == 3
