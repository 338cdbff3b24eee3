"""Pupils are spoken to in "tu", everywhere a pupil reads: every page a pupil opens is read,
its main content and its menu, and any "vous", "votre" or "vos" addressed to them fails.

The footer's links, common to every reader, are not read. The privacy centre is read as a pupil
of 12 (whose parents decide) and one of 16 (who decides alone) each reads it, with the pages it
leads to: each right's request form, the request it opens and its confirmation, "Mes
informations", the directives for after one's death, the devices. The public charter it links to
is one text for every reader, and is not read; nor, yet, the cookie choices' page, which speaks to
every visitor, signed in or not, in "vous".
"""

import re

import pytest
from django.urls import reverse

from charte.accounts.models import Role
from charte.assignments import actions as assignment_actions
from charte.assignments.models import Assignment
from charte.coach.actions import object_to_personalisation
from charte.consent.purposes import PARENT_ONLY_PURPOSES as PARENTS_ONLY
from charte.cookies.models import ConsentRecord as CookieChoice
from charte.notifications.models import Message
from charte.privacy import register
from charte.subject_requests.models import Kind, SubjectRequest
from charte.subject_requests.sections import RIGHT_KINDS
from tests.conftest import birthday, client_for
from tests.consent.helpers import adopt
from tests.factories import PASSWORD, make_user
from tests.learning import attempt, catalogue, chloe_class, enrol, give_work, school

__all__ = ["catalogue", "chloe_class", "school"]

pytestmark = pytest.mark.django_db

ADULT_VOICE = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


def addressed_to_the_reader(html: str) -> list[str]:
    """The sentences of the page (its menu and main content) that say "vous"."""
    body = html.split("<footer", 1)[0]
    # A quote is kept as it was read (the text of a consent, as a parent read it): not reworded.
    body = re.sub(
        r"<script.*?</script>|<style.*?</style>|<blockquote.*?</blockquote>", " ", body, flags=re.S
    )
    text = re.sub(r"<[^>]+>", "\n", body)
    return [line.strip() for line in text.splitlines() if ADULT_VOICE.search(line)]


@pytest.fixture
def pupil_pages(catalogue, chloe_class, teacher_chloe, guardian_anna):
    for age, name in ((12, "Ben"), (16, "Léa")):
        pupil = make_user(role=Role.PUPIL, first_name=name, birth_date=birthday(age))
        if age < 15:
            adopt(guardian=guardian_anna, child=pupil)
        enrol(pupil, chloe_class)
    made = attempt(pupil, "republique-symboles", right=2)
    work = give_work(teacher_chloe, chloe_class, expects_production=True, title="Exposé")
    production = assignment_actions.hand_in(
        assignment=work, pupil=pupil, text="Mon exposé", files=[], actor=pupil
    )
    urls = [
        reverse("home"),
        reverse("assignments:mine"),
        reverse("assignments:detail", args=[work.public_id]),
        reverse("assignments:production", args=[production.public_id]),
        reverse("results:mine"),
        reverse("results:levels_help"),
        reverse("results:exercise", args=["republique-valeurs"]),
        reverse("results:attempt", args=[made.public_id]),
        reverse("content:catalogue"),
        reverse("content:lesson", args=["symboles-et-valeurs"]),
        reverse("coach:next"),
        reverse("resources:list"),
        reverse("resources:create"),
        reverse("accounts:devices"),
        reverse("accounts:password_change"),
    ]
    assert Assignment.objects.count() == 1
    return pupil, urls


def test_no_pupil_page_says_vous(pupil_pages):
    pupil, urls = pupil_pages
    client = client_for(pupil)
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        lines = addressed_to_the_reader(response.content.decode())
        if lines:
            found[url] = lines
    assert not found, "\n".join(f"{url}: {line}" for url, lines in found.items() for line in lines)


def test_the_check_finds_vous_where_it_is():
    assert addressed_to_the_reader("<main><p>Vos données</p><p>Tes résultats</p></main>") == [
        "Vos données"
    ]


def pages_said_vous(client, urls):
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        lines = addressed_to_the_reader(response.content.decode())
        if lines:
            found[url] = lines
    return found


