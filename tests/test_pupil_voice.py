"""Pupils are spoken to in "tu", everywhere a pupil reads: every page a pupil opens is read,
its main content and its menu, and any "vous", "votre" or "vos" addressed to them fails.

The footer's links, common to every reader, are not read. The privacy centre is read as a pupil
of 12 (whose parents decide) and one of 16 (who decides alone) each reads it, with the pages it
leads to: each right's request form, the request it opens and its confirmation, "Mes
informations", the directives for after one's death, the devices, and the cookie choices' page
(with its error and its saved message) and banner. The public charter it links to is one text for
every reader, and is not read. What a pupil of 15 or more downloads of their own data, the access
archive, is read too; a parent's copy of their child's archive speaks to the parent in "vous" and
of the child in the third person.
"""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from charte.accounts.actions import propose_guardianship
from charte.accounts.models import Role
from charte.assignments import actions as assignment_actions
from charte.assignments.models import Assignment
from charte.coach.actions import object_to_personalisation
from charte.consent.purposes import PARENT_ONLY_PURPOSES as PARENTS_ONLY
from charte.cookies.categories import COOKIE_CATEGORIES, iab_purpose, iab_special_feature
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

    # The cookie choices' page, as it answers a choice sent without an action, and once saved.
    cookies = reverse("cookies:preferences")
    error = client.post(cookies, {})
    assert error.status_code == 400
    if lines := addressed_to_the_reader(error.content.decode()):
        found["cookies, error"] = lines
    saved = client.post(cookies, {"action": "custom", "category": ["audience"]}, follow=True)
    assert saved.redirect_chain[-1][0] == cookies
    assert "Tu acceptes :" in saved.content.decode()
    if lines := addressed_to_the_reader(saved.content.decode()):
        found["cookies, saved"] = lines
    found.update(pages_said_vous(client, [cookies]))

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


def banner_of(html: str) -> str:
    """The cookie banner's dialog, as a page shows it to whoever has not chosen yet."""
    found = re.search(r'<dialog id="cc".*?</dialog>', html, flags=re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("age", [12, 16])
def test_the_cookie_banner_says_tu_to_a_pupil_who_has_not_chosen(age, guardian_anna):
    pupil = make_user(role=Role.PUPIL, first_name="Ben", birth_date=birthday(age))
    if age < 15:
        adopt(guardian=guardian_anna, child=pupil)

    page = client_for(pupil).get(reverse("home"), HTTP_SEC_GPC="1").content.decode()

    banner = banner_of(page)
    assert " open>" in banner.split("\n", 1)[0]
    assert "Les cookies : c'est toi qui choisis" in banner
    assert not addressed_to_the_reader(banner)


def test_an_adult_and_a_visitor_read_the_cookie_page_and_banner_in_vous(client, guardian_anna):
    for reader in (client_for(guardian_anna), client):
        page = reader.get(reverse("cookies:preferences"), HTTP_SEC_GPC="1").content.decode()
        said = addressed_to_the_reader(page)
        assert "Les cookies : vos choix" in said
        assert any(line.startswith("Votre navigateur demande") for line in said)
        assert any("Vous garder connecté sur cet appareil" in line for line in said)
        banner = banner_of(reader.get(reverse("privacy:charter")).content.decode())
        assert "Les cookies : c'est vous qui choisissez" in banner


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


def test_every_cookie_text_a_pupil_reads_says_tu():
    """The banner and the cookies page read the categories, their trackers and the
    advertisers' uses from the register: a new one without words in "tu" fails here."""
    said = [
        f"{c.code}: {text}"
        for c in COOKIE_CATEGORIES
        for text in (
            str(register.PURPOSE_BY_CODE[c.purpose].name_for(pupil=True)),
            str(register.PURPOSE_BY_CODE[c.purpose].description_for(pupil=True)),
            *(str(t.note_for(pupil=True)) for t in c.trackers),
            *(str(iab_purpose(n, pupil=True)) for n in c.iab_purposes),
            *(str(iab_special_feature(n, pupil=True)) for n in c.iab_special_features),
        )
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


def archive_read_by(reader, person, dpo, on_commit):
    """The access archive as its reader gets it: asked for from the privacy centre, approved
    by the DPO, downloaded from the request's page; its HTML view and its read-me."""
    client = client_for(reader)
    client.post(
        reverse("subject_requests:new", args=[person.public_id, Kind.ACCESS]),
        {"details": "", "password": PASSWORD},
    )
    request = SubjectRequest.objects.get(person=person, kind=Kind.ACCESS)
    with on_commit(execute=True):  # the archive is built once the decision is committed
        client_for(dpo).post(
            reverse("subject_requests:staff_detail", args=[request.public_id]),
            {"action": "decide", "decision": "approved"},
        )
    detail = client.get(reverse("subject_requests:detail", args=[request.public_id]))
    download = client.get(detail.context["download_url"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        return zf.read("index.html").decode(), zf.read("LISEZMOI.txt").decode()


def lines_in_vous(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if ADULT_VOICE.search(line)]


def test_a_pupils_own_archive_says_tu(
    pupil_pages, guardian_anna, dpo_elise, django_capture_on_commit_callbacks
):
    """A pupil of 16, with work, results, a parent and a cookie choice, asks for their data."""
    pupil, _urls = pupil_pages
    propose_guardianship(child=pupil, guardian=guardian_anna, actor=guardian_anna)
    client_for(pupil).post(reverse("cookies:preferences"), {"action": "refuse"})
    page, readme = archive_read_by(pupil, pupil, dpo_elise, django_capture_on_commit_callbacks)

    assert "<h2>Tes droits</h2>" in page
    assert f"{pupil.first_name} {pupil.last_name} (toi)".strip() in page
    assert "fournie par toi (ou ton responsable légal)" in readme
    said = [f"index.html: {line}" for line in addressed_to_the_reader(page)]
    said += [f"LISEZMOI.txt: {line}" for line in lines_in_vous(readme)]
    assert not said, "\n".join(said)


def test_a_parent_reads_their_childs_archive_in_vous_about_the_child(
    guardian_anna, child_ben, dpo_elise, django_capture_on_commit_callbacks
):
    adopt(guardian=guardian_anna, child=child_ben)
    page, readme = archive_read_by(
        guardian_anna, child_ben, dpo_elise, django_capture_on_commit_callbacks
    )

    assert "<h1>Données personnelles : Ben</h1>" in page
    assert "Ben Martin" in page
    assert "(vous)" not in page
    assert "(toi)" not in page
    assert "La réponse aux demandes sur ses données" in page
    # The child's data and rights are not the parent's: no "vos données", "vos droits"...
    said = ADULT_VOICE.findall(page + readme)
    for theirs in ("données", "droits", "demandes", "activité", "mot de passe"):
        assert not re.search(rf"\b(vos|votre) {theirs}", page + readme, re.I), theirs
    assert said  # the parent is still spoken to in "vous"
    assert "Si vous estimez que les droits de cette personne ne sont pas respectés" in page
    assert "fournie par cette personne (ou son responsable légal)" in readme


def test_an_adults_own_archive_still_says_vous(
    guardian_anna, child_ben, dpo_elise, django_capture_on_commit_callbacks
):
    adopt(guardian=guardian_anna, child=child_ben)
    page, readme = archive_read_by(
        guardian_anna, guardian_anna, dpo_elise, django_capture_on_commit_callbacks
    )

    assert "<h2>Vos droits</h2>" in page
    assert "Anna Martin (vous)" in page
    assert "fournie par vous (ou votre responsable légal)" in readme
    assert "Votre mot de passe n'y figure pas" in readme
