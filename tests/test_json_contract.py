"""The JSON written by ask/show/list is a contract: validate the real CLI output against
factcheck/schemas/*.schema.json and pin the keys scripts rely on."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from factcheck.cli import app
from tests.helpers import assert_schema_valid

REAL_DATA = Path(__file__).resolve().parent.parent / "data" / "claims.yaml"

FIXTURE = """\
sources:
  - id: digest
    title: "A test digest"
    kind: "fact-check digest"
    url: "https://example.org/digest"
    outdated_warning: "This digest may be outdated."
    limits: "Written for the tests."
  - id: article
    title: "A test article"
entries:
  - id: cybertipline-who-runs
    question: "Who runs the CyberTipline?"
    claim: A claim.
    verdict: "explainer"
    aliases: ["is the cybertipline run by the fbi"]
    answer: "The National Center for Missing & Exploited Children (NCMEC) runs it."
    claims:
      - text: "NCMEC operates the CyberTipline."
        citations: ["digest [1]"]
    caveats: ["Checked against one digest."]
    tags: [ncmec, cybertipline]
    related: [isp-log-retention]
    reviewed: 2025-01-31
  - id: isp-log-retention
    question: "How long do internet providers keep connection logs?"
    claim: A claim.
    verdict: "mixed"
    answer: "It depends on the country and the provider: from days to years. Ünïcode stays."
    claims:
      - text: "Retention periods differ between countries."
        citations: ["article"]
    tags: [ip-addresses]
  - id: encryption-stops-everything
    question: "Does end-to-end encryption stop every investigation?"
    claim: A claim.
    verdict: "false"
