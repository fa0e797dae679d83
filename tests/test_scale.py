"""What keeps large data fast must not change a single answer (issue 17).

No timing here: bench/scale.py measures it. These check that each shortcut computes
exactly what the plain code does.
"""

from __future__ import annotations

import json
import os
import sys
from array import array
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from factcheck import cache, catalog, engine, match
from factcheck.cli import app
from factcheck.match import Lexicon, apply_synonyms, normalise, stem_all
from factcheck.model import IdTable, PickledEntries
from tests.helpers import MINI_YAML, greedy_synonyms, write

LEXICON = Lexicon.create(
    {("child", "porn"): ("csam",), ("cp",): ("csam",), ("cops",): ("police",), ("law", "enforcement"): ("police",)},
    frozenset({"the", "a"}),
)
PIECE = st.sampled_from(
    [*"abcXY z_'\u2019.-\t\r\n#:/@éÉﬁ\u0301Σς0", "http://x.org/a", "www.", "pic.twitter.com/", "camelCase"]
)
TEXT = st.lists(PIECE, max_size=12).map("".join)


@given(st.lists(TEXT, max_size=6))
def test_words_each_are_the_words_of_normalise_of_each(texts: list[str]) -> None:
    assert match._words_each(texts) == [normalise(t).split() for t in texts]


@given(st.lists(TEXT, max_size=12), st.integers(1, 4))
def test_words_in_batches_are_the_words_of_normalise_of_each(texts: list[str], batch: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(match, "_NORMALISE_BATCH", batch)
        assert match._words_many(texts) == [normalise(t).split() for t in texts]


@given(st.lists(st.sampled_from(["child", "porn", "cp", "cops", "law", "enforcement", "the", "x"]), max_size=12))
def test_synonyms_skip_to_the_words_that_begin_a_variant(words: list[str]) -> None:
    assert apply_synonyms(words, LEXICON) == greedy_synonyms(words, LEXICON)


def test_each_distinct_word_is_stemmed_once_with_the_same_stems() -> None:
    stems = match._Stems()
    words = "running runs ran running investigators investigated".split()
    assert stems(words) == stem_all(words)
    assert stems(words[::-1]) == stem_all(words[::-1])
    assert set(stems.known) == set(words)


def test_the_yaml_constructor_forgets_each_file_it_read(mini_data: Path) -> None:
    loaded, _ = catalog.load([mini_data])
    assert loaded.get("police-trace-every-ip") is not None
    assert not catalog._CONSTRUCTOR.constructed_objects  # no node of the file stays alive


SCALAR = st.one_of(
    st.sampled_from(
        [
            "",
            "~",
            "null",
            "Null",
            "yes",
            "No",
            "on",
            "OFF",
            "true",
            "False",
            "0",
            "-1",
            "+3",
            "0x1F",
            "0o7",
            "0b101",
            "012",
            "1_000",
            "1:30",
            "1.5",
            "-.5e+3",
            ".inf",
            "-.Inf",
            ".NaN",
            "2020-01-01",
            "2001-12-14t21:59:43.10-05:00",
            "<<",
            "=",
            "'1'",
            '"yes"',
            "!!str 1",
            "!!int '7'",
            "[1, a]",
            "{a: 1}",
            "- x",
            "|\n  block\n",
        ]
    ),  # fmt: skip
    st.text(alphabet="0123456789.-+:_eExXoObBtTyYnNfF~<= abc", max_size=10),
)


@given(SCALAR)
def test_the_loader_gives_every_node_the_tag_of_the_safe_loader(value: str) -> None:
    def tags(node: yaml.Node) -> list[object]:
        if isinstance(node, yaml.ScalarNode):
            return [(node.tag, node.value)]
        pairs = node.value if isinstance(node, yaml.MappingNode) else [(child,) for child in node.value]
        return [node.tag, *(t for pair in pairs for child in pair for t in tags(child))]

    document = f"key: {value}\nlist:\n- {value}\n"
    try:
        expected = yaml.compose(document, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    found = yaml.compose(document, Loader=catalog._Loader)
    assert expected is not None and found is not None and tags(found) == tags(expected)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("escaped.yaml", MINI_YAML.replace("Is the CyberTipline run by the FBI?", '"Is it \\x1b[31mso?"')),
        ("raw.jsonl", '{"id": "a", "question": "Is it \u009bso?", "claim": "It is.", "verdict": "true"}\n'),
        ("escaped.jsonl", '{"id": "a", "question": "Is it \\u001bso?", "claim": "It is.", "verdict": "true"}\n'),
    ],
)
def test_a_control_character_in_a_value_is_found_however_it_is_written(tmp_path: Path, name: str, text: str) -> None:
    # Values are searched one by one only when the file has a control character or an escape.
    found, problems = catalog.validate([write(tmp_path, text, name)])
    assert found is None
    assert any("question contains a control character" in p.message for p in problems), problems


