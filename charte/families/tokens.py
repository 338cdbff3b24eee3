"""The signed link of an invitation: it names the invitation, expires, and works once.

Signed with the site's secret and timestamped (Django's signing): a forged or altered link is
refused, and one older than the invitation's validity too. It works once because accepting
stamps the invitation, which the link then no longer opens.
"""

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


def open_invitation(token: str) -> Invitation | None:
    """The open invitation a token names, or None (forged, expired, used or withdrawn)."""
    try:
        public_id = signing.loads(token, salt=SALT, max_age=timedelta(days=Invitation.VALID_DAYS))
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.open().filter(public_id=public_id).select_related("child").first()
    )
    return invitation
