"""Small transformers that read a whole query: the safety check's third opinion and the matcher's
second (numpy only).

The rules and the n-gram classifier learn wordings; a request put in words none of them has
seen shares few n-grams with the ones they learned. This is all-MiniLM-L6-v2 (6 layers, 384
dimensions) fine-tuned at build time (bench/train_reader.py, with PyTorch, which factcheck does
not need) to tell a query that seeks abuse material, contact with a child or a way around
investigators from a legitimate one (reader_model), or to name the bundled entry a question asks
about (entry_model). Here they only run: numpy, no PyTorch, nothing downloaded.

A reader is costly next to the rest of a query's path (numpy's import and the weights, about
0.1 s, then a few milliseconds per query), so factcheck.safety asks the safety reader only about
the few queries the n-gram models already find somewhat likely harmful, and the engine asks the
matcher's only about questions the ranker would leave open.

Files, in one directory (the repo's data/, or factcheck/data/ in an installed wheel):

- STEM.bin: b"FCRM1", a little-endian uint32 length and that many bytes of JSON (the tensors'
  names, dtypes, shapes and offsets), then the tensors, each at a 64-byte boundary. Matrices are
  int8 with float32 scales (``<name>.scale``: one per row of the token embeddings, one per output
  unit of a layer's weights); the rest float32. The token embeddings' rows follow
  static_vocab.txt (the WordPiece vocabulary less its ``[unused*]`` placeholders), which every
  model shares with the static word vectors.
- STEM.json: provenance, classes, training data and the sha256 of the .bin, and reference
  logits of a few texts that tests/test_reader.py checks this code against.
"""

from __future__ import annotations

import json
import math
import struct
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factcheck.errors import FactcheckError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "BIN_NAME",
    "ENTRY_STEM",
    "HARMFUL",
    "HELP",
    "META_NAME",
    "SAFETY_STEM",
    "Reader",
    "ReaderError",
    "load_once",
]

SAFETY_STEM = "reader_model"  # the safety check's reader: classes none, harmful, help
ENTRY_STEM = "entry_model"  # the matcher's: one class per entry of the bundled data, and none
BIN_NAME = SAFETY_STEM + ".bin"
META_NAME = SAFETY_STEM + ".json"
MAGIC = b"FCRM1"
ALIGN = 64
MAX_TOKENS = 256  # [CLS] + 254 + [SEP], as in training
_EPS = 1e-12  # BERT's LayerNorm epsilon
HARMFUL = "harmful"  # the class that declines; the others are "none" (legitimate) and "help"
HELP = "help"  # asking for help with one's own thoughts


