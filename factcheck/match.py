"""Find the entry that answers a question: normalise, index, rank, score. Pure, no I/O.

Ranking is BM25 over each entry's phrasings (question and aliases, weighted high) and
its body (answer, claims, tags, weighted low), after unicode/case/punctuation
normalisation, a domain synonym table, stopwords and Snowball stemming. Words not in
the index are corrected to the nearest indexed word with rapidfuzz (typos).

The 0-100 score is the share of the question's information (IDF weight of its terms,
unknown words counting the most) that the entry accounts for. It is comparable across
questions, so one threshold decides whether to answer at all.

Two checks follow the decision model in `rank`: a question that writes the name of another
candidate's subject and not the best's ("Is the Child Protection System an FBI database or
something Interpol runs?") halves the best's confidence and is ranked again without it
(`named_entries`); and a persona's story that names no body does not choose the answer when the
asking sentences alone confidently give another (`_story_checked`).
"""

from __future__ import annotations

import collections
import heapq
import itertools
import math
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, SupportsIndex, TypeVar, overload

from factcheck.model import Candidate, Entry

# Field weights: a word in the question or an alias says far more than one in the body.
PHRASING_WEIGHT = 1.0
BODY_WEIGHT = 0.25
K1 = 1.2
B = 0.4  # mild length normalisation: entries with many aliases are not penalised much
TYPO_MIN_LENGTH = 4
TYPO_CUTOFF = 80.0  # rapidfuzz ratio needed to read an unknown word as an indexed one
MAX_QUERY_TERMS = 400  # a pasted page is ranked by its first distinct words

RERANK_DEPTH = 20  # BM25 shortlist re-ranked by similarity
UNKNOWN_WEIGHT = 0.1
OFF_TOPIC_DISCOUNT = 0.5  # a question of another domain: half the model's confidence (see rank)
PART_DEPTH = 5  # shortlist of each segment of a long question
MAX_SEGMENTS = 16  # a pasted page is scored by its first and last sentences
MAX_SEGMENT_SOURCE = 20_000  # characters of a long text split into segments
RANK_MIX = 0.5  # share of similarity (vs relative BM25) in the final ranking
BETA = 1.0  # F-beta weighting of question share vs phrasing share

# The answer decision: a logistic model over FEATURES, fitted on the tuning sets by
# bench/train_decision.py and shipped as data (data/decision.json). A candidate's score is
# its estimated probability (in percent) of answering the question; answer at or above
# ANSWER_THRESHOLD, and say it was a close call when the runner-up reaches CLOSE_SCORE.
FEATURES = (
    "sim_whole", "question_share", "phrasing_share", "sim_part", "phrasing_share_part",
    "key_whole", "key_part", "key_best", "margin", "log_terms", "unknown_share", "top_whole", "agreement",
    "anchored", "sim_above_70", "margin_above_10", "sem_cos", "sem_margin", "sem_top", "off_topic",
)  # fmt: skip
_OFF_TOPIC = FEATURES.index("off_topic")
SEMANTIC_PRECOMPUTE_MAX = 2_000  # up to this many entries the index keeps their vectors; larger data go lexical
SEMANTIC_FULL_PHRASINGS = 500  # up to this many entries every alias is encoded; beyond, the question and 4 aliases
SEMANTIC_EXTRA = 3  # entries closest in meaning added to the shortlist (when the index keeps vectors)


if TYPE_CHECKING:  # a Protocol class costs a little at import, on every run

    class Encoder(Protocol):
        """A sentence encoder (factcheck.semantic.StaticModel): text -> unit vector, () when nothing is known."""

        def encode(self, text: str) -> tuple[float, ...]: ...

else:
    Encoder = object


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) if a and b else 0.0


def entry_vector(entry: Entry, encoder: Encoder, aliases: int | None = None) -> tuple[float, ...]:
    """The normalised mean of the encodings of an entry's question and (the first `aliases`) aliases."""
    texts = (entry.question, *entry.aliases[:aliases])
    vectors = [v for v in (encoder.encode(t) for t in texts) if v]
    if not vectors:
        return ()
    summed = [sum(column) for column in zip(*vectors, strict=True)]
    norm = math.sqrt(sum(x * x for x in summed)) or 1.0
    return tuple(x / norm for x in summed)


ANSWER_THRESHOLD = 50.0
CLOSE_SCORE = 25.0

