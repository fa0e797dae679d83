"""Load and validate fact-check data files, reporting every problem as FILE:LINE: message.

YAML is composed into nodes (not loaded into plain objects) so that every value keeps
its line number and duplicate keys, which PyYAML would silently collapse, are caught.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from factcheck.config import (  # noqa: F401 (re-exported)
    MAX_FILE_BYTES,
    SLUG,
    bundled_data_path,
    data_paths_from_env,
    expand_data_paths,
)
from factcheck.errors import DataError, Problem
from factcheck.match import Strings
from factcheck.model import (
    VERDICTS,
    Catalog,
    Claim,
    Entry,
    IdTable,
    PickledEntries,
    Source,
    Verdict,
    packed_catalog,
    parse_citation,
)
from factcheck.text import CONTROL, first_control

MAX_NODES = 2_000_000  # bounds alias expansion ("billion laughs")
MAX_DEPTH = 100  # libyaml composes recursively: a deeply nested document would crash it

TOP_KEYS = ("entries", "sources")
ENTRY_KEYS = (
    "id", "question", "claim", "verdict", "aliases", "answer", "claims",
    "caveats", "tags", "related", "reviewed",
)  # fmt: skip
CLAIM_KEYS = ("text", "citations")
SOURCE_KEYS = ("id", "title", "kind", "file", "url", "outdated_warning", "limits")

try:  # the C loader is several times faster; fall back where libyaml is absent
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


def _implicit_resolvers(loader: type) -> tuple[dict[str, _Resolvers], _Resolvers]:
    """Per first character of a plain scalar, the (tag, expression) pairs YAML tries (wildcards last);
    and the wildcards alone, for any other first character."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = getattr(loader, "yaml_implicit_resolvers", {})
    wildcard = tuple(table.get(None, ()))
    return {first: (*pairs, *wildcard) for first, pairs in table.items() if first is not None}, wildcard


