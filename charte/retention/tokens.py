"""The one-click renewal link: signed, without a table, valid until the data it would keep goes.

The link names the person it is about, the person it was sent to (themself, or a guardian),
and the day their data is kept until. Once a renewal has carried the data further, the day no
longer matches and the link only says it is done: a link works once, like a password-reset
link, without anything stored.
"""

from dataclasses import dataclass
from datetime import date

from django.core import signing

SALT = "charte.retention.renewal"


@dataclass(frozen=True)
class RenewalLink:
    person: str  # public id of the person whose data it keeps
    recipient: str  # public id of the person it was sent to
    kept_until: date  # the last day the data was kept when the link was sent


def renewal_token(*, person: str, recipient: str, kept_until: date) -> str:
    return signing.dumps(
        {"p": str(person), "r": str(recipient), "u": kept_until.isoformat()},
        salt=SALT,
        compress=True,
    )


def read_renewal_token(token: str) -> RenewalLink | None:
    """The link's content, or None if it was not made by us (or was altered)."""
    try:
        data = signing.loads(token, salt=SALT)
        return RenewalLink(
            person=str(data["p"]),
            recipient=str(data["r"]),
            kept_until=date.fromisoformat(data["u"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
