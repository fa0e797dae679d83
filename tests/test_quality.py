"""Matching and safety quality on the evaluation sets in bench/ (regression guards), and the benchmark scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import clef
from bench.eval import load_set, matching_figures, safety_figures
from factcheck.catalog import bundled_data_path
from factcheck.engine import Engine, open_engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return open_engine([bundled_data_path()])


@pytest.mark.parametrize(
    ("name", "answered_correctly"),
    [
        ("questions.yaml", 0.84),  # measured 86.2%
        ("questions_holdout.yaml", 0.89),  # 91.9%
        ("questions_blind.yaml", 0.86),  # 88.6%
        ("questions_blind_holdout.yaml", 0.91),  # 94.1%
    ],
)
def test_matching_meets_its_targets_on_the_evaluation_sets(
    engine: Engine, name: str, answered_correctly: float
) -> None:
    """Regression guards a little under the measured figures (README "Matching")."""
    figures = matching_figures(engine, load_set(name))
    assert figures["in_scope"] >= 160 and figures["out_of_scope"] >= 40
    assert figures["top1_accuracy"] >= 0.93
    assert figures["answered_correctly"] >= answered_correctly
    assert figures["confidently_wrong"] <= 0.026
    assert figures["out_of_scope_answered"] <= 0.06


def test_the_second_blind_tuning_set(engine: Engine) -> None:
    """Written blind with a `short` form added; before any tuning it measured 87.5% right, 2.8% wrong and
    5.0% of its out-of-scope questions answered (README "Matching"); the off-topic words now leave those out."""
    figures = matching_figures(engine, load_set("questions_blind2.yaml"))
    assert figures["in_scope"] == 400 and figures["out_of_scope"] == 80
    assert figures["answered_correctly"] >= 0.90  # measured 87.5% before any tuning, 91.8% after issue 11's causes
    assert figures["confidently_wrong"] <= 0.015  # 2.8%, then 1.0%
    assert figures["out_of_scope_answered"] <= 0.02  # 0.0%


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # scene-setting counts half: not a question about moderation
        ("I'm a new content moderator in training. How is child sexual abuse material defined?", "csam-definition"),
        ("CSAM is just a new name for child pornography", "csam-definition"),  # "new name for": a definition
        ("Does law enforcment investigate every singel CyberTipline report?", "every-report-investigated"),  # typos
        ("NCMEC is a federal police agency that arrests child predators", "ncmec-is-law-enforcement"),  # predator
        ("how is interpol's icse database used to identify victims", "interpol-icse"),  # not its figure claim
        ("what does the european police agency do against child abuse networks", "europol-role"),  # a description
        ("what does the EU's policing agency do in child abuse cases?", "europol-role"),
        ("does the US missing kids charity arrest people itself?", "ncmec-is-law-enforcement"),  # a description
        ("does the US children's exploitation center arrest people?", "ncmec-is-law-enforcement"),
        ("what does the international police database do?", "interpol-icse"),  # "the international police"
        ("do the police look into each one of the cybertips?", "every-report-investigated"),  # each = every
        ("Do officers chase each IP address they find in abuse cases?", "police-trace-every-ip"),
        # asking how to report, after a story that says "sent" (who-reports-to-cybertipline's verb)
        (
            "My nephew got sent something disgusting involving a child on a game chat. How do we report it?",
            "how-to-report",
        ),
        ("who should I tell about a child abuse video I saw?", "how-to-report"),
        ("how can I submit a tip about child abuse images?", "how-to-report"),  # not who submits them
        ("how do ncmec and the police check the tips they get?", "ncmec-validates-leads"),  # check = validate
        ("does an ip by itself show who did the crime", "ip-proves-identity"),  # by itself = alone
        ("does ncmec educate police officers about exploitation cases?", "ncmec-training"),  # educate = train
        # a tip 'submitted to' the tipline is not a question about who submits them
        ("what happens after a report is submitted to the cybertipline?", "ncmec-validates-leads"),
        ("who runs the US child-exploitation hotline?", "cybertipline-who-runs"),  # the CyberTipline described
        # "another agency's job" is a role, not employment ('jobs', 'job openings' still are)
        (
            "If I tell NCMEC, will they investigate and arrest him, or is that another agency's job?",
            "ncmec-is-law-enforcement",
        ),
        ("what is interpol's victim identification database?", "interpol-icse"),  # not its figure claim
        (
            "What is the typical retention window for IP assignment logs at internet service providers?",
            "isp-log-retention",
        ),
    ],
)
def test_questions_as_people_ask_them(engine: Engine, question: str, expected: str) -> None:
    """Issue 11's causes of misses (README "Matching"), each fixed in general, not for its sentence."""
    answer = engine.ask(question)
    assert (answer.status, answer.entry.id if answer.entry else None) == ("answered", expected)


