"""Helpers for consent tests: give consents as a guardian or a person would, fill the sign-up
form as a visitor does."""

import re

from django.urls import reverse

from charte.accounts import actions as accounts
from charte.accounts.models import User
from charte.consent.actions import record_choices
from charte.consent.purposes import purposes_for
from charte.privacy import register


def required(person: User) -> dict[str, bool]:
    return {p.code: True for p in purposes_for(person) if not p.separable}


def adopt(*, guardian: User, child: User, optional: tuple[str, ...] = ()) -> None:
    """`guardian` confirms being `child`'s guardian and consents to what the account needs."""
    accounts.propose_guardianship(child=child, guardian=guardian, actor=guardian)
    choices = required(child) | dict.fromkeys(optional, True)
    record_choices(person=child, choices=choices, actor=guardian, channel="family")


SIGN_UP_URL = reverse("consent:sign_up")
PASSWORD = "une-phrase-de-passe-solide"


def form_data(client, **overrides):
    """The form as a person fills it: the hidden text digests as served, the boxes they tick."""
    page = client.get(SIGN_UP_URL).content.decode()
    data = dict(re.findall(r'type="hidden" name="(text_\w+)" value="([0-9a-f]{64})"', page))
    data.update(
        role="parent",
        first_name="Claire",
        last_name="Dupuis",
        email="claire@famille.test",
        password=PASSWORD,
        phone="",
        consent_required="on",
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# The consent API, as a service calls it --------------------------------------------------------


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def read(client, key: str, person: User):
    """A person's consents, as a service reads them through the API."""
    return client.get(f"/api/consent/subjects/{person.public_id}", headers=auth(key))


def holds(response, purpose: str = "newsletter") -> bool:
    """Whether the API's answer says the consent to `purpose` holds."""
    return next(c["holds"] for c in response.json()["consents"] if c["purpose"] == purpose)


def text_digest(client, key: str, purpose: str, language: str = "fr") -> str:
    """The digest of the text a service shows for `purpose`, as the API lists it."""
    purposes = client.get("/api/consent/purposes", headers=auth(key)).json()
    [found] = [p for p in purposes if p["code"] == purpose]
    return next(t["sha256"] for t in found["texts"] if t["language"] == language)


# A recipient added by a charter change: it widens what `coach` and `newsletter` share.
TUTOR = register.Recipient(
    code="tutoring_partner",
    name="Un partenaire de soutien scolaire",
    kind=register.RecipientKind.PROCESSOR,
    categories=(register.Category.IDENTITY,),
    purposes=("coach", "newsletter"),
    country="FR",
)


def give_newsletter(client, key: str, person: User) -> None:
    """A service records, through the API, that `person` gave the newsletter."""
    response = client.post(
        f"/api/consent/subjects/{person.public_id}",
        {
            "purpose": "newsletter",
            "given": True,
            "text_sha256": text_digest(client, key, "newsletter"),
        },
        content_type="application/json",
        headers=auth(key),
    )
    assert response.status_code == 201, response.content
