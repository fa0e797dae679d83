"""Unit tests of the pure matcher: normalisation, synonyms, typo correction, segments, the decision, ties."""

from __future__ import annotations

from factcheck.match import (
    CONTEXT_WEIGHT,
    OFF_TOPIC_DISCOUNT,
    DecisionModel,
    Lexicon,
    _correct,
    _view,
    apply_synonyms,
    build_index,
    candidate_features,
    context_of,
    decide,
    figure_checked,
    lexical_off_topic,
    normalise,
    query_terms,
    rank,
    segments,
    states_quantity,
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


def test_a_word_spelled_right_is_not_corrected_into_another_word() -> None:
    entries = [
        Entry(id="limits", question="What constrains police?", claim="Budgets constrain police.", verdict=Verdict.TRUE),
        Entry(id="pictures", question="Who sees the pictures?", claim="Police see them.", verdict=Verdict.TRUE),
    ]
    plain = build_index(entries, LEXICON)
    assert query_terms("contain", plain) == query_terms("constrain", plain)  # no dictionary: read as a typo
    english = Lexicon.from_mapping({"stopwords": ["do", "the"]}, dictionary=["contain", "picture"])
    index = build_index(entries, english)
    assert query_terms("contain", index) == ["contain"]  # an English word: left alone
    assert query_terms("constrian", index) == query_terms("constrain", index)  # a typo still corrected
    # A word spelled right is still read as another form of itself, so a synonym can name it.
    assert _correct("picture", index) == "pictures"


def test_a_word_whose_stem_the_entries_use_is_only_read_as_a_form_of_itself() -> None:
    entries = [
        Entry(id="a", question="Who reads the posts?", claim="Moderators.", verdict=Verdict.TRUE),
        Entry(id="b", question="Who made the poster?", claim="Someone.", verdict=Verdict.TRUE),
    ]
    index = build_index(entries, LEXICON)
    assert _correct("posted", index) is None  # its stem "post" is indexed: not read as "poster"
    assert query_terms("posted", index) == query_terms("posts", index)


def test_scene_setting_sentences_count_half_against_the_question() -> None:
    assert context_of("I'm a new content moderator in training. How is CSAM defined?") == (
        "I'm a new content moderator in training."
    )
    assert context_of("Teacher here: who runs the CyberTipline?") == "Teacher here"
    assert context_of("As a parent, can police trace every IP?") == "As a parent"
    assert context_of("As a mum I'd like to know: do police trace every IP?") == "As a mum I'd like to know"
    assert context_of("do police trace every IP?") == ""  # nothing but a question
    assert context_of("Police trace every IP. Everyone knows that.") == ""  # nothing asked
    index = build_index(ENTRIES, LEXICON)
    alone = _view("I trace things, how long do ISPs keep logs?", index, 20)
    told = _view("I trace things. How long do ISPs keep logs?", index, 20)
    trace = query_terms("trace", index)[0]
    assert told.weight[trace] == alone.weight[trace] * CONTEXT_WEIGHT
    assert rank("My cops friend said police trace IPs. How long do ISPs keep logs?", index)[0].id == "logs"


def test_the_word_vectors_read_the_question_with_its_typos_corrected() -> None:
    seen: list[str] = []

    class Recorder:
        def encode(self, text: str) -> tuple[float, ...]:
            seen.append(text)
            return (1.0, 0.0)

    index = build_index(ENTRIES, LEXICON, encoder=Recorder())
    seen.clear()
    candidate_features("Do polise trace evry IP?", index, encoder=Recorder())
    assert seen == ["Do police trace every IP?"]


def test_a_figure_claim_is_not_the_confident_answer_to_a_question_that_asks_no_figure() -> None:
    figure, explainer = (
        Candidate("icse-count", "Has ICSE identified 42,300 victims?", 90.0),
        Candidate("icse", "What is ICSE?", 70.0),
    )
    related = {"icse-count": ("icse",)}.get  # only the figure claim is one

    checked = figure_checked("how does ICSE help identify victims", [figure, explainer], related)
    assert [(c.id, c.score) for c in checked] == [("icse", 70.0), ("icse-count", 45.0)]
    for asking in ("how many victims has ICSE identified", "ICSE identified 42,300 victims", "ICSE victim numbers"):
        assert states_quantity(asking)
        assert figure_checked(asking, [figure, explainer], related) == [figure, explainer]
    unrelated = Candidate("other", "Other?", 70.0)
    assert figure_checked("how does ICSE help", [figure, unrelated], related) == [figure, unrelated]
    weak = explainer._replace(score=10.0)  # a related entry far behind: the figure claim stands
    assert figure_checked("how does ICSE help", [figure, weak], related) == [figure, weak]


def test_an_exact_off_topic_word_is_matched_as_typed_not_stemmed() -> None:
    lexicon = Lexicon.from_mapping({"stopwords": ["the"], "off_topic_exact": ["founded"], "subject": ["child"]})
    index = build_index(ENTRIES, lexicon)
    assert lexical_off_topic("when was Interpol founded", index)  # an organisation's history
    assert not lexical_off_topic("police found the IP", index)  # "found" is not "founded", though both stem to it
    assert not lexical_off_topic("who founded the child protection system", index)  # the subject makes it context


def test_the_dictionary_is_the_whole_words_of_the_word_vectors_vocabulary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from factcheck.config import bundled_data_path
    from factcheck.engine import english_words, load_lexicon

    (tmp_path / "static_vocab.txt").write_text("[PAD]\n##ing\nthe\ncontain\nbank\nco2\ncafé\n", encoding="utf-8")
    assert english_words(tmp_path) == ["contain", "bank"]  # 4+ ASCII letters, no word pieces
    assert english_words(tmp_path / "missing") == []  # no vocabulary: every unknown word may be a typo
    assert "contain" in load_lexicon(bundled_data_path("lexicon.yaml")).dictionary