_Resolvers = tuple[tuple[str, re.Pattern[str]], ...]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, resolving tags as it does with less work per node: PyYAML's resolver, Python
    called for every node, took an eighth of composing a 20,000-entry file. Plain YAML has no path
    resolvers, so descending and ascending do nothing, and a scalar's tag needs only the expressions
    of its first character. The same tags (a test compares it with the safe loader).
    """

    _by_first, _no_first = _implicit_resolvers(_BaseLoader)

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, expression in self._by_first.get(value[:1], self._no_first):
                    if expression.match(value):
                        return tag
            return _STR_TAG
        return _CORE + ("seq" if kind is SequenceNode else "map")

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


@dataclass
class _FileReport:
    """Problems found while reading files; lines are 1-based."""

    problems: list[Problem] = field(default_factory=list)
    # ids of entries and sources refused for another problem: a reference to one is not "unknown"
    refused_ids: set[str] = field(default_factory=set)

    def error(self, file: str, node: Node | int, message: str) -> None:
        self.problems.append(Problem(file, _line(node), message))

    def warn(self, file: str, node: Node | int, message: str) -> None:
        self.problems.append(Problem(file, _line(node), message, warning=True))


def _line(node: Node | int) -> int:
    return node if isinstance(node, int) else node.start_mark.line + 1


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = _scalar(node)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return "text"


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CORE = "tag:yaml.org,2002:"
_STR_TAG = _CORE + "str"
_SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
# Tags plain YAML may carry, explicitly or as resolved; anything else (!!python/..., !custom) is refused.
_PLAIN_TAGS = _SCALAR_TAGS | {_CORE + t for t in ("binary", "map", "omap", "pairs", "set", "seq", "merge", "value")}


def _scalar(node: Node) -> object:
    if node.tag not in _SCALAR_TAGS or (node.tag == _STR_TAG and type(node) is ScalarNode):  # text: as it is
        return node.value
    try:
        return _CONSTRUCTOR.construct_object(node)
    except Exception:  # e.g. an impossible date, `!!bool maybe`, `!!int ""`: keep the text
        return node.value


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Reader:
    """Turns one file's node tree into entries and sources, recording problems."""

    def __init__(self, file: str, report: _FileReport, text: str | None = None) -> None:
        self.file = file
        self.report = report
        self.nodes_seen = 0
        # Whether a value can hold a control character: only if the file has one, or an escape
        # (\e, \x1b, \u001b). Most files have neither, and their values are not searched one by one.
        self.controls_possible = text is None or "\\" in text or CONTROL.search(text) is not None

    def _count(self) -> None:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _TooLarge

    def mapping(self, node: Node, what: str, known: Sequence[str]) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node); reports duplicates and unknown keys."""
        if not isinstance(node, MappingNode):
            self.report.error(self.file, node, f"{what} must be a mapping, got {_kind(node)}")
            return {}
        items: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            self._count()
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                self.report.error(self.file, key_node, f"{what} has a key that is not text")
                continue
            if key in items:
                first = _line(items[key][0])
                self.report.error(
                    self.file, key_node,
                    f"duplicate key {key!r} in {what} (first at line {first}); "
                    "YAML would silently keep only the last one",
                )  # fmt: skip
                continue
            items[key] = (key_node, value_node)
            if key not in known:
                self.report.warn(self.file, key_node, f"unknown key {key!r} in {what}{_suggest(key, known)}")
        return items

    def text(self, node: Node, what: str, required: bool = True) -> str | None:
        self._count()
        value = _scalar(node) if isinstance(node, ScalarNode) else node
        if isinstance(value, str) and value.strip():
            bad = first_control(value) if self.controls_possible else None
            if bad:  # escapes such as "\e[31m" would reach terminals and documents
                self.report.error(self.file, node, f"{what} contains a control character (U+{ord(bad):04X})")
                return None
            return value.strip()
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report.error(self.file, node, f"{what} is empty")
            return None
        self.report.error(self.file, node, f"{what} must be text, got {_kind(node)}")
        return None

    def statement(self, node: Node) -> str | None:
        """The rated claim: a sentence the verdict rates, written as a statement, not a question."""
        value = self.text(node, "claim")
        if value is not None and "?" in value:
            self.report.error(
                self.file, node,
                f"claim must be a statement, not a question: {value!r} (write what the verdict rates, "
                "e.g. 'The FBI runs the CyberTipline.')",
            )  # fmt: skip
            return None
        return value

    def text_list(self, node: Node, what: str) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and _scalar(node) is None:
            return ()
        if not isinstance(node, SequenceNode):
            self.report.error(
                self.file, node,
                f"{what} must be a list, got {_kind(node)} (put each item on its own '- ' line)",
            )  # fmt: skip
            return ()
        items = (self.text(item, f"an item of {what}") for item in node.value)
        return tuple(item for item in items if item is not None)

    def source(self, node: Node) -> tuple[Source, int] | None:
        fields = self.mapping(node, "a source", SOURCE_KEYS)
        if not fields:
            return None
        if "id" not in fields or "title" not in fields:
            missing = [k for k in ("id", "title") if k not in fields]
            self.report.error(self.file, node, f"source is missing {', '.join(missing)}")
            return None
        source_id = self.slug(fields["id"][1], "source id")
        title = self.text(fields["title"][1], "source title")
        if source_id is None or title is None:
            if source_id is not None:
                self.report.refused_ids.add(source_id)
            return None
        optional = {k: self.text(fields[k][1], f"source {k}", required=False) for k in SOURCE_KEYS[2:] if k in fields}
        return Source(id=source_id, title=title, **optional), _line(node)

    def slug(self, node: Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not SLUG.match(value):
            self.report.error(
                self.file, node,
                f"{what} {value!r} must be a lowercase slug (letters, digits, single hyphens)",
            )  # fmt: skip
            return None
        return value

    def verdict(self, node: Node) -> Verdict | None:
        self._count()
        value = _scalar(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool):  # `verdict: false` unquoted is a YAML boolean
            value = "true" if value else "false"
        if not isinstance(value, str):
            self.report.error(self.file, node, f"verdict must be text, got {_kind(node)}")
            return None
        value = value.strip().lower()
        if value not in VERDICTS:
            self.report.error(
                self.file, node,
                f"unknown verdict {value!r}{_suggest(value, VERDICTS)}; "
                f"expected one of: {', '.join(VERDICTS)}",
            )  # fmt: skip
            return None
        return Verdict(value)

    def date(self, node: Node) -> str | None:
        self._count()
        value = _scalar(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        self.report.error(self.file, node, "reviewed must be a date written YYYY-MM-DD")
        return None

    def claims(self, node: Node) -> tuple[Claim, ...]:
        if not isinstance(node, SequenceNode):
            self.report.error(self.file, node, f"claims must be a list, got {_kind(node)}")
            return ()
        claims = []
        for item in node.value:
            if isinstance(item, ScalarNode):  # a bare sentence is a claim without citations
                text = self.text(item, "a claim")
                if text:
                    claims.append(Claim(text=text))
                continue
            fields = self.mapping(item, "a claim", CLAIM_KEYS)
            if not fields:
                continue
            if "text" not in fields:
                self.report.error(self.file, item, "claim is missing text")
                continue
            text = self.text(fields["text"][1], "claim text")
            citations: tuple[str, ...] = ()
            if "citations" in fields:
                cite_node = fields["citations"][1]
                if isinstance(cite_node, ScalarNode) and isinstance(_scalar(cite_node), str):
                    citations = (str(_scalar(cite_node)).strip(),)  # one citation, unlisted
                else:
                    citations = self.text_list(cite_node, "citations")
                for citation in citations:
                    if parse_citation(citation) is None:
                        self.report.error(
                            self.file, cite_node,
                            f"citation {citation!r} must be a source id, optionally "
                            "followed by reference numbers: 'ip-tracing [4][5]'",
                        )  # fmt: skip
            if text:
                claims.append(Claim(text=text, citations=citations))
        return tuple(claims)

    def entry(self, node: Node) -> Entry | None:
        plain = self.plain_entry(node)
        if plain is not None:
            return plain
        fields = self.mapping(node, "an entry", ENTRY_KEYS)
        if not fields:
            return None
        missing = [k for k in ("id", "question", "claim", "verdict") if k not in fields]
        if missing:
            label = f"entry {_scalar(fields['id'][1])!r}" if "id" in fields else "entry"
            self.report.error(self.file, node, f"{label} is missing {', '.join(missing)}")
            return None
        values: dict[str, object] = {
            "id": self.slug(fields["id"][1], "entry id"),
            "question": self.text(fields["question"][1], "question"),
            "claim": self.statement(fields["claim"][1]),
            "verdict": self.verdict(fields["verdict"][1]),
        }
        refused = None in values.values()  # still check the other fields: every problem at once
        if refused and values["id"] is not None:
            self.report.refused_ids.add(str(values["id"]))
        for key in ("aliases", "caveats", "related"):
            if key in fields:
                values[key] = self.text_list(fields[key][1], key)
        if "tags" in fields:
            values["tags"] = tuple(t.lower() for t in self.text_list(fields["tags"][1], "tags"))
        if "answer" in fields:
            values["answer"] = self.text(fields["answer"][1], "answer", required=False)
        if "claims" in fields:
            values["claims"] = self.claims(fields["claims"][1])
        if "reviewed" in fields:
            values["reviewed"] = self.date(fields["reviewed"][1])
        if refused:
            return None
        return Entry(file=self.file, line=_line(node), **values)  # type: ignore[arg-type]

    def plain_entry(self, node: Node) -> Entry | None:
        """The entry `entry` reads from `node` when every check passes at once (most entries of machine-made
        data): a mapping of known keys, each once, whose values are non-empty text, or lists of it, without
        a control character; a lowercase slug for id, a statement for claim, a known verdict; no claims list
        nor reviewed date. Counts its nodes as `entry` does. Else None, having recorded nothing: `entry`
        then reads it field by field, with every problem in its place.
        """
        if type(node) is not MappingNode:
            return None
        scalar, text_tag, controls = ScalarNode, _STR_TAG, self.controls_possible
        values: dict[str, object] = {}
        counted = len(node.value)  # `mapping` counts each key
        for key_node, value_node in node.value:
            key = key_node.value
            if type(key_node) is not scalar or key not in _PLAIN_KEYS or key in values:
                return None
            if key in _LIST_KEYS:
                if type(value_node) is not SequenceNode:
                    return None
                items = value_node.value
                for item in items:  # each a text (`text_list`)
                    if type(item) is not scalar or item.tag != text_tag or not item.value.strip():
                        return None
                    if controls and CONTROL.search(item.value):
                        return None
                values[key] = tuple([item.value.strip() for item in items])
                counted += len(items)
            else:
                if type(value_node) is not scalar or value_node.tag != text_tag:
                    return None
                value = value_node.value
                stripped = value.strip()
                if not stripped or (controls and CONTROL.search(value)):
                    return None
                values[key] = stripped
                counted += 1
        return self.checked_entry(values, counted, node.start_mark.line + 1)

    def checked_entry(self, values: dict[str, object], counted: int, line: int) -> Entry | None:
        """`plain_entry`'s last checks, of `values` (stripped non-empty texts, and tuples of them for the
        list keys) that read `counted` nodes: the entry at `line`, else None (nothing recorded)."""
        if len(values) < 4 or not _REQUIRED_KEYS.issubset(values) or self.nodes_seen + counted > MAX_NODES:
            return None
        verdict = _VERDICT_OF.get(str(values["verdict"]).lower())
        if verdict is None or not SLUG.match(str(values["id"])) or "?" in str(values["claim"]):
            return None
        self.nodes_seen += counted
        values["verdict"] = verdict
        if "tags" in values:
            values["tags"] = tuple([tag.lower() for tag in values["tags"]])  # type: ignore[attr-defined]
        return Entry(file=self.file, line=line, **values)  # type: ignore[arg-type]


_REQUIRED_KEYS = frozenset(("id", "question", "claim", "verdict"))
_LIST_KEYS = frozenset(("aliases", "caveats", "tags", "related"))
_PLAIN_KEYS = _REQUIRED_KEYS | _LIST_KEYS | {"answer"}  # what `plain_entry` reads (not claims, reviewed)
_VERDICT_OF = {verdict.value: verdict for verdict in Verdict}


class _TooLarge(Exception):
    pass


def _decode(path: Path, report: _FileReport) -> str | None:
    name = str(path)
    try:
        if path.is_dir():
            report.error(name, 1, "is a directory, not a data file")
            return None
        size = path.stat().st_size
        if size <= MAX_FILE_BYTES:  # a pipe or device reports 0: read at most one byte past the limit
            with path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
            size = max(size, len(raw))
        if size > MAX_FILE_BYTES:
            shown = f"{size / 2**20:.1f} MB; " if size > MAX_FILE_BYTES + 1 else ""  # a pipe: size unknown
            report.error(name, 1, f"file is too large ({shown}the limit is {MAX_FILE_BYTES // 2**20} MB)")
            return None
    except FileNotFoundError:
        report.error(name, 1, "no such file")
        return None
    except OSError as exc:
        report.error(name, 1, f"cannot read: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        report.error(name, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        return None
    if not text.strip():
        expected = "one JSON object (an entry) per line" if _is_jsonl(path) else "a mapping with an 'entries:' list"
        report.error(name, 1, f"file is empty; expected {expected}")
        return None
    return text


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() == ".jsonl"


def _json_node(value: object, mark: yaml.Mark, depth: int = 0) -> Node:
    """A JSON value as the node YAML would compose for it, every node marked with the line's position."""
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, _JsonPairs):  # before list: it is one
        pairs = [(ScalarNode(_STR_TAG, k, mark, mark), _json_node(v, mark, depth + 1)) for k, v in value]
        return MappingNode(_CORE + "map", pairs, mark, mark)
    if isinstance(value, list):
        return SequenceNode(_CORE + "seq", [_json_node(v, mark, depth + 1) for v in value], mark, mark)
    if isinstance(value, str):
        return ScalarNode(_STR_TAG, value, mark, mark)
    if isinstance(value, bool):
        return ScalarNode(_CORE + "bool", "true" if value else "false", mark, mark)
    if value is None:
        return ScalarNode(_CORE + "null", "null", mark, mark)
    if isinstance(value, int):
        return ScalarNode(_CORE + "int", str(value), mark, mark)
    return ScalarNode(_CORE + "float", repr(value), mark, mark)


