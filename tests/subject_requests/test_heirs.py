"""After a death, online: the trusted person and the heirs file with proof, without an account,
and are answered at their own address; the deceased receives nothing (charter X5)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import User
from charte.accounts.queries import guardians_of
from charte.notifications.actions import notify
from charte.notifications.models import Message
from charte.subject_requests import actions, heirs
from charte.subject_requests.models import (
    ArchiveKey,
    Claim,
    Death,
    Kind,
    Proof,
    Relation,
    Status,
    SubjectRequest,
)
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.subject_requests.helpers import (
    PDF,
    code_in,
    file_online,
    link_in,
    staff_url,
    to,
    verify_and_approve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_death_played_out_online_the_deceased_receives_nothing(
    guardian_anna, child_ben, cs_farid, dpo_elise, client, django_capture_on_commit_callbacks
):
    """The trusted person files with proof, the DPO verifies, she gets the archive at her own
    address through a single-use link and a code; another heir closes the account; not one
    message goes to the deceased."""
    anna = guardian_anna
    accounts.propose_guardianship(child=child_ben, guardian=anna, actor=anna)
    actions.record_directive(
        person=anna,
        actor=anna,
        trusted_name="Paule Martin",
        trusted_email="paule@famille.test",
        wish="communicate",
    )
    mail.outbox.clear()
    before = Message.objects.count()

    # The trusted person, who has no account, files online with the two documents.
    with django_capture_on_commit_callbacks(execute=True):
        answer = file_online(
            client,
            relation=Relation.TRUSTED_PERSON,
            name="Paule Martin",
            email="Paule@Famille.test",
            asks=[Kind.ACCESS],
        )
    assert answer.status_code == 302
    claim = Claim.objects.get()
    assert (claim.person, claim.email) == (anna, "paule@famille.test")
    assert sorted(Proof.objects.values_list("type", flat=True)) == [
        "death_certificate",
        "quality",
    ]
    notice = SubjectRequest.objects.get(kind=Kind.DEATH_NOTICE)
    access = SubjectRequest.objects.get(kind=Kind.ACCESS)
    assert {notice.claim, access.claim} == {claim}
    assert notice.status == access.status == Status.AWAITING_IDENTITY
    anna.refresh_from_db()
    assert anna.is_active
    assert anna.deceased_at is None
    assert len(to("paule@famille.test")) == 1
    assert journal("subject_request.claim_filed")[0].data["matched"] is True

    # The DPO sees the documents and downloads one.
    page = client_for(dpo_elise).get(staff_url(notice))
    assert page.context["claim_matches"] is True
    document = Proof.objects.get(type="death_certificate")
    url = reverse("subject_requests:claim_proof", args=[notice.public_id, document.public_id])
    assert b"".join(client_for(dpo_elise).get(url).streaming_content) == PDF  # type: ignore[attr-defined]
    assert journal("read.claim_proof")

    # Verified, the death is recorded: the account closes and Anna is Ben's guardian no more.
    with django_capture_on_commit_callbacks(execute=True):
        verify_and_approve(cs_farid, dpo_elise, notice)
    anna.refresh_from_db()
    assert Death.objects.filter(person=anna).exists()
    assert anna.deceased_at is not None
    assert not anna.is_active
    assert not guardians_of(child_ben).exists()

    # Her access request: verified, approved, the archive built, the link sent to HER address.
    with django_capture_on_commit_callbacks(execute=True):
        access = verify_and_approve(cs_farid, dpo_elise, access)
    access.refresh_from_db()
    assert access.status == Status.COMPLETED
    answered = [m for m in to("paule@famille.test") if "/archive/" in m.body]
    assert len(answered) == 1
    link = link_in(answered[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    archive_page = client.get("/" + path)
    assert archive_page.status_code == 200

    # Without a code, nothing; the code goes to her address; a wrong one counts.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/" + path, {"action": "send"})
    code = code_in(to("paule@famille.test")[-1])
    wrong = client.post("/" + path, {"action": "download", "code": "00000000"})
    assert wrong.status_code == 200
    assert "Essais restants : 4" in wrong.content.decode()
    download = client.post("/" + path, {"action": "download", "code": code})
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert ArchiveKey.objects.get().used_at is not None
    # Single use: the same link, the same code, nothing more.
    assert client.get("/" + path).status_code == 404
    assert client.post("/" + path, {"action": "download", "code": code}).status_code == 404
    assert journal("read.archive", about=anna)

    # Another heir closes the account (the directive does not ask to keep the data).
    other = client_class_for_visitor()
    with django_capture_on_commit_callbacks(execute=True):
        file_online(
            other,
            relation=Relation.HEIR,
            name="Hugo Martin",
            email="hugo@famille.test",
            asks=[Kind.ERASURE],
        )
    erasure = SubjectRequest.objects.get(kind=Kind.ERASURE)
    assert not SubjectRequest.objects.filter(kind=Kind.DEATH_NOTICE, claim=erasure.claim).exists()
    with django_capture_on_commit_callbacks(execute=True):
        verify_and_approve(cs_farid, dpo_elise, erasure)
    erasure.refresh_from_db()
    assert erasure.status == Status.COMPLETED
    assert not User.objects.filter(pk=anna.pk).exists()
    closed = [m for m in to("hugo@famille.test") if "fermé" in m.body]
    assert closed, [m.body for m in to("hugo@famille.test")]

    # Not one message went to the deceased, at her account or at her address.
    sent = Message.objects.filter(pk__gt=0)
    assert not sent.filter(to_email__iexact="anna@famille.test").exists()
    assert not [m for m in mail.outbox if "anna@famille.test" in m.to]
    assert sent.count() > before
    assert not Message.objects.filter(to_email__iexact="anna@famille.test").exists()


def client_class_for_visitor():
    from django.test import Client

    return Client()


def test_the_form_answers_alike_whether_the_account_exists(client, guardian_anna):
    """Nobody learns from the form who has an account: a claim naming none is kept, for the
    DPO to refuse, and the page and the email say the same."""
    known = file_online(
        client, relation=Relation.HEIR, name="A", email="a@ailleurs.test", asks=[Kind.ACCESS]
    )
    unknown = file_online(
        client,
        relation=Relation.HEIR,
        name="B",
        email="b@ailleurs.test",
        asks=[Kind.ACCESS],
        login="personne@nulle-part.test",
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    orphan = Claim.objects.get(email="b@ailleurs.test")
    assert orphan.person is None
    assert orphan.requests.count() == 2  # the notice and the access, for the DPO to refuse
    assert {m.subject for m in to("a@ailleurs.test")} == {m.subject for m in to("b@ailleurs.test")}


def test_a_false_death_notice_does_nothing_before_the_dpo_and_shows_signs_of_life(
    client, guardian_anna, dpo_elise, cs_farid
):
    """Someone declares a living person dead: the account stays open, nothing is erased, no
    archive leaves; the account's use after the notice is shown to the DPO, and staff cannot
    record the documents of someone claiming to be the trusted person who is not."""
    file_online(
        client,
        relation=Relation.TRUSTED_PERSON,
        name="Usurpateur",
        email="pirate@ailleurs.test",
        asks=[Kind.ACCESS, Kind.ERASURE],
    )
    guardian_anna.refresh_from_db()
    assert guardian_anna.is_active
    assert guardian_anna.deceased_at is None
    notice = SubjectRequest.objects.get(kind=Kind.DEATH_NOTICE)
    access = SubjectRequest.objects.get(kind=Kind.ACCESS)

    # Anna signs in after the notice: the DPO is warned.
    User.objects.filter(pk=guardian_anna.pk).update(last_login=timezone.now())
    page = client_for(dpo_elise).get(staff_url(notice))
    assert page.context["signs_of_life"] is True
    assert "utilisé après le signalement" in page.content.decode()

    # No directive names this address: the standing is refused, before any decision.
    client_for(cs_farid).post(
        staff_url(access),
        {
            "action": "identity",
            "method": "death_certificate",
            "evidence": "documents reçus",
            "verified": "1",
        },
    )
    access.refresh_from_db()
    assert access.status == Status.AWAITING_IDENTITY
    with pytest.raises(actions.ActionError):
        actions.verify_identity(
            request=notice, actor=cs_farid, method="death_certificate", evidence="documents"
        )
    assert not Death.objects.exists()
    assert not ArchiveKey.objects.exists()


def test_heirs_requests_wait_for_the_recorded_death(client, guardian_anna, cs_farid):
    """An heir's access request filed with the notice is not verified before the death is."""
    file_online(client, relation=Relation.HEIR, name="H", email="h@x.test", asks=[Kind.ACCESS])
    access = SubjectRequest.objects.get(kind=Kind.ACCESS)
    with pytest.raises(actions.ActionError):
        actions.verify_identity(
            request=access, actor=cs_farid, method="death_certificate", evidence="acte"
        )