"""

ANSWER_KEYS = {
    "query", "status", "score", "close_call", "opposite_wording",
    "id", "question", "claim", "verdict", "verdict_label", "verdict_meaning", "answer", "aliases",
    "claims", "caveats", "tags", "related", "reviewed", "sources", "outdated", "outdated_warning",
    "candidates", "message", "resources", "decline_kind", "not_english", "answered_part", "other_part",
    "other_part_id",
}  # fmt: skip
ENTRY_KEYS = {
    "id", "question", "claim", "verdict", "verdict_label", "verdict_meaning", "answer", "aliases",
    "claims", "caveats", "tags", "related", "reviewed", "sources", "outdated", "outdated_warning",
}  # fmt: skip
LIST_KEYS = {"id", "question", "claim", "verdict", "tags", "reviewed"}
SOURCE_KEYS = {"id", "title", "kind", "url", "outdated_warning", "limits"}
CANDIDATE_KEYS = {"id", "question", "score"}
RESOURCE_KEYS = {"purpose", "where", "name", "contact"}

ANSWERED_QUERY = "who runs the cybertipline"
NO_MATCH_QUERY = "zq xv wy"  # unknown short words: nothing to match


def schema(name: str) -> Draft202012Validator:
    text = (resources.files("factcheck") / "schemas" / name).read_text(encoding="utf-8")
    loaded = json.loads(text)
    Draft202012Validator.check_schema(loaded)
    return Draft202012Validator(loaded, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(validator: Draft202012Validator, value: object) -> None:
    assert_schema_valid(validator, value)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def invoke(runner: CliRunner, *args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin, env={"NO_COLOR": "1", "FACTCHECK_DATA": ""})


# ------------------------------------------------------------------ the schemas themselves


@pytest.mark.parametrize(
    "name",
    ["answer.schema.json", "entry.schema.json", "list.schema.json", "claimreview.schema.json", "sources.schema.json"],
)
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema(name)


@pytest.mark.parametrize(
    ("name", "keys"),
    [("answer.schema.json", ANSWER_KEYS), ("entry.schema.json", ENTRY_KEYS)],
)
def test_schema_requires_every_contract_key_and_allows_more(name: str, keys: set[str]) -> None:
    loaded = schema(name).schema
    assert set(loaded["required"]) == keys
    assert loaded.get("additionalProperties", True) is True


def test_list_schema_requires_the_list_keys() -> None:
    items = schema("list.schema.json").schema["items"]
    assert set(items["required"]) == LIST_KEYS
    assert items.get("additionalProperties", True) is True


def test_schemas_match_what_views_write() -> None:
    """The contract keys are exactly the keys views.py writes (a renamed key fails here)."""
    from factcheck import views
    from factcheck.model import Answer, Catalog, Entry

    entry = Entry(id="a", question="Q?", claim="A claim.", verdict="true")
    catalog = Catalog(entries=(entry,))
    assert set(views.entry_dict(entry, catalog)) == ENTRY_KEYS
    assert set(views.list_item_dict(entry)) == LIST_KEYS
    answer = Answer(query="q", status="no_match", entry=None, score=0.0, candidates=())
    assert set(views.answer_dict(answer, catalog)) == ANSWER_KEYS


# ------------------------------------------------------------------ ask --json


def test_ask_json_answered(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "ask", "--json", "--data", str(data), ANSWERED_QUERY)
    assert result.exit_code == 0, result.stderr
    value = json.loads(result.stdout)
    assert_valid(schema("answer.schema.json"), value)
    assert set(value) >= ANSWER_KEYS
    assert value["status"] == "answered"
    assert value["query"] == ANSWERED_QUERY
    assert value["id"] == "cybertipline-who-runs"
    assert value["verdict"] == "explainer"
    assert value["verdict_label"] == "Explainer"
    assert value["claims"] == [{"text": "NCMEC operates the CyberTipline.", "citations": ["digest [1]"]}]
    assert value["reviewed"] == "2025-01-31"
    assert value["related"] == ["isp-log-retention"]
    assert [set(s) for s in value["sources"]] == [SOURCE_KEYS]
    assert value["sources"][0]["url"] == "https://example.org/digest"
    assert value["outdated"] is True
    assert value["outdated_warning"] == "This digest may be outdated."
    assert value["candidates"] and all(set(c) == CANDIDATE_KEYS for c in value["candidates"])
    assert value["candidates"][0]["id"] == "cybertipline-who-runs"
    assert 0 <= value["score"] <= 100
    assert isinstance(value["close_call"], bool)
    assert value["message"] is None
    assert value["resources"] == []


def test_ask_json_keeps_non_ascii(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "ask", "--json", "--data", str(data), "how long do internet providers keep logs")
    assert result.exit_code == 0, result.stderr
    assert "Ünïcode" in result.stdout  # written as text, not \\u escapes
    assert_valid(schema("answer.schema.json"), json.loads(result.stdout))


def test_ask_json_no_match(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "ask", "--json", "--data", str(data), NO_MATCH_QUERY)
    assert result.exit_code == 1
    value = json.loads(result.stdout)
    assert_valid(schema("answer.schema.json"), value)
    assert set(value) >= ANSWER_KEYS
    assert value["status"] == "no_match"
    for key in ("id", "question", "verdict", "verdict_label", "verdict_meaning", "answer", "reviewed"):
        assert value[key] is None, key
    for key in ("aliases", "claims", "caveats", "tags", "related", "sources", "resources"):
        assert value[key] == [], key
    assert value["outdated"] is False
    assert value["outdated_warning"] is None


def test_ask_batch_jsonl_lines_each_validate(runner: CliRunner, data: Path) -> None:
    questions = [ANSWERED_QUERY, NO_MATCH_QUERY, "does end-to-end encryption stop every investigation"]
    result = invoke(runner, "ask", "-", "--json", "--data", str(data), stdin="\n".join(questions) + "\n")
    assert result.exit_code == 1  # one question was not answered
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    validator = schema("answer.schema.json")
    records = [json.loads(line) for line in lines]  # one compact object per line
    for record in records:
        assert_valid(validator, record)
        assert set(record) >= ANSWER_KEYS
    assert [r["query"] for r in records] == questions
    assert [r["status"] for r in records] == ["answered", "no_match", "answered"]


def test_declined_answer_shape_validates() -> None:
    """A declined answer (built directly: no harmful query needed) carries message and resources."""
    from factcheck import views
    from factcheck.catalog import bundled_data_path
    from factcheck.model import Answer, Catalog
    from factcheck.safety_data import load_policy

    policy = load_policy(bundled_data_path("safety.yaml"))
    answer = Answer(query="(declined)", status="declined", entry=None, score=0.0, candidates=(),
                    safety_message=policy.message, safety_kind="material", resources=policy.resources)  # fmt: skip
    value = json.loads(json.dumps(views.answer_dict(answer, Catalog(entries=()))))
    assert_valid(schema("answer.schema.json"), value)
    assert value["message"] and value["id"] is None
    assert value["resources"] and all(set(r) == RESOURCE_KEYS for r in value["resources"])


def test_help_answer_validates(runner: CliRunner) -> None:
    """Help with one's own thoughts: status help, a message, the help lines first, no decline kind."""
    result = invoke(runner, "ask", "--json", "i'm attracted to kids and i hate it, where can i get help")
    value = json.loads(result.stdout)
    assert_valid(schema("answer.schema.json"), value)
    assert value["status"] == "help" and value["decline_kind"] is None and value["message"]
    broken = {**value, "message": None}
    with pytest.raises(AssertionError):
        assert_valid(schema("answer.schema.json"), broken)


