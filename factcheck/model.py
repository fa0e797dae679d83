"""The core's data types: immutable, terminal-agnostic, picklable (the cache stores them).

Records are NamedTuples rather than dataclasses: a CLI pays for class creation on every
run, and a NamedTuple class is several times cheaper to create (and to unpickle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from itertools import accumulate
from typing import NamedTuple, SupportsIndex

# The verdict scale of the editorial brief, in order, with the one-line meaning shown to users.
VERDICTS: dict[str, tuple[str, str]] = {
    "true": ("True", "The sources support the claim."),
    "mostly-true": ("Mostly true", "Largely supported by the sources, with a qualification."),
    "mixed": ("Mixed", "Partly supported and partly contradicted by the sources."),
    "mostly-false": ("Mostly false", "Largely contradicted by the sources, with a grain of truth."),
    "false": ("False", "The sources contradict the claim."),
    "unproven": (
        "Unproven",
        "Asserted without evidence, or not settled by the sources.",
    ),
    "explainer": ("Explainer", "A how/what question: no rating, a sourced explanation."),
}


class Verdict(StrEnum):
    """The verdict scale (VERDICTS gives each its label and meaning)."""

    TRUE = "true"
    MOSTLY_TRUE = "mostly-true"
    MIXED = "mixed"
    MOSTLY_FALSE = "mostly-false"
    FALSE = "false"
    UNPROVEN = "unproven"
    EXPLAINER = "explainer"


class Status(StrEnum):
    """How a question ended: what `status` says in JSON and what the exit code reflects."""

    ANSWERED = "answered"
    NO_MATCH = "no_match"
    DECLINED = "declined"
    HELP = "help"  # someone asking for help with their own thoughts: the help lines, not a refusal


STATUSES = tuple(Status)

_CITATION = re.compile(r"^\s*(?P<source>[^\s\[\]]+)\s*(?P<refs>(?:\[\s*\d+\s*\]\s*)*)$")


def verdict_label(verdict: str) -> str:
    return VERDICTS[verdict][0]


def verdict_meaning(verdict: str) -> str:
    return VERDICTS[verdict][1]


def claim_label(verdict: str) -> str:
    """What the claim line is called: an explainer explains a topic, every other verdict rates a claim."""
    return "Topic" if verdict == "explainer" else "Claim"


def parse_citation(citation: str) -> tuple[str, tuple[int, ...]] | None:
    """`"ip-tracing [4][5]"` -> `("ip-tracing", (4, 5))`; None when malformed."""
    found = _CITATION.match(citation)
    if not found:
        return None
    refs = tuple(int(n) for n in re.findall(r"\d+", found["refs"]))
    return found["source"], refs


class Resource(NamedTuple):
    """A reporting or help channel from shared/RESOURCES.md."""

    purpose: str  # "report" or "help"
    where: str
    name: str
    contact: str


class Source(NamedTuple):
    id: str
    title: str
    kind: str | None = None
    file: str | None = None
    url: str | None = None
    outdated_warning: str | None = None
    limits: str | None = None


class Claim(NamedTuple):
    text: str
    citations: tuple[str, ...] = ()

    @property
    def source_ids(self) -> tuple[str, ...]:
        ids = (parse_citation(c) for c in self.citations)
        return tuple(dict.fromkeys(p[0] for p in ids if p))


class Entry(NamedTuple):
    id: str
    question: str
    verdict: Verdict
    claim: str = ""  # the statement the verdict rates (a sentence, never a question)
    aliases: tuple[str, ...] = ()
    answer: str | None = None
    claims: tuple[Claim, ...] = ()
    caveats: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    reviewed: str | None = None  # ISO date
    file: str = ""
    line: int = 0

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for c in self.claims for s in c.source_ids))


class Catalog:
    """Every entry and source loaded from one or more data files, validated."""

    __slots__ = ("_ids", "_table", "entries", "sources")

    def __init__(
        self, entries: Sequence[Entry], sources: dict[str, Source] | None = None, ids: tuple[str, ...] = ()
    ) -> None:
        self.entries = entries
        self.sources = sources or {}
        self._ids: tuple[str, ...] | None = ids or tuple(e.id for e in entries)
        self._table = IdTable()  # a packed catalog's ids (then `_ids` is None until read)

    @property
    def ids(self) -> tuple[str, ...]:
        if self._ids is None:
            self._ids = self._table.ids()
        return self._ids

    def __repr__(self) -> str:
        return f"Catalog({len(self.entries)} entries, {len(self.sources)} sources)"

    def get(self, entry_id: str) -> Entry | None:
        if self._ids is None:  # a bisection of the sorted ids: no tuple of every id to build
            at = self._table.position(entry_id)
            return None if at is None else self.entries[at]
        try:
            return self.entries[self._ids.index(entry_id)]
        except ValueError:
            return None

    def __reduce_ex__(self, protocol: int) -> tuple[object, ...]:  # type: ignore[override]
        # Pickled entry by entry, into one byte string with offsets: loading a cached catalog
        # then costs two buffers (no object per entry), and only the entries a command uses
        # are rebuilt. The ids likewise, as one string. Entries already packed (read by
        # factcheck/engine.py's workers, or from the cache) are not pickled again.
        packed = self.entries if isinstance(self.entries, PickledEntries) else PickledEntries.pack(self.entries)
        table = self._table if self._ids is None else IdTable.of(self._ids)
        from array import array

        offsets = packed.offsets if isinstance(packed.offsets, (array, memoryview)) else array("Q", packed.offsets)
        args: tuple[object, ...]
        if protocol < 5:  # every buffer in band
            args = (bytes(packed.data), array("Q", offsets))
        else:  # out of band for the cache's pickler: mapped when loaded, not copied (1M entries: -10 ms)
            args = (_pickle_buffer(packed.data), _pickle_buffer(offsets))
        files, file_ends = packed.files
        return (_catalog_from_packed, (table, *args, self.sources, files, array("Q", file_ends)))

    def tags(self) -> list[str]:
        """Every tag the entries carry, sorted."""
        return sorted({t for entry in self.entries for t in entry.tags})

    def filter(self, verdicts: Sequence[str] = (), tags: Sequence[str] = (), search: str | None = None) -> list[Entry]:
        """Entries with one of `verdicts`, one of `tags` (any case), and `search` in their text; all when empty."""
        needle = search.casefold() if search else None
        wanted_tags = {t.lower() for t in tags}
        chosen = []
        for entry in self.entries:
            if verdicts and entry.verdict not in verdicts:
                continue
            if wanted_tags and not wanted_tags & set(entry.tags):
                continue
            if needle is not None:
                text = " ".join([entry.id, entry.question, entry.claim, *entry.aliases, entry.answer or ""])
                if needle not in text.casefold():
                    continue
            chosen.append(entry)
        return chosen

    def cited_by(self) -> dict[str, tuple[str, ...]]:
        """Each declared source id, in declared order -> the ids of the entries citing it, in data order."""
        citing: dict[str, list[str]] = {source_id: [] for source_id in self.sources}
        for entry in self.entries:
            for source_id in entry.source_ids:
                if source_id in citing:
                    citing[source_id].append(entry.id)
        return {source_id: tuple(ids) for source_id, ids in citing.items()}

    def sources_of(self, entry: Entry) -> tuple[Source, ...]:
        return tuple(self.sources[s] for s in entry.source_ids if s in self.sources)

    def outdated_warnings(self, entry: Entry) -> tuple[str, ...]:
        warnings = (s.outdated_warning for s in self.sources_of(entry) if s.outdated_warning)
        return tuple(dict.fromkeys(warnings))


class PickledEntries(Sequence[Entry]):
    """Entries held as pickled records, each made an Entry again on first access (see Catalog.__reduce_ex__).

    A record is an entry's fields as a plain tuple, its verdict as text and without its file,
    kept once per run of entries from the same file: in an Entry's own pickle, 40% went to
    what every entry repeats (class references, the verdict's, the file's path) and, in data
    like CLEF's, to an alias repeating the claim (now one string, referred to twice).
    """

    def __init__(
        self,
        data: bytes | bytearray | memoryview = b"",
        offsets: Sequence[int] = (),
        files: Sequence[str] = (),
        file_ends: Sequence[int] = (),
    ) -> None:
        self._data = data
        self._offsets = offsets or (0,)
        self._files = tuple(files)  # the file of each run of entries...
        self._file_ends = file_ends  # ...and where the run ends
        self._loaded: dict[int, Entry] = {}

    @classmethod
    def pack(cls, entries: Iterable[Entry]) -> PickledEntries:
        """`entries` pickled one after another into one buffer."""
        import _pickle
        from array import array

        # Appended to one buffer as they are pickled: a list of a million small byte strings,
        # then their join, held twice the catalog's size at the peak of a first run.
        data = bytearray()
        offsets = array("Q", [0])
        files: list[str] = []
        file_ends = array("Q")
        for number, entry in enumerate(entries):
            if not files or entry.file != files[-1]:
                if files:
                    file_ends.append(number)
                files.append(entry.file)
            data += _pickle.dumps(_record(entry), protocol=5)
            offsets.append(len(data))
        if files:
            file_ends.append(len(offsets) - 1)
        return cls(data, offsets, files, file_ends)

    @classmethod
    def joined(cls, parts: Sequence[PickledEntries], consume: bool = False) -> PickledEntries:
        """The entries of `parts`, one after another, still pickled.

        `consume`: empty each part once copied (the caller is done with them), so that the
        parts and their join are not both held whole."""
        from array import array

        data = bytearray()
        offsets = array("Q", [0])
        files: list[str] = []
        file_ends = array("Q")
        for part in parts:
            shift, count = len(data), len(offsets) - 1
            data += part._data
            offsets.extend([offset + shift for offset in part._offsets[1:]])
            files += part._files
            file_ends.extend([end + count for end in part._file_ends])
            if consume:
                part._data, part._offsets, part._loaded = b"", (0,), {}
        return cls(data, offsets, files, file_ends)

    @property
    def data(self) -> bytes | bytearray | memoryview:
        return self._data

    @property
    def offsets(self) -> Sequence[int]:
        return self._offsets

    @property
    def files(self) -> tuple[tuple[str, ...], Sequence[int]]:
        """The file of each run of entries, and where each run ends."""
        return self._files, self._file_ends

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        from array import array

        offsets = self._offsets if isinstance(self._offsets, array) else array("Q", self._offsets)
        data = _pickle_buffer(self._data) if int(protocol) >= 5 else bytes(self._data)
        return (PickledEntries, (data, offsets, self._files, array("Q", self._file_ends)))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> Entry:  # type: ignore[override]
        if not isinstance(index, int):
            raise TypeError("PickledEntries supports integer indexes only")
        index = range(len(self))[index]  # negative indexes, IndexError
        entry = self._loaded.get(index)
        if entry is None:
            import _pickle
            from bisect import bisect_right

            start, end = self._offsets[index], self._offsets[index + 1]
            record = _pickle.loads(self._data[start:end])
            file = self._files[bisect_right(self._file_ends, index)]
            verdict = _VERDICT_OF.get(record[2], record[2])
            entry = self._loaded[index] = Entry._make((*record[:2], verdict, *record[3:11], file, record[11]))
        return entry


_VERDICT_OF = {str(verdict): verdict for verdict in Verdict}


def _record(entry: Entry) -> tuple[object, ...]:
    """An entry's fields but its file, its verdict as text; an alias equal to the claim or the question is that
    string itself (pickled once)."""
    claim, question = entry.claim, entry.question
    aliases = tuple(claim if a == claim else question if a == question else a for a in entry.aliases)
    return (
        entry.id, question, str(entry.verdict), claim, aliases, entry.answer, entry.claims,
        entry.caveats, entry.tags, entry.related, entry.reviewed, entry.line,
    )  # fmt: skip


def _pickle_buffer(data: object) -> object:
    """`data` as a buffer that protocol 5 pickles out of band (the cache maps it, a pipe copies it)."""
    import _pickle

    return _pickle.PickleBuffer(data)  # type: ignore[arg-type]  # bytes, bytearray, array or memoryview


class IdTable:
    """Entry ids in order (UTF-8, joined, with offsets) and their positions sorted by id: a lookup
    bisects, reading a few ids. Cached, all three are buffers mapped in place, so a later call
    neither copies nor searches a million ids (copying and searching them took 8-12 ms).
    """

    __slots__ = ("_offsets", "_order", "_text")

    def __init__(self, text: object = b"", offsets: object = (0,), order: object = ()) -> None:
        from array import array

        # Arrays in band; out of band, the bytes of one (a view of the mapped cache file).
        def typed(values: object, code: str) -> Sequence[int]:
            return values if isinstance(values, (array, tuple)) else memoryview(values).cast(code)  # type: ignore[arg-type, call-overload]

        self._text: bytes | memoryview = text  # type: ignore[assignment]
        self._offsets, self._order = typed(offsets, "Q"), typed(order, "I")

    @classmethod
    def of(cls, ids: Sequence[str]) -> IdTable:
        from array import array

        encoded = [i.encode("utf-8", "surrogatepass") for i in ids]
        # Stable: of repeated ids (never in validated data), the first is found, as tuple.index finds it.
        order = array("I", sorted(range(len(encoded)), key=encoded.__getitem__))
        return cls(b"".join(encoded), array("Q", accumulate(map(len, encoded), initial=0)), order)

    def _at(self, position: int) -> bytes:
        return bytes(self._text[self._offsets[position] : self._offsets[position + 1]])

    def position(self, entry_id: str) -> int | None:
        key, order = entry_id.encode("utf-8", "surrogatepass"), self._order
        low, high = 0, len(order)
        while low < high:  # UTF-8 bytes sort as their code points do
            middle = (low + high) // 2
            if self._at(order[middle]) < key:
                low = middle + 1
            else:
                high = middle
        return order[low] if low < len(order) and self._at(order[low]) == key else None

    def ids(self) -> tuple[str, ...]:
        text, offsets = bytes(self._text), self._offsets
        return tuple(str(text[offsets[n] : offsets[n + 1]], "utf-8", "surrogatepass") for n in range(len(offsets) - 1))

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        from array import array

        offsets, order = self._offsets, self._order
        if int(protocol) >= 5:  # arrays or mapped views as they are (a tuple only when empty)
            offsets = array("Q", offsets) if isinstance(offsets, tuple) else offsets
            order = array("I", order) if isinstance(order, tuple) else order
            return (IdTable, (_pickle_buffer(self._text), _pickle_buffer(offsets), _pickle_buffer(order)))
        return (IdTable, (bytes(self._text), array("Q", offsets), array("I", order)))


def packed_catalog(table: IdTable, entries: PickledEntries, sources: dict[str, Source]) -> Catalog:
    """A catalog of entries still pickled, with their ids as an IdTable (split only when `ids` is read)."""
    catalog = Catalog.__new__(Catalog)  # not __init__: it would read every entry's id
    catalog.entries, catalog.sources = entries, sources
    catalog._ids, catalog._table = None, table
    return catalog


def _catalog_from_packed(
    table: IdTable,
    data: bytes | memoryview,
    offsets: object,
    sources: dict[str, Source],
    files: tuple[str, ...],
    file_ends: Sequence[int],
) -> Catalog:
    from array import array

    # An array in band; out of band, the bytes of one (a view of the mapped cache file).
    where = offsets if isinstance(offsets, array) else memoryview(offsets).cast("Q")  # type: ignore[arg-type]
    return packed_catalog(table, PickledEntries(data, where, files, file_ends), sources)


class Candidate(NamedTuple):
    """One ranked match: an entry id with its 0-100 score."""

    id: str
    question: str
    score: float


class Answer(NamedTuple):
    """The outcome of asking one question: what every front end renders."""

    query: str
    status: Status
    entry: Entry | None
    score: float
    candidates: tuple[Candidate, ...]
    close_call: bool = False  # answered, but the runner-up was nearly as good
    safety_message: str | None = None  # set when declined, or when help is offered (status help)
    opposite_wording: bool = False  # the query negates the claim the verdict rates (factcheck.stance)
    safety_kind: str | None = None  # what a declined query sought (factcheck.safety.KINDS)
    # Channels shown with the result: every channel when declined, help first with status help,
    # and the reporting and help channels when an unanswered question seeks to report or get help.
    resources: tuple[Resource, ...] = ()
    not_english: bool = False  # the question looks written in another language (the data is English)
    # A question of several parts, answered for one of them while another part, on its own,
    # is answered by a different entry: the part answered, the other part, and that entry.
    answered_part: str | None = None
    other_part: str | None = None
    other_part_id: str | None = None
