"""Keep the validated, indexed engine between runs, so a repeat run skips YAML, validation and indexing.

The cache lives in $FACTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/factcheck, else
~/.cache/factcheck; FACTCHECK_NO_CACHE=1 turns it off. A cached engine is used only when
its key matches: every data file's path as given and resolved, size, mtime_ns and a
content hash (so an edit that keeps size and mtime is still seen), the bundled lexicon and
safety rules likewise, the Python, factcheck's version, CACHE_FORMAT, the size and mtime of
the package's own modules (a code edit invalidates) and of the libraries that shape the
result (PyYAML, PyStemmer). One slot per set of data paths: an edit overwrites it.

Writes go to a temporary file in the same directory, then os.replace, so concurrent runs
never see half a file. A missing, corrupt, truncated, foreign or unreadable cache is
ignored and rebuilt; a directory that cannot be written is skipped. Nothing here raises.
Only files owned by the current user are unpickled (pickle runs code: a shared or
world-writable cache directory must not feed it).

This module is imported on every run: it must not import yaml, rich, rapidfuzz or the
catalog validator.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple, TypeVar

import factcheck

# The C modules behind hashlib and pickle: importing those two wrappers (OpenSSL, the pure
# Python pickler) would cost more than the whole cache lookup.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a CPython built without its own blake2
    from hashlib import blake2b
try:
    import _pickle as pickle
except ImportError:  # pragma: no cover - not CPython
    import pickle  # type: ignore[no-redef]

# Bundled files every engine is built from, besides the data paths: a change to one rebuilds.
BUNDLED_INPUTS = ("lexicon.yaml", "safety.yaml", "safety_model.json", "decision.json", "static_model.json")

# Bump when what is pickled changes shape in a way the code fingerprint would miss.
CACHE_FORMAT = 2  # 2: compact Index (arrays, joined stems)
MAX_SLOTS = 8  # cached engines kept per cache directory (one per set of data files); oldest pruned on write
_MAGIC = "factcheck-engine-cache"
_PACKAGE_DIR = Path(factcheck.__file__).resolve().parent
_SHAPING_LIBRARIES = ("yaml", "Stemmer")

T = TypeVar("T")


def bundled_data_path(name: str = "claims.yaml") -> Path:
    """The data shipped inside the package (wheel), or the repo's data/ in a source checkout.

    Defined here, not in catalog, because this module must not import yaml.
    """
    packaged = _PACKAGE_DIR / "data" / name
    if packaged.is_file():
        return packaged
    return _PACKAGE_DIR.parent / "data" / name


def data_paths_from_env(value: str | None) -> list[Path]:
    """FACTCHECK_DATA is a path list, like PATH (os.pathsep-separated)."""
    if not value:
        return []
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large, acyclic structure is built or unpickled.

    Each collection would rescan every container made so far: for 10,000 entries that is
    most of the time spent unpickling, and a quarter of a build. Reference counting still frees.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cache_dir() -> Path | None:
    """Where cached engines go, or None when caching is off or there is no home directory."""
    if os.environ.get("FACTCHECK_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None
    override = os.environ.get("FACTCHECK_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative value is ignored
        return Path(xdg) / "factcheck"
    try:
        return Path.home() / ".cache" / "factcheck"
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        return None


MAX_CACHED_FILE_BYTES = 8 * 1024 * 1024  # catalog.MAX_FILE_BYTES: larger files are refused, never hashed
FileIdentity = tuple[str, str, int, int, str]  # as given, resolved, size, mtime_ns, content hash


def _file_identity(path: Path) -> FileIdentity:
    """Path as given and resolved, size, mtime_ns and a hash of the bytes; raises OSError."""
    resolved = path.resolve()
    if not S_ISREG(os.stat(resolved).st_mode):  # a pipe (--data <(...)) must be read once, by the loader
        raise OSError(f"not a regular file: {path}")
    with open(resolved, "rb") as handle:
        stat = os.fstat(handle.fileno())
        if stat.st_size > MAX_CACHED_FILE_BYTES:  # the loader refuses it: no need to read it all here
            raise OSError(f"too large to cache: {path}")
        digest = blake2b(handle.read(), digest_size=20).hexdigest()
    return (str(path), str(resolved), stat.st_size, stat.st_mtime_ns, digest)


def _stat_identity(path: str) -> tuple[object, ...]:
    try:
        stat = os.stat(path)
    except OSError:
        return (path, None)
    return (path, stat.st_size, stat.st_mtime_ns)


def _code_identity() -> tuple[object, ...]:
    """Size and mtime of every module of the package and of the libraries that shape the result."""
    modules = []
    try:
        with os.scandir(_PACKAGE_DIR) as found:
            modules = sorted(_stat_identity(e.path) for e in found if e.name.endswith(".py"))
    except OSError:
        pass
    libraries = []
    from importlib.util import find_spec

    for name in _SHAPING_LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        libraries.append(_stat_identity(spec.origin) if spec and spec.origin else (name, None))
    return (tuple(modules), tuple(libraries))


class Key(NamedTuple):
    slot: str  # names the file: one per set of data paths
    digest: str  # must match the file's header: everything the engine depends on
    inputs: tuple[FileIdentity, ...]  # the data files', then the lexicon's and the safety rules'


def _inputs(paths: Sequence[Path]) -> tuple[FileIdentity, ...]:
    files = tuple(_file_identity(Path(p)) for p in paths)
    return files + tuple(_file_identity(bundled_data_path(n)) for n in BUNDLED_INPUTS)


def cache_key(paths: Sequence[Path]) -> Key | None:
    """The key for these data paths; None when caching is off or an input cannot be read (the build reports it)."""
    if cache_dir() is None:
        return None
    try:
        inputs = _inputs(paths)
    except (OSError, ValueError):  # missing, unreadable, a directory, a NUL in the name
        return None
    named = [f[:2] for f in inputs[: -len(BUNDLED_INPUTS)]]  # the data paths, as given and resolved, name the slot
    slot = blake2b(repr(named).encode(), digest_size=12).hexdigest()
    everything = (
        _MAGIC, CACHE_FORMAT, factcheck.__version__, sys.version, sys.implementation.cache_tag,
        inputs, _code_identity(),
    )  # fmt: skip
    return Key(slot, blake2b(repr(everything).encode(), digest_size=32).hexdigest(), inputs)


def _slot_path(directory: Path, slot: str) -> Path:
    return directory / f"engine-{slot}.pickle"


def load(key: Key | None, kind: type[T]) -> T | None:
    """The cached object for `key` if it is there, intact, ours and a `kind`; else None."""
    directory = cache_dir()
    if key is None or directory is None:
        return None
    try:
        with open(_slot_path(directory, key.slot), "rb") as handle:
            if hasattr(os, "geteuid") and os.fstat(handle.fileno()).st_uid != os.geteuid():
                return None
            header = pickle.load(handle)
            if header != (_MAGIC, key.digest):  # stale, or another format: do not unpickle the rest
                return None
            with gc_paused():
                value = pickle.load(handle)
                if not isinstance(value, kind):
                    return None
                # The engine lives as long as the process and holds no cycles: move it out of the
                # collector's sight, or the first collection would rescan all of it.
                gc.freeze()
    except Exception:  # missing, truncated, corrupt, unreadable, stale classes
        return None
    return value


def store(key: Key | None, value: object, paths: Sequence[Path]) -> None:
    """Save `value` under `key`, unless an input changed while it was built; never raises."""
    directory = cache_dir()
    if key is None or directory is None:
        return
    try:
        if _inputs(paths) != key.inputs:  # edited during the build: `value` may match neither version
            return
    except (OSError, ValueError):
        return
    import tempfile

    tmp_name = None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".engine-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((_MAGIC, key.digest), handle, protocol=-1)
            pickle.dump(value, handle, protocol=-1)
        os.replace(tmp_name, _slot_path(directory, key.slot))
        tmp_name = None
        _prune(directory)
    except Exception:  # read-only or full disk, not a directory, unpicklable: run uncached
        pass
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _prune(directory: Path) -> None:
    """Keep the MAX_SLOTS newest engines; drop temporary files a killed writer left over an hour ago."""
    import time

    slots: list[tuple[float, str]] = []
    with os.scandir(directory) as found:
        for entry in found:
            try:
                mtime = entry.stat(follow_symlinks=False).st_mtime
                if entry.name.startswith("engine-") and entry.name.endswith(".pickle"):
                    slots.append((mtime, entry.path))
                elif entry.name.startswith(".engine-") and entry.name.endswith(".tmp") and mtime < time.time() - 3600:
                    os.unlink(entry.path)
            except OSError:
                continue
    for _, path in sorted(slots, reverse=True)[MAX_SLOTS:]:
        try:
            os.unlink(path)
        except OSError:
            pass
