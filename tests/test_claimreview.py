"""ClaimReview JSON-LD export/import (factcheck.claimreview) and the `export`/`import` commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from factcheck import claimreview as cr
from factcheck.catalog import validate
from factcheck.cli import app
from factcheck.model import VERDICTS, Catalog, Claim, Entry, Source
from tests.helpers import assert_schema_valid

REAL_DATA = Path(__file__).resolve().parent.parent / "data" / "claims.yaml"

FIXTURE = """\
sources:
  - id: digest
    title: "A test digest"
    kind: "fact-check digest"
    file: "digest.txt"
    url: "https://example.org/digest"
    outdated_warning: "This digest may be outdated."
    limits: "Cites [1] only."
  - id: notes
    title: "Unlinked notes"
entries:
  - id: tip-true
    question: "Is the CyberTipline run by NCMEC?"
    claim: NCMEC runs the CyberTipline.
    verdict: "true"
    aliases: ["does ncmec run the cybertipline"]
    answer: "Yes: NCMEC operates it."
    claims:
      - text: "NCMEC operates the CyberTipline."
        citations: ["digest [1]", "notes"]
    caveats: ["Only one digest says so."]
    tags: [ncmec, cybertipline]
    related: [rated-false, how-it-works]
    reviewed: 2025-01-31
  - id: rated-mostly-true
    question: "Mostly true question?"
    claim: A claim.
    verdict: "mostly-true"
    tags: [ncmec]
  - id: rated-mixed
    question: "Mixed question?"
    claim: A claim.
    verdict: "mixed"
    tags: [law]
  - id: rated-mostly-false
    question: "Mostly false question?"
    claim: A claim.
    verdict: "mostly-false"
    tags: [law, ncmec]
  - id: rated-false
    question: "Does police trace every IP?"
    claim: A claim.
    verdict: "false"
    answer: "No; leads are prioritised."
    tags: [ip-addresses]
  - id: not-settled
    question: "Unproven question?"
    claim: A claim.
    verdict: "unproven"
  - id: how-it-works
    question: "How does a report reach police?"
    claim: A claim.
    verdict: "explainer"
    answer: "Through NCMEC, which refers it to the right agency."
    tags: [reporting]
"""

EXPECTED_VALUES = {"true": 5, "mostly-true": 4, "mixed": 3, "mostly-false": 2, "false": 1}


def claimreview_schema() -> Draft202012Validator:
    text = (resources.files("factcheck") / "schemas" / "claimreview.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def assert_valid(value: object) -> None:
    assert_schema_valid(claimreview_schema(), value)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture
def catalog(data: Path) -> Catalog:
    loaded, problems = validate([data])
    assert loaded is not None, problems
    return loaded


def reviews(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The ClaimReview nodes of an exported document (the sources follow them)."""
    return [node for node in document["@graph"] if node["@type"] == "ClaimReview"]


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {review["identifier"]: review for review in reviews(document)}


