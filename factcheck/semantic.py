"""Static word embeddings for a semantic second opinion (stdlib only, pure Python).

The model is distilled at build time from all-MiniLM-L6-v2 by bench/build_static_model.py
(model2vec's method): one 128-dimensional vector per WordPiece token, int8 with one float
scale per vector. Here a text is tokenised as the model's own BERT uncased tokenizer does
(basic tokenisation, then greedy longest-match-first WordPiece; a word WordPiece cannot split,
BERT's [UNK], is left out), and its embedding is the L2-normalised mean of its token vectors.
No PyTorch, no numpy, nothing downloaded.

The tokens match the transformers BertTokenizer of the source model on every line of the
project's data and bench files, and on random text made of characters below U+0800. Known
differences: a literal "[CLS]" or "[SEP]" in the text is split as ordinary text, and a few
characters newer than that tokenizer's Unicode tables are classified by Python's.

Files, in one directory (the repo's data/, or factcheck/data/ in an installed wheel):

- static_model.bin: b"FCSM1", little-endian uint32 dims, count, scale mode (1: one float32
  scale per vector), then count float32 scales, then count * dims int8 values, row-major;
- static_vocab.txt: the tokens, one per line, in row order;
- static_model.json: provenance (source model, parameters, sha256 of the two files above).
"""

from __future__ import annotations

import json
import math
import re
import struct
import sys
import unicodedata
from array import array
from operator import mul
from pathlib import Path
from typing import Any

from factcheck.errors import FactcheckError

__all__ = [
    "BIN_NAME",
    "META_NAME",
    "VOCAB_NAME",
    "StaticModel",
    "StaticModelError",
    "cosine",
    "default_directory",
    "wordpiece",
]

BIN_NAME = "static_model.bin"
VOCAB_NAME = "static_vocab.txt"
META_NAME = "static_model.json"

_MAGIC = b"FCSM1"
_HEADER = struct.Struct("<III")  # dims, count, scale mode
_SCALE_PER_VECTOR = 1
_MAX_WORD_CHARS = 100  # BERT's WordPiece: a longer word is [UNK]
_CACHE_LIMIT = 20_000  # words whose WordPiece rows are remembered

# ASCII fast path of BERT's basic tokenizer: control characters other than \t \n \r are deleted
# (not turned into spaces), every printable non-alphanumeric character is a punctuation token.
_ASCII_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])
_DELETED_CATEGORIES = frozenset(("Cc", "Cf", "Co", "Cs"))  # unassigned (Cn) characters stay, as in HF
_ASCII_TOKENS = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")


class StaticModelError(FactcheckError):
    """The static model files are missing, truncated or inconsistent."""


def default_directory() -> Path:
    """Where the model files ship: factcheck/data/ in an installed wheel, else the repo's data/."""
    package_dir = Path(__file__).resolve().parent
    packaged = package_dir / "data"
    if (packaged / BIN_NAME).is_file():
        return packaged
    return package_dir.parent / "data"


