"""Human views for the terminal (rich). The only module that imports rich.

All text from data files and queries goes in as `Text` (never parsed as markup) and
is stripped of control characters first, so `[bold]` or an escape sequence in a
query or an entry is shown literally and never reaches the terminal raw.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.text import Text

from factcheck.model import (
    Answer,
    Candidate,
    Catalog,
    Entry,
    Resource,
    Source,
    claim_label,
    verdict_label,
    verdict_meaning,
)
from factcheck.text import terminal_safe

if TYPE_CHECKING:
    from factcheck.spotting import Finding

SUGGEST_FLOOR = 0.1  # percent: candidates sharing (almost) nothing are not suggested

VERDICT_STYLES = {
    "true": "bold white on green4",
    "mostly-true": "bold black on green3",
    "mixed": "bold black on yellow3",
    "mostly-false": "bold black on dark_orange",
    "false": "bold white on red3",
    "unproven": "bold white on magenta",
    "explainer": "bold white on blue",
}


def clean(text: str) -> str:
    """Drop control characters and bidi overrides: nothing raw reaches the terminal."""
    return terminal_safe(text)


def shorten(text: str, limit: int = 200) -> str:
    """A pasted page is echoed by its start, not in full."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def make_console(color: str = "auto", stderr: bool = False, file: TextIO | None = None) -> Console:
    """`color`: auto (terminal and no NO_COLOR), always, never.

    NO_COLOR (with `auto`) drops every style, bold and dim included, not only colours;
    a terminal still wraps to its width.
    """
    stream = file or (sys.stderr if stderr else sys.stdout)
    force = {"always": True, "never": False}.get(color)
    plain = color == "never" or (color == "auto" and bool(os.environ.get("NO_COLOR")))
    console = Console(
        file=stream,
        force_terminal=force,
        color_system=None if plain else "auto",
        no_color=True if color == "never" else (False if color == "always" else None),
        highlight=False,
        markup=False,
        emoji=False,
    )
    if color == "never" or not console.is_terminal:
        console.no_color = True
    return console


def _print(console: Console, *parts: Text | str) -> None:
    # Pipes are not wrapped, so each line stays greppable; terminals wrap to their width.
    console.print(*parts, soft_wrap=not console.is_terminal)


def _hanging(console: Console, marker: str, body: Text, tail: Text | None = None) -> None:
    """A list item: continuation lines indented under the text, `tail` (a citation group) kept whole.

    Pipes get one line per item, as `_print` does; a terminal wraps the text in the space
    after the marker and puts the tail on the last line only when all of it fits there.
    """
    if not console.is_terminal:
        _print(console, Text(marker) + body + (Text("  ") + tail if tail is not None else Text()))
        return
    width = max(console.width - len(marker), 10)
    lines = list(body.wrap(console, width))
    if tail is not None:
        if lines and lines[-1].cell_len + 2 + tail.cell_len <= width:
            lines[-1] = lines[-1] + Text("  ") + tail
        else:
            lines += list(tail.wrap(console, width))
    for number, line in enumerate(lines):
        line.rstrip()
        console.print(Text(marker if number == 0 else " " * len(marker)) + line, soft_wrap=True)


def badge(verdict: str) -> Text:
    return Text.assemble(
        (f" {verdict_label(verdict).upper()} ", VERDICT_STYLES.get(verdict, "bold")),
        "  ",
        (verdict_meaning(verdict), "italic"),
    )


def _section(console: Console, title: str) -> None:
    console.print()
    _print(console, Text(title, style="bold underline"))


def claim_header(console: Console, entry: Entry) -> None:
    """What the verdict rates, first: "Claim: The FBI runs the CyberTipline." then the badge."""
    line = Text(f"{claim_label(entry.verdict)}: ", style="bold")
    line.append(clean(entry.claim), style="bold")
    _print(console, line)
    _print(console, badge(entry.verdict))


