"""Every verdict names the claim it rates (issue 12): data, text view, JSON and opposite wording."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from factcheck.catalog import bundled_data_path, load
from factcheck.cli import app
from factcheck.stance import is_opposite, negations

REAL = bundled_data_path()


def ask(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ask", "--color", "never", *args])
    return result.exit_code, result.stdout


def test_every_bundled_entry_rates_a_statement() -> None:
    catalog, _ = load([REAL])
    for entry in catalog.entries:
        assert entry.claim and "?" not in entry.claim, entry.id
        assert entry.claim.rstrip().endswith("."), entry.id
        first = (entry.answer or "").split(None, 1)[0].strip(".,;:!").lower()
        assert first not in {"yes", "no", "mostly", "unproven"}, f"{entry.id}: answer opens with a bare {first!r}"


@pytest.mark.parametrize(
    ("query", "entry_id", "claim", "verdict"),
    [
        ("NCMEC runs the CyberTipline", "cybertipline-who-runs", "The FBI runs the CyberTipline.", "FALSE"),
        ("police do not trace every IP", "police-trace-every-ip", None, "FALSE"),
        ("not every CyberTipline report is investigated", "every-report-investigated", None, "FALSE"),
        ("is AI-generated CSAM prohibited?", "ai-csam-illegal", None, "FALSE"),
    ],
)
def test_text_view_states_the_rated_claim_with_the_verdict_first(
    query: str, entry_id: str, claim: str | None, verdict: str
) -> None:
    code, out = ask(query)
    assert code == 0, out
    catalog, _ = load([REAL])
    entry = catalog.get(entry_id)
    assert entry is not None
    lines = out.splitlines()
    assert lines[0] == f"Claim: {claim or entry.claim}"
    assert lines[1].split()[0] == verdict
    asked = next(i for i, line in enumerate(lines) if line.startswith("You asked: "))
    assert asked > 1, "the user's wording comes after the verdict, on a line of its own"
    assert query in lines[asked]


def test_quiet_and_json_rate_the_claim_and_flag_opposite_wording() -> None:
    code, out = ask("--json", "police do not trace every IP")
    value = json.loads(out)
    assert value["claim"] == "Police trace every IP address involved in CSAM investigations."
    assert value["verdict"] == "false" and value["opposite_wording"] is True
    code, out = ask("--json", "do police trace every ip address")
    assert json.loads(out)["opposite_wording"] is False
    code, out = ask("police do not trace every IP")
    assert "Note: your wording is the opposite of the claim rated above." in out.splitlines()[:4]


def test_show_opens_with_the_claim() -> None:
    result = CliRunner().invoke(app, ["show", "--color", "never", "cybertipline-who-runs"])
    assert result.stdout.splitlines()[:2] == [
        "Claim: The FBI runs the CyberTipline.",
        " FALSE   The sources contradict the claim.",
    ]


def test_explainers_name_a_topic_not_a_claim() -> None:
    result = CliRunner().invoke(app, ["show", "--color", "never", "hash-matching"])
    assert result.stdout.startswith("Topic: ")


# A small labelled set: (wording, the claim it matched, is the wording its opposite?).
OPPOSITES = [
    ("police do not trace every IP", "Police trace every IP address involved in CSAM investigations.", True),
    ("cops dont trace every ip", "Police trace every IP address involved in CSAM investigations.", True),
    ("it's a myth that police trace every IP", "Police trace every IP address involved in CSAM investigations.", True),
    ("police can't possibly trace all IPs", "Police trace every IP address involved in CSAM investigations.", True),
    ("not every CyberTipline report is investigated", "Law enforcement investigates every CyberTipline report.", True),
    ("NCMEC never arrests anyone", "NCMEC investigates cases and arrests offenders itself.", True),
    ("the REPORT Act is no longer just a proposal", "The REPORT Act changes how platforms report to NCMEC.", True),
    ("an IP address is not proof of who did it", "An IP address alone proves who committed an offence.", True),
    ("NCMEC runs the CyberTipline", "The FBI runs the CyberTipline.", False),  # other subject: not detected
    ("isn't the cybertipline run by the fbi?", "The FBI runs the CyberTipline.", False),
    ("doesn't every report get investigated?", "Law enforcement investigates every CyberTipline report.", False),
    ("do police trace every ip", "Police trace every IP address involved in CSAM investigations.", False),
    ("ai csam is illegal everywhere", "AI-generated CSAM is illegal everywhere.", False),
    ("is an ip address enough to convict", "An IP address alone proves who committed an offence.", False),
    (
        "not only police but platforms trace IPs",
        "Police trace every IP address involved in CSAM investigations.",
        False,
    ),
    ("enforcement agencies investigate every report", "Law enforcement investigates every CyberTipline report.", False),
]


@pytest.mark.parametrize(("wording", "claim", "opposite"), OPPOSITES)
def test_opposite_wording(wording: str, claim: str, opposite: bool) -> None:
    assert is_opposite(wording, claim) is opposite


def test_negations_ignore_words_ending_in_nt() -> None:
    assert negations("law enforcement agents report content") == 0
    assert negations("they won't and can't") == 2
