"""Load and check data/safety.yaml into a SafetyPolicy.

The file (see its own comments) has:

  message:     the deterrence text shown instead of an answer
  resources:   the help and reporting channels (only those in shared/RESOURCES.md)
  patterns:    named lists of regular expressions, matched against the folded query
               (see factcheck.safety.fold). A pattern may use another list by name
               as `{name}`: it stands for "any pattern of that list".
  rules:       each rule is a mapping {name, all: [lists], unless: [lists]}; it
               declines a query when every list in `all` matches and none in
               `unless` does. A plain list [a, b] is short for {all: [a, b]}.
  exceptions:  optional patterns that stop every rule.
  channel_entries: optional ids of the entries that are themselves how to report or get help
               (an answer from one needs no channels beside it).

`validate_policy_file` reports every problem with the line it is on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from factcheck.config import SLUG
from factcheck.errors import DataError, Problem
from factcheck.model import Resource
from factcheck.reader import META_NAME as READER_META
from factcheck.safety import KINDS, LazyPattern, Rule, SafetyPolicy, compile_pattern, lazy
from factcheck.safety_classifier import SafetyClassifier

CLASSIFIER_NAME = "safety_model.json"  # beside safety.yaml
CHANNELS_MODEL_NAME = "channels_model.json"  # beside safety.yaml (bench/train_channels.py)

PURPOSES = ("report", "help")
# Top-level lists of pattern list names, each compiled into the SafetyPolicy field of that name
# (models_unless: the frames of both classifier_unless and reader_unless, joined to each).
NAMED_LISTS = (
    "offer_channels", "answer_channels", "help_first", "classifier_needs", "classifier_unless", "classifier_despite",
    "rules_unless", "rules_despite", "models_unless", "reader_unless", "rules_stand", "help_stands",
)  # fmt: skip
TOP_KEYS = ("message", "messages", "resources", "channel_entries", "patterns", "rules", "exceptions", *NAMED_LISTS)
RULE_KEYS = ("name", "kind", "all", "unless")
RESOURCE_KEYS = ("purpose", "where", "name", "contact")

_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_REF_RE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")  # {name}; never a quantifier like {2} or {0,3}

Path_ = tuple[Any, ...]  # where a value sits in the document: ("patterns", "material", 3)


class _Compiler:
    """Checks a parsed safety document and compiles it; problems carry document paths."""

    def __init__(self, data: object, every_list: bool = True) -> None:
        self.data = data
        self.every_list = every_list  # False: compile only the lists rules use (faster load)
        self.problems: list[tuple[Path_, str]] = []
        self.sources: dict[str, list[str]] = {}
        self.expanded: dict[str, str | None] = {}
        self.compiled: dict[str, re.Pattern[str]] = {}
        self.rules: list[Rule] = []
        self.exceptions: list[re.Pattern[str]] = []
        self.named_lists: dict[str, list[re.Pattern[str]]] = {}
        self._check()

    def bad(self, path: Path_, message: str) -> None:
        self.problems.append((path, message))

    # -- the document -----------------------------------------------------------------
    def _check(self) -> None:
        data = self.data
        if not isinstance(data, dict):
            self.bad((), "the safety file must be a mapping with message, resources, patterns and rules")
            return
        for key in data:
            if key not in TOP_KEYS:
                self.bad((key,), f"unknown key {key!r} (expected: {', '.join(TOP_KEYS)})")
        message = data.get("message")
        if not isinstance(message, str) or not message.strip():
            self.bad(("message",), "'message' must be non-empty text")
        messages = data.get("messages") or {}
        if not isinstance(messages, dict) or not all(
            k in KINDS and isinstance(v, str) and v.strip() for k, v in messages.items()
        ):
            self.bad(("messages",), f"'messages' must map a kind ({', '.join(KINDS)}) to non-empty text")
        self._resources(data.get("resources"))
        self._channel_entries(data.get("channel_entries"))
        self._patterns(data.get("patterns"))
        self._rules(data.get("rules"))
        self._exceptions(data.get("exceptions"))
        for key in NAMED_LISTS:
            if data.get(key) is not None:
                names = self._names(data.get(key), (key,), repr(key), required=True)
                self.named_lists[key] = names or []

    def _channel_entries(self, ids: object) -> None:
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, str) and SLUG.match(i) for i in ids)):
            self.bad(("channel_entries",), "'channel_entries' must be a list of entry ids (like how-to-report)")

    def _resources(self, resources: object) -> None:
        if not isinstance(resources, list) or not resources:
            self.bad(("resources",), "'resources' must be a non-empty list of help and reporting channels")
            return
        for i, resource in enumerate(resources):
            path = ("resources", i)
            if not isinstance(resource, dict):
                self.bad(path, "a resource must be a mapping with purpose, where, name and contact")
                continue
            for key in resource:
                if key not in RESOURCE_KEYS:
                    self.bad((*path, key), f"unknown resource key {key!r} (expected: {', '.join(RESOURCE_KEYS)})")
            for key in RESOURCE_KEYS:
                value = resource.get(key)
                if not isinstance(value, str) or not value.strip():
                    self.bad((*path, key) if key in resource else path, f"resource {key!r} must be non-empty text")
            purpose = resource.get("purpose")
            if isinstance(purpose, str) and purpose not in PURPOSES:
                self.bad((*path, "purpose"), f"resource purpose {purpose!r} must be one of: {', '.join(PURPOSES)}")

    def _patterns(self, patterns: object) -> None:
        if not isinstance(patterns, dict) or not patterns:
            self.bad(("patterns",), "'patterns' must map names to lists of regular expressions")
            return
        for name, items in patterns.items():
            path = ("patterns", name)
            if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
                self.bad(path, f"pattern list name {name!r} must be lowercase letters, digits and _")
                continue
            if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
                self.bad(path, f"pattern list {name!r} must be a non-empty list of regular expressions (text)")
                continue
            self.sources[name] = items
        for name in self.sources:
            self._expand(name, ())
        needed = set(self.expanded) if self.every_list else self._used_lists()
        broken: set[str] = set()
        for name, source in self.expanded.items():
            if source is None or name not in needed:
                continue
            try:
                self.compiled[name] = compile_pattern(source)
            except re.error:
                broken.add(name)
        for name in broken:
            self._diagnose(name, broken)

    def _used_lists(self) -> set[str]:
        rules = self.data.get("rules") if isinstance(self.data, dict) else None
        used: set[str] = set()
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict):
                names = [*(rule.get("all") or []), *(rule.get("unless") or [])]
            else:
                names = rule if isinstance(rule, list) else []
            used.update(n for n in names if isinstance(n, str))
        for key in NAMED_LISTS:
            listed = self.data.get(key) if isinstance(self.data, dict) else None
            if isinstance(listed, list):
                used.update(n for n in listed if isinstance(n, str))
        return used

    def _diagnose(self, name: str, broken: set[str]) -> None:
        """Report which pattern of a list that does not compile is at fault (slow path only).

        A list fails when one of its own patterns is wrong, or when it uses a list that is
        itself wrong: that one is reported where it is, not everywhere it is used."""
        found = False
        for j, item in enumerate(self.sources[name]):
            if any(ref in broken for ref in _REF_RE.findall(item)):
                found = True
                continue
            text = self._expand_text(item, ("patterns", name, j), ())
            if text is None:
                continue
            try:
                re.compile(text)
            except re.error as exc:
                message = f"pattern {item!r} in {name!r} is not a valid regular expression: {exc}"
                self.bad(("patterns", name, j), message)
                found = True
        if not found:  # each pattern compiles alone, not together (e.g. a group name used twice)
            try:
                re.compile(self.expanded[name] or "")
            except re.error as exc:
                self.bad(("patterns", name), f"pattern list {name!r} is not a valid regular expression: {exc}")

    def _expand(self, name: str, stack: tuple[str, ...]) -> str | None:
        """The list as one alternation with every {name} replaced; None when broken."""
        if name in self.expanded:
            return self.expanded[name]
        if name in stack:
            return None  # reported where the cycle closes
        parts: list[str] = []
        ok = True
        for j, item in enumerate(self.sources[name]):
            text = self._expand_text(item, ("patterns", name, j), (*stack, name))
            if text is None:
                ok = False
                continue
            parts.append(f"(?:{text})")
        result = "(?:" + "|".join(parts) + ")" if ok else None
        self.expanded[name] = result
        return result

    def _expand_text(self, item: str, path: Path_, stack: tuple[str, ...]) -> str | None:
        ok = True

        def replace(match: re.Match[str]) -> str:
            nonlocal ok
            ref = match.group(1)
            if ref not in self.sources:
                self.bad(path, f"pattern {item!r} uses unknown pattern list {{{ref}}}")
                ok = False
                return ""
            if ref in stack:
                self.bad(path, f"pattern {item!r} uses {{{ref}}}, which uses this list again (a cycle)")
                ok = False
                return ""
            expanded = self._expand(ref, stack)
            if expanded is None:
                ok = False
                return ""
            return expanded

        text = _REF_RE.sub(replace, item)
        return text if ok else None

    def _compile(self, source: str, path: Path_, what: str) -> re.Pattern[str] | None:
        try:
            return compile_pattern(source)
        except re.error as exc:
            self.bad(path, f"{what} is not a valid regular expression: {exc}")
            return None

    def _names(self, value: object, path: Path_, what: str, required: bool) -> list[re.Pattern[str]] | None:
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.bad(path, f"{what} must be a {'non-empty ' if required else ''}list of pattern list names")
            return None
        compiled: list[re.Pattern[str]] = []
        ok = True
        for j, name in enumerate(value):
            if not isinstance(name, str) or name not in self.sources:
                hint = f" (known: {', '.join(self.sources)})" if self.sources else ""
                self.bad((*path, j), f"{what} names unknown pattern list {name!r}{hint}")
                ok = False
            elif name in self.compiled:
                compiled.append(self.compiled[name])
            else:
                ok = False  # the list itself is broken and already reported
        return compiled if ok else None

    def _rules(self, rules: object) -> None:
        if not isinstance(rules, list) or not rules:
            self.bad(("rules",), "'rules' must be a non-empty list")
            return
        seen: set[str] = set()
        for i, rule in enumerate(rules):
            path = ("rules", i)
            if isinstance(rule, list):
                rule = {"all": rule}
                all_path: Path_ = path
            elif isinstance(rule, dict):
                all_path = (*path, "all")
                for key in rule:
                    if key not in RULE_KEYS:
                        self.bad((*path, key), f"unknown rule key {key!r} (expected: {', '.join(RULE_KEYS)})")
            else:
                self.bad(path, "a rule must be a mapping {name, all, unless} or a list of pattern list names")
                continue
            name = rule.get("name", f"rule {i + 1}")
            if not isinstance(name, str) or not name.strip():
                self.bad((*path, "name"), "a rule's 'name' must be non-empty text")
                name = f"rule {i + 1}"
            elif name in seen:
                self.bad((*path, "name"), f"two rules are named {name!r}")
            seen.add(name)
            all_ = self._names(rule.get("all"), all_path, f"rule {name!r}: 'all'", required=True)
            unless = self._names(rule.get("unless"), (*path, "unless"), f"rule {name!r}: 'unless'", required=False)
            kind = rule.get("kind", "material")
            if kind not in KINDS:
                self.bad((*path, "kind"), f"rule {name!r}: unknown kind {kind!r} (expected one of: {', '.join(KINDS)})")
            elif all_ is not None and unless is not None:
                self.rules.append(Rule(name, lazy(all_), lazy(unless), kind))

    def _exceptions(self, exceptions: object) -> None:
        if exceptions is None:
            return
        if not isinstance(exceptions, list) or not all(isinstance(e, str) and e for e in exceptions):
            self.bad(("exceptions",), "'exceptions' must be a list of regular expressions (text)")
            return
        for j, item in enumerate(exceptions):
            text = self._expand_text(item, ("exceptions", j), ())
            if text is not None:
                compiled = self._compile(text, ("exceptions", j), f"exception {item!r}")
                if compiled is not None:
                    self.exceptions.append(compiled)

    def policy(self) -> SafetyPolicy:
        assert isinstance(self.data, dict) and not self.problems
        return SafetyPolicy(
            rules=tuple(self.rules),
            exceptions=lazy(self.exceptions),
            message=self.data["message"].strip(),
            messages={k: " ".join(v.split()) for k, v in (self.data.get("messages") or {}).items()},
            resources=tuple(Resource(**{k: r[k] for k in RESOURCE_KEYS}) for r in self.data["resources"]),
            channel_entries=frozenset(self.data.get("channel_entries") or ()),
            offer_channels=self.named("offer_channels"),
            answer_channels=self.named("answer_channels"),
            help_first=self.named("help_first"),
            classifier_needs=self.named("classifier_needs"),
            classifier_unless=self.named("models_unless") + self.named("classifier_unless"),
            classifier_despite=self.named("classifier_despite"),
            rules_unless=self.named("rules_unless"),
            rules_despite=self.named("rules_despite"),
            reader_unless=self.named("models_unless") + self.named("reader_unless"),
            rules_stand=self.named("rules_stand"),
            help_stands=self.named("help_stands"),
        )

    def named(self, key: str) -> tuple[LazyPattern, ...]:
        """A compiled top-level list of NAMED_LISTS (empty when the file has none)."""
        return lazy(self.named_lists.get(key, []))


def policy_problems(data: object, file: str) -> list[Problem]:
    """Every problem with a parsed safety document (no line numbers: all on line 1)."""
    return [Problem(file, 1, message) for _, message in _Compiler(data).problems]


def policy_from_mapping(data: dict, file: str = "safety.yaml") -> SafetyPolicy:
    """Compile an already parsed safety document (raises DataError)."""
    compiler = _Compiler(data, every_list=False)
    if compiler.problems:
        raise DataError([Problem(file, 1, message) for _, message in compiler.problems])
    return compiler.policy()


def load_classifier(path: Path) -> SafetyClassifier:
    """The safety classifier shipped beside the rules (raises DataError when unusable)."""
    import json

    try:
        with path.open(encoding="utf-8") as handle:
            return SafetyClassifier.from_mapping(json.load(handle), KINDS)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError([Problem(str(path), 1, f"unusable safety model: {exc}")]) from None


def read_document(path: Path, what: str = "safety rules") -> tuple[object, Callable[[Path_], int], list[Problem]]:
    """Parse the file: (data, line of a document path, problems found while parsing)."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, lambda _: 1, [Problem(file, 1, f"cannot read {what}: {exc}")]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when built with it
    try:
        node = yaml.compose(text, Loader=loader)
        data = loader("").construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, lambda _: 1, [Problem(file, line, f"not valid YAML: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, lambda _: 1, [Problem(file, 1, f"not valid YAML: {exc}")]
    lines: dict[Path_, int] = {}
    problems = [Problem(file, line, message) for line, message in _index_lines(node, (), lines)]

    def line_of(where: Path_) -> int:
        while where and where not in lines:
            where = where[:-1]
        return lines.get(where, 1)

    return data, line_of, problems


def _index_lines(node: Node | None, path: Path_, lines: dict[Path_, int]) -> Iterator[tuple[int, str]]:
    """Record the line of every value by document path; yield duplicate keys as problems."""
    if node is None:
        return
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node)
            if key in seen:
                yield key_node.start_mark.line + 1, f"duplicate key {key!r} (the later one would win)"
            seen.add(key)
            yield from _index_lines(value_node, (*path, key), lines)
            if isinstance(value_node, (MappingNode, SequenceNode)):
                lines[(*path, key)] = key_node.start_mark.line + 1  # point at the key, not the block
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            yield from _index_lines(item, (*path, i), lines)


def validate_policy_file(path: Path) -> list[Problem]:
    """Every problem in a safety rules file, as FILE:LINE: message (empty when it is usable)."""
    data, line_of, problems = read_document(path)
    if problems:
        return problems
    compiler = _Compiler(data)
    return [Problem(str(path), line_of(where), message) for where, message in compiler.problems]


def load_resources(path: Path) -> tuple[Resource, ...]:
    """Only the channels of a safety rules file, without compiling its rules (for `factcheck resources`)."""
    data, line_of, problems = read_document(path)
    if problems:
        raise DataError(problems)
    compiler = _Compiler.__new__(_Compiler)  # check the resources alone
    compiler.problems = []
    compiler._resources(data.get("resources") if isinstance(data, dict) else None)
    if compiler.problems:
        raise DataError([Problem(str(path), line_of(where), message) for where, message in compiler.problems])
    assert isinstance(data, dict)
    return tuple(Resource(**{k: r[k] for k in RESOURCE_KEYS}) for r in data["resources"])


def load_policy(path: Path) -> SafetyPolicy:
    """Load and compile a safety rules file (raises DataError listing every problem)."""
    data, line_of, problems = read_document(path)
    if problems:
        raise DataError(problems)
    compiler = _Compiler(data, every_list=False)
    if compiler.problems:
        raise DataError([Problem(str(path), line_of(where), message) for where, message in compiler.problems])
    policy = compiler.policy()
    model_path = path.with_name(CLASSIFIER_NAME)
    if model_path.is_file():
        policy = policy._replace(classifier=load_classifier(model_path))
    if path.with_name(CHANNELS_MODEL_NAME).is_file():  # loaded when first asked (factcheck.safety.seeks_channels)
        policy = policy._replace(channels_model=path.with_name(CHANNELS_MODEL_NAME))
    if path.with_name(READER_META).is_file():  # loaded when first asked (factcheck.reader.load_once)
        policy = policy._replace(reader=path.parent)
    return policy
