"""A stranger tries to learn which addresses have an account, through sign-up or a reset.

Both forms answer the same for an address in use and for an unknown one: the same page, the
same status, the same cookies, and the same time (a floor under the answer, over the same
costly work in both branches). What differs happens in the mailbox of the address, which only
its holder reads, and in the journal, which a visitor cannot read.
"""

import html
import re
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from charte.accounts.models import Role, User
from charte.audit import events
from charte.consent.models import ConsentRecord
from charte.core import timing
from charte.core.actors import person_ref
from tests.conftest import birthday, journal

pytestmark = pytest.mark.django_db

SIGN_UP = reverse("consent:sign_up")
RESET = reverse("accounts:password_reset")
PASSWORD = "une-phrase-de-passe-solide"
KNOWN = "anna@famille.test"
UNKNOWN = "inconnue@famille.test"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def send(client: Client, url: str, data: dict, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return send


@pytest.fixture
def pauses(monkeypatch):
    """The floor's waits, recorded instead of slept (the time itself is checked once below)."""
    asked: list[float] = []
    monkeypatch.setattr(timing, "pause", asked.append)
    return asked


def sign_up_form(client: Client, email: str) -> dict[str, str]:
    page = client.get(SIGN_UP).content.decode()
    data = dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', page))
    data.update(
        role="parent",
        first_name="Claire",
        last_name="Dupuis",
        email=email,
        password=PASSWORD,
        phone="",
        consent_required="on",
    )
    return data


def seen_by_visitor(response, address: str) -> tuple[int, str, str, list[str]]:
    """What a visitor can compare: status, where it leads, the page, the cookies set."""
    text = html.unescape(response.content.decode()).replace(address, "ADDRESS")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return (
        response.status_code,
        response.get("Location", ""),
        text,
        sorted(response.cookies.keys()),
    )


def test_sign_up_answers_the_same_for_an_address_in_use_and_a_new_one(guardian_anna, post, pauses):
    users_before = User.objects.count()
    known = post(visitor := Client(), SIGN_UP, sign_up_form(visitor, KNOWN))
    known_mail = list(mail.outbox)
    mail.outbox.clear()
    unknown = post(stranger := Client(), SIGN_UP, sign_up_form(stranger, UNKNOWN))

    assert seen_by_visitor(known, KNOWN) == seen_by_visitor(unknown, UNKNOWN)
    assert known.status_code == 200
    assert "Regardez vos e-mails" in known.content.decode()
    # The address in use: no second account, and its holder is told someone tried.
    [told] = known_mail
    assert told.to == [KNOWN]
    assert "Vous avez déjà un compte charte" in told.subject
    assert reverse("accounts:password_reset") in told.body
    guardian_anna.refresh_from_db()
    assert guardian_anna.first_name == "Anna"  # nothing of the form reached her account
    # The new address: a closed account and its confirmation link, nothing else.
    assert User.objects.count() == users_before + 1
    waiting = User.objects.get(email=UNKNOWN)
    assert waiting.is_active is False
    [confirm] = mail.outbox
    assert confirm.to == [UNKNOWN]
    assert reverse("accounts:sign_up_confirm", args=["x", "y"]).split("/x/")[0] in confirm.body
    # Neither visitor is signed in, and neither can read the journal that tells them apart.
    for client in (visitor, stranger):
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("audit:search")).status_code == 404
    [in_use, new] = journal(events.SIGN_UP_REQUESTED)
    assert (in_use.subject_ref, in_use.data) == (
        person_ref(guardian_anna),
        {"address_in_use": True},
    )
    assert (new.subject_ref, new.data) == (person_ref(waiting), {"address_in_use": False})
    assert in_use.actor_ref == new.actor_ref == "system:anonymous"


def test_sign_up_does_the_same_costly_work_and_waits_the_same_floor(
    guardian_anna, post, pauses, monkeypatch
):
    hashed: list[str] = []
    encode = MD5PasswordHasher.encode

    def counted(self, password, salt):
        hashed.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted)

    for address in (KNOWN, UNKNOWN):
        client = Client()
        data = sign_up_form(client, address)
        hashed.clear()
        pauses.clear()
        post(client, SIGN_UP, data)
        assert hashed == [PASSWORD], address  # one password hash in either branch
        # The answer is held to the floor: what is left of it once the work is done. (Not
        # checked positive here: on a machine loaded enough, the work alone outlasts it.)
        [pause] = pauses
        assert pause <= timing.SIGN_UP_FLOOR, address


def test_sign_up_and_reset_take_the_floor_whatever_the_address(guardian_anna, post):
    """With a real clock: every answer takes at least its floor, the work hides under it."""
    for url, floor, make in (
        (SIGN_UP, timing.SIGN_UP_FLOOR, sign_up_form),
        (RESET, timing.PASSWORD_RESET_FLOOR, lambda c, a: {"email": a}),
    ):
        durations = {}
        for address in (KNOWN, UNKNOWN.replace("inconnue", f"inconnue{len(url)}")):
            client = Client()
            data = make(client, address)
            started = time.monotonic()
            post(client, url, data)
            durations[address] = time.monotonic() - started
        assert all(d >= floor for d in durations.values()), (url, durations)
        assert max(durations.values()) - min(durations.values()) < floor / 2, (url, durations)


