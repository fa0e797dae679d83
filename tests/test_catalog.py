"""Loading and validating data files: every problem as FILE:LINE: message."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from factcheck.catalog import bundled_data_path, load, validate
from factcheck.errors import DataError
from tests.helpers import write

MINIMAL = "entries:\n  - id: a-claim\n    question: Is it so?\n    claim: A claim.\n    verdict: unproven\n"


def messages(paths: list[Path], strict: bool = False) -> list[str]:
    return [str(p) for p in validate(paths, strict=strict)[1]]


def test_mini_data_loads_with_sources_and_line_numbers(mini_data: Path) -> None:
    catalog, problems = load([mini_data])
    assert problems == []
    assert [e.id for e in catalog.entries] == ["police-trace-every-ip", "cybertipline-who-runs", "isp-log-retention"]
    first = catalog.get("police-trace-every-ip")
    assert first is not None and first.line == 9
    assert first.claims[0].citations == ("ip-tracing [1][2]",)
    assert first.reviewed == "2026-11-22"
    assert catalog.outdated_warnings(first) == ("This fact-check may be outdated.",)


def test_file_with_only_required_keys_is_valid(tmp_path: Path) -> None:
    catalog, problems = validate([write(tmp_path, MINIMAL)])
    assert catalog is not None and problems == []


def test_unquoted_boolean_verdict_is_read_as_the_verdict(tmp_path: Path) -> None:
    catalog, _ = validate([write(tmp_path, MINIMAL.replace("unproven", "false"))])
    assert catalog is not None and catalog.entries[0].verdict == "false"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL.replace("unproven", "flase"), ":5: unknown verdict 'flase' (did you mean 'false'?)"),
        (MINIMAL + "    verdict: true\n", ":6: duplicate key 'verdict' in an entry (first at line 5)"),
        (MINIMAL.replace("a-claim", "A Claim"), ":2: entry id 'A Claim' must be a lowercase slug"),
        (MINIMAL + "    aliases: just one string\n", ":6: aliases must be a list, got text"),
        (MINIMAL + "    reviewed: last week\n", ":6: reviewed must be a date written YYYY-MM-DD"),
        ("entries:\n  - id: x\n    verdict: true\n", ":2: entry 'x' is missing question"),
        ("entries: {}\n", ":1: entries must be a list, got a mapping"),
        (MINIMAL.replace("Is it so?", '"Is it \\e[31mso?"'), ":3: question contains a control character (U+001B)"),
        ("sources: []\n", ":1: missing 'entries:'"),
        ("entries:\n\t- id: x\n", ":2: a tab character cannot indent YAML; use spaces"),
        ("entries: [\n", ":2: YAML syntax error"),
        ("", ":1: file is empty"),
        ("# only a comment\n", ":1: file is empty"),
        (MINIMAL + "    related: [nowhere]\n", ":2: entry 'a-claim' is related to unknown id 'nowhere'"),
        (
            MINIMAL + "    claims:\n      - text: A claim.\n        citations: [unknown-source]\n",
            ":2: entry 'a-claim' cites undeclared source 'unknown-source'",
        ),
    ],
)
def test_problems_name_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    catalog, problems = validate([path])
    assert catalog is None
    assert any(str(p).startswith(str(path) + expected) for p in problems), [str(p) for p in problems]


def test_unknown_key_is_a_warning_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "    caveat: [typo]\n")
    catalog, problems = validate([path])
    assert catalog is not None
    assert [str(p) for p in problems] == [
        f"{path}:6: warning: unknown key 'caveat' in an entry (did you mean 'caveats'?)"
    ]
    strict_catalog, strict_problems = validate([path], strict=True)
    assert strict_catalog is None and any("unknown key 'caveat'" in str(p) for p in strict_problems)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, MINIMAL, "one.yaml")
    second = write(tmp_path, MINIMAL, "two.yaml")
    assert messages([first, second]) == [f"{second}:2: duplicate entry id 'a-claim' (first at {first}:2)"]


def test_not_utf8_missing_and_directory(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"entries:\n  - id: caf\xe9\n")
    assert messages([latin]) == [f"{latin}:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]
    assert messages([tmp_path / "nope.yaml"]) == [f"{tmp_path / 'nope.yaml'}:1: no such file"]
    # a directory stands for its data files; one without any is the error
    assert messages([tmp_path]) == [f"{latin}:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]
    (tmp_path / "empty").mkdir()
    empty = tmp_path / "empty"
    assert messages([empty]) == [f"{empty}:1: directory has no data files (.yaml, .yml, .jsonl)"]


def test_strict_requires_what_curated_entries_carry(tmp_path: Path, mini_data: Path) -> None:
    strict = messages([mini_data], strict=True)
    assert strict == [
        f"{mini_data}:36: entry 'isp-log-retention' needs an answer, at least one claim with a citation, "
        "caveats, a reviewed date (--strict)"
    ]
    assert messages([mini_data]) == []


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    bomb = (
        "\n".join(lines)
        + "\nentries:\n  - id: x\n    question: q\n    claim: A claim.\n    verdict: true\n    aliases: *a11\n"
    )
    catalog, problems = validate([write(tmp_path, bomb)])
    assert catalog is None
    assert problems, "an alias bomb must produce a problem"


def test_load_raises_data_error_with_every_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace("unproven", "nope") + "  - id: b\n    question: 3\n    claim: A claim.\n    verdict: true\n",
    )
    with pytest.raises(DataError) as caught:
        load([path])
    assert len(caught.value.problems) == 2


def test_bundled_data_is_found() -> None:
    assert bundled_data_path().name == "claims.yaml"
    assert bundled_data_path("safety.yaml").is_file()


def test_a_refused_entry_still_has_its_other_fields_checked(tmp_path: Path) -> None:
    text = (
        "sources:\n  - id: s1\n    title: ''\n"
        "entries:\n"
        "  - id: a-one\n    question: q\n    claim: A claim.\n    verdict: 'true'\n    related: [b-two]\n"
        "    claims:\n      - text: c\n        citations: ['s1 [1]']\n"
        "  - id: b-two\n    question: q2\n    claim: A claim.\n    verdict: maybe\n    tags: notalist\n"
    )
    path = write(tmp_path, text)
    found = messages([path])
    assert any(m.startswith(f"{path}:16: unknown verdict 'maybe'") for m in found)
    assert f"{path}:17: tags must be a list, got text (put each item on its own '- ' line)" in found
    assert f"{path}:3: source title is empty" in found
    # b-two and s1 exist, they are only refused: no second, misleading "unknown" report
    assert not any("unknown id 'b-two'" in m or "undeclared source 's1'" in m for m in found), found


_ENTRY_VARIANTS = [
    "    aliases:\n      - Another way to ask?\n      - '  padded  '\n",
    "    tags: [Police, IP]\n    caveats: [It depends.]\n    related: [other-one]\n",
    "    answer: '  The answer.  '\n",
    "    answer: ''\n",
    "    answer:\n",
    "    aliases:\n",
    "    aliases: one alias\n",
    "    aliases: [ok, '', 3]\n",
    "    aliases: [[nested]]\n",
    "    aliases: !!str plain\n",
    "    tags: [1, 2]\n",
    "    reviewed: 2026-01-02\n",
    "    claims:\n      - text: Part one.\n        citations: [src-a]\n",
    "    colour: red\n",
    "    question: A second question?\n",
    '    answer: "Bell \\x07 rings"\n',
    "    answer: 42\n",
    "    answer: {a: b}\n",
]
_REPLACED = [
    ("", ""),
    ("verdict: unproven", "verdict: ' UNPROVEN '"),
    ("verdict: unproven", "verdict: false"),
    ("verdict: unproven", "verdict: maybe"),
    ("verdict: unproven", "verdict: [unproven]"),
    ("id: a-claim", "id: A_Claim"),
    ("id: a-claim", "id: 12"),
    ("claim: A claim.", "claim: A claim?"),
    ("claim: A claim.", "claim: '   '"),
    ("question: Is it so?", "question: !!binary aGk="),
    ("    question: Is it so?\n", ""),
]


@pytest.mark.parametrize("extra", _ENTRY_VARIANTS)
@pytest.mark.parametrize(("old", "new"), _REPLACED)
def test_an_entry_read_at_once_is_the_entry_read_field_by_field(extra: str, old: str, new: str) -> None:
    """`_Reader.plain_entry` (the fast path) reads what `entry` reads field by field, counts the same
    nodes, or leaves the entry to it: the same entries, problems and lines, whatever the entry holds."""
    import yaml

    from factcheck.catalog import _FileReport, _Loader, _Reader

    class FieldByField(_Reader):
        def plain_entry(self, node: object) -> None:
            return None

    text = (MINIMAL + extra).replace(old, new) + MINIMAL.replace("entries:\n", "").replace("a-claim", "b-claim")
    read = []
    for reader_class in (_Reader, FieldByField):
        report = _FileReport()
        reader = reader_class("f.yaml", report, text)
        root = yaml.compose(text, Loader=_Loader)
        entries = [reader.entry(node) for node in root.value[0][1].value]
        read.append((entries, report.problems, report.refused_ids, reader.nodes_seen))
    assert read[0] == read[1]


_LINE_VALUES = [
    "A plain text.", "'Quoted: yes'", "'it''s'", '"double"', "Ünï text", "x#y", "yes", "null", "~", "123", "2020-01-02",
    "'bad'quote'", '"esc\\n"', "a: b", "a #c", "x:", "#c", "- x", "&a", "*a", "!t x", "|", ">", "%x", "@x", "`x",
    "{a: 1}", "[a]", "  spaced  ", "", "a\u00a0", "tab\there", "bell\x07", "what?", "UPPER-ID", "False", "it's",
    "'  pad  '", "''", "'", "a\u2028b", "nel\x85x", "del\x7f", "=", "<<", ".5", "+1", "mostly-true", " MIXED", "a\rb",
]  # fmt: skip


def _line_document(rng: random.Random) -> str:
    """A document of entries as machine-made data writes them, with near misses of every kind mixed in."""
    odd = rng.choice([0.0, 0.02, 0.1, 0.4])
    dash = rng.choice([0, 2]) if rng.random() > odd else rng.choice([1, 3])

    def value(usual: str) -> str:
        return rng.choice(_LINE_VALUES) if rng.random() < odd else usual

    lines = ["entries:"]
    for n in range(rng.randint(1, 5)):
        keys = [
            "id",
            "question",
            "claim",
            "verdict",
            *rng.sample(["aliases", "answer", "tags", "caveats", "related"], 2),
        ]
        if rng.random() < odd:
            keys += rng.sample(["reviewed", "claims", "colour", "id", "aliases"], 1)
        if rng.random() < odd:
            keys.remove(rng.choice(keys))
        rng.shuffle(keys)
        for i, key in enumerate(keys):
            prefix = " " * dash + "- " if i == 0 else " " * (dash + 2 + (rng.random() < odd / 4))
            usual = {"id": f"e-{n}", "verdict": rng.choice(["unproven", "false", "Mixed"])}.get(key, "Some text.")
            if key in ("aliases", "tags", "caveats", "related", "claims") and rng.random() > odd:
                lines.append(f"{prefix}{key}:")
                indent = dash + 2 + rng.choice([0, 2])
                for _ in range(rng.randint(0 if rng.random() < odd else 1, 3)):
                    lines.append(
                        " " * (indent + (rng.random() < odd / 4)) + "- " + value(rng.choice(["word", "Two words"]))
                    )
            else:
                lines.append(f"{prefix}{key}:{' ' if rng.random() > odd / 4 else ''}{value(usual)}")
            if rng.random() < odd / 4:
                lines.append(rng.choice(["", "  # a comment", "sources:", "---"]))
    return "\n".join(lines) + ("\n" if rng.random() > odd else "")


def test_a_document_read_line_by_line_is_the_document_composed(tmp_path: Path) -> None:
    """`_plain_document` reads machine-made data without composing YAML: the same entries, lines and
    problems as composing it, or it leaves the document to YAML (any line it does not know for sure)."""
    from factcheck import catalog

    path, rng, fast = tmp_path / "f.yaml", random.Random(23), 0
    for _ in range(600):
        text = _line_document(rng)
        path.write_text(text, encoding="utf-8")
        fast += catalog._plain_document(text, str(path)) is not None
        read = catalog.read_part(path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(catalog, "_plain_document", lambda text, name: None)
            assert read == catalog.read_part(path), text
    assert 50 < fast < 550  # both ways taken
