"""`factcheck ask -` at a terminal is a conversation (issue 15): a prompt per question, Ctrl-D leaves."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def read_until(fd: int, marker: bytes, seen: bytearray, limit: float = 60.0) -> None:
    """Read the terminal into `seen` until `marker` has appeared (a hang fails, it does not block)."""
    deadline = time.monotonic() + limit
    start = len(seen)
    while marker not in seen[start:]:
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {marker!r}; screen so far: {bytes(seen)!r}")
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break


def test_ask_dash_at_a_terminal_prompts_answers_and_leaves_on_ctrl_d() -> None:
    import pty

    script = Path(sys.executable).with_name("factcheck")
    if not script.is_file():
        pytest.skip("the factcheck console script is not installed next to this Python")
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(script), "ask", "-", "--color", "never"], stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen = bytearray()
    try:
        read_until(master, b"factcheck> ", seen)
        assert b"Ctrl-D" in seen  # the one-line hint
        os.write(master, b"do police trace every ip?\n")
        read_until(master, b"factcheck> ", seen)
        assert b"police-trace-every-ip" in seen
        os.write(master, b"what is the best pizza in naples\n")
        read_until(master, b"factcheck> ", seen)
        assert b"No confident match" in seen
        os.write(master, b"\x04")  # Ctrl-D
        assert proc.wait(timeout=60) == 0  # leaving is success, whatever was unanswered
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