@pytest.mark.parametrize("age", [12, 16])
def test_the_privacy_centre_and_its_pages_say_tu_to_a_pupil(age, guardian_anna):
    pupil = make_user(role=Role.PUPIL, first_name="Ben", birth_date=birthday(age))
    if age < 15:
        adopt(guardian=guardian_anna, child=pupil)
    client = client_for(pupil)
    # What makes the centre's conditional blocks show: a cookie choice, an objection, a request.
    client.post(reverse("cookies:preferences"), {"action": "refuse"})
    assert CookieChoice.objects.filter(user=pupil).exists()
    object_to_personalisation(pupil=pupil, actor=pupil)
    centre = reverse("accounts:privacy_centre")
    person = pupil.public_id
    urls = [
        centre,
        *(reverse("subject_requests:new", args=[person, kind]) for kind in RIGHT_KINDS),
        reverse("subject_requests:information", args=[person]),
        reverse("subject_requests:directives"),
        reverse("accounts:devices"),
    ]
    found = pages_said_vous(client, urls)

    # A request sent from its form, and the page that confirms it.
    sent = client.post(
        reverse("subject_requests:new", args=[person, Kind.ACCESS]),
        {"details": "", "password": PASSWORD},
        follow=True,
    )
    request = SubjectRequest.objects.get(person=pupil, kind=Kind.ACCESS)
    assert sent.redirect_chain[-1][0] == reverse(
        "subject_requests:detail", args=[request.public_id]
    )
    if lines := addressed_to_the_reader(sent.content.decode()):
        found["confirmation"] = lines
    found.update(pages_said_vous(client, [centre]))

    assert not found, "\n".join(f"{url}: {line}" for url, lines in found.items() for line in lines)


def test_the_check_reads_the_privacy_centre_of_an_adult_in_vous(guardian_anna):
    """The same check fails where "vous" is written: an adult's centre keeps it."""
    page = client_for(guardian_anna).get(reverse("accounts:privacy_centre")).content.decode()
    said = addressed_to_the_reader(page)
    assert "Ce que nous gardons, pourquoi, combien de temps, et ce que vous pouvez décider." in said


# What a pupil reads of the register, in the privacy centre: the platform's purposes, the
# journal's and the answers to their requests; never what concerns parents alone.
READ_BY_PUPILS = frozenset({"platform", "security", "compliance"})


def test_every_purpose_a_pupil_reads_has_its_words_in_tu():
    said = [
        f"{p.code}: {text}"
        for p in register.PURPOSES
        if p.processing in READ_BY_PUPILS and p.code not in PARENTS_ONLY
        for text in (str(p.name_for(pupil=True)), str(p.description_for(pupil=True)))
        if ADULT_VOICE.search(text)
    ]
    assert not said, "\n".join(said)


def test_the_emails_about_a_pupils_own_request_say_tu(
    dpo_elise, django_capture_on_commit_callbacks
):
    """A pupil of 16 with an address of their own asks for their data, then for a restriction
    the DPO lifts: every email they receive about it, its footer included, says "tu"."""
    pupil = make_user(
        role=Role.PUPIL, first_name="Léa", email="lea@eleve.example", birth_date=birthday(16)
    )
    client = client_for(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("subject_requests:new", args=[pupil.public_id, Kind.ACCESS]),
            {"details": "", "password": PASSWORD},
        )
    request = SubjectRequest.objects.get(person=pupil, kind=Kind.ACCESS)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(
            reverse("subject_requests:staff_detail", args=[request.public_id]),
            {"action": "decide", "decision": "approved"},
        )
    request.refresh_from_db()
    assert request.status == "completed"

    sent = Message.objects.filter(recipient=pupil).order_by("created_at")
    assert [m.kind for m in sent] == ["subject_requests.received", "subject_requests.answered"]
    said = [
        f"{m.kind}: {line}"
        for m in sent
        for line in [m.subject, *m.body.splitlines()]
        if ADULT_VOICE.search(line)
    ]
    assert not said, "\n".join(said)
    assert "Tes données et tes choix" in sent[0].body