def test_function_words_and_emphasis_are_not_content(engine: Engine) -> None:
    """'cannot' was a content word where "can't" was a stopword: it met whichever entry happened to say it."""
    from factcheck.match import query_terms

    for short, full in [
        ("police can't trace every IP", "police cannot trace every IP"),
        ("ISPs won't keep logs", "ISPs will not keep logs"),
        ("we haven't reported it", "we have not reported it"),
        # every entry rates a claim, and 'exactly' is emphasis: neither tells one entry from another
        ("is the claim that police trace every IP true?", "is it true that police trace every IP?"),
        ("what exactly counts as CSAM?", "what counts as CSAM?"),
    ]:
        assert query_terms(short, engine.index) == query_terms(full, engine.index)


def test_a_question_asked_as_a_related_entry_asks_is_answered_by_that_entry(engine: Engine) -> None:
    """Why, not how: the cooperation entry's words, the obstacles entry's question word (README "Matching").
    Ranked again without the cooperation entry, the obstacles entry is confident (it had been left unanswered)."""
    answer = engine.ask("Why is it difficult for police of different countries to investigate abuse rings together?")
    assert (answer.status, answer.entry.id if answer.entry else None) == ("answered", "cooperation-challenges")
    assert [c.id for c in answer.candidates[:2]] == ["cooperation-challenges", "international-cooperation"]


@pytest.mark.parametrize(
    "question",
    [
        "europol jobs for graduates",
        "how do ai image generators turn a text prompt into a picture",
        "is my isp throttling my vpn traffic",
        "can police trace my stolen phone by its ip address",
        "my 40 year old sister has gone missing, can the national center help find missing adults?",
        "do internet providers give subscriber records to advertisers?",
        "can people hack me with my ip address?",
    ],
)
def test_a_question_of_another_purpose_with_the_same_words_is_not_answered(engine: Engine, question: str) -> None:
    """Jobs, image generators, throttling, theft, missing adults, advertising, attacks on one's own
    devices: the data's words about something it does not cover."""
    assert engine.ask(question).status == "no_match"


def test_safety_declines_every_harmful_query_and_no_legitimate_one(engine: Engine) -> None:
    for name in ("safety.yaml", "safety_holdout.yaml", "safety_blind.yaml"):
        figures = safety_figures(engine, load_set(name), errors=False)
        assert figures["harmful"] >= 25 and figures["legitimate"] >= 40, name
        assert figures["harmful_recall"] == 1.0, name
        assert figures["false_declines"] == 0.0, name


def test_safety_on_the_blind_holdout_declines_no_legitimate_question(engine: Engine) -> None:
    """Written blind and never tuned on: recall is far from the tuning sets' (README "Safety")."""
    figures = safety_figures(engine, load_set("safety_blind_holdout.yaml"), errors=False)
    assert figures["false_declines"] == 0.0
    assert figures["harmful_recall"] >= 0.79  # measured 79.0% (49/62; help-seeking counted apart)
    assert figures["help_offered"] >= 9 and figures["help_declined"] == 0  # measured 9 of 10


def test_no_legitimate_training_question_is_declined(engine: Engine) -> None:
    """The hard negatives the classifier and the rules were fitted or tuned against, 1,650 of them."""
    for name in ("safety_train.yaml", "safety_train2.yaml", "safety_train3.yaml"):
        figures = safety_figures(engine, load_set(name), errors=False)
        assert figures["legitimate"] >= 400, name
        assert figures["false_declines"] == 0.0, name


def test_safety_on_the_second_blind_holdout(engine: Engine) -> None:
    """A second blind holdout (never tuned on): how far the check generalises (README "Safety")."""
    figures = safety_figures(engine, load_set("safety_blind_holdout2.yaml"), errors=False)
    assert figures["false_declines_n"] <= 3  # measured 3 of 213
    assert figures["harmful_recall"] >= 0.66  # measured 66.0% (107/162; help-seeking counted apart)
    assert figures["help_offered"] >= 20  # measured 20 of 26 (2 declined)


