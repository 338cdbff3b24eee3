"""Attacks by sheer size: a body of gigabytes sent to any page, a file past its limit, a person
filling the disk one upload at a time. Each is refused in words, and nothing is kept.
"""

import socket
import ssl
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse

from charte.assignments.models import Production, ProductionFile
from charte.core import quota
from charte.resources.models import Resource
from tests.attacks import production_site
from tests.conftest import client_for, journal
from tests.helpers import stored_files
from tests.learning import PDF, give_work

GIB = 1024**3


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)


class CountingInput:
    """A request body that counts what the server reads of it (an endless stream of bytes)."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else size
        self.read_bytes += size
        return b"x" * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def post_announcing(
    client: Client, url: str, *, length: int, body: CountingInput, content_type: str
):
    """A POST whose Content-Length announces `length` bytes, read (if ever) from `body`."""
    extra: dict[str, Any] = {"CONTENT_LENGTH": str(length), "wsgi.input": body}
    return client.generic("POST", url, b"", content_type=content_type, **extra)


def pdf(size: int, name: str = "fiche.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"%" * max(0, size - len(PDF)), "application/pdf")


# Bodies refused before they are read -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/signaler/"),
        ("visitor", "/compte/connexion/"),
        ("pupil", "/ressources/nouvelle/"),
    ],
)
def test_a_huge_body_is_refused_on_its_announced_size_before_a_byte_is_read(who, url, child_ben):
    client = client_for(child_ben) if who == "pupil" else Client()
    body = CountingInput()

    response = post_announcing(
        client, url, length=2 * GIB, body=body, content_type="multipart/form-data; boundary=xyz"
    )

    assert response.status_code == 413
    assert body.read_bytes == 0
    text = response.content.decode()
    assert "Envoi trop volumineux" in text
    assert "2,0\xa0Gio" in text  # what was sent, in words
    assert "Rien n&#x27;a été enregistré" in text or "Rien n'a été enregistré" in text
    assert not Resource.objects.exists()


@pytest.mark.django_db
def test_a_page_that_takes_files_says_how_many_and_how_heavy_and_offers_its_form_again(
    child_ben, settings
):
    response = post_announcing(
        client_for(child_ben),
        "/ressources/nouvelle/",
        length=40 * 1024 * 1024,
        body=CountingInput(),
        content_type="multipart/form-data; boundary=xyz",
    )

    assert response.status_code == 413
    text = response.content.decode()
    assert "un fichier de 5,0\xa0Mio au plus" in text
    assert 'href="/ressources/nouvelle/"' in text
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_api_answers_a_huge_body_in_json(guardian_anna):
    body = CountingInput()

    response = post_announcing(
        client_for(guardian_anna),
        "/api/accounts/me",
        length=GIB,
        body=body,
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert body.read_bytes == 0


@pytest.mark.django_db
def test_form_fields_past_their_limit_get_the_same_page_in_words(settings, client):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000

    response = client.post(reverse("support:report"), {"message": "x" * 5_000, "page": "/"})

    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()


@pytest.mark.django_db
def test_too_many_files_at_once_are_refused_in_words(child_ben):
    files = [pdf(400, f"f{n}.pdf") for n in range(11)]

    response = client_for(child_ben).post(
        "/ressources/nouvelle/", {"kind": "file", "title": "Beaucoup", "file": files}
    )

    assert response.status_code == 400
    assert "Trop de fichiers" in response.content.decode()
    assert not Resource.objects.exists()


# A file past its limit, stopped while it streams in ------------------------------------------


@pytest.mark.django_db
def test_a_file_past_its_limit_stops_being_written_and_the_form_says_why(
    child_ben, settings, monkeypatch, tmp_path
):
    settings.CHARTE_UPLOAD_MAX_FILE_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000  # so that the file goes to a temporary file
    written = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        written.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    before = stored_files()  # what other tests' shared fixtures stored

    response = client_for(child_ben).post(
        "/ressources/nouvelle/",
        {"kind": "file", "title": "Trop lourd", "file": pdf(900_000, "exposé.pdf")},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == [
        "« exposé.pdf » pèse 878,9\xa0Kio : la limite est de 97,7\xa0Kio par fichier."
    ]
    assert sum(written) <= 100_000  # what went to disk: not one chunk past the limit
    assert not Resource.objects.exists()
    assert journal("resources.created") == []
    assert stored_files() == before
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []  # the temporary file is gone


@pytest.mark.django_db
def test_the_files_of_handed_in_work_are_stopped_alike(
    catalogue, chloe_class, ben_in_class, teacher_chloe, settings
):
    settings.CHARTE_UPLOAD_MAX_FILE_BYTES = 50_000
    work = give_work(teacher_chloe, chloe_class, title="Exposé", expects_production=True)
    before = stored_files()

    response = client_for(ben_in_class).post(
        reverse("assignments:detail", args=[work.public_id]),
        {"text": "Mon exposé", "attachments": [pdf(2_000, "a.pdf"), pdf(80_000, "b.pdf")]},
    )

    assert response.status_code == 200
    assert "« b.pdf » pèse" in response.context["form"].errors["attachments"][0]
    assert not Production.objects.exists()
    assert stored_files() == before


# The storage quota ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_cannot_store_more_than_their_quota_and_is_told_what_is_used_and_left(
    child_ben, settings
):
    settings.CHARTE_STORAGE_QUOTA_BYTES = 10_000
    client = client_for(child_ben)
    before = set(stored_files())
    first = client.post(
        "/ressources/nouvelle/", {"kind": "file", "title": "Un", "file": pdf(6_000)}
    )
    assert first.status_code == 302

    refused = client.post(
        "/ressources/nouvelle/", {"kind": "file", "title": "Deux", "file": pdf(5_000)}
    )

    assert refused.status_code == 200
    [error] = refused.context["form"].errors["file"]
    assert error.startswith(
        "Plus assez de place : 5,9\xa0Kio déjà utilisés sur 9,8\xa0Kio, il reste 3,9\xa0Kio, "
        "et cet envoi pèse 4,9\xa0Kio."
    )
    assert Resource.objects.count() == 1
    assert len(journal("resources.created", about=child_ben)) == 1
    assert len(set(stored_files()) - before) == 1
    form = client.get("/ressources/nouvelle/").content.decode()
    assert "Espace utilisé : 5,9\xa0Kio sur 9,8\xa0Kio ; il reste 3,9\xa0Kio." in form


@pytest.mark.django_db
def test_work_handed_in_counts_towards_the_same_quota(
    catalogue, chloe_class, ben_in_class, teacher_chloe, settings
):
    settings.CHARTE_STORAGE_QUOTA_BYTES = 10_000
    work = give_work(teacher_chloe, chloe_class, title="Exposé", expects_production=True)
    client = client_for(ben_in_class)
    url = reverse("assignments:detail", args=[work.public_id])
    assert client.post(url, {"text": "", "attachments": [pdf(7_000)]}).status_code == 302

    resource = client.post(
        "/ressources/nouvelle/", {"kind": "file", "title": "Fiche", "file": pdf(4_000)}
    )
    more_work = client.post(url, {"text": "", "attachments": [pdf(4_000, "deux.pdf")]})

    assert "Plus assez de place" in resource.context["form"].errors["file"][0]
    assert "Plus assez de place" in more_work.context["form"].errors["attachments"][0]
    assert ProductionFile.objects.count() == 1
    assert not Resource.objects.exists()
    assert quota.usage_of(ben_in_class).used == 7_000


@pytest.mark.django_db
def test_replacing_a_file_counts_only_the_difference(child_ben, settings):
    settings.CHARTE_STORAGE_QUOTA_BYTES = 10_000
    client = client_for(child_ben)
    client.post("/ressources/nouvelle/", {"kind": "file", "title": "Un", "file": pdf(6_000)})
    resource = Resource.objects.get()

    replaced = client.post(
        reverse("resources:edit", args=[resource.public_id]),
        {"title": "Un, v2", "file": pdf(8_000, "v2.pdf")},
    )

    assert replaced.status_code == 302
    resource.refresh_from_db()
    assert (resource.file_name, resource.file_size) == ("v2.pdf", 8_000)
    assert default_storage.exists(str(resource.file.name))


@pytest.mark.django_db
def test_a_new_kind_of_upload_cannot_escape_the_quota(monkeypatch):
    monkeypatch.setattr(
        quota, "_stores", [s for s in quota.stores() if s.model is not ProductionFile]
    )

    [problem] = quota.check_every_upload_counts()

    assert problem.id == "charte.core.E001"
    assert "assignments.ProductionFile" in problem.msg


# The production server ---------------------------------------------------------------------


def test_the_production_server_answers_413_before_the_body_is_sent(
    production_server, production_folder
):
    context = ssl.create_default_context(cafile=str(production_folder / "ca.pem"))
    with (
        socket.create_connection(("127.0.0.1", production_server), timeout=20) as raw,
        context.wrap_socket(raw, server_hostname=production_site.HOST) as tls,
    ):
        tls.sendall(
            (
                f"POST /signaler/ HTTP/1.1\r\nHost: {production_site.HOST}\r\n"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {50 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        answer = b""
        while chunk := tls.recv(65536):  # not one byte of the body was sent
            answer += chunk

    head, _, page = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "Envoi trop volumineux" in page.decode()
