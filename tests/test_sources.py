"""`factcheck sources`: every declared source with the entries citing it (Catalog.cited_by, the views, the CLI)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from factcheck.catalog import validate
from factcheck.cli import app
from factcheck.model import Catalog, Claim, Entry, Source
from factcheck.views import source_item_dict
from tests.helpers import assert_schema_valid, write

REAL_DATA = Path(__file__).resolve().parent.parent / "data" / "claims.yaml"
SOURCE_KEYS = {"id", "title", "kind", "file", "url", "outdated", "outdated_warning", "limits", "cited_by"}

FIXTURE = """\
sources:
  - id: digest
    title: "A test digest"
    kind: "fact-check digest"
    file: "digest.txt"
    url: "https://example.org/digest"
    outdated_warning: "This digest may be outdated."
    limits: "Cites [1]-[3]; no reference list."
  - id: article
    title: "A test article"
  - id: unused
    title: "Declared, cited by nothing"
    kind: "contact list"
entries:
  - id: first-entry
    question: "Does the first entry cite the digest?"
    claim: The first entry cites the digest.
    verdict: "true"
    claims:
      - text: "It cites the digest twice and the article once."
        citations: ["digest [1]", "article", "digest [2][3]"]
    tags: [ncmec, police]
  - id: second-entry
    question: "Does the second entry cite the digest?"
    claim: The second entry cites the digest.
    verdict: "mixed"
    claims:
      - text: "Only the digest."
        citations: ["digest"]
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write(tmp_path, FIXTURE, "claims.yaml")


def sources_schema() -> Draft202012Validator:
    loaded = json.loads((resources.files("factcheck") / "schemas" / "sources.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(loaded)
    return Draft202012Validator(loaded, format_checker=Draft202012Validator.FORMAT_CHECKER)


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "FACTCHECK_DATA": ""})


# ------------------------------------------------------------------ the core


def test_cited_by_lists_each_declared_source_with_its_citing_entries(data: Path) -> None:
    catalog, problems = validate([data])
    assert catalog is not None, problems
    assert catalog.cited_by() == {
        "digest": ("first-entry", "second-entry"),  # an entry citing a source twice is listed once
        "article": ("first-entry",),
        "unused": (),
    }


def test_cited_by_ignores_what_is_not_declared() -> None:
    entry = Entry(id="a", question="Q?", claim="A claim.", verdict="true", claims=(Claim("x", ("gone [1]",)),))
    catalog = Catalog(entries=(entry,), sources={"kept": Source(id="kept", title="Kept")})
    assert catalog.cited_by() == {"kept": ()}
    assert Catalog(entries=()).cited_by() == {}


def test_source_item_dict_has_every_schema_key() -> None:
    item = source_item_dict(Source(id="s", title="T"), ("a", "b"))
    assert set(item) == SOURCE_KEYS == set(sources_schema().schema["items"]["required"])
    assert item["cited_by"] == ["a", "b"] and item["outdated"] is False and item["kind"] is None


# ------------------------------------------------------------------ the CLI


def test_sources_json(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "sources", "--json", "--data", str(data))
    assert result.exit_code == 0, result.stderr
    value = json.loads(result.stdout)
    assert_schema_valid(sources_schema(), value)
    assert [s["id"] for s in value] == ["digest", "article", "unused"]  # declared order
    assert value[0] == {
        "id": "digest",
        "title": "A test digest",
        "kind": "fact-check digest",
        "file": "digest.txt",
        "url": "https://example.org/digest",
        "outdated": True,
        "outdated_warning": "This digest may be outdated.",
        "limits": "Cites [1]-[3]; no reference list.",
        "cited_by": ["first-entry", "second-entry"],
    }
    assert value[2]["cited_by"] == [] and value[2]["outdated"] is False


def test_sources_text(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "sources", "--data", str(data))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    blocks = result.stdout.split("\n\n")
    assert blocks[0].splitlines() == [
        "digest: A test digest (fact-check digest)",
        "   ! This digest may be outdated.",
        "   Limits: Cites [1]-[3]; no reference list.",
        "   URL: https://example.org/digest",
        "   File: digest.txt",
        "   Cited by 2 entries: first-entry, second-entry",
    ]
    assert blocks[1].splitlines() == ["article: A test article", "   Cited by 1 entry: first-entry"]
    assert blocks[2].splitlines() == ["unused: Declared, cited by nothing (contact list)", "   Cited by 0 entries"]
    assert "\x1b[" not in result.stdout


def test_sources_none_declared(runner: CliRunner, tmp_path: Path) -> None:
    bare = write(tmp_path, 'entries:\n  - {id: a, question: "Q?", claim: A claim., verdict: "true"}\n')
    assert invoke(runner, "sources", "--data", str(bare)).stdout == ""
    listed = invoke(runner, "sources", "--json", "--data", str(bare))
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []


def test_sources_invalid_data_is_exit_2_with_file_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "sources:\n  - id: x\nentries: []\n")
    result = invoke(runner, "sources", "--data", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"{bad}:2: source is missing title\n"


def test_sources_usage_error_and_help(runner: CliRunner) -> None:
    bad = invoke(runner, "sources", "--format", "xml")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    helped = " ".join(invoke(runner, "sources", "--help").stdout.split())
    assert (
        "Exit codes: 0 listed (even when none is declared); 2 usage error or invalid data; 130 interrupted." in helped
    )


def test_sources_color_always_styles(runner: CliRunner, data: Path) -> None:
    styled = invoke(runner, "sources", "--color", "always", "--data", str(data))
    assert styled.exit_code == 0 and "\x1b[" in styled.stdout


@pytest.mark.skipif(not REAL_DATA.is_file(), reason="data/claims.yaml not written yet")
def test_sources_of_the_bundled_data(runner: CliRunner) -> None:
    """Every declared source is listed, and `cited_by` agrees with what each entry shows."""
    value = json.loads(invoke(runner, "sources", "--json").stdout)
    assert_schema_valid(sources_schema(), value)
    assert value
    citing: dict[str, list[str]] = {s["id"]: [] for s in value}
    for item in json.loads(invoke(runner, "list", "--json").stdout):
        for source in json.loads(invoke(runner, "show", "--json", item["id"]).stdout)["sources"]:
            citing[source["id"]].append(item["id"])
    assert {s["id"]: s["cited_by"] for s in value} == citing


# ------------------------------------------------------------------ tags in the text views


def test_show_and_list_text_show_the_tags(runner: CliRunner, data: Path) -> None:
    shown = invoke(runner, "show", "--data", str(data), "first-entry").stdout
    assert "\nTags: ncmec, police\n" in shown
    assert "Tags:" not in invoke(runner, "show", "--data", str(data), "second-entry").stdout
    listed = invoke(runner, "list", "--data", str(data)).stdout.splitlines()
    assert listed[0].endswith("Does the first entry cite the digest?  (ncmec, police)")
    assert listed[1].endswith("Does the second entry cite the digest?")
