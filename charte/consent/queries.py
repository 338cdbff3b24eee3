"""Reads about consent that carry rules. `consent_holds` is the one question processing asks."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import PLATFORM_ROLES, Role, User
from charte.accounts.queries import guardians_of
from charte.consent.models import Act, CharterVersion, ConsentRecord
from charte.consent.purposes import ASKED_PROCESSINGS, consent_based, purpose, purposes_for
from charte.core.actors import person_ref
from charte.core.errors import NotFound
from charte.privacy import processing
from charte.privacy.register import Purpose


def consent_holds(person: User, purpose: str) -> bool:
    """Does consent for `purpose` hold for `person` right now?

    It holds when the latest record for that purpose gives it and the account is active: a
    withdrawal, or an account closed by a guardian's withdrawal, stops processing at once.
    """
    if not person.is_active:
        return False
    latest = (
        ConsentRecord.objects.filter(subject_ref=person_ref(person), purpose=purpose)
        .order_by("-id")
        .values_list("act", flat=True)
        .first()
    )
    return latest == Act.GIVEN


def processing_check(person: Any, code: str) -> bool | None:
    """Processing gate: a purpose that rests on consent stops while that consent does not hold.

    Covers the purposes people choose one by one on our screens (the separable purposes of the
    platform and of marketing); cookies are the banner's. The purposes the account itself needs
    are not gated here: without their consent there is no account (a withdrawal closes it, a
    child waits for their guardian), and what still concerns that account (a guardian's
    invitation, the answer to a request) must go on. A child under the age of digital consent
    counts only a consent their guardian gave: one recorded as their own (before a birth date
    was corrected, say) is no consent. The operator's staff are not asked.
    """
    if not isinstance(person, User) or not person.pk or not person.is_platform_user:
        return None
    found = purpose(code)
    if found is None or not found.separable or found.processing not in ASKED_PROCESSINGS:
        return None
    if not consent_based(found.processing):
        return None
    if not consent_holds(person, code):
        return False
    if person.needs_guardian(timezone.localdate()):
        latest = (
            ConsentRecord.objects.filter(subject_ref=person_ref(person), purpose=code)
            .order_by("-id")
            .values_list("on_behalf", flat=True)
            .first()
        )
        if not latest:
            return False
    return None


def latest_records(person: User) -> dict[str, ConsentRecord]:
    """The latest record of each purpose for `person`."""
    latest: dict[str, ConsentRecord] = {}
    records = ConsentRecord.objects.filter(subject_ref=person_ref(person)).select_related(
        "charter_version", "text"
    )
    for record in records.order_by("id"):
        latest[record.purpose] = record
    return latest


def history(person: User) -> list[ConsentRecord]:
    return list(
        ConsentRecord.objects.filter(subject_ref=person_ref(person))
        .select_related("charter_version", "text")
        .order_by("-id")
    )


def latest_version() -> CharterVersion | None:
    return CharterVersion.objects.order_by("-number").first()


def material_versions() -> dict[str, int]:
    """For each purpose, the latest charter version that changed it materially."""
    found: dict[str, int] = {}
    for version in CharterVersion.objects.filter(material=True).order_by("number"):
        for code in version.material_purposes:
            found[code] = version.number
    return found


def questions_for(person: User) -> list[Purpose]:
    """What to ask `person` at sign-in: a consent they have not given themself, or must renew.

    - a required purpose without a consent, or a new purpose brought by a material change;
    - a consent given under an older version of what a material change altered;
    - a consent given by a guardian, once the person has reached the age to give their own.
    A child under the age is asked nothing: their guardian is.
    """
    if person.needs_guardian(timezone.localdate()):
        return []
    latest = latest_records(person)
    material = material_versions()
    asked = []
    for p in purposes_for(person):
        record = latest.get(p.code)
        if record is None:
            if not p.separable or p.code in material:
                asked.append(p)
            continue
        if record.on_behalf:
            asked.append(p)
            continue
        version = record.charter_version.number if record.charter_version else 0
        if p.code in material and version < material[p.code]:
            asked.append(p)
    return asked


def versions_since(moment: datetime | None) -> list[CharterVersion]:
    if moment is None:
        return []
    return list(CharterVersion.objects.filter(published_at__gt=moment).order_by("number"))


@dataclass(frozen=True)
class ConsentLine:
    """One purpose in the privacy centre: what it is, its state, and who decided it."""

    purpose: Purpose
    record: ConsentRecord | None

    @property
    def holds(self) -> bool:
        return self.record is not None and self.record.act == Act.GIVEN


def consent_lines(person: User) -> list[ConsentLine]:
    latest = latest_records(person)
    return [ConsentLine(purpose=p, record=latest.get(p.code)) for p in purposes_for(person)]


def may_decide_for(*, viewer: User, person: User) -> bool:
    """May `viewer` give or withdraw `person`'s consents? Themself if old enough, or a guardian."""
    child = person.needs_guardian(timezone.localdate())
    if viewer.pk == person.pk:
        return not child
    return child and guardians_of(person).filter(pk=viewer.pk).exists()