def load_yaml_text(text: str, strict: bool = False) -> Catalog:
    """Validate YAML text as factcheck data; fail with every problem otherwise."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "imported.yaml"
        path.write_text(text, encoding="utf-8")
        loaded, problems = validate([path], strict=strict)
    assert loaded is not None, "\n".join(map(str, problems)) + "\n\n" + text
    assert not problems, problems  # not even an unknown-key warning
    return loaded


def as_data(catalog: Catalog) -> tuple[list[Entry], list[Source]]:
    """Everything the data format says: every entry field (not where it was read) and the declared sources, in order."""
    return [e._replace(file="", line=0) for e in catalog.entries], list(catalog.sources.values())


# ------------------------------------------------------------------ export


def test_export_validates_against_the_schema(catalog: Catalog) -> None:
    document = cr.export_document(catalog.entries, catalog, "https://checks.example.net/page")
    assert_valid(document)
    assert document["@context"] == ["https://schema.org", cr.EXTENSION_CONTEXT]
    assert cr.EXTENSION_CONTEXT["factcheck"] == "https://example.org/factcheck/ns#"
    assert [r["identifier"] for r in reviews(document)] == [e.id for e in catalog.entries]
    assert [n["identifier"] for n in document["@graph"][len(catalog.entries) :]] == ["digest", "notes"]
    for entry in catalog.entries:
        single = cr.to_claimreview(entry, catalog, "https://checks.example.net/page")
        assert_valid(single)  # a standalone object carries @context


def test_export_fields(catalog: Catalog) -> None:
    review = cr.to_claimreview(catalog.get("tip-true"), catalog, "https://checks.example.net/page")
    assert review["@context"] == ["https://schema.org", cr.EXTENSION_CONTEXT]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "NCMEC runs the CyberTipline."
    assert review["name"] == "Is the CyberTipline run by NCMEC?"
    assert review["url"] == "https://checks.example.net/page#tip-true"
    assert review["identifier"] == "tip-true"
    assert review["author"] == {"@type": "Organization", "name": "factcheck", "url": "https://checks.example.net/page"}
    assert review["datePublished"] == "2025-01-31"
    assert review["reviewBody"] == "Yes: NCMEC operates it."
    assert review["keywords"] == ["ncmec", "cybertipline"]
    assert review["itemReviewed"] == {"@type": "Claim", "alternateName": ["does ncmec run the cybertipline"]}
    assert review["reviewRating"]["alternateName"] == "True"
    assert review["citation"] == [  # standalone: each source whole
        {"@type": "CreativeWork", "@id": "https://checks.example.net/page#source/digest", "identifier": "digest",
         "name": "A test digest", "url": "https://example.org/digest", "genre": "fact-check digest",
         "factcheck:file": "digest.txt", "factcheck:outdatedWarning": "This digest may be outdated.",
         "factcheck:limits": "Cites [1] only."},
        {"@type": "CreativeWork", "@id": "https://checks.example.net/page#source/notes", "identifier": "notes",
         "name": "Unlinked notes"},
    ]  # fmt: skip
    assert review["factcheck:claims"] == [
        {"text": "NCMEC operates the CyberTipline.", "factcheck:citations": ["digest [1]", "notes"]}
    ]
    assert review["factcheck:caveats"] == ["Only one digest says so."]
    assert review["factcheck:related"] == ["rated-false", "how-it-works"]


def test_export_leaves_out_what_an_entry_lacks(catalog: Catalog) -> None:
    review = cr.to_claimreview(catalog.get("not-settled"), catalog)
    for key in (
        "datePublished",
        "reviewBody",
        "keywords",
        "citation",
        "factcheck:claims",
        "factcheck:caveats",
        "factcheck:related",
    ):
        assert key not in review
    assert review["itemReviewed"] == {"@type": "Claim"}


def test_default_base_url_and_fragment_replacement(catalog: Catalog) -> None:
    entry = catalog.get("rated-false")
    assert cr.DEFAULT_BASE_URL == "https://example.org/factcheck/"
    assert cr.to_claimreview(entry, catalog)["url"] == "https://example.org/factcheck/#rated-false"
    assert cr.review_url("https://x.example/p#old", "rated-false") == "https://x.example/p#rated-false"


@pytest.mark.parametrize(("verdict", "value"), sorted(EXPECTED_VALUES.items()))
def test_numeric_rating_mapping(catalog: Catalog, verdict: str, value: int) -> None:
    entry = next(e for e in catalog.entries if e.verdict == verdict)
    rating = cr.to_claimreview(entry, catalog)["reviewRating"]
    assert rating["@type"] == "Rating"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (value, 5, 1)
    assert rating["alternateName"] == VERDICTS[verdict][0]


def test_mapping_is_documented_and_complete() -> None:
    assert cr.RATING_VALUES == EXPECTED_VALUES
    assert set(cr.RATING_VALUES) | {"unproven", "explainer"} == set(VERDICTS)
    assert "true 5, mostly-true 4, mixed 3, mostly-false 2, false 1" in (cr.__doc__ or "")


@pytest.mark.parametrize("verdict", ["unproven", "explainer"])
def test_unrated_verdicts_have_no_numbers(catalog: Catalog, verdict: str) -> None:
    entry = next(e for e in catalog.entries if e.verdict == verdict)
    rating = cr.to_claimreview(entry, catalog)["reviewRating"]
    assert rating["alternateName"] == VERDICTS[verdict][0]
    assert not {"ratingValue", "bestRating", "worstRating"} & set(rating)


def test_schema_rejects_a_review_without_required_properties(catalog: Catalog) -> None:
    review = cr.to_claimreview(catalog.get("tip-true"), catalog)
    validator = claimreview_schema()
    for key in ("claimReviewed", "reviewRating", "url"):
        broken = {k: v for k, v in review.items() if k != key}
        assert not validator.is_valid(broken), key
    no_label = {**review, "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1}}
    assert not validator.is_valid(no_label)
    half_scale = {**review, "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1}}
    assert not validator.is_valid(half_scale)


# ------------------------------------------------------------------ import


def test_import_single_object(catalog: Catalog) -> None:
    review = cr.to_claimreview(catalog.get("tip-true"), catalog)
    assert cr.from_claimreview(review) == [
        {
            "id": "tip-true",
            "question": "Is the CyberTipline run by NCMEC?",
            "claim": "NCMEC runs the CyberTipline.",
            "verdict": "true",
            "aliases": ["does ncmec run the cybertipline"],
            "answer": "Yes: NCMEC operates it.",
            "claims": [{"text": "NCMEC operates the CyberTipline.", "citations": ["digest [1]", "notes"]}],
            "caveats": ["Only one digest says so."],
            "tags": ["ncmec", "cybertipline"],
            "related": ["rated-false", "how-it-works"],
            "reviewed": "2025-01-31",
        }
    ]


def test_import_list_and_graph(catalog: Catalog) -> None:
    document = cr.export_document(catalog.entries, catalog)
    from_graph = cr.from_claimreview(document)
    from_list = cr.from_claimreview([cr.to_claimreview(e, catalog) for e in catalog.entries])
    assert from_graph == from_list
    assert [e["id"] for e in from_graph] == [e.id for e in catalog.entries]
    assert [e["verdict"] for e in from_graph] == [e.verdict for e in catalog.entries]


def test_import_skips_other_nodes_in_a_graph() -> None:
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "A fact-checker"},
            {"@type": "ClaimReview", "claimReviewed": "The moon is cheese", "url": "https://x.example/a",
             "reviewRating": {"@type": "Rating", "alternateName": "False"}},
        ],
    }  # fmt: skip
    expected = {
        "id": "the-moon-is-cheese",
        "question": "The moon is cheese",
        "claim": "The moon is cheese",
        "verdict": "false",
    }
    assert cr.from_claimreview(document) == [expected]


def test_import_unknown_rating_becomes_unproven_with_the_original_kept() -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://politics.example/checks/1",
        "claimReviewed": "Every IP address is traced",
        "datePublished": "2024-03-05T10:00:00Z",
        "reviewRating": {"@type": "Rating", "ratingValue": 0, "bestRating": 5, "worstRating": 0,
                         "alternateName": "Pants on Fire!"},
    }  # fmt: skip
    [entry] = cr.from_claimreview(review)
    assert entry["verdict"] == "unproven"
    assert entry["caveats"] == ["Original rating: Pants on Fire! (0 on a 0-5 scale)"]
    assert entry["id"] == "every-ip-address-is-traced"
    assert entry["reviewed"] == "2024-03-05"
    loaded = load_yaml_text(cr.entries_to_yaml([entry]))
    assert loaded.entries[0].caveats == ("Original rating: Pants on Fire! (0 on a 0-5 scale)",)


@pytest.mark.parametrize(
    ("rating", "verdict", "caveat"),
    [
        ({"alternateName": "mostly false"}, "mostly-false", None),
        ({"alternateName": "MOSTLY-TRUE"}, "mostly-true", None),
        ({"alternateName": "Explainer"}, "explainer", None),
        ({"ratingValue": 2, "bestRating": 5, "worstRating": 1}, "mostly-false", None),
        ({"ratingValue": "4"}, "mostly-true", None),  # Google's defaults: best 5, worst 1
        ({"ratingValue": 7, "bestRating": 10, "worstRating": 1}, "unproven", "Original rating: 7 on a 1-10 scale"),
        ({}, "unproven", "Original rating: none given."),
        ([{"alternateName": "Half True"}], "unproven", "Original rating: Half True"),
        ("Mixed", "mixed", None),
    ],
)
def test_rating_to_verdict(rating: Any, verdict: str, caveat: str | None) -> None:
    assert cr.verdict_from_rating(rating) == (verdict, caveat)


def test_import_derives_unique_slug_ids() -> None:
    reviews = [
        {"@type": "ClaimReview", "claimReviewed": "Ça coûte 100 € ?", "reviewRating": {"alternateName": "True"}},
        {"@type": "ClaimReview", "claimReviewed": "Ça coûte 100 € !", "reviewRating": {"alternateName": "True"}},
        {"@type": "ClaimReview", "claimReviewed": "Fragment", "url": "https://x.example/#from-url",
         "reviewRating": {"alternateName": "True"}},
        {"@type": "ClaimReview", "claimReviewed": "Odd id", "identifier": "Not A Slug",
         "reviewRating": {"alternateName": "True"}},
        {"@type": "ClaimReview", "claimReviewed": "???", "reviewRating": {"alternateName": "True"}},
    ]  # fmt: skip
    ids = [e["id"] for e in cr.from_claimreview(reviews)]
    assert ids == ["ca-coute-100", "ca-coute-100-2", "from-url", "not-a-slug", "claim"]
    load_yaml_text(cr.entries_to_yaml(cr.from_claimreview(reviews)))


def test_slugify_limits_length() -> None:
    slug = cr.slugify("word " * 40)
    assert len(slug) <= 60 and not slug.endswith("-")


def test_import_accepts_jsonld_value_forms() -> None:
    review = {
        "@type": ["schema:ClaimReview"],
        "claimReviewed": {"@value": "A claim"},
        "keywords": "Police, IP-Addresses ,police",
        "reviewRating": {"@type": "Rating", "name": "False"},
        "itemReviewed": {"@type": "Claim", "alternateName": "another phrasing"},
        "identifier": {"@type": "PropertyValue", "value": "a-claim"},
    }
    assert cr.from_claimreview(review) == [
        {"id": "a-claim", "question": "A claim", "claim": "A claim", "verdict": "false", "aliases": ["another phrasing"],
         "tags": ["police", "ip-addresses"]}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [42, "text", None, {"@type": "Person", "name": "x"}, {"@type": "ClaimReview", "url": "https://x.example/"}],
)
def test_import_rejects_what_is_not_claimreview(bad: Any) -> None:
    with pytest.raises(cr.ClaimReviewError):
        cr.from_claimreview(bad)


def test_import_empty_graph_is_empty() -> None:
    assert cr.from_claimreview({"@context": "https://schema.org", "@graph": []}) == []
    assert load_yaml_text(cr.entries_to_yaml([])).entries == ()


def test_yaml_quotes_verdicts_and_validates(catalog: Catalog) -> None:
    entries, sources = cr.read_claimreview(cr.export_document(catalog.entries, catalog, every_source=True))
    text = cr.entries_to_yaml(entries, header="Imported for a test", sources=sources)
    assert text.startswith("# Imported for a test\nsources:\n")
    assert "\nentries:\n" in text
    for verdict in VERDICTS:
        assert f'verdict: "{verdict}"' in text
    loaded = load_yaml_text(text)
    assert [(e.id, e.verdict, e.tags, e.reviewed) for e in loaded.entries] == [
        (e.id, e.verdict, e.tags, e.reviewed) for e in catalog.entries
    ]


# ------------------------------------------------------------------ round trip (property-based)

# Control characters are not valid in factcheck data (validate refuses them), so not generated.
_CHARS = st.characters(exclude_categories=("Cc", "Cs"))
_TEXT = st.text(_CHARS, min_size=1, max_size=60).map(str.strip).filter(bool)
_TAG = st.text(_CHARS, min_size=1, max_size=20).map(lambda t: t.strip().lower()).filter(lambda t: t and t == t.strip())
_SLUG_ID = st.from_regex(r"\A[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,3}\Z")


@st.composite
def entries(draw: st.DrawFn) -> list[Entry]:
    ids = draw(st.lists(_SLUG_ID, min_size=1, max_size=4, unique=True))
    made = []
    for entry_id in ids:
        question = draw(_TEXT)
        made.append(
            Entry(
                id=entry_id,
                question=question,
                claim=draw(_TEXT.filter(lambda c: "?" not in c)),
                verdict=draw(st.sampled_from(sorted(VERDICTS))),
                aliases=tuple(draw(st.lists(_TEXT.filter(lambda a, q=question: a != q), max_size=3, unique=True))),
                answer=draw(st.none() | _TEXT),
                tags=tuple(draw(st.lists(_TAG, max_size=4, unique=True))),
                reviewed=draw(st.none() | st.dates().map(lambda d: d.isoformat())),
            )
        )
    return made


def _fields(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.id,
        entry.question,
        entry.claim,
        entry.verdict,
        entry.answer,
        entry.tags,
        entry.reviewed,
        entry.aliases,
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(made=entries(), base_url=st.sampled_from([cr.DEFAULT_BASE_URL, "https://x.example/p?a=1", "http://h/"]))
def test_export_import_round_trip(made: list[Entry], base_url: str) -> None:
    catalog = Catalog(entries=tuple(made))
    document = cr.export_document(made, catalog, base_url)
    assert_valid(document)
    wire = json.loads(json.dumps(document, ensure_ascii=False))  # through real JSON text
    imported = cr.from_claimreview(wire)
    assert [
        (e["id"], e["question"], e["claim"], e["verdict"], e.get("answer"), tuple(e.get("tags", ())), e.get("reviewed"),
         tuple(e.get("aliases", ())))
        for e in imported
    ] == [_fields(e) for e in made]  # fmt: skip
    assert all("caveats" not in e for e in imported)  # our own ratings are all recognised
    loaded = load_yaml_text(cr.entries_to_yaml(imported))  # and the YAML passes validate
    assert [_fields(e) for e in loaded.entries] == [_fields(e) for e in made]


# Every field the data format has. Text may hold tabs and line breaks (the data allows them,
# not other control characters); the loader strips each value, so the generator does too.
_BODY = (
    st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n\r"), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def catalogs(draw: st.DrawFn) -> tuple[Catalog, bool]:
    """A valid catalog (entries and declared sources, some uncited) and whether it is complete enough for --strict."""
    complete = draw(st.booleans())
    source_ids = draw(st.lists(_SLUG_ID, min_size=1 if complete else 0, max_size=4, unique=True))
    sources = {
        sid: Source(
            id=sid,
            title=draw(_BODY),
            **{key: draw(st.none() | _BODY) for key in ("kind", "file", "url", "outdated_warning", "limits")},
        )
        for sid in source_ids
    }
    citation = (
        st.tuples(st.sampled_from(source_ids), st.lists(st.integers(0, 99), max_size=3)).map(
            lambda c: c[0] + (" " + "".join(f"[{n}]" for n in c[1]) if c[1] else "")
        )
        if source_ids
        else st.nothing()
    )
    citations = st.lists(citation, min_size=1 if complete else 0, max_size=3) if source_ids else st.just([])
    claim = st.builds(Claim, text=_BODY, citations=citations.map(tuple))
    ids = draw(st.lists(_SLUG_ID, min_size=1, max_size=4, unique=True))
    made = [
        Entry(
            id=entry_id,
            question=draw(_BODY),
            claim=draw(_BODY.filter(lambda c: "?" not in c)),
            verdict=draw(st.sampled_from(sorted(VERDICTS))),
            aliases=tuple(draw(st.lists(_BODY, max_size=3))),  # repeats and the question itself allowed
            answer=draw(_BODY if complete else st.none() | _BODY),
            claims=tuple(draw(st.lists(claim, min_size=1 if complete else 0, max_size=3))),
            caveats=tuple(draw(st.lists(_BODY, min_size=1 if complete else 0, max_size=3))),
            tags=tuple(draw(st.lists(_TAG, max_size=4))),
            related=tuple(draw(st.lists(st.sampled_from(ids), max_size=3))),
            reviewed=draw(
                st.dates().map(dt.date.isoformat) if complete else st.none() | st.dates().map(dt.date.isoformat)
            ),
        )
        for entry_id in ids
    ]
    return Catalog(entries=tuple(made), sources=sources), complete


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(made=catalogs(), base_url=st.sampled_from([cr.DEFAULT_BASE_URL, "https://x.example/p?a=1", "http://h/"]))
def test_export_then_import_is_lossless(made: tuple[Catalog, bool], base_url: str) -> None:
    """Valid entries -> export -> JSON text -> import -> YAML -> the loader: the same entries and sources."""
    catalog, complete = made
    document = cr.export_document(catalog.entries, catalog, base_url, every_source=True)
    assert_valid(document)
    imported = cr.read_claimreview(json.loads(json.dumps(document, ensure_ascii=False)))
    text = cr.entries_to_yaml(imported.entries, header="round trip", sources=imported.sources)
    loaded = load_yaml_text(text, strict=complete)  # no problem at all, even under --strict when complete
    assert as_data(loaded) == as_data(catalog)
    # Standalone reviews carry their cited sources whole: the same entries, and the sources they cite.
    alone = cr.read_claimreview([cr.to_claimreview(e, catalog, base_url) for e in catalog.entries])
    assert alone.entries == imported.entries
    cited = {s for e in catalog.entries for s in e.source_ids}
    assert {s["id"]: s for s in alone.sources} == {s["id"]: s for s in imported.sources if s["id"] in cited}


def _without_extension(value: Any) -> Any:
    """What a consumer that ignores the extension sees: no factcheck:* property, a plain schema.org context."""
    if isinstance(value, list):
        return [_without_extension(v) for v in value]
    if isinstance(value, dict):
        return {
            k: (cr.SCHEMA_CONTEXT if k == "@context" else _without_extension(v))
            for k, v in value.items()
            if not k.startswith("factcheck:")
        }
    return value


def test_export_is_plain_claimreview_without_the_extension(catalog: Catalog) -> None:
    document = cr.export_document(catalog.entries, catalog, every_source=True)
    plain = _without_extension(document)
    assert_valid(plain)
    [entry, *_] = cr.from_claimreview(plain)  # read as third-party ClaimReview: what schema.org carries
    assert entry == {
        "id": "tip-true",
        "question": "Is the CyberTipline run by NCMEC?",
        "claim": "NCMEC runs the CyberTipline.",
        "verdict": "true",
        "aliases": ["does ncmec run the cybertipline"],
        "answer": "Yes: NCMEC operates it.",
        "tags": ["ncmec", "cybertipline"],
        "reviewed": "2025-01-31",
    }
    assert cr.read_claimreview(plain).sources == []  # a third-party citation is not a declared source


def test_extension_is_read_under_any_prefix(catalog: Catalog) -> None:
    """JSON-LD: the namespace, not the prefix's name, identifies the extension."""
    text = json.dumps(cr.export_document(catalog.entries, catalog, every_source=True))
    renamed = json.loads(text.replace('"factcheck:', '"fc:').replace('"factcheck": "', '"fc": "'))
    assert "factcheck:" not in json.dumps(renamed)
    assert cr.read_claimreview(renamed) == cr.read_claimreview(json.loads(text))


