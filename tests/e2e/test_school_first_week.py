"""A school's first week, in the browser: a teacher signs up and confirms her address, finds
herself covered by the school's licence, imports 25 pupils from a CSV file (three bad lines
reported before anything is created), prints the login cards and the letters to parents (read
back with poppler's pdftotext); a parent consents with a letter's code, the pupil signs in,
does an exercise and sees the result; a parent refuses another child's letter, which erases
that child's account. Every page touched is photographed at 1280 and 390 px."""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from charte.accounts.models import Guardianship, User
from charte.content.loader import load
from charte.core.actors import SEED
from charte.payments import actions as payments
from charte.payments.plans import PLAN_BY_CODE
from charte.results.models import Attempt
from charte.schools import actions as schools
from charte.schools.models import SchoolMember
from tests.conftest import journal
from tests.helpers import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEACHER_PASSWORD = "le-tableau-noir-du-lundi"
PARENT_PASSWORD = "une-phrase-de-passe-solide"
PUPIL_PASSWORD = "ma-fusee-bleue-de-5e"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "first-week"


def shoot(page, name: str) -> None:
    """The page at a desktop's width and a phone's, as a person would see it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def class_list() -> bytes:
    year = timezone.localdate().year
    lines = ["Nom;Prénom;Date de naissance;Classe"]
    lines += [
        f"Élève{n:02d};Prénom{n:02d};{(n % 27) + 1:02d}/03/{year - 12};5e B" for n in range(25)
    ]
    lines += [
        f"Sansprénom;;12/03/{year - 12};5e B",
        f"Durand;Zoé;31/02/{year - 12};5e B",
        f"Petit;Hugo;12/03/{year - 12};4e A",
    ]
    return ("\n".join(lines) + "\n").encode("cp1252")


def link_in_mail(smtp_server, address: str, pattern: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in smtp_server.to(address):
            found = re.search(pattern, message.get_content())
            if found:
                return urlsplit(found.group(1)).path
        time.sleep(0.05)
    raise AssertionError(f"No link reached {address}.")


def sign_in(page, login: str, password: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").first.wait_for()


def sign_up(page, smtp_server, *, door: str, first: str, last: str, email: str, password: str):
    """From the visitor's home page, through the door for their role, to the open account."""
    page.goto("/")
    page.get_by_role("link", name=door).first.click()
    page.locator("#id_first_name").fill(first)
    page.locator("#id_last_name").fill(last)
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_label("J'ai lu la charte").check()
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Regardez vos e-mails").wait_for()
    page.goto(link_in_mail(smtp_server, email, r"(https?://\S+/compte/confirmer/\S+/)"))
    page.get_by_label("Le mot de passe choisi à l'inscription").fill(password)
    page.get_by_role("button", name="Ouvrir mon compte").click()
    page.get_by_role("heading", name=f"Bonjour {first}").wait_for()


