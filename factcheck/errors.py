"""Exit codes and the one exception family the core raises."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    """Documented process exit codes (README, `--help`)."""

    OK = 0  # answered / command succeeded
    NOT_ANSWERED = 1  # no match, declined, unknown id, validation found problems
    USAGE = 2  # bad arguments or invalid data
    INTERRUPTED = 130  # Ctrl-C


class Problem(NamedTuple):
    """One finding about a data file, printed as `FILE:LINE: message`."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message}"


class FactcheckError(Exception):
    """Base of every error the core raises; the CLI maps it to an exit code."""

    exit_code: ExitCode = ExitCode.USAGE


class DataError(FactcheckError):
    """Data files that cannot be used: carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownEntryError(FactcheckError):
    exit_code = ExitCode.NOT_ANSWERED

    def __init__(self, entry_id: str, suggestions: list[str]) -> None:
        self.entry_id = entry_id
        self.suggestions = suggestions
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        if len(entry_id.split()) > 1:  # a question where an id belongs: `factcheck show "do police trace..."`
            import shlex

            hint += f"; ids have no spaces: to ask it, factcheck ask {shlex.quote(' '.join(entry_id.split()))}"
        super().__init__(f"no entry with id {entry_id!r}{hint}")
