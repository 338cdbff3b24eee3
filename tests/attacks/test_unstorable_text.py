"""Text PostgreSQL cannot store (a NUL, a lone surrogate) makes no server error and loses nothing.

On PostgreSQL, a pupil's answer with a NUL in it failed the whole attempt
(`UntranslatableCharacter` in the attempt's JSON); SQLite stores it, which is why these tests
mean something on PostgreSQL first (they run on both). `charte.core.text` holds the rule.
"""

import json

import pytest
from django import forms
from django.urls import reverse

from charte.audit.verify import verify
from charte.content.models import Question
from charte.core.cards import RefusesCardNumbers
from charte.core.text import storable, unstorable
from charte.results.models import Attempt
from charte.support.models import ErrorReport
from tests.conftest import client_for, journal
from tests.learning import exercise, form_data

pytestmark = pytest.mark.django_db

NUL = "\x00"
SURROGATE = "\ud800"


def test_the_rule_finds_and_cleans_both_anywhere_in_json():
    value = {"a\x00": ["x\x00y", {"k": "z\udc00"}], "ok": 1}

    assert unstorable(value)
    assert storable(value) == {"a": ["xy", {"k": "z\ufffd"}], "ok": 1}
    assert not unstorable(storable(value))
    assert not unstorable("Élise 😀 — ok")


def short_answer_exercise():
    question = Question.objects.filter(kind=Question.Kind.SHORT_ANSWER).first()
    assert question is not None
    return question.exercise, question.key


def test_a_pupil_s_answer_with_a_nul_is_kept_without_it_and_the_pupil_is_told(catalogue, child_ben):
    ex, key = short_answer_exercise()
    data = form_data(ex, right=len(ex.questions.all()))
    typed = data[key]
    data[key] = typed[:1] + NUL + typed[1:]
    client = client_for(child_ben)

    response = client.post(reverse("results:exercise", args=[ex.slug]), data)

    assert response.status_code == 302
    saved = Attempt.objects.get()
    [answer] = [a for a in saved.answers if a["question"] == key]
    assert NUL not in json.dumps(answer)
    assert saved.percent == 100  # nothing the pupil wrote was lost: every answer is right
    page = client.get(response["Location"]).content.decode()
    assert "Un caractère invisible que nous ne pouvons pas enregistrer a été retiré" in page
    assert journal("results.attempt_recorded", about=child_ben)


def test_a_pupil_s_answer_with_a_nul_through_the_api_is_refused_naming_the_field(
    catalogue, child_ben
):
    response = client_for(child_ben).post(
        "/api/results/exercises/republique-symboles/attempts",
        {"responses": {"q1": [0], "q2": True, "q3": [0, 1, 2, 3], "q4": "Bl\x00anc"}},
        content_type="application/json",
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "unstorable_text"
    assert "responses" in error["loc"]
    assert not Attempt.objects.exists()


def test_a_lone_surrogate_through_the_api_is_refused(catalogue, child_ben):
    body = '{"responses": {"q4": "Bl\\ud800anc"}}'  # JSON can spell it, UTF-8 cannot

    response = client_for(child_ben).post(
        "/api/results/exercises/republique-symboles/attempts",
        body,
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not Attempt.objects.exists()


def test_an_error_report_with_a_nul_is_stored_without_it(client):
    response = client.post(
        reverse("support:report"),
        {"message": "Le bou\x00ton ne marche pas.", "page": "/charte/", "contact_email": ""},
    )

    assert response.status_code == 302
    assert ErrorReport.objects.get().message == "Le bouton ne marche pas."


def test_a_nul_in_a_search_or_in_the_path_is_no_server_error(client, dpo_elise):
    assert client.get("/charte/?q=a%00b").status_code == 200
    assert client.get("/contenus/%00/").status_code in {200, 404}
    staff = client_for(dpo_elise)
    assert staff.get(reverse("audit:search") + "?q=%00&event=%00").status_code in {200, 400}


def test_a_nul_in_the_user_agent_reaches_the_journal_cleaned_and_the_chain_holds(
    client, guardian_anna, password
):
    client.post(
        reverse("accounts:login"),
        {"username": guardian_anna.email, "password": password},
        HTTP_USER_AGENT="Navigateur\x00 1.0",
    )

    [entry] = journal("auth.login", about=guardian_anna)
    assert entry.user_agent == "Navigateur 1.0"
    assert verify().problems == []


def test_a_json_body_to_a_page_with_a_nul_is_refused_in_words(client):
    response = client.post(
        reverse("csp_report"),
        json.dumps({"csp-report": {"document-uri": "http://testserver/\x00"}}),
        content_type="application/json",
    )

    assert response.status_code in {204, 400}  # refused, or cleaned by the page itself
    assert response.status_code != 500


class NoteForm(RefusesCardNumbers, forms.Form):
    note = forms.CharField()
    answers = forms.JSONField()


@pytest.mark.parametrize("field", ["note", "answers"])
def test_every_form_refuses_it_next_to_the_field(field):
    data = {"note": "ok", "answers": '{"a": "b"}'}
    data[field] = "a\x00b" if field == "note" else '{"a": "b\\u0000"}'

    form = NoteForm(data)

    assert not form.is_valid()
    assert form.errors[field] == [
        "Ce texte contient un caractère invisible que nous ne pouvons pas enregistrer (un "
        "caractère nul ou une moitié de caractère). Retirez-le, ou tapez de nouveau le texte."
    ]


def test_any_model_saving_such_text_stores_it_cleaned(catalogue, child_ben):
    """The last line: a value that came in some other way is stored, not lost."""
    ex = exercise("republique-symboles")
    saved = Attempt.objects.create(
        pupil=child_ben, exercise=ex, score=0, answers=[{"question": "q4", "given": "a\x00\ud800"}]
    )

    saved.refresh_from_db()
    assert saved.answers == [{"question": "q4", "given": "a\ufffd"}]
