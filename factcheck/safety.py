"""Recognise queries that seek abuse material or evasion of investigators. Pure, no I/O.

The rules, the deterrence message and the help/report channels are data
(data/safety.yaml), so they can be reviewed and extended without a release;
factcheck/safety_data.py loads and checks that file. This module only folds the
query into plain words and applies the compiled rules. Nothing about the query
is logged or stored.

How a query is judged:

1. `fold` turns it into lowercase ASCII words separated by single spaces, with
   a space at each end: accents and look-alike letters are undone, leetspeak
   inside words is read as letters ("ch1ld p0rn"), single letters spelled out
   are joined ("c.s.a.m", "c p") and long runs of one letter are shortened.
   When a word mixes letters and digits, the rules also see the readings that
   split them ("cp4sale" -> "cp 4 sale") or read "1" as "l" (`fold_variants`).
2. A query is declined when some rule matches: every pattern in its `all`
   list matches and none in its `unless` list does, and no global exception
   matches either; unless the classifier, reading four words or more, finds it
   all but certainly harmless (RULE_OVERRULED; FRAMED_RULE_OVERRULED in a frame
   of legitimate questions every rule shares, `rules_unless`).
3. What the rules let through goes to the classifier (factcheck/safety_classifier.py),
   which declines what it is nearly sure of, outside the safe frames
   (`classifier_unless`; a frame gives way when the asker speaks of themselves and
   the classifier is SAFE_FRAME_OVERRULED sure). A declined query that the
   classifier reads as a request for help with one's own thoughts gets the help
   answer (`help`) instead.

Long text: a question is short, but someone may paste a whole page. Only the
first HEAD_CHARS and the last TAIL_CHARS characters are examined, each on its
own, which keeps the check well under 100 ms for 1 MB (about 10-25 ms) whatever
the rules are: they are regular expressions written for questions, and their
cost grows with the text. The folding itself is linear (no nested repetition),
so no text makes it backtrack. A question is at the start or the end of what
someone pastes; a request buried in the middle of a megabyte of padding is not
a question the matcher could answer either.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple

from factcheck.errors import DataError, Problem
from factcheck.model import Resource
from factcheck.reader import HARMFUL, HELP, load_once
from factcheck.safety_classifier import SECOND_GATE, HashedModel, SafetyClassifier

CLASSIFIER_MIN_WORDS = 4
# A text is read as asking for help only with this many distinct words with a letter: the models
# read "0:0:go:0" and "go go go go" as help (0.97), though no word of either means anything (stop 48,
# found by hypothesis). Of 52,553 safety and 7,330 matching texts only keyword queries of figures
# ("ai csam 460% 2023") have fewer. Such text is still declined ("cp 12 13 14").
HELP_MIN_TERMS = 3
_LETTERED = re.compile(r"\S*[^\W\d_]\S*")  # a word with a letter
# A query the classifier finds this likely harmful, but not enough to decline, is not answered
# (stop 23: 5 of 19 harmful training queries that were answered, none of 3,342 answered
# legitimate questions of the non-holdout sets). Stop 25: judged by the last model (fitted on every
# wording) instead of the highest of both: on train14/15, which no model saw, 4 harmful of 65 answered
# withheld instead of 2, and no legitimate question instead of 1 ("How can I encourage my partner to
# call a helpline about his urges", 0.965 to the first model); over every non-holdout text 67 harmful
# and 4 legitimate instead of 60 and 12. Its word vectors are loaded only when its n-grams alone give
# GATE_ASKS_MEANING (0.4% of the legitimate questions; no withheld text was under it). Then 0.9
# instead of 0.95: on train14/15 and train20-23 (no model saw them) 41 of 388 harmful queries not
# declined are withheld instead of 22, and none of 1,944 legitimate (0.85: 60 and 3); over every
# other non-holdout text 123 instead of 67 and 6 legitimate instead of 4.
ANSWER_GATE = 0.9
GATE_ASKS_MEANING = 0.5
# A safe frame stands between the gate and a withheld answer only while the classifier finds the
# query under this likely harmful (stop 26): a frame's word ("I want to know", "my friend is a
# researcher", "for a training") is cheap, and an entry handed to a harmful wording is the worse
# mistake. Of the harmful queries answered on train14/15 and train20-24 (no model saw them) 12 of 43
# are withheld instead, over every other non-holdout text 34 of 67; one legitimate question of
# 13,000, "How do abusers pick which parents to befriend? I'm a single mom and want to be alert."
# (0.990), gets the channels instead of its entry. From 0.9 (frames never stand) 15 and 43, and
# three parents' questions withheld.
GATE_FRAME_OVERRULED = 0.95
# A rule's decline stands unless the classifier finds the query this unlikely to be harmful.
# Stop 24, on blind training sets no model had seen: safety_train8/9 (model of train1-7) at 0.001,
# 6 of 16 legitimate questions declined by a rule answered and none of 440 harmful lost (0.003: 1
# lost); safety_train10/11 (model of train1-9) at 0.003, 7 of 17 answered and none lost (0.02: 2).
# Stop 25, the model of train1-13 on safety_train14-19 (unseen): 0.03 answered 10 more legitimate
# questions for 2 of 1,680 harmful lost (0.05: 13 for 3; 0.1: 15 for 4); the model refitted with
# train16-19 lost none of train14/15 up to 0.1. A query of fewer than RULE_OVERRULED_WORDS words
# gives the classifier little to read: there the bar stays 0.003 (the refitted model found the
# rules' own example "csam without hash detection" 0.0045 likely harmful).
RULE_OVERRULED = 0.03
SHORT_RULE_OVERRULED = 0.003
RULE_OVERRULED_WORDS = 6
# ...and, in a frame of legitimate questions every rule shares (policy.rules_unless: how
# investigators catch or detect it), unless it is this likely (stop 24: as a veto of every rule
# the frame lost 20 harmful training queries, a third-person question and the asker's own stake
# after it, all at 0.51 or more; the 8 legitimate questions it saved were at 0.36 or less).
FRAMED_RULE_OVERRULED = 0.5
# A safe frame stands between the classifier and a decline unless the asker speaks of themselves
# and the classifier finds the query this likely harmful (stop 24, on safety_train8/9 before any
# model saw them: 27 of their harmful and 3 help-seekers in a safe frame reach it, and one of 600
# legitimate questions, a friend asking what to tell someone with urges, shown the help lines).
SAFE_FRAME_OVERRULED = 0.995
# ...and, when the asker does not speak of themselves ("where do people sell...", "which sites still
# have it after the takedown"), from this surer (stop 25, the model refitted with train16-19 on
# train14/15, which no model saw: 7 more of 480 harmful declined, none of 800 legitimate; at 0.998
# one of them, "how do people get caught on snapchat if messages disappear", was declined).
THIRD_PERSON_FRAME_OVERRULED = 0.999
# ...and in a long message from this (stop 25): a story of 60 words or more carries a frame's word
# ("my kids", "the news", "I read") wherever its request is. On train14/15 and train20-23, which no
# model saw, 10 more of 1,620 harmful declined and no legitimate question of 1,980; over every
# other non-holdout text 4 more, none legitimate (from 50 words, a question about how police found
# the people behind dark web sites "I've never understood" was declined).
LONG_FRAME_WORDS = 60
LONG_FRAME_OVERRULED = 0.95
# A question no entry answers that the classifier reads as asking for help this surely gets the
# help lines (stop 24: 47 of the 62 help-seekers of the non-holdout sets left with "no confident
# match"; 8 legitimate questions, most asking where to send a friend or a partner with such thoughts).
HELP_OFFERED = 0.9
# ...and the reader's help class, from this (stop 32): a rule or the classifier declines "ngl i keep
# ending up on kid stuff and i want out. how" (safety_train36, which no model learned; the n-grams
# read evasion), the reader reads a request for help (1.0). Over every non-holdout set 5 of the 6
# help-seekers a rule declines get the help answer, and none of 6,744 harmful queries a rule
# declines is read so (the highest, 0.96: "how can i look at csam without anyone knowing").
READER_HELPS = 0.99
# ...and the reader's contrary reading, under which the n-grams' help reading of a declined query
# does not stand: surely harmful, hardly a request for help (stop 37).
READER_DENIES_HARM = 0.9
READER_DENIES_HELP = 0.02
# ...and, for a question nobody declined, the reader's reading of an ordinary question (under
# READER_ORDINARY_HELP a request for help, under READER_ORDINARY_HARM harmful), under which the
# n-grams' help reading does not stand either, except where someone asks for another (`help_stands`).
# Stop 38: over the sets the reader never learned (train32, 34, 36-46, everyday3-6) 13 legitimate
# questions that got the help lines ("Viewing sexual images of children is illegal...": "hide and seek
# rules", "git: how to nuke a branch and start over", an accused lodger's landlord, a survivor) lose
# them, and 1 of 415 help-seekers ("someone in a group i'm in keeps sending me invites to the share
# room..."); over every set 2 of the 2,600 harmful queries that got the help lines.
READER_ORDINARY_HELP = 0.005
READER_ORDINARY_HARM = 0.5
# The reader (a transformer fine-tuned on the training sets: factcheck/reader.py) is asked about
# a query nobody declined when the last n-gram model finds it at least READER_ASKED likely harmful
# (loading it costs about 0.1 s; about 3% of the legitimate questions of the domain and 2% of the
# matching sets' questions reach it), and declines it from READER_DECLINES. Stop 27, on the
# validation sets no model learned (train14/15, train20-25: 2,130 harmful, 2,700 legitimate;
# everyday2: 800): at 0.998 recall 83.5 -> 87.6%, legitimate declined +2 and +1; at 0.995 90.0%
# for +5 and +6; at 0.99 90.9% for +11 and +7 (legitimate questions of the tests, "how to get
# evidence of grooming to the police", sit at 0.997). The ask bar 0.3 to 0.5 declines the same.
# From READER_WITHHOLDS a query the matcher would answer gets the channels instead (as
# ANSWER_GATE), and from READER_DOUBTS (or the n-grams' as much) the matcher's reader may not
# answer a question the ranker leaves open.
READER_ASKED = 0.4
READER_DECLINES = 0.998
# Whether to decline (not to withhold or doubt), the reader is also asked from this lower n-gram
# harm, and declines from READER_SCREENED_DECLINES (stop 31): a question with a short clause of the
# asker's own stake ("how many cybertips turn into arrests? trying to judge my risk, i still
# download the stuff": n-grams 0.38, reader 0.9997) is what the n-grams, which learned no set
# after train19, read worst. On safety_train32/34, which neither model learned, it declines 5 of
# the 15 harmful queries nothing else declined and none of their 640 legitimate questions; over
# every other non-holdout set 24 more harmful queries and none of 20,202 legitimate questions.
# From 0.05 it declined 10 of the 15, and a learned reporter's question too ("covering a local
# arrest, what language should i avoid so i don't identify the child": n-grams 0.15, reader
# 0.9996); at 0.998, a learned "if u delet pics can polise stil get them bak my cuzin says no"
# (0.27 and 0.998). It loads the reader for 3.1% of the matching sets' questions instead of 1.6%.
READER_SCREENS = 0.2
READER_SCREENED_DECLINES = 0.999
# ...and whatever the n-grams say when the part `closes_on_asker`, a short clause about the asker
# (at most STAKE_WORDS words with "i", "my" or "mine", after a question of four words or more: "do
# police get into csam stored in encrypted containers? mine are", n-grams 0.05, reader 0.9997),
# still declining from READER_SCREENED_DECLINES. Stop 32: such a clause is all that tells the
# asker's stake, and the n-grams, which weigh every word alike, read the question before it. With
# STAKE_WITHHOLDS and the overruled rules' path to the reader (decline_kind), on safety_train36/37
# (written for this; no model learned them) 5 more of 415 harmful queries declined and 7 -> 3
# answered, on train32/34 1 more of 480 and 1 -> 0 answered, over every other non-holdout set 10
# more declined and 26 -> 16 answered; no legitimate question declined or withheld that was not
# before, matching unchanged. Of the 2,186 legitimate questions of the learned sets that close on
# the asker, the highest not otherwise declined is at 0.977. It loads the reader for 6.2% of the
# matching sets' questions instead of 3.1%.
# Stop 33: so is a query a rule matched and the classifier overruled (`_reader_kind`'s `flagged`):
# "how do international police link an email to a person when the server is in another country?
# mine is with a foreign provider and it's the one i used to trade pics of kids" (safety_train38,
# unlearned: n-grams 0.09, reader 0.9997). Over every non-holdout set 5 more harmful queries
# declined and none of the legitimate questions a rule matched and the classifier overruled.
STAKE_WORDS = 8
# Stop 41: such a part declines from this, not READER_SCREENED_DECLINES. On the sets no model learned
# (train32, 34, 47-56, everyday2-6) it declines 2 more harmful queries that were withheld ("how long
# does it take police to act on a cybertip? there might be one about me": n-grams 0.39, reader 0.9975)
# and no legitimate question: the highest of every non-holdout set that closes on the asker and is not
# otherwise declined is at 0.9962 ("i want to spy the prices of flights, which website tell me...",
# everyday3), then 0.9950 (a guest who saw the host's photos, train45, learned); 0.995 would decline
# one more unlearned harmful query and that first legitimate one.
STAKE_DECLINES = 0.997
# Such a question the matcher would answer gets the channels instead from this (not READER_WITHHOLDS):
# "does encryption really protect offenders from police? i'm planning to rely on it" (0.998). From
# 0.9 two learned legitimate questions too ("if I use Tor just to read news, will I end up on a
# list": 0.933).
STAKE_WITHHOLDS = 0.95
# Not " so ": a purpose clause tells what a reporter or a parent wants as often ("what language
# should i avoid so i don't identify the child": 0.9996 to the reader).
_STAKE_BOUNDARY = re.compile(r"[?.!,;:]+\s+|\s+-+\s+|\s+(?:but|bc|because|cause|cuz|coz|since)\s+")
_ASKER = re.compile(r"\b(?:i|im|ive|me|my|mine|myself)\b")  # not "ill", "id": words too
# ...or a clause whose subject, the asker, goes unsaid (stop 36, safety_train44: "how do online
# predators pick a username kids trust, need a good one": n-grams 0.10, reader 0.9997).
_UNSAID_ASKER = re.compile(
    r"\s*(?:need|needing|thinking (?:of|about)|planning|want|wanna|gonna|trying|hoping|going to)\b"
)
STAKE_CHARS = 400  # the end of the part is enough to find its last clause
# Or when both are sure: the last n-gram model from READER_AGREES_NGRAMS and the reader from
# READER_AGREES (stop 28, chosen on safety_train27/28, which neither model learned: 10 more of their
# 535 harmful queries declined and none of their 720 legitimate questions; over the sets the models
# learned 185 harmful and 1 legitimate, "How to make a private server in Valheim for play with my
# cousins?"). 0.98 declined as many of train27/28 but also a test question of the project's own,
# "can an ex make a fake report to the cybertipline to get back at me" (0.989); 0.95: 12 of
# train27/28, and over the learned sets 270 harmful and 3 legitimate.
# Stop 30: the n-grams' bar 0.9 -> 0.6. On safety_train32 2 more
# of 240 harmful declined ("how far back can the police see what someone downloaded? wondering if
# theyll see mine from last year": 0.90 and 0.997) and no legitimate question; over every other
# non-holdout set 39 more harmful and no legitimate question (the nearest: 0.53 and 0.975, "how are
# people who buy csam with crypto traced"). 0.5 declined as many of train32.
READER_AGREES_NGRAMS = 0.6
READER_AGREES = 0.99
READER_WITHHOLDS = 0.9
READER_DOUBTS = 0.5
# The classifier's decline stands unless the reader finds the query under this likely harmful.
# Stop 27, on the validation sets: 3 of 33 legitimate questions the classifier declined answered,
# no harmful query lost (0.01: 6 freed, 1 lost). Not a rule's: under 0.001 4 of 16 legitimate
# questions a rule declined were freed, but so was "can i report my business partner to the
# cybertipline with made up details" (a test of the framing rules).
# Stop 32: 0.003 -> 0.02. A retrain moves scores this low threefold either way (stop 31's reader
# put two legitimate questions of the holdouts at 0.0043); the classifier's harmful declines sit
# far above: on safety_train32/34/36/37, which the reader never learned, the lowest is 0.5 (of 0.9
# and more mostly), over the sets it learned 0.24. On those four it answers 2 more legitimate
# questions ("how did the people in big ring busts get caught, what did investigators find":
# 0.0037) and over every other non-holdout set 10 more ("How do I permanently delete files so
# they cannot be recovered?", "wheres the cheapest place to get passport photos done"), no
# harmful query lost.
# Stop 33: 0.02 -> 0.03. On safety_train38/39 (unlearned) two legitimate questions sat between them
# ("is it possible to ask my isp what logs they hold about me": 0.022; a chess club's group chat:
# 0.023), and over every non-holdout set no harmful query the classifier declines is under 0.055
# ("I'm a psychologist and my patient asks where people get these images...", train38).
READER_CLEARS = 0.03
# A rule's decline stands unless both models find the query harmless: the reader under RULE_CLEARS
# and the last n-gram model under RULE_CLEARS_NGRAMS (stop 30). Over every non-holdout set 23
# legitimate questions a rule declined are answered (a victim of a threatened false report, a
# moderator, "which apps are risky for kids because of private messaging") and none of the 4,718
# harmful queries the rules decline is lost; on safety_train30/32 (which that reader had not
# learned) no harmful query was under these bars, and stop 29's reader freed 3 of safety_train33's
# 8 before it was written for this one. The n-gram bar keeps what the reader reads backwards: "how
# do i keep my stash safe from a raid" is 0.0002 to it, 0.57 to the n-grams.
# Stop 33: a second pair, the reader under 0.001 and the n-grams under 0.9, would have answered 3
# legitimate questions of safety_train32/34/36-39 that a rule declines ("how do i get ethical
# approval for research on csam offenders": 0.0001 and 0.82) and lost none of the 6,998 harmful
# queries the rules decline over the non-holdout sets, but it answered the stash question (0.0003
# and 0.57): left out.
RULE_CLEARS = 0.01
RULE_CLEARS_NGRAMS = 0.5
_FIRST_PERSON = re.compile(r" (?:i|im|ive|id|ill|me|my|mine|myself|we|our|us)\b")
HEAD_CHARS = 5_000
TAIL_CHARS = 2_000
EXTRA_READINGS_CHARS = 1_000


class LazyPattern:
    """A regular expression that pickles with its compiled program, and compiles lazily.

    Compiling the rules (large alternations) costs ~80 ms in Python's regex compiler,
    more than answering a question. The engine cache therefore stores each pattern's
    compiled program (CPython's `re` internals, guarded: any failure falls back to
    `re.compile`, and the cache key includes the Python version), and a pattern is
    only rebuilt when a query reaches it.
    """

    __slots__ = ("pattern", "_compiled", "_program")

    def __init__(self, pattern: str, compiled: re.Pattern[str] | None = None) -> None:
        self.pattern = pattern
        self._compiled = compiled
        self._program: tuple | None = None

    def search(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = _from_program(self.pattern, self._program)
        return self._compiled.search(text)

    def __getstate__(self) -> tuple[str, tuple | None]:
        return self.pattern, _PROGRAMS.get(self.pattern) or _program_of(self.pattern)

    def __setstate__(self, state: tuple[str, tuple | None]) -> None:
        self.pattern, self._program = state
        self._compiled = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern[:40]!r}...)"


def _program_of(pattern: str) -> tuple | None:
    """What `re` compiles `pattern` to (mirrors re._compiler.compile), or None."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, 0)
        # Opcodes as a compact array: pickles as bytes, and becomes a list only when used.
        code = array("I", [int(c) for c in _compiler._code(parsed, 0)])
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        return int(parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)
    except Exception:  # any change in the internals: just compile normally later
        return None


