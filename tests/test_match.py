"""Unit tests of the pure matcher: normalisation, synonyms, typo correction, segments, the decision, ties."""

from __future__ import annotations

from factcheck.match import (
    OFF_TOPIC_DISCOUNT,
    DecisionModel,
    Lexicon,
    apply_synonyms,
    build_index,
    decide,
    lexical_off_topic,
    normalise,
    query_terms,
    rank,
    segments,
)
from factcheck.model import Candidate, Entry, Verdict

LEXICON = Lexicon.from_mapping(
    {"synonyms": {"police": ["cops", "law enforcement"], "csam": ["child porn"]}, "stopwords": ["do", "the", "a"]}
)
ENTRIES = [
    Entry(
        id="trace", question="Do police trace every IP address?", claim="Police trace every IP.", verdict=Verdict.FALSE
    ),
    Entry(id="logs", question="How long do ISPs keep logs?", claim="ISPs keep logs.", verdict=Verdict.UNPROVEN),
    Entry(
        id="twin", question="Do police trace every IP address?", claim="Police trace every IP.", verdict=Verdict.FALSE
    ),
]


def test_normalise_folds_case_accents_punctuation_and_apostrophes() -> None:
    assert normalise("Café, CAN'T stop—#DefundTheCBC https://x.example/a") == "cafe cant stop defund the cbc"


def test_synonyms_take_the_longest_phrase_first() -> None:
    assert apply_synonyms("do law enforcement cops see child porn".split(), LEXICON) == [
        "do", "police", "police", "see", "csam",
    ]  # fmt: skip


def test_typos_are_corrected_to_a_known_word_before_synonyms() -> None:
    index = build_index(ENTRIES, LEXICON)
    assert query_terms("do polise trace evry adress", index) == query_terms("do police trace every address", index)
    assert "zzqx" in query_terms("zzqx police", index)  # unknown and uncorrectable: kept, it lowers the score


def test_a_long_question_is_split_into_sentences_and_clauses() -> None:
    text = "My neighbour was arrested last week. I read a lot about it: do police trace every IP?"
    assert segments(text) == [
        "My neighbour was arrested last week.",
        "I read a lot about it",
        "do police trace every IP?",
    ]
    assert segments("do police trace every IP?") == []


def test_ties_go_to_the_entry_first_in_the_data() -> None:
    index = build_index(ENTRIES, LEXICON)
    ranked = rank("do police trace every IP address", index, top=3)
    assert [c.id for c in ranked][:2] == ["trace", "twin"]
    assert ranked[0].score == ranked[1].score
    assert [c.id for c in rank("nothing shared whatsoever", index, top=3)] == ["trace", "logs", "twin"]


def test_decide_answers_at_the_threshold_and_flags_a_close_runner_up() -> None:
    best, close, far = Candidate("a", "A?", 80.0), Candidate("b", "B?", 30.0), Candidate("c", "C?", 5.0)
    assert decide([best, far], threshold=80.0) == (best, True, False)
    assert decide([best, close], threshold=80.0) == (best, True, True)
    assert decide([best, far], threshold=80.1).answered is False
    assert decide([], threshold=50.0) == (None, False, False)


def test_the_fallback_model_is_fifty_percent_at_a_similarity_of_65() -> None:
    model = DecisionModel.fallback()
    features = [0.0] * len(model.weights)
    features[0] = 0.65  # sim_whole
    assert abs(model.probability(features) - 0.5) < 1e-9


def test_a_damaged_decision_model_is_a_one_line_data_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from factcheck.engine import load_decision_model
    from factcheck.errors import DataError

    for text in ("{not json", '{"features": ["x"], "weights": [1], "bias": 0}'):
        path = tmp_path / "decision.json"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as caught:
            load_decision_model(path)
        assert str(caught.value.problems[0]).startswith(f"{path}:1: unusable decision model: ")


def test_off_topic_needs_a_whole_phrase_and_no_word_of_the_subject() -> None:
    lexicon = Lexicon.from_mapping(
        {"stopwords": ["the"], "off_topic": ["cocaine", "customer service"], "subject": ["child", "abuse"]}
    )
    index = build_index(ENTRIES, lexicon)
    assert lexical_off_topic("Europol cocaine seizures", index)
    assert lexical_off_topic("call customer services", index)  # stemmed, as a phrase
    assert not lexical_off_topic("which customer had the IP", index)  # one word of a phrase is not it
    assert not lexical_off_topic("cocaine and child abuse rings", index)  # the subject makes it context


def test_an_off_topic_question_gets_half_the_confidence() -> None:
    plain = build_index(ENTRIES, Lexicon.from_mapping({"stopwords": ["do", "the"]}))
    marked = build_index(ENTRIES, Lexicon.from_mapping({"stopwords": ["do", "the"], "off_topic": ["cocaine"]}))
    query = "do police trace every cocaine IP address"
    assert rank(query, plain)[0].score > 10
    assert rank(query, marked)[0].score == round(rank(query, plain)[0].score * OFF_TOPIC_DISCOUNT, 1)
