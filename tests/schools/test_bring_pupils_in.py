"""Teachers and school staff bring their pupils in: one pupil, a class list, login cards,
letters to parents with a consent code, a password reset, and who may do it."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import Guardianship, Role, User
from charte.consent.models import ConsentRecord, Verification
from charte.consent.queries import latest_records
from charte.core.actors import person_ref
from charte.privacy.queries import holdings
from charte.schools import actions as school_actions
from charte.schools.models import PupilLogin, SchoolClass
from tests.conftest import birthday, client_for, journal
from tests.factories import PASSWORD, make_user
from tests.helpers import pdf_text

YEAR = timezone.localdate().year
HEADER = "Nom;Prénom;Date de naissance;Classe\n"


def class_list(rows: int, *, bad: list[str] | None = None, class_name: str = "5e B") -> str:
    lines = [f"Élève{n:02d};Prénom{n:02d};12/03/{YEAR - 12};{class_name}" for n in range(rows)]
    return HEADER + "\n".join(lines + (bad or [])) + "\n"


def upload(client: Client, school_class: SchoolClass, text: str, encoding: str = "utf-8"):
    url = reverse("schools:import_pupils", args=[school_class.public_id])
    file = SimpleUploadedFile("liste.csv", text.encode(encoding), content_type="text/csv")
    return client.post(url, {"file": file})


def confirm(client: Client, school_class: SchoolClass, content: str):
    url = reverse("schools:import_pupils", args=[school_class.public_id])
    return client.post(url, {"content": content, "do": "create"})


def test_a_class_list_is_previewed_with_each_bad_line_then_created_once(
    chloe_class: SchoolClass, teacher_chloe: User
) -> None:
    client = client_for(teacher_chloe)
    bad = [
        f"Sans;;12/03/{YEAR - 12};5e B",
        f"Durand;Zoé;31/02/{YEAR - 12};5e B",
        f"Petit;Hugo;12/03/{YEAR - 12};4e A",
    ]
    text = class_list(5, bad=bad)
    response = upload(client, chloe_class, text)
    page = response.content.decode()
    assert response.status_code == 200
    assert "5 élèves prêts à être créés" in page
    assert "3 lignes à corriger" in page
    assert "Ligne 7" in page
    assert "le prénom manque" in page
    assert "Ligne 8" in page
    assert "ne se lit pas" in page
    assert "Ligne 9" in page
    assert "4e A" in page
    assert not User.objects.filter(role=Role.PUPIL).exists()  # nothing before confirming

    content = re.search(r'name="content" value="([^"]*)"', page, re.S)
    assert content is not None

    response = confirm(client, chloe_class, unescape(content.group(1)))
    assert response.status_code == 302
    pupils = User.objects.filter(role=Role.PUPIL)
    assert pupils.count() == 5
    assert [e.data for e in journal("schools.pupils_imported")][-1]["created"] == 5

    confirm(client, chloe_class, text)  # the same list again: nobody twice
    assert User.objects.filter(role=Role.PUPIL).count() == 5
    assert journal("schools.pupils_imported")[-1].data["already_there"] == 5


def test_windows_1252_and_commas_are_read(chloe_class: SchoolClass, teacher_chloe: User) -> None:
    text = f"NOM,PRENOM,NE(E) LE\nLefèvre,Maëlle,{YEAR - 11}-05-04\n"
    response = upload(client_for(teacher_chloe), chloe_class, text, encoding="cp1252")
    page = response.content.decode()
    assert "1 élève prêt à être créé" in page
    assert "Lefèvre" in page
    assert "Maëlle" in page


def test_a_file_without_the_columns_is_refused_clearly(
    chloe_class: SchoolClass, teacher_chloe: User
) -> None:
    response = upload(client_for(teacher_chloe), chloe_class, "a;b;c\n1;2;3\n")
    assert "« Nom », « Prénom » et « Date de naissance »" in response.content.decode()
    assert not User.objects.filter(role=Role.PUPIL).exists()


def test_an_imported_child_holds_only_what_the_school_provided_until_a_parent_consents(
    chloe_class: SchoolClass, teacher_chloe: User, tmp_path
) -> None:
    pupil, created = school_actions.create_pupil(
        school_class=chloe_class,
        first_name="Inès",
        last_name="Robert",
        birth_date=birthday(11),
        actor=teacher_chloe,
    )
    assert created
    assert not pupil.is_active
    assert pupil.email is None
    assert pupil.phone == ""
    assert not latest_records(pupil)
    held = {h.declaration.model.__name__ for h in holdings(pupil)}
    # The account (names, birth date, username), its class, and how it first signs in.
    assert held <= {"User", "Enrolment", "PupilLogin", "Entry"}, held
    # Cards and letters add a password and a letter's code, still nothing from the child.
    school_actions.print_login_cards(school_class=chloe_class, actor=teacher_chloe)
    school_actions.print_parent_letters(school_class=chloe_class, actor=teacher_chloe)
    held = {h.declaration.model.__name__ for h in holdings(pupil)}
    assert held <= {"User", "Enrolment", "PupilLogin", "Invitation", "Entry"}, held
    # A wrong password learns nothing of the account: it reads as for any login.
    response = Client().post(
        reverse("accounts:login"), {"username": pupil.username, "password": "wrong-one"}
    )
    page = response.content.decode()
    assert "attend" not in page
    assert "mot de passe incorrect" in page


def test_cards_and_letters_carry_what_a_pupil_and_a_parent_need(
    chloe_class: SchoolClass, teacher_chloe: User, guardian_anna: User, tmp_path
) -> None:
    teacher = client_for(teacher_chloe)
    for n, age in enumerate((11, 12, 16)):
        school_actions.create_pupil(
            school_class=chloe_class,
            first_name=f"Prénom{n}",
            last_name="Bernard",
            birth_date=birthday(age),
            actor=teacher_chloe,
        )
    cards = teacher.post(reverse("schools:login_cards", args=[chloe_class.public_id]))
    assert cards["Content-Type"] == "application/pdf"
    text = pdf_text(cards.content)
    first = User.objects.get(first_name="Prénom0")
    match = re.search(rf"{re.escape(first.login)}\s+Mot de passe : (\S+)", text)
    assert match, text
    card_password = match.group(1)

    letters = teacher.post(reverse("schools:parent_letters", args=[chloe_class.public_id]))
    text = pdf_text(letters.content)
    assert "Aux parents de Prénom0 Bernard" in text
    assert "Aux parents de Prénom2 Bernard" not in text  # sixteen: consents for themself
    code = re.search(r"tapez ce code : (\S+)", text)
    assert code, text

    # Before a parent consents, the right password tells the pupil why it waits.
    pupil = Client()
    response = pupil.post(
        reverse("accounts:login"), {"username": first.username, "password": card_password}
    )
    page = unescape(response.content.decode())
    assert "Ton compte attend l'accord de ton parent" in page
    assert page.count("Ton compte attend l'accord de ton parent") == 1  # errors shown once

    # The parent types the letter's code and consents: the account opens.
    parent = client_for(guardian_anna)
    url = reverse("families:letter")
    shown = parent.post(url, {"code": code.group(1).lower()}).content.decode()
    assert "Prénom0" in shown
    texts = dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', shown))
    consents = dict.fromkeys(re.findall(r'name="(consent_\w+)"', shown), "on")
    answer = {"code": code.group(1), "do": "accept", "guardian": "on", **texts, **consents}
    done = parent.post(url, answer)
    assert done.status_code == 302, re.findall(r'role="alert">(.*?)</div>', done.content.decode())
    first.refresh_from_db()
    assert first.is_active
    assert Guardianship.objects.confirmed().filter(child=first, guardian=guardian_anna).exists()
    # The school's letter is recorded as how the parent's authority was checked.
    assert {
        r.verification for r in ConsentRecord.objects.filter(subject_ref=person_ref(first))
    } == {Verification.SCHOOL_LETTER}
    # Single use: the same code names nothing any more.
    again = parent.post(url, {"code": code.group(1)})
    assert "ne correspond à aucune lettre" in unescape(again.content.decode())

    # The pupil signs in with the card, and chooses their own password first.
    response = pupil.post(
        reverse("accounts:login"), {"username": first.username, "password": card_password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("schools:choose_password"))
    new = "un-mot-de-passe-a-moi-42"
    response = pupil.post(
        reverse("schools:choose_password"), {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.check_password(new)
    assert not PupilLogin.objects.get(pupil=first).must_choose_password


def test_a_wrong_letter_code_is_refused_and_guessing_is_rate_limited(
    guardian_anna: User,
) -> None:
    parent = client_for(guardian_anna)
    url = reverse("families:letter")
    statuses = [parent.post(url, {"code": f"AAAA-BBBB-CC{n:02d}"}).status_code for n in range(12)]
    assert statuses[0] == 200
    assert 429 in statuses
    assert journal("families.letter_code_refused")


def test_a_teacher_resets_a_pupils_password_journalled(
    chloe_class: SchoolClass, teacher_chloe: User
) -> None:
    pupil, _ = school_actions.create_pupil(
        school_class=chloe_class,
        first_name="Sam",
        last_name="Leroy",
        birth_date=birthday(16),
        actor=teacher_chloe,
    )
    url = reverse("schools:reset_password", args=[chloe_class.public_id, pupil.public_id])
    response = client_for(teacher_chloe).post(url)
    password = re.search(r'Mot de passe : <strong class="code">([^<]+)<', response.content.decode())
    assert password
    pupil.refresh_from_db()
    assert pupil.check_password(password.group(1))
    assert PupilLogin.objects.get(pupil=pupil).must_choose_password
    assert journal("schools.pupil_password_reset", about=pupil)


@pytest.mark.parametrize(
    "route", ["import_pupils", "add_pupil", "login_cards", "parent_letters", "reset_password"]
)
def test_a_teacher_acts_only_on_their_own_classes(
    route: str, chloe_class: SchoolClass, teacher_chloe: User
) -> None:
    pupil, _ = school_actions.create_pupil(
        school_class=chloe_class,
        first_name="Nora",
        last_name="Petit",
        birth_date=birthday(12),
        actor=teacher_chloe,
    )
    before = pupil.password
    other = make_user(role=Role.TEACHER, first_name="Marc")
    args = [chloe_class.public_id] + ([pupil.public_id] if route == "reset_password" else [])
    client = client_for(other)
    url = reverse(f"schools:{route}", args=args)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code == 404
    pupil.refresh_from_db()
    assert pupil.password == before
    assert User.objects.filter(role=Role.PUPIL).count() == 1
    # A parent or a pupil fares no better.
    assert client_for(make_user(role=Role.PARENT)).post(url).status_code == 404


def test_a_pupil_of_another_class_cannot_be_reset_through_ones_own(
    chloe_class: SchoolClass, teacher_chloe: User
) -> None:
    other = make_user(role=Role.TEACHER, first_name="Marc")
    their_class = school_actions.create_class(
        teacher=other, name="4e A", level="4e", school=None, actor=other
    )
    stranger, _ = school_actions.create_pupil(
        school_class=their_class,
        first_name="Zoé",
        last_name="Roux",
        birth_date=birthday(12),
        actor=other,
    )
    url = reverse("schools:reset_password", args=[chloe_class.public_id, stranger.public_id])
    assert client_for(teacher_chloe).post(url).status_code == 404


def test_a_parent_refuses_a_letter_and_the_waiting_child_is_erased(
    chloe_class: SchoolClass, teacher_chloe: User, guardian_anna: User, tmp_path
) -> None:
    pupil, _ = school_actions.create_pupil(
        school_class=chloe_class,
        first_name="Léon",
        last_name="Faure",
        birth_date=birthday(10),
        actor=teacher_chloe,
    )
    [(_, code)] = school_actions.print_parent_letters(school_class=chloe_class, actor=teacher_chloe)
    parent = client_for(guardian_anna)
    response = parent.post(reverse("families:letter"), {"code": code, "do": "not_my_child"})
    assert "Le compte en attente a été effacé" in unescape(response.content.decode())
    assert not User.objects.filter(pk=pupil.pk).exists()
    assert journal("families.pending_child_erased", about=guardian_anna)


def test_the_birth_date_must_be_a_date(chloe_class: SchoolClass, teacher_chloe: User) -> None:
    url = reverse("schools:add_pupil", args=[chloe_class.public_id])
    response = client_for(teacher_chloe).post(
        url, {"first_name": "A", "last_name": "B", "birth_date": "pas une date"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(role=Role.PUPIL).exists()
    response = client_for(teacher_chloe).post(
        url, {"first_name": "Ana", "last_name": "Bel", "birth_date": date(YEAR - 12, 1, 5)}
    )
    assert response.status_code == 302
    assert User.objects.get(role=Role.PUPIL).username == "ana.bel"
    assert PASSWORD  # the shared test password is unused by pupils the school creates
