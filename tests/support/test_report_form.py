"""The "Signaler une erreur" form: open to all, asks for the message and the page only."""

import pytest
from django.urls import reverse

from charte.audit.models import Entry
from charte.support.models import ErrorReport
from tests.conftest import client_for, journal

pytestmark = pytest.mark.django_db

FORM = reverse("support:report")


def test_every_page_links_to_the_form_even_for_visitors(client):
    text = client.get("/charte/").content.decode()

    assert f'href="{FORM}"' in text
    assert "Signaler une erreur" in text


def test_the_footer_link_carries_the_page_it_came_from(client):
    response = client.get(FORM, HTTP_REFERER="http://testserver/charte/?q=Martin#top")

    assert response.status_code == 302
    assert response.url == f"{FORM}?page=%2Fcharte%2F"  # the path only: no query string
    assert 'value="/charte/"' in client.get(response.url).content.decode()


def test_a_page_from_another_site_is_not_taken_as_the_page(client):
    response = client.get(FORM, HTTP_REFERER="https://ailleurs.example/charte/")

    assert response.status_code == 200
    assert 'name="page" value=' not in response.content.decode()


def test_a_visitor_reports_an_error_with_an_address_to_be_answered(client):
    page = client.get(f"{FORM}?page=/charte/").content.decode()
    assert "Tu as moins de 15 ans ?" in page
    assert "ni ton numéro de téléphone, ni ton adresse e-mail" in page
    assert "seulement à vous répondre" in page  # the address says what it is for

    response = client.post(
        f"{FORM}?page=/charte/",
        {
            "message": "Une phrase est coupée au milieu.",
            "page": "/charte/",
            "contact_email": "Visiteur@Exemple.test",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("support:thanks") + "?page=%2Fcharte%2F"
    report = ErrorReport.objects.get()
    assert (report.reporter, report.page, report.contact_email, report.status) == (
        None,
        "/charte/",
        "visiteur@exemple.test",
        ErrorReport.Status.NEW,
    )
    [entry] = journal("support.report_received")
    assert entry.actor_ref == "system:anonymous"
    assert entry.data == {"report": str(report.public_id), "with_address": True}
    assert entry.ip is None  # no connection data for a report


def test_a_pupil_is_told_not_to_type_contact_details_and_is_not_asked_for_an_address(child_ben):
    client = client_for(child_ben)

    page = client.get(f"{FORM}?page=/").content.decode()
    response = client.post(
        FORM,
        {"message": "Le quiz dit faux.", "page": "/", "contact_email": "ben@exemple.test"},
    )

    assert "N'écris ni ton adresse, ni ton numéro de téléphone" in page
    assert 'name="contact_email"' not in page
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    assert (report.reporter, report.contact_email) == (child_ben, "")
    [entry] = journal("support.report_received", about=child_ben)
    assert entry.subject_ref == f"user:{child_ben.public_id}"


@pytest.mark.parametrize(
    "message",
    [
        "Écrivez-moi à ben.martin@exemple.fr",
        "Mon numéro : 06 12 34 56 78",
        "Appelez le +33 6 12 34 56 78 svp",
    ],
)
def test_contact_details_in_the_message_are_refused_with_a_reason(client, child_ben, message):
    response = client_for(child_ben).post(FORM, {"message": message, "page": "/"})

    assert response.status_code == 200
    # A child is told in the words every form uses for a child's contact details (D5).
    assert "Ton texte contient" in response.content.decode()
    assert "enlève-le" in response.content.decode()
    assert not ErrorReport.objects.exists()
    adult = client.post(FORM, {"message": message, "page": "/"})
    assert "Retirez-le : nous n&#x27;en avons pas besoin" in adult.content.decode()
    assert not ErrorReport.objects.exists()


def test_a_card_number_in_the_message_is_refused_and_never_stored(client):
    response = client.post(
        FORM, {"message": "J'ai payé avec la carte 4242 4242 4242 4242 et rien", "page": "/"}
    )

    assert response.status_code == 200
    assert "numéro de carte bancaire" in response.content.decode()
    assert not ErrorReport.objects.exists()
    assert not Entry.objects.filter(event="support.report_received").exists()


def test_numbers_that_are_not_contact_details_are_fine(client):
    response = client.post(
        FORM, {"message": "Exercice 12, question 3 : l'année 1789 est refusée.", "page": "/"}
    )

    assert response.status_code == 302
    assert ErrorReport.objects.count() == 1


@pytest.mark.parametrize("page", ["https://ailleurs.example/x/", "//ailleurs.example/x/", "x/"])
def test_the_page_must_be_one_of_ours(client, page):
    response = client.post(FORM, {"message": "Erreur", "page": page})

    assert response.status_code == 200
    assert "commence par « / »" in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_the_page_keeps_its_path_only(client):
    client.post(FORM, {"message": "Erreur", "page": "/ressources/?nom=Martin#haut"})

    assert ErrorReport.objects.get().page == "/ressources/"


def test_an_empty_message_is_refused(client):
    response = client.post(FORM, {"message": "   ", "page": "/"})

    assert response.status_code == 200
    assert not ErrorReport.objects.exists()


def test_a_flood_of_reports_is_stopped_after_ten_in_an_hour(client):
    for n in range(10):
        assert client.post(FORM, {"message": f"Erreur {n}", "page": "/"}).status_code == 302

    response = client.post(FORM, {"message": "Encore une", "page": "/"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Trop de demandes en peu de temps" in response.content.decode()
    assert "Réessayez dans" in response.content.decode()
    assert ErrorReport.objects.count() == 10


def test_the_thanks_page_says_where_the_answer_will_go(guardian_anna, child_ben):
    adult = client_for(guardian_anna).get(reverse("support:thanks") + "?page=/cookies/")
    child = client_for(child_ben).get(reverse("support:thanks"))

    assert "anna@famille.test" in adult.content.decode()
    assert 'href="/cookies/"' in adult.content.decode()
    assert "Tu trouveras notre réponse" in child.content.decode()  # no guardian confirmed yet


def test_the_journal_never_holds_the_message_or_the_address(client):
    client.post(
        FORM,
        {"message": "Texte libre très personnel", "page": "/", "contact_email": "a@b.test"},
    )

    [entry] = journal("support.report_received")
    assert "Texte libre" not in str(entry.data)
    assert "a@b.test" not in str(entry.data)
