"""Claim spotting: which sentences of a text make a claim the fact-checks rate. Pure, no I/O.

`factcheck check` reads a document (plain text, Markdown tolerated), and this module
splits it into sentences (`sentences`), matches each one as a statement through the
Engine's own matching (`Engine.ask`: the safety policy first, then the ranked candidates
with the decision model's score), and keeps only what clears a stricter bar than a
question does (`spot`):

- the decision score reaches SPOT_SCORE (or the model's own threshold, when lower);
- the sentence shares content words with the entry's claim, question or one of its
  aliases: at least MIN_SHARED of them, and at least half of the best phrasing's weight;
- a number the sentence gives (a figure, a year) appears in the entry, when the entry
  gives numbers at all: "32 million reports" is not "16.9 million", nor is 2030 a 2023;
- the sentence is a statement: questions, headings, and list items that are labels (no
  final punctuation, auxiliary, negation or figure: "- Support services for survivors")
  are scene-setting;
- explainer entries (how/what topics, no rating) count only for a sentence that states a
  figure the entry reports: a sentence on Europol's role is not a rated claim.

A sentence that seeks abuse material or ways to evade investigators (the same safety
policy as `ask`) is never matched: it is counted, not repeated.

Each finding says whether the sentence repeats the rated claim, contradicts it (by
explicit negation, factcheck.stance) or only mentions its topic, and "mentions" whenever
that cannot be told reliably (a hedge, a conditional, a negation away from the claim).
A reported statement ("experts noted that ... no law covers it") is read for what it states.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from factcheck.errors import FactcheckError

if TYPE_CHECKING:
    from factcheck.engine import Engine
    from factcheck.model import Entry


# A text larger than this is refused (a one-line error): about 170,000 words, checked in
# well under a minute. Data files have their own, larger limit (config.MAX_FILE_BYTES): a
# document costs a ranking per sentence, a data file only parsing.
MAX_TEXT_BYTES = 1024 * 1024
BINARY_SNIFF = 8192  # a NUL byte in this many first bytes makes a file binary, as for grep


class UnreadableText(FactcheckError):
    """A document that is not text factcheck can check: empty, binary, too large or not UTF-8."""


def read_text(name: str) -> str:
    """A document to check, from a file or '-' (stdin), bounded; UnreadableText or OSError if unusable."""
    import sys

    if name == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # `factcheck check - <&-`
            raise OSError("stdin is closed")
        return decode(stream.read(MAX_TEXT_BYTES + 1))
    with open(name, "rb") as handle:
        return decode(handle.read(MAX_TEXT_BYTES + 1))


def decode(raw: bytes) -> str:
    """The text of a document read as bytes (at most MAX_TEXT_BYTES + 1 of them); UnreadableText if none."""
    if len(raw) > MAX_TEXT_BYTES:
        raise UnreadableText(f"larger than {MAX_TEXT_BYTES // 1024} KiB, the limit for one text; split it")
    if b"\x00" in raw[:BINARY_SNIFF]:
        raise UnreadableText("binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableText(
            f"not UTF-8 text (invalid byte at offset {error.start}); convert it first, e.g. with iconv"
        ) from None
    if not any(c.isalnum() for c in text):
        raise UnreadableText("no text to check")
    return text


class Sentence(NamedTuple):
    """One sentence of a document: its text (on one line) and where it starts (1-based)."""

    text: str
    line: int
    column: int
    # A Markdown heading, a Title Case line without final punctuation, or a label: a list item
    # without final punctuation, verb or figure ("- Support services for survivors").
    heading: bool = False


# --- Splitting ----------------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_ITEM = re.compile(r"^\s*(?:[-*+\u2022\u2023\u25e6]|\(?\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_RULE = re.compile(r"^\s{0,3}(?:[-=_*]\s*){3,}$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_TERMINAL = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")
# A sentence ends at . ! ? (and closing quotes or brackets), before a space and a capital,
# a digit or an opening quote or bracket.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al dr mr mrs ms st no nos fig figs inc ltd co corp jr sr prof approx est dept gov "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u".split()
)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_EMPHASIS = re.compile(r"(?<!\w)(?:\*\*|__|\*|_|`)(?=\S)|(?<=\S)(?:\*\*|__|\*|_|`)(?!\w)")
_SPACES = re.compile(r"\s+")
WRAP_WIDTH = 60  # a line this long without final punctuation is a paragraph wrapped, not a title
# What makes an unpunctuated list item a statement rather than a label: an auxiliary, a modal, a
# negation or a figure. Closed words only: "changes" or "rules" may be a verb or a noun.
_STATEMENT_CUE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|can|cannot|could|will|would|may|"
    r"might|must|should|shall|not|never|no|none|nobody|nothing|\w+n['\u2019]t)\b|\d",
    re.IGNORECASE,
)


class _Piece(NamedTuple):
    line: int
    column: int  # 1-based column of the piece's first character in its line
    text: str


def _blocks(text: str) -> Iterator[tuple[str, list[_Piece]]]:
    """Paragraphs, list items, headings and quotes (kind, pieces of its lines)."""
    block: list[_Piece] = []
    kind = ""  # "prose", "item", "heading", "quote"
    fenced = False
    for number, raw in enumerate(text.splitlines(), 1):
        if _FENCE.match(raw):
            fenced = not fenced
            if block:
                yield kind, block
            block, kind = [], ""
            continue
        if fenced:
            continue  # code is not prose
        if not raw.strip() or _RULE.match(raw):
            if block:
                yield kind, block
            block, kind = [], ""
            continue
        marker, line_kind = _HEADING.match(raw), "heading"
        if marker is None:
            marker, line_kind = _ITEM.match(raw), "item"
        if marker is None:
            marker, line_kind = _QUOTE.match(raw), "quote"
        if marker is None:
            line_kind = "prose"
        start = marker.end() if marker else len(raw) - len(raw.lstrip())
        piece = _Piece(number, start + 1, raw[start:].rstrip())
        if not piece.text:
            continue
        if block and _continues(block, kind, raw, line_kind, piece.text):
            block.append(piece)
            continue
        if block:
            yield kind, block
        block = [piece]
        kind = line_kind
    if block:
        yield kind, block


def _continues(block: list[_Piece], kind: str, raw: str, line_kind: str, text: str) -> bool:
    """Does this line carry on the block before it (a wrapped paragraph), or start a new one?"""
    if kind == "heading" or line_kind in ("heading", "item"):
        return False
    if (kind == "quote") != (line_kind == "quote"):
        return False
    previous = block[-1].text
    if _TERMINAL.search(previous):
        return True  # harmless: a sentence boundary falls there anyway
    if text[:1].islower() or text[:1].isdigit():
        return True
    if kind == "item":  # a list item goes on only on an indented line
        return raw[:1].isspace()
    return len(previous) >= WRAP_WIDTH and not _title_case(previous)  # else a title


def _title_case(line: str) -> bool:
    """A Title Case Line (most of its longer words capitalised) is a heading, however long."""
    words = [w for w in line.split() if len(w) > 3 and w[:1].isalpha()]
    return bool(words) and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _label(item: str) -> bool:
    """Is a list item a label ("Hash matching and how platforms use it"), naming a topic as a
    heading does, rather than a statement? Without final punctuation, auxiliary, negation or figure."""
    return not _TERMINAL.search(item) and not _STATEMENT_CUE.search(item)


def _is_abbreviation(text: str, end: int) -> bool:
    """Does the period before `end` close an abbreviation ("e.g.", "U.S.", "Dr.") or an initial?"""
    word = text[:end].rsplit(None, 1)[-1].rstrip(".").lstrip("(\"'\u201c").casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(text: str) -> list[Sentence]:
    """The sentences of a document in order, each with the line and column where it starts."""
    found: list[Sentence] = []
    for kind, block in _blocks(text):
        joined = ""
        starts: list[int] = []
        for piece in block:
            if joined:
                joined += " "
            starts.append(len(joined))
            joined += piece.text
        heading = kind == "heading" or (len(block) == 1 and not _TERMINAL.search(joined) and _title_case(joined))
        begin = 0
        for boundary in _BOUNDARY.finditer(joined):
            if joined[boundary.start() - 1] == "." and _is_abbreviation(joined, boundary.start()):
                continue
            _add(found, joined, begin, boundary.start(), block, starts, heading, kind == "item")
            begin = boundary.end()
        _add(found, joined, begin, len(joined), block, starts, heading, kind == "item")
    return found


def _add(
    found: list[Sentence],
    joined: str,
    begin: int,
    end: int,
    block: list[_Piece],
    starts: list[int],
    heading: bool,
    item: bool = False,
) -> None:
    from factcheck.text import plain_question

    raw = joined[begin:end]
    text = _SPACES.sub(" ", _EMPHASIS.sub("", _LINK.sub(r"\1", plain_question(raw)))).strip()
    if not any(c.isalnum() for c in text):
        return
    begin += len(raw) - len(raw.lstrip())
    at = bisect_right(starts, begin) - 1
    piece = block[at]
    heading = heading or (item and _label(text))
    found.append(Sentence(text, piece.line, piece.column + begin - starts[at], heading))


# --- Matching -----------------------------------------------------------------------------

STANCES = ("repeats", "contradicts", "mentions")
TOP = 3  # candidates considered per sentence and per clause
FLOOR = 25.0  # below this decision score a candidate is never a finding
# The decision score a statement needs (with half the phrasing's weight said): lower than a
# question's answer threshold, since a statement repeats the claim's own words. Stop 24: chosen on
# the two test articles and a blind column (76 -> 45: 54 -> 58 of 70 findings, 1 -> 2 wrong); on a
# blind forum thread it then found 25 of 30 (was 22) with 1 wrong (was 0).
SPOT_SCORE = 45.0
MIN_SHARED = 2  # content words a sentence must share with one phrasing of the entry
MIN_COVERAGE = 0.5  # ...and the share of that phrasing's weight they carry
REPEAT_COVERAGE = 0.5  # a sentence that says this much of the claim's weight, unnegated, repeats it
MIN_CLAUSE_WORDS = 4

_CLAUSE = re.compile(
    r";\s+|:\s+|,\s+(?=(?:and|but|while|whereas|although|though|yet|so|which)\s)|(?:\s[\u2013\u2014-])?\s+(?=but\s)",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_FIGURE = re.compile(
    r"\d|%|\b(?:dozens?|hundreds?|thousands?|millions?|billions?|percent|per\s+cent|double[ds]?|doubling|"
    r"twice|triple[ds]?|half)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(r"\b(?:whether|if|might|may|could|would|perhaps|possibly|unclear|unknown)\b", re.IGNORECASE)
_UNIVERSAL = re.compile(
    r"\b(?:every|everyone|everything|everywhere|all|each|any|always|alone|only|itself|themselves|whole|entire)\b"
    r"|\bon\s+(?:its|their)\s+own\b",
    re.IGNORECASE,
)
# Where a subordinate clause starts: a negation after it does not deny the main statement.
_SUBORDINATE = re.compile(r"\b(?:that|which|who|whose|whom|where|because|although|though|unless|if)\b", re.IGNORECASE)
# A reporting frame ("a panellist pointed out that ...", "experts noted that ..."): what follows
# "that" is what the sentence states, not a subordinate clause.
_REPORTED = re.compile(
    r"^[^,;:]{0,80}?\b(?:said|says|say|noted|notes|note|pointed\s+out|points\s+out|claimed|claims|claim|"
    r"argued|argues|argue|insisted|insists|insist|stressed|stresses|added|adds|warned|warns|explained|explains|"
    r"wrote|writes|reported|reports|found|finds|showed|shows|admitted|admits|acknowledged|acknowledges|"
    r"conceded|concedes|agreed|agree|agrees|told\s+\w+(?:\s+\w+)?)\s+that\s+",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b(?:[A-Z]{2,}\w*|\w*[a-z][A-Z]\w*|[A-Z][a-z]+)\b")


class Finding(NamedTuple):
    """A sentence that makes a claim an entry rates: the entry, the decision score, the stance."""

    sentence: Sentence
    entry: Entry
    score: float
    stance: str  # one of STANCES


class Report(NamedTuple):
    """What a document holds: its sentences counted, the findings in order, the sentences declined."""

    sentences: int
    findings: tuple[Finding, ...]
    declined: int  # sentences that seek abuse material or evasion: counted, never matched nor repeated


def clauses(text: str) -> list[str]:
    """The clauses of a sentence long enough to carry a claim of their own."""
    parts = [p.strip(" ,") for p in _CLAUSE.split(text)]
    return [p for p in parts if len(p.split()) >= MIN_CLAUSE_WORDS]


def numbers(text: str) -> frozenset[str]:
    """The figures a text gives, as digits ("42,300" -> "42300")."""
    return frozenset(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text))


class _Terms:
    """Content stems of texts (the matcher's own normalisation, synonyms and typo correction), cached."""

    def __init__(self, engine: Engine) -> None:
        from factcheck.match import query_terms

        self._index = engine.index
        self._query_terms = query_terms
        self._texts: dict[str, frozenset[str]] = {}
        self._phrasings: dict[str, tuple[frozenset[str], ...]] = {}
        self._weights: dict[str, float] = {}
        self._totals: dict[frozenset[str], float] = {}

    def of(self, text: str) -> frozenset[str]:
        found = self._texts.get(text)
        if found is None:
            plain = _POSSESSIVE.sub("", text)  # "the FBI's" says "FBI"
            found = self._texts[text] = frozenset(self._query_terms(plain, self._index))
        return found

    def phrasings(self, entry: Entry) -> tuple[frozenset[str], ...]:
        """The claim first, then the question and the aliases."""
        found = self._phrasings.get(entry.id)
        if found is None:
            texts = (entry.claim, entry.question, *entry.aliases)
            found = self._phrasings[entry.id] = tuple(t for t in (self.of(x) for x in texts) if t)
        return found

    def _weight(self, stems: frozenset[str]) -> float:
        weights = self._weights
        total = 0.0
        for stem in stems:
            weight = weights.get(stem)
            if weight is None:
                weight = weights[stem] = self._index.idf(stem)
            total += weight
        return total

    def coverage(self, said: frozenset[str], phrasing: frozenset[str]) -> tuple[float, int]:
        """The share of the phrasing's weight (IDF) that `said` carries, and how many stems they share."""
        shared = said & phrasing
        if not shared:
            return 0.0, 0
        total = self._totals.get(phrasing)
        if total is None:
            total = self._totals[phrasing] = self._weight(phrasing)
        return (self._weight(shared) / total if total else 0.0), len(shared)

    def best_coverage(self, said: frozenset[str], entry: Entry) -> tuple[float, int]:
        """The best coverage of the entry's phrasings among those sharing at least MIN_SHARED stems."""
        best = (0.0, 0)
        for phrasing in self.phrasings(entry):
            if len(said & phrasing) >= MIN_SHARED:
                best = max(best, self.coverage(said, phrasing))
        return best


def spot(engine: Engine, text: str) -> Report:
    """Every finding of a document, in document order (see the module's docstring for the bar)."""
    terms = _Terms(engine)
    threshold = min(SPOT_SCORE, engine.index.model.threshold)
    findings: list[Finding] = []
    declined = 0
    found = sentences(text)
    for sentence in found:
        matched = _match(engine, terms, sentence, threshold)
        if matched is None:
            declined += 1
        else:
            findings.extend(matched)
    return Report(len(found), tuple(findings), declined)


def _match(engine: Engine, terms: _Terms, sentence: Sentence, threshold: float) -> list[Finding] | None:
    """The sentence's findings, best first; None when the safety policy declines it."""
    from factcheck.safety import decline_kind

    def refused(text: str) -> bool:  # asking for help with one's own thoughts is no claim, and no refusal
        return decline_kind(text, engine.policy, unfamiliar=False, read=False) not in (None, "help")

    text = sentence.text
    if sentence.heading or text.rstrip("\"'\u201d\u2019)] ").endswith("?") or len(text.split()) < MIN_CLAUSE_WORDS - 1:
        # A question asks, a heading or a fragment names: none makes a claim. All still face the safety policy.
        return None if refused(text) else []
    # A sentence of several clauses is ranked clause by clause (a figure and a projection are two
    # claims), as a whole only when no clause could be a finding on its own; texts no entry could
    # match are not ranked at all (the ranking costs far more than the safety check).
    parts = [p for p in clauses(text) if _worth_ranking(engine, terms, p)] if len(clauses(text)) > 1 else []
    texts = parts or ([text] if _worth_ranking(engine, terms, text) else [])
    screened = texts != [text]
    if screened and refused(text):
        return None
    best: dict[str, tuple[float, Entry]] = {}
    for part in texts:
        # A sentence states, it does not ask (no answer gate); a clause of a sentence that passed
        # the safety check is not checked again out of its sentence.
        answer = engine.ask(part, top=TOP, notices=False, withhold=False, screened=screened)
        if answer.status == "declined":  # only an unscreened text is checked here: the sentence itself
            return None
        for candidate in answer.candidates:
            if candidate.score < FLOOR or best.get(candidate.id, (-1.0,))[0] >= candidate.score:
                continue
            entry = engine.catalog.get(candidate.id)
            if entry is not None and _clears(terms, part, entry, candidate.score, threshold):
                best[candidate.id] = (candidate.score, entry)
    ranked = sorted(best.values(), key=lambda item: -item[0])
    return [Finding(sentence, entry, score, stance(terms, text, entry)) for score, entry in ranked]


def _worth_ranking(engine: Engine, terms: _Terms, text: str) -> bool:
    """Could any entry clear the bar for this text? The words it shares with each entry's indexed
    text are counted first (cheap), and only entries sharing MIN_SHARED are looked at: most
    sentences of an article never reach the ranking, which costs far more."""
    from collections import Counter

    index = engine.index
    said = terms.of(text)
    counts: Counter[int] = Counter(doc for term in said for doc, _ in index.postings(term))
    for doc, shared in counts.items():
        if shared < MIN_SHARED:
            continue
        entry = engine.catalog.get(index.ids[doc])
        if entry is not None and _eligible(text, entry) and terms.best_coverage(said, entry)[0] >= MIN_COVERAGE:
            return True
    return False


def _eligible(text: str, entry: Entry) -> bool:
    """An explainer rates nothing: only a figure it reports is a claim it checks; and a figure
    claim ("460% in 2023") is matched only by its own figures."""
    if entry.verdict == "explainer" and not (_FIGURE.search(text) and _FIGURE.search(entry.claim)):
        return False
    wanted = numbers(entry.claim)
    return not wanted or bool(wanted & numbers(text))


def _clears(terms: _Terms, text: str, entry: Entry, score: float, threshold: float) -> bool:
    """The stricter bar a statement in a document must clear (a question only needs the score)."""
    if not _eligible(text, entry):
        return False
    coverage, shared = terms.best_coverage(terms.of(text), entry)
    if shared < MIN_SHARED:
        return False
    if score >= threshold and coverage >= MIN_COVERAGE:
        return True  # confident, and on the entry's words
    # Ranked lower, but saying one of the entry's phrasings whole with the claim's names and "every".
    said = terms.of(text)
    return (
        coverage >= 0.999
        and all(terms.of(n) <= said for n in _names(entry))
        and not (_UNIVERSAL.search(entry.claim) and not _UNIVERSAL.search(text))
    )


def stance(terms: _Terms, text: str, entry: Entry) -> str:
    """repeats, contradicts or mentions: how the sentence stands to the entry's claim.

    Judged on the clause that says most of the claim (or of one of the entry's phrasings),
    and there on the words around those the claim shares (`_scope`). Contradicts: exactly
    one negation or denial there ("do not - and cannot - trace", "rather than", "lack"),
    not inside a subordinate clause ("an address that was never theirs"). Repeats: no
    negation, the clause says half the claim's weight or every figure of a figure claim,
    with the claim's "every"/"alone" when it has them, without naming someone else in place
    of the claim's names (NCMEC for the FBI), and with no hedge (whether, may, would...) the
    claim lacks. Anything else, two negations included: mentions.
    """
    from factcheck.stance import denials

    parts = clauses(text) or [text]
    scored = [(terms.best_coverage(terms.of(p), entry), p) for p in parts]
    (coverage, _), clause = max(scored, key=lambda item: item[0][0])
    if coverage < MIN_COVERAGE:
        (coverage, _), clause = terms.best_coverage(terms.of(text), entry), text
    if coverage < MIN_COVERAGE:
        return "mentions"
    if _HEDGE.search(clause) and not _HEDGE.search(entry.claim):
        return "mentions"
    scope = _other_figure_set_aside(_scope(terms, clause, entry), entry)
    denied, claimed_denied = denials(scope), denials(entry.claim)
    if denied > 1 or claimed_denied > 1:
        return "mentions"  # double negatives are not read
    if denied != claimed_denied:
        main = _SUBORDINATE.split(_REPORTED.sub("", scope, count=1), maxsplit=1)[0]
        return "contradicts" if denials(main) != claimed_denied else "mentions"
    said = terms.of(clause)
    figures = numbers(entry.claim)
    full = coverage >= 0.999 and all(terms.of(n) <= said for n in _names(entry))
    if terms.coverage(said, terms.of(entry.claim))[0] < REPEAT_COVERAGE and not full:
        if not (figures and figures <= numbers(clause)):
            return "mentions"
    if _UNIVERSAL.search(entry.claim) and not _UNIVERSAL.search(clause):
        return "mentions"
    claimed = [terms.of(n) for n in _names(entry)]
    if any(not n <= said for n in claimed if n):
        # A name of the claim is missing: fine, unless the clause names someone else in its place.
        known = frozenset().union(*claimed, *terms.phrasings(entry)[:1])
        others = [n for n in _clause_names(clause) if terms.of(n) and not terms.of(n) <= known]
        if others:
            return "mentions"
    return "repeats"


# "..., not 46" / "rather than 46%": a negation of another figure corrects it; it denies nothing of the claim.
_NOT_FIGURE = re.compile(
    r"\b(?:not|rather than|instead of)\s+(?:the\s+|just\s+|only\s+)?(\d(?:[\d,.]*\d)?)\s*(?:%|percent\b|per cent\b)?",
    re.IGNORECASE,
)


def _other_figure_set_aside(scope: str, entry: Entry) -> str:
    """The scope without negations of a figure the claim does not give ("460 percent, not 46"),
    when the claim gives figures of its own."""
    figures = numbers(entry.claim)
    if not figures:
        return scope
    return _NOT_FIGURE.sub(lambda m: "" if numbers(m.group(1)) - figures else m.group(0), scope)


def _clause_names(clause: str) -> list[str]:
    """The names a clause gives: its first word only when it is one however placed (NCMEC,
    CyberTipline), not a word capitalised because it opens the clause ("Police", "The")."""
    found = _NAME.findall(clause)
    if found and clause.lstrip(" \"'\u201c\u2018(").startswith(found[0]) and found[0][1:].islower():
        found = found[1:]
    return found


_WORD = re.compile(r"[\w'\u2019-]+")
SCOPE_AFTER = 3  # words after the last of the claim's words that can still negate it ("proves nothing")


def _scope(terms: _Terms, clause: str, entry: Entry) -> str:
    """The part of a clause about the claim: up to a few words after the last word the entry uses.
    A negation further on ("..., demonstrating why it is a clearinghouse rather than an arresting
    agency") is not about this claim."""
    wanted = terms.of(entry.claim).union(*terms.phrasings(entry))
    words = list(_WORD.finditer(clause))
    hits = [n for n, w in enumerate(words) if terms.of(w[0]) & wanted]
    if not hits:
        return clause
    return clause[: words[min(hits[-1] + SCOPE_AFTER, len(words) - 1)].end()]


def _names(entry: Entry) -> list[str]:
    """The names in the claim (FBI, CyberTipline, Interpol), which a sentence repeating it says too."""
    found = _NAME.findall(entry.claim)
    if found and entry.claim.lstrip().startswith(found[0]) and found[0][1:].islower():
        # A capitalised first word is a name only if the entry writes it so within a sentence too.
        elsewhere = " ".join((entry.question, *entry.aliases))
        if not re.search(rf"\w\W+{re.escape(found[0])}\b", elsewhere):
            found = found[1:]
    return found
