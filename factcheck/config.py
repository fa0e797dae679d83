"""Where the data is, and the limits every reader shares. Stdlib only, imported on every run."""

from __future__ import annotations

import os
import re
from pathlib import Path

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


def data_paths_from_env(value: str | None) -> list[Path]:
    """FACTCHECK_DATA is a path list, like PATH (os.pathsep-separated)."""
    if not value:
        return []
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]
