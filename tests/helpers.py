"""Test helpers shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factcheck.match import Lexicon

MINI_YAML = """\
sources:
  - id: ip-tracing
    title: Do police trace every IP address?
    kind: fact-check digest
    outdated_warning: This fact-check may be outdated.
  - id: ncmec-leads
    title: How does NCMEC work with police?
entries:
  - id: police-trace-every-ip
    question: Do police trace every IP address involved in CSAM investigations?
    claim: Police trace every IP address involved in CSAM investigations.
    verdict: "false"
    aliases:
      - cops track every single ip address
      - police follow up on all IPs
    answer: No. Police prioritise leads rather than tracing every address.
    claims:
      - text: An IP address is a starting point.
        citations: ["ip-tracing [1][2]"]
    caveats: [The sources are digests.]
    tags: [ip-addresses, police]
    related: [cybertipline-who-runs]
    reviewed: 2026-11-22
  - id: cybertipline-who-runs
    question: Is the CyberTipline run by the FBI?
    claim: The FBI runs the CyberTipline.
    verdict: "false"
    aliases: [does the fbi operate the cybertipline]
    answer: No. NCMEC operates the CyberTipline.
    claims:
      - text: NCMEC operates the CyberTipline.
        citations: ["ncmec-leads [1]"]
    caveats: [One source calls it the FBI's.]
    tags: [ncmec, cybertipline]
    reviewed: 2026-11-22
  - id: isp-log-retention
    question: How long do internet providers keep IP address logs?
    claim: Internet providers keep IP address logs for a set period.
    verdict: unproven
    tags: [isp]
"""


def assert_schema_valid(validator: Any, value: object) -> None:
    """Fail with every JSON Schema violation, each with its path."""
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def write(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def greedy_synonyms(words: list[str], lexicon: Lexicon) -> list[str]:
    """The plain algorithm `apply_synonyms` must agree with: at each word, the longest variant
    starting there (a determiner after its first word skipped, and dropped with it: "child the
    porn" is "child porn")."""
    from factcheck.match import DETERMINERS

    longest: dict[str, int] = {}
    for variant in lexicon.synonyms:
        longest[variant[0]] = max(longest.get(variant[0], 0), len(variant))
    out, i = [], 0
    while i < len(words):
        at = [i, *(j for j in range(i + 1, len(words)) if words[j] not in DETERMINERS)]
        for size in range(min(longest.get(words[i], 0), len(at)), 0, -1):
            target = lexicon.synonyms.get(tuple(words[k] for k in at[:size]))
            if target is not None:
                out.extend(target)
                i = at[size - 1] + 1
                break
        else:
            out.append(words[i])
            i += 1
    return out