class _JsonPairs(list):  # type: ignore[type-arg]
    """A JSON object's (key, value) pairs in order, duplicates kept (json would keep only the last)."""


class _TooDeep(Exception):
    pass


def read_jsonl(path: Path, report: _FileReport) -> list[Entry]:
    """Parse a JSON Lines file: one entry (an object with the fields of a YAML entry) per non-blank line."""
    import json

    text = _decode(path, report)
    if text is None:
        return []
    name = str(path)
    reader = _Reader(name, report, text)
    entries = []
    try:
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line, object_pairs_hook=_JsonPairs)
            except RecursionError:
                report.error(name, number, f"JSON is nested more than {MAX_DEPTH} levels deep")
                continue
            except ValueError as exc:
                where = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
                message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                report.error(name, number, f"invalid JSON: {message}{where}; each line must be one entry object")
                continue
            if not isinstance(value, _JsonPairs):
                kind = "a list" if isinstance(value, list) else "text" if isinstance(value, str) else "a value"
                report.error(name, number, f"each line must be a JSON object (an entry), got {kind}")
                continue
            try:
                node = _json_node(value, yaml.Mark(name, 0, number - 1, 0, None, 0))
            except _TooDeep:
                report.error(name, number, f"JSON is nested more than {MAX_DEPTH} levels deep")
                continue
            entry = reader.entry(node)
            if entry is not None:
                entries.append(entry)
    except _TooLarge:
        report.error(name, 1, f"file holds more than {MAX_NODES:,} values")
        return []
    return entries


