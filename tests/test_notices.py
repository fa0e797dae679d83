"""Notices about the question itself (issue 15): another language, and a question of several parts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.text import looks_non_english

TWO_PART = "How do agencies across borders coordinate to dismantle exploitation rings, and do treaties like MLATs help with that?"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--color", "never"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "question",
    [
        "¿La policía rastrea todas las direcciones IP?",
        "La police trace-t-elle toutes les adresses IP ?",
        "Verfolgt die Polizei jede IP-Adresse?",
        "A polícia rastreia todos os IPs?",
        "Полиция отслеживает каждый IP-адрес?",
        "警察会追踪每个IP地址吗",
    ],
)
def test_a_question_in_another_language_is_told_the_data_is_english(question: str) -> None:
    assert looks_non_english(question)
    code, _, err = run("ask", question)
    assert code == 1
    assert "in English" in err
    code, out, _ = run("ask", "--json", question)
    assert json.loads(out)["not_english"] is True


@pytest.mark.parametrize(
    "question",
    [
        "do police trace every ip?",
        "Police is following all the IP address in child abuse picture case, or only some of them?",
        "Europol and Interpol: who does what?",
        "Die Hard movie piracy and IP addresses",
        "is the cybertipline run by the fbi",
    ],
)
def test_english_even_broken_or_with_foreign_names_gets_no_language_notice(question: str) -> None:
    assert not looks_non_english(question)
    _, out, err = run("ask", question)
    assert "in English" not in out + err


def test_a_two_part_question_says_which_part_was_answered_and_where_the_other_is() -> None:
    code, out, _ = run("ask", TWO_PART)
    assert code == 0
    head = out.splitlines()[:8]  # near the top, not after the whole entry
    assert any("this answers" in line and "coordinate to dismantle" in line for line in head)
    assert any("factcheck show international-law" in line for line in head)
    result = json.loads(run("ask", "--json", TWO_PART)[1])
    assert result["id"] == "international-cooperation"
    assert result["answered_part"].startswith("How do agencies across borders")
    assert "MLATs" in result["other_part"]
    assert result["other_part_id"] == "international-law"


@pytest.mark.parametrize(
    "question",
    [
        "do police trace every ip?",
        "What is Interpol's ICSE database, and how does its image matching help prioritise rescues?",
    ],
)
def test_one_topic_gets_no_parts_notice(question: str) -> None:
    code, out, _ = run("ask", question)
    assert code == 0 and "more than one part" not in out
    result = json.loads(run("ask", "--json", question)[1])
    assert result["answered_part"] is None and result["other_part_id"] is None
