"""The bundled data against the editorial brief (shared/CONTENT.md), through the real CLI too."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from factcheck.catalog import bundled_data_path, validate
from factcheck.cli import app
from factcheck.model import Catalog

# The brief's required ids and verdicts (shared/CONTENT.md): scripts depend on these ids.
BRIEF = {
    "police-trace-every-ip": "false",
    "ip-proves-identity": "false",
    "isp-subscriber-records": "mostly-true",
    "isp-log-retention": "unproven",
    "how-ips-get-flagged": "explainer",
    "child-protection-system": "explainer",
    "wrongful-ip-attribution": "true",
    "dark-web-ip-tracing": "mostly-true",
    "ncmec-validates-leads": "explainer",
    "ncmec-is-law-enforcement": "false",
    "cybertipline-who-runs": "false",
    "cybertipline-volume": "explainer",
    "cybertipline-doubling": "unproven",
    "every-report-investigated": "false",
    "who-reports-to-cybertipline": "explainer",
    "platforms-required-to-scan": "false",
    "ncmec-forensic-services": "explainer",
    "ncmec-flock-safety": "true",
    "ncmec-training": "true",
    "report-act": "unproven",
    "ncmec-missing-children": "true",
    "international-cooperation": "explainer",
    "europol-role": "explainer",
    "interpol-icse": "explainer",
    "icse-victims-identified": "unproven",
    "operation-predator": "explainer",
    "operation-stream-grayskull": "unproven",
    "cooperation-challenges": "explainer",
    "encryption-hinders": "true",
    "ai-csam-surge": "unproven",
    "ai-csam-illegal": "false",
    "ai-review-time": "unproven",
    "hash-matching": "explainer",
    "how-networks-operate": "explainer",
    "csam-definition": "explainer",
    "exploitation-types": "explainer",
    "international-law": "explainer",
    "how-to-report": "explainer",
    "survivor-support": "explainer",
    "prevention-parents": "explainer",
}
SEED_SOURCES = {"ip-tracing", "ncmec-leads", "intl-rings"}
# The only contact details the data may carry (shared/RESOURCES.md).
ALLOWED_CONTACTS = {
    "https://report.cybertip.org/",
    "https://www.iwf.org.uk/report",
    "https://www.inhope.org/",
    "1-800-843-5678",
    "1-888-773-8368",
    "0808 1000 900",
    "+44 1372 847 161",
}
CONTACT = re.compile(r"https?://\S+?(?=[\s,;)]|\.?(?:\s|$))|\+?\d[\d -]{7,}\d")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded, problems = validate([bundled_data_path()], strict=True)
    assert loaded is not None, "\n".join(map(str, problems))
    assert problems == []
    return loaded


def test_every_id_of_the_brief_exists_with_its_verdict(catalog: Catalog) -> None:
    assert {e.id: e.verdict for e in catalog.entries if e.id in BRIEF} == BRIEF


def test_sources_are_the_three_seeds_and_the_resource_list(catalog: Catalog) -> None:
    assert set(catalog.sources) == SEED_SOURCES | {"help-resources"}
    warned = {s.id for s in catalog.sources.values() if s.outdated_warning}
    assert warned == {"ip-tracing", "ncmec-leads"}  # the two digests carry the warning; intl-rings does not
    assert all(s.limits for s in catalog.sources.values())


def test_every_citation_names_a_declared_source(catalog: Catalog) -> None:
    for entry in catalog.entries:
        for claim in entry.claims:
            assert claim.citations, (entry.id, claim.text)
            assert set(claim.source_ids) <= set(catalog.sources), (entry.id, claim.citations)


def test_curated_entries_carry_what_the_brief_asks(catalog: Catalog) -> None:
    for entry in catalog.entries:
        assert len(entry.aliases) >= 6, entry.id
        assert 2 <= len(entry.claims) <= 6, entry.id
        assert entry.answer and entry.caveats and entry.tags and entry.related and entry.reviewed, entry.id
        assert set(entry.related) <= set(catalog.ids), entry.id
        cites_seed = any(set(c.source_ids) & SEED_SOURCES for c in entry.claims)
        assert cites_seed or entry.id == "how-to-report", entry.id


def test_only_the_resource_lists_contacts_appear(catalog: Catalog) -> None:
    for entry in catalog.entries:
        texts = [entry.question, entry.answer or "", *entry.aliases, *entry.caveats, *(c.text for c in entry.claims)]
        for found in CONTACT.findall(" ".join(texts)):
            assert found.strip() in ALLOWED_CONTACTS, (entry.id, found)
    report = catalog.get("how-to-report")
    assert report is not None
    body = " ".join([report.answer or "", *(c.text for c in report.claims)])
    for channel in (
        "https://report.cybertip.org/",
        "1-800-843-5678",
        "https://www.iwf.org.uk/report",
        "https://www.inhope.org/",
    ):
        assert channel in body


def test_cli_lists_all_ids_and_validates_strictly() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--format", "ids"])
    assert listed.exit_code == 0
    assert set(listed.stdout.split()) >= set(BRIEF) and len(listed.stdout.split()) >= 40
    strict = runner.invoke(app, ["validate", "--strict"])
    assert strict.exit_code == 0, strict.stderr
    assert strict.stdout.startswith("ok: ")


def test_each_canonical_question_returns_its_entry(catalog: Catalog) -> None:
    """All 40 in one `ask -` batch through the CLI: answered, and by the right entry."""
    entries = [e for e in catalog.entries if e.id in BRIEF]
    lines = "\n".join(e.question for e in entries) + "\n"
    result = CliRunner().invoke(app, ["ask", "--json", "-"], input=lines)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["status"], r["id"]) for r in rows] == [("answered", e.id) for e in entries]
    assert result.exit_code == 0
    by_id = {r["id"]: r for r in rows}
    assert by_id["police-trace-every-ip"]["outdated"] is True
    assert by_id["police-trace-every-ip"]["outdated_warning"].startswith("This fact-check may be outdated.")
