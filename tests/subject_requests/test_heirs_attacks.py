"""After a death, as an attacker tries it: a claim for someone alive, a second claim after the
first, a claim by the person themself, a link replayed once its work is done. Each gets
nothing of the person's data, and the journal shows what was tried."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from charte.accounts.models import User
from charte.notifications.models import Message
from charte.subject_requests import heirs, storage
from charte.subject_requests.models import (
    ArchiveKey,
    Claim,
    Death,
    Directive,
    Kind,
    Relation,
    Status,
    SubjectRequest,
)
from tests.conftest import client_for, journal
from tests.subject_requests.helpers import code_in, file_online, staff_url, to, verify_and_approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def verify(staff, request) -> list[str]:
    """Staff record the documents as checked; the refusals the page shows."""
    response = client_for(staff).post(
        staff_url(request),
        {
            "action": "identity",
            "method": "death_certificate",
            "evidence": "Acte de décès et justificatif reçus en ligne",
            "verified": "1",
        },
        follow=True,
    )
    return [str(m.message) for m in response.context["messages"]]


def approve(dpo, request) -> None:
    client_for(dpo).post(staff_url(request), {"action": "decide", "decision": "approved"})


def test_an_heirs_claim_for_a_living_person_gets_nothing_of_theirs(
    client, guardian_anna, cs_farid, dpo_elise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            client,
            relation=Relation.HEIR,
            name="Faux Héritier",
            email="faux@ailleurs.test",
            asks=[Kind.ACCESS, Kind.ERASURE],
        )
    notice = SubjectRequest.objects.get(kind=Kind.DEATH_NOTICE)
    access = SubjectRequest.objects.get(kind=Kind.ACCESS)
    erasure = SubjectRequest.objects.get(kind=Kind.ERASURE)

    # The heir's own requests wait for a recorded death: neither verified nor decided.
    for request in (access, erasure):
        refusals = verify(cs_farid, request)
        assert any("décès doit d'abord être signalé et vérifié" in r for r in refusals), refusals
        approve(dpo_elise, request)
        request.refresh_from_db()
        assert (request.status, request.decision) == (Status.AWAITING_IDENTITY, "")
    # The DPO, seeing the account in use, refuses the notice: nothing was done to Anna.
    User.objects.filter(pk=guardian_anna.pk).update(last_login=timezone.now())
    assert client_for(dpo_elise).get(staff_url(notice)).context["signs_of_life"] is True
    client_for(dpo_elise).post(
        staff_url(notice),
        {
            "action": "decide",
            "decision": "refused",
            "ground": "art12_5_unfounded",
            "note": "Le compte est utilisé après le signalement ; la mairie ne connaît pas l'acte.",
        },
    )
    notice.refresh_from_db()
    assert notice.status == Status.REFUSED
    guardian_anna.refresh_from_db()
    assert guardian_anna.is_active
    assert guardian_anna.deceased_at is None
    assert not Death.objects.exists()
    assert not ArchiveKey.objects.exists()
    assert User.objects.filter(pk=guardian_anna.pk).exists()
    # Nothing about the claim went to Anna's address; the heir heard only at theirs.
    assert not Message.objects.filter(to_email__iexact=guardian_anna.email).exists()
    assert to("faux@ailleurs.test")
    assert not [m for m in to("faux@ailleurs.test") if "/archive/" in m.body]


@pytest.fixture
def recorded_death(client, guardian_anna, cs_farid, dpo_elise, django_capture_on_commit_callbacks):
    """Anna named Paule her trusted person, to be given her data; Paule's notice is approved."""
    from charte.subject_requests import actions

    actions.record_directive(
        person=guardian_anna,
        actor=guardian_anna,
        trusted_name="Paule Martin",
        trusted_email="paule@famille.test",
        wish=Directive.Wish.COMMUNICATE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            client,
            relation=Relation.TRUSTED_PERSON,
            name="Paule Martin",
            email="paule@famille.test",
            asks=[],
        )
        verify_and_approve(cs_farid, dpo_elise, SubjectRequest.objects.get(kind="death_notice"))
    assert Death.objects.filter(person=guardian_anna).exists()
    mail.outbox.clear()
    return guardian_anna


