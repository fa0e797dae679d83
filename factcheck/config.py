"""Where the data is, and the limits every reader shares. Stdlib only, imported on every run."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from factcheck.errors import Problem

_PACKAGE_DIR = Path(__file__).resolve().parent

# A data file larger than this is refused (80x the bundled data, ~35k short entries):
# loading stays at seconds, and the cache never hashes what the loader would refuse.
MAX_FILE_BYTES = 8 * 1024 * 1024

# Entry and source ids: lowercase words joined by single hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def bundled_data_path(name: str = "claims.yaml") -> Path:
    """The data shipped inside the package (wheel), or the repo's data/ in a source checkout."""
    packaged = _PACKAGE_DIR / "data" / name
    if packaged.is_file():
        return packaged
    return _PACKAGE_DIR.parent / "data" / name


# What `--data DIR` reads from a directory: YAML files and JSON Lines files (one entry a line).
DATA_SUFFIXES = (".yaml", ".yml", ".jsonl")


def expand_data_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Files as named, and each directory's data files (DATA_SUFFIXES, not hidden, by name, not
    recursive) in its place; a path named twice is read once. Problems: a directory that cannot
    be listed or holds no data file (a missing file is the loader's to report)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            if not path.is_dir():
                files.append(path)
                continue
            with os.scandir(path) as found:
                names = sorted(
                    e.name for e in found
                    if e.name.lower().endswith(DATA_SUFFIXES) and not e.name.startswith(".") and e.is_file()
                )  # fmt: skip
        except OSError as exc:
            problems.append(Problem(str(path), 1, f"cannot read directory: {exc.strerror or exc}"))
            continue
        if not names:
            problems.append(Problem(str(path), 1, f"directory has no data files ({', '.join(DATA_SUFFIXES)})"))
        files += [path / name for name in names]
    return list(dict.fromkeys(files)), problems


def data_paths_from_env(value: str | None) -> list[Path]:
    """FACTCHECK_DATA is a path list, like PATH (os.pathsep-separated)."""
    if not value:
        return []
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def data_paths(given: Sequence[Path]) -> list[Path]:
    """The data files to use: those given (--data), else $FACTCHECK_DATA, else the bundled data.

    The same file named twice is read once, not reported as a duplicate-id error."""
    paths = list(given) or data_paths_from_env(os.environ.get("FACTCHECK_DATA")) or [bundled_data_path()]
    return list(dict.fromkeys(paths))