def test_documents_are_checked_like_every_upload(client, guardian_anna):
    answer = file_online(
        client,
        relation=Relation.HEIR,
        name="H",
        email="h@x.test",
        asks=[],
        death_certificate=SimpleUploadedFile("acte.pdf", b"MZ\x90\x00 not a pdf"),
    )
    assert answer.status_code == 200
    assert "ne correspond pas à son extension" in answer.content.decode()
    assert not Claim.objects.exists()
    assert not Proof.objects.exists()


def test_the_public_form_is_rate_limited(client, guardian_anna):
    for n in range(5):
        ok = file_online(client, relation=Relation.HEIR, name="H", email=f"h{n}@x.test", asks=[])
        assert ok.status_code == 302
    refused = file_online(client, relation=Relation.HEIR, name="H", email="h9@x.test", asks=[])
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert Claim.objects.count() == 5


def test_a_guessed_link_or_code_gets_nothing(client, guardian_anna, cs_farid, dpo_elise):
    """Five wrong codes burn the link; a made-up link is not found."""
    assert client.get(reverse("subject_requests:claim_archive", args=["x" * 43])).status_code == 404
    request = SubjectRequest.objects.create(
        kind=Kind.ACCESS,
        person=guardian_anna,
        relation=Relation.HEIR,
        channel="public_form",
        status=Status.COMPLETED,
        due_on=timezone.localdate(),
        archive_name="nothing.zip",
        archive_expires_at=timezone.now() + timedelta(days=7),
        claim=Claim.objects.create(
            person=guardian_anna, relation=Relation.HEIR, name="H", email="h@x.test"
        ),
    )
    token = heirs._issue_key(request, actor=cs_farid)
    url = reverse("subject_requests:claim_archive", args=[token])
    client.post(url, {"action": "send"})
    for _attempt in range(4):
        assert client.post(url, {"action": "download", "code": "11111111"}).status_code == 200
    assert client.post(url, {"action": "download", "code": "11111111"}).status_code == 404
    assert client.get(url).status_code == 404
    assert ArchiveKey.objects.get().attempts == ArchiveKey.MAX_ATTEMPTS


def test_a_deceased_guardian_receives_nothing_queued_or_new(family, pupil_lea):
    """A message queued before the death is not delivered; none is queued after; the other
    guardian still hears about the child."""
    anna, ben = family
    second = make_user(first_name="Marc", email="marc@famille.test")
    accounts.propose_guardianship(child=ben, guardian=second, actor=second)
    User.objects.filter(pk=anna.pk).update(deceased_at=timezone.now())
    anna.refresh_from_db()
    messages = notify(kind="subject_requests.restriction_lifted", person=ben, actor=second)
    assert [m.to_email for m in messages] == ["marc@famille.test"]
    assert notify(kind="subject_requests.restriction_lifted", person=anna, actor=second) == []
    assert journal("notification.unreachable", about=anna)


def test_a_message_queued_before_the_death_is_not_delivered(
    guardian_anna, django_capture_on_commit_callbacks
):
    from charte.notifications.tasks import deliver

    [message] = notify(
        kind="subject_requests.restriction_lifted", person=guardian_anna, actor=guardian_anna
    )
    User.objects.filter(pk=guardian_anna.pk).update(deceased_at=timezone.now())
    assert deliver.call(message_id=message.pk) == "refused"
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("abandoned", "deceased")