def test_a_schools_first_week(page, smtp_server, staff_david, tmp_path):
    load()
    school = schools.create_school(name="Collège Jean-Moulin", city="Lyon", actor=SEED)
    schools.add_school_member(
        school=school, person=staff_david, role=SchoolMember.Role.STAFF, actor=SEED
    )
    order, _ = payments.place_order(
        buyer=staff_david,
        plan=PLAN_BY_CODE["etablissement-annuel"],
        billing_name=staff_david.full_name,
        billing_address="2 avenue de la République\n69100 Villeurbanne",
        organisation="Collège Jean-Moulin",
        site_url="http://testserver/",
        actor=staff_david,
    )
    payments.record_payment(order=order, card_last4="4242", actor=payments.PROVIDER)

    # A visitor finds what the service is, for whom, what it costs, and the way in.
    page.goto("/")
    page.get_by_role("heading", name="Pour les enseignants et les établissements").wait_for()
    shoot(page, "welcome")
    page.goto("/compte/connexion/")
    page.get_by_role("link", name="Créer un compte enseignant").wait_for()
    shoot(page, "sign-in")
    page.goto("/abonnements/")
    page.get_by_role("link", name="Créer un compte famille").wait_for()
    shoot(page, "prices")

    # Mme Roux signs up as a teacher and confirms her address.
    sign_up(
        page,
        smtp_server,
        door="Créer un compte enseignant",
        first="Claire",
        last="Roux",
        email="claire.roux@college.test",
        password=TEACHER_PASSWORD,
    )
    teacher = User.objects.get(email="claire.roux@college.test")
    assert teacher.is_active
    # The school's staff add her to the team: the school's licence covers her.
    schools.add_school_member(
        school=school, person=teacher, role=SchoolMember.Role.TEACHER, actor=staff_david
    )
    page.goto("/")
    page.get_by_text("Vous êtes couvert par la licence de votre établissement").wait_for()
    shoot(page, "teacher-home")

    # She opens her class and imports the list: three bad lines, reported before anything.
    page.goto("/classes/nouvelle/")
    page.get_by_label("Nom de la classe").fill("5e B")
    page.get_by_label("Niveau").select_option("5e")
    page.get_by_label("Établissement").select_option(label="Collège Jean-Moulin (Lyon)")
    page.get_by_role("button", name="Créer la classe").click()
    page.get_by_role("link", name="Importer une liste").click()
    shoot(page, "import")
    page.get_by_label("Liste de la classe (fichier CSV)").set_input_files(
        {"name": "5eB.csv", "mimeType": "text/csv", "buffer": class_list()}
    )
    page.get_by_role("button", name="Vérifier la liste").click()
    page.get_by_role("heading", name="3 lignes à corriger").wait_for()
    report = page.locator(".bad-lines").inner_text()
    assert "Ligne 27" in report
    assert "le prénom manque" in report
    assert "Ligne 28" in report
    assert "ne se lit pas" in report
    assert "Ligne 29" in report
    assert "4e A" in report
    assert not User.objects.filter(role="pupil").exists()
    shoot(page, "import-preview")
    page.get_by_role("button", name="Créer 25 élèves").click()
    page.get_by_text("25 élèves créés").wait_for()
    assert User.objects.filter(role="pupil", is_active=False).count() == 25
    shoot(page, "class")

    # The login cards and the letters to parents, as PDFs read back.
    with page.expect_download() as cards:
        page.get_by_role("button", name="Imprimer les cartes de connexion (PDF)").click()
    text = pdf_text(Path(cards.value.path()).read_bytes())
    found = re.search(r"prenom00\.eleve00\s+Mot de passe : (\S+)", text)
    assert found, text[:500]
    card_password = found.group(1)
    assert text.count("Mot de passe :") == 25
    with page.expect_download() as letters:
        page.get_by_role("button", name="Imprimer les lettres aux parents (PDF)").click()
    text = pdf_text(Path(letters.value.path()).read_bytes())
    codes = dict(
        re.findall(r"Aux parents de (Prénom\d\d) Élève\d\d.*?tapez ce code : (\S+)", text, re.S)
    )
    assert len(codes) == 25
    assert len(journal("schools.login_cards_printed")) == 1
    sign_out(page)

    # Before a parent consents, the pupil's right password tells them why they wait.
    sign_in(page, "prenom00.eleve00", card_password)
    page.get_by_text("Ton compte attend l'accord de ton parent").wait_for()
    assert page.get_by_role("alert").count() == 1
    shoot(page, "pupil-waiting")

    # Prénom00's mother signs up as a parent, types the letter's code and consents.
    sign_up(
        page,
        smtp_server,
        door="Créer un compte famille",
        first="Nadia",
        last="Élève",
        email="nadia@famille.test",
        password=PARENT_PASSWORD,
    )
    page.get_by_role("link", name="Ma famille").first.click()
    page.get_by_role("link", name="J'ai une lettre de l'établissement").click()
    shoot(page, "letter-code")
    page.get_by_label("Le code de la lettre").fill(codes["Prénom00"].lower())
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Je suis titulaire de l'autorité parentale sur Prénom00.").check()
    for box in page.locator("input[type=checkbox][required]").all():
        box.check()
    shoot(page, "letter-consent")
    page.get_by_role("button", name="Donner mon accord et ouvrir son compte").click()
    page.get_by_role("heading", name="Ma famille").wait_for()
    pupil = User.objects.get(username="prenom00.eleve00")
    assert pupil.is_active
    assert Guardianship.objects.confirmed().filter(child=pupil).exists()

    # She also received a letter for a child who is not hers: she says so, and it is gone.
    stranger = User.objects.get(first_name="Prénom01")
    page.goto("/famille/lettre/")
    page.get_by_label("Le code de la lettre").fill(codes["Prénom01"])
    page.get_by_role("button", name="Continuer").click()
    shoot(page, "letter-refuse")
    page.get_by_role("button", name="Ce n'est pas mon enfant").click()
    page.get_by_text("Le compte en attente a été effacé").wait_for()
    assert not User.objects.filter(pk=stranger.pk).exists()
    assert journal("families.pending_child_erased")
    sign_out(page)

    # The pupil signs in with the card, chooses a password, does an exercise, sees the result.
    sign_in(page, "prenom00.eleve00", card_password)
    page.get_by_role("heading", name="Choisis ton mot de passe").wait_for()
    shoot(page, "choose-password")
    page.locator("#id_new_password1").fill(PUPIL_PASSWORD)
    page.locator("#id_new_password2").fill(PUPIL_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.get_by_role("heading", name=re.compile("^Bonjour Prénom00")).wait_for()
    page.goto("/exercices/republique-symboles/")
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
    assert Attempt.objects.get(pupil=pupil).score == 1.0