def test_third_party_citations_and_lists_are_read_as_before() -> None:
    """Without the extension: no sources, aliases repeating the title dropped, tags deduplicated."""
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "Every IP is traced",
        "name": "Every IP is traced",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "itemReviewed": {"@type": "Claim", "alternateName": ["Every IP is traced", "all IPs are traced"]},
        "keywords": ["IP", "ip", "Police"],
        "citation": [{"@type": "CreativeWork", "identifier": "their-source", "name": "Their source"}],
        "factcheck:caveats": ["not read: the context does not declare the namespace"],
    }
    imported = cr.read_claimreview(review)
    assert imported.sources == []
    assert imported.entries == [
        {"id": "every-ip-is-traced", "question": "Every IP is traced", "claim": "Every IP is traced",
         "verdict": "false", "aliases": ["all IPs are traced"], "tags": ["ip", "police"]}
    ]  # fmt: skip


def test_yaml_refuses_a_source_without_a_title() -> None:
    with pytest.raises(cr.ClaimReviewError, match="source 'x' is missing title"):
        cr.entries_to_yaml([], sources=[{"id": "x"}])


# ------------------------------------------------------------------ real data, when present


@pytest.mark.skipif(not REAL_DATA.is_file(), reason="data/claims.yaml not written yet")
def test_real_data_exports_and_round_trips() -> None:
    catalog, problems = validate([REAL_DATA])
    assert catalog is not None, problems
    document = cr.export_document(catalog.entries, catalog, every_source=True)
    assert_valid(document)
    imported = cr.read_claimreview(json.loads(json.dumps(document)))
    loaded = load_yaml_text(cr.entries_to_yaml(imported.entries, sources=imported.sources))
    assert as_data(loaded) == as_data(catalog)  # every field of every entry and every declared source
    for review in reviews(document):
        assert len(review["claimReviewed"]) > 0


