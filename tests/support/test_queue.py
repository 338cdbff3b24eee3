"""Customer service works the queue: list, filter, take, answer, close; each step journalled."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import Role
from charte.notifications.models import Message
from charte.support import actions
from charte.support.models import Answer, ErrorReport
from tests.conftest import birthday, client_for, journal
from tests.factories import make_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("support:queue")


def report_by(person, message="Une erreur", days_ago=0):
    report = actions.report_error(
        reporter=person, message=message, page="/charte/", actor=person or make_user()
    )
    if days_ago:
        ErrorReport.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return report


def url(name, report):
    return reverse(f"support:{name}", args=[report.public_id])


def test_the_queue_lists_open_reports_oldest_first(cs_farid, guardian_anna, visitor_report):
    old = report_by(guardian_anna, "Ancien signalement", days_ago=10)
    closed = report_by(guardian_anna, "Déjà traité")
    actions.close_report(report=closed, actor=cs_farid)

    text = client_for(cs_farid).get(QUEUE).content.decode()

    assert text.index("Ancien signalement") < text.index("Le bouton de connexion")
    assert "Déjà traité" not in text
    assert "Anna Martin" in text
    assert "Visiteur" in text
    assert url("detail", old) in text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status=closed", "Déjà traité", "Récent"),
        ("age=older", "Vieux", "Récent"),
        ("age=today", "Récent", "Vieux"),
        ("age=week", "Milieu", "Vieux"),
    ],
)
def test_the_queue_filters_by_status_and_age(cs_farid, guardian_anna, query, shown, hidden):
    report_by(guardian_anna, "Vieux", days_ago=9)
    report_by(guardian_anna, "Milieu", days_ago=3)
    report_by(guardian_anna, "Récent")
    actions.close_report(report=report_by(guardian_anna, "Déjà traité"), actor=cs_farid)

    text = client_for(cs_farid).get(f"{QUEUE}?{query}").content.decode()

    assert shown in text
    assert hidden not in text


def test_a_report_shows_the_reporter_name_and_contact_and_nothing_of_their_learning(
    cs_farid, pupil_lea
):
    report = report_by(pupil_lea, "Le quiz dit faux")

    text = client_for(cs_farid).get(url("detail", report)).content.decode()

    assert "Léa Martin" in text
    assert "lea@eleve.test" in text
    assert "Le quiz dit faux" in text
    assert pupil_lea.birth_date.isoformat() not in text
    assert pupil_lea.birth_date.strftime("%d/%m/%Y") not in text


def test_for_a_child_the_page_says_the_answer_goes_to_the_guardians(
    cs_farid, guardian_anna, child_ben
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)

    text = client_for(cs_farid).get(url("detail", report_by(child_ben))).content.decode()

    assert "à son responsable légal" in text
    assert "anna@famille.test" not in text  # the guardian's address is not customer service's


def test_taking_a_report_assigns_it_and_journals(cs_farid, visitor_report):
    response = client_for(cs_farid).post(url("assign", visitor_report))

    assert response.status_code == 302
    visitor_report.refresh_from_db()
    assert (visitor_report.assignee, visitor_report.status) == (cs_farid, "in_progress")
    [entry] = journal("support.report_assigned", about=cs_farid)
    assert entry.data["report"] == str(visitor_report.public_id)


def test_an_answer_to_an_adult_is_emailed_to_them(
    cs_farid, guardian_anna, django_capture_on_commit_callbacks
):
    report = report_by(guardian_anna, "Le tableau dépasse")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cs_farid).post(
            url("answer", report), {"body": "C'est corrigé, merci !"}
        )

    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == ["anna@famille.test"]
    assert "C'est corrigé, merci !" in email.body
    assert "Le tableau dépasse" in email.body
    report.refresh_from_db()
    assert (report.status, report.assignee) == ("answered", cs_farid)
    assert Answer.objects.get(report=report).sent_to == 1
    [entry] = journal("support.report_answered", about=guardian_anna)
    assert entry.data["sent_to"] == 1
    assert "corrigé" not in str(entry.data)


def test_an_answer_to_a_child_goes_to_their_guardians_never_to_the_child(
    cs_farid, guardian_anna, django_capture_on_commit_callbacks
):
    child = make_user(role=Role.PUPIL, email="enfant@eleve.test", birth_date=birthday(12))
    accounts.propose_guardianship(child=child, guardian=guardian_anna, actor=guardian_anna)
    report = report_by(child, "Le quiz dit faux")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(cs_farid).post(url("answer", report), {"body": "Tu avais raison."})

    assert [email.to for email in mail.outbox] == [["anna@famille.test"]]
    assert "nous a signalé une erreur" in mail.outbox[0].body
    assert Message.objects.filter(to_email="enfant@eleve.test").count() == 0


def test_an_answer_to_a_visitor_goes_to_the_address_they_left(
    cs_farid, visitor_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cs_farid).post(url("answer", visitor_report), {"body": "Merci, c'est réparé."})

    [email] = mail.outbox
    assert email.to == ["visiteur@exemple.test"]
    assert "/charte/" in email.body  # the footer points a visitor to the charter
    message = Message.objects.get()
    assert (message.recipient, message.about, message.status) == (None, None, "sent")
    assert journal("notification.sent")[0].subject_ref == ""


def test_a_visitor_without_an_address_cannot_be_answered(cs_farid, client):
    report = report_by(None, "Sans adresse")

    response = client_for(cs_farid).post(url("answer", report), {"body": "Réponse"}, follow=True)

    assert response.status_code == 400
    assert "Personne à qui répondre par e-mail" in response.content.decode()
    assert not Answer.objects.exists()


def test_an_answer_with_a_card_number_is_refused(cs_farid, visitor_report):
    response = client_for(cs_farid).post(
        url("answer", visitor_report), {"body": "Votre carte 4242424242424242 est refusée"}
    )

    assert response.status_code == 400
    assert "numéro de carte bancaire" in response.content.decode()
    assert not Answer.objects.exists()


def test_closing_and_reopening_are_journalled_and_a_closed_report_takes_no_answer(
    cs_farid, visitor_report
):
    client = client_for(cs_farid)

    client.post(url("close", visitor_report))
    refused = client.post(url("answer", visitor_report), {"body": "Trop tard"})
    visitor_report.refresh_from_db()
    assert visitor_report.status == "closed"
    assert visitor_report.closed_at is not None
    assert refused.status_code == 400
    assert not Answer.objects.exists()

    client.post(url("reopen", visitor_report))
    visitor_report.refresh_from_db()
    assert (visitor_report.status, visitor_report.closed_at) == ("in_progress", None)
    assert [e.event for e in journal() if e.event.startswith("support.report_")][-2:] == [
        "support.report_closed",
        "support.report_reopened",
    ]


def test_the_steps_are_buttons_not_links(cs_farid, visitor_report):
    response = client_for(cs_farid).get(url("close", visitor_report))

    assert response.status_code == 405
    visitor_report.refresh_from_db()
    assert visitor_report.status == "new"


def test_the_home_page_of_customer_service_shows_the_queue(cs_farid, guardian_anna):
    report_by(guardian_anna, days_ago=3)
    report_by(guardian_anna)

    text = client_for(cs_farid).get(reverse("home")).content.decode()

    assert "2 signalements ouverts" in text
    assert "le plus ancien attend depuis 3" in text
    assert QUEUE in text


def test_reporters_find_their_reports_and_our_answers_in_their_data(
    cs_farid, guardian_anna, child_ben
):
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    report = report_by(child_ben, "Le quiz dit faux")
    actions.answer_report(report=report, body="Tu avais raison, c'est corrigé.", actor=cs_farid)

    own = client_for(child_ben).get(reverse("accounts:privacy_centre")).content.decode()
    guardian = client_for(guardian_anna).get(
        reverse("accounts:privacy_centre_person", args=[child_ben.public_id])
    )

    assert "Le quiz dit faux" in own
    assert "c&#x27;est corrigé" in own
    assert "Le quiz dit faux" in guardian.content.decode()


def test_opening_a_report_is_journalled_as_a_read_of_its_reporter(cs_farid, guardian_anna):
    report = report_by(guardian_anna, "La page ne s'affiche pas")

    response = client_for(cs_farid).get(url("detail", report))

    assert response.status_code == 200
    [entry] = journal("read.error_report")
    assert entry.actor_ref == f"user:{cs_farid.public_id}"
    assert entry.subject_ref == f"user:{guardian_anna.public_id}"
    assert entry.data == {"report": str(report.public_id)}


def test_opening_a_visitors_report_names_nobody(cs_farid, visitor_report):
    client_for(cs_farid).get(url("detail", visitor_report))

    assert journal("read.error_report") == []