def entry_view(console: Console, entry: Entry, catalog: Catalog, header: bool = True) -> None:
    if header:
        claim_header(console, entry)
    _print(console, Text("Question: ", style="dim") + Text(clean(entry.question)))
    if entry.answer:
        console.print()
        _print(console, Text(clean(entry.answer)))
    if entry.claims:
        _section(console, "Supporting claims")
        for number, claim in enumerate(entry.claims, 1):
            cited = f"[{'; '.join(clean(c) for c in claim.citations)}]" if claim.citations else None
            _hanging(console, f"{number:>2}. ", Text(clean(claim.text)), Text(cited, style="cyan") if cited else None)
    if entry.caveats:
        _section(console, "Caveats")
        for caveat in entry.caveats:
            _hanging(console, " - ", Text(clean(caveat)))
    sources = catalog.sources_of(entry)
    if sources:
        _section(console, "Sources")
        for source in sources:
            line = Text(f" {clean(source.id)}: ", style="bold")
            line.append(clean(source.title))
            if source.kind:
                line.append(f" ({clean(source.kind)})", style="dim")
            _print(console, line)
            if source.outdated_warning:
                _print(console, Text(f"   ! {clean(source.outdated_warning)}", style="yellow"))
    console.print()
    meta = Text(f"id {entry.id}", style="dim")
    if entry.reviewed:
        meta.append(f"  ·  reviewed {entry.reviewed}", style="dim")
    _print(console, meta)
    if entry.tags:
        _print(console, Text("Tags: ", style="dim") + Text(", ".join(clean(t) for t in entry.tags), style="cyan"))
    if entry.related:
        _print(console, Text("Related: ", style="dim") + Text(", ".join(entry.related), style="cyan"))


def _candidate_lines(console: Console, candidates: Iterable[Candidate]) -> None:
    for candidate in candidates:
        line = Text("  ")
        line.append(candidate.id, style="cyan")
        line.append(f"  {clean(candidate.question)}")
        line.append(f"  (score {candidate.score:g})", style="dim")
        _print(console, line)


def answer_view(console: Console, answer: Answer, catalog: Catalog) -> None:
    """An answered question: the rated claim and verdict, then the user's wording as theirs, then the entry.

    The verdict rates the entry's claim, never the input: the input is echoed on its own
    line, after the verdict, labelled as the user's, with a notice when it negates the claim.
    """
    if answer.entry is None:
        raise ValueError("answer_view needs an answered Answer")
    claim_header(console, answer.entry)
    if answer.opposite_wording:
        _print(console, Text("Note: your wording is the opposite of the claim rated above.", style="yellow"))
    asked = Text("You asked: ", style="dim")
    asked.append(shorten(clean(answer.query)), style="dim italic")
    asked.append(f"  (matched this fact-check, score {answer.score:g})", style="dim")
    _print(console, asked)
    if answer.answered_part and answer.other_part:
        _print(
            console,
            Text(
                f'Your question has more than one part; this answers: "{shorten(clean(answer.answered_part), 80)}"',
                style="yellow",
            ),
        )
        _print(
            console,
            Text(
                f'For "{shorten(clean(answer.other_part), 80)}", see: factcheck show {answer.other_part_id}',
                style="yellow",
            ),
        )
    _language_note(console, answer)
    others = [c for c in answer.candidates if c.id != answer.entry.id]
    if answer.close_call and others:
        _print(console, Text("Another entry was nearly as close; did you mean:", style="yellow"))
        _candidate_lines(console, others[:2])
    console.print()
    entry_view(console, answer.entry, catalog, header=False)


def _language_note(console: Console, answer: Answer) -> None:
    if answer.not_english:
        _print(
            console,
            Text(
                "Note: the fact-checks are in English; this question looks written in another language.", style="yellow"
            ),
        )


def no_match_view(console: Console, answer: Answer) -> None:
    line = Text("No confident match for: ", style="bold")
    line.append(shorten(clean(answer.query)))
    _print(console, line)
    _language_note(console, answer)
    # Scores are the chance a candidate answers the question; a near miss can be low and still the right topic.
    nearest = sorted((c for c in answer.candidates if c.score >= SUGGEST_FLOOR), key=lambda c: -c.score)
    if nearest:
        _print(console, Text("Nearest topics (did you mean):"))
        _candidate_lines(console, nearest)
        _print(console, Text(f"Open one with: factcheck show {nearest[0].id}", style="dim"))
    _print(console, Text("Rephrase, or browse with: factcheck list", style="dim"))


def resources_view(console: Console, resources: Sequence[Resource]) -> None:
    titles = {"report": "Where to report", "help": "Confidential help"}
    for purpose in dict.fromkeys(r.purpose for r in resources):  # in the order given: help first for help
        title = titles.get(purpose, purpose)
        chosen = [r for r in resources if r.purpose == purpose]
        if not chosen:
            continue
        _print(console, Text(title, style="bold underline"))
        for resource in chosen:
            line = Text(f" - {resource.where}: {resource.name}: ")
            line.append(resource.contact, style="bold")
            _print(console, line)


def channels_view(console: Console, resources: Sequence[Resource]) -> None:
    """For a question that seeks to report or get help: the channels themselves (after its entry, when one
    answers it)."""
    console.print()
    _print(console, Text("If you want to report abuse material or get help, these channels can:", style="bold"))
    resources_view(console, resources)


def declined_view(console: Console, answer: Answer, resources: Sequence[Resource]) -> None:
    _print(console, Text(answer.safety_message or "", style="bold"))
    console.print()
    resources_view(console, resources)