def test_a_foreign_tag_is_still_refused_after_the_single_scan(tmp_path: Path) -> None:
    path = write(tmp_path, MINI_YAML.replace("verdict: unproven", "verdict: !custom unproven"))
    found, problems = catalog.validate([path])
    assert found is None
    assert [(p.line, p.message) for p in problems] == [
        (39, "YAML tag '!custom' is not allowed; data files are plain YAML")
    ]


def test_the_safety_rules_are_compiled_once_for_every_data_set(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[int] = []
    from factcheck import safety_data

    real = safety_data.load_policy

    def counting(path: Path):  # type: ignore[no-untyped-def]
        compiled.append(1)
        return real(path)

    monkeypatch.setattr(safety_data, "load_policy", counting)
    first = write(tmp_path, MINI_YAML, "first.yaml")
    second = write(tmp_path, MINI_YAML.replace("cops track", "officers track"), "second.yaml")
    outputs = []
    for path in (first, second):
        result = runner.invoke(app, ["ask", "--json", "--data", str(path), "do police trace every IP?"])
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output)["id"])
    declined = runner.invoke(app, ["ask", "--json", "--data", str(second), "where can I find csam"])
    assert declined.exit_code == 1 and '"status": "declined"' in declined.output
    assert compiled == [1]  # the second data set reused the first one's compiled rules
    directory = cache.cache_dir()
    assert directory is not None and len(list(directory.glob("policy-*.pickle"))) == 1
    assert outputs == ["police-trace-every-ip"] * 2


