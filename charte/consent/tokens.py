"""The signed link of one-click unsubscribe: it names a person and a purpose, needs no table.

Signed with the site's secret (Django's signing), so that nobody can forge a link that
withdraws someone else's consent; it does not expire, as a link in an old email must still work.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from charte.accounts.models import User

SALT = "charte.consent.unsubscribe"


def unsubscribe_token(person: User, purpose: str) -> str:
    return signing.dumps({"p": person.public_id.hex, "c": purpose}, salt=SALT)


def unsubscribe_url(person: User, purpose: str) -> str:
    return settings.SITE_URL + reverse(
        "consent:unsubscribe", args=[unsubscribe_token(person, purpose)]
    )


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and purpose a token names, or None if it is forged, damaged or stale."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    person = User.objects.filter(public_id=str(data.get("p", "")).strip() or None).first()
    purpose = data.get("c")
    if person is None or not isinstance(purpose, str):
        return None
    return person, purpose
