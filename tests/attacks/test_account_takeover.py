"""A stranger with a stolen session tries to take the account: change its email, then reset.

The thief holds a signed-in session of Anna's (a shared school computer left open, a stolen
cookie). Changing the sign-in address needs her password, takes effect only from a link sent
to the new address, and is told at once to her own address with a link that undoes it, even
after it went through. Changing the password or the address ends the sessions elsewhere.
"""

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from charte.accounts import tokens
from charte.accounts.actions import propose_guardianship
from charte.accounts.models import Session, User
from charte.audit import events
from charte.audit.models import Entry
from charte.core import timing
from tests.conftest import client_for, journal
from tests.consent.helpers import adopt
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("subject_requests:change_email")
THIEF = "voleur@ailleurs.test"
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def no_floor(monkeypatch):
    """The timing floor is tested with the sign-up (test_account_enumeration); here it would
    only make every form wait."""
    monkeypatch.setattr(timing, "pause", lambda seconds: None)


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST through HTTP, the emails queued after commit delivered to `mail.outbox`."""

    def send(client: Client, url: str, data: dict | None = None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send


def links_to(address: str) -> list[str]:
    """The paths of the links in the emails that reached `address`."""
    found = []
    for email in mail.outbox:
        if address in email.to:
            found += [urlsplit(u).path for u in re.findall(r"https?://\S+", str(email.body))]
    return found


def link(address: str, name: str, nargs: int = 3) -> str:
    """The one link (however many emails repeat it) to the view `name` sent to `address`."""
    prefix = reverse(name, args=["x"] * nargs).split("/x/")[0]
    [found] = {p for p in links_to(address) if p.startswith(prefix + "/")}
    return found


def page_text(response) -> str:
    """The page as a reader sees it: entities decoded, the per-request CSRF token left out."""
    text = html.unescape(response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def signed_in(client: Client, user: User) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def request_change(post, client, new=THIEF, password=PASSWORD):
    return post(client, CHANGE, {"new_email": new, "password": password})


def test_a_stolen_session_cannot_change_the_email_through_my_information(guardian_anna, post):
    thief = client_for(guardian_anna)
    url = reverse("subject_requests:information", args=[guardian_anna.public_id])

    page = thief.get(url).content.decode()
    post(
        thief,
        url,
        {
            "first_name": "Anna",
            "last_name": "Martin",
            "email": THIEF,
            "language": "fr",
            "country": "FR",
        },
    )

    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"
    assert 'name="email"' not in page
    assert CHANGE in page  # the address is changed on its own page
    assert all("email" not in e.data.get("fields", []) for e in journal("account.rectified"))


def test_a_stolen_session_cannot_change_the_email_without_the_password(guardian_anna, post):
    thief = client_for(guardian_anna)

    response = request_change(post, thief, password="je-devine")

    assert response.status_code == 200
    assert "Ce n'est pas le bon mot de passe" in page_text(response)
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"
    assert mail.outbox == []
    assert journal(events.EMAIL_CHANGE_REQUESTED) == []


def test_the_new_address_is_used_only_once_its_link_is_followed(guardian_anna, post):
    anna = client_for(guardian_anna)

    response = request_change(post, anna, new="Anna.Nouvelle@Famille.test")

    assert "Regardez vos e-mails" in response.content.decode()
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"  # nothing changed yet
    [requested] = journal(events.EMAIL_CHANGE_REQUESTED, about=guardian_anna)
    assert requested.ip == "127.0.0.1"
    assert "nouvelle" not in str(requested.data)  # the journal holds no address
    # Signing in with the new address does not work before its confirmation.
    assert (
        Client()
        .post(LOGIN, {"username": "anna.nouvelle@famille.test", "password": PASSWORD})
        .status_code
        == 200
    )

    confirm = link("anna.nouvelle@famille.test", "accounts:email_change_confirm")
    stranger = Client()
    page = stranger.get(confirm)
    guardian_anna.refresh_from_db()
    assert page.status_code == 200
    assert guardian_anna.email == "anna@famille.test"  # opening the link changes nothing

    done = post(stranger, confirm)

    guardian_anna.refresh_from_db()
    assert done.status_code == 200
    assert guardian_anna.email == "anna.nouvelle@famille.test"
    [changed] = journal(events.EMAIL_CHANGED, about=guardian_anna)
    assert changed.ip == "127.0.0.1"
    assert stranger.get(confirm).status_code == 404  # single use
    assert post(stranger, confirm).status_code == 404
    signed = Client()
    signed.post(LOGIN, {"username": "anna.nouvelle@famille.test", "password": PASSWORD})
    assert signed_in(signed, guardian_anna)


def test_the_old_address_is_told_at_once_and_its_link_undoes_the_change(guardian_anna, post):
    thief = client_for(guardian_anna)
    request_change(post, thief)
    [notice] = [m for m in mail.outbox if m.to == ["anna@famille.test"]]
    assert THIEF in notice.body
    # The thief controls the new mailbox and confirms from the stolen session.
    post(thief, link(THIEF, "accounts:email_change_confirm"))
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == THIEF
    assert signed_in(thief, guardian_anna)  # the session the change was made from stays
    # The old address is told again that it changed, with the way back again.
    assert len([m for m in mail.outbox if m.to == ["anna@famille.test"]]) == 2
    prefix = reverse("accounts:email_change_cancel", args=["x"] * 3).split("/x/")[0]
    _first, cancel = [p for p in links_to("anna@famille.test") if p.startswith(prefix)]

    anna = Client()
    page = anna.get(cancel).content.decode()
    assert "Annuler le changement et protéger mon compte" in page
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == THIEF  # following the link only asks
    done = post(anna, cancel)

    guardian_anna.refresh_from_db()
    assert done.status_code == 200
    assert "Choisir un nouveau mot de passe" in done.content.decode()
    assert guardian_anna.email == "anna@famille.test"
    assert not guardian_anna.has_usable_password()  # the thief knew it
    assert Session.objects.filter(user=guardian_anna).count() == 0
    assert thief.get(reverse("accounts:privacy_centre")).status_code == 302  # signed out
    [cancelled] = journal(events.EMAIL_CHANGE_CANCELLED, about=guardian_anna)
    assert cancelled.data == {"restored": True}
    [ended] = journal(events.SESSIONS_ENDED, about=guardian_anna)[-1:]
    assert ended.data["reason"] == "email_change_cancelled"
    # The thief's password no longer opens the account, at either address.
    for login in ("anna@famille.test", THIEF):
        again = Client()
        again.post(LOGIN, {"username": login, "password": PASSWORD})
        assert not signed_in(again, guardian_anna)
    # Anna sets a new password through her own address (a disabled password can be reset).
    mail.outbox.clear()
    post(Client(), reverse("accounts:password_reset"), {"email": "anna@famille.test"})
    [reset] = mail.outbox
    assert reset.to == ["anna@famille.test"]


def test_a_cancel_before_confirmation_kills_the_pending_link(guardian_anna, post):
    thief = client_for(guardian_anna)
    request_change(post, thief)
    confirm = link(THIEF, "accounts:email_change_confirm")

    post(Client(), link("anna@famille.test", "accounts:email_change_cancel"))

    assert Client().get(confirm).status_code == 404
    assert post(Client(), confirm).status_code == 404
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"
    assert journal(events.EMAIL_CHANGE_CANCELLED, about=guardian_anna)[0].data == {
        "restored": False
    }


def test_an_expired_link_is_refused(guardian_anna, post, monkeypatch):
    request_change(post, client_for(guardian_anna))
    confirm = link(THIEF, "accounts:email_change_confirm")
    later = tokens.email_change_tokens._now() + tokens.EMAIL_CHANGE_VALIDITY + timedelta(minutes=1)
    monkeypatch.setattr(tokens.email_change_tokens, "_now", lambda: later)

    assert post(Client(), confirm).status_code == 404
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"


def test_a_forged_link_is_refused(guardian_anna, post):
    request_change(post, client_for(guardian_anna))
    confirm = link(THIEF, "accounts:email_change_confirm")
    uid, _address, token = confirm.strip("/").split("/")[-3:]
    forged = reverse(
        "accounts:email_change_confirm",
        args=[uid, tokens.encode_values("autre@ailleurs.test"), token],
    )

    assert post(Client(), forged).status_code == 404
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"


def test_an_address_already_in_use_gets_no_link_and_the_answer_does_not_say(
    guardian_anna, teacher_chloe, post
):
    anna = client_for(guardian_anna)

    taken = page_text(request_change(post, anna, new="chloe@college.test"))
    taken_mail = [(m.to, m.subject) for m in mail.outbox]
    mail.outbox.clear()
    free = page_text(request_change(post, anna, new="libre@ailleurs.test"))

    assert taken.replace("chloe@college.test", "X") == free.replace("libre@ailleurs.test", "X")
    assert (
        ["chloe@college.test"],
        "Quelqu'un a voulu utiliser votre adresse pour un autre compte charte",
    ) in taken_mail
    assert not [p for p in links_to("chloe@college.test") if "/confirmer/" in p]
    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna@famille.test"


def test_nothing_the_requester_can_read_of_their_own_tells_the_address_has_an_account(
    guardian_anna, teacher_chloe, post
):
    """Nothing journalled as done by the requester (which their access archive lists) concerns
    the address's holder: the warning to the holder is the platform's, not theirs."""
    anna = client_for(guardian_anna)

    mine = Entry.objects.filter(actor_ref=f"user:{guardian_anna.public_id}")

    def written_by_anna_during(new: str) -> list[tuple[str, bool]]:
        last = mine.order_by("-seq").values_list("seq", flat=True).first() or 0
        request_change(post, anna, new=new)
        return sorted(
            (entry.event, entry.subject_ref == f"user:{guardian_anna.public_id}")
            for entry in mine.filter(seq__gt=last)
        )

    taken = written_by_anna_during("chloe@college.test")

    assert taken
    assert all(about_herself for _event, about_herself in taken)
    [warning] = journal("notification.queued", about=teacher_chloe)
    assert warning.actor_ref == "system:guard"


def test_a_child_has_no_address_to_change(guardian_anna, child_ben):
    adopt(guardian=guardian_anna, child=child_ben)

    assert client_for(child_ben).get(CHANGE).status_code == 404
    url = reverse("subject_requests:information", args=[child_ben.public_id])
    page = client_for(guardian_anna).get(url).content.decode()
    assert "Adresse e-mail" not in page
    assert CHANGE not in page


# Sessions elsewhere end when the password or the address changes ------------------------------


def two_devices(user: User) -> tuple[Client, Client]:
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(LOGIN, {"username": user.login, "password": PASSWORD})
        assert signed_in(device, user)
    return laptop, phone


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(guardian_anna, post):
    laptop, phone = two_devices(guardian_anna)

    response = post(
        laptop,
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "une-toute-nouvelle-phrase",
            "new_password2": "une-toute-nouvelle-phrase",
        },
    )

    assert response.status_code == 302
    assert Session.objects.filter(user=guardian_anna).count() == 1
    assert laptop.get(reverse("accounts:privacy_centre")).status_code == 200
    assert phone.get(reverse("accounts:privacy_centre")).status_code == 302
    [ended] = journal(events.SESSIONS_ENDED, about=guardian_anna)
    assert ended.data == {"reason": "password_change", "count": 1, "kept_current": True}


def test_a_password_reset_ends_every_session(guardian_anna, post):
    laptop, phone = two_devices(guardian_anna)
    post(Client(), reverse("accounts:password_reset"), {"email": "anna@famille.test"})
    reset_link = link("anna@famille.test", "accounts:password_reset_confirm", 2)
    visitor = Client()
    form = visitor.get(reset_link, follow=True)

    post(
        visitor,
        form.redirect_chain[-1][0],
        {
            "new_password1": "une-toute-nouvelle-phrase",
            "new_password2": "une-toute-nouvelle-phrase",
        },
    )

    assert Session.objects.filter(user=guardian_anna).count() == 0
    assert laptop.get(reverse("accounts:privacy_centre")).status_code == 302
    assert phone.get(reverse("accounts:privacy_centre")).status_code == 302
    [ended] = journal(events.SESSIONS_ENDED, about=guardian_anna)
    assert ended.data == {"reason": "password_reset", "count": 2, "kept_current": False}


def test_a_password_reset_from_a_signed_in_browser_keeps_that_one(guardian_anna, post):
    laptop, phone = two_devices(guardian_anna)
    post(laptop, reverse("accounts:password_reset"), {"email": "anna@famille.test"})
    reset_link = link("anna@famille.test", "accounts:password_reset_confirm", 2)
    form = laptop.get(reset_link, follow=True)

    response = post(
        laptop,
        form.redirect_chain[-1][0],
        {
            "new_password1": "une-toute-nouvelle-phrase",
            "new_password2": "une-toute-nouvelle-phrase",
        },
    )

    assert response.status_code == 302
    assert laptop.get(reverse("accounts:privacy_centre")).status_code == 200
    assert phone.get(reverse("accounts:privacy_centre")).status_code == 302


def test_confirming_a_new_address_ends_the_other_sessions(guardian_anna, post):
    laptop, phone = two_devices(guardian_anna)
    request_change(post, laptop, new="anna.nouvelle@famille.test")

    post(laptop, link("anna.nouvelle@famille.test", "accounts:email_change_confirm"))

    guardian_anna.refresh_from_db()
    assert guardian_anna.email == "anna.nouvelle@famille.test"
    assert laptop.get(reverse("accounts:privacy_centre")).status_code == 200
    assert phone.get(reverse("accounts:privacy_centre")).status_code == 302
    [ended] = journal(events.SESSIONS_ENDED, about=guardian_anna)
    assert ended.data == {"reason": "email_changed", "count": 1, "kept_current": True}


def test_an_address_confirmed_from_another_browser_ends_every_session(guardian_anna, post):
    laptop, phone = two_devices(guardian_anna)
    request_change(post, laptop, new="anna.nouvelle@famille.test")

    post(Client(), link("anna.nouvelle@famille.test", "accounts:email_change_confirm"))

    assert Session.objects.filter(user=guardian_anna).count() == 0
    assert laptop.get(reverse("accounts:privacy_centre")).status_code == 302
    assert phone.get(reverse("accounts:privacy_centre")).status_code == 302


def test_a_guardian_sees_a_teenagers_address_but_cannot_change_it(guardian_anna, pupil_lea):
    propose_guardianship(child=pupil_lea, guardian=guardian_anna, actor=guardian_anna)
    url = reverse("subject_requests:information", args=[pupil_lea.public_id])

    page = client_for(guardian_anna).get(url).content.decode()

    assert "lea@eleve.test" in page
    assert CHANGE not in page  # the change page is the account holder's own
    assert "peut changer son adresse, depuis son propre compte" in html.unescape(page)
