"""Recognise queries that seek abuse material or evasion of investigators. Pure, no I/O.

The rules, the deterrence message and the help/report channels are data
(data/safety.yaml), so they can be reviewed and extended without a release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """A reporting or help channel from shared/RESOURCES.md."""

    purpose: str  # "report" or "help"
    where: str
    name: str
    contact: str


@dataclass(frozen=True)
class SafetyPolicy:
    """Compiled rules: a query is declined when it matches any rule (all of its parts)."""

    rules: tuple[tuple[re.Pattern[str], ...], ...]
    exceptions: tuple[re.Pattern[str], ...]
    message: str
    resources: tuple[Resource, ...]


def seeks_harm(query: str, policy: SafetyPolicy) -> bool:
    """True when the query seeks the material or ways to evade detection while offending."""
    text = fold(query)
    if any(p.search(text) for p in policy.exceptions):
        return False
    return any(all(p.search(text) for p in rule) for rule in policy.rules)


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


def fold(text: str) -> str:
    """Lowercase, undo common leetspeak, and collapse punctuation so rules see plain words."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("\u2019", "'")
    words = [w.translate(_LEET) if re.search(r"[a-z]", w) else w for w in text.split()]
    text = " ".join(words)
    text = re.sub(r"\b([a-z])[.\-_ ](?=[a-z]\b)", r"\1", text)  # c.p / c p -> cp
    text = re.sub(r"[^\w']+", " ", text)
    return f" {text.strip()} "
