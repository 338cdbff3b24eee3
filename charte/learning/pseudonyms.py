"""The keyed pseudonym that stands for a person in learning events.

Design: pseudonym = HMAC-SHA256(key of the school year, the account's public id), where the
key of a school year is HMAC-SHA256(PSEUDONYM_SECRET, "charte.learning:" + year). Without the
secret a pseudonym cannot be linked to an account, even by someone who holds the list of
accounts; with a new key each school year, two years' statistics cannot be joined person by
person. The account id never enters an event: only the row of `Pseudonym`, which erasure and
the retention sweep delete with everything it links, says whose a pseudonym is.
"""

import hashlib
import hmac
from datetime import date, timedelta

from django.conf import settings


def school_year_of(day: date) -> str:
    """The school year of a day, in whole weeks: it starts on the Monday of 1 September's week,
    as the statistics' periods do, so that a week's events share one pseudonym per person."""
    start = date(day.year, 9, 1)
    start -= timedelta(days=start.weekday())
    first = day.year if day >= start else day.year - 1
    return f"{first}-{first + 1}"


def year_key(school_year: str) -> bytes:
    secret = settings.CHARTE_PSEUDONYM_SECRET.encode()
    return hmac.new(secret, f"charte.learning:{school_year}".encode(), hashlib.sha256).digest()


def pseudonym(public_id: object, school_year: str) -> str:
    return hmac.new(year_key(school_year), str(public_id).encode(), hashlib.sha256).hexdigest()
