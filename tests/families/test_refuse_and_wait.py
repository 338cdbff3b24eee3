"""A parent's emailed invitation offers "Refuser" / "Ce n'est pas mon enfant": the waiting
child's account goes at once. The child, with the right password, is told they wait for a
parent and may send the message again."""

from html import unescape

from django.test import Client
from django.urls import reverse

from charte.accounts.models import User
from charte.core.actors import ANONYMOUS
from charte.families import actions
from charte.families.models import Invitation
from charte.families.tokens import invitation_url
from charte.notifications.models import Message
from tests.conftest import birthday, journal

CHILD_PASSWORD = "la-fusee-bleue-decolle"


def waiting_child() -> User:
    return actions.sign_up_pupil(
        actor=ANONYMOUS,
        first_name="Tom",
        birth_date=birthday(12),
        country="FR",
        username="tom.l",
        password=CHILD_PASSWORD,
        guardian_email="paul@famille.test",
    )


def test_not_my_child_erases_the_waiting_account_at_once(db: None) -> None:
    child = waiting_child()
    invitation = Invitation.objects.get(child=child)
    path = invitation_url(invitation).split("testserver", 1)[-1]
    path = path[path.index("/famille/") :]
    page = unescape(Client().get(path).content.decode())
    assert "Ce n'est pas mon enfant" in page
    response = Client().post(path, {"do": "not_my_child"})
    assert "Le compte en attente a été effacé" in unescape(response.content.decode())
    assert not User.objects.filter(pk=child.pk).exists()
    assert not Invitation.objects.exists()
    assert journal("families.pending_child_erased")
    # The link is dead afterwards.
    assert Client().post(path, {"do": "refuse"}).status_code == 404


def test_the_waiting_child_is_told_and_may_resend_to_the_parent(db: None) -> None:
    waiting_child()
    client = Client()
    wrong = client.post(reverse("accounts:login"), {"username": "tom.l", "password": "nope"})
    assert "attend" not in unescape(wrong.content.decode())
    right = client.post(
        reverse("accounts:login"), {"username": "tom.l", "password": CHILD_PASSWORD}
    )
    page = unescape(right.content.decode())
    assert "Ton compte attend l'accord de ton parent" in page
    assert "p…@famille.test" in page
    before = Message.objects.filter(kind="families.consent_invitation").count()
    assert client.post(reverse("accounts:waiting_resend")).status_code == 302
    assert Message.objects.filter(kind="families.consent_invitation").count() == before + 1
    assert journal("families.invitation_resent")