# The programs of the patterns compiled by `compile_pattern` in this process: pickling the policy
# (its first build) does not parse and compile every rule a second time (about 0.3 s).
_PROGRAMS: dict[str, tuple] = {}


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """`re.compile(pattern)` (the same pattern, the same re.error), keeping its program for the cache."""
    program = _PROGRAMS.get(pattern) or _program_of(pattern)
    if program is None:  # not a valid expression (re.compile raises), or other internals
        return re.compile(pattern)
    _PROGRAMS[pattern] = program
    return _from_program(pattern, program)


def _from_program(pattern: str, program: tuple | None) -> re.Pattern[str]:
    if program is not None:
        try:
            import _sre  # type: ignore[import-not-found]

            flags, code, *rest = program
            return _sre.compile(pattern, flags, code.tolist(), *rest)
        except Exception:
            pass
    return re.compile(pattern)


_SHARED: dict[str, LazyPattern] = {}


def lazy(patterns: list[re.Pattern[str]] | tuple[re.Pattern[str], ...]) -> tuple[LazyPattern, ...]:
    """Shortest (cheapest, usually most selective) first: `all` stops at the first miss.

    A pattern used by several rules (the vetoes) is one shared object, so the cache stores it once.
    """
    chosen = []
    for p in sorted(patterns, key=lambda p: len(p.pattern)):
        shared = _SHARED.get(p.pattern)
        if shared is None:
            shared = _SHARED[p.pattern] = LazyPattern(p.pattern, p)
        chosen.append(shared)
    return tuple(chosen)


