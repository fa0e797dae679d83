"""Load and check data/safety.yaml into a SafetyPolicy."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from factcheck.errors import DataError, Problem
from factcheck.safety import Resource, SafetyPolicy

PURPOSES = ("report", "help")


def policy_problems(data: object, file: str) -> list[Problem]:
    """Every problem with a parsed safety document (line numbers are not tracked here)."""
    problems: list[Problem] = []

    def bad(message: str) -> None:
        problems.append(Problem(file, 1, message))

    if not isinstance(data, dict):
        return [Problem(file, 1, "safety file must be a mapping")]
    if not isinstance(data.get("message"), str) or not data["message"].strip():
        bad("safety 'message' must be non-empty text")
    patterns = data.get("patterns") or {}
    if not isinstance(patterns, dict):
        bad("safety 'patterns' must map names to lists of regular expressions")
        patterns = {}
    for name, items in patterns.items():
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            bad(f"pattern list {name!r} must be a list of text")
            continue
        for item in items:
            try:
                re.compile(item)
            except re.error as exc:
                bad(f"pattern {item!r} in {name!r} is not a valid regular expression: {exc}")
    for rule in data.get("rules") or []:
        if not isinstance(rule, list) or not rule:
            bad(f"rule {rule!r} must be a non-empty list of pattern names")
            continue
        for name in rule:
            if name not in patterns:
                bad(f"rule {rule!r} names unknown pattern list {name!r}")
    for resource in data.get("resources") or []:
        if not isinstance(resource, dict) or not all(
            isinstance(resource.get(k), str) for k in ("purpose", "where", "name", "contact")
        ):
            bad(f"resource {resource!r} needs text purpose, where, name and contact")
        elif resource["purpose"] not in PURPOSES:
            bad(f"resource purpose {resource['purpose']!r} must be one of: {', '.join(PURPOSES)}")
    return problems


def _alternation(items: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{i})" for i in items))


def policy_from_mapping(data: dict, file: str = "safety.yaml") -> SafetyPolicy:
    problems = policy_problems(data, file)
    if problems:
        raise DataError(problems)
    patterns = {name: _alternation(items) for name, items in (data.get("patterns") or {}).items()}
    return SafetyPolicy(
        rules=tuple(tuple(patterns[name] for name in rule) for rule in data.get("rules") or []),
        exceptions=tuple(re.compile(p) for p in data.get("exceptions") or []),
        message=data["message"].strip(),
        resources=tuple(Resource(**r) for r in data.get("resources") or []),
    )


def load_policy(path: Path) -> SafetyPolicy:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError([Problem(str(path), 1, f"cannot read safety rules: {exc}")]) from None
    return policy_from_mapping(data, str(path))