def _scan(text: str) -> tuple[int | None, bool]:
    """One pass over the parser's events, before composing: the line of the first collection
    nested deeper than MAX_DEPTH (libyaml composes recursively: a deeply nested document would
    crash it), and whether any node carries a tag that is not plain YAML (found by `_foreign_tags`).
    """
    depth = 0
    foreign = False
    collection_start, collection_end, node_event = yaml.CollectionStartEvent, yaml.CollectionEndEvent, yaml.NodeEvent
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, node_event):
            tag = getattr(event, "tag", None)  # None on aliases and on untagged nodes
            if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
                foreign = True
            if isinstance(event, collection_start):
                depth += 1
                if depth > MAX_DEPTH:
                    return (event.start_mark.line + 1 if event.start_mark else 1), foreign
        elif isinstance(event, collection_end):
            depth -= 1
    return None, foreign


def _walk(root: Node) -> tuple[int | None, bool]:
    """What `_scan` finds, from the composed tree instead of a second pass over the parser's events:
    the line of the first collection (in document order) nested deeper than MAX_DEPTH, and whether
    any node's tag is not plain YAML. Each shared (aliased) collection is visited once, at its anchor.
    """
    plain, scalar, mapping = _PLAIN_TAGS, ScalarNode, MappingNode
    foreign = root.tag not in plain
    if type(root) is scalar:
        return None, foreign
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return _line(node), foreign
        children = [n for pair in node.value for n in pair] if type(node) is mapping else node.value
        for child in reversed(children):  # popped in document order
            if child.tag not in plain:
                foreign = True
            if type(child) is not scalar:
                stack.append((child, depth + 1))
    return None, foreign


