"""Exchange formats: schema.org ClaimReview (JSON-LD) out and in, and a markdown digest. Pure.

No terminal, no typer: the CLI's `export` and `import` commands call these functions
and write the result.

Export (`to_claimreview`, `export_document`)
    One ClaimReview per entry, following Google's fact-check markup (claimReviewed,
    reviewRating, url required; author, datePublished, itemReviewed recommended).

    url            `base_url + "#" + id`. DEFAULT_BASE_URL (https://example.org/factcheck/)
                   is a documentation placeholder: pass the address of the page that
                   really hosts the fact-checks when publishing.
    author         the Organization "factcheck".
    datePublished  the entry's `reviewed` date (left out when the entry has none).
    reviewRating   alternateName is the verdict label ("Mostly true"); rated verdicts
                   also carry a number on a 1-5 scale (RATING_VALUES):
                   true 5, mostly-true 4, mixed 3, mostly-false 2, false 1.
                   unproven and explainer are not points on that scale: they carry the
                   label only, no ratingValue/bestRating/worstRating.
    itemReviewed   a Claim; its alternateName lists the entry's aliases. Who first made
                   a claim is not recorded in the data, so Claim.author/appearance
                   (recommended, not required) are left out rather than invented.
    identifier     the factcheck id; reviewBody the answer; keywords the tags;
                   citation the cited sources (CreativeWork: identifier, name, url,
                   genre for the source's kind).
    factcheck:*    what schema.org has no property for rides in an extension namespace,
                   declared in the context as the prefix `factcheck` (EXTENSION_NS):
                   factcheck:claims (each {text, factcheck:citations}), factcheck:caveats,
                   factcheck:related, and on sources factcheck:file,
                   factcheck:outdatedWarning and factcheck:limits. Ordered lists are
                   declared `@list` in the context. Consumers that ignore the prefix see
                   plain ClaimReview.
    sources        a document (`export_document`) also lists the sources themselves as
                   CreativeWork nodes after the reviews, in the order the data declares
                   them (every declared source with every_source, else those cited); the
                   reviews' citations point at them by @id. A standalone review
                   (`to_claimreview`) carries its sources whole in `citation`.

Import (`read_claimreview`, `from_claimreview`, `entries_to_yaml`)
    Reads back id (identifier, else the url's #fragment, else a slug of the claim),
    question, verdict (by label or slug, any case; a bare number only on our own 1-5
    scale), answer, aliases, tags and reviewed. A rating it does not recognise becomes
    "unproven" and the original rating is kept as a caveat ("Original rating: ...").
    When a @context declares the extension namespace (under any prefix), it also reads
    claims, caveats, related and the declared sources, and keeps every list as written
    (order and repeats), so that importing an export gives back the same data.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from factcheck.config import SLUG
from factcheck.errors import ExitCode, FactcheckError
from factcheck.model import VERDICTS, Catalog, Entry, Source, verdict_label, verdict_meaning
from factcheck.text import without_controls

SCHEMA_CONTEXT = "https://schema.org"
# factcheck's own properties, for what ClaimReview has no property for (see the module docstring).
EXTENSION_NS = "https://example.org/factcheck/ns#"
EXTENSION_PREFIX = "factcheck"
# Lists whose order is data (JSON-LD arrays are unordered sets unless declared @list).
_ORDERED = ("claims", "citations", "caveats", "related")
EXTENSION_CONTEXT: dict[str, Any] = {
    EXTENSION_PREFIX: EXTENSION_NS,
    **{f"{EXTENSION_PREFIX}:{name}": {"@container": "@list"} for name in _ORDERED},
}
CONTEXT: list[Any] = [SCHEMA_CONTEXT, EXTENSION_CONTEXT]
DEFAULT_BASE_URL = "https://example.org/factcheck/"
AUTHOR_NAME = "factcheck"

# The documented number-to-text rating scale (worst 1, best 5). Verdicts not listed here
# (unproven, explainer) carry no numeric rating, only their label.
RATING_VALUES: dict[str, int] = {"true": 5, "mostly-true": 4, "mixed": 3, "mostly-false": 2, "false": 1}
BEST_RATING = 5
WORST_RATING = 1

_MAX_SLUG = 60
# Keys in the order the curated data writes them (factcheck.catalog.ENTRY_KEYS).
_YAML_KEYS = (
    "id", "question", "claim", "verdict", "aliases", "answer", "claims",
    "caveats", "tags", "related", "reviewed",
)  # fmt: skip
_SOURCE_YAML_KEYS = ("id", "title", "kind", "file", "url", "outdated_warning", "limits")  # catalog.SOURCE_KEYS
# Source fields without a schema.org property: (Source field, extension property).
_SOURCE_EXTENSION = (("file", "file"), ("outdated_warning", "outdatedWarning"), ("limits", "limits"))


def ext(name: str) -> str:
    """An extension property as written in exports: `factcheck:caveats`."""
    return f"{EXTENSION_PREFIX}:{name}"


class ClaimReviewError(FactcheckError):
    """Input that cannot be read as ClaimReview JSON-LD."""

    exit_code = ExitCode.USAGE


# --------------------------------------------------------------------------- export


def review_url(base_url: str, entry_id: str) -> str:
    """`https://site/page#entry-id` (any fragment already on base_url is replaced)."""
    return base_url.split("#", 1)[0] + "#" + entry_id


def source_iri(base_url: str, source_id: str) -> str:
    """The @id of a source node: `https://site/page#source/ip-tracing` (never an entry's `#id`)."""
    return base_url.split("#", 1)[0] + "#source/" + source_id


def source_node(source: Source, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
    """A declared source as a CreativeWork with every field the data gives it."""
    node: dict[str, Any] = {
        "@type": "CreativeWork",
        "@id": source_iri(base_url, source.id),
        "identifier": source.id,
        "name": source.title,
        "url": source.url,
        "genre": source.kind,
    }
    for field, term in _SOURCE_EXTENSION:
        node[ext(term)] = getattr(source, field)
    return {key: value for key, value in node.items() if value is not None}


def _citation(source: Source, base_url: str) -> dict[str, Any]:
    """A review's reference to a source described in full elsewhere in the document."""
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "@id": source_iri(base_url, source.id),
        "identifier": source.id,
        "name": source.title,
    }
    if source.url:
        work["url"] = source.url
    return work


def to_claimreview(
    entry: Entry, catalog: Catalog, base_url: str = DEFAULT_BASE_URL, *, whole_sources: bool = True
) -> dict[str, Any]:
    """One entry as a standalone ClaimReview JSON-LD object.

    whole_sources: each citation carries the whole source (a standalone review); else only
    its name and @id, for a document that lists the sources themselves (export_document).
    """
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": verdict_label(entry.verdict),
        "description": verdict_meaning(entry.verdict),
    }
    if entry.verdict in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[entry.verdict], bestRating=BEST_RATING, worstRating=WORST_RATING)
    claim: dict[str, Any] = {"@type": "Claim"}
    if entry.aliases:
        claim["alternateName"] = list(entry.aliases)
    sources = catalog.sources_of(entry)
    cite = source_node if whole_sources else _citation
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "identifier": entry.id,
        "url": review_url(base_url, entry.id),
        "name": entry.question,
        "claimReviewed": entry.claim,
        "datePublished": entry.reviewed,
        "author": {"@type": "Organization", "name": AUTHOR_NAME, "url": base_url.split("#", 1)[0]},
        "reviewRating": rating,
        "itemReviewed": claim,
        "reviewBody": entry.answer,
        "keywords": list(entry.tags),
        "citation": [cite(s, base_url) for s in sources],
        ext("claims"): [
            {"text": c.text, **({ext("citations"): list(c.citations)} if c.citations else {})} for c in entry.claims
        ],
        ext("caveats"): list(entry.caveats),
        ext("related"): list(entry.related),
    }
    return {key: value for key, value in review.items() if value not in (None, "", [])}


