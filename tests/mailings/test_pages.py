"""X6: marketing writes the newsletter here, tries it on itself, and sends it through the outbox
to the adults whose consent holds when it is sent; nobody else, and no list leaves."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from charte.accounts.models import Role
from charte.consent.actions import ensure_text, withdraw
from charte.consent.models import Act, Channel, ConsentRecord
from charte.core.actors import person_ref
from charte.mailings.models import Mailing
from charte.notifications.models import Message
from charte.privacy import processing
from charte.subject_requests.models import Decision, Kind
from tests.conftest import birthday, client_for, journal
from tests.factories import make_user
from tests.mailings.conftest import subscribe
from tests.subject_requests.helpers import online, staff_url

# What htmx sends with the requests it makes for the page.
HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.django_db

LIST = reverse("mailings:list")
DRAFT = {
    "purpose": "newsletter",
    "subject": "Les nouveautés de novembre",
    "body": "Bonjour,\n\nDeux nouveaux parcours sur la laïcité.",
    "subject_en": "",
    "body_en": "",
}


def recorded_yes(person, *, actor):
    """A "yes" in the records that the forms never ask a pupil for (an import, an older version
    of the sign-up): the newsletter must not trust it for a pupil."""
    ConsentRecord.objects.create(
        subject_ref=person_ref(person),
        purpose="newsletter",
        act=Act.GIVEN,
        actor_ref=person_ref(actor),
        on_behalf=actor != person,
        channel=Channel.API,
        text=ensure_text(purpose="newsletter", language="fr"),
    )


@pytest.fixture
def people(guardian_anna, child_ben, pupil_lea, teacher_chloe):
    subscribe(guardian_anna)
    subscribe(teacher_chloe)
    recorded_yes(pupil_lea, actor=pupil_lea)  # 16: she may consent alone, but is not an adult
    recorded_yes(child_ben, actor=guardian_anna)  # 12: consented for by his guardian
    adult_pupil = make_user(
        role=Role.PUPIL, first_name="Yanis", email="yanis@eleve.test", birth_date=birthday(19)
    )
    recorded_yes(adult_pupil, actor=adult_pupil)  # a pupil: marketing never reaches pupils
    subscribe(make_user(first_name="Jade", email="jade@famille.test", birth_date=birthday(17)))
    wanda = make_user(first_name="Wanda", email="wanda@famille.test")
    subscribe(wanda)
    withdraw(person=wanda, purpose="newsletter", actor=wanda, channel="privacy_centre")
    make_user(first_name="Nina", email="nina@famille.test")  # never said yes
    closed = make_user(first_name="Clo", email="clo@famille.test")
    subscribe(closed)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    reviewer = make_user(first_name="Rémi", email="remi@famille.test")
    subscribe(reviewer, "reviews")  # reviews only
    return {"anna": guardian_anna, "chloe": teacher_chloe, "remi": reviewer}


def write(client, **changes):
    response = client.post(LIST, {**DRAFT, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Mailing.objects.get(subject=changes.get("subject", DRAFT["subject"]))


def test_marketing_writes_previews_tries_and_sends_to_the_consenting_adults_only(
    marketing, people, django_capture_on_commit_callbacks
):
    client = client_for(marketing)
    mailing = write(client)
    page = client.get(reverse("mailings:detail", args=[mailing.public_id]))
    text = page.content.decode()
    assert "Deux nouveaux parcours sur la laïcité." in text  # the preview
    assert "[lien de désinscription]" in text
    assert "irait à 2 personnes" in text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailings:proof", args=[mailing.public_id]))
    [proof] = mail.outbox
    assert proof.to == ["maud@charte.test"]
    assert proof.subject == "[Essai] Les nouveautés de novembre"
    assert "Deux nouveaux parcours" in proof.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mailings:send", args=[mailing.public_id]))
    assert response.status_code == 302

    reached = sorted(a for m in mail.outbox for a in m.to)
    assert reached == ["anna@famille.test", "chloe@college.test"]
    for message in mail.outbox:
        assert message.subject == "Les nouveautés de novembre"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = re.fullmatch(r"<(\S+)>", message.extra_headers["List-Unsubscribe"])
        assert link is not None
        assert link.group(1) in message.body  # the same link, visible
    mailing.refresh_from_db()
    assert (mailing.status, mailing.planned, mailing.queued) == ("sent", 2, 2)
    fragment = client.get(reverse("mailings:progress", args=[mailing.public_id]), headers=HTMX)
    assert "100 %" in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # done: the page stops polling
    [started] = journal("mailings.sending_started")
    assert started.actor_ref == person_ref(marketing)
    assert [e.data["messages"] for e in journal("mailings.queued")] == [2]

    # Sent once: it cannot be changed or sent again.
    client.post(reverse("mailings:send", args=[mailing.public_id]))
    edited = client.post(
        reverse("mailings:detail", args=[mailing.public_id]), DRAFT | {"body": "x"}
    )
    assert edited.status_code == 200
    mailing.refresh_from_db()
    assert mailing.queued == 2
    assert "laïcité" in mailing.body
    assert Message.objects.filter(campaign=mailing.campaign).count() == 2


def test_a_review_invitation_goes_to_those_who_accepted_to_be_invited(
    marketing, people, django_capture_on_commit_callbacks
):
    client = client_for(marketing)
    mailing = write(client, purpose="reviews", subject="Votre avis compte")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailings:send", args=[mailing.public_id]))

    assert [m.to for m in mail.outbox] == [["remi@famille.test"]]
    assert "/desinscription/" in mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert Message.objects.get(campaign=mailing.campaign).kind == "mailings.review_invitation"


def test_english_readers_get_the_english_version(
    marketing, people, django_capture_on_commit_callbacks
):
    chloe = people["chloe"]
    chloe.language = "en"
    chloe.save(update_fields=["language"])
    client = client_for(marketing)
    mailing = write(client, subject_en="November's news", body_en="Two new paths.")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailings:send", args=[mailing.public_id]))

    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["chloe@college.test"].subject == "November's news"
    assert "Two new paths." in by_address["chloe@college.test"].body
    assert "one click" in by_address["chloe@college.test"].body
    assert by_address["anna@famille.test"].subject == "Les nouveautés de novembre"


def test_an_objection_or_a_restriction_takes_a_consenting_adult_out(
    marketing, people, dpo_elise, django_capture_on_commit_callbacks
):
    anna, chloe = people["anna"], people["chloe"]
    processing.record_objection(person=anna, purpose="newsletter", actor=anna)
    request = online(chloe, Kind.RESTRICTION, details="Adresse contestée")
    client_for(dpo_elise).post(
        staff_url(request), {"action": "decide", "decision": Decision.APPROVED}
    )
    client = client_for(marketing)
    mailing = write(client)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mailings:send", args=[mailing.public_id]))

    assert mail.outbox == []


def test_bad_input_changes_nothing(marketing):
    client = client_for(marketing)

    empty = client.post(LIST, {**DRAFT, "subject": "  "})
    half_english = client.post(LIST, {**DRAFT, "subject_en": "News"})
    card = client.post(LIST, {**DRAFT, "body": "Payez avec 4242 4242 4242 4242"})

    for response in (empty, half_english, card):
        assert response.status_code == 200
    assert "La version anglaise a besoin" in half_english.content.decode()
    assert Mailing.objects.count() == 0


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MARKETING])
def test_nobody_else_sees_or_sends_a_mailing(role, marketing, people):
    mailing = write(client_for(marketing))
    other = client_for(make_user(role=role))

    assert other.get(LIST).status_code == 404
    assert other.get(reverse("mailings:detail", args=[mailing.public_id])).status_code == 404
    assert other.post(reverse("mailings:send", args=[mailing.public_id])).status_code == 404
    assert other.post(reverse("mailings:proof", args=[mailing.public_id])).status_code == 404
    mailing.refresh_from_db()
    assert mailing.status == "draft"
    assert Message.objects.count() == 0


def test_marketing_s_home_counts_its_lists_never_who(marketing, people):
    home = client_for(marketing).get("/")

    panel = next(c for t, c in home.context["panels"] if t == "mailings/panel.html")
    assert (panel["newsletter"], panel["reviews"]) == (2, 1)
    text = home.content.decode()
    assert LIST in text
    assert "anna@famille.test" not in text


def test_someone_who_withdraws_before_their_batch_gets_no_copy_at_all(
    marketing, django_capture_on_commit_callbacks
):
    from charte.mailings import actions

    people = [make_user(first_name=f"Lot{n}", email=f"lot{n}@famille.test") for n in range(5)]
    for person in people:
        subscribe(person)
    client = client_for(marketing)
    mailing = write(client)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("mailings:send", args=[mailing.public_id]))
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.queue_batch(mailing=mailing, size=2) == 2  # the first batch
        withdraw(person=people[-1], purpose="newsletter", actor=people[-1], channel="email_link")
        while actions.queue_batch(mailing=mailing, size=2) >= 0:
            pass

    assert sorted(a for m in mail.outbox for a in m.to) == [p.email for p in people[:-1]]
    assert not Message.objects.filter(recipient=people[-1]).exists()
