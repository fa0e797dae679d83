"""Unit tests of the pure matcher: normalisation, synonyms, typo correction, segments, the decision, ties."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from factcheck.match import (
    BODY_SHARE,
    CONTEXT_WEIGHT,
    NAME_DISCOUNT,
    OFF_TOPIC_DISCOUNT,
    TOLD_SHARE,
    DecisionModel,
    Lexicon,
    _correct,
    _shares,
    _view,
    _words_each,
    apply_synonyms,
    build_index,
    candidate_features,
    context_of,
    context_parts,
    decide,
    figure_checked,
    first_part_checked,
    focus_checked,
    interrogatives,
    lexical_off_topic,
    named,
    named_entries,
    normalise,
    query_terms,
    rank,
    segments,
    states_quantity,
)
from factcheck.model import Candidate, Entry, Verdict
from tests.helpers import greedy_synonyms

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


def test_a_possessive_is_read_as_the_name_it_ends() -> None:
    assert normalise("The EU's police agency, NCMEC\u2019s tip line: it's what's needed") == (
        "the eu police agency ncmec tip line it what needed"
    )
    assert normalise("the 'sorted' list, can't") == "the sorted list cant"  # a quote or a contraction is not one


def test_a_determiner_inside_a_phrase_is_skipped() -> None:
    lexicon = Lexicon.from_mapping(
        {
            "synonyms": {
                "isp": ["company that provides internet"],
                "reporthow": ["how do i file a report"],
                "interpol": ["the international police"],
            },
            "stopwords": [],
        }
    )
    assert apply_synonyms("the company that provides your internet".split(), lexicon) == ["the", "isp"]
    assert apply_synonyms("how do i file the report".split(), lexicon) == ["reporthow"]
    assert apply_synonyms("how do i file report".split(), lexicon) == ["reporthow"]
    # the phrase's first word is never skipped: "international police cooperation" is not Interpol
    phrase = "international police cooperation".split()
    assert apply_synonyms(phrase, lexicon) == phrase
    assert apply_synonyms("the international police".split(), lexicon) == ["interpol"]
    # a determiner is dropped only inside a phrase that matched
    assert apply_synonyms("the company that provides the".split(), lexicon) == "the company that provides the".split()


def test_the_tree_of_variants_rewrites_as_the_plain_algorithm_does() -> None:
    """`apply_synonyms` walks a tree of the variants: the same words as trying each length of phrase."""
    from factcheck.engine import _bundled_lexicon

    for lexicon in (LEXICON, _bundled_lexicon()):
        variants = sorted(lexicon.synonyms)
        words = sorted({w for v in variants for w in v} | {"the", "a", "your", "x"})
        texts = [list(v) for v in variants]
        texts += [[*v[:1], "the", *v[1:]] for v in variants]  # a determiner inside, skipped
        texts += [list(v[:-1]) for v in variants]  # a phrase cut short
        texts += [[*a, *b] for a, b in itertools.pairwise(variants)]  # one after another, overlapping
        texts += [[*words[n : n + 3], *v, *words[n + 1 : n + 2]] for n, v in enumerate(variants[: len(words)])]
        for text in texts:
            assert apply_synonyms(text, lexicon) == greedy_synonyms(text, lexicon), text


_PIECES = [*"aAbBsStZ09 _'\u2019.-,:/#\t\ré\u0301ßİΣ\u2028\x1c‘’“", "http://x.y/z", "www.", "pic.twitter.com/a", "EU's"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@given(st.lists(_TEXT, max_size=5))
def test_a_batch_of_texts_splits_into_the_words_each_normalises_to(texts: list[str]) -> None:
    assert _words_each(texts) == [normalise(text).split() for text in texts]


def test_a_word_of_another_domain_is_not_a_typo_of_this_ones() -> None:
    scan = [Entry(id="scan", question="Who scans uploads?", claim="Platforms do.", verdict=Verdict.FALSE)]
    plain = build_index(scan, LEXICON)
    assert "scan" in query_terms("scams", plain)  # unknown to the data: read as its nearest word
    lexicon = Lexicon.from_mapping({"synonyms": {}, "stopwords": [], "off_topic": ["scams", "credit card"]})
    assert "scam" in query_terms("scams", build_index(scan, lexicon))


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
    assert context_of("Community police officer: who runs it?") == "Community police officer"
    assert context_of("High school student doing a project here: who runs it?") == (
        "High school student doing a project here"
    )
    assert context_of("Question about the CyberTipline and NCMEC: who runs it?") == ""  # long, and no "here"
    assert context_of("As a parent, can police trace every IP?") == "As a parent"
    assert context_of("As a mum I'd like to know: do police trace every IP?") == "As a mum I'd like to know"
    assert context_of("For a report on online harms: how do networks operate?") == "For a report on online harms"
    assert context_of("For my thesis, do police trace every IP?") == "For my thesis"
    assert context_of("do police trace every IP?") == ""  # nothing but a question
    assert context_of("Police trace every IP. Everyone knows that.") == ""  # nothing asked
    embedded = "To protect my kids I want to understand how abuse networks operate. What do they use?"
    assert context_of(embedded) == ""  # a question without its question mark asks too
    assert context_of("I wonder whether police trace IPs. My son asked. Do they?") == "My son asked."
    reported = "As a parent, I read that police trace every IP in these cases. Is that true?"
    assert context_of(reported) == "As a parent I read that"  # the claim read is what is asked about
    index = build_index(ENTRIES, LEXICON)
    alone = _view("I trace things, how long do ISPs keep logs?", index, 20)
    told = _view("I trace things. How long do ISPs keep logs?", index, 20)
    trace = query_terms("trace", index)[0]
    assert told.weight[trace] == alone.weight[trace] * CONTEXT_WEIGHT
    assert rank("My cops friend said police trace IPs. How long do ISPs keep logs?", index)[0].id == "logs"


def test_scene_setting_after_the_question_counts_half_too() -> None:
    index = build_index(ENTRIES, LEXICON)
    text = "I trace things. How long do ISPs keep logs? I ask for a project."
    assert context_parts(text) == ["I trace things.", "I ask for a project."]
    view = _view(text, index, 20)
    project, logs = query_terms("project", index)[0], query_terms("logs", index)[0]
    assert view.weight[project] == _view("project", index, 20).weight[project] * CONTEXT_WEIGHT
    assert view.weight[logs] == _view("logs", index, 20).weight[logs]  # asked: in full


def test_a_long_story_weighs_at_most_twice_its_short_question_and_its_domain_words_in_full() -> None:
    lexicon = Lexicon.from_mapping(
        {
            "synonyms": {"csam": ["child porn"]},
            "stopwords": ["do", "the", "a", "how", "i", "it", "my", "on", "in"],
            "anchors": ["csam"],
        }
    )
    index = build_index(ENTRIES, lexicon)
    story = "My neighbour found child porn on an old laptop in the attic last week, clearing boxes. How do I report it?"
    view = _view(story, index, 20)
    csam, report = query_terms("csam", index)[0], query_terms("report", index)[0]
    assert view.weight[csam] == _view("csam", index, 20).weight[csam]  # the story's subject: in full
    told = [t for t in view.terms if t not in (csam, report)]
    assert len(told) >= 5
    full = {t: _view(t, index, 20).weight[t] for t in told}
    assert sum(view.weight[t] for t in told) <= TOLD_SHARE * (view.weight[report] + view.weight[csam]) + 1e-9
    assert sum(view.weight[t] for t in told) < CONTEXT_WEIGHT * sum(full.values())  # capped below the half
    reaction = _view(story.replace("How do I report it?", "Can you believe it?"), index, 20)  # asks nothing
    assert all(reaction.weight[t] == full[t] * CONTEXT_WEIGHT for t in told)  # a claim and a reaction (tweets)
    short = _view("I trace things. How long do ISPs keep logs?", index, 20)  # a short story: half, as before
    trace = query_terms("trace", index)[0]
    assert short.weight[trace] == _view("trace", index, 20).weight[trace] * CONTEXT_WEIGHT


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


def test_the_word_vectors_read_a_body_s_description_as_its_name() -> None:
    lexicon = Lexicon.from_mapping(
        {
            "synonyms": {"ncmec": ["missing kids charity"], "police": ["cops"]},
            "stopwords": ["the"],
            "names": ["ncmec"],
        }
    )
    assert named("What does the US missing kids charity do?", lexicon) == "what does the us ncmec do"
    assert named("Do cops trace IPs?", lexicon) == "Do cops trace IPs?"  # a synonym, not a name: as typed
    assert named("What does the US missing kids charity do?", LEXICON) == "What does the US missing kids charity do?"
    seen: list[str] = []

    class Recorder:
        def encode(self, text: str) -> tuple[float, ...]:
            seen.append(text)
            return (1.0, 0.0)

    entries = [Entry(id="ncmec", question="What does NCMEC do?", claim="NCMEC works.", verdict=Verdict.EXPLAINER)]
    index = build_index(entries, lexicon, encoder=Recorder())
    seen.clear()
    candidate_features("What does the missing kids charity do?", index, encoder=Recorder())
    assert seen == ["what does the ncmec do"]


def test_a_figure_claim_is_not_the_confident_answer_to_a_question_that_asks_no_figure() -> None:
    figure, explainer = (
        Candidate("icse-count", "Has ICSE identified 42,300 victims?", 90.0),
        Candidate("icse", "What is ICSE?", 70.0),
    )
    related = {"icse-count": ("icse",)}.get  # only the figure claim is one

    checked = figure_checked("how does ICSE help identify victims", [figure, explainer], related)
    assert [(c.id, c.score) for c in checked] == [("icse", 70.0), ("icse-count", 45.0)]
    for asking in (
        "how many victims has ICSE identified",
        "ICSE identified 42,300 victims",
        "ICSE victim numbers",
        "has ICSE really identified that many victims",  # a figure read elsewhere
        "has ICSE identified lots of victims",
    ):
        assert states_quantity(asking)
        assert figure_checked(asking, [figure, explainer], related) == [figure, explainer]
    unrelated = Candidate("other", "Other?", 70.0)
    assert figure_checked("how does ICSE help", [figure, unrelated], related) == [figure, unrelated]
    behind = explainer._replace(score=6.0)  # a related entry far behind still says the question is its kind
    assert [c.score for c in figure_checked("how does ICSE help", [figure, behind], related)] == [45.0, 6.0]
    unmatched = explainer._replace(score=0.0)  # listed only to fill the candidates: the figure claim stands
    assert figure_checked("how does ICSE help", [figure, unmatched], related) == [figure, unmatched]


def test_an_explainer_is_ranked_again_without_its_figure_claim_when_the_question_asks_no_figure() -> None:
    figure, explainer = (
        Candidate("icse-count", "Has ICSE identified 42,300 victims?", 90.0),
        Candidate("icse", "What is ICSE?", 6.0),
    )
    related = {"icse-count": ("icse",)}.get
    asked: list[str] = []

    def without(entry_id: str) -> list[Candidate]:
        asked.append(entry_id)
        return [explainer._replace(score=88.0), Candidate("other", "Other?", 1.0)]

    checked = figure_checked("how does ICSE help identify victims", [figure, explainer], related, without)
    assert asked == ["icse-count"]
    assert [(c.id, c.score) for c in checked] == [("icse", 88.0), ("icse-count", 45.0), ("other", 1.0)]

    def unrelated_first(entry_id: str) -> list[Candidate]:
        return [Candidate("other", "Other?", 94.0), explainer]

    kept = figure_checked("how does ICSE help identify victims", [figure, explainer], related, unrelated_first)
    assert [(c.id, c.score) for c in kept] == [("icse-count", 45.0), ("icse", 6.0)]  # only a related entry may gain
    asked.clear()
    figure_checked("how many victims has ICSE identified", [figure, explainer], related, without)
    assert asked == []  # a figure asked: nothing ranked again


def test_a_word_only_an_entry_s_answer_says_accounts_for_the_question_a_little_less() -> None:
    entries = [
        Entry(id="logs", question="How long do ISPs keep logs?", verdict=Verdict.EXPLAINER, answer="Retention varies."),
        Entry(id="other", question="Who runs the tipline?", verdict=Verdict.EXPLAINER),
    ]
    index = build_index(entries, LEXICON)
    view = _view("logs retention", index, 20)
    log, retention = query_terms("logs", index)[0], query_terms("retention", index)[0]
    question_share, _ = _shares(view.terms, view.weight, view.information, 0, index)
    expected = (view.weight[log] + BODY_SHARE * view.weight[retention]) / view.information
    assert BODY_SHARE < 1 and abs(question_share - expected) < 1e-12
    phrased, _ = _shares([log], {log: 1.0}, 1.0, 0, index)
    assert phrased == 1.0  # a word of its question: in full


def test_rank_can_leave_entries_out_as_if_the_data_did_not_hold_them() -> None:
    index = build_index(ENTRIES, LEXICON)
    assert rank("do police trace every IP?", index, top=3)[0].id == "trace"
    without = rank("do police trace every IP?", index, top=3, without=frozenset({"trace"}))
    assert [c.id for c in without][:1] == ["twin"] and "trace" not in {c.id for c in without}


def test_a_two_part_question_is_answered_by_its_first_part_s_related_entry() -> None:
    both, europol, other = (
        Candidate("cooperation", "How do agencies work together?", 90.5),
        Candidate("europol", "What does Europol do?", 58.3),
        Candidate("other", "Other?", 58.3),
    )
    related = {"cooperation": ("europol",), "europol": ("cooperation",)}.get
    parts = {"What does Europol contribute to cross-border cases": europol._replace(score=98.3)}
    asked: list[str] = []

    def best_for(part: str) -> Candidate:
        asked.append(part)
        return parts.get(part, Candidate("interpol", "Interpol?", 63.2))

    def check(query: str, candidates: list[Candidate]) -> list[Candidate]:
        return first_part_checked(query, candidates, lambda i: related(i, ()), best_for, 76.0)

    two_parts = "What does Europol contribute to cross-border cases, and how is that different from Interpol's part?"
    assert [(c.id, c.score) for c in check(two_parts, [both, europol])] == [("europol", 98.3), ("cooperation", 90.5)]
    # the first part's entry must be a related runner-up close behind, and that part's confident answer
    assert check(two_parts, [both, other]) == [both, other]
    assert check(two_parts, [both, europol._replace(score=10.0)]) == [both, europol._replace(score=10.0)]
    parts["What does Europol contribute to cross-border cases"] = europol._replace(score=60.0)
    assert check(two_parts, [both, europol]) == [both, europol]
    asked.clear()
    assert check("What does Europol contribute to cross-border cases?", [both, europol]) == [both, europol]
    assert not asked  # one part: nothing ranked part by part
    parts["I read about Europol and cross-border cases."] = europol._replace(score=98.3)
    story = "I read about Europol and cross-border cases. How do agencies work together?"
    assert check(story, [both, europol]) == [both, europol]  # a story first: not a part that asks


def test_the_question_words_that_open_a_text_s_clauses() -> None:
    assert interrogatives("Why is it difficult for police?") == {"why"}
    assert interrogatives("How many reports come in, and where are they sent?") == {"how many", "where"}
    assert interrogatives("how long do ISPs keep logs") == {"how long"}
    assert interrogatives("What's ICSE? Who runs it") == {"what", "who"}
    assert interrogatives("When our platform flags an upload, is that a lead?") == frozenset()  # 'when' tells
    assert interrogatives("NCMEC is part of the FBI") == frozenset()
    assert interrogatives("For how long do they keep the records? To whom do I report?") == {"how long", "whom"}
    assert interrogatives("For police, is that a lead?") == frozenset()  # a preposition opens it, no question word


def test_a_question_asked_only_a_related_runner_up_s_way_is_not_answered_by_the_best() -> None:
    how, why, other = (
        Candidate("cooperation", "How do agencies in different countries work together?", 82.3),
        Candidate("challenges", "What makes international investigations hard?", 75.3),
        Candidate("other", "Other?", 75.3),
    )
    related = {"cooperation": ("challenges",)}
    asks = {"cooperation": frozenset({"how"}), "challenges": frozenset({"what", "why"}), "other": frozenset({"why"})}

    def check(query: str, candidates: list[Candidate]) -> list[Candidate]:
        return focus_checked(query, candidates, lambda i: related.get(i, ()), lambda i: asks.get(i, frozenset()))

    why_question = "Why is it difficult for police of different countries to investigate the rings together?"
    assert [(c.id, c.score) for c in check(why_question, [how, why])] == [("challenges", 75.3), ("cooperation", 41.1)]
    assert check(why_question, [how, other]) == [how, other]  # an unrelated runner-up
    assert check(why_question, [how, why._replace(score=10.0)]) == [how, why._replace(score=10.0)]  # far behind
    how_question = "How do police of different countries investigate the rings together?"
    assert check(how_question, [how, why]) == [how, why]  # the best is asked this way
    assert check("police of different countries investigating rings together", [how, why]) == [how, why]
    assert check("Who investigates rings across countries?", [how, why]) == [how, why]  # neither is asked so
    follow_up = "Do agencies in different countries work together on rings, and what does it involve?"
    assert check(follow_up, [how, why]) == [how, why]  # a follow-up about what it asked sets no focus
    assert check("Do agencies work together on rings? What makes it hard?", [how, why])[0].id == "challenges"
    again = [why._replace(score=91.0), other._replace(score=2.0)]  # ranked without the best
    ranked = focus_checked(
        why_question, [how, why], lambda i: related.get(i, ()), lambda i: asks.get(i, frozenset()), lambda i: again
    )
    assert [(c.id, c.score) for c in ranked] == [("challenges", 91.0), ("cooperation", 41.1), ("other", 2.0)]
    elsewhere = [other._replace(score=91.0), why]  # another entry first without the best: ignored
    kept = focus_checked(
        why_question, [how, why], lambda i: related.get(i, ()), lambda i: asks.get(i, frozenset()), lambda i: elsewhere
    )
    assert [(c.id, c.score) for c in kept] == [("challenges", 75.3), ("cooperation", 41.1)]


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


def test_a_question_that_names_another_entry_s_subject_is_not_answered_by_the_best() -> None:
    entries = [
        Entry(id="missing", question="Does the centre help find missing kids?", claim="It helps.", verdict=Verdict.TRUE,
              aliases=("does the centre find missing children", "help to find missing kids")),
        Entry(id="cameras", question="Does the centre use Flock cameras?", claim="It does.", verdict=Verdict.TRUE,
              aliases=("the centre and Flock plate cameras", "Flock vehicle data", "is Flock part of the centre")),
    ]  # fmt: skip
    index = build_index(entries, Lexicon.from_mapping({"stopwords": ["does", "the", "to", "is", "of", "and"]}))
    assert [index.ids[d] for d in named_entries("does the centre use Flock to help find missing kids", index)] == [
        "cameras"
    ]
    assert named_entries("Flock help find missing kids", index) == frozenset()  # opening the sentence: not a name
    assert named_entries("does the centre use flock to help find missing kids", index) == frozenset()  # not written so
    assert [index.ids[d] for d in named_entries("does the centre use Flock Vehicle data", index)] == ["cameras"]
    assert named_entries("does the centre use the Flock Lifeguard app", index) == frozenset()  # a word the entry lacks
    plain = [Entry(id="wifi", question="Can my wifi be used by others?", claim="Yes.", verdict=Verdict.TRUE,
                   aliases=("wifi used by a neighbour", "open wifi", "a stranger on my wifi"))]  # fmt: skip
    assert named_entries("is my home WiFi open", build_index(plain, Lexicon.from_mapping({}))) == frozenset()
    lowercase = rank("does the centre help find missing kids with flock cameras", index)
    written = rank("does the centre help find missing kids with Flock cameras", index)
    assert [c.id for c in written] == [c.id for c in lowercase] == ["missing", "cameras"]
    assert written[0].score == round(lowercase[0].score * NAME_DISCOUNT, 1)  # no longer answered
    alone = rank("does the centre help find missing kids with Flock cameras", index, without=frozenset({"missing"}))
    assert written[1] == alone[0]  # ...and the named entry is ranked again without it as its rival


def test_a_persona_s_story_does_not_choose_the_answer_the_asking_sentence_gives_almost_nothing() -> None:
    entries = [
        Entry(id="parents", question="How can teachers and parents keep kids safe online?", claim="They can.",
              verdict=Verdict.TRUE, aliases=("online safety lessons for kids at school",
                                             "what should a teacher tell high school kids about online safety")),
        Entry(id="leads", question="How does the centre work with police to confirm tips?", claim="It does.",
              verdict=Verdict.TRUE, aliases=("the centre and police confirm tips together",)),
    ]  # fmt: skip
    stopwords = "how the to and with does i a can at what should about for would you way work together do".split()
    story = "I teach online safety lessons to high school kids, teachers and parents at the centre."
    query = f"{story} Do they and police confirm tips?"
    index = build_index(entries, Lexicon.from_mapping({"stopwords": stopwords}))
    assert rank(query, index, checks=False)[0].id == "parents"  # the story's words outweigh the question's
    assert rank(query, index)[0].id == "leads"  # ...but the asking sentence alone gives it almost nothing
    naming = build_index(entries, Lexicon.from_mapping({"stopwords": stopwords, "names": ["centre"]}))
    assert rank(query, naming) == rank(query, naming, checks=False)  # a story that names a body may be the subject
