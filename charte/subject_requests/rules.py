"""The rules of the rights, as data: which purposes a restriction freezes, which may be objected
to (and which stop at once), who may decide, and how long an archive stays downloadable."""

from datetime import timedelta

from charte.accounts.models import Role
from charte.privacy import register

REAUTHENTICATION_WINDOW = timedelta(minutes=5)
ARCHIVE_LIFETIME = timedelta(days=7)
# Reminders to the DPO: a first one a week before the deadline, a second two days before, and
# one more on the first day it is overdue.
REMINDER_STAGES = ((1, 7), (2, 2), (3, -1))

# Marketing: every purpose of the marketing processing (art. 21(3): stops at once, no review).
MARKETING_PURPOSES = frozenset(p.code for p in register.purposes_of("marketing"))
# GDPR art. 18: while restricted, data is only stored; these uses stop.
FROZEN_BY_RESTRICTION = (
    frozenset({"coach", "statistics", "improvement", "family_progress"}) | MARKETING_PURPOSES
)
# Purposes the person may object to: the separable ones (coach profiling, improvement,
# marketing, cookies), which stop as soon as the person's identity is established, and
# statistics, where the DPO weighs the objection (art. 21(1)).
IMMEDIATE_OBJECTION = frozenset(p.code for p in register.PURPOSES if p.separable)
OBJECTABLE = IMMEDIATE_OBJECTION | {"statistics"}
ADULTS_ONLY_PROCESSINGS = frozenset({"marketing", "orders", "recruitment"})
PARENTS_ONLY = frozenset({"family_progress"})

DECIDERS = frozenset({Role.DPO})
HANDLERS = frozenset({Role.DPO, Role.CUSTOMER_SERVICE})

# What the person (or a child's guardian) may change themself in "Mes informations".
# The sign-in address is not among them: it changes only through its own confirmed procedure
# (`charte.accounts.actions.request_email_change`).
SELF_SERVICE_FIELDS = ("first_name", "last_name", "phone", "language", "country")


def objectable_purposes(*, pupil: bool = False) -> list[register.Purpose]:
    """What one may object to; a pupil is never asked about what concerns adults alone (the
    marketing, which never reaches pupils, and what parents receive of their children)."""
    return [
        p
        for p in register.PURPOSES
        if p.code in OBJECTABLE
        and not (pupil and (p.processing in ADULTS_ONLY_PROCESSINGS or p.code in PARENTS_ONLY))
    ]
