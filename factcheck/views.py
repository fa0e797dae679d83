"""Machine views of core results: plain dicts for JSON, and markdown. No terminal code.

The JSON field names are a contract with scripts (see factcheck/schemas/): add fields
freely, never rename one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from factcheck.model import Answer, Catalog, Entry, Resource, Source, claim_label, verdict_label, verdict_meaning

if TYPE_CHECKING:
    from factcheck.spotting import Finding

# Keys every answered/unanswered ask result carries with their empty values.
_EMPTY_ENTRY: dict[str, Any] = {
    "id": None,
    "question": None,
    "claim": None,
    "verdict": None,
    "verdict_label": None,
    "verdict_meaning": None,
    "answer": None,
    "aliases": [],
    "claims": [],
    "caveats": [],
    "tags": [],
    "related": [],
    "reviewed": None,
    "sources": [],
    "outdated": False,
    "outdated_warning": None,
}


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind,
        "url": source.url,
        "outdated_warning": source.outdated_warning,
        "limits": source.limits,
    }


def source_item_dict(source: Source, cited_by: Sequence[str]) -> dict[str, Any]:
    """One item of `sources --json`: the source's fields and the ids of the entries citing it."""
    return {
        **source_dict(source),
        "file": source.file,
        "outdated": bool(source.outdated_warning),
        "cited_by": list(cited_by),
    }


def entry_dict(entry: Entry, catalog: Catalog) -> dict[str, Any]:
    warnings = catalog.outdated_warnings(entry)
    return {
        "id": entry.id,
        "question": entry.question,
        "claim": entry.claim,
        "verdict": entry.verdict,
        "verdict_label": verdict_label(entry.verdict),
        "verdict_meaning": verdict_meaning(entry.verdict),
        "answer": entry.answer,
        "aliases": list(entry.aliases),
        "claims": [{"text": c.text, "citations": list(c.citations)} for c in entry.claims],
        "caveats": list(entry.caveats),
        "tags": list(entry.tags),
        "related": list(entry.related),
        "reviewed": entry.reviewed,
        "sources": [source_dict(s) for s in catalog.sources_of(entry)],
        "outdated": bool(warnings),
        "outdated_warning": " ".join(warnings) or None,
    }


def list_item_dict(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "question": entry.question,
        "claim": entry.claim,
        "verdict": entry.verdict,
        "tags": list(entry.tags),
        "reviewed": entry.reviewed,
    }


def resource_dict(resource: Resource) -> dict[str, str]:
    return {
        "purpose": resource.purpose,
        "where": resource.where,
        "name": resource.name,
        "contact": resource.contact,
    }


def answer_dict(answer: Answer, catalog: Catalog) -> dict[str, Any]:
    body = entry_dict(answer.entry, catalog) if answer.entry else dict(_EMPTY_ENTRY)
    return {
        "query": answer.query,
        "status": answer.status,
        "score": answer.score,
        "close_call": answer.close_call,
        "opposite_wording": answer.opposite_wording,
        **body,
        "candidates": [{"id": c.id, "question": c.question, "score": c.score} for c in answer.candidates],
        "message": answer.safety_message,
        "resources": [resource_dict(r) for r in answer.resources],
        "decline_kind": answer.safety_kind,
        "not_english": answer.not_english,
        "answered_part": answer.answered_part,
        "other_part": answer.other_part,
        "other_part_id": answer.other_part_id,
    }


def findings_json_lines(findings: Iterable[Finding], file: str) -> str:
    """`check --json`'s output for a file's findings: one JSON line each."""
    return "".join(json_text(finding_dict(finding, file), compact=True) for finding in findings)


def json_text(value: Any, compact: bool = False) -> str:
    """The JSON every command writes: indented, or one line (JSON Lines), UTF-8 kept as is."""
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def md_escape(text: str) -> str:
    """Text as literal markdown: its markup characters escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def entry_markdown(entry: Entry, catalog: Catalog, heading: str = "##") -> str:
    """A pasteable markdown digest of one entry."""
    lines = [
        f"{heading} {md_escape(entry.question)}",
        "",
        f"**{claim_label(entry.verdict)}:** {md_escape(entry.claim)}",
        "",
        f"**Verdict: {verdict_label(entry.verdict)}**: {verdict_meaning(entry.verdict)}",
        "",
    ]
    if entry.answer:
        lines += [md_escape(entry.answer), ""]
    if entry.claims:
        lines.append("Claims:")
        lines += [
            f"{n}. {md_escape(c.text)} ({md_escape('; '.join(c.citations))})" if c.citations
            else f"{n}. {md_escape(c.text)}"
            for n, c in enumerate(entry.claims, 1)
        ]  # fmt: skip
        lines.append("")
    if entry.caveats:
        lines.append("Caveats:")
        lines += [f"- {md_escape(c)}" for c in entry.caveats]
        lines.append("")
    for warning in catalog.outdated_warnings(entry):
        lines += [f"> {md_escape(warning)}", ""]
    meta = [f"id `{entry.id}`"]
    if entry.reviewed:
        meta.append(f"reviewed {entry.reviewed}")
    sources = catalog.sources_of(entry)
    if sources:
        meta.append("sources: " + ", ".join(md_escape(s.title) for s in sources))
    lines += ["_" + "; ".join(meta) + "_", ""]
    return "\n".join(lines)


def digest_markdown(entries: Sequence[Entry], catalog: Catalog) -> str:
    """A readable digest: entries grouped under their first (main) tag, in data order."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.tags[0] if entry.tags else "", []).append(entry)
    untagged = groups.pop("", [])
    sections = list(groups.items())
    if untagged:
        sections.append(("", untagged))
    lines = [
        "# factcheck: fact-checks by topic",
        "",
        f"{len(entries)} entries. Each appears under its first tag; its other tags are listed with it.",
        "",
    ]
    lines += [f"- {md_escape(tag) or 'untagged'} ({len(group)})" for tag, group in sections]
    parts = ["\n".join(lines) + "\n\n"]
    for tag, group in sections:
        parts.append(f"## {md_escape(tag) if tag else 'Untagged'}\n\n")
        for entry in group:
            body = entry_markdown(entry, catalog, heading="###").rstrip("\n")
            if len(entry.tags) > 1:
                body += "\n\n_also tagged: " + ", ".join(md_escape(t) for t in entry.tags[1:]) + "_"
            parts.append(body + "\n\n")
    return "".join(parts).rstrip("\n") + "\n"


def declined_markdown(answer: Answer) -> str:
    """A declined answer as markdown: the message, then the channels."""
    return md_escape(answer.safety_message or "") + "\n\n" + channels_markdown(answer.resources)


def channels_markdown(resources: Sequence[Resource]) -> str:
    """The channels as a markdown list (after a decline, a miss or an answer that sought them)."""
    lines = [f"- {md_escape(r.where)}: {md_escape(r.name)}: {md_escape(r.contact)}" for r in resources]
    return "\n".join(lines) + "\n\n" if lines else ""


def no_match_markdown(answer: Answer) -> str:
    return f"_No confident match for: {md_escape(answer.query)}_\n\n"


def finding_dict(finding: Finding, file: str) -> dict[str, Any]:
    """One finding of `factcheck check --json` (a line of JSON Lines; schemas/finding.schema.json)."""
    return {
        "file": file,
        "line": finding.sentence.line,
        "column": finding.sentence.column,
        "sentence": finding.sentence.text,
        "id": finding.entry.id,
        "claim": finding.entry.claim,
        "verdict": finding.entry.verdict,
        "stance": finding.stance,
        "score": finding.score,
    }