# ------------------------------------------------------------------ CLI


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, stdin: str | bytes | None = None):
    return runner.invoke(app, list(args), input=stdin, env={"NO_COLOR": "1", "FACTCHECK_DATA": ""})


def test_cli_export_stdout(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "export", "--data", str(data), "--base-url", "https://checks.example.net/")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert_valid(document)
    assert [r["identifier"] for r in reviews(document)][:2] == ["tip-true", "rated-mostly-true"]
    assert by_id(document)["tip-true"]["url"] == "https://checks.example.net/#tip-true"
    assert result.stderr == ""


def test_cli_export_selected_ids_in_order(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "export", "--data", str(data), "rated-false", "tip-true", "rated-false")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [r["identifier"] for r in reviews(document)] == ["rated-false", "tip-true"]
    assert [n["identifier"] for n in document["@graph"][2:]] == ["digest", "notes"]  # what they cite, in data order


def test_cli_export_unknown_id(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "export", "--data", str(data), "tip-tru")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("factcheck: error: no entry with id 'tip-tru'")
    assert "tip-true" in result.stderr


def test_cli_export_bad_base_url(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "export", "--data", str(data), "--base-url", "checks.example.net")
    assert result.exit_code == 2
    assert result.stderr.startswith("factcheck: error: --base-url")