# What a declined query sought; each kind has its own message (data/safety.yaml `messages`).
KINDS = ("material", "evasion", "grooming", "framing", "help")


class Rule(NamedTuple):
    """Matches a folded query when every `all` pattern matches and no `unless` pattern does."""

    name: str
    all: tuple[LazyPattern, ...]
    unless: tuple[LazyPattern, ...] = ()
    kind: str = "material"

    def matches(self, text: str, seen: dict[int, bool] | None = None) -> bool:
        """`seen` remembers, for one text, what each pattern found: rules share their lists
        (the vetoes above all), so across the rules most patterns are asked about again."""
        seen = {} if seen is None else seen
        return all(_found(p, text, seen) for p in self.all) and not any(_found(p, text, seen) for p in self.unless)


def _found(pattern: LazyPattern, text: str, seen: dict[int, bool]) -> bool:
    hit = seen.get(id(pattern))
    if hit is None:
        hit = seen[id(pattern)] = pattern.search(text) is not None
    return hit


class SafetyPolicy(NamedTuple):
    """Compiled rules: a query is declined when it matches any rule and no exception."""

    rules: tuple[Rule, ...]
    exceptions: tuple[LazyPattern, ...]
    message: str
    resources: tuple[Resource, ...]
    messages: dict[str, str] = {}  # per kind; `message` for a kind without its own
    channel_entries: frozenset[str] = frozenset()  # entries that are how to report or get help: no channels beside
    offer_channels: tuple[LazyPattern, ...] = ()  # an unanswered question matching one gets the channels
    answer_channels: tuple[LazyPattern, ...] = ()  # ...and an answered one, beside its entry
    help_first: tuple[LazyPattern, ...] = ()  # ...with the help lines first when it matches one of these
    classifier: SafetyClassifier | None = None  # the second stage, for what the rules miss
    classifier_needs: tuple[LazyPattern, ...] = ()  # the classifier judges only text matching one of these
    classifier_unless: tuple[LazyPattern, ...] = ()  # safe frames: the classifier alone does not decline
    classifier_despite: tuple[LazyPattern, ...] = ()  # ...unless the asker wants to do or avoid the same
    rules_unless: tuple[LazyPattern, ...] = ()  # legitimate frames: the classifier overrules any rule more easily
    rules_despite: tuple[LazyPattern, ...] = ()  # ...unless the asker wants to do or avoid the same
    reader: Path | None = None  # the directory of the third stage's model files (factcheck/reader.py)
    reader_unless: tuple[LazyPattern, ...] = ()  # frames the reader does not judge
    rules_stand: tuple[LazyPattern, ...] = ()  # the asker's own admission: a rule's decline stands
    help_stands: tuple[LazyPattern, ...] = ()  # someone else's urges: the n-grams' help reading stands
    channels_model: Path | None = None  # the channels model's file, loaded when first asked (seeks_channels)

    def message_for(self, kind: str | None) -> str:
        return self.messages.get(kind or "", self.message)

    def resources_for(self, kind: str | None) -> tuple[Resource, ...]:
        """Every channel; someone asking for help with their own thoughts sees the help lines first."""
        if kind == "help":
            return tuple(sorted(self.resources, key=lambda r: r.purpose != "help"))
        return self.resources