def cosine(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Cosine of two L2-normalised vectors (their dot product); 0.0 when either is empty."""
    if not a or not b:
        return 0.0
    if len(a) != len(b):
        raise ValueError(f"vectors of different sizes: {len(a)} and {len(b)}")
    dot: float = sum(map(mul, a, b))
    return dot


def _is_cjk(cp: int) -> bool:
    # The CJK Unified Ideographs blocks, as BERT's _is_chinese_char (not Hangul or kana).
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _basic_tokens(text: str) -> list[str]:
    """BERT uncased basic tokenisation, as the model's own (HF tokenizers) BertNormalizer + BertPreTokenizer.

    Delete control, format, private-use and surrogate characters and U+FFFD; strip accents (NFD, drop
    non-spacing marks); lowercase character by character (so no final-sigma rule); split on
    whitespace; make each punctuation character and each CJK ideograph a token of its own.
    """
    if text.isascii():
        return _ASCII_TOKENS.findall(text.translate(_ASCII_CONTROL).lower())
    tokens: list[str] = []
    word: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        cat = unicodedata.category(ch)
        if cat == "Mn":
            continue
        if ch in "\t\n\r" or (cat[0] != "C" and ch.isspace()):
            if word:
                tokens.append("".join(word))
                word.clear()
        elif cat in _DELETED_CATEGORIES or ch == "\ufffd":
            continue
        elif cat[0] == "P" or (ch < "\x7f" and not ch.isalnum()) or _is_cjk(ord(ch)):
            if word:
                tokens.append("".join(word))
                word.clear()
            tokens.append(ch.lower())
        else:
            word.append(ch.lower())
    if word:
        tokens.append("".join(word))
    return tokens


def wordpiece(word: str, index: dict[str, int]) -> tuple[int, ...] | None:
    """Greedy longest-match-first WordPiece rows of one basic token, as BERT's tokenizer splits it;
    None when it cannot be split (or is longer than BERT's limit): BERT makes it [UNK]."""
    if len(word) > _MAX_WORD_CHARS:
        return None
    found: list[int] = []
    start, end_of_word = 0, len(word)
    while start < end_of_word:
        end = end_of_word
        row = None
        while start < end:
            row = index.get(word[start:end] if start == 0 else "##" + word[start:end])
            if row is not None:
                break
            end -= 1
        if row is None:
            return None
        found.append(row)
        start = end
    return tuple(found)


class StaticModel:
    """Token vectors and the WordPiece vocabulary they belong to; see the module docstring."""

    __slots__ = ("_cache", "_data", "_scales", "dims", "index", "info", "tokens")

    def __init__(self, tokens: list[str], scales: array[float], data: array[int], info: dict[str, Any]) -> None:
        count = len(tokens)
        if count == 0 or len(scales) != count or len(data) % count:
            raise StaticModelError("static model: vocabulary, scales and vectors disagree in size")
        self.tokens = tokens
        self.dims = len(data) // count
        self.index: dict[str, int] = dict(zip(tokens, range(count), strict=True))
        if len(self.index) != count:
            raise StaticModelError("static model: duplicate tokens in the vocabulary")
        self.info = info
        self._scales = scales
        self._data = data
        self._cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, directory: Path, *, verify: bool = False) -> StaticModel:
        """Read static_model.bin, static_vocab.txt and static_model.json from `directory`.

        With verify=True the two data files are also checked against the sha256 in the JSON
        (about 5 ms more).
        """
        try:
            raw = (directory / BIN_NAME).read_bytes()
            vocab_bytes = (directory / VOCAB_NAME).read_bytes()
            info = json.loads((directory / META_NAME).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise StaticModelError(f"static model in {directory}: cannot read: {exc}") from exc
        if not isinstance(info, dict):
            raise StaticModelError(f"static model in {directory}: {META_NAME} is not an object")
        if verify:
            import hashlib  # only here: importing it costs about 3 ms

            for name, content in ((BIN_NAME, raw), (VOCAB_NAME, vocab_bytes)):
                expected = info.get("files", {}).get(name, {}).get("sha256")
                if hashlib.sha256(content).hexdigest() != expected:
                    raise StaticModelError(f"static model in {directory}: {name} does not match its sha256")

        head = len(_MAGIC) + _HEADER.size
        if raw[: len(_MAGIC)] != _MAGIC or len(raw) < head:
            raise StaticModelError(f"static model in {directory}: {BIN_NAME} is not an FCSM1 file")
        dims, count, scale_mode = _HEADER.unpack_from(raw, len(_MAGIC))
        if scale_mode != _SCALE_PER_VECTOR:
            raise StaticModelError(f"static model in {directory}: unknown scale mode {scale_mode}")
        if len(raw) != head + 4 * count + count * dims:
            raise StaticModelError(f"static model in {directory}: {BIN_NAME} has the wrong size for {count}x{dims}")
        if info.get("dims") != dims or info.get("count") != count:
            raise StaticModelError(f"static model in {directory}: {META_NAME} does not describe {BIN_NAME}")

        view = memoryview(raw)
        scales = array("f")
        if scales.itemsize != 4:  # pragma: no cover - every mainstream platform has 4-byte floats
            raise StaticModelError("static model: this platform has no 4-byte float array")
        scales.frombytes(view[head : head + 4 * count])
        if sys.byteorder == "big":  # pragma: no cover
            scales.byteswap()
        data = array("b")
        data.frombytes(view[head + 4 * count :])
        try:
            tokens = vocab_bytes.decode("utf-8").removesuffix("\n").split("\n")
        except UnicodeDecodeError as exc:
            raise StaticModelError(f"static model in {directory}: {VOCAB_NAME}: {exc}") from exc
        if len(tokens) != count:
            raise StaticModelError(f"static model in {directory}: {VOCAB_NAME} has {len(tokens)} tokens, not {count}")
        return cls(tokens, scales, data, info)

    def _word_rows(self, word: str) -> tuple[int, ...]:
        """Greedy longest-match-first WordPiece rows of one basic token; () when it cannot be split."""
        rows = self._cache.get(word)
        if rows is not None:
            return rows
        rows = wordpiece(word, self.index) or ()  # BERT makes such a word [UNK]: skip it
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = rows
        return rows

    def rows(self, text: str) -> list[int]:
        """Row numbers of the text's known WordPiece tokens, in order."""
        out: list[int] = []
        for word in _basic_tokens(text):
            out.extend(self._word_rows(word))
        return out

    def tokenize(self, text: str) -> list[str]:
        """BERT uncased WordPiece tokens of `text` (``##`` marks a continuation); unknown words are left out."""
        tokens = self.tokens
        return [tokens[row] for row in self.rows(text)]

    def vector(self, row: int) -> tuple[float, ...]:
        """The dequantised vector of one row (not normalised)."""
        scale = self._scales[row]
        start = row * self.dims
        return tuple(scale * q for q in self._data[start : start + self.dims])

    def encode(self, text: str) -> tuple[float, ...]:
        """L2-normalised mean of the text's token vectors; () when no token of it is known."""
        rows = self.rows(text)
        if not rows:
            return ()
        dims, data, scales = self.dims, self._data, self._scales
        total = [0.0] * dims
        for row in rows:
            scale = scales[row]
            start = row * dims
            total = [t + scale * q for t, q in zip(total, data[start : start + dims], strict=True)]
        norm = math.hypot(*total)
        if norm == 0.0:
            return ()
        return tuple(t / norm for t in total)

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two texts' encodings; 0.0 when either has no known token."""
        return cosine(self.encode(a), self.encode(b))

    cosine = staticmethod(cosine)