def test_cli_help_names_the_default_base_url(runner: CliRunner) -> None:
    result = invoke(runner, "export", "--help")
    assert result.exit_code == 0
    assert cr.DEFAULT_BASE_URL in " ".join(result.stdout.split())


def test_cli_export_output_file_is_replaced_whole(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "claimreview.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    result = invoke(runner, "export", "--data", str(data), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert_valid(json.loads(target.read_text(encoding="utf-8")))
    assert os.stat(target).st_mode & 0o777 == 0o640  # the old file's permissions are kept
    assert sorted(p.name for p in target.parent.iterdir()) == ["claimreview.json"]  # no temporary left


def test_cli_export_interrupted_write_keeps_the_old_file(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "claimreview.json"
    target.write_text("old", encoding="utf-8")

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = invoke(runner, "export", "--data", str(data), "-o", str(target))
    assert result.exit_code != 0
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name != "claims.yaml"] == ["claimreview.json"]


def test_cli_export_unwritable_output(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    result = invoke(runner, "export", "--data", str(data), "-o", str(tmp_path / "missing-dir" / "x.json"))
    assert result.exit_code == 2
    assert result.stderr.startswith("factcheck: error: ")
    assert "cannot write" in result.stderr


def test_cli_export_markdown_grouped_by_tag(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "export", "--format", "markdown", "--data", str(data))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    sections = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert sections == ["ncmec", "law", "ip-addresses", "reporting", "Untagged"]
    ncmec = text.split("## ncmec\n", 1)[1].split("\n## ", 1)[0]
    assert "### Is the CyberTipline run by NCMEC?" in ncmec
    assert "### Mostly true question?" in ncmec
    assert "_also tagged: cybertipline_" in ncmec
    assert "### Mostly false question?" in text.split("## law\n", 1)[1].split("\n## ", 1)[0]
    assert "### Unproven question?" in text.split("## Untagged\n", 1)[1]
    assert "**Verdict: True**" in text
    assert text.count("\n### ") == 7  # every entry once
    assert "\x1b[" not in text


def test_cli_export_markdown_to_file(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "digest.md"
    result = invoke(runner, "export", "-f", "markdown", "--data", str(data), "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_cli_import_file(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    exported = tmp_path / "claimreview.json"
    assert invoke(runner, "export", "--data", str(data), "-o", str(exported)).exit_code == 0
    result = invoke(runner, "import", str(exported))
    assert result.exit_code == 0, result.stderr
    loaded = load_yaml_text(result.stdout)
    assert [e.id for e in loaded.entries] == [
        "tip-true", "rated-mostly-true", "rated-mixed", "rated-mostly-false", "rated-false", "not-settled",
        "how-it-works",
    ]  # fmt: skip
    assert 'verdict: "false"' in result.stdout


def test_cli_import_stdin(runner: CliRunner) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "Ünïcode claim ✓",
        "url": "https://x.example/#c",
        "reviewRating": {"@type": "Rating", "alternateName": "Pants on Fire!"},
    }
    result = invoke(runner, "import", "-", stdin=json.dumps(review, ensure_ascii=False).encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    [entry] = load_yaml_text(result.stdout).entries
    assert (entry.id, entry.question, entry.verdict) == ("c", "Ünïcode claim ✓", "unproven")
    assert entry.caveats == ("Original rating: Pants on Fire!",)


def test_cli_import_malformed_json(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"@type": "ClaimReview",', encoding="utf-8")
    result = invoke(runner, "import", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"factcheck: error: {bad}: invalid JSON at line 1")


def test_cli_import_malformed_stdin(runner: CliRunner) -> None:
    result = invoke(runner, "import", "-", stdin="not json")
    assert result.exit_code == 2
    assert result.stderr.startswith("factcheck: error: <stdin>: invalid JSON")


def test_cli_import_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = invoke(runner, "import", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"factcheck: error: {missing}: no such file\n"


def test_cli_import_not_a_claimreview(runner: CliRunner) -> None:
    result = invoke(runner, "import", "-", stdin='{"@type": "Person", "name": "x"}')
    assert result.exit_code == 2
    assert result.stderr == "factcheck: error: <stdin>: expected a ClaimReview, got Person\n"


def test_cli_import_invalid_utf8(runner: CliRunner) -> None:
    result = invoke(runner, "import", "-", stdin=b'{"a": "\xff"}')
    assert result.exit_code == 2
    assert "not valid UTF-8" in result.stderr


def test_cli_import_empty_graph_warns(runner: CliRunner) -> None:
    result = invoke(runner, "import", "-", stdin='{"@context": "https://schema.org", "@graph": []}')
    assert result.exit_code == 0
    assert "no ClaimReview objects found" in result.stderr
    assert load_yaml_text(result.stdout).entries == ()


def test_cli_commands_keep_heavy_imports_lazy() -> None:
    import subprocess
    import sys

    heavy = "('yaml', 'rich', 'factcheck.claimreview', 'jsonschema')"
    code = f"import sys, factcheck.cli; print(' '.join(m for m in {heavy} if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert found == []


def test_import_then_export_is_stable(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    first = invoke(runner, "export", "--data", str(data)).stdout
    yaml_path = tmp_path / "imported.yaml"
    yaml_path.write_text(invoke(runner, "import", "-", stdin=first).stdout, encoding="utf-8")
    second = invoke(runner, "export", "--data", str(yaml_path)).stdout

    assert json.loads(second) == json.loads(first)  # sources included


def test_cli_round_trip_of_the_bundled_data_is_lossless(runner: CliRunner, tmp_path: Path) -> None:
    """export -o, import, validate --strict: the imported file shows and lists exactly as the bundled data."""
    exported = tmp_path / "claimreview.json"
    assert invoke(runner, "export", "-o", str(exported)).exit_code == 0
    result = invoke(runner, "import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    imported = tmp_path / "imported.yaml"
    imported.write_text(result.stdout, encoding="utf-8")
    checked = invoke(runner, "validate", "--strict", str(imported))
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr == ""
    listed = invoke(runner, "list", "--json")
    items = json.loads(listed.stdout)
    assert items and json.loads(invoke(runner, "list", "--json", "--data", str(imported)).stdout) == items
    for command in (["sources", "--json"], ["list"]):
        assert invoke(runner, *command, "--data", str(imported)).stdout == invoke(runner, *command).stdout, command
    for item in items:
        for fmt in ("json", "text"):
            original = invoke(runner, "show", "-f", fmt, item["id"])
            again = invoke(runner, "show", "-f", fmt, "--data", str(imported), item["id"])
            assert original.exit_code == again.exit_code == 0
            assert again.stdout == original.stdout, (item["id"], fmt)


def test_export_looks_ids_up_like_show(runner: CliRunner) -> None:
    """Every command goes through the engine: an id in capitals works for export as for show."""
    result = runner.invoke(app, ["export", "ISP-LOG-RETENTION"])
    assert result.exit_code == 0, result.output
    assert [r["identifier"] for r in reviews(json.loads(result.stdout))] == ["isp-log-retention"]
    missing = runner.invoke(app, ["export", "isp-log-retension"])
    assert missing.exit_code == 1 and "isp-log-retention" in missing.stderr
