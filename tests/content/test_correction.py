import pytest
from django.http import QueryDict

from charte.content.correction import (
    coerce_response,
    grade,
    grade_question,
    normalise_text,
    read_responses,
)
from charte.content.models import Question
from tests.learning import exercise, form_data

pytestmark = pytest.mark.django_db


def q(kind, **data):
    return Question(kind=kind, key="q1", data=data, exercise_id=1)


def test_multiple_choice_needs_exactly_the_right_options():
    question = q("choice", options=["a", "b", "c"], answers=[0, 2])

    assert grade_question(question, [0, 2]) == 1.0
    assert grade_question(question, [2, 0]) == 1.0
    assert grade_question(question, [0]) == 0.0
    assert grade_question(question, [0, 1, 2]) == 0.0
    assert grade_question(question, None) == 0.0


def test_true_false_is_right_or_wrong():
    question = q("true_false", answer=False)

    assert grade_question(question, False) == 1.0
    assert grade_question(question, True) == 0.0
    assert grade_question(question, None) == 0.0


def test_matching_scores_the_share_of_pairs_matched():
    question = q("matching", pairs=[["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"]])

    assert grade_question(question, [0, 1, 2, 3]) == 1.0
    assert grade_question(question, [1, 0, 2, 3]) == 0.5
    assert grade_question(question, [None, None, None, None]) == 0.0


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("Rouget de Lisle", True),
        ("rouget de lisle", True),
        ("  ROUGET DE LISLE ! ", True),
        ("la Constitution", True),
        ("constitution", True),
        ("Défenseur des droits", True),
        ("defenseur des droits", True),
        ("", False),
        ("Marianne", False),
    ],
)
def test_a_short_answer_forgives_case_accents_punctuation_and_articles(typed, right):
    question = q(
        "short_answer", accepted=["Rouget de Lisle", "Constitution", "Défenseur des droits"]
    )

    assert (grade_question(question, typed) == 1.0) is right


def test_normalising_text():
    assert normalise_text("L'Urne") == "urne"
    assert normalise_text("Égalité,  Fraternité") == "egalite fraternite"


def test_an_exercise_scores_the_mean_of_its_questions(catalogue):
    ex = exercise("republique-symboles")
    form = QueryDict(mutable=True)
    for key, value in form_data(ex, right=2).items():
        form.setlist(key, value if isinstance(value, list) else [value])

    grading = grade(ex, read_responses(ex, form))

    # Two right, one matching with two pairs swapped (half right), one wrong.
    assert [r.score for r in grading.results] == [1.0, 1.0, 0.5, 0.0]
    assert grading.percent == 62


def test_a_tampered_form_reads_as_no_answer_never_as_an_error(catalogue):
    ex = exercise("republique-symboles")
    form = QueryDict(mutable=True)
    form.setlist("q1", ["99", "x", "-1"])
    form.setlist("q2", ["peut-être"])
    form.setlist("q3-0", ["1000"])
    form.setlist("q4", ["b" * 5000])

    responses = read_responses(ex, form)

    assert responses["q1"] == []
    assert responses["q2"] is None
    assert responses["q3"][0] is None
    assert len(responses["q4"]) == 200
    assert grade(ex, responses).score == 0.0


def test_api_responses_are_reduced_to_what_each_question_accepts():
    choice = q("choice", options=["a", "b"], answers=[1])
    matching = q("matching", pairs=[["a", "1"], ["b", "2"]])

    assert coerce_response(choice, [1, 7, True, "1"]) == [1]
    assert coerce_response(q("true_false", answer=True), "yes") is None
    assert coerce_response(matching, [1, "x", 3]) == [1, None]
    assert coerce_response(q("short_answer", accepted=["x"]), 42) == ""