_DEEP_PROBE = "[" * 1001 + "]" * 1001


@lru_cache(maxsize=1)
def _parser_limits_depth() -> bool:
    """Whether the parser refuses more than 1,000 levels itself (the libyaml of PyYAML's wheels since 6.0.4
    does): then composing cannot crash, and the depth is checked on the tree."""
    try:
        yaml.compose(_DEEP_PROBE, Loader=_Loader)
    except yaml.YAMLError:
        return True
    except Exception:  # pragma: no cover - the pure Python parser: RecursionError
        return False
    return False  # pragma: no cover


def _compose(text: str) -> tuple[Node | None, int | None, bool]:
    """The root node (None when nested too deep or empty), the line of the first collection nested deeper
    than MAX_DEPTH, and whether any tag is not plain YAML. Raises the YAML errors `yaml.compose` does.

    Composed at once when the parser bounds the depth itself, and the tree walked; a document the
    parser refuses, and any parser that does not bound it, go the old way: `_scan`'s pass over the
    events first (whose findings come before a syntax error further on), then compose.
    """
    if _parser_limits_depth():
        try:
            root = yaml.compose(text, Loader=_Loader)
        except Exception:
            pass  # reported below exactly as before
        else:
            return (root, *_walk(root)) if root is not None else (None, None, False)
    too_deep, tagged = _scan(text)
    if too_deep is not None:
        return None, too_deep, tagged
    return yaml.compose(text, Loader=_Loader), None, tagged


