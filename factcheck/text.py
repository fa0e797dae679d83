"""The one control-character policy for text from data files, documents and queries. Stdlib only.

C0 and C1 control characters (tab and line breaks aside) never belong in a fact-check:
data files are refused with FILE:LINE when they hold one, imported documents have them
replaced, and terminal views also drop bidirectional overrides so that nothing raw (an
escape sequence, a reordering mark) reaches a terminal.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab and line breaks
# For terminals: every control character but the newline, and the bidi overrides and marks.
TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def first_control(text: str) -> str | None:
    """The first control character in `text` (for a FILE:LINE message), or None."""
    found = CONTROL.search(text)
    return found[0] if found else None


def without_controls(text: str, replacement: str = " ") -> str:
    return CONTROL.sub(replacement, text)


def terminal_safe(text: str) -> str:
    """Control characters and bidi overrides shown as U+FFFD: nothing raw reaches the terminal."""
    return TERMINAL_UNSAFE.sub("\ufffd", text)


_CONTROL_TO_SPACE = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " ")
# Whole terminal escape sequences (colour codes, titles), so "\x1b[31mtrace" reads as "trace".
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def plain_question(text: str) -> str:
    """A question as one line of plain text: escape sequences dropped whole, every control character a space."""
    return _ESCAPE_SEQUENCE.sub(" ", text).translate(_CONTROL_TO_SPACE)
