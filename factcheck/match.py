"""Find the entry that answers a question: normalise, index, rank, score. Pure, no I/O.

Ranking is BM25 over each entry's phrasings (question and aliases, weighted high) and
its body (answer, claims, tags, weighted low), after unicode/case/punctuation
normalisation, a domain synonym table, stopwords and Snowball stemming. Words not in
the index are corrected to the nearest indexed word with rapidfuzz (typos).

The 0-100 score is the share of the question's information (IDF weight of its terms,
unknown words counting the most) that the entry accounts for. It is comparable across
questions, so one threshold decides whether to answer at all.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

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
RANK_MIX = 0.5  # share of similarity (vs relative BM25) in the final ranking
BETA = 1.0  # F-beta weighting of question share vs phrasing share

# Defaults chosen on bench/questions.yaml (see README "Matching").
# Answer only when the best score reaches ANSWER_THRESHOLD and it leads the runner-up
# (on the ranking key, 0-1) by MIN_MARGIN; within CLOSE_MARGIN it answers but says so.
ANSWER_THRESHOLD = 65.0
MIN_MARGIN = 0.05
CLOSE_MARGIN = 0.15

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")


class Lexicon(NamedTuple):
    """Domain knowledge kept as data (data/lexicon.yaml): synonyms and stopwords."""

    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    stopwords: frozenset[str]
    longest_from: dict[str, int]  # derived, for speed: the longest variant starting with each word

    @classmethod
    def create(cls, synonyms: dict[tuple[str, ...], tuple[str, ...]], stopwords: frozenset[str]) -> Lexicon:
        longest_from: dict[str, int] = {}
        for variant in synonyms:
            longest_from[variant[0]] = max(longest_from.get(variant[0], 0), len(variant))
        return cls(synonyms, stopwords, longest_from)

    @classmethod
    def from_mapping(cls, data: dict[str, object]) -> Lexicon:
        """`{"synonyms": {canonical: [variant, ...]}, "stopwords": [...]}`."""
        synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
        raw_synonyms = data.get("synonyms") or {}
        assert isinstance(raw_synonyms, dict)
        for canonical, variants in raw_synonyms.items():
            target = tuple(normalise(str(canonical)).split())
            for variant in [canonical, *(variants or [])]:
                words = tuple(normalise(str(variant)).split())
                if words and words != target:
                    synonyms[words] = target
        raw_stop = data.get("stopwords") or []
        assert isinstance(raw_stop, list)
        stopwords = frozenset(w for s in raw_stop for w in normalise(str(s)).split())
        return cls.create(synonyms, stopwords)


def normalise(text: str) -> str:
    """Unicode-fold, drop accents, lowercase, and reduce punctuation to single spaces."""
    text = _URL.sub(" ", text)
    text = _CAMEL.sub(" ", text)  # #DefundTheCBC -> Defund The CBC
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("'", "").replace("\u2019", "")  # can't -> cant
    text = _NON_WORD.sub(" ", text)
    return _UNDERSCORE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer("english")


def stem_all(words: Sequence[str]) -> list[str]:
    return _stemmer().stemWords(list(words))


def apply_synonyms(words: list[str], lexicon: Lexicon) -> list[str]:
    """Greedy longest-phrase replacement: 'child porn' -> 'csam', 'cops' -> 'police'."""
    longest_from = lexicon.longest_from
    if not longest_from:
        return words
    out: list[str] = []
    i, count = 0, len(words)
    while i < count:
        longest = longest_from.get(words[i], 0)
        for size in range(min(longest, count - i), 0, -1):
            target = lexicon.synonyms.get(tuple(words[i : i + size]))
            if target is not None:
                out.extend(target)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def content_words(words: list[str], lexicon: Lexicon) -> list[str]:
    """Normalised words after synonyms, without stopwords (not yet stemmed)."""
    return [w for w in apply_synonyms(words, lexicon) if w not in lexicon.stopwords]


class Index(NamedTuple):
    """BM25 impacts per term, plus what typo correction and scoring need."""

    ids: tuple[str, ...]
    questions: tuple[str, ...]
    # Compact shapes (arrays, joined strings) keep the cached index quick to load:
    # with 10,000 entries, tuples of tuples and frozensets took ~60 ms to unpickle.
    slots: dict[str, int]  # stem -> its slot in the arrays below
    idfs: array  # 'd', per slot
    offsets: array  # 'I', per slot + 1: the slot's postings are docs/impacts[offsets[s]:offsets[s + 1]]
    docs: array  # 'I'
    impacts: array  # 'd': the precomputed BM25 contribution of the stem to the doc
    max_idf: float
    phrasings: tuple[str, ...]  # per entry: its question's and aliases' stems ("a b\nc d")
    terms: tuple[str, ...]  # per entry: every stem it contains, body included ("a b c")
    known: frozenset[str]  # every word of the entries and the lexicon, before synonyms
    vocabulary: tuple[str, ...]  # `known` as a sequence, for rapidfuzz typo correction
    lexicon: Lexicon

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


def _entry_texts(entry: Entry, lexicon: Lexicon, known: set[str]) -> tuple[list[list[str]], list[str]]:
    """Content words of each phrasing (question, aliases), and of the body; records raw words in `known`."""

    def words_of(text: str) -> list[str]:
        raw = normalise(text).split()
        known.update(raw)
        return content_words(raw, lexicon)

    phrasings = [words_of(text) for text in (entry.question, *entry.aliases)]
    body = [entry.answer or "", *(c.text for c in entry.claims), " ".join(entry.tags)]
    body.append(entry.id.replace("-", " "))
    return phrasings, [w for text in body for w in words_of(text)]


def build_index(entries: Sequence[Entry], lexicon: Lexicon) -> Index:
    """Precompute each (term, entry) BM25 impact so ranking is a sum of lookups."""
    bags: list[dict[str, float]] = []
    known: set[str] = set(lexicon.stopwords)
    known.update(w for variant in lexicon.synonyms for w in variant)
    phrasing_lines: list[str] = []
    for entry in entries:
        phrasing_words, body_words = _entry_texts(entry, lexicon, known)
        surface = [w for p in phrasing_words for w in p] + body_words
        stems = stem_all(surface)
        stem_of = dict(zip(surface, stems, strict=True))
        phrasing_lines.append("\n".join(" ".join(sorted({stem_of[w] for w in p})) for p in phrasing_words if p))
        bag: dict[str, float] = {}
        split = len(surface) - len(body_words)
        for stem in stems[:split]:
            bag[stem] = bag.get(stem, 0.0) + PHRASING_WEIGHT
        for stem in stems[split:]:
            bag[stem] = bag.get(stem, 0.0) + BODY_WEIGHT
        bags.append(bag)
    n = max(len(bags), 1)
    lengths = [sum(bag.values()) for bag in bags]
    avg_length = (sum(lengths) / n) or 1.0
    df: Counter[str] = Counter(term for bag in bags for term in bag)
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for doc, (bag, length) in enumerate(zip(bags, lengths, strict=True)):
        norm = K1 * (1 - B + B * length / avg_length)
        for term, tf in bag.items():
            postings.setdefault(term, []).append((doc, idf[term] * tf * (K1 + 1) / (tf + norm)))
    slots = {term: slot for slot, term in enumerate(postings)}
    offsets = array("I", [0])
    docs, impacts = array("I"), array("d")
    for entries_of_term in postings.values():
        docs.extend(d for d, _ in entries_of_term)
        impacts.extend(i for _, i in entries_of_term)
        offsets.append(len(docs))
    return Index(
        ids=tuple(e.id for e in entries),
        questions=tuple(e.question for e in entries),
        slots=slots,
        idfs=array("d", (idf[t] for t in postings)),
        offsets=offsets,
        docs=docs,
        impacts=impacts,
        phrasings=tuple(phrasing_lines),
        terms=tuple(" ".join(sorted(bag)) for bag in bags),
        max_idf=math.log(1 + (n + 0.5) / 0.5),
        known=frozenset(known),
        vocabulary=tuple(sorted(known)),
        lexicon=lexicon,
    )


def _correct(word: str, index: Index) -> str | None:
    """The indexed word a typo most likely meant, or None."""
    if len(word) < TYPO_MIN_LENGTH or word.isdigit():
        return None
    from rapidfuzz import fuzz, process  # only questions with unknown words pay for it

    best = process.extractOne(word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
    return best[0] if best else None


def query_terms(query: str, index: Index) -> list[str]:
    """Distinct stems of the query, typos corrected; unknown words kept (they lower the score)."""
    raw = normalise(query).split()
    corrections: dict[str, str | None] = {}
    for word in dict.fromkeys(raw):
        if word not in index.known and len(corrections) < MAX_QUERY_TERMS:
            corrections[word] = _correct(word, index)
    words = [corrections.get(w) or w for w in raw]  # typos first, so 'law enforcment' meets its synonym
    content = list(dict.fromkeys(content_words(words, index.lexicon)))[:MAX_QUERY_TERMS]
    return list(dict.fromkeys(stem_all(content)))


def rank(query: str, index: Index, top: int = 3) -> list[Candidate]:
    """The `top` best entries for `query`, best first, each scored 0-100.

    Always `top` of them (or every entry, if fewer): entries sharing nothing with the
    question follow the others with score 0, in data order.
    """
    top = max(top, 0)
    terms = query_terms(query, index)
    totals: dict[int, float] = {}
    for term in terms:
        for doc, impact in index.postings(term):
            totals[doc] = totals.get(doc, 0.0) + impact
    matched = _rank_matched(terms, totals, index, top) if totals else []
    if len(matched) < top:
        seen = {c.id for c in matched}
        unmatched = (i for i in range(len(index.ids)) if index.ids[i] not in seen)
        for doc in itertools.islice(unmatched, top - len(matched)):
            matched.append(Candidate(id=index.ids[doc], question=index.questions[doc], score=0.0, raw=0.0))
    return matched


def _rank_matched(terms: list[str], totals: dict[int, float], index: Index, top: int) -> list[Candidate]:
    """BM25 shortlist, re-ranked by similarity (see the module docstring)."""
    # Stable ordering: ties go to the entry that comes first in the data.
    pool = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[: max(top, RERANK_DEPTH)]
    # The information in the question: unknown words weigh as much as the rarest known one.
    weight = {t: index.idf(t) for t in terms}
    information = sum(weight.values())
    top_total = pool[0][1]
    scored = []
    for doc, total in pool:
        similarity = _similarity(terms, weight, information, doc, index)
        key = RANK_MIX * similarity + (1 - RANK_MIX) * total / top_total
        scored.append((key, doc, similarity))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [
        Candidate(id=index.ids[doc], question=index.questions[doc], score=round(100.0 * sim, 1), raw=key)
        for key, doc, sim in scored[:top]
    ]


def _similarity(terms: list[str], weight: dict[str, float], information: float, doc: int, index: Index) -> float:
    """How much of the question the entry accounts for, and of its closest phrasing the question says.

    Both are IDF-weighted shares; their harmonic mean is high only when the question and
    one way of asking the entry's question largely coincide.
    """
    entry_terms = index.entry_terms(doc)
    question_share = sum(weight[t] for t in terms if t in entry_terms) / information
    asked = set(terms)
    phrasing_share = 0.0
    for phrasing in index.entry_phrasings(doc):
        total = sum(index.idf(t) for t in phrasing)
        if total:
            phrasing_share = max(phrasing_share, sum(index.idf(t) for t in phrasing if t in asked) / total)
    if not question_share or not phrasing_share:
        return 0.0
    return combine(question_share, phrasing_share)


def combine(question_share: float, phrasing_share: float) -> float:
    return (1 + BETA**2) * question_share * phrasing_share / (BETA**2 * phrasing_share + question_share)


class Decision(NamedTuple):
    best: Candidate | None
    answered: bool
    close_call: bool


def decide(
    candidates: Sequence[Candidate],
    threshold: float = ANSWER_THRESHOLD,
    min_margin: float = MIN_MARGIN,
) -> Decision:
    """Answer when the best score clears the threshold and clearly leads the runner-up.

    Two nearly equal entries mean the question is ambiguous between them: rather than
    guess, it is not answered and both are offered ("did you mean").
    """
    if not candidates:
        return Decision(None, False, False)
    best = candidates[0]
    margin = best.raw - candidates[1].raw if len(candidates) > 1 else best.raw
    answered = best.score >= threshold and margin >= min(min_margin, best.raw)
    return Decision(best, answered, answered and margin < CLOSE_MARGIN)