def export_document(
    entries: Iterable[Entry], catalog: Catalog, base_url: str = DEFAULT_BASE_URL, *, every_source: bool = False
) -> dict[str, Any]:
    """Many entries as one JSON-LD document: `{"@context": ..., "@graph": [ClaimReview, ..., source, ...]}`.

    The sources follow the reviews, in the order the data declares them: those the
    entries cite, or with every_source every declared source (a whole-catalog export).
    """
    graph = []
    cited: set[str] = set()
    for entry in entries:
        review = to_claimreview(entry, catalog, base_url, whole_sources=False)
        del review["@context"]  # inherited from the document
        graph.append(review)
        cited.update(entry.source_ids)
    graph += [source_node(s, base_url) for s in catalog.sources.values() if every_source or s.id in cited]
    return {"@context": CONTEXT, "@graph": graph}


# --------------------------------------------------------------------------- import


def slugify(text: str, fallback: str = "claim") -> str:
    """A factcheck id from any text: ASCII-folded, lowercase, hyphenated, at most 60 chars."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > _MAX_SLUG:
        cut = slug[:_MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or fallback


def _is_type(node: Any, name: str) -> bool:
    """Whether a node's @type (one or a list; `ClaimReview`, `schema:ClaimReview` or an IRI) is `name`."""
    if not isinstance(node, dict):
        return False
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == name for t in names)