def test_a_second_claim_gets_only_what_its_standing_allows(
    recorded_death, cs_farid, dpo_elise, django_capture_on_commit_callbacks
):
    from django.test import Client

    # An heir asks for the data the directive gives to the trusted person alone.
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            Client(), relation=Relation.HEIR, name="Hugo", email="hugo@x.test", asks=["access"]
        )
    heir = SubjectRequest.objects.get(kind=Kind.ACCESS, claim__email="hugo@x.test")
    # No second death notice: the death is on record.
    assert not SubjectRequest.objects.filter(kind=Kind.DEATH_NOTICE, claim=heir.claim).exists()
    refusals = verify(cs_farid, heir)
    assert any("sa personne de confiance agit" in r for r in refusals), refusals

    # Someone else claims to be the trusted person, from another address.
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            Client(),
            relation=Relation.TRUSTED_PERSON,
            name="Paule Martin",
            email="paule.martin@ailleurs.test",
            asks=["access"],
        )
    usurper = SubjectRequest.objects.get(
        kind=Kind.ACCESS, claim__email="paule.martin@ailleurs.test"
    )
    refusals = verify(cs_farid, usurper)
    assert any("pas celle de la personne de confiance" in r for r in refusals), refusals

    for request in (heir, usurper):
        approve(dpo_elise, request)
        request.refresh_from_db()
        assert request.status == Status.AWAITING_IDENTITY
    assert not ArchiveKey.objects.exists()
    assert not [m for m in mail.outbox if "/archive/" in m.body]


def test_a_claim_by_the_person_themself_is_refused(
    client, guardian_anna, cs_farid, django_capture_on_commit_callbacks
):
    # Anna declares herself dead, "as her heir", from her own address.
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            client, relation=Relation.HEIR, name="Anna", email="ANNA@famille.test", asks=["access"]
        )
    notice = SubjectRequest.objects.get(kind=Kind.DEATH_NOTICE)
    refusals = verify(cs_farid, notice)
    assert any("personne n'agit pour soi-même" in r for r in refusals), refusals
    notice.refresh_from_db()
    assert notice.status == Status.AWAITING_IDENTITY
    assert not Death.objects.exists()

    # Nor can she name herself as her own trusted person, to act after her death.
    page = client_for(guardian_anna).post(
        reverse("subject_requests:directives"),
        {
            "trusted_name": "Anna Martin",
            "trusted_email": "Anna@Famille.test",
            "wish": Directive.Wish.COMMUNICATE,
            "instructions": "",
        },
    )
    assert page.status_code == 200
    assert "sa propre adresse" in page.content.decode()
    assert not Directive.objects.filter(person=guardian_anna).exists()
    assert journal("subject_request.directive_recorded") == []


@pytest.fixture
def delivered_link(guardian_anna, cs_farid, client, django_capture_on_commit_callbacks):
    """An heir's completed access request, its archive kept, its link and code sent."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("donnees.json", "{}")
    buffer.seek(0)
    request = SubjectRequest.objects.create(
        kind=Kind.ACCESS,
        person=guardian_anna,
        relation=Relation.HEIR,
        channel="public_form",
        status=Status.COMPLETED,
        due_on=timezone.localdate(),
        archive_name=storage.save_archive("heir-archive.zip", buffer),
        archive_expires_at=timezone.now() + timedelta(days=7),
        claim=Claim.objects.create(
            person=guardian_anna, relation=Relation.HEIR, name="H", email="h@x.test"
        ),
    )
    url = reverse(
        "subject_requests:claim_archive", args=[heirs._issue_key(request, actor=cs_farid)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send"})
    return request, url, code_in(to("h@x.test")[-1])


def test_a_link_replayed_after_the_download_gets_nothing(
    client, delivered_link, django_capture_on_commit_callbacks
):
    _request, url, code = delivered_link
    download = client.post(url, {"action": "download", "code": code})
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    codes_sent = len(to("h@x.test"))
    reads = len(journal("read.archive"))

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "send"}).status_code == 404
        assert client.post(url, {"action": "download", "code": code}).status_code == 404
    assert len(to("h@x.test")) == codes_sent  # no new code leaves
    assert len(journal("read.archive")) == reads
    assert len(journal("subject_request.archive_code_sent")) == 1


def test_an_unused_link_dies_with_its_archive(client, delivered_link):
    request, url, code = delivered_link
    SubjectRequest.objects.filter(pk=request.pk).update(
        archive_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "download", "code": code}).status_code == 404
    assert ArchiveKey.objects.get().used_at is None
    assert journal("read.archive") == []
