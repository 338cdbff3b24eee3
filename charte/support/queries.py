"""Reads about error reports: the queue, where an answer would go, and who may see a report.

Only customer service works the queue. What it sees of a reporter is their name, their role and
how they will be answered; never their results, their work or anything else of their account.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.accounts.queries import guardians_of
from charte.consent.queries import ConsentLine, consent_lines
from charte.core.errors import NotFound
from charte.notifications.actions import recipients_for
from charte.support.models import Answer, ErrorReport

# The queue's age filter: a code, and the bounds of the report's age.
AGES: dict[str, tuple[timedelta | None, timedelta | None]] = {
    "today": (None, timedelta(days=1)),
    "week": (timedelta(days=1), timedelta(days=7)),
    "older": (timedelta(days=7), None),
}


def is_customer_service(viewer: User | Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and viewer.role == Role.CUSTOMER_SERVICE


def access_queue(*, viewer: User) -> User:
    """Customer service's pages: anyone else is told they do not exist."""
    if not is_customer_service(viewer):
        raise NotFound(_("Page introuvable."))
    return viewer


def access_report_by_staff(*, viewer: User, public_id: uuid.UUID | str) -> ErrorReport:
    """A report, for customer service; "not found" alike for anyone else and for no such report."""
    if not is_customer_service(viewer):
        raise NotFound(_("Signalement introuvable."))
    report = (
        ErrorReport.objects.filter(public_id=public_id)
        .select_related("reporter", "assignee")
        .first()
    )
    if report is None:
        raise NotFound(_("Signalement introuvable."))
    return report


def queue(
    *, status: str = "", age: str = "", mine: User | None = None, now: datetime | None = None
) -> QuerySet[ErrorReport]:
    """The reports to work on, oldest first. No status given: every report not yet closed."""
    reports = ErrorReport.objects.select_related("reporter", "assignee").order_by("created_at")
    if status in ErrorReport.Status.values:
        reports = reports.filter(status=status)
    else:
        reports = reports.still_open()
    if age in AGES:
        now = now or timezone.now()
        older_than, younger_than = AGES[age]
        if older_than is not None:
            reports = reports.filter(created_at__lte=now - older_than)
        if younger_than is not None:
            reports = reports.filter(created_at__gt=now - younger_than)
    if mine is not None:
        reports = reports.filter(assignee=mine)
    return reports


@dataclass(frozen=True)
class Reach:
    """Where an answer to a report goes, as customer service needs to know it."""

    kind: str  # "self", "guardians", "no_guardian", "address", "nobody"
    count: int
    email: str = ""


def reach_of(report: ErrorReport) -> Reach:
    """Who an answer to `report` would reach."""
    return reach_for(report.reporter, contact_email=report.contact_email)


def reach_for(person: User | None, *, contact_email: str = "") -> Reach:
    """Who an answer would reach: the person, their guardians (a child), a visitor's address."""
    if person is not None:
        recipients = recipients_for(person)
        if not recipients:
            child = person.needs_guardian(timezone.localdate())
            return Reach(kind="no_guardian" if child else "nobody", count=0)
        if [r.pk for r in recipients] == [person.pk]:
            return Reach(kind="self", count=1, email=person.email or "")
        return Reach(kind="guardians", count=len(recipients))
    if contact_email:
        return Reach(kind="address", count=1, email=contact_email)
    return Reach(kind="nobody", count=0)


def queue_counts(*, viewer: User | None = None, now: datetime | None = None) -> dict[str, Any]:
    """How many reports wait in each state, and since when the oldest open one waits."""
    now = now or timezone.now()
    S = ErrorReport.Status
    totals = ErrorReport.objects.aggregate(
        new=Count("pk", filter=Q(status=S.NEW)),
        in_progress=Count("pk", filter=Q(status=S.IN_PROGRESS)),
        answered=Count("pk", filter=Q(status=S.ANSWERED)),
        oldest=Min("created_at", filter=~Q(status=S.CLOSED)),
    )
    oldest = totals.pop("oldest")
    mine = ErrorReport.objects.still_open().filter(assignee=viewer).count() if viewer else 0
    return {
        **totals,
        "open": totals["new"] + totals["in_progress"] + totals["answered"],
        "mine": mine,
        "oldest_at": oldest,
        "oldest_age": now - oldest if oldest else None,
    }


def queue_panel(user: User) -> dict[str, Any]:
    return queue_counts(viewer=user)


def answers_of(report: ErrorReport) -> QuerySet[Answer]:
    return report.answers.select_related("author").order_by("created_at")


def reports_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's block: the person's own reports and our answers to them."""
    reports = list(
        ErrorReport.objects.filter(reporter=person)
        .prefetch_related("answers")
        .order_by("-created_at")[:20]
    )
    if not reports:
        return None
    return {"reports": reports, "person": person}


@dataclass(frozen=True)
class AccountLookup:
    """What customer service sees of an account it looks up: its state, who answers for it,
    its consents and its open reports. Never results, productions or any other work: customer
    service answers questions about the account, not about what its holder learns (charter
    R1, data minimisation)."""

    person: User
    guardians: list[User]
    consents: list[ConsentLine]
    open_reports: list[ErrorReport]


def access_account_by_customer_service(*, viewer: User, login: str) -> AccountLookup:
    """The platform account that `login` (an exact email address or username) names.

    Only customer service looks accounts up; for anyone else, as for an unknown login, there
    is no such account. Staff accounts are not looked up here. No partial match: a login
    names one account, so the page cannot be used to browse people.
    """
    if not is_customer_service(viewer) or not login.strip():
        raise NotFound(_("Aucun compte avec cette adresse ou cet identifiant."))
    person = User.objects.platform_users().by_login(login).first()
    if person is None:
        raise NotFound(_("Aucun compte avec cette adresse ou cet identifiant."))
    return AccountLookup(
        person=person,
        guardians=list(guardians_of(person)),
        consents=consent_lines(person),
        open_reports=list(
            ErrorReport.objects.filter(reporter=person).still_open().order_by("created_at")
        ),
    )