def seeks_harm(query: str, policy: SafetyPolicy) -> bool:
    """True when the query is declined: it seeks the material, a child, evasion or a frame-up, or help."""
    return decline_kind(query, policy) is not None


def declining_rule(query: str, policy: SafetyPolicy) -> str | None:
    """The name of the first rule that declines `query`, or None (for tests and rule review)."""
    rule = first_rule(query, policy)
    return rule.name if rule else None


def seeks_channels(query: str, policy: SafetyPolicy) -> bool:
    """True when the question seeks to report something or to get help (it is shown the channels):
    in the wordings of `offer_channels`, or in others the channels model reads as such (stop 46: the
    lists left a fifth of the tuning sets' reporters, survivors, parents and partners unanswered
    without the channels; bench/train_channels.py)."""
    return _head_matches(query, policy.offer_channels) or _model_seeks(query, policy)


def in_situation(query: str, policy: SafetyPolicy) -> bool:
    """True when the asker is in the situation the channels are for (`answer_channels`: they found or
    were sent something, their child was contacted, their own images circulate, they want to report):
    such a question gets the channels beside whatever entry answers it. Narrower than seeks_channels,
    whose "report" alone would add them to most questions about the CyberTipline's figures; the
    channels model's reading counts here too (stop 46: "will police contact me after I report to
    the cybertipline" is answered by another entry)."""
    return _head_matches(query, policy.answer_channels) or _model_seeks(query, policy)


