"""A school day in the browser: a teacher opens a class, a pupil joins it with its code, the
teacher gives an exercise, the pupil does it; the teacher, the parent and the pupil see the
result and the competency level, and the coach proposes what to do next."""

import re

import pytest

from charte.accounts import actions as accounts
from charte.assignments.models import Assignment
from charte.consent.actions import record_choices
from charte.content.loader import load
from charte.results.models import Attempt
from charte.schools.models import Enrolment, SchoolClass
from tests.conftest import journal
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, login):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name=re.compile("^Bonjour")).wait_for()


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.wait_for()


def test_a_school_day(page, teacher_chloe, child_ben, guardian_anna):
    load()
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    record_choices(person=child_ben, choices={"coach": True}, actor=guardian_anna, channel="family")

    # Chloé opens her class and reads its code.
    sign_in(page, "chloe@college.test")
    page.get_by_role("link", name="Créer une classe").first.click()
    page.get_by_label("Nom de la classe").fill("5e B")
    page.get_by_label("Niveau").select_option("5e")
    page.get_by_role("button", name="Créer la classe").click()
    code = page.locator(".code--big").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    sign_out(page)

    # Ben joins it from his home page, typing the code as he hears it.
    sign_in(page, "ben.martin")
    page.get_by_role("heading", name="Rejoins ta classe").wait_for()
    page.get_by_label("Code de la classe").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Rejoindre").click()
    page.get_by_text("Bienvenue dans la classe « 5e B »").wait_for()
    sign_out(page)

    # Chloé gives the exercise on the symbols of the Republic.
    sign_in(page, "chloe@college.test")
    page.get_by_role("link", name="Donner du travail").first.click()
    page.get_by_label("Titre").fill("Les symboles de la République")
    page.get_by_label("Exercice à faire").select_option("republique-symboles")
    page.get_by_role("button", name="Donner ce travail").click()
    page.get_by_text("Le travail est donné").wait_for()
    sign_out(page)

    # Ben finds it on his home page and does it.
    sign_in(page, "ben.martin")
    page.get_by_role("link", name="Les symboles de la République", exact=True).click()
    page.get_by_role("link", name="Faire l'exercice").click()
    page.get_by_label("Liberté, Égalité, Fraternité").check()
    page.get_by_label("Vrai").check()
    page.get_by_label("Marianne").select_option(
        label="une figure de femme qui représente la République"
    )
    page.get_by_label("Le 14 juillet").select_option(label="la fête nationale")
    page.get_by_label("La Marseillaise").select_option(label="l'hymne national")
    page.get_by_label("Le drapeau tricolore").select_option(label="bleu, blanc, rouge")
    page.get_by_placeholder("Ta réponse").fill("Blanc")
    page.get_by_role("button", name="Valider mes réponses").click()
    page.get_by_text("Parfait, tout est juste !").wait_for()
    assert page.locator(".score-banner__score").inner_text().endswith("100 %")
    assert page.locator(".level-card .level").inner_text() == "En cours"

    # The coach proposes the next step: the same competency, one level up.
    page.get_by_role("link", name="Que faire ensuite ?").first.click()
    first = page.locator(".suggestion").first
    assert "Les valeurs de la devise" in first.inner_text()
    assert "niveau 2" in first.locator(".suggestion__reason").inner_text()
    page.get_by_role("link", name="Mes devoirs").first.click()
    page.get_by_text("Rendu", exact=True).wait_for()
    sign_out(page)

    # Chloé sees Ben's result and level.
    sign_in(page, "chloe@college.test")
    page.get_by_role("link", name="Résultats").first.click()
    page.get_by_role("heading", name="Niveau de chaque élève par compétence").wait_for()
    row = page.get_by_role("row", name=re.compile("Ben Martin"))
    assert "100 %" in row.inner_text()
    row.get_by_role("link", name="Ben Martin").click()
    page.get_by_role("heading", name="Les résultats de Ben Martin").wait_for()
    sign_out(page)

    # Anna, his mother, sees it on her home page and in his results.
    sign_in(page, "anna@famille.test")
    child = page.locator(".child-card")
    assert "Ben Martin" in child.inner_text()
    assert "5e B" in child.inner_text()
    assert "En cours" in child.inner_text()
    page.get_by_role("link", name="Tous les résultats de Ben").click()
    page.get_by_role("heading", name="Les résultats de Ben Martin").wait_for()
    sign_out(page)

    school_class = SchoolClass.objects.get(name="5e B")
    assert Enrolment.objects.get(pupil=child_ben).school_class == school_class
    assignment = Assignment.objects.get(school_class=school_class)
    assert Attempt.objects.get(pupil=child_ben, exercise=assignment.exercise).score == 1.0
    assert len(journal("results.attempt_recorded", about=child_ben)) == 1
    readers = {e.actor_ref for e in journal("read.results", about=child_ben)}
    assert readers == {f"user:{teacher_chloe.public_id}", f"user:{guardian_anna.public_id}"}