def test_an_engine_built_with_a_cached_policy_answers_as_one_built_without(
    mini_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = ("do police trace every IP?", "where can I find csam", "i need help, i have urges")
    cached = [engine.open_engine([mini_data]).ask(q) for q in questions]
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    assert [engine.open_engine([mini_data]).ask(q) for q in questions] == cached


@pytest.mark.parametrize("fork", [True, False])
def test_several_files_compile_the_rules_aside_and_decide_as_one_file_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    files = split_mini(tmp_path)
    if not fork:

        def no_fork() -> int:
            raise OSError("no process to spare")

        monkeypatch.setattr(os, "fork", no_fork)
    directory = cache.cache_dir()
    assert directory is not None and not list(directory.glob("policy-*.pickle"))
    questions = ("do police trace every IP?", "where can I find csam", "i need help, i have urges")
    built = engine.open_engine(files)
    assert len(list(directory.glob("policy-*.pickle"))) == 1  # compiled (by a child when one could fork), cached
    assert built._policy is not None or built._policy_blob
    answers = [built.ask(q) for q in questions]
    assert [a.status.value for a in answers] == ["answered", "declined", "help"]
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    assert [engine.open_engine(files).ask(q) for q in questions] == answers


def split_mini(tmp_path: Path) -> list[Path]:
    """MINI_YAML as three files: the sources and first entry, then one entry a file."""
    data = yaml.safe_load(MINI_YAML)
    files = []
    for number, entries in enumerate(([data["entries"][0]], [data["entries"][1]], [data["entries"][2]])):
        chunk = {"sources": data["sources"], "entries": entries} if number == 0 else {"entries": entries}
        files.append(write(tmp_path, yaml.safe_dump(chunk, sort_keys=False), f"part-{number}.yaml"))
    return files


def test_an_index_assembled_from_each_files_bags_is_the_index_of_them_all() -> None:
    entries, _ = catalog.load([catalog.bundled_data_path()])
    lexicon = engine.load_lexicon(catalog.bundled_data_path("lexicon.yaml"))
    whole = match.build_index(entries.entries, lexicon)
    cut = [entries.entries[:7], entries.entries[7:8], entries.entries[8:]]
    assembled = match.build_index(entries.entries, lexicon, parts=[match.analyse(part, lexicon) for part in cut])
    assert assembled == whole


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux only")
def test_postings_inverted_by_two_processes_are_those_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    entries, _ = catalog.load([catalog.bundled_data_path()])
    lexicon = engine.load_lexicon(catalog.bundled_data_path("lexicon.yaml"))
    cuts = [entries.entries[:5], entries.entries[5:6], entries.entries[6:20], entries.entries[20:]]
    bags = [match.analyse(cut, lexicon) for cut in cuts]
    monkeypatch.setattr(match, "PARALLEL_MIN_POSTINGS", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert match._halfway(bags) == 3  # 1,256 postings before the fourth part, 1,238 in it
    parted = match.build_index(entries.entries, lexicon, parts=bags)
    assert isinstance(parted.docs, array) and isinstance(parted.impacts, array)
    assert parted == match.build_index(entries.entries, lexicon)

    def no_fork() -> int:
        raise OSError("no process to spare")

    monkeypatch.setattr(os, "fork", no_fork)
    assert match.build_index(entries.entries, lexicon, parts=bags) == parted  # this process writes both halves


def test_editing_one_of_several_files_reads_only_that_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = split_mini(tmp_path)
    read: list[str] = []
    real = catalog.read_part

    def counting(path: Path) -> catalog.FilePart:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(catalog, "read_part", counting)
    questions = ("do police trace every IP?", "who runs the cybertipline", "do officers keep logs of ips")
    first = [engine.open_engine(files).ask(q) for q in questions]
    assert read == ["part-0.yaml", "part-1.yaml", "part-2.yaml"]
    text = files[1].read_text(encoding="utf-8").replace("does the fbi operate", "do officers keep logs of ips and")
    files[1].write_text(text, encoding="utf-8")
    read.clear()
    edited = [engine.open_engine(files).ask(q) for q in questions]
    assert read == ["part-1.yaml"]  # the other two came from the cache
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    assert edited == [engine.open_engine(files).ask(q) for q in questions]  # as if built from scratch
    assert edited != first


def test_a_bad_file_beside_cached_ones_is_reported_as_without_the_cache(tmp_path: Path, runner: CliRunner) -> None:
    files = split_mini(tmp_path)
    args = [a for f in files for a in ("--data", str(f))]
    assert runner.invoke(app, ["list", *args]).exit_code == 0
    files[2].write_text(files[2].read_text(encoding="utf-8").replace("verdict: unproven", "verdict: maybe"))
    files[0].write_text(files[0].read_text(encoding="utf-8").replace("  tags:", "  tagz:"), encoding="utf-8")
    cached = runner.invoke(app, ["list", *args])
    uncached = runner.invoke(app, ["list", *args], env={"FACTCHECK_NO_CACHE": "1"})
    assert cached.exit_code == uncached.exit_code == 2
    assert cached.stderr == uncached.stderr and f"{files[2]}:" in cached.stderr
    files[2].write_text(files[2].read_text(encoding="utf-8").replace("verdict: maybe", "verdict: unproven"))
    warned = runner.invoke(app, ["list", *args])
    again = runner.invoke(app, ["list", *args])  # every part from the cache: the warning comes back too
    assert warned.exit_code == again.exit_code == 0
    assert "warning: unknown key 'tagz'" in warned.stderr and warned.stderr == again.stderr


def test_settled_files_are_not_hashed_again_and_an_edit_is_still_seen(
    mini_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # every file counts as settled (the test waits between edits)
    hashed: list[str] = []
    real = cache._file_identity

    def counting(path: Path, content: bool = True) -> cache.FileIdentity:
        hashed.append(Path(path).name)
        return real(path, content)

    monkeypatch.setattr(cache, "_file_identity", counting)
    question = "do police trace every IP?"
    first = engine.open_engine([mini_data]).ask(question)
    assert "mini.yaml" in hashed
    hashed.clear()
    assert engine.open_engine([mini_data]).ask(question) == first
    assert hashed == []  # the stat memo stood for the content
    stat = mini_data.stat()
    time.sleep(0.05)  # a later ctime
    text = mini_data.read_text(encoding="utf-8")
    mini_data.write_text(text.replace("cops track every", "cops check every"), encoding="utf-8")
    os.utime(mini_data, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    edited = engine.open_engine([mini_data]).ask("cops check every single ip address")
    assert "mini.yaml" in hashed and edited.entry is not None
    assert "cops check every single ip address" in edited.entry.aliases


def test_a_file_changed_just_now_is_hashed_not_trusted_by_its_stat(mini_data: Path) -> None:
    assert cache.quick_key([mini_data]) is None  # written within SETTLED_NS: its stat may not change on an edit


def test_a_cached_catalog_finds_entries_without_reading_every_id(mini_data: Path) -> None:
    import pickle

    loaded, _ = catalog.load([mini_data])
    restored = pickle.loads(pickle.dumps(loaded, protocol=5))
    assert restored._ids is None  # nothing split yet
    entry = restored.get("isp-log-retention")
    assert entry is not None and entry == loaded.get("isp-log-retention")
    assert restored.get("isp-log") is None and restored.get("log-retention") is None and restored.get("") is None
    assert restored._ids is None  # found by one search of the joined ids
    assert restored.ids == loaded.ids and list(restored.entries) == list(loaded.entries)
    assert restored.get("police-trace-every-ip") == loaded.get("police-trace-every-ip")
    empty = pickle.loads(pickle.dumps(match_catalog([]), protocol=5))
    assert empty.ids == () and empty.get("a") is None and len(empty.entries) == 0


@given(st.lists(st.sampled_from(["a", "b", "a-b", "é", "z9", "", "\n", "ab"]), max_size=8), st.sampled_from([4, 5]))
def test_the_id_table_finds_what_the_tuple_of_ids_finds(ids: list[str], protocol: int) -> None:
    import pickle

    table = pickle.loads(pickle.dumps(IdTable.of(ids), protocol=protocol))
    assert table.ids() == tuple(ids)
    for wanted in ["a", "b", "a-b", "é", "z9", "", "\n", "ab", "c"]:
        assert table.position(wanted) == (ids.index(wanted) if wanted in ids else None)


def match_catalog(entries: list[object]) -> catalog.Catalog:
    return catalog.Catalog(entries=entries)  # type: ignore[arg-type]


@given(
    st.dictionaries(st.integers(0, 60), st.sampled_from([0.5, 1.0, 1.25, 2.0, 3.5, 7.0]), max_size=40),
    st.integers(0, 25),
)
def test_the_top_docs_are_the_keyed_heaps_top_docs(totals: dict[int, float], depth: int) -> None:
    import heapq

    expected = [doc for doc, _ in heapq.nsmallest(depth, totals.items(), key=lambda item: (-item[1], item[0]))]
    assert match._top_docs(totals, depth) == expected


def test_a_cached_engine_maps_its_index_and_answers_as_a_fresh_one(
    mini_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    questions = ("do police trace every IP?", "who runs the cybertipline", "how long are logs kept")
    built = engine.open_engine([mini_data])
    fresh = [built.ask(q) for q in questions]
    cached = engine.open_engine([mini_data])
    assert isinstance(cached.index.docs, memoryview) and isinstance(cached.index.impacts, memoryview)
    assert isinstance(cached.catalog.entries, PickledEntries) and isinstance(cached.catalog.entries.offsets, memoryview)
    assert [cached.ask(q) for q in questions] == fresh
    for protocol in (4, 5):  # any other pickler gets every buffer in band
        again = pickle.loads(pickle.dumps(cached, protocol=protocol))
        assert [again.ask(q) for q in questions] == fresh
    assert pickle.loads(pickle.dumps(built.index, protocol=5)) == built.index


def test_a_first_run_on_large_data_answers_from_the_index_it_stored(
    mini_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large data keeps only the stored bytes of its index while the cache is written, and
    # unpickles them in the same process: the buffers are then the arrays themselves, not bytes.
    questions = ("do police trace every IP?", "who runs the cybertipline", "how long are logs kept")
    monkeypatch.setattr(engine, "_KEEP_INDEX_WHILE_STORING", 0)
    first = engine.open_engine([mini_data])
    assert first._index is None  # the index as stored, not the objects
    answers = [first.ask(q) for q in questions]
    assert [engine.open_engine([mini_data]).ask(q) for q in questions] == answers  # from the cache
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    assert [engine.open_engine([mini_data]).ask(q) for q in questions] == answers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="files are read by forked workers on Linux only")
def test_files_read_by_workers_give_the_same_engine_and_problems(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = split_mini(tmp_path)
    questions = ("do police trace every IP?", "who runs the cybertipline", "how long are logs kept")
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    alone = engine.open_engine(files)
    expected = [alone.ask(q) for q in questions]
    monkeypatch.delenv("FACTCHECK_NO_CACHE")
    monkeypatch.setattr(engine, "_workers", lambda unread: 2)
    built = engine.open_engine(files)
    assert list(built.catalog.entries) == list(alone.catalog.entries) and built.warnings == alone.warnings
    assert [built.ask(q) for q in questions] == expected
    assert [engine.open_engine(files).ask(q) for q in questions] == expected  # from the parts the workers cached
    files[2].write_text(files[2].read_text(encoding="utf-8").replace("verdict: unproven", "verdict: maybe"))
    files[0].write_text(files[0].read_text(encoding="utf-8").replace("  tags:", "  tagz:"), encoding="utf-8")
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\n")  # three files to read again
    args = [a for f in files for a in ("--data", str(f))]
    parallel = runner.invoke(app, ["list", *args])
    monkeypatch.undo()
    alone_cli = runner.invoke(app, ["list", *args], env={"FACTCHECK_NO_CACHE": "1"})
    assert parallel.exit_code == alone_cli.exit_code == 2
    assert parallel.stderr == alone_cli.stderr and "unknown verdict 'maybe'" in parallel.stderr


LEAF = st.one_of(st.sampled_from(["a", "1", "true", "~", "2020-01-02", "x y", "!", "=", "<<"]), st.integers(0, 9))


def _nested(depth: int) -> st.SearchStrategy[object]:
    return st.recursive(
        LEAF,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
        max_leaves=depth,
    )


def _deep(value: object, levels: int, mapping: bool) -> object:
    for _ in range(levels):
        value = {"k": value} if mapping else [value]
    return value


@given(_nested(12), st.integers(0, 110), st.booleans(), st.booleans(), st.sampled_from(["", "!custom ", "!!str "]))
def test_the_composed_tree_finds_what_the_scan_of_events_finds(
    value: object, levels: int, mapping: bool, flow: bool, tag: str
) -> None:
    text = yaml.safe_dump({"entries": [_deep(value, levels, mapping), "x"]}, default_flow_style=flow, width=80)
    text = text.replace("x\n", f"{tag}x\n", 1) if tag else text
    anchored = text.replace("entries:", "entries: &top", 1) if not flow else text
    for document in (text, anchored + "alias: *top\n" if not flow else text):
        root, too_deep, tagged = catalog._compose(document)
        scanned_deep, scanned_tagged = catalog._scan(document)
        assert too_deep == scanned_deep
        if too_deep is None:
            assert root is not None and tagged == scanned_tagged


@pytest.mark.parametrize(
    "edit",
    [
        ("", ""),  # no problem
        ("id: isp-log-retention", "id: cybertipline-who-runs"),  # an id repeated across files
        ('citations: ["ncmec-leads [1]"]', 'citations: ["ncmec-lead [1]"]'),  # an undeclared source
        ("related: [cybertipline-who-runs]", "related: [cybertipline-who-run]"),  # an unknown related id
        ("- id: ncmec-leads", "- id: ip-tracing"),  # a source id repeated
        ("  tags: [isp]", "  tags: [isp]\n    tagz: [x]"),  # a warning only
    ],
)
def test_packed_parts_are_checked_across_files_as_entries_are(tmp_path: Path, edit: tuple[str, str]) -> None:
    data = yaml.safe_load(MINI_YAML.replace(*edit))
    texts = [
        yaml.safe_dump({"sources": data["sources"], "entries": data["entries"][:1]}, sort_keys=False),
        yaml.safe_dump({"entries": data["entries"][1:2]}, sort_keys=False),
        yaml.safe_dump({"entries": data["entries"][2:]}, sort_keys=False),
    ]
    parts = [catalog.read_part(write(tmp_path, text, f"part-{n}.yaml")) for n, text in enumerate(texts)]
    expected, expected_problems = catalog.combine(parts)
    packed, problems = catalog.combine_packed([catalog.pack_part(part) for part in parts])
    assert problems == expected_problems
    assert (packed is None) == (expected is None) == any(not p.warning for p in problems)
    if packed is not None and expected is not None:
        assert list(packed.entries) == list(expected.entries) and packed.ids == expected.ids
        assert packed.sources == expected.sources and packed.get("isp-log-retention") == expected.entries[2]


@given(TEXT)
def test_normalise_leaves_single_spaces_between_words(text: str) -> None:
    normalised = normalise(text)
    assert normalised == " ".join(normalised.split())


def test_data_too_large_to_keep_vectors_is_indexed_without_loading_the_word_vectors(
    mini_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTCHECK_NO_CACHE", "1")
    loads: list[int] = []
    real = engine.static_encoder
    monkeypatch.setattr(engine, "static_encoder", lambda: loads.append(1) or real())
    engine.open_engine([mini_data])
    assert loads  # small data: its entries' vectors are kept
    loads.clear()
    monkeypatch.setattr(engine, "SEMANTIC_PRECOMPUTE_MAX", 1)
    built = engine.open_engine([mini_data])
    assert not loads and built.index.vectors == ()