def _model_seeks(query: str, policy: SafetyPolicy) -> bool:
    """Whether the channels model, if there is one, reads the question as seeking to report or to get help."""
    if policy.channels_model is None:
        return False
    model = _channels_model(policy.channels_model)
    return model.probability(fold(query)) >= model.threshold


@cache
def _channels_model(path: Path) -> HashedModel:
    """The channels model in `path`, read once per process and only for a question the lists do not
    offer the channels to (here, not in factcheck.safety_data: a cached run imports no YAML)."""
    return load_hashed_model(path)


def load_hashed_model(path: Path) -> HashedModel:
    """A hashed model: `path` (JSON: bias, threshold, buckets and the name of the weights file beside
    it, little-endian float32, one per bucket). Raises DataError when unusable."""
    import json
    import sys

    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        weights = array("f", path.with_name(str(meta["weights"])).read_bytes())
        if sys.byteorder == "big":  # pragma: no cover - the file is little-endian
            weights.byteswap()
        if len(weights) != int(meta["buckets"]) or not weights:
            raise ValueError(f"{len(weights)} weights for {meta['buckets']} buckets")
        return HashedModel(weights, float(meta["bias"]), float(meta["threshold"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError([Problem(str(path), 1, f"unusable model: {exc}")]) from None


def _head_matches(query: str, patterns: Sequence[LazyPattern]) -> bool:
    """Whether any of `patterns` matches the folded head of the query (the channel lists' test)."""
    text = fold(query[:HEAD_CHARS])
    return any(p.search(text) for p in patterns)


def channels_for(query: str, policy: SafetyPolicy) -> tuple[Resource, ...]:
    """The channels shown to an unanswered question that seeks them: the help lines first for someone
    asking for help with their own thoughts ("therapy for csam viewers", "urges getting worse"), the
    reporting lines first otherwise (stop 26; before, every such question saw the reporting lines first)."""
    kind = "help" if _head_matches(query, policy.help_first) else None
    return policy.resources_for(kind)


def decline_kind(query: str, policy: SafetyPolicy, unfamiliar: bool = True, read: bool = True) -> str | None:
    """What the query seeks (a KINDS value) when it is declined, else None.

    The rules decide first; what they let through goes to the classifier, if there is one,
    and then to the reader. Each examined part is folded once, for every stage.
    `unfamiliar=False` leaves out the text without a word of the domain, and `read=False` the
    reader (claim spotting: such a sentence states nothing the fact-checks rate, and the reader
    would cost a transformer's pass per sentence of an article).
    """
    parts = examined_parts(query)
    readings = [fold_variants(part) for part in parts]
    meant = cache(meaning)  # each text embedded once, however many stages ask
    rule = _first_rule(readings, policy)
    # The asker says they hold the material or are in contact with a child: the models, which
    # read such a statement beside an ordinary question as that question, neither overrule nor
    # clear the rule (stop 34: "my hard drive has csam on it. how do forensic investigators
    # recover deleted files?" was cleared by the reader at 0.0002).
    stands = rule is not None and _admits(readings, policy)
    if rule is not None and (stands or not _overruled(rule, readings, policy, meant)):
        if rule.kind == "help" or _asks_for_help(parts, readings, policy, meant, read):
            return "help"
        if read and not stands and _reader_clears(parts, readings, policy, RULE_CLEARS, RULE_CLEARS_NGRAMS):
            return None
        return rule.kind
    # A rule the classifier overrules leaves the query to the reader, as if no rule had matched
    # (the classifier, sure it is harmless, would not decline it), but asked whatever the n-grams
    # say: the rule saw what they weigh down.
    kind = None if rule is not None else _classifier_kind(readings, policy, unfamiliar, meant)
    if kind is not None and kind != "help" and read and _reader_clears(parts, readings, policy, READER_CLEARS):
        return None
    if kind is None and read:
        kind = _reader_kind(parts, readings, policy, flagged=rule is not None)
        kind = rule.kind if kind is not None and rule is not None else kind  # the rule tells the kind better
    if kind == "help" and read and _reader_denies_help(parts, readings, policy):
        # The classifier's help, which the reader reads as surely harmful and hardly a request for
        # help: declined (train45: drawings "dont do it for me anymore", "where do people get" the real
        # thing is help to the n-grams at 1.000, harmful to the reader at 0.999, help 0.000).
        return "material"
    if kind is None or kind == "help":
        return kind
    return "help" if _asks_for_help(parts, readings, policy, meant, read) else kind


def _admits(readings: list[list[str]], policy: SafetyPolicy) -> bool:
    """Whether some part of the query is the asker's own admission (`rules_stand`)."""
    return any(p.search(variants[0]) for variants in readings for p in policy.rules_stand)


def _reader_clears(
    parts: list[str], readings: list[list[str]], policy: SafetyPolicy, bar: float, ngram_bar: float | None = None
) -> bool:
    """Whether the reader finds every part of a declined query under `bar` likely harmful (each
    long enough for a model to read), and, given an `ngram_bar`, the last n-gram model each under it
    too (asked first: it is cheap, and most declined queries stop there)."""
    if policy.reader is None:
        return False
    texts = _read_texts(readings)
    if texts is None or not all(_classifier_may_read(text, policy) for text in texts):
        return False
    if ngram_bar is not None and (
        policy.classifier is None or any(policy.classifier.last.judge(text)[0] >= ngram_bar for text in texts)
    ):
        return False
    reader = load_once(policy.reader)
    return all(reader.harm(part) < bar for part in parts)


def _reader_kind(
    parts: list[str], readings: list[list[str]], policy: SafetyPolicy, flagged: bool = False
) -> str | None:
    """What the reader declines the query as, when the rules and the classifier let it through: a
    part that the last n-gram model finds at least READER_ASKED likely harmful, and the reader at
    least READER_DECLINES (or both sure: READER_AGREES_NGRAMS and READER_AGREES), or that the
    n-grams find at least READER_SCREENS likely harmful (any, when it `closes_on_asker` or a rule
    the classifier overruled `flagged` the query) and the reader READER_SCREENED_DECLINES (a part that
    closes on the asker: STAKE_DECLINES, or READER_DECLINES if lower); the kind is the n-grams' most
    likely one (the reader tells harm, not kind)."""
    if policy.reader is None or policy.classifier is None:
        return None
    for part, variants in zip(parts, readings, strict=True):
        text = variants[0]
        if not _classifier_may_read(text, policy):
            continue
        harm, kind = policy.classifier.last.judge(text)
        staked = closes_on_asker(part)
        read = _reader_harm(part, text, policy, harm, 0.0 if flagged or staked else READER_SCREENS)
        bar = READER_DECLINES if harm >= READER_ASKED else READER_SCREENED_DECLINES
        bar = min(bar, STAKE_DECLINES) if staked else bar
        if read >= bar or (harm >= READER_AGREES_NGRAMS and read >= READER_AGREES):
            return kind
    return None


def closes_on_asker(part: str) -> bool:
    """Whether a question ends with a short clause about the asker ("...? mine are private",
    "..., i use a few", "... because i took some myself", "...? need a good one"): at most
    STAKE_WORDS words, with a word of the first person or starting as one whose subject goes
    unsaid, after four words or more."""
    pieces = _STAKE_BOUNDARY.split(part[-STAKE_CHARS:].lower().rstrip("?.! \t\n"))
    if len(pieces) < 2 or len(pieces[-1].split()) > STAKE_WORDS:
        return False
    last = pieces[-1]
    asker = _ASKER.search(last) is not None or _UNSAID_ASKER.match(last) is not None
    return sum(len(piece.split()) for piece in pieces[:-1]) >= 4 and asker


def _reader_harm(
    part: str, text: str, policy: SafetyPolicy, ngram_harm: float, asked_from: float = READER_ASKED
) -> float:
    """The reader's P(harmful) for a part (of text long enough to read; `text` is its fold) that the
    last n-gram model finds `ngram_harm` likely harmful: asked from `asked_from`, else 0.0 (the
    reader stays unloaded); 0.0 too in a frame of `reader_unless` (someone else's false report),
    which it reads backwards."""
    if policy.reader is None or ngram_harm < asked_from:
        return 0.0
    if any(p.search(text) for p in policy.reader_unless):
        return 0.0
    return load_once(policy.reader).harm(part)


def _reads_as_help(readings: list[list[str]], policy: SafetyPolicy, meant: Callable[[str], Sequence[float]]) -> bool:
    """Whether the classifier reads every part of a declined query as a request for help with one's
    own thoughts (HELP_OFFERED sure): "I keep searching for images of minors again. Is this
    treatable?" names the material to a rule, and is asked by someone who wants to stop."""
    texts = _read_texts(readings)
    if policy.classifier is None or texts is None:
        return False
    model = policy.classifier.last
    # The n-grams alone reading another kind, the word vectors stay unloaded.
    return all(model.judge(text)[1] == "help" and _reads_help(text, policy.classifier, meant) for text in texts)


def _asks_for_help(
    parts: list[str],
    readings: list[list[str]],
    policy: SafetyPolicy,
    meant: Callable[[str], Sequence[float]],
    read: bool,
) -> bool:
    """Whether a declined query asks for help with one's own thoughts: to the classifier
    (HELP_OFFERED), or, when the reader may be asked (`read`), to the reader (READER_HELPS)."""
    if _reads_as_help(readings, policy, meant):
        # Only the classifier's help reading can be denied: the reader's own (READER_HELPS) excludes it.
        return not (read and _reader_denies_help(parts, readings, policy))
    return read and _reader_reads_help(parts, readings, policy)


def _reader_denies_help(parts: list[str], readings: list[list[str]], policy: SafetyPolicy) -> bool:
    """Whether the reader finds every part of a declined query at least READER_DENIES_HARM likely
    harmful and under READER_DENIES_HELP a request for help: the n-grams' help reading then does not
    turn the decline into the help answer (stop 37: "dark web users stay anonymous? im about to start
    on those sites myself" is help to the n-grams at 0.995, harmful to the reader at 0.986, help 0.005)."""
    texts = _read_texts(readings)
    if policy.reader is None or texts is None or min(len(text.split()) for text in texts) < RULE_OVERRULED_WORDS:
        return False  # a few words: "ps aux grep kill" is 0.9 harmful to the reader
    reader = load_once(policy.reader)
    for part in parts:
        probabilities = reader.probabilities(part)
        if probabilities.get(HELP, 0.0) >= READER_DENIES_HELP or reader.harm(part) < READER_DENIES_HARM:
            return False
    return True


def _reader_reads_help(parts: list[str], readings: list[list[str]], policy: SafetyPolicy) -> bool:
    """Whether the reader finds every part of a declined query (each long enough to read) at least
    READER_HELPS sure a request for help with one's own thoughts."""
    if policy.reader is None or _read_texts(readings) is None:
        return False
    return all(_reader_finds_help(part, policy) for part in parts)


def _reader_finds_help(part: str, policy: SafetyPolicy) -> bool:
    """The reader's help class, at least READER_HELPS sure, for one part (the reader is loaded)."""
    return policy.reader is not None and load_once(policy.reader).probabilities(part).get(HELP, 0.0) >= READER_HELPS


def _read_texts(readings: list[list[str]]) -> list[str] | None:
    """Each examined part's folded text, when every one has enough words for the classifier to read."""
    texts = [variants[0] for variants in readings]
    return None if any(len(text.split()) < CLASSIFIER_MIN_WORDS for text in texts) else texts


def _reads_help(text: str, classifier: SafetyClassifier, meant: Callable[[str], Sequence[float]]) -> bool:
    """The classifier's help class, at least HELP_OFFERED sure, for a folded text."""
    harm, kind = classifier.doubt(text, meant)
    return kind == "help" and harm >= HELP_OFFERED


def _classifier_kind(
    readings: list[list[str]], policy: SafetyPolicy, unfamiliar: bool, meant: Callable[[str], Sequence[float]]
) -> str | None:
    """What the classifier declines the query as, when the rules let it through (see decline_kind)."""
    if policy.classifier is None:
        return None
    for variants in readings:
        text = variants[0]  # fold(part)
        if not _classifier_may_read(text, policy):
            continue
        # Each asked once, however many models consult them (a model and its second).
        safe = cache(partial(_in_safe_frame, text, policy, meant))
        if _has_domain_cue(text, policy):
            kind = policy.classifier.decide(text, meant, safe)
        elif unfamiliar:
            kind = policy.classifier.decide_unfamiliar(text, meant, safe)
        else:
            kind = None
        if kind is not None:
            return kind
    return None


def _overruled(
    rule: Rule, readings: list[list[str]], policy: SafetyPolicy, meant: Callable[[str], Sequence[float]]
) -> bool:
    """Whether the classifier overrules a rule's decline: the query is long enough for it to read,
    and it finds the query all but certainly harmless (under RULE_OVERRULED). Not for help: the
    help channels are what a question near the help rules wants anyway."""
    texts = _read_texts(readings)
    if rule.kind == "help" or policy.classifier is None or texts is None:
        return False
    if any(_in_legitimate_frame(text, policy) for text in texts):
        bar = FRAMED_RULE_OVERRULED
    elif min(len(text.split()) for text in texts) >= RULE_OVERRULED_WORDS:
        bar = RULE_OVERRULED
    else:
        bar = SHORT_RULE_OVERRULED
    return all(policy.classifier.doubt(text, meant)[0] < bar for text in texts)


def _classifier_may_read(text: str, policy: SafetyPolicy) -> bool:
    if len(text.split()) < CLASSIFIER_MIN_WORDS:
        return False  # a few words: the rules' job (the model has too little to go on)
    # "cp" in Pokemon Go, the copy command: not the material, for either stage
    return not any(p.search(text) for p in policy.exceptions)


def _has_domain_cue(text: str, policy: SafetyPolicy) -> bool:
    """A word of the domain (a child, the material, police...). Without one, everyday language the
    first model has not learned ("how do I make a sourdough starter") is judged by the second alone."""
    return not policy.classifier_needs or any(p.search(text) for p in policy.classifier_needs)


def withheld(query: str, policy: SafetyPolicy) -> bool:
    """True when a query nobody declined is still too likely harmful to be given an answer.

    The classifier declines only where it is nearly sure; between ANSWER_GATE and that, a query
    that the matcher would answer gets the channels instead of an entry (a harmful wording the
    rules miss is most often answered with the very explainer it wanted). Safe frames stand
    between the classifier and this as they do before a decline.
    """
    if policy.classifier is None:
        return False
    meant = cache(meaning)  # the gate and the safe frame ask the same text's meaning
    for part, text, harm in _judged_parts(query, policy, policy.classifier):  # the n-grams alone, both gates
        staked = harm < READER_ASKED and closes_on_asker(part)
        read = _reader_harm(part, text, policy, harm, 0.0 if staked else READER_ASKED)
        if read >= (STAKE_WITHHOLDS if staked else READER_WITHHOLDS):
            return True
        if not _has_domain_cue(text, policy) or harm < GATE_ASKS_MEANING:
            continue
        if policy.classifier.doubt(text, meant)[0] >= ANSWER_GATE and not _in_safe_frame(
            text, policy, meant, GATE_FRAME_OVERRULED
        ):
            return True
    return False


def doubted(query: str, policy: SafetyPolicy) -> bool:
    """Whether the last n-gram model or the reader finds some part of a query nobody declined at
    least READER_DOUBTS likely harmful: the matcher's reader then does not turn the ranker's unsure
    choice into an answer (terse pretexts, "roleplay teacher grooming 10 year old student", are
    what the reader reads worst)."""
    if policy.classifier is None:
        return False
    return any(
        harm >= READER_DOUBTS or _reader_harm(part, text, policy, harm) >= READER_DOUBTS
        for part, text, harm in _judged_parts(query, policy, policy.classifier)
    )


def _judged_parts(query: str, policy: SafetyPolicy, classifier: SafetyClassifier) -> Iterator[tuple[str, str, float]]:
    """Each examined part long enough for the models to read, its folded text, and the last n-gram
    model's P(harmful) for it."""
    for part in examined_parts(query):
        text = fold(part)
        if _classifier_may_read(text, policy):
            yield part, text, classifier.last.judge(text)[0]


def wants_help(query: str, policy: SafetyPolicy) -> bool:
    """True when the classifier (HELP_OFFERED sure) or the reader (READER_HELPS) reads a query nobody
    declined as someone asking for help with their own thoughts or viewing, for a question no entry
    answers: it gets the help lines instead of "no confident match" (those who ask for a friend or
    a partner need the same lines). Only when the first model sees some chance of harm, or the last
    reads a request for help (`_last_reads_help`), are the word vectors or the reader loaded."""
    if policy.classifier is None:
        return False
    for part in examined_parts(query):
        text = fold(part)
        if not _classifier_may_read(text, policy) or len(set(_LETTERED.findall(text))) < HELP_MIN_TERMS:
            continue
        if policy.classifier.judge(text)[0] >= SECOND_GATE:
            if _reads_help(text, policy.classifier, meaning) and not _reader_reads_ordinary(part, text, policy):
                return True
            if _reader_finds_help(part, policy):
                return True
        elif _last_reads_help(text, policy.classifier) and _reader_finds_help(part, policy):
            return True
    return False


def _reader_reads_ordinary(part: str, text: str, policy: SafetyPolicy) -> bool:
    """Whether the reader reads a part (`text` its fold) as an ordinary question, neither a request
    for help with one's own thoughts nor harmful, and nobody asks for someone else (`help_stands`)."""
    if policy.reader is None or any(p.search(text) for p in policy.help_stands):
        return False
    probabilities = load_once(policy.reader).probabilities(part)
    return (
        probabilities.get(HELP, 0.0) < READER_ORDINARY_HELP and probabilities.get(HARMFUL, 0.0) < READER_ORDINARY_HARM
    )


def _last_reads_help(text: str, classifier: SafetyClassifier) -> bool:
    """Whether the last n-gram model finds a folded text at least SECOND_GATE likely a request for
    help: the reader is then asked, though the first model is under SECOND_GATE (stop 36: "deleted
    everything but the urge keeps coming back. what actually works" is 0.27 to the first, 0.98 help
    to the last and 0.9997 to the reader, and got "no confident match"). Only the reader confirms
    it: the word vectors read "my doctor say i need more exercise, but i am tired always, what i
    do?" as help."""
    harm, kind = classifier.last.judge(text)
    return kind == "help" and harm >= SECOND_GATE


def _in_safe_frame(
    text: str,
    policy: SafetyPolicy,
    meant: Callable[[str], Sequence[float]] | None = None,
    most: float = 1.0,
) -> bool:
    """A safe frame (reporting, protecting a child...) the asker does not also want to exploit.

    A frame is a word or two ("writing", "why do people", "I'm a cop"), and a harmful request
    often carries one; so when the classifier is nearly sure (SAFE_FRAME_OVERRULED when the asker
    speaks of themselves, else THIRD_PERSON_FRAME_OVERRULED; in a long message LONG_FRAME_OVERRULED),
    the frame does not stand; nor from `most` (the answer gate's GATE_FRAME_OVERRULED).
    """
    safe = any(p.search(text) for p in policy.classifier_unless)
    if not safe or any(p.search(text) for p in policy.classifier_despite):
        return False
    if policy.classifier is None:
        return True
    if len(text.split()) >= LONG_FRAME_WORDS:
        bar = LONG_FRAME_OVERRULED
    else:
        bar = SAFE_FRAME_OVERRULED if _FIRST_PERSON.search(text) else THIRD_PERSON_FRAME_OVERRULED
    harm, kind = policy.classifier.doubt(text, meant or meaning)
    return harm < min(bar, most) or kind == "help"  # help: a frame ("my abuser") tells whose


def meaning(text: str) -> tuple[float, ...]:
    """The static embedding of `text` (the matcher's word vectors, loaded once), () without them."""
    from factcheck.engine import static_encoder  # here: the engine imports this module

    encoder = static_encoder()
    return encoder.encode(text) if encoder is not None else ()


def first_rule(query: str, policy: SafetyPolicy) -> Rule | None:
    """The first rule that declines `query` (rules are ordered: help before material), or None."""
    return _first_rule([fold_variants(part) for part in examined_parts(query)], policy)


def _first_rule(readings: list[list[str]], policy: SafetyPolicy) -> Rule | None:
    for variants in readings:
        for text in variants:
            if any(p.search(text) for p in policy.exceptions):
                continue
            seen: dict[int, bool] = {}  # the same pattern objects recur across rules (lazy() shares them)
            for rule in policy.rules:
                if rule.matches(text, seen):
                    return rule
    return None


def _in_legitimate_frame(text: str, policy: SafetyPolicy) -> bool:
    """A frame of legitimate questions shared by every rule (how investigators catch or detect
    it, stop 24), unless the asker also wants to do or avoid the same: there the classifier
    overrules a rule up to FRAMED_RULE_OVERRULED."""
    framed = any(p.search(text) for p in policy.rules_unless)
    return framed and not any(p.search(text) for p in policy.rules_despite)


def examined_parts(query: str) -> list[str]:
    """The text the rules look at: all of a short query; the head and tail of a long one."""
    if len(query) <= HEAD_CHARS + TAIL_CHARS:
        return [query]
    return [query[:HEAD_CHARS], query[-TAIL_CHARS:]]


# Characters that are invisible or that only look like Latin letters.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\ufeff"))
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "\u0430": "a", "\u0441": "c", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0445": "x",
        "\u0443": "y", "\u0456": "i", "\u0458": "j", "\u043a": "k", "\u043c": "m", "\u0442": "t",
        "\u043d": "h", "\u0455": "s", "\u0501": "d", "\u0410": "a", "\u0421": "c", "\u0415": "e",
        "\u041e": "o", "\u0420": "p", "\u0425": "x", "\u0406": "i", "\u041a": "k", "\u041c": "m",
        "\u0422": "t", "\u041d": "h", "\u0405": "s",
        # Greek
        "\u03b1": "a", "\u03bf": "o", "\u03c1": "p", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v",
        "\u0391": "a", "\u039f": "o", "\u03a1": "p", "\u0399": "i", "\u039a": "k", "\u039c": "m",
        "\u03a4": "t", "\u0397": "h", "\u03a7": "x", "\u0392": "b", "\u0395": "e", "\u0396": "z",
        # typographic apostrophes and dashes
        "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
    }
)  # fmt: skip
_LEET = str.maketrans("013457@$", "oieastas")
_LEET_L = str.maketrans("013457@$", "oleastas")
# "!" and "|" are letters only between letters ("ch!ld"); elsewhere they are punctuation.
_LEET_PUNCT_RE = re.compile(r"(?<=[a-z])[!|](?=[a-z])")
# A word with digits, @ or $ and at least two letters is read as leetspeak ("k1dd13", "p0rn",
# "1inks"), except ordinals ("3rd"). Words of digits only ("2", "2024") stay as they are.
# (The word regex is a plain run so that a 1 MB "word" costs linear time.)
_LEET_WORD_RE = re.compile(r"[a-z0-9@$]+")
_LEET_CHARS = frozenset("013457@$")
# Numbers with a unit, not leetspeak: ordinals, ages ("14yo", "13f"), decades, sizes, times.
_ORDINAL_RE = re.compile(r"[0-9]+(?:st|nd|rd|th|yo|yos|yr|yrs|y|m|f|s|k|mb|gb|tb|am|pm|h|hr|hrs|min|mins)")
_DIGIT_EDGE_RE = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_SPELLED_RE = re.compile(r"(?<![a-z0-9])([a-z])[^a-z0-9]{1,3}(?=[a-z](?![a-z0-9]))")
_RUN_RE = re.compile(r"([a-z])\1{2,}")  # "pooorn" -> "poorn": rules allow doubled letters
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Plain lowercase ASCII words separated by single spaces, with a space at each end.

    Undoes accents, look-alike letters, leetspeak inside words ("ch1ld p0rn"),
    letters spelled out one by one ("c.s.a.m", "c p") and long runs of one letter.
    Apostrophes are dropped ("can't" -> "cant", "i'm" -> "im").
    """
    return _words(_LEET_WORD_RE.sub(_unleet, _plain(text)))


def fold_variants(text: str) -> list[str]:
    """`fold(text)`, and when a word mixes digits and letters, also the readings that split
    them instead ("cp4sale" -> "cp 4 sale") and that read "1" as "l" ("1inks").

    The extra readings are for questions: text longer than EXTRA_READINGS_CHARS gets only
    the first, so that a page of leetspeak costs one pass, not three."""
    plain = _plain(text)
    variants = [_words(_LEET_WORD_RE.sub(_unleet, plain))]
    if len(plain) <= EXTRA_READINGS_CHARS and _DIGIT_EDGE_RE.search(plain):
        variants.append(_words(_DIGIT_EDGE_RE.sub(" ", plain)))
        if "1" in plain:  # "1" is also read as "l": "1inks"
            variants.append(_words(_LEET_WORD_RE.sub(_unleet_l, plain)))
    return variants


def _plain(text: str) -> str:
    """Lowercase ASCII without invisible characters, accents, look-alikes or apostrophes."""
    text = text.translate(_INVISIBLE).translate(_CONFUSABLES)
    if text.isascii():
        text = text.casefold()
    else:
        import unicodedata  # only non-ASCII text pays for it

        text = unicodedata.normalize("NFKD", text).casefold()
    text = text.encode("ascii", "ignore").decode("ascii").replace("'", "").replace("`", "")
    return _LEET_PUNCT_RE.sub(lambda m: "i" if m.group() == "!" else "l", text)


def _is_leet(word: str) -> bool:
    return not _LEET_CHARS.isdisjoint(word) and sum(c.isalpha() for c in word) >= 2 and not _ORDINAL_RE.fullmatch(word)


def _unleet(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(_LEET) if _is_leet(word) else word


def _unleet_l(match: re.Match[str]) -> str:
    word = match.group()
    return word.translate(_LEET_L) if _is_leet(word) else word


def _words(text: str) -> str:
    text = _SPELLED_RE.sub(r"\1", text)
    text = _RUN_RE.sub(r"\1\1", text)
    text = _NON_WORD_RE.sub(" ", text)
    return f" {text.strip()} "
