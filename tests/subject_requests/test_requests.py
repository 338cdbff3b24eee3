"""A person, or a child's guardian, exercises a right from the privacy centre."""

import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from charte.accounts.models import User
from charte.subject_requests.models import Kind, Status, SubjectRequest
from charte.subject_requests.storage import open_archive
from tests.conftest import client_for, journal
from tests.factories import PASSWORD, make_user
from tests.subject_requests.helpers import new_url, online, staff_url

pytestmark = pytest.mark.django_db


def test_the_privacy_centre_explains_each_right_and_links_to_it(guardian_anna):
    text = client_for(guardian_anna).get(reverse("accounts:privacy_centre")).content.decode()

    assert "Exercer mes droits" in text
    for kind in (
        Kind.ACCESS,
        Kind.RECTIFICATION,
        Kind.ERASURE,
        Kind.RESTRICTION,
        Kind.OBJECTION,
        Kind.PORTABILITY,
    ):
        assert new_url(guardian_anna, kind) in text
    assert "Recevoir une copie de toutes les données" in text
    assert reverse("subject_requests:directives") in text


def test_an_online_request_needs_the_password_again_and_then_is_acknowledged(
    guardian_anna, django_capture_on_commit_callbacks
):
    client = client_for(guardian_anna)

    wrong = client.post(new_url(guardian_anna, Kind.ACCESS), {"password": "pas-le-bon"})
    assert wrong.status_code == 200
    assert "pas le bon mot de passe" in wrong.content.decode()
    assert not SubjectRequest.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(new_url(guardian_anna, Kind.ACCESS), {"password": PASSWORD})

    request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert request.status == Status.IN_REVIEW  # identity established by the password
    assert request.identity_checks.get().method == "reauthentication"
    [opened] = journal("subject_request.opened", about=guardian_anna)
    assert opened.data["request"] == str(request.public_id)
    assert opened.ip == "127.0.0.1"
    [email] = mail.outbox
    assert email.to == ["anna@famille.test"]
    assert request.reference in email.subject


def test_within_minutes_the_password_is_not_asked_again(guardian_anna):
    client = client_for(guardian_anna)
    client.post(new_url(guardian_anna, Kind.ACCESS), {"password": PASSWORD})

    page = client.get(new_url(guardian_anna, Kind.PORTABILITY)).content.decode()
    response = client.post(new_url(guardian_anna, Kind.PORTABILITY), {})

    assert 'name="password"' not in page
    assert response.status_code == 302
    assert SubjectRequest.objects.filter(kind=Kind.PORTABILITY, status=Status.IN_REVIEW).exists()


def test_a_guardian_asks_for_their_child_and_nobody_else_can(
    family, django_capture_on_commit_callbacks
):
    anna, ben = family
    stranger = make_user()

    assert client_for(stranger).get(new_url(ben, Kind.ERASURE)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(anna).post(new_url(ben, Kind.ERASURE), {"password": PASSWORD})

    request = SubjectRequest.objects.get()
    assert (request.person, request.requester, request.relation) == (ben, anna, "guardian")
    # The child has no address: the acknowledgement goes to the guardian.
    assert [m.to for m in mail.outbox] == [["anna@famille.test"]]
    assert (
        client_for(stranger)
        .get(reverse("subject_requests:detail", args=[request.public_id]))
        .status_code
        == 404
    )
    assert (
        client_for(anna)
        .get(reverse("subject_requests:detail", args=[request.public_id]))
        .status_code
        == 200
    )


def test_the_parent_downloads_the_childs_archive_and_the_download_is_journalled(
    family, dpo_elise, django_capture_on_commit_callbacks
):
    anna, ben = family
    request = online(ben, Kind.ACCESS, by=anna)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.status == Status.COMPLETED
    detail = client_for(anna).get(reverse("subject_requests:detail", args=[request.public_id]))
    link = detail.context["download_url"]
    assert link
    page = detail.content.decode()
    assert "Les données de Ben sont prêtes" in page
    assert "Télécharger les données de Ben" in page
    assert "mes données" not in page

    response = client_for(anna).get(link, HTTP_USER_AGENT="Navigateur de test")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert {"index.html", "donnees.json", "manifest.json", "information.json"} <= set(names)
    [entry] = journal("read.archive")
    assert entry.actor_ref == f"user:{anna.public_id}"
    assert entry.subject_ref == f"user:{ben.public_id}"
    assert (entry.ip, entry.user_agent) == ("127.0.0.1", "Navigateur de test")
    # The twelve-year-old himself, a stranger, or a tampered link: not found.
    assert client_for(ben).get(link).status_code == 404
    assert client_for(make_user()).get(link).status_code == 404
    assert client_for(anna).get(link[:-3] + "abc/").status_code == 404
    assert len(journal("read.archive")) == 1


def test_the_childs_archive_speaks_the_language_of_the_parent_who_reads_it(
    family, dpo_elise, django_capture_on_commit_callbacks
):
    anna, ben = family
    User.objects.filter(pk=anna.pk).update(language="en")
    anna.refresh_from_db()
    assert ben.language == "fr"
    request = online(ben, Kind.ACCESS, by=anna)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()

    stored = open_archive(request)
    assert stored is not None
    with stored, zipfile.ZipFile(stored) as archive:
        assert "csv/accounts.csv" in archive.namelist()
        assert "csv/comptes.csv" not in archive.namelist()
        assert 'lang="en"' in archive.read("index.html").decode()


def test_the_parent_sees_the_childs_archive_being_prepared(family, dpo_elise):
    anna, ben = family
    request = online(ben, Kind.ACCESS, by=anna)
    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.status == Status.PROCESSING  # the archive is built once this commits

    page = client_for(anna).get(reverse("subject_requests:detail", args=[request.public_id]))

    assert "Préparation des données de Ben" in page.content.decode()
    assert "Préparation de vos données" not in page.content.decode()


def test_an_expired_archive_cannot_be_downloaded(
    guardian_anna, dpo_elise, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    request = online(guardian_anna, Kind.ACCESS)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    client = client_for(guardian_anna)
    link = client.get(reverse("subject_requests:detail", args=[request.public_id])).context[
        "download_url"
    ]
    SubjectRequest.objects.filter(pk=request.pk).update(
        archive_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert client.get(link).status_code == 404

    from charte.subject_requests.tasks import expire_archives

    expire_archives.call()
    request.refresh_from_db()
    assert request.archive_name == ""
    assert journal("subject_request.archive_expired")


def test_the_person_cancels_a_request_not_yet_executed(guardian_anna):
    request = online(guardian_anna, Kind.RESTRICTION)

    client_for(guardian_anna).post(reverse("subject_requests:cancel", args=[request.public_id]))

    request.refresh_from_db()
    assert request.status == Status.CANCELLED
    assert journal("subject_request.closed", about=guardian_anna)