_SEGMENT = re.compile(r"(?<=[.!?])\s+|[\n;]+|:\s+|\s[-\u2013\u2014]\s|,\s*(?=(?:but|so|and|or|because)\s)")
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+")
# An uppercase letter after a lowercase one (a space goes before it). Matched on the capital with
# the lookbehind after it, not at every position with a lookbehind first: the expression engine
# then skips to the next capital (three times faster over a batch of texts).
_CAMEL = re.compile(r"[A-Z](?<=[a-z][A-Z])")
_NON_WORD = re.compile(r"(?:\W|_)+")  # runs of punctuation, spaces and underscores
# Texts to split into words, joined by newlines: lines survive, and each other character
# outside a word becomes a space (underscores are replaced apart), since splitting ignores
# repeated spaces: one character class, which the expression engine scans for twice as fast
# as the runs of `_NON_WORD`.
_NON_WORD_NOR_SPACE = re.compile(r"[^\w\n ]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A possessive (or "it's", "what's"): the name it ends is the word a synonym or a stopword knows,
# so "the global police organisation's database" meets "global police organisation" (Interpol).
# The apostrophe first, a word character before it checked once it is found (faster than a
# lookbehind tried at every position).
_POSSESSIVE = re.compile(r"['\u2019](?<=\w.)s\b")


class Lexicon(NamedTuple):
    """Domain knowledge kept as data (data/lexicon.yaml): synonyms and stopwords."""

    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    stopwords: frozenset[str]
    trie: dict[str | None, Any]  # derived, for speed: the variants as a tree of words (`_synonym_trie`)
    anchors: tuple[str, ...] = ()  # words that place a question in this domain (child exploitation, its bodies)
    off_topic: tuple[str, ...] = ()  # words of other domains that share this one's vocabulary (drugs, pets, prices)
    subject: tuple[str, ...] = ()  # words of the subject itself (child, abuse): with one, an off-topic word is context
    # Correctly spelled English words: never "corrected" to a word of the data ("contain" is not a
    # typo of "constrain", nor "bank" of "ban", nor "trafficking" of "tracking").
    dictionary: SortedStrings | frozenset[str] = frozenset()
    # Off-topic words matched as typed, not stemmed: "founded" is not "found".
    off_topic_exact: tuple[str, ...] = ()
    # The bodies and services the data names (ncmec, interpol): their descriptive names are
    # rewritten to them for the word vectors too (see `named`).
    names: frozenset[str] = frozenset()
    # The synonyms that rewrite a description of one of `names` to it, as a lexicon of their own
    # (built once: `named` runs for every question and every sentence of a checked text).
    namer: Lexicon | None = None

    @classmethod
    def create(
        cls,
        synonyms: dict[tuple[str, ...], tuple[str, ...]],
        stopwords: frozenset[str],
        anchors: tuple[str, ...] = (),
        off_topic: tuple[str, ...] = (),
        subject: tuple[str, ...] = (),
        dictionary: Iterable[str] = (),
        off_topic_exact: tuple[str, ...] = (),
        names: Iterable[str] = (),
    ) -> Lexicon:
        synonyms = {_inner_determiners_dropped(v): t for v, t in synonyms.items()}
        words = SortedStrings(dictionary) if dictionary else frozenset[str]()
        named_as = frozenset(names)
        describing: dict[tuple[str, ...], tuple[str, ...]] = {
            v: t for v, t in synonyms.items() if len(v) > 1 and len(t) == 1 and t[0] in named_as
        }
        namer = cls.create(describing, frozenset()) if named_as else None
        trie = _synonym_trie(synonyms)
        return cls(synonyms, stopwords, trie, anchors, off_topic, subject, words, off_topic_exact, named_as, namer)

    @classmethod
    def from_mapping(cls, data: dict[str, object], dictionary: Iterable[str] = ()) -> Lexicon:
        """`{"synonyms": {canonical: [variant, ...]}, "stopwords": [...]}`; `dictionary`: English words
        spelled right (never taken for typos)."""
        synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
        raw_synonyms = data.get("synonyms") or {}
        if not isinstance(raw_synonyms, dict):
            raise ValueError("lexicon synonyms must be a mapping")
        for canonical, variants in raw_synonyms.items():
            target = tuple(normalise(str(canonical)).split())
            for variant in [canonical, *(variants or [])]:
                words = tuple(normalise(str(variant)).split())
                if words and words != target:
                    synonyms[words] = target
        raw_stop = data.get("stopwords") or []
        if not isinstance(raw_stop, list):
            raise ValueError("lexicon stopwords must be a list")
        stopwords = frozenset(w for s in raw_stop for w in normalise(str(s)).split())
        raw_anchors = data.get("anchors") or []
        if not isinstance(raw_anchors, list):
            raise ValueError("lexicon anchors must be a list")
        anchors = tuple(normalise(str(a)) for a in raw_anchors if normalise(str(a)))
        phrases: dict[str, tuple[str, ...]] = {}
        for key in ("off_topic", "subject", "off_topic_exact", "names"):
            raw = data.get(key) or []
            if not isinstance(raw, list):
                raise ValueError(f"lexicon {key} must be a list")
            phrases[key] = tuple(normalise(str(a)) for a in raw if normalise(str(a)))
        off_topic, subject, exact = phrases["off_topic"], phrases["subject"], phrases["off_topic_exact"]
        return cls.create(synonyms, stopwords, anchors, off_topic, subject, dictionary, exact, phrases["names"])


def normalise(text: str) -> str:
    """Unicode-fold, drop accents, lowercase, and reduce punctuation to single spaces."""
    return _NON_WORD.sub(" ", _folded(text)).strip()


def _folded(text: str) -> str:
    """The steps of `normalise` before punctuation goes, shared with `_words_each`."""
    text = _URL.sub(" ", text)
    text = _CAMEL.sub(_spaced, text)  # #DefundTheCBC -> Defund The CBC
    if not text.isascii():  # ASCII characters are unchanged and end any combining sequence
        text = _NON_ASCII.sub(_fold_accents, text)
    text = text.casefold()
    if "s" in text and ("'s" in text or "\u2019s" in text):  # most texts: no expression run
        text = _POSSESSIVE.sub("", text)  # "the EU's police agency" -> "the eu police agency"
    return text.replace("'", "").replace("\u2019", "")  # can't -> cant


def _spaced(capital: re.Match[str]) -> str:
    return " " + capital.group()


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer("english")


def stem_all(words: Sequence[str]) -> list[str]:
    return _stemmer().stemWords(list(words))


# Words a phrase may hold or not after its first word: "the company that provides your internet" is
# "the company that provides internet", "the EU's police agency" "the EU police agency". A variant's
# own determiners after its first word are dropped too; its first word stays ("the international police").
DETERMINERS = frozenset(("a", "an", "the", "my", "your", "our", "their", "his", "her", "its"))


def _inner_determiners_dropped(variant: tuple[str, ...]) -> tuple[str, ...]:
    if len(variant) < 2 or DETERMINERS.isdisjoint(variant[1:]):
        return variant
    dropped = (variant[0], *(w for w in variant[1:] if w not in DETERMINERS))
    return dropped if len(dropped) > 1 else variant  # "all the" is not "all"


def _synonym_trie(synonyms: dict[tuple[str, ...], tuple[str, ...]]) -> dict[str | None, Any]:
    """The variants as a tree of words: each node maps a word to the next node, and None to the
    target of the variant that ends there."""
    root: dict[str | None, Any] = {}
    for variant, target in synonyms.items():
        node = root
        for word in variant:
            node = node.setdefault(word, {})
        node[None] = target
    return root


def apply_synonyms(words: list[str], lexicon: Lexicon) -> list[str]:
    """Greedy longest-phrase replacement: 'child porn' -> 'csam', 'cops' -> 'police'.

    A determiner after a phrase's first word is skipped when matching ("file a report" is the
    variant "file report") and dropped with the phrase it is part of. The variants are walked as
    a tree of words from each word that begins one (`Lexicon.trie`): one lookup a word."""
    trie = lexicon.trie
    if trie.keys().isdisjoint(words):  # most texts: no word can begin a variant
        return words
    out: list[str] = []
    i, count = 0, len(words)
    for start in [n for n, word in enumerate(words) if word in trie]:
        if start < i:  # inside a phrase already replaced
            continue
        node = trie[words[start]]
        target, last = node.get(None), start
        j = start + 1
        while j < count:
            word = words[j]
            j += 1
            if word in DETERMINERS:  # skipped after a phrase's first word, and dropped with it
                continue
            node = node.get(word)
            if node is None:
                break
            if None in node:
                target, last = node[None], j - 1
        if target is not None:
            out += words[i:start]
            out += target
            i = last + 1
    out += words[i:]
    return out


def content_words(words: list[str], lexicon: Lexicon) -> list[str]:
    """Normalised words after synonyms, without stopwords (not yet stemmed)."""
    return [w for w in apply_synonyms(words, lexicon) if w not in lexicon.stopwords]


class DecisionModel(NamedTuple):
    """Logistic regression over FEATURES: P(the candidate answers the question).

    Two fits of the same form: `weights` over every feature, and `lexical_weights` with the
    semantic features left at zero. The lexical one decides alone when it is sure (at or
    above `sure_yes`, or at or below `sure_no`), so most questions never load the word vectors.
    """

    weights: tuple[float, ...]
    bias: float
    threshold: float = ANSWER_THRESHOLD
    lexical_weights: tuple[float, ...] = ()
    lexical_bias: float = 0.0
    sure_yes: float = 1.1  # probabilities, 0-1; the defaults never trust the lexical fit alone
    sure_no: float = -0.1

    @classmethod
    def from_mapping(cls, data: dict[str, object]) -> DecisionModel:
        """`{"features": [...], "weights": [...], "bias": b, "threshold": t}`; features must be FEATURES."""
        names = tuple(str(n) for n in data.get("features") or ())  # type: ignore[attr-defined]
        if names != FEATURES:
            raise ValueError(f"decision model features {names} do not match this version's {FEATURES}")
        weights = tuple(float(w) for w in data["weights"])  # type: ignore[attr-defined]
        if len(weights) != len(FEATURES):
            raise ValueError("decision model has the wrong number of weights")
        threshold = float(data.get("threshold", ANSWER_THRESHOLD))  # type: ignore[arg-type]
        lexical = tuple(float(w) for w in data.get("lexical_weights") or ())  # type: ignore[attr-defined]
        if lexical and len(lexical) != len(FEATURES):
            raise ValueError("decision model has the wrong number of lexical weights")
        return cls(
            weights,
            float(data["bias"]),  # type: ignore[arg-type]
            threshold,
            lexical,
            float(data.get("lexical_bias", 0.0)),  # type: ignore[arg-type]
            float(data.get("sure_yes", 1.1)),  # type: ignore[arg-type]
            float(data.get("sure_no", -0.1)),  # type: ignore[arg-type]
        )

    @classmethod
    def fallback(cls) -> DecisionModel:
        """Used when no fitted model is given: 50% at a 65/100 similarity (the first, hand-set threshold)."""
        weights = [0.0] * len(FEATURES)
        weights[FEATURES.index("sim_whole")] = 12.0
        return cls(tuple(weights), -12.0 * 0.65)

    def probability(self, features: Sequence[float], lexical: bool = False) -> float:
        weights, bias = (self.lexical_weights, self.lexical_bias) if lexical else (self.weights, self.bias)
        z = bias + sum(w * x for w, x in zip(weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


class Strings(Sequence[str]):
    """Many strings kept as one UTF-8 byte string, with their offsets: pickled as two buffers.

    A tuple of 100,000 strings took ~30 ms to unpickle, one object each. Pickled with
    protocol 5, both buffers go out of band: the cache maps them from its file (no copy).
    Indexing decodes only the string asked for; a slice gives a list.
    """

    __slots__ = ("_offsets", "_text")
    _text: bytes | bytearray | memoryview
    _offsets: array | memoryview

    def __init__(self, items: Iterable[str] = ()) -> None:
        encoded = [item.encode("utf-8", "surrogatepass") for item in items]
        self._text = b"".join(encoded)
        self._offsets = array("Q", itertools.accumulate(map(len, encoded), initial=0))

    @classmethod
    def joined(cls, parts: Sequence[Strings], consume: bool = False) -> Strings:
        """The strings of `parts`, one after another, without decoding them.

        `consume`: empty each part once copied (the caller is done with them)."""
        new = cls.__new__(cls)
        text = bytearray()
        offsets = array("Q", [0])
        for part in parts:
            shift = len(text)
            text += part._text
            offsets.extend([offset + shift for offset in part._offsets[1:]])
            if consume:
                part._text, part._offsets = b"", array("Q", [0])
        new._text, new._offsets = text, offsets  # not bytes(text): a second copy
        return new

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        text: object = self._text
        offsets: object = self._offsets
        if int(protocol) >= 5:
            import _pickle

            text, offsets = _pickle.PickleBuffer(self._text), _pickle.PickleBuffer(self._offsets)
        elif isinstance(self._offsets, memoryview):
            text, offsets = bytes(self._text), array("Q", self._offsets.tolist())
        return (_restore_strings, (type(self), text, offsets))

    def _at(self, position: int) -> str:
        offsets = self._offsets
        return str(self._text[offsets[position] : offsets[position + 1]], "utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, position: int) -> str: ...

    @overload
    def __getitem__(self, position: slice) -> list[str]: ...

    def __getitem__(self, position: int | slice) -> str | list[str]:
        if isinstance(position, slice):
            return [self._at(i) for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("Strings index out of range")
        return self._at(position)

    def __iter__(self) -> Iterator[str]:
        return (self._at(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Strings):
            return (
                type(self) is type(other)
                and bytes(self._text) == bytes(other._text)
                and self._offsets.tolist() == other._offsets.tolist()
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((bytes(self._text), len(self)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} strings)"


def _restore_strings(kind: type[Strings], text: bytes | memoryview, offsets: object) -> Strings:
    new = kind.__new__(kind)
    new._text = text
    new._offsets = offsets if isinstance(offsets, array) else memoryview(offsets).cast("Q")  # type: ignore[arg-type]
    return new


def _numbers(typecode: str, data: object) -> memoryview:
    """An array pickled out of band, back as a typed view of its bytes (mapped by the cache)."""
    return memoryview(data).cast(typecode)  # type: ignore[arg-type, call-overload]


class _OutOfBand:
    """Pickles an array as a buffer (out of band with protocol 5): `_numbers` gives it back as a view."""

    __slots__ = ("values",)

    def __init__(self, values: array | memoryview) -> None:
        self.values = values

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        import _pickle

        values = self.values
        typecode = values.typecode if isinstance(values, array) else values.format
        data = _pickle.PickleBuffer(values) if int(protocol) >= 5 else values.tobytes()
        return (_numbers, (typecode, data))


_MAPPED_FIELDS = frozenset({"idfs", "offsets", "docs", "impacts"})  # the bulk of a large index


class SortedStrings(Strings):
    """Distinct strings in sorted order: membership and position by bisection, not a hash set.

    Positions found are remembered (a question looks up the same few stems for every entry);
    a small set is made a dict at its first lookup, which costs less than bisecting.
    """

    __slots__ = ("_found", "_whole")
    _found: dict[str, int | None]
    _whole: bool

    def __init__(self, items: Iterable[str] = ()) -> None:
        super().__init__(sorted(set(items)))

    def position(self, item: str) -> int | None:
        """Where `item` is, or None."""
        try:
            found = self._found
        except AttributeError:  # first lookup (also when unpickled: __init__ did not run)
            found = self._found = {}
            self._whole = len(self) <= _WHOLE_DICT_MAX
            if self._whole:
                found.update(zip(self, range(len(self)), strict=True))
        if self._whole:
            return found.get(item)
        try:
            return found[item]
        except KeyError:
            pass
        text, offsets, key = self._text, self._offsets, item.encode("utf-8", "surrogatepass")
        low, high = 0, len(offsets) - 1  # UTF-8 bytes sort as their code points do
        while low < high:
            middle = (low + high) // 2
            if bytes(text[offsets[middle] : offsets[middle + 1]]) < key:
                low = middle + 1
            else:
                high = middle
        at = low if low < len(offsets) - 1 and bytes(text[offsets[low] : offsets[low + 1]]) == key else None
        found[item] = at
        return at

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and self.position(item) is not None


_WHOLE_DICT_MAX = 20_000  # a SortedStrings this small becomes a dict at its first lookup


class Slots:
    """stem -> slot, as sorted stems and their slots (a dict of 100,000 stems took ~40 ms to unpickle)."""

    __slots__ = ("_found", "_slots", "_stems")

    def __init__(self, slots: dict[str, int]) -> None:
        stems = sorted(slots)  # as SortedStrings orders them, without decoding them back from it
        self._stems = SortedStrings(stems)
        self._slots = array("I", map(slots.__getitem__, stems))
        self._found: dict[str, int | None] = {}

    def get(self, stem: str) -> int | None:
        try:
            return self._found[stem]  # a question looks up the same stems for every entry it scores
        except KeyError:
            at = self._stems.position(stem)
            slot = self._found[stem] = None if at is None else self._slots[at]
            return slot

    def __contains__(self, stem: object) -> bool:
        return stem in self._stems

    def __len__(self) -> int:
        return len(self._stems)

    def __iter__(self) -> Iterator[str]:
        return iter(self._stems)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Slots):
            return self._stems == other._stems and self._slots == other._slots
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._stems)

    def __getstate__(self) -> tuple[SortedStrings, array]:
        return self._stems, self._slots

    def __setstate__(self, state: tuple[SortedStrings, array]) -> None:
        self._stems, self._slots = state
        self._found = {}


class Index(NamedTuple):
    """BM25 impacts per term, plus what typo correction and scoring need."""

    ids: Strings
    questions: Strings
    # Compact shapes (arrays, joined strings) keep the cached index quick to load:
    # with 10,000 entries, tuples of tuples and frozensets took ~60 ms to unpickle.
    slots: Slots  # stem -> its slot in the arrays below
    idfs: array  # 'd', per slot
    offsets: array  # 'I', per slot + 1: the slot's postings are docs/impacts[offsets[s]:offsets[s + 1]]
    docs: array  # 'I'
    impacts: array  # 'd': the precomputed BM25 contribution of the stem to the doc
    max_idf: float
    phrasings: Strings  # per entry: its question's and aliases' stems ("a b\nc d")
    terms: Strings  # per entry: every stem it contains, body included ("a b c")
    known: SortedStrings  # every word of the entries and the lexicon, before synonyms
    vocabulary: SortedStrings  # `known` itself (one object, pickled once), sorted, for rapidfuzz typo correction
    lexicon: Lexicon
    model: DecisionModel
    anchors: frozenset[str]  # stems of the lexicon's anchors
    off_topic: frozenset[str] = frozenset()  # the lexicon's off-topic words and phrases, stemmed ("credit card")
    subject: frozenset[str] = frozenset()  # the lexicon's subject words and phrases, stemmed
    vectors: tuple[array, ...] = ()  # 'f' per entry, when built with an encoder and not too many entries

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:  # type: ignore[override]
        # The postings as buffers: with protocol 5 the cache maps them from its file, not copies them.
        fields = (
            _OutOfBand(value) if name in _MAPPED_FIELDS else value  # type: ignore[arg-type]
            for name, value in zip(self._fields, self, strict=True)
        )
        return (Index, tuple(fields))

    def idf(self, term: str) -> float:
        """Rarity of a stem; a stem the entries never use counts as the rarest."""
        slot = self.slots.get(term)
        return self.max_idf if slot is None else self.idfs[slot]

    def postings(self, term: str) -> zip[tuple[int, float]]:
        slot = self.slots.get(term)
        if slot is None:
            return zip((), (), strict=True)
        start, end = self.offsets[slot], self.offsets[slot + 1]
        return zip(self.docs[start:end], self.impacts[start:end], strict=True)

    def entry_terms(self, doc: int) -> frozenset[str]:
        return frozenset(self.terms[doc].split(" "))

    def entry_phrasings(self, doc: int) -> list[list[str]]:
        return [line.split(" ") for line in self.phrasings[doc].split("\n") if line]


def _words_each(texts: Sequence[str]) -> list[list[str]]:
    """The words of `normalise` of each text, with one pass of each expression over them all.

    The texts are joined by newlines, which no step crosses or changes (every other
    character outside a word becomes a space), so each line holds its text's words. A text
    with a newline of its own is normalised alone.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [normalise(text).split() for text in texts]
    joined = _NON_WORD_NOR_SPACE.sub(" ", _folded(joined).replace("_", " "))
    return [line.split() for line in joined.split("\n")] if texts else []


def _fold_accents(match: re.Match[str]) -> str:
    return _accents_folded(match.group())


@lru_cache(maxsize=4096)
def _accents_folded(run: str) -> str:
    """A run of non-ASCII characters without its accents: each distinct run folded once (most are quotes)."""
    import unicodedata  # only non-ASCII text pays for it

    return "".join(c for c in unicodedata.normalize("NFKD", run) if not unicodedata.combining(c))


class _Stems:
    """Each distinct word stemmed once: a data set repeats most of its words in every entry."""

    __slots__ = ("known",)

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, words: list[str]) -> list[str]:
        known = self.known
        try:
            return [known[w] for w in words]
        except KeyError:
            new = list({w: None for w in words if w not in known})
            known.update(zip(new, stem_all(new), strict=True))
            return [known[w] for w in words]


def _words_many(texts: list[str]) -> list[list[str]]:
    """The words of `normalise` of each text: those without a newline in one `_words_each` per batch."""
    out: list[list[str]] = [[] for _ in texts]
    plain = [i for i, text in enumerate(texts) if "\n" not in text]
    for start in range(0, len(plain), _NORMALISE_BATCH):
        batch = plain[start : start + _NORMALISE_BATCH]
        for i, words in zip(batch, _words_each([texts[i] for i in batch]), strict=True):
            out[i] = words
    if len(plain) < len(texts):
        for i, text in enumerate(texts):
            if "\n" in text:
                out[i] = normalise(text).split()
    return out


_NORMALISE_BATCH = 4096  # texts normalised together (a few hundred KB joined)


class Bags(NamedTuple):
    """Entries analysed for the index (one data file's, cached with it): their words, weighed.

    `assemble` turns the bags of every file into an Index; only the weights that depend on
    every entry (IDF, average length) wait for it, so an edited file is analysed again alone.
    """

    terms: str  # the stems these entries use, in order of first use, joined by spaces (no stem has one)
    ids: array  # 'I': each entry's bag, entry after entry: positions in `terms`...
    tfs: array  # 'd': ...and each stem's weight in the entry
    ends: array  # 'I': per entry, where its bag ends in ids/tfs
    lengths: array  # 'd': per entry, the sum of its weights
    dfs: array  # 'I': per stem of `terms`, how many of these entries use it
    phrasings: Strings  # per entry: its question's and aliases' stems ("a b\nc d")
    entry_terms: Strings  # per entry: every stem it contains ("a b c")
    known: str  # every raw word of the entries, once, joined by spaces


def analyse(entries: Sequence[Entry], lexicon: Lexicon) -> Bags:
    """Normalise, rewrite synonyms, drop stopwords and stem every text of `entries`, and weigh the stems.

    Every text of every entry is normalised in a few batches and every distinct word stemmed
    once, then each entry's bag is weighed: per-entry work is only the bag itself.
    """
    texts: list[str] = []
    shapes: list[tuple[int, int]] = []  # per entry: where its body's texts start, where its texts end
    for entry in entries:
        texts.append(entry.question)
        texts += entry.aliases
        body_from = len(texts)
        if entry.answer:  # an empty text adds no word: not one to analyse (most machine-made entries)
            texts.append(entry.answer)
        texts += [c.text for c in entry.claims]
        if entry.tags:
            texts.append(" ".join(entry.tags))
        texts.append(entry.id.replace("-", " "))
        shapes.append((body_from, len(texts)))
    known: set[str] = set()
    rewritten = []  # per text: its words after synonyms, stopwords still in
    for raw in _words_many(texts):
        known.update(raw)
        rewritten.append(apply_synonyms(raw, lexicon))
    del texts
    # Each word a text can hold after synonyms, stemmed once; a stopword to nothing (None): each
    # text's stems (its content words', `content_words`, stemmed) are then one pass in C.
    distinct = list(known.union(*lexicon.synonyms.values()))
    stem_of: dict[str, str] = dict(zip(distinct, stem_all(distinct), strict=True))
    stopwords = lexicon.stopwords
    if "" in stem_of.values():  # pragma: no cover - Snowball stems no word to nothing (filter would drop it)
        stems = [[stem_of[w] for w in words if w not in stopwords] for words in rewritten]
    else:
        stem_or_none: dict[str, str | None] = {**stem_of, **dict.fromkeys(stopwords.intersection(distinct))}
        stems = [list(filter(None, map(stem_or_none.__getitem__, words))) for words in rewritten]
        del stem_or_none
    del distinct, rewritten, stem_of
    phrasing_lines: list[str] = []
    entry_terms: list[str] = []
    bagged: list[str] = []  # every entry's stems, each once per entry, entry after entry
    tfs: list[float] = []  # ...and their weights
    bag_ends, lengths = array("I"), array("d")
    start = 0
    for body_from, end in shapes:
        phrasing = stems[start:body_from]
        start = end
        phrasing_lines.append("\n".join([" ".join(sorted(set(p))) for p in phrasing if p]))
        bag: dict[str, float] = {}  # in order of first use, phrasings first
        for words in phrasing:
            for stem in words:
                bag[stem] = bag.get(stem, 0.0) + PHRASING_WEIGHT
        for words in stems[body_from:end]:
            for stem in words:
                bag[stem] = bag.get(stem, 0.0) + BODY_WEIGHT
        bagged += bag
        tfs += bag.values()
        bag_ends.append(len(bagged))
        lengths.append(sum(bag.values()))
        entry_terms.append(" ".join(sorted(bag)))
    del stems
    term_ids = {stem: n for n, stem in enumerate(dict.fromkeys(bagged))}  # stem -> position, in order of first use
    bag_ids = array("I", map(term_ids.__getitem__, bagged))
    uses = collections.Counter(bagged)  # a bag holds each stem once: how many entries use it
    del bagged
    dfs = array("I", map(uses.__getitem__, term_ids))
    phrasings, terms = Strings(phrasing_lines), Strings(entry_terms)
    # Words joined into one string, not tuples and sets of them: the process assembling a million
    # entries' index would hold each file's as objects, duplicates and all, until it merged them.
    joined_terms, joined_known = " ".join(term_ids), " ".join(known)
    return Bags(joined_terms, bag_ids, array("d", tfs), bag_ends, lengths, dfs, phrasings, terms, joined_known)


def build_index(
    entries: Sequence[Entry],
    lexicon: Lexicon,
    model: DecisionModel | None = None,
    encoder: Encoder | None = None,
    parts: Sequence[Bags] | None = None,
    consume: bool = False,
    shown: tuple[Strings, Strings] | None = None,
) -> Index:
    """Precompute each (term, entry) BM25 impact so ranking is a sum of lookups.

    `parts`: the entries already analysed, file by file (`analyse`), e.g. from the cache;
    `consume`, `shown`: see `assemble`.
    """
    if parts is None:
        return assemble([analyse(entries, lexicon)], entries, lexicon, model, encoder, consume=True, shown=shown)
    return assemble(parts, entries, lexicon, model, encoder, consume=consume, shown=shown)


def assemble(
    parts: Sequence[Bags],
    entries: Sequence[Entry],
    lexicon: Lexicon,
    model: DecisionModel | None = None,
    encoder: Encoder | None = None,
    consume: bool = False,
    shown: tuple[Strings, Strings] | None = None,
) -> Index:
    """The index of `entries`, from the bags of its parts (each file's `analyse`, in order).

    Built in two passes over flat arrays (term ids and weights of every entry, in order),
    not a dictionary per entry: a million entries' bags as dicts took gigabytes.
    `consume`: empty each part's term ids and weights once merged (the caller is done with
    them), so that they and their merged copy are not all held at the peak.
    `shown`: the entries' ids and questions, when known without reading every entry (packed entries).
    """
    known: set[str] = set(lexicon.stopwords)
    known.update(w for variant in lexicon.synonyms for w in variant)
    # Words of other domains are words, not typos of this one's: "scams" is not "scan".
    known.update(w for phrase in (*lexicon.off_topic, *lexicon.off_topic_exact) for w in phrase.split())
    term_ids: dict[str, int] = {}  # stem -> slot, in order of first use
    bag_ids, bag_tfs, bag_ends, lengths = array("I"), array("d"), array("I"), array("d")
    df: list[int] = []  # per slot: how many entries use the stem
    half = _halfway(parts)
    df_before = df  # df of the parts before `half`
    for number, part in enumerate(parts):
        if number == half:
            df_before = df.copy()
        slot_of = [term_ids.setdefault(term, len(term_ids)) for term in part.terms.split()]
        df += [0] * (len(term_ids) - len(df))
        for slot, count in zip(slot_of, part.dfs, strict=True):
            df[slot] += count
        shift = len(bag_ids)
        bag_ids.extend(map(slot_of.__getitem__, part.ids))
        bag_tfs.extend(part.tfs)
        bag_ends.extend(end + shift for end in part.ends)
        lengths.extend(part.lengths)
        known.update(part.known.split())
        if consume:
            del part.ids[:], part.tfs[:]
    if len(lengths) != len(entries):
        raise ValueError("the parts' bags do not match the entries")
    vocabulary = SortedStrings(known)
    del known
    n = max(len(entries), 1)
    avg_length = (sum(lengths) / n) or 1.0
    idfs = array("d", (math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in df))
    offsets = array("I", [0])
    for d in df:
        offsets.append(offsets[-1] + d)
    bags = _Merged(bag_ids, bag_tfs, bag_ends, lengths, idfs, avg_length)
    first_of_half = sum(len(part.lengths) for part in parts[:half]) if half else len(lengths)
    df_before += [0] * (len(df) - len(df_before))
    del df
    docs, impacts = _inverted(bags, offsets, first_of_half, df_before)
    del bags, bag_ids, bag_tfs, df_before
    # Written by two processes: copied out of the shared memory now that the bags are freed.
    docs = docs if isinstance(docs, array) else _array_of(docs)
    impacts = impacts if isinstance(impacts, array) else _array_of(impacts)
    ids, questions = shown or (Strings(e.id for e in entries), Strings(e.question for e in entries))
    return Index(
        ids=ids,
        questions=questions,
        slots=Slots(term_ids),
        idfs=idfs,
        offsets=offsets,
        docs=docs,
        impacts=impacts,
        phrasings=Strings.joined([part.phrasings for part in parts], consume=consume),
        terms=Strings.joined([part.entry_terms for part in parts], consume=consume),
        max_idf=math.log(1 + (n + 0.5) / 0.5),
        known=vocabulary,
        vocabulary=vocabulary,
        lexicon=lexicon,
        model=model or DecisionModel.fallback(),
        anchors=frozenset(
            stem for anchor in lexicon.anchors for stem in stem_all(content_words(anchor.split(), lexicon))
        ),
        off_topic=frozenset(" ".join(stem_all(phrase.split())) for phrase in lexicon.off_topic),
        subject=frozenset(" ".join(stem_all(phrase.split())) for phrase in lexicon.subject),
        vectors=tuple(
            array("f", entry_vector(e, encoder, None if len(entries) <= SEMANTIC_FULL_PHRASINGS else 4))
            for e in entries
        )
        if encoder is not None and len(entries) <= SEMANTIC_PRECOMPUTE_MAX
        else (),
    )


class _Merged(NamedTuple):
    """Every entry's bag, one after another, and what their BM25 impacts need."""

    ids: array  # 'I': slots
    tfs: array  # 'd'
    ends: array  # 'I': per entry
    lengths: array  # 'd': per entry
    idfs: array  # 'd': per slot
    avg_length: float


# Postings from this many on are inverted by two processes (Linux, 2+ CPUs): the child forked
# for the second half of the entries costs a few milliseconds.
PARALLEL_MIN_POSTINGS = 500_000


def forkable_cpus() -> int:
    """The CPUs this process may run forked children on: those it is allowed (Linux); else 1 (no fork)."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (OSError, AttributeError):
        return 1


def _halfway(parts: Sequence[Bags]) -> int | None:
    """The part from which the second half of the postings is inverted by a child process; None: no child."""
    total = sum(len(part.ids) for part in parts)
    if len(parts) < 2 or total < PARALLEL_MIN_POSTINGS or forkable_cpus() < 2:
        return None
    seen = 0
    for number, part in enumerate(parts):
        if seen + len(part.ids) / 2 >= total / 2:  # the part that holds the middle: it starts the half if mostly after
            return max(number, 1)
        seen += len(part.ids)
    return len(parts) - 1  # pragma: no cover - the loop returns


def _inverted(
    bags: _Merged, offsets: array, first_of_half: int, df_before: list[int]
) -> tuple[array | memoryview[int], array | memoryview[float]]:
    """docs and impacts, slot after slot, each slot's postings in order of entry (views of shared memory
    when written by two processes).

    The entries from `first_of_half` on are written by a forked child into shared memory, from
    each slot's place after the first half's postings (`df_before`), while this process writes
    the first half: the same values at the same places as one loop over them all.
    """
    size = len(bags.ids)
    count = len(bags.lengths)
    if first_of_half >= count:
        docs, impacts = array("I", [0]) * size, array("d", [0.0]) * size
        _invert(bags, list(offsets[:-1]), 0, count, docs, impacts)
        return docs, impacts
    import mmap
    import os

    shared_docs, shared_impacts = mmap.mmap(-1, max(size, 1) * 4), mmap.mmap(-1, max(size, 1) * 8)
    docs_view, impacts_view = memoryview(shared_docs).cast("I"), memoryview(shared_impacts).cast("d")
    second_cursor = [start + before for start, before in zip(offsets, df_before, strict=False)]
    try:
        child = os.fork()
    except OSError:  # no process to spare: this one writes both halves
        child = -1
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        code = 1
        try:
            _invert(bags, second_cursor, first_of_half, count, docs_view, impacts_view)
            code = 0
        finally:
            os._exit(code)
    _invert(bags, list(offsets[:-1]), 0, first_of_half, docs_view, impacts_view)
    if child < 0 or os.waitpid(child, 0)[1] != 0:  # no child, or it was killed (out of memory?)
        _invert(bags, second_cursor, first_of_half, count, docs_view, impacts_view)
    return docs_view[:size], impacts_view[:size]


def _array_of(view: memoryview[Any]) -> array:
    """A typed view's values as an array (a copy)."""
    values = array(view.format)
    values.frombytes(view.cast("B"))
    view.release()
    return values


def _invert(
    bags: _Merged,
    cursor: list[int],
    first: int,
    last: int,
    docs: array | memoryview[int],
    impacts: array | memoryview[float],
) -> None:
    """The postings of entries first..last-1 at their slots' cursors, with their BM25 impacts."""
    ids, tfs, idfs, avg_length = bags.ids, bags.tfs, bags.idfs, bags.avg_length
    start = bags.ends[first - 1] if first else 0
    for doc in range(first, last):
        end, length = bags.ends[doc], bags.lengths[doc]
        norm = K1 * (1 - B + B * length / avg_length)
        for term, tf in zip(ids[start:end], tfs[start:end], strict=True):
            at = cursor[term]
            cursor[term] = at + 1
            docs[at] = doc
            impacts[at] = idfs[term] * tf * (K1 + 1) / (tf + norm)
        start = end


def _correct(word: str, index: Index) -> str | None:
    """The indexed word a typo most likely meant, or None.

    A word spelled right (one of the lexicon's dictionary, or one whose stem the entries use
    already) is only ever read as another form of itself ("picture" as "pictures", which a
    synonym names), never as another word ("contain" is not "constrain", nor "bank" "ban")."""
    if len(word) < TYPO_MIN_LENGTH or word.isdigit():
        return None
    # Only words with the same first letter: typos rarely change it, and scanning every word of
    # a large data set dominated the cost of a question (a sorted vocabulary makes it a slice).
    import bisect

    from rapidfuzz import fuzz, process  # only questions with unknown words pay for it

    start = bisect.bisect_left(index.vocabulary, word[0])
    end = bisect.bisect_left(index.vocabulary, chr(ord(word[0]) + 1), start)
    best = process.extractOne(word, index.vocabulary[start:end], scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
    if not best:
        return None
    if word in index.lexicon.dictionary or stem_all([word])[0] in index.slots:
        stem, corrected = stem_all([word, best[0]])
        return best[0] if stem == corrected else None
    return str(best[0])


def query_terms(query: str, index: Index, corrections: dict[str, str | None] | None = None) -> list[str]:
    """Distinct stems of the query, typos corrected; unknown words kept (they lower the score).

    `corrections` remembers typo corrections between calls on the same index (the segments of
    one question share most words, and correcting one costs a scan of the vocabulary).
    """
    raw = normalise(query).split()
    corrections = {} if corrections is None else corrections
    looked_up = 0
    for word in dict.fromkeys(raw):
        if word not in index.known and looked_up < MAX_QUERY_TERMS:
            looked_up += 1
            if word not in corrections:
                corrections[word] = _correct(word, index)
    words = [corrections.get(w) or w for w in raw]  # typos first, so 'law enforcment' meets its synonym
    content = list(dict.fromkeys(content_words(words, index.lexicon)))[:MAX_QUERY_TERMS]
    return list(dict.fromkeys(stem_all(content)))


def segments(query: str) -> list[str]:
    """The sentences and clauses of a long question, each a candidate for "the question itself".

    Narrative context ("my cousin's son ran away last month...") dilutes a whole-text score;
    the sentence that asks usually matches its entry on its own. Short questions have one
    segment (themselves) and are scored once.
    """
    if len(query) > MAX_SEGMENT_SOURCE:
        query = query[: MAX_SEGMENT_SOURCE // 2] + "\n" + query[-MAX_SEGMENT_SOURCE // 2 :]
    parts = [p.strip() for p in _SEGMENT.split(query)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if len(parts) > MAX_SEGMENTS:  # a pasted page: its start and its end
        parts = parts[: MAX_SEGMENTS // 2] + parts[-MAX_SEGMENTS // 2 :]
    return parts if len(parts) > 1 else []


class _View(NamedTuple):
    """One text (the whole question, or one of its segments) scored against the index."""

    terms: list[str]
    weight: dict[str, float]
    information: float
    totals: dict[int, float]
    top_total: float
    pool: list[int]  # best docs by BM25, best first


def _view(text: str, index: Index, depth: int, memo: dict | None = None) -> _View:
    """The text scored against the index; `memo` (one per question) keeps views and corrections."""
    memo = {} if memo is None else memo
    key = ("view", text, depth)
    if key in memo:
        return memo[key]
    memo[key] = view = _compute_view(text, index, depth, memo.setdefault("corrections", {}))
    return view


def _top_docs(totals: dict[int, float], depth: int) -> list[int]:
    """The `depth` docs with the highest totals, best first; ties go to the entry first in the data.

    Only the docs scoring at least the depth-th best score can be among them: that score is
    found without a key function, and only those docs are sorted (on large data a question
    matches tens of thousands of entries; a keyed heap over all of them dominated its cost).
    """
    if len(totals) <= depth:
        return sorted(totals, key=lambda doc: (-totals[doc], doc))
    if depth <= 0:
        return []
    floor = heapq.nlargest(depth, totals.values())[-1]
    best = [(-score, doc) for doc, score in totals.items() if score >= floor]
    best.sort()
    return [doc for _, doc in best[:depth]]


def context_of(text: str) -> str:
    """The parts of `text` that set the scene for its question, joined; "" when there are none."""
    return " ".join(context_parts(text))


def context_parts(text: str) -> list[str]:
    """The parts of `text` that set the scene for its question, in order; [] when there are none.

    A text that asks (a sentence ending in "?") and also tells (other sentences, a label
    such as "Teacher here:", a leading "As a parent," ) sets the scene in those: "I'm a new
    content moderator in training. How is CSAM defined?" asks what CSAM is, not about
    moderation, nor "As a mum I'd like to know: do police follow every IP?" about parents.
    """
    if "?" not in text or not any(mark in text.rstrip() for mark in _TELLING):
        return []  # one sentence that asks (most questions: no expression compiled)
    label = _label(text)
    body = text[label.end() :] if label else text
    sentences = [s for s in re.split(_SENTENCE, body) if s.strip()]
    # A sentence that asks without a question mark ("I want to understand how the networks operate.") asks.
    told = [s for s in sentences if not s.rstrip().endswith("?") and not re.search(_EMBEDDED, s, re.IGNORECASE)]
    if len(told) == len(sentences):  # nothing asked
        return []
    told = [_frame(s) for s in told]
    return [label.group(1), *told] if label else told


def _label(text: str) -> re.Match[str] | None:
    """A persona's label or purpose opening the text ("Teacher here:", "As a parent,")."""
    return re.match(_LABEL, text) or re.match(_AS_A, text, re.IGNORECASE)


def _frame(sentence: str) -> str:
    """A told sentence that reports a claim ("I read that police trace every IP.") without the claim:
    only its frame sets the scene; the claim is what the question asks about ("Is that true?")."""
    reported = re.search(_REPORTED, sentence, re.IGNORECASE)
    return sentence[: reported.end()] if reported else sentence


# A reporting verb, then "that": the claim to check follows ("my teacher told the class that...").
_REPORTED = (
    r"\b(?:said|says|say|told|tells|tell|claimed|claims|claim|read|heard|hear|saw|posted|wrote|writes|believes|"
    r"thinks|think|insisted|insists|argued|argues|mentioned|reckons|swears)\b[^.?!]{0,40}?\bthat\b"
)


# Patterns compiled at first use (by re's cache), not when the quick path imports this module.
_TELLING = (". ", "! ", "? ", "\n", ":", ", ")  # what a text of more than one asking sentence must contain
_SENTENCE = r"(?<=[.!?])\s+|\n+"
# "Teacher:", "Moderator here:", "Community police officer:", "High school student doing a project here:"
_LABEL = r"\s*([^\W\d]+(?:[ -][^\W\d]+){0,2}(?: here)?|(?:[^\W\d]+[ -]){1,6}here)\s*:\s+"
# "As a parent,", "As a mum I'd like to know:", and what it is for: "For a report on online harms:", "For my thesis,"
_AS_A = r"\s*((?:as an?|for an?|for my|for our) [^,:;.?!]{1,40})[,:]\s+"
# A question embedded in a statement: a verb of knowing, then a question word ("I'd like to know whether...").
_EMBEDDED = (
    r"\b(?:know|understand|learn|wonder|wondering|curious|find out|figure out|explain)\b"
    r"[^.?!]{0,30}?\b(?:how|what|why|whether|which|who|where)\b"
)
CONTEXT_WEIGHT = 0.5  # a word said only in scene-setting sentences counts this much
TOLD_SHARE = 2.0  # ...and all of them together at most this many times the asking sentences' words


def _compute_view(text: str, index: Index, depth: int, corrections: dict[str, str | None]) -> _View:
    terms = query_terms(text, index, corrections)
    context = context_parts(text)
    asking = text
    for part in context:  # each on its own: a question may sit between two told sentences
        asking = asking.replace(part, " ", 1)
    told = set(terms) - set(query_terms(asking, index, corrections)) if context else set()
    told -= index.anchors  # the story's CSAM or child is what "how do I report it?" asks about
    # Words the data never uses (persona, chat, scene-setting) still count against an entry,
    # but less than its rarest word: "as a journalist, can I write that..." is still about it.
    unknown = UNKNOWN_WEIGHT * index.max_idf
    weight = {t: index.idf(t) if t in index.slots else unknown for t in terms}
    factor = CONTEXT_WEIGHT
    if told and interrogatives(asking):  # a long story before a short "How do I report it?" must not outweigh it
        asked = sum(weight[t] for t in terms if t not in told)
        story = sum(weight[t] for t in told)
        factor = min(CONTEXT_WEIGHT, TOLD_SHARE * asked / story) if asked and story else factor
    totals: dict[int, float] = {}
    for term in terms:
        scale = factor if term in told else 1.0
        for doc, impact in index.postings(term):
            totals[doc] = totals.get(doc, 0.0) + impact * scale
    pool = _top_docs(totals, depth)
    for term in told:
        weight[term] *= factor
    top_total = totals[pool[0]] if pool else 0.0
    return _View(terms, weight, sum(weight.values()), totals, top_total, pool)


def _scores(view: _View, doc: int, index: Index) -> tuple[float, float, float, float]:
    """(similarity, question share, phrasing share, ranking key) of one doc for one view."""
    if not view.top_total or doc not in view.totals:
        return 0.0, 0.0, 0.0, 0.0
    question_share, phrasing_share = _shares(view.terms, view.weight, view.information, doc, index)
    similarity = combine(question_share, phrasing_share) if question_share and phrasing_share else 0.0
    key = RANK_MIX * similarity + (1 - RANK_MIX) * view.totals[doc] / view.top_total
    return similarity, question_share, phrasing_share, key


def candidate_features(
    query: str,
    index: Index,
    depth: int = RERANK_DEPTH,
    encoder: Encoder | None = None,
    memo: dict | None = None,
    without: frozenset[int] = frozenset(),
) -> list[tuple[int, tuple[float, ...]]]:
    """Every shortlisted doc with its decision features (FEATURES order), best ranking key first;
    `without`: docs left out, as if the data did not hold them (they are no one's rival)."""
    memo = {} if memo is None else memo
    whole = _view(query, index, depth, memo)
    parts = [_view(text, index, PART_DEPTH, memo) for text in segments(query)] if whole.pool else []
    parts = [p for p in parts if p.pool]
    docs = list(dict.fromkeys([*whole.pool, *(d for p in parts for d in p.pool)]))
    read = named(_corrected(query, memo.get("corrections", {})), index.lexicon)  # as the ranker reads names
    meaning = _semantic_scores(read, index, encoder, docs)
    shortlisted = set(docs)
    docs += [d for d in meaning if d not in shortlisted]
    if without:
        docs = [d for d in docs if d not in without]
        meaning = {d: cos for d, cos in meaning.items() if d not in without}
    if not docs or not whole.terms:
        return []
    known = sum(1 for t in whole.terms if t in index.slots)
    unknown_share = 1 - known / len(whole.terms)
    log_terms = math.log1p(len(whole.terms))
    anchored = float(any(t in index.anchors for t in whole.terms))
    off_topic = float(lexical_off_topic(query, index))
    # The second pass of rank() (with the word vectors) meets the same views and docs again.
    known_scores: dict[tuple[int, int], tuple[float, float, float, float]] = memo.setdefault("scores", {})

    def score(view: _View, doc: int) -> tuple[float, float, float, float]:
        key = (id(view), doc)  # views live in `memo` as long as these scores do
        if key not in known_scores:
            known_scores[key] = _scores(view, doc, index)
        return known_scores[key]

    rows: dict[int, list[float]] = {}
    part_keys: list[dict[int, float]] = [{} for _ in parts]  # each part's ranking key per doc
    for doc in docs:
        sim_w, qshare, pshare, key_w = score(whole, doc)
        part_scores = [score(p, doc) for p in parts]
        for keys, scores in zip(part_keys, part_scores, strict=True):
            keys[doc] = scores[3]
        sim_p = max((s[0] for s in part_scores), default=sim_w)
        key_p = max((s[3] for s in part_scores), default=key_w)
        pshare_p = max((s[2] for s in part_scores), default=pshare)
        rows[doc] = [sim_w, qshare, pshare, sim_p, pshare_p, key_w, key_p, max(key_w, key_p)]
    best_meaning = max(meaning, key=lambda d: (meaning[d], -d)) if meaning else -1
    best_whole = max(docs, key=lambda d: (rows[d][5], -d))
    part_pools = [[d for d in p.pool if d not in without] for p in parts]
    part_tops = [_best_by(keys, pool) for pool, keys in zip(part_pools, part_keys, strict=True) if pool]
    ordered = sorted(docs, key=lambda d: (-rows[d][7], d))
    # The lead over the runner-up: the best doc's rival is the second; every other doc's is the best.
    first = rows[ordered[0]][7]
    second = rows[ordered[1]][7] if len(ordered) > 1 else 0.0
    out = []
    for position, doc in enumerate(ordered):
        best = rows[doc][7]
        rival = second if position == 0 else first
        agreement = sum(t == doc for t in part_tops) / len(part_tops) if part_tops else float(doc == best_whole)
        out.append(
            (
                doc,
                (
                    *rows[doc],
                    best - rival,
                    log_terms,
                    unknown_share,
                    float(doc == best_whole),
                    agreement,
                    anchored,
                    max(0.0, max(rows[doc][0], rows[doc][3]) - 0.7),
                    max(0.0, best - rival - 0.1),
                    meaning.get(doc, 0.0),
                    meaning.get(doc, 0.0) - max((c for d, c in meaning.items() if d != doc), default=0.0),
                    float(doc == best_meaning),
                    off_topic,
                ),
            )
        )
    return out


def lexical_off_topic(query: str, index: Index) -> bool:
    """True when the question has a word of another domain and none of the subject itself.

    Looked up before synonyms and stopwords, as typed: "cocaine" alone is another domain,
    "cocaine and child abuse" is not.
    """
    words = normalise(query).split()[:MAX_QUERY_TERMS]
    typed = f" {' '.join(stem_all(words))} "
    raw = f" {' '.join(words)} "
    other = any(f" {p} " in typed for p in index.off_topic)
    other = other or any(f" {p} " in raw for p in index.lexicon.off_topic_exact)
    return other and not any(f" {p} " in typed for p in index.subject)


def _best_by(keys: dict[int, float], docs: list[int]) -> int:
    """The doc with the highest key; ties to the one first in the data."""
    return max(docs, key=lambda d: (keys[d], -d))


def _corrected(query: str, corrections: dict[str, str | None]) -> str:
    """`query` with its typos replaced by the words the lexical ranker read ("enforcment" -> "enforcement"):
    the word vectors know "enforcement", not the typo. Only a correction one typing slip away (a letter
    added, dropped, changed, or two swapped) is passed on: a looser one ("relays" read as "rely") is
    the ranker's guess, and the vectors read the word as typed."""
    fixes = {word: fixed for word, fixed in corrections.items() if fixed}
    if not fixes:
        return query
    from rapidfuzz.distance import OSA  # loaded already: a correction needed it

    fixes = {word: fixed for word, fixed in fixes.items() if OSA.distance(word, fixed) <= 1}
    return re.sub(r"\w+", lambda m: fixes.get(m.group().casefold(), m.group()), query)


def named(text: str, lexicon: Lexicon) -> str:
    """`text` with every descriptive name of a body the data names rewritten to that name
    ("the US missing kids charity" -> "the US ncmec"), normalised; `text` itself when it has none.

    The word vectors read "missing kids" as the missing-children entry's topic: a question about
    what NCMEC does, asked with its description, went to that entry. The ranker meets the
    lexicon's canonical name already; this gives the vectors the same reading.
    """
    if lexicon.namer is None:
        return text
    words = normalise(text).split()
    rewritten = apply_synonyms(words, lexicon.namer)
    return " ".join(rewritten) if rewritten != words else text


def _semantic_scores(query: str, index: Index, encoder: Encoder | None, docs: list[int]) -> dict[int, float]:
    """Cosine of the question with each shortlisted entry, plus the SEMANTIC_EXTRA closest overall."""
    if encoder is None or not index.vectors:  # data too large to keep vectors: lexical only
        return {}
    asked = encoder.encode(query)
    if not asked:
        return {}
    every = {doc: _cosine(asked, vector) for doc, vector in enumerate(index.vectors)}
    closest = heapq.nlargest(SEMANTIC_EXTRA, every, key=lambda d: (every[d], -d))
    return {doc: every[doc] for doc in dict.fromkeys([*docs, *closest])}


def rank(
    query: str,
    index: Index,
    top: int = 3,
    encoder: Encoder | Callable[[], Encoder | None] | None = None,
    without: frozenset[str] = frozenset(),
    checks: bool = True,
) -> list[Candidate]:
    """The `top` best entries for `query`, best first, each scored 0-100.

    The score is the decision model's estimate (data/decision.json), in percent, that the
    entry answers the question (at most 99.9: a match is never certain). Always `top` of
    them (or every entry, if fewer): entries sharing nothing with the question follow the
    others with score 0, in data order. `encoder` may be a function that loads one: it is
    called only when the lexical evidence alone leaves the decision open. `checks`: when the question
    names another candidate's subject and not the best's, halve the best's confidence and rank again
    without it (see _name_rivals), and do not let a persona's story choose the answer (see
    _story_checked); off for the rankings these checks make themselves.
    """
    top = max(top, 0)
    model = index.model
    memo: dict = {}  # the lexical pass's views, reused by the second one
    scored = []
    off_topic = False  # the same for every candidate: a feature of the question
    left_out: frozenset[int] = frozenset()
    if without:  # ranked as if the data did not hold them (see figure_checked)
        left_out = frozenset(doc for doc, entry_id in enumerate(index.ids) if entry_id in without)
    if model.lexical_weights:
        lexical = candidate_features(query, index, memo=memo, without=left_out)
        scored = [(model.probability(f, lexical=True), f[7], doc) for doc, f in lexical]
        off_topic = bool(lexical) and lexical[0][1][_OFF_TOPIC] > 0
        best = max((p for p, _, _ in scored), default=0.0)
        # Large data keeps no entry vectors: the lexical fit decides (on CLEF tweets the
        # word vectors add nothing over BM25, and encoding candidates costs every question).
        if not index.vectors or not (model.sure_no < best < model.sure_yes):
            encoder = None  # sure either way: no need for a second opinion
        else:
            scored = []
    if not scored:
        loaded = encoder() if callable(encoder) else encoder
        for doc, features in candidate_features(query, index, encoder=loaded, memo=memo, without=left_out):
            scored.append((model.probability(features), features[7], doc))
            off_topic = features[_OFF_TOPIC] > 0
    if off_topic:
        # Another domain's question that only borrows this one's names ("Europol cocaine seizure",
        # "my cat is missing"): the model weighs the sign too lightly against strong word overlap.
        scored = [(p * OFF_TOPIC_DISCOUNT, key, doc) for p, key, doc in scored]
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    named = _name_rivals(query, index, scored) if checks else frozenset()
    if named:
        first = scored[0]
        scored = sorted([(first[0] * NAME_DISCOUNT, *first[1:]), *scored[1:]], key=lambda i: (-i[0], -i[1], i[2]))
    matched = [
        Candidate(id=index.ids[doc], question=index.questions[doc], score=min(99.9, round(100.0 * p, 1)))
        for p, _, doc in scored[:top]
    ]
    if named:  # ranked again without the best: the entry it names no longer has it as a rival
        again = rank(query, index, top, encoder, without | {index.ids[first[2]]}, checks=False)
        if again and again[0].id in {index.ids[d] for d in named}:
            score = min(99.9, round(100.0 * first[0] * NAME_DISCOUNT, 1))
            discounted = Candidate(id=index.ids[first[2]], question=index.questions[first[2]], score=score)
            matched = sorted([discounted, *again], key=lambda c: -c.score)[:top]
    if checks and matched:
        matched = _story_checked(query, index, matched, encoder, without)
    if len(matched) < top:
        seen = {c.id for c in matched}
        unmatched = (i for i in range(len(index.ids)) if index.ids[i] not in seen and i not in left_out)
        for doc in itertools.islice(unmatched, top - len(matched)):
            matched.append(Candidate(id=index.ids[doc], question=index.questions[doc], score=0.0))
    return matched


NAME_DISCOUNT = 0.5  # the best candidate's confidence when the question names another entry's subject
NAME_MIN_PHRASINGS = 3  # a name is an entry's own when this many of its phrasings use it, and no other entry's
NAME_MAX_POSTINGS = 3  # ...and it is rare in the data (most words are not looked at any further)
# A name as written: a capitalised word (or a run of them, "Child Protection System") that does not open a sentence.
_NAME = re.compile(r"(?<=[\w,;)\"] )[A-Z][\w-]*(?:\s+(?:of\s+|and\s+|for\s+)?[A-Z][\w-]*)*")


def named_entries(query: str, index: Index) -> frozenset[int]:
    """The entries whose own name the question writes: a capitalised word or run of words (not opening a
    sentence) with a stem only that entry's phrasings use, in several of them, and every other word of it
    in that entry's phrasings too ("Flock", "Flock Safety", "Child Protection System", "the REPORT Act";
    not "the EARN IT Act" nor "the Online Safety Act", which only share a word with a name)."""
    if not any(c.isupper() for c in query[1:]):
        return frozenset()
    found: set[int] = set()
    owner_of = _named_by(index)
    for match in _NAME.finditer(query):
        terms = query_terms(match.group(), index)
        owner = next((doc for doc in map(owner_of, terms) if doc is not None), None)
        if owner is None or not _capitalised_in(match.group(), index.questions[owner]):
            continue
        phrased = {t for line in index.phrasings[owner].split("\n") for t in line.split(" ")}
        if all(term in phrased for term in terms):
            found.add(owner)
    return frozenset(found)


def _capitalised_in(run: str, question: str) -> bool:
    """Whether a word of `run` is written capitalised in the entry's own question, as a name is
    ("Flock" in "...partner with Flock Safety...", not "WiFi", which no question capitalises)."""
    return any(
        re.search(rf"\b{re.escape(word)}\b", question, re.IGNORECASE) and word in question for word in run.split()
    )


def _named_by(index: Index) -> Callable[[str], int | None]:
    def owner(term: str) -> int | None:
        """The one entry whose phrasings use `term`, in NAME_MIN_PHRASINGS of them; None for most words."""
        docs = [doc for doc, _ in itertools.islice(index.postings(term), NAME_MAX_POSTINGS + 1)]
        if not docs or len(docs) > NAME_MAX_POSTINGS:
            return None
        uses = {d: sum(term in line.split(" ") for line in index.phrasings[d].split("\n")) for d in docs}
        owners = [d for d, n in uses.items() if n]
        return owners[0] if len(owners) == 1 and uses[owners[0]] >= NAME_MIN_PHRASINGS else None

    return owner


def _name_rivals(query: str, index: Index, scored: list[tuple[float, float, int]]) -> frozenset[int]:
    """The candidates after the best that the question names, when it does not name the best (see
    named_entries); most questions: none.

    A confused asker names the thing asked about and mistaken guesses beside it: "Is the Child
    Protection System an FBI database or something Interpol runs?" shares more words with Interpol's
    database, but asks about the system it names; "does NCMEC use Flock plate readers to help find
    missing kids" asks about the Flock partnership, not missing children in general."""
    if len(scored) < 2:
        return frozenset()
    named = named_entries(query, index)
    if not named or scored[0][2] in named:
        return frozenset()
    return frozenset(doc for _, _, doc in scored[1:] if doc in named)


STORY_FLOOR = 10.0  # the answer's score for the asking sentences alone under which a story chose it


def _story_checked(
    query: str,
    index: Index,
    matched: list[Candidate],
    encoder: Encoder | Callable[[], Encoder | None] | None,
    without: frozenset[str],
) -> list[Candidate]:
    """`matched`, or the candidates of the question's asking sentences alone when the story around
    them chose the answer: the asking sentences alone confidently answer another entry and give the
    answer under STORY_FLOOR, and the story names none of the bodies the data names.

    A persona's story sets the scene ("I teach online safety to high schoolers.", "My son's teacher
    told the class that..."); its words can outweigh a short question that says something else
    ("How would you explain the way NCMEC and the police work together to confirm tips?"). A story
    that names a body ("news about the EU police agency breaking up a network") may be what the
    question asks about ("how do they work with other countries?"): it stays.

    When the whole is under the bar, only a persona's label ("High school student doing a project
    here:") is set aside, for the entry the whole ranked first: a told sentence may be what makes
    the question out of scope ("My ISP says my IP downloaded a film. Can an IP prove it was me?")."""
    told = context_parts(query)
    if not told:
        return matched
    unsure = matched[0].score < index.model.threshold
    if unsure and not (len(told) == 1 and _label(query)):
        return matched
    named_bodies = frozenset(stem_all(sorted(index.lexicon.names)))
    if any(named_bodies.intersection(query_terms(part, index)) for part in told):
        return matched
    asking = query
    for part in told:
        asking = asking.replace(part, " ", 1)
    alone = rank(asking, index, len(matched) + 2, encoder, without, checks=False)
    if not alone or alone[0].score < index.model.threshold:
        return matched
    if alone[0].id == matched[0].id:  # the label only lowered the confidence: the question's own stands
        return alone[: len(matched)] if unsure else matched
    if unsure:
        return matched
    if next((c.score for c in alone if c.id == matched[0].id), 0.0) >= STORY_FLOOR:
        return matched
    return alone[: len(matched)]


def _shares(
    terms: list[str], weight: dict[str, float], information: float, doc: int, index: Index
) -> tuple[float, float]:
    """How much of the question the entry accounts for, and of its closest phrasing the question says.

    Both are IDF-weighted shares; their harmonic mean (`combine`) is high only when the
    question and one way of asking the entry's question largely coincide.
    """
    entry_terms = index.entry_terms(doc)
    phrased = _phrased_terms(index, doc)
    question_share = 0.0
    for term in terms:
        if term in entry_terms:
            question_share += weight[term] if term in phrased else weight[term] * BODY_SHARE
    question_share = question_share / information if information else 0.0
    asked = set(terms)
    phrasing_share = 0.0
    for pairs, total in _weighted_phrasings(index, doc):
        said = 0.0
        for term, rarity in pairs:
            if term in asked:
                said += rarity
        if total and said / total > phrasing_share:
            phrasing_share = said / total
    return question_share, phrasing_share


# Each entry's phrasings with the rarity of every stem, worked out once per index: claim
# spotting and batches score the same entries for question after question. Keyed by the
# index's identity (checked: an id can be reused once an index is gone), bounded in size.
_PHRASING_WEIGHTS: dict[tuple[int, int], tuple[Index, list[tuple[list[tuple[str, float]], float]]]] = {}
_PHRASING_WEIGHTS_MAX = 200_000


# A question word that only an entry's answer, cited claims, tags or id say accounts for the question a little
# less than one its question or aliases say: "Police will check every report?" is not about tracing every
# IP because that entry's answer mentions reports.
BODY_SHARE = 0.9
_PHRASED: dict[tuple[int, int], tuple[Index, frozenset[str]]] = {}


V = TypeVar("V")


def _per_entry(cache: dict[tuple[int, int], tuple[Index, V]], index: Index, doc: int, compute: Callable[[], V]) -> V:
    """`compute()` for this index's entry `doc`, remembered in `cache` (up to _PHRASING_WEIGHTS_MAX entries;
    the index is kept beside the value so that a new index at a reused id is never served another's)."""
    key = (id(index), doc)
    known = cache.get(key)
    if known is not None and known[0] is index:
        return known[1]
    if len(cache) >= _PHRASING_WEIGHTS_MAX:
        cache.clear()
    value = compute()
    cache[key] = (index, value)
    return value


def _phrased_terms(index: Index, doc: int) -> frozenset[str]:
    """The stems of an entry's question and aliases."""
    return _per_entry(
        _PHRASED, index, doc, lambda: frozenset(t for pairs, _ in _weighted_phrasings(index, doc) for t, _ in pairs)
    )


def _weighted_phrasings(index: Index, doc: int) -> list[tuple[list[tuple[str, float]], float]]:
    return _per_entry(_PHRASING_WEIGHTS, index, doc, lambda: _phrasings_weighed(index, doc))


def _phrasings_weighed(index: Index, doc: int) -> list[tuple[list[tuple[str, float]], float]]:
    """Each phrasing of the entry as (stem, IDF) pairs, with the sum of its IDFs."""
    idf = index.idf
    weighted = []
    for phrasing in index.entry_phrasings(doc):
        pairs = [(term, idf(term)) for term in phrasing]
        total = 0.0
        for _, rarity in pairs:
            total += rarity  # added in order, as the scores have always been
        weighted.append((pairs, total))
    return weighted


def combine(question_share: float, phrasing_share: float) -> float:
    return (1 + BETA**2) * question_share * phrasing_share / (BETA**2 * phrasing_share + question_share)


# A figure, or a word that asks for one or for a change in one: "how many", "millions", "doubled".
# Looked up as words (no pattern to compile on the quick path); "-fold" words and digits too.
_QUANTITY_WORDS = frozenset(
    """
    number numbers figure figures stat stats statistic statistics percent percentage million millions
    thousand thousands hundred hundreds dozen dozens billion billions count counts total volume amount
    rate tally double doubles doubled doubling twice half grow grows grown growth growing grew increase
    increased increases increasing rise rises risen rising rose surge surged surging jump jumps jumped
    spike spiked spikes climb climbs climbed climbing cut cuts cutting reduce reduces reduced reducing
    reduction shrink shrinks faster fewer lot lots tons loads plenty
    """.split()
)
_HOW_SO = frozenset(("how", "that", "this", "so"))  # "how many", and "that many" of a figure one has read
FIGURE_DISCOUNT = 0.5  # a figure claim's confidence for a question that asks no figure, beside a related entry
FIGURE_RIVAL = 1.0  # ...when that related entry is a candidate at all (a figure question says it asks one)


def states_quantity(text: str) -> bool:
    """Whether `text` gives a figure or asks for one (or for a rise or a fall in one)."""
    if "%" in text or any(c.isdigit() for c in text):
        return True
    words = normalise(text).split()
    return any(w in _QUANTITY_WORDS or (w.endswith("fold") and len(w) > 4) for w in words) or any(
        a in _HOW_SO and b in ("many", "much") for a, b in zip(words, words[1:], strict=False)
    )


def figure_checked(
    query: str,
    candidates: list[Candidate],
    figure_related: Callable[[str], tuple[str, ...] | None],
    rank_without: Callable[[str], list[Candidate]] | None = None,
) -> list[Candidate]:
    """The candidates, a figure claim's confidence halved when the question asks no figure and an
    entry it relates to is also a candidate (OFF_TOPIC_DISCOUNT's twin, for one entry).

    An explainer and its figure ("What is Interpol's ICSE database?", "Has ICSE identified
    more than 42,300 victims?") share their words: "how does ICSE help identify victims"
    asks the first. `figure_related(id)`: the entry's related ids when its claim is a figure
    claim, else None. `rank_without(id)`: the candidates ranked as if that entry were not in
    the data; when one it relates to comes first, those replace the other candidates.
    """
    if len(candidates) < 2 or candidates[1].score < FIGURE_RIVAL or states_quantity(query):
        return candidates  # no rival close enough (most questions: no entry is looked up)
    best = candidates[0]
    related = figure_related(best.id)
    if not related or not any(c.id in related and c.score >= FIGURE_RIVAL for c in candidates[1:]):
        return candidates
    discounted = best._replace(score=round(best.score * FIGURE_DISCOUNT, 1))
    rest = candidates[1:]
    if rank_without is not None:
        # Ranked again without it, the related explainer no longer has the figure claim as its rival
        # (the model had halved its confidence for that close runner-up); any other winner is ignored.
        again = rank_without(best.id)
        if again and again[0].id in related:
            rest = again
    return sorted([discounted, *rest], key=lambda c: -c.score)


MAX_PARTS_CHECKED = 3  # a question of this many parts at most is checked part by part (not a pasted page)
FOCUS_DISCOUNT = 0.5  # the best candidate's confidence when only a related rival is asked the question's way


def _related_rivals(candidates: Sequence[Candidate], related: Callable[[str], tuple[str, ...]]) -> list[Candidate]:
    """The runners-up scoring CLOSE_SCORE that the best candidate relates to, or that relate to it."""
    best = candidates[0]
    mine = related(best.id)
    return [c for c in candidates[1:] if c.score >= CLOSE_SCORE and (c.id in mine or best.id in related(c.id))]


def first_part_checked(
    query: str,
    candidates: list[Candidate],
    related: Callable[[str], tuple[str, ...]],
    rank_part: Callable[[str], Candidate],
    threshold: float,
) -> list[Candidate]:
    """The candidates, a related runner-up put first when it is the confident answer of the
    question's first part and the best candidate answers only a later part (or none alone).

    A question of two parts about related entries ("What does Europol contribute to cross-border
    cases, and how is that different from Interpol's part?") asks its first part first; the
    whole question's words can favour the entry of the second part, or an entry between them.
    `related(id)`: an entry's related ids; `rank_part(text)`: the best candidate for one part
    (called only when a related runner-up scores CLOSE_SCORE, for a question of 2-3 parts).
    """
    if len(candidates) < 2:
        return candidates
    rivals = _related_rivals(candidates, related)
    if not rivals:
        return candidates  # most questions: no part is ranked
    parts = segments(query)
    if not 2 <= len(parts) <= MAX_PARTS_CHECKED:
        return candidates
    if any(parts[0] in told for told in context_parts(query)):
        return candidates  # it opens with a story ("My ex made a false report about me."): not a part asked
    first = rank_part(parts[0])
    if first.score < threshold or first.id == candidates[0].id or first.id not in {c.id for c in rivals}:
        return candidates
    return sorted([first, *(c for c in candidates if c.id != first.id)], key=lambda c: -c.score)


_INTERROGATIVES = frozenset(("who", "whom", "whose", "where", "why", "which", "how", "what"))
_HOW_MUCH = frozenset(("many", "much", "long", "often"))
_LEADING_PREPOSITIONS = frozenset(("for", "in", "to", "from", "by", "with", "at", "on", "of", "since", "until"))


def interrogatives(text: str) -> frozenset[str]:
    """The question words that open the clauses of `text` ("how many" and "how long" as one).

    "when" is left out: it opens as many telling clauses ("When our platform flags an
    upload, ...") as asking ones.
    """
    found = set()
    for clause in re.split(r"[.?!;:,\n]+|\b(?:and|or)\b", text.lower()):
        words = clause.replace("'", " ").split()
        if len(words) > 1 and words[0] in _LEADING_PREPOSITIONS and words[1] in _INTERROGATIVES:
            words = words[1:]  # "for how long", "in what way", "to whom": the question word asks
        if words and words[0] in _INTERROGATIVES:
            how_much = words[0] == "how" and len(words) > 1 and words[1] in _HOW_MUCH
            found.add(f"how {words[1]}" if how_much else words[0])
    return frozenset(found)


# A short clause that asks more about what the question has named ("..., and what does it involve?",
# "How does that work?"): its question word is not the question's focus.
_FOLLOW_UP = re.compile(
    r"(?:[.?!;:,]\s*|\b(?:and|or|but|so)\s+)(?:how|what|why|who|where|which)\s+(?:does|do|did|would|will|can|could)\s+"
    r"(?:it|that|this|they|those|these)(?:\s+[a-z]+)?\s*[?.!]",
    re.IGNORECASE,
)


def _without_follow_ups(text: str) -> str:
    """`text` without its short follow-up questions about what it has said (see _FOLLOW_UP)."""
    return _FOLLOW_UP.sub(". ", text)  # called for few questions (a related runner-up close behind)


def focus_checked(
    query: str,
    candidates: list[Candidate],
    related: Callable[[str], tuple[str, ...]],
    asks_with: Callable[[str], frozenset[str]],
    rank_without: Callable[[str], list[Candidate]] | None = None,
) -> list[Candidate]:
    """The candidates, the best one's confidence halved when the question opens with a question word
    that none of its phrasings uses and a close related runner-up's phrasings do.

    Question words are stopwords to the ranker, so two related entries that share their words
    differ only in what they ask: "Why is it difficult for police of different countries to
    investigate the rings together?" asks why (the obstacles), not how (the cooperation).
    `asks_with(id)`: the question words opening the clauses of an entry's question and aliases;
    `rank_without(id)`: the candidates ranked as if that entry were not in the data (when one of
    those rivals then comes first, they replace the other candidates).
    """
    if len(candidates) < 2:
        return candidates
    rivals = _related_rivals(candidates, related)
    if not rivals:
        return candidates  # most questions
    focus = interrogatives(_without_follow_ups(query))
    best = candidates[0]
    if not focus or focus & asks_with(best.id) or not any(focus & asks_with(c.id) for c in rivals):
        return candidates
    discounted = best._replace(score=round(best.score * FOCUS_DISCOUNT, 1))
    rest = candidates[1:]
    if rank_without is not None:  # as in figure_checked: the rival asked this way, no longer beside the best
        again = rank_without(best.id)
        if again and again[0].id in {c.id for c in rivals}:
            rest = again
    return sorted([discounted, *rest], key=lambda c: -c.score)


class Decision(NamedTuple):
    best: Candidate | None
    answered: bool
    close_call: bool


def decide(candidates: Sequence[Candidate], threshold: float = ANSWER_THRESHOLD) -> Decision:
    """Answer when the best candidate's score (the model's probability, 0-100) reaches `threshold`.

    The model weighs the lead over the runner-up itself: two nearly equal entries mean the
    question is ambiguous between them, and neither reaches the threshold.
    """
    if not candidates:
        return Decision(None, False, False)
    best = candidates[0]
    answered = best.score >= threshold and best.score > 0
    close = answered and len(candidates) > 1 and candidates[1].score >= CLOSE_SCORE
    return Decision(best, answered, close)
