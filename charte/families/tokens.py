"""The signed link of an invitation: it names the invitation, expires, and works once.

Signed with the site's secret and timestamped (Django's signing): a forged or altered link is
refused, and one older than the invitation's validity too. It works once because accepting
stamps the invitation, which the link then no longer opens.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from charte.families.models import Invitation

SALT = "charte.families.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.public_id.hex, salt=SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("families:invitation", args=[invitation_token(invitation)])


def read_invitation_token(token: str) -> Invitation | None:
    """The open invitation a token names, or None (forged, expired, used or withdrawn)."""
    try:
        public_id = signing.loads(token, salt=SALT, max_age=timedelta(days=Invitation.VALID_DAYS))
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.open().filter(public_id=public_id).select_related("child").first()
    )
    return invitation


# A letter's code: read on paper and typed by a parent, so without letters that look alike
# (no 0/O, 1/I/L), in groups of four. Twelve letters of 31: about 59 bits, far beyond what the
# rate limit on typing codes lets anyone try; kept only as a keyed hash, used once, expiring.
LETTER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LETTER_CODE_LENGTH = 12


def new_letter_code() -> str:
    return "".join(secrets.choice(LETTER_ALPHABET) for _ in range(LETTER_CODE_LENGTH))


def display_letter_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_letter_code(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def letter_digest(code: str) -> str:
    key = (settings.SECRET_KEY + SALT + ".letter").encode()
    return hmac.new(key, normalise_letter_code(code).encode(), hashlib.sha256).hexdigest()


def open_letter(code: str) -> Invitation | None:
    """The open letter a typed code names, or None (mistyped, expired, used or replaced)."""
    normalised = normalise_letter_code(code)
    if len(normalised) != LETTER_CODE_LENGTH:
        return None
    return (
        Invitation.objects.open()
        .filter(kind=Invitation.Kind.LETTER, code_digest=letter_digest(normalised))
        .select_related("child")
        .first()
    )