def _is_claimreview(node: Any) -> bool:
    if _is_type(node, "ClaimReview"):
        return True
    return isinstance(node, dict) and node.get("@type") is None and "claimReviewed" in node


def _extension_prefixes(context: Any) -> frozenset[str]:
    """The prefixes a @context maps to the factcheck extension namespace (any name, usually "factcheck")."""
    if isinstance(context, list):
        return frozenset(p for item in context for p in _extension_prefixes(item))
    if not isinstance(context, dict):
        return frozenset()
    found = set()
    for term, value in context.items():
        iri = value.get("@id") if isinstance(value, dict) else value
        if iri == EXTENSION_NS and isinstance(term, str) and ":" not in term:
            found.add(term)
    return frozenset(found)


def _nodes(
    obj: Any, prefixes: frozenset[str] = frozenset(), depth: int = 0
) -> list[tuple[dict[str, Any], frozenset[str]]]:
    """Every top-level node of a single object, a list, or an @graph (nested lists allowed),
    each with the extension prefixes its contexts declare."""
    if depth > 20:
        raise ClaimReviewError("JSON-LD nested too deeply")
    if isinstance(obj, list):
        return [found for item in obj for found in _nodes(item, prefixes, depth + 1)]
    if not isinstance(obj, dict):
        raise ClaimReviewError(f"expected a JSON object, a list or an @graph, got {_json_kind(obj)}")
    prefixes = prefixes | _extension_prefixes(obj.get("@context"))
    if "@graph" in obj and not _is_claimreview(obj):
        graph = obj["@graph"]
        return _nodes(graph if isinstance(graph, list) else [graph], prefixes, depth + 1)
    return [(obj, prefixes)]


def _ext_value(node: dict[str, Any], prefixes: frozenset[str], name: str) -> Any:
    """An extension property of a node, under whichever prefix the context declared."""
    for prefix in sorted(prefixes):
        if f"{prefix}:{name}" in node:
            return node[f"{prefix}:{name}"]
    return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def _text(value: Any) -> str | None:
    """A JSON-LD value as text: strings, {"@value": ...}, numbers; the first of a list."""
    if isinstance(value, list):
        for item in value:
            text = _text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        for key in ("@value", "value", "name"):
            if key in value:
                return _text(value[key])
        return None
    if isinstance(value, bool) or value is None:
        return None
    # Control characters are refused in factcheck data (they would reach terminals raw).
    text = without_controls(str(value)).strip()
    return text or None


def _texts(value: Any, split_commas: bool = False) -> list[str]:
    """Every text value of a property that may hold one value or a list.

    With split_commas, a single string is read as a comma-separated list (schema.org's
    `keywords` convention); items of a real list are never split.
    """
    if split_commas and isinstance(value, str):
        value = value.split(",")
    items = value if isinstance(value, list) else [value]
    found = (_text(item) for item in items)
    return list(dict.fromkeys(text for text in found if text))


def _items(value: Any) -> list[Any]:
    """A property's values as a list: one value, a list, or a JSON-LD {"@list": [...]}."""
    if isinstance(value, dict) and "@list" in value:
        value = value["@list"]
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> list[str]:
    """Every text value of a property, in order, repeats kept (extension data is read as written)."""
    found = (_text(item) for item in _items(value))
    return [text for text in found if text]


def _first_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else {}