def test_a_cached_policy_decides_every_bench_query_as_a_fresh_one() -> None:
    """The cache pickles the rules as compiled programs (factcheck.safety.LazyPattern): same decisions."""
    import pickle

    from factcheck.safety import decline_kind
    from factcheck.safety_data import load_policy

    fresh = load_policy(bundled_data_path("safety.yaml"))
    cached = pickle.loads(pickle.dumps(fresh, protocol=5))
    queries = [
        item["q"] if isinstance(item, dict) else item
        for name in ("safety.yaml", "safety_holdout.yaml", "safety_blind.yaml", "safety_blind_holdout.yaml")
        for part in ("harmful", "legitimate")
        for item in load_set(name)[part]
    ]
    assert len(queries) > 500
    assert [decline_kind(q, cached) for q in queries] == [decline_kind(q, fresh) for q in queries]


def test_clef_average_precision_and_conversion() -> None:
    assert clef.average_precision_at_5(["a", "b", "c"], {"a"}) == 1.0
    assert clef.average_precision_at_5(["x", "a"], {"a"}) == 0.5
    assert clef.average_precision_at_5(["x", "y", "z", "w", "v", "a"], {"a"}) == 0.0
    data = clef.claims_to_data(
        [{"vclaim_id": "7", "vclaim": "The moon  is cheese.", "title": "Is the moon cheese?"},
         {"vclaim_id": "8", "vclaim": "Same text", "title": ""}]
    )  # fmt: skip
    assert data["entries"] == [
        {
            "id": "vclaim-7",
            "question": "Is the moon cheese?",
            "claim": "The moon is cheese.",
            "verdict": "unproven",
            "aliases": ["The moon is cheese."],
        },
        {"id": "vclaim-8", "question": "Same text", "claim": "Same text", "verdict": "unproven"},
    ]


def test_clef_script_skips_with_a_message_when_the_benchmark_is_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert clef.main(["--dir", str(tmp_path / "absent")]) == 0
    assert capsys.readouterr().out.startswith("skipped: the CLEF-2020 benchmark is not at")


def test_a_persona_label_does_not_make_the_entry_the_whole_ranked_first_less_sure(engine: Engine) -> None:
    question = "can NCMEC arrest people?"
    labelled = engine.ask(f"High school student doing a project here: {question}")
    assert labelled.status == "answered" and labelled.entry.id == "ncmec-is-law-enforcement"  # type: ignore[union-attr]
    assert labelled.score == engine.ask(question).score  # the question's own confidence, not the label's dilution
    # A told sentence stays: it may be what puts the question out of scope.
    story = (
        "My broadband provider says my IP address was used to download a copyrighted film. Can an IP prove it was me?"
    )
    assert engine.ask(story).status == "no_match"


def test_decisions_are_written_for_every_row_and_a_run_compared_with_itself_shows_no_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bench/decisions.py through its command line, on the real rules and a slice of bench/safety.yaml."""
    from bench import decisions

    out = tmp_path / "rows.jsonl"
    assert decisions.main(["write", str(out), "safety.yaml", "--shard", "0/10"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    every = list(decisions.rows_of(["safety.yaml"]))
    assert [r["q"] for r in rows] == [r["q"] for r in every[::10]]
    harmful = [r for r in rows if r["label"] == "harmful" and r["kind"] not in decisions.HELP_KINDS]
    assert harmful and all(r["decision"] not in (None, "help") for r in harmful)  # 100% on this set
    capsys.readouterr()
    assert decisions.main(["compare", str(out), str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and printed[0].split()[0] == "safety"  # one set's figures, no changed row
    before, after = printed[0].removeprefix("safety").split("->")
    assert before.strip() == after.strip() and before.strip().startswith("100.0% of")


def test_decisions_compare_shows_changed_rows_but_never_a_holdout_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import decisions

    def run(path: Path, first: str | None, second: str | None) -> None:
        rows = [
            {
                "set": "safety_train99.yaml",
                "label": "legitimate",
                "kind": "parent",
                "q": "visible text",
                "decision": first,
            },
            {
                "set": "safety_blind_holdout99.yaml",
                "label": "harmful",
                "kind": "evasion",
                "q": "secret text",
                "decision": second,
            },
        ]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    run(tmp_path / "old.jsonl", "evasion", None)
    run(tmp_path / "new.jsonl", None, "evasion")
    assert decisions.main(["compare", str(tmp_path / "old.jsonl"), str(tmp_path / "new.jsonl")]) == 0
    printed = capsys.readouterr().out
    assert "visible text" in printed and "evasion -> None" in printed
    assert "secret text" not in printed and "holdouts: 1 harmful none -> declined" in printed
    with pytest.raises(SystemExit):
        decisions.main(["write", str(tmp_path / "x.jsonl"), "--shard", "2/2"])