def show_answer(answer: Answer, catalog: Catalog, color: str, batch: bool = False) -> None:
    """An answer as `ask` shows it (the full CLI and factcheck.quick alike): the entry, the
    message and channels of a decline, or a miss explained on stderr (on stdout in a batch),
    with the channels on stdout when the question sought them."""
    console = make_console(color)
    if answer.status == "answered":
        answer_view(console, answer, catalog)
        if answer.resources:  # the asker is in the situation the channels are for: them too, after the entry
            channels_view(console, answer.resources)
    elif answer.status in ("declined", "help"):  # the message, then the channels
        declined_view(console, answer, answer.resources)
    else:  # a miss is a normal outcome: explained on stderr unless answering a batch
        no_match_view(make_console(color, stderr=not batch), answer)
        if answer.resources:  # the question sought to report or get help: the channels, on stdout
            channels_view(console, answer.resources)
    if batch:
        console.print()


def list_view(console: Console, entries: Sequence[Entry]) -> None:
    width = max((len(e.id) for e in entries), default=0)
    label_width = max((len(verdict_label(e.verdict)) for e in entries), default=0)
    for entry in entries:
        line = Text(entry.id.ljust(width), style="cyan")
        line.append("  ")
        style = VERDICT_STYLES.get(entry.verdict, "").replace("on ", "").split()[-1]
        line.append(verdict_label(entry.verdict).ljust(label_width), style=style)
        line.append("  " + clean(entry.question))
        if entry.tags:
            line.append(f"  ({', '.join(clean(t) for t in entry.tags)})", style="dim")
        _print(console, line)


def sources_view(console: Console, sources: Sequence[Source], cited_by: Mapping[str, Sequence[str]]) -> None:
    """Every declared source: title and kind, its own outdated warning, its limits, and who cites it."""
    for number, source in enumerate(sources):
        if number:
            console.print()
        line = Text(f"{clean(source.id)}: ", style="bold")
        line.append(clean(source.title))
        if source.kind:
            line.append(f" ({clean(source.kind)})", style="dim")
        _print(console, line)
        if source.outdated_warning:
            _print(console, Text(f"   ! {clean(source.outdated_warning)}", style="yellow"))
        for label, value in (("Limits", source.limits), ("URL", source.url), ("File", source.file)):
            if value:
                _print(console, Text(f"   {label}: ", style="dim") + Text(clean(value)))
        citing = cited_by.get(source.id, ())
        cited = Text(f"   Cited by {len(citing)} {'entry' if len(citing) == 1 else 'entries'}", style="dim")
        if citing:
            cited.append(": ", style="dim")
            cited.append(", ".join(citing), style="cyan")
        _print(console, cited)


STANCE_WORDS = {
    "repeats": "the sentence repeats it",
    "contradicts": "the sentence contradicts it",
    "mentions": "the sentence only mentions its topic",
}


def gist(entry: Entry, limit: int = 110) -> str:
    """The entry's answer by its first sentence (a one-line gist), else the verdict's meaning."""
    answer = " ".join((entry.answer or "").split())
    first = answer.split(". ", 1)[0].rstrip(".") + "." if answer else verdict_meaning(entry.verdict)
    return shorten(first, limit)


def finding_view(console: Console, finding: Finding, file: str) -> None:
    """One finding of `check`: where, the sentence; the verdict, its claim and the stance; the gist; more."""
    sentence, entry = finding.sentence, finding.entry
    where = Text(f"{clean(file)}:{sentence.line}:{sentence.column}: ", style="bold")
    where.append(shorten(clean(sentence.text), 300))
    _print(console, where)
    rated = Text("   ")
    rated.append(f" {verdict_label(entry.verdict).upper()} ", VERDICT_STYLES.get(entry.verdict, "bold"))
    rated.append(f"  {claim_label(entry.verdict)}: ", style="bold")
    rated.append(clean(entry.claim))
    rated.append(f"  ({STANCE_WORDS.get(finding.stance, finding.stance)})", style="italic")
    _print(console, rated)
    _print(console, Text("   ") + Text(clean(gist(entry))))
    _print(console, Text(f"   more: factcheck show {entry.id}  (score {finding.score:g})", style="dim"))
    console.print()


def check_summary(console: Console, findings: Sequence[Finding], sentences: int, declined: int) -> None:
    """How many findings in how many sentences, the declined ones counted (never shown)."""
    noun = "finding" if len(findings) == 1 else "findings"
    line = Text(f"{len(findings)} {noun} in {sentences} sentence{'' if sentences == 1 else 's'}", style="bold")
    if declined:
        line.append(f"; {declined} sentence{'' if declined == 1 else 's'} declined by the safety policy (not shown)")
    _print(console, line)