def test_password_reset_answers_the_same_for_an_address_in_use_and_an_unknown_one(
    guardian_anna, post, pauses
):
    known = post(Client(), RESET, {"email": KNOWN})
    unknown = post(Client(), RESET, {"email": UNKNOWN})

    assert seen_by_visitor(known, KNOWN) == seen_by_visitor(unknown, UNKNOWN)
    assert known.status_code == 302
    done = Client().get(known["Location"])
    assert "Si un compte utilise cette adresse" in html.unescape(done.content.decode())
    [sent] = mail.outbox
    assert sent.to == [KNOWN]
    assert len(pauses) == 2
    assert all(p > 0 for p in pauses)
    # A visitor reads no journal; what it holds names the account only for the known address.
    assert Client().get(reverse("audit:search")).status_code == 404
    assert all(e.subject_ref in ("", person_ref(guardian_anna)) for e in journal())


def test_an_unconfirmed_account_cannot_sign_in_and_its_link_asks_for_the_password(db, post, pauses):
    visitor = Client()
    post(visitor, SIGN_UP, sign_up_form(visitor, UNKNOWN))
    waiting = User.objects.get(email=UNKNOWN)
    [confirm] = mail.outbox
    [url] = re.findall(r"https?://\S+/confirmer/\S+", str(confirm.body))
    path = urlsplit(url).path

    early = visitor.post(reverse("accounts:login"), {"username": UNKNOWN, "password": PASSWORD})
    assert "_auth_user_id" not in visitor.session  # not before the address is confirmed
    # The right password is told why the account waits; it is no failed sign-in.
    assert "pas encore confirmée" in early.content.decode()
    assert not journal(events.LOGIN_FAILED, about=waiting)

    wrong = post(visitor, path, {"password": "une-autre-phrase"})
    waiting.refresh_from_db()
    assert wrong.status_code == 200
    assert waiting.is_active is False
    # The wrong password here counts as a failed sign-in (a password typed again is counted
    # and slowed like one: charte.accounts.reentry).
    [failed] = journal(events.REENTRY_FAILED, about=waiting)
    assert failed.data["purpose"] == "sign_up_confirmation"
    assert events.REENTRY_FAILED in events.PASSWORD_FAILURES

    mail.outbox.clear()
    opened = post(visitor, path, {"password": PASSWORD})

    waiting.refresh_from_db()
    assert opened.status_code == 302
    assert waiting.is_active is True
    assert visitor.session["_auth_user_id"] == str(waiting.pk)
    assert journal(events.SIGN_UP_CONFIRMED, about=waiting)
    [welcome] = mail.outbox
    assert (welcome.to, welcome.subject) == ([UNKNOWN], "Bienvenue sur charte")
    assert Client().get(path).status_code == 404  # used once
    records = ConsentRecord.objects.filter(subject_ref=person_ref(waiting), purpose="account")
    assert records.get().act == "given"


def test_a_second_sign_up_replaces_an_unconfirmed_one_and_kills_its_link(db, post, pauses):
    """Someone who signs up first with another's address gains nothing: the holder of the
    mailbox signs up again, the first link dies, and only the latest password opens it."""
    squatter = Client()
    post(squatter, SIGN_UP, {**sign_up_form(squatter, UNKNOWN), "password": "celui-du-squatteur"})
    [first] = re.findall(r"https?://\S+/confirmer/\S+", str(mail.outbox[0].body))
    mail.outbox.clear()
    owner = Client()
    post(owner, SIGN_UP, sign_up_form(owner, UNKNOWN))
    [second] = re.findall(r"https?://\S+/confirmer/\S+", str(mail.outbox[0].body))

    assert User.objects.filter(email=UNKNOWN).count() == 1
    assert Client().get(urlsplit(first).path).status_code == 404
    refused = post(Client(), urlsplit(second).path, {"password": "celui-du-squatteur"})
    assert refused.status_code == 200
    assert User.objects.get(email=UNKNOWN).is_active is False
    post(owner, urlsplit(second).path, {"password": PASSWORD})
    assert User.objects.get(email=UNKNOWN).is_active is True


def test_an_unconfirmed_account_is_erased_once_its_link_expired(db, post, pauses):
    from datetime import timedelta

    from django.utils import timezone

    from charte.accounts import tokens
    from charte.consent.tasks import erase_unconfirmed_sign_ups

    visitor = Client()
    post(visitor, SIGN_UP, sign_up_form(visitor, UNKNOWN))
    waiting = User.objects.get(email=UNKNOWN)
    assert erase_unconfirmed_sign_ups.call() == 0
    User.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - tokens.SIGN_UP_VALIDITY - timedelta(hours=1)
    )

    assert erase_unconfirmed_sign_ups.call() == 1

    assert not User.objects.filter(email=UNKNOWN).exists()
    [entry] = journal("consent.unconfirmed_sign_up_erased")
    assert entry.subject_ref == ""


def test_the_pupil_sign_up_still_waits_for_a_parent_under_15(db, post, pauses):
    response = post(
        Client(),
        reverse("families:pupil_sign_up"),
        {
            "first_name": "Tom",
            "birth_date": birthday(12).isoformat(),
            "country": "FR",
            "username": "tom.l",
            "password1": "la-fusee-bleue-decolle",
            "password2": "la-fusee-bleue-decolle",
            "guardian_email": KNOWN,
        },
    )

    assert "Demande envoyée à ton parent" in response.content.decode()
    tom = User.objects.get(username="tom.l")
    assert (tom.role, tom.is_active, tom.email) == (Role.PUPIL, False, None)
    [invitation] = mail.outbox
    assert invitation.to == [KNOWN]