def consent_section(viewer: User, person: User) -> dict[str, Any] | None:
    if not person.is_platform_user:
        return None
    child = person.needs_guardian(timezone.localdate())
    lines = consent_lines(person)
    return {
        "person": person,
        "lines": lines,
        "history": history(person)[:100],
        "may_decide": may_decide_for(viewer=viewer, person=person),
        "for_child": child and viewer.pk != person.pk,
        "is_child": child,
        "child_account_open": person.is_active and any(line.holds for line in lines),
        "version": latest_version(),
        # Who decided, for the people the viewer may know: the person and their guardians.
        "names": {
            person_ref(someone): someone.full_name for someone in [person, *guardians_of(person)]
        },
    }


NEWSLETTER = "newsletter"
ADULT_AGE = 18


def is_adult(person: User, day: date) -> bool:
    """Not a pupil (marketing never reaches pupils, of any age), and not known to be under 18:
    a parent or teacher who gave no birth date is taken as the adult their account says."""
    if person.role == Role.PUPIL:
        return False
    age = person.age_on(day)
    return age is None or age >= ADULT_AGE


@dataclass(frozen=True)
class NewsletterContact:
    """Whom the newsletter may be sent to: a name, an address, and when they said yes."""

    person: User
    consented_at: datetime


def access_newsletter_contacts(*, viewer: User) -> None:
    """Only the marketing service sees who receives the newsletter."""
    if viewer.role != Role.MARKETING:
        raise NotFound(_("Page introuvable."))


def newsletter_contacts() -> list[NewsletterContact]:
    """The people who consented to the newsletter and may receive it, by name.

    Adults only: no pupil, whether under 15 (a guardian consents for them) or old enough to
    consent alone, even if a consent record says yes; nobody known to be under 18. Nobody whose
    consent was withdrawn, whose account is closed, or who restricted or objected to the
    processing.
    """
    today = timezone.localdate()
    latest: dict[str, ConsentRecord] = {}
    for each in ConsentRecord.objects.filter(purpose=NEWSLETTER).order_by("id"):
        latest[each.subject_ref] = each
    given = {ref: r for ref, r in latest.items() if r.act == Act.GIVEN}
    people = User.objects.filter(
        role__in=sorted(PLATFORM_ROLES), is_active=True, email__isnull=False
    ).order_by("last_name", "first_name", "pk")
    contacts = []
    for person in people.iterator(chunk_size=500):
        record = given.get(person_ref(person))
        if record is None or not is_adult(person, today):
            continue
        if not processing.consent_given(person, NEWSLETTER):
            continue
        contacts.append(NewsletterContact(person=person, consented_at=record.at))
    return contacts