class ReaderError(FactcheckError):
    """The reader's files are missing, truncated or inconsistent."""


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7): numpy has no erf of its own."""
    import numpy as np

    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * (1.0 / math.sqrt(2.0))))


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / (var + _EPS) ** 0.5 * gain + bias


def read_tensors(raw: bytes, name: str = BIN_NAME) -> dict[str, np.ndarray]:
    """The named tensors of a reader's .bin, as stored (views of `raw`: Reader dequantises the
    layers' weights and leaves the token embeddings int8, since a query uses only its own rows)."""
    import numpy as np

    head = len(MAGIC) + 4
    if raw[: len(MAGIC)] != MAGIC or len(raw) < head:
        raise ReaderError(f"{name} is not an FCRM1 file")
    (size,) = struct.unpack_from("<I", raw, len(MAGIC))
    try:
        table = json.loads(raw[head : head + size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReaderError(f"{name}: unreadable tensor table: {exc}") from exc
    tensors: dict[str, np.ndarray] = {}
    for tensor, dtype, shape, offset in table:
        count = math.prod(shape)
        itemsize = np.dtype(dtype).itemsize
        if offset < head + size or offset + count * itemsize > len(raw):
            raise ReaderError(f"{name}: tensor {tensor} lies outside the file")
        tensors[tensor] = np.frombuffer(
            raw, dtype=np.dtype(dtype).newbyteorder("<"), count=count, offset=offset
        ).reshape(shape)
    return tensors


class Reader:
    """The fine-tuned transformer; `harm(text)` is its P(harmful) for a raw query."""

    __slots__ = ("_cache", "_embeddings", "_index", "_layers", "_scales", "_static", "classes", "info")

    def __init__(self, tensors: dict[str, np.ndarray], tokens: list[str], info: dict[str, Any]) -> None:
        import numpy as np

        try:
            self._embeddings = tensors["embeddings"]
            self._scales = tensors["embeddings.scale"]
            if self._embeddings.shape[0] != len(tokens):
                raise ReaderError(f"reader: {len(tokens)} tokens in the vocabulary, {self._embeddings.shape[0]} rows")
            static = ["positions", "token_type", "ln.gain", "ln.bias", "head.weight", "head.bias"]
            self._static = {name: tensors[name].astype(np.float32) for name in static}
            self._layers = []
            for n in range(int(info["layers"])):
                layer = {}
                for part in ("qkv", "out", "up", "down"):
                    weight = tensors[f"{n}.{part}"]
                    layer[part] = (weight.astype(np.float32) * tensors[f"{n}.{part}.scale"][None, :]).astype(np.float32)
                    layer[part + ".bias"] = tensors[f"{n}.{part}.bias"]
                for norm in ("ln1", "ln2"):
                    layer[norm + ".gain"] = tensors[f"{n}.{norm}.gain"]
                    layer[norm + ".bias"] = tensors[f"{n}.{norm}.bias"]
                self._layers.append(layer)
        except KeyError as exc:
            raise ReaderError(f"reader: tensor {exc} is missing") from exc
        self._index = {token: row for row, token in enumerate(tokens)}
        self._cache: dict[str, dict[str, float]] = {}
        self.info = info
        self.classes = tuple(str(c) for c in info.get("classes", ()))
        if len(self.classes) != self._static["head.bias"].shape[0]:
            raise ReaderError(
                f"reader: {len(self.classes)} classes named for {self._static['head.bias'].shape[0]} outputs"
            )

    @classmethod
    def load(cls, directory: Path, stem: str = SAFETY_STEM, *, verify: bool = False) -> Reader:
        """Read STEM.bin, STEM.json and the shared static_vocab.txt from `directory`."""
        from factcheck.semantic import VOCAB_NAME  # only here: most runs never load a reader

        try:
            raw = (directory / f"{stem}.bin").read_bytes()
            info = json.loads((directory / f"{stem}.json").read_text(encoding="utf-8"))
            tokens = (directory / VOCAB_NAME).read_text(encoding="utf-8").removesuffix("\n").split("\n")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ReaderError(f"reader model in {directory}: cannot read: {exc}") from exc
        try:
            import numpy  # noqa: F401  (a dependency; this names what is wrong when it was left out)
        except ImportError as exc:
            raise ReaderError(f"the safety check needs numpy, which is not installed: {exc}") from exc
        if not isinstance(info, dict):
            raise ReaderError(f"reader model in {directory}: {stem}.json is not an object")
        if verify:
            import hashlib

            if hashlib.sha256(raw).hexdigest() != info.get("files", {}).get(f"{stem}.bin", {}).get("sha256"):
                raise ReaderError(f"reader model in {directory}: {stem}.bin does not match its sha256")
        return cls(read_tensors(raw, f"{stem}.bin"), tokens, info)

    def token_rows(self, text: str) -> list[int]:
        """[CLS], the WordPiece rows of the text ([UNK] for a word it cannot split), [SEP]; at most MAX_TOKENS."""
        from factcheck.semantic import _basic_tokens, wordpiece

        index = self._index
        unknown = (index["[UNK]"],)
        rows = [index["[CLS]"]]
        for word in _basic_tokens(text):
            rows.extend(wordpiece(word, index) or unknown)
            if len(rows) >= MAX_TOKENS - 1:
                break
        return [*rows[: MAX_TOKENS - 1], index["[SEP]"]]

    def logits(self, text: str) -> tuple[float, ...]:
        """The model's score for each of `classes` (before the softmax)."""
        import numpy as np

        rows = np.asarray(self.token_rows(text))
        s = self._static
        x = self._embeddings[rows].astype(np.float32) * self._scales[rows][:, None]
        x = x + s["positions"][: len(rows)] + s["token_type"][0]
        x = _layer_norm(x, s["ln.gain"], s["ln.bias"])
        heads = int(self.info["heads"])
        n, dims = x.shape
        width = dims // heads
        for layer in self._layers:
            qkv = x @ layer["qkv"] + layer["qkv.bias"]
            q, k, v = (qkv[:, i * dims : (i + 1) * dims].reshape(n, heads, width).transpose(1, 0, 2) for i in range(3))
            scores = q @ k.transpose(0, 2, 1) * (1.0 / math.sqrt(width))
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, dims)
            x = _layer_norm(x + context @ layer["out"] + layer["out.bias"], layer["ln1.gain"], layer["ln1.bias"])
            up = _gelu(x @ layer["up"] + layer["up.bias"])
            x = _layer_norm(x + up @ layer["down"] + layer["down.bias"], layer["ln2.gain"], layer["ln2.bias"])
        pooled = x.mean(0)
        return tuple(float(v) for v in s["head.weight"] @ pooled + s["head.bias"])

    def probabilities(self, text: str) -> dict[str, float]:
        """P(class) for a raw query, by class name (remembered per text: the safety stages may ask twice)."""
        found = self._cache.get(text)
        if found is None:
            scores = self.logits(text)
            top = max(scores)
            exps = [math.exp(v - top) for v in scores]
            total = sum(exps)
            found = {name: e / total for name, e in zip(self.classes, exps, strict=True)}
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[text] = found
        return found

    def harm(self, text: str) -> float:
        """P(the query seeks abuse material, a child or a way around investigators)."""
        return self.probabilities(text)[HARMFUL]


@cache
def load_once(directory: Path, stem: str = SAFETY_STEM) -> Reader:
    """The reader STEM in `directory`, loaded on first use and kept for the process."""
    return Reader.load(directory, stem)