def _foreign_tags(root: Node) -> Iterable[Node]:
    """Nodes whose tag is not plain YAML; each shared (aliased) node is visited once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            yield node
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in node.value for n in pair)


def _yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark
    if mark is not None:
        lines = text.splitlines()
        if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            return "a tab character cannot indent YAML; use spaces"
    context = f" {exc.context}" if exc.context else ""
    return f"YAML syntax error: {problem}{context}"


def read_file(path: Path, report: _FileReport) -> tuple[list[Entry], list[tuple[Source, int]]]:
    """Parse one file (YAML, or JSON Lines when named *.jsonl) into entries and sources; problems go to `report`."""
    if _is_jsonl(path):
        return read_jsonl(path, report), []
    text = _decode(path, report)
    if text is None:
        return [], []
    name = str(path)
    plain = _plain_document(text, name)
    if plain is not None:
        return plain, []
    try:
        root, too_deep, tagged = _compose(text)
        if too_deep is not None:
            report.error(name, too_deep, f"YAML is nested more than {MAX_DEPTH} levels deep")
            return [], []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        report.error(name, (mark.line + 1) if mark else 1, _yaml_message(exc, text))
        return [], []
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, e.g. a raw control character
        line = text.count("\n", 0, exc.position) + 1
        report.error(name, line, f"YAML forbids the character U+{exc.character:04X} here ({exc.reason})")
        return [], []
    except yaml.YAMLError as exc:
        report.error(name, 1, "YAML error: " + " ".join(str(exc).split()))
        return [], []
    if root is None:
        report.error(name, 1, "file is empty; expected a mapping with an 'entries:' list")
        return [], []
    foreign = list(_foreign_tags(root)) if tagged else []
    if foreign:  # refused outright: never construct, never use the rest of a file that tries
        for node in sorted(foreign, key=_line):
            tag = node.tag.replace(_CORE, "!!", 1)
            report.error(name, node, f"YAML tag {tag!r} is not allowed; data files are plain YAML")
        return [], []
    reader = _Reader(name, report, text)
    try:
        top = reader.mapping(root, "the file", TOP_KEYS)
        if not top:
            return [], []
        if "entries" not in top:
            report.error(name, root, "missing 'entries:' (the list of fact-checks)")
            return [], []
        sources = []
        if "sources" in top:
            source_list = top["sources"][1]
            if isinstance(source_list, SequenceNode):
                sources = [s for s in map(reader.source, source_list.value) if s]
            elif not (isinstance(source_list, ScalarNode) and _scalar(source_list) is None):
                report.error(name, source_list, f"sources must be a list, got {_kind(source_list)}")
        entries_node = top["entries"][1]
        if not isinstance(entries_node, SequenceNode):
            report.error(name, entries_node, f"entries must be a list, got {_kind(entries_node)}")
            return [], sources
        entries = [e for e in map(reader.entry, entries_node.value) if e]
    except _TooLarge:
        report.error(name, 1, f"document expands to more than {MAX_NODES:,} nodes (YAML aliases?)")
        return [], []
    return entries, sources


# What a plain document (`_plain_document`) may hold: printable characters and newlines, not a tab, a
# carriage return or another line break of YAML 1.1 (NEL, U+2028, U+2029), nor a byte-order mark.
_NOT_PLAIN_TEXT = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar beginning with one is not plain here


def _plain_value(text: str) -> str | None:
    """The string YAML reads from `text`, a one-line scalar (leading spaces gone), when it is text for sure:
    plain (no indicator first, no `: ` nor ` #`, no `:` last, and no tag but str by YAML's resolvers),
    single-quoted, or double-quoted without escapes; else None."""
    text = text.rstrip(" ")
    if not text:
        return None
    first = text[0]
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            return None
        return inner.replace("''", "'")
    if first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or '"' in inner or "\\" in inner:
            return None
        return inner
    if first in _INDICATORS or ": " in text or " #" in text or text[-1] == ":":
        return None
    for _, expression in _RESOLVERS_BY_FIRST.get(first, ()):  # a number, a date, true, null...: not text
        if expression.match(text):
            return None
    return text


_RESOLVERS_BY_FIRST = _Loader._by_first


def _plain_document(text: str, name: str) -> list[Entry] | None:
    """The entries of a document `read_file` would read without a problem, read line by line without
    composing YAML, when every line is one this knows for sure (what machine-made data holds): `entries:`,
    then each entry a `- key: value` line and `key: value` lines (`key:` and `- item` lines for a list),
    each value a one-line scalar `_plain_value` reads, and each entry one `_Reader.plain_entry` would
    take. Else None (nothing reported): `read_file` composes it as YAML. The same entries, lines and
    node count (MAX_NODES) as composing it.
    """
    if not text.startswith("entries:\n") or _NOT_PLAIN_TEXT.search(text) is not None:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) < 2:
        return None
    dash = len(lines[1]) - len(lines[1].lstrip(" "))  # where each entry's "- " is (0 or 2 spaces)
    if dash not in (0, 2):
        return None
    entry_prefix, key_indent = " " * dash + "- ", dash + 2
    key_prefix, item_prefixes = " " * key_indent, (" " * key_indent + "- ", " " * (key_indent + 2) + "- ")
    value_of, list_keys, plain_keys = _plain_value, _LIST_KEYS, _PLAIN_KEYS
    reader = _Reader(name, _FileReport(), None)
    reader.controls_possible = False  # no control character in the text (`_NOT_PLAIN_TEXT`)
    reader.nodes_seen = 1  # the file's `entries` key
    entries: list[Entry] = []
    fields: dict[str, object] = {}  # the entry being read: key -> stripped text, or list of them
    counted = 0  # the nodes `plain_entry` would count for it
    items: list[str] | None = None  # the list being read
    item_prefix = ""
    start = 0  # the line of the entry being read (1-based)
    for number in range(1, len(lines) + 1):
        line = lines[number] if number < len(lines) else None
        if items is not None:
            if line is not None and not items and line.startswith(item_prefixes):
                item_prefix = item_prefixes[0] if line.startswith(item_prefixes[0]) else item_prefixes[1]
            if item_prefix and line is not None and line.startswith(item_prefix):
                value = value_of(line[len(item_prefix) :].lstrip(" "))
                if value is None or not value.strip():
                    return None
                items.append(value.strip())
                counted += 1
                continue
            if not items:  # `key:` and no item: null, not a list
                return None
            items, item_prefix = None, ""
        if line is not None and line.startswith(key_prefix) and line[key_indent : key_indent + 1] != " ":
            rest = line[key_indent:]
        elif line is None or line.startswith(entry_prefix):
            if start:
                values = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
                entry = reader.checked_entry(values, counted + len(fields), start)
                if entry is None:
                    return None
                entries.append(entry)
            if line is None:
                break
            fields, counted, start, rest = {}, 0, number + 1, line[len(entry_prefix) :]  # lines[0] is line 1
        else:
            return None
        key, separator, raw = rest.partition(": ")  # `key: value`, or `key:` alone (a list follows)
        listed = not separator
        if listed:
            key = rest[:-1]
            if rest[-1:] != ":":
                return None
        if key in fields or key not in plain_keys or listed != (key in list_keys) or not start:
            return None
        if listed:
            fields[key] = items = []
        else:
            value = value_of(raw.lstrip(" "))
            if value is None or not value.strip():
                return None
            fields[key] = value.strip()
            counted += 1
    return entries if start else None


def check_references(
    entries: Sequence[Entry],
    sources: Sequence[tuple[Source, str, int]],
    report: _FileReport,
    distinct_ids: dict[str, None] | None = None,
) -> dict[str, Source]:
    """Cross-file checks: unique ids, declared sources, existing related ids.

    `distinct_ids`: every entry's id, known to be unique; then `entries` need only be those
    that cite a source or name a related entry (no other entry can fail a check).
    """
    declared: dict[str, tuple[Source, str, int]] = {}
    for source, file, line in sources:
        if source.id in declared:
            _, first_file, first_line = declared[source.id]
            report.error(file, line, f"duplicate source id {source.id!r} (first at {first_file}:{first_line})")
        else:
            declared[source.id] = (source, file, line)
    seen: dict[str, Entry | None] = {}
    if distinct_ids is not None:
        seen = distinct_ids  # type: ignore[assignment]
    else:
        for entry in entries:
            first = seen.get(entry.id)
            if first is not None:
                where = f"{first.file}:{first.line}"
                report.error(entry.file, entry.line, f"duplicate entry id {entry.id!r} (first at {where})")
            else:
                seen[entry.id] = entry
    for entry in entries:
        for claim in entry.claims:
            for source_id in claim.source_ids:
                if source_id not in declared and source_id not in report.refused_ids:
                    report.error(
                        entry.file, entry.line,
                        f"entry {entry.id!r} cites undeclared source {source_id!r}"
                        f"{_suggest(source_id, declared)}; declare it under 'sources:'",
                    )  # fmt: skip
        for related in entry.related:
            if related not in seen and related not in report.refused_ids:
                report.error(
                    entry.file, entry.line,
                    f"entry {entry.id!r} is related to unknown id {related!r}{_suggest(related, seen)}",
                )  # fmt: skip
    return {sid: s for sid, (s, _, _) in declared.items()}


def check_strict(entries: Sequence[Entry], report: _FileReport) -> None:
    """What a curated entry must carry beyond the required keys."""
    for entry in entries:
        needs = []
        if not entry.answer:
            needs.append("an answer")
        if not any(claim.citations for claim in entry.claims):
            needs.append("at least one claim with a citation")
        if not entry.caveats:
            needs.append("caveats")
        if not entry.reviewed:
            needs.append("a reviewed date")
        if needs:
            report.error(entry.file, entry.line, f"entry {entry.id!r} needs {', '.join(needs)} (--strict)")
        for claim in entry.claims:
            if not claim.citations:
                report.error(entry.file, entry.line, f"entry {entry.id!r} has a claim without citations (--strict)")
                break


class FilePart(NamedTuple):
    """What one data file holds, checked on its own (the cross-file checks come after): cacheable per file."""

    path: str
    entries: tuple[Entry, ...]
    sources: tuple[tuple[Source, int], ...]  # with the line each is declared at
    problems: tuple[Problem, ...]
    refused_ids: frozenset[str]  # ids of entries and sources refused for another problem

    @property
    def has_errors(self) -> bool:
        return any(not p.warning for p in self.problems)


class PackedPart(NamedTuple):
    """A FilePart with its entries pickled into one buffer: what the workers of factcheck/engine.py send back
    and the cache keeps per file, so that the process building the index never holds every entry as an object."""

    path: str
    entries: PickledEntries
    ids: Strings  # each entry's id
    questions: Strings  # each entry's question (the index shows them)
    cross_checked: tuple[int, ...]  # positions of the entries that cite a source or name a related entry
    sources: tuple[tuple[Source, int], ...]
    problems: tuple[Problem, ...]
    refused_ids: frozenset[str]

    @property
    def has_errors(self) -> bool:
        return any(not p.warning for p in self.problems)

    def unpacked(self) -> FilePart:
        return FilePart(self.path, tuple(self.entries), self.sources, self.problems, self.refused_ids)


def pack_part(part: FilePart) -> PackedPart:
    cross_checked = tuple(n for n, e in enumerate(part.entries) if e.related or any(c.citations for c in e.claims))
    return PackedPart(
        part.path, PickledEntries.pack(part.entries), Strings(e.id for e in part.entries),
        Strings(e.question for e in part.entries), cross_checked, part.sources, part.problems, part.refused_ids,
    )  # fmt: skip


def combine_packed(parts: Sequence[PackedPart], consume: bool = False) -> tuple[Catalog | None, list[Problem]]:
    """`combine` of packed parts, without unpickling every entry: when no id repeats, only the entries
    that cite or relate can fail a cross-file check. The same problems, in the same order.

    `consume`: the parts' entries are emptied as the catalog's are joined (PickledEntries.joined)."""
    ids = [i for part in parts for i in part.ids]
    distinct = dict.fromkeys(ids)
    if len(distinct) != len(ids):  # a repeated id: its message needs both entries' file and line
        return combine([part.unpacked() for part in parts])
    report = _FileReport()
    sources: list[tuple[Source, str, int]] = []
    for part in parts:
        report.problems += part.problems
        report.refused_ids |= part.refused_ids
        sources += [(source, part.path, line) for source, line in part.sources]
    checked = [part.entries[n] for part in parts for n in part.cross_checked]
    declared = check_references(checked, sources, report, distinct_ids=distinct)
    del distinct, checked
    found = list(dict.fromkeys(report.problems))
    if any(not p.warning for p in found):
        return None, found
    table = IdTable.of(ids)
    del ids
    entries = PickledEntries.joined([part.entries for part in parts], consume=consume)
    return packed_catalog(table, entries, declared), found


def read_part(path: Path) -> FilePart:
    """Read and check one file on its own."""
    report = _FileReport()
    try:
        entries, sources = read_file(path, report)
    finally:  # the constructor remembers every node it built: let the file's nodes go
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()
    return FilePart(str(path), tuple(entries), tuple(sources), tuple(report.problems), frozenset(report.refused_ids))


def validate(paths: Sequence[Path], strict: bool = False) -> tuple[Catalog | None, list[Problem]]:
    """Read and check files (a directory: its data files); returns the catalog (None if any error) and every problem."""
    files, problems = expand_data_paths(paths)
    return combine([read_part(path) for path in files], strict, problems)


def combine(
    parts: Sequence[FilePart], strict: bool = False, problems: Sequence[Problem] = ()
) -> tuple[Catalog | None, list[Problem]]:
    """The catalog of files read on their own, after the checks across them (unique ids, references)."""
    report = _FileReport(problems=list(problems))
    entries: list[Entry] = []
    sources: list[tuple[Source, str, int]] = []
    for part in parts:
        report.problems += part.problems
        report.refused_ids |= part.refused_ids
        entries += part.entries
        sources += [(source, part.path, line) for source, line in part.sources]
    declared = check_references(entries, sources, report)
    if strict:
        check_strict(entries, report)
    found = list(dict.fromkeys(report.problems))  # an aliased node would repeat the same finding
    if strict:  # strict turns warnings (unknown keys) into errors
        found = [Problem(p.file, p.line, p.message) for p in found]
    if any(not p.warning for p in found):
        return None, found
    return Catalog(entries=tuple(entries), sources=declared), found


def load(paths: Sequence[Path]) -> tuple[Catalog, list[Problem]]:
    """Catalog for the commands that use data: raises DataError on any error; returns warnings."""
    catalog, problems = validate(paths)
    if catalog is None:
        raise DataError([p for p in problems if not p.warning])
    return catalog, problems
