"""Write a file whole or not at all: the one atomic writer (export -o, the engine cache). Stdlib only."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO


def write_atomically(
    path: Path, write: Callable[[BinaryIO], object], *, keep_mode: bool = True, durable: bool = True
) -> None:
    """Call `write` on a temporary file beside `path`, then rename it over `path`.

    An interrupted or failed write leaves any previous file whole and no temporary behind.
    `keep_mode`: the new file gets the old one's permissions (else those a new file would
    get); `durable`: fsync before the rename (a cache can skip it; a user's file cannot).
    """
    import tempfile

    target = path.resolve() if path.exists() else path
    mode = None
    if keep_mode:
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