def _label_key(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", text).casefold().split())


_VERDICT_BY_LABEL: dict[str, str] = {}
for _slug, (_label, _meaning) in VERDICTS.items():
    _VERDICT_BY_LABEL[_label_key(_slug)] = _slug
    _VERDICT_BY_LABEL[_label_key(_label)] = _slug
_VERDICT_BY_VALUE = {value: slug for slug, value in RATING_VALUES.items()}


def _number(value: Any) -> float | None:
    text = _text(value)
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def verdict_from_rating(rating: Any) -> tuple[str, str | None]:
    """(verdict, original rating text when it was not recognised)."""
    if isinstance(rating, str):  # a bare textual rating
        rating = {"alternateName": rating}
    rating = _first_dict(rating)
    name = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if name is not None and _label_key(name) in _VERDICT_BY_LABEL:
        return _VERDICT_BY_LABEL[_label_key(name)], None
    value, best, worst = (_number(rating.get(k)) for k in ("ratingValue", "bestRating", "worstRating"))
    # Google assumes best 5 and worst 1 when they are left out.
    best = BEST_RATING if best is None else best
    worst = WORST_RATING if worst is None else worst
    on_our_scale = (best, worst) == (BEST_RATING, WORST_RATING) and value is not None and value.is_integer()
    if name is None and on_our_scale and int(value or 0) in _VERDICT_BY_VALUE:
        return _VERDICT_BY_VALUE[int(value or 0)], None
    if name is None and value is None:
        return "unproven", "Original rating: none given."
    original = name or ""
    if value is not None:
        number = f"{value:g} on a {worst:g}-{best:g} scale"
        original = f"{original} ({number})" if original else number
    return "unproven", f"Original rating: {original}"


def _date(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def _entry_id(review: dict[str, Any], question: str) -> str:
    identifier = _text(review.get("identifier"))
    if identifier:
        return identifier if SLUG.match(identifier) else slugify(identifier)
    url = _text(review.get("url")) or _text(review.get("@id")) or ""
    fragment = url.split("#", 1)[1] if "#" in url else ""
    if SLUG.match(fragment):
        return fragment
    return slugify(question)


def as_statement(text: str) -> str:
    """A claim must be a statement: a rated text written as a question is kept, marked as such."""
    if "?" not in text:
        return text
    return "Claim under review: " + text.replace("?", "").strip() + "."


def review_to_entry(review: dict[str, Any], prefixes: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One ClaimReview object as a factcheck entry dict (keys as in the YAML data).

    prefixes: the names the context gives the extension namespace; with one, claims,
    caveats and related are read too, and lists are kept exactly as written.
    """
    claim = _first_dict(review.get("itemReviewed"))
    rated = _text(review.get("claimReviewed")) or _text(claim.get("text")) or _text(claim.get("name"))
    title = _text(review.get("name")) or _text(review.get("headline"))
    if rated is None and title is None:
        where = _text(review.get("url")) or _text(review.get("identifier")) or "a ClaimReview"
        raise ClaimReviewError(f"{where} has no claimReviewed text")
    # claimReviewed is the statement rated; the review's name (our exports: the question) titles it.
    question = title or rated or ""
    verdict, original = verdict_from_rating(review.get("reviewRating"))
    entry: dict[str, Any] = {
        "id": _entry_id(review, question),
        "question": question,
        "claim": as_statement(rated or question),
        "verdict": verdict,
    }
    if prefixes:
        aliases = _strings(claim.get("alternateName"))
    else:
        aliases = [a for a in _texts(claim.get("alternateName")) if a != question]
    if aliases:
        entry["aliases"] = aliases
    answer = _text(review.get("reviewBody")) or _text(_first_dict(review.get("reviewRating")).get("ratingExplanation"))
    if answer:
        entry["answer"] = answer
    if prefixes:
        found = (_supporting_claim(item, prefixes) for item in _items(_ext_value(review, prefixes, "claims")))
        claims = [c for c in found if c]
        if claims:
            entry["claims"] = claims
    caveats = _strings(_ext_value(review, prefixes, "caveats")) if prefixes else []
    if original:
        caveats.append(original)
    if caveats:
        entry["caveats"] = caveats
    keywords = review.get("keywords")
    if prefixes and isinstance(keywords, list):
        tags = [t.lower() for t in _strings(keywords)]
    else:
        tags = list(dict.fromkeys(t.lower() for t in _texts(keywords, split_commas=True)))
    if tags:
        entry["tags"] = tags
    related = _strings(_ext_value(review, prefixes, "related")) if prefixes else []
    if related:
        entry["related"] = related
    reviewed = _date(review.get("datePublished"))
    if reviewed:
        entry["reviewed"] = reviewed
    return entry


def _supporting_claim(item: Any, prefixes: frozenset[str]) -> dict[str, Any] | None:
    """One item of factcheck:claims: {"text": ..., "factcheck:citations": [...]} (or a bare text)."""
    if not isinstance(item, dict):
        text = _text(item)
        return {"text": text} if text else None
    text = _text(item.get("text"))
    if not text:
        return None
    citations = _strings(_ext_value(item, prefixes, "citations"))
    return {"text": text, **({"citations": citations} if citations else {})}


def _source(node: dict[str, Any], prefixes: frozenset[str]) -> dict[str, Any] | None:
    """A CreativeWork node or citation as a factcheck source dict (keys as in the YAML data)."""
    source_id, title = _text(node.get("identifier")), _text(node.get("name"))
    if not source_id or not title:
        return None
    source = {
        "id": source_id if SLUG.match(source_id) else slugify(source_id, "source"),
        "title": title,
        "kind": _text(node.get("genre")),
        "url": _text(node.get("url")),
    }
    for field, term in _SOURCE_EXTENSION:
        source[field] = _text(_ext_value(node, prefixes, term))
    return {key: value for key, value in source.items() if value}


class Imported(NamedTuple):
    """What an import yields: entry dicts and source dicts, keys as in the YAML data."""

    entries: list[dict[str, Any]]
    sources: list[dict[str, Any]]


def read_claimreview(obj: Any) -> Imported:
    """Entries, and the declared sources, from parsed JSON-LD: one ClaimReview, a list, or a document with @graph.

    Nodes of other types in a list or graph are skipped (with the extension declared,
    CreativeWork nodes are read as sources); a single object that is not a ClaimReview is
    an error. Ids are made unique with -2, -3, ... suffixes. Sources are read only where
    the extension is declared (a third-party citation is not a factcheck source), in the
    order of the document's source nodes, then of the citations; one source described
    in several places keeps the first value of each field.
    """
    nodes = _nodes(obj)
    reviews = [(node, prefixes) for node, prefixes in nodes if _is_claimreview(node)]
    if not reviews and isinstance(obj, dict) and "@graph" not in obj:
        kind = _text(obj.get("@type")) or "an object without @type"
        raise ClaimReviewError(f"expected a ClaimReview, got {kind}")
    described = [(node, prefixes) for node, prefixes in nodes if prefixes and _is_type(node, "CreativeWork")]
    described += [
        (cited, prefixes)
        for review, prefixes in reviews
        if prefixes
        for cited in _items(review.get("citation"))
        if isinstance(cited, dict)
    ]
    sources: dict[str, dict[str, Any]] = {}
    for node, prefixes in described:
        found = _source(node, prefixes)
        if found:
            known = sources.setdefault(found["id"], {})
            for key, value in found.items():
                known.setdefault(key, value)
    entries = [review_to_entry(review, prefixes) for review, prefixes in reviews]
    seen: set[str] = set()
    for entry in entries:
        base, n = entry["id"], 1
        while entry["id"] in seen:
            n += 1
            suffix = f"-{n}"
            entry["id"] = base[: _MAX_SLUG - len(suffix)].rstrip("-") + suffix
        seen.add(entry["id"])
    return Imported(entries, [{k: s[k] for k in _SOURCE_YAML_KEYS if k in s} for s in sources.values()])


def from_claimreview(obj: Any) -> list[dict[str, Any]]:
    """Entry dicts from parsed JSON-LD (read_claimreview without the sources)."""
    return read_claimreview(obj).entries


# --------------------------------------------------------------------------- YAML


def entries_to_yaml(
    entries: Sequence[dict[str, Any]], header: str | None = None, sources: Sequence[dict[str, Any]] = ()
) -> str:
    """Entry dicts (and source dicts) as a factcheck data file that `factcheck validate` accepts.

    Verdicts are always double-quoted (`"false"` unquoted would be a YAML boolean), the
    review date is written as a YAML date, and text is escaped by the YAML emitter.
    """
    import yaml

    class _Quoted(str):
        pass

    class _Flow(list):  # type: ignore[type-arg]
        pass

    class _Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # indent lists under their key, like the data

    def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        # PyYAML folds a lone NEL/LS/PS/CR break it wrote in a plain or single-quoted
        # scalar into a space when reading it back; double quotes escape them instead.
        style = '"' if any(c in value for c in "\r\x85\u2028\u2029") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _text)
    _Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
    _Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True))
    declared = []
    for raw in sources:
        missing = [k for k in ("id", "title") if not raw.get(k)]
        if missing:
            raise ClaimReviewError(f"source {raw.get('id')!r} is missing {', '.join(missing)}")
        declared.append({k: raw[k] for k in _SOURCE_YAML_KEYS if raw.get(k)})
    documents = []
    for raw in entries:
        missing = [k for k in ("id", "question", "claim", "verdict") if not raw.get(k)]
        if missing:
            raise ClaimReviewError(f"entry {raw.get('id')!r} is missing {', '.join(missing)}")
        entry: dict[str, Any] = {}
        for key in _YAML_KEYS:
            value = raw.get(key)
            if value in (None, "", [], ()):
                continue
            if key == "verdict":
                value = _Quoted(value)
            elif key == "reviewed":
                value = dt.date.fromisoformat(str(value))
            elif key == "tags":
                value = _Flow(value)
            elif key == "claims":
                value = [
                    {"text": c["text"], **({"citations": list(c["citations"])} if c.get("citations") else {})}
                    for c in value
                ]
            elif isinstance(value, tuple):
                value = list(value)
            entry[key] = value
        documents.append(entry)
    body = yaml.dump(
        {**({"sources": declared} if declared else {}), "entries": documents},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    prefix = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()) if header else ""
    return prefix + body