# ------------------------------------------------------------------ show --json, list --json


def test_show_json(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "show", "--json", "--data", str(data), "isp-log-retention")
    assert result.exit_code == 0, result.stderr
    value = json.loads(result.stdout)
    assert_valid(schema("entry.schema.json"), value)
    assert set(value) >= ENTRY_KEYS
    assert value["id"] == "isp-log-retention"
    assert value["verdict"] == "mixed"
    assert value["reviewed"] is None
    assert value["outdated"] is False
    assert [s["id"] for s in value["sources"]] == ["article"]
    assert value["sources"][0]["kind"] is None


def test_show_json_entry_without_optional_fields(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "show", "--json", "--data", str(data), "encryption-stops-everything")
    assert result.exit_code == 0, result.stderr
    value = json.loads(result.stdout)
    assert_valid(schema("entry.schema.json"), value)
    assert value["answer"] is None and value["claims"] == [] and value["tags"] == []


def test_list_json(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "list", "--json", "--data", str(data))
    assert result.exit_code == 0, result.stderr
    value = json.loads(result.stdout)
    assert_valid(schema("list.schema.json"), value)
    assert [item["id"] for item in value] == [
        "cybertipline-who-runs", "isp-log-retention", "encryption-stops-everything",
    ]  # fmt: skip
    assert all(set(item) >= LIST_KEYS for item in value)
    assert value[0] == {
        "id": "cybertipline-who-runs",
        "question": "Who runs the CyberTipline?",
        "claim": "A claim.",
        "verdict": "explainer",
        "tags": ["ncmec", "cybertipline"],
        "reviewed": "2025-01-31",
    }


def test_list_json_empty_is_an_empty_array(runner: CliRunner, data: Path) -> None:
    result = invoke(runner, "list", "--json", "--data", str(data), "--verdict", "true")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert_valid(schema("list.schema.json"), [])


# ------------------------------------------------------------------ the real data, when present

real_data = pytest.mark.skipif(not REAL_DATA.is_file(), reason="data/claims.yaml not written yet")


@real_data
def test_real_data_list_and_show_validate(runner: CliRunner) -> None:
    result = invoke(runner, "list", "--json", "--data", str(REAL_DATA))
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert_valid(schema("list.schema.json"), items)
    assert items
    entry_schema = schema("entry.schema.json")
    for item in items:
        shown = invoke(runner, "show", "--json", "--data", str(REAL_DATA), item["id"])
        assert shown.exit_code == 0, shown.stderr
        value = json.loads(shown.stdout)
        assert_valid(entry_schema, value)
        assert {k: value[k] for k in LIST_KEYS} == item


@real_data
def test_real_data_ask_validates(runner: CliRunner) -> None:
    items = json.loads(invoke(runner, "list", "--json", "--data", str(REAL_DATA)).stdout)
    questions = [item["question"] for item in items] + [NO_MATCH_QUERY]
    result = invoke(runner, "ask", "-", "--json", "--data", str(REAL_DATA), stdin="\n".join(questions) + "\n")
    assert result.exit_code in (0, 1), result.stderr
    validator = schema("answer.schema.json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(questions)
    for record in records:
        assert_valid(validator, record)
    assert records[-1]["status"] == "no_match"
