"""Reads about consent that carry rules. `consent_holds` is the one question processing asks."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User, account_token, person_token
from charte.accounts.queries import guardians_of
from charte.consent.models import (
    VERIFICATION_STRENGTH,
    Act,
    ApiClient,
    CharterVersion,
    ConsentRecord,
    ConsentText,
    Verification,
)
from charte.consent.purposes import (
    ASKED_PROCESSINGS,
    PARENT_ONLY_PURPOSES,
    consent_based,
    purpose,
    purposes_for,
)
from charte.core import cached, statements
from charte.core.actors import person_ref
from charte.core.errors import NotFound
from charte.privacy.register import Purpose


@dataclass(frozen=True, slots=True)
class State:
    """What the latest record of one purpose says, as the cache keeps it."""

    act: str
    at: datetime
    channel: str
    on_behalf: bool
    charter_version: int | None


# Each person's account state and latest consents are cached together (see
# `charte.core.cached`), under the person's token (`accounts.models.person_token`): a consent
# write replaces it once its transaction commits, and so does every change to the account (its
# state, its role, its deletion: `accounts.models.UserQuerySet`); the writing transaction itself
# reads the database and caches nothing (what it sees may still roll back).


@dataclass(frozen=True, slots=True)
class Account:
    """What the consent API needs of an account, as the cache keeps it with the consents."""

    role: str
    is_active: bool
    is_staff: bool


type PersonRows = tuple[tuple[str, bool, bool], dict[str, tuple[Any, ...]]]


def _state_answer(ref: str) -> cached.Cached:
    # A person who has no account (or no longer has one) is read again each time, never kept.
    return cached.Cached(
        person_token(ref), f"consent:person:{ref}", partial(_person_rows, ref), keep_none=False
    )


def _as_state(rows: dict[str, tuple[Any, ...]]) -> dict[str, State]:
    return {code: State(*values) for code, values in rows.items()}


def consent_state(person: User) -> dict[str, State]:
    """The latest record of each purpose for `person`, from the cache when it holds them."""
    [found] = cached.read_through(_state_answer(person_ref(person)))
    return _as_state(found[1]) if found is not None else {}


def state_and_changes_answers(ref: str) -> list[cached.Cached]:
    return [_state_answer(ref), _material_answer()]


def consent_state_and_changes(
    ref: str, found: dict[str, Any] | None = None
) -> tuple[Account | None, dict[str, State], "MaterialChanges"]:
    """The account of the person `ref` (None: no such account) with its latest consents, and
    the charter's material changes: one round trip to the cache, or none with what was read
    of it already (`found`, for `state_and_changes_answers`)."""
    answers = state_and_changes_answers(ref)
    person, changes = cached.read_through(*answers, found=found)
    if person is None:
        return None, {}, changes
    return Account(*person[0]), _as_state(person[1]), changes


# Values no real row has, for compiling the queries about "a person" once
# (`charte.core.statements`).
STAND_IN_IDS = ((UUID(int=0x5EED_0001),), (UUID(int=0x5EED_0002),))
STAND_IN_REFS = (("user:stand-in-1",), ("user:stand-in-2",))
STAND_IN_CHOICES = (("user:stand-in-1", "stand-in-1"), ("user:stand-in-2", "stand-in-2"))
STAND_IN_DIGESTS = (("stand-in-1",), ("stand-in-2",))


def _account_of(public_id: UUID) -> QuerySet[User, tuple[Any, ...]]:
    return User.objects.filter(public_id=public_id).values_list("role", "is_active", "is_staff")[:1]


def _person_rows(ref: str) -> PersonRows | None:
    """What the cache keeps of a person, read afresh: two statements compiled once."""
    try:
        public_id = UUID(ref.removeprefix("user:"))
    except ValueError:
        return None
    account = statements.rows("consent.account", _account_of, STAND_IN_IDS, public_id)
    if not account:
        return None
    role, is_active, is_staff = account[0]
    return (role, is_active, is_staff), _latest_rows(ref)


def newest_records(ref: str) -> QuerySet[ConsentRecord]:
    """The latest record of each purpose of the person `ref`: one row a purpose, whatever the
    length of their history (a service that toggles a choice adds a record each time), found
    through the index on (subject_ref, purpose, -id)."""
    newest = (
        ConsentRecord.objects.filter(subject_ref=ref)
        .order_by()
        .values("purpose")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    return ConsentRecord.objects.filter(pk__in=newest)


def _latest_of(ref: str) -> QuerySet[ConsentRecord, tuple[Any, ...]]:
    return (
        newest_records(ref)
        .order_by("id")
        .values_list("purpose", "act", "at", "channel", "on_behalf", "charter_version__number")
    )


def _latest_rows(ref: str) -> dict[str, tuple[Any, ...]]:
    latest: dict[str, tuple[Any, ...]] = {}
    rows = statements.rows("consent.latest", _latest_of, STAND_IN_REFS, ref)
    for code, *values in rows:
        latest[code] = tuple(values)
    return latest


def writing_state(ref: str) -> None:
    """The open transaction changes `ref`'s consents: it reads them from the database, and
    every process does once it commits."""
    cached.changed(person_token(ref))


def forget_state(ref: str) -> None:
    """A consent of the person `ref` changed and was committed: every process reads the
    database again."""
    cached.committed(person_token(ref))


# The charter's material changes: (version number, purposes it widened), oldest first; and its
# latest version. Cached as the consents are; publishing a version replaces the token once it
# commits.
type MaterialChanges = tuple[tuple[int, tuple[str, ...]], ...]
MATERIAL_TOKEN = "consent:material:version"  # noqa: S105 (a cache key)


def _material_rows() -> MaterialChanges:
    versions = CharterVersion.objects.filter(material=True).only("number", "changes")
    return tuple(
        (version.number, tuple(version.material_purposes))
        for version in versions.order_by("number")
    )


def _material_answer() -> cached.Cached:
    return cached.Cached(MATERIAL_TOKEN, "consent:material", _material_rows)


def material_changes_answer() -> cached.Cached:
    return _material_answer()


def _latest_row() -> tuple[int, int] | None:
    return CharterVersion.objects.order_by("-number").values_list("id", "number").first()


def _latest_answer() -> cached.Cached:
    return cached.Cached(MATERIAL_TOKEN, "consent:charter:latest", _latest_row)


def current_version_answer() -> cached.Cached:
    return _latest_answer()


def current_version(found: dict[str, Any] | None = None) -> CharterVersion | None:
    """The charter's latest version, only its key and number (from the cache, which publishing
    a version replaces once it commits): what a consent record points at. `found`: what was
    read of the cache already (for `current_version_answer`)."""
    [row] = cached.read_through(_latest_answer(), found=found)
    if row is None:
        return None
    version = CharterVersion(id=row[0], number=row[1])
    version._state.adding = False
    return version


def material_changes() -> MaterialChanges:
    [changes] = cached.read_through(_material_answer())
    return changes


def charter_changing() -> None:
    """The open transaction publishes a version: it reads the versions from the database, and
    every process does once it commits."""
    cached.changed(MATERIAL_TOKEN)


# The consent API's service keys, by the digest of the key: a revocation replaces the token once
# it commits (`actions.revoke_api_client`), so a revoked key is refused by every process at once.
# A key that matches no service is not kept (a stranger's guesses would fill the cache).
API_KEYS_TOKEN = "consent:api_keys:version"  # noqa: S105 (a cache key)
API_KEY_TTL = 60


def _service_row(digest: str) -> dict[str, Any] | None:
    row = (
        ApiClient.objects.filter(key_sha256=digest, revoked_at__isnull=True)
        .values("id", "name", "key_prefix", "key_sha256", "created_at")
        .first()
    )
    return dict(row) if row is not None else None


def service_answer(digest: str) -> cached.Cached:
    return cached.Cached(
        API_KEYS_TOKEN,
        f"consent:api_key:{digest}",
        partial(_service_row, digest),
        ttl=API_KEY_TTL,
        keep_none=False,
    )


def service_for_key(digest: str, found: dict[str, Any] | None = None) -> ApiClient | None:
    """The service whose key has the SHA-256 `digest`, unless it was revoked; from what was
    read of the cache already when `found` (for `service_answer(digest)`)."""
    [row] = cached.read_through(service_answer(digest), found=found)
    if row is None:
        return None
    client = ApiClient(**row)
    client._state.adding = False
    return client


def api_keys_changing() -> None:
    """The open transaction revokes a key: every process reads the keys again once it commits."""
    cached.changed(API_KEYS_TOKEN)


def consent_holds(person: User, purpose: str) -> bool:
    """Does consent for `purpose` hold for `person` right now?

    It holds when the latest record for that purpose gives it and the account is active: a
    withdrawal, or an account closed by a guardian's withdrawal, stops processing at once. A
    consent to a purpose chosen on its own (the newsletter, the coach...) given before a
    material change of the charter widened that purpose no longer holds either: from the
    publication, that purpose stops for the person until they (or their guardian) consent
    again (U1). A purpose the account needs is asked again at the next sign-in instead, where
    the account waits for the answer (`questions_for`).
    """
    if not person.is_active:
        return False
    latest = consent_state(person).get(purpose)
    if latest is None or latest.act != Act.GIVEN:
        return False
    return not widened_since(purpose, latest.charter_version)


def widened_since(code: str, number: int | None, changes: MaterialChanges | None = None) -> bool:
    """Has a material change published after version `number` widened the chosen purpose
    `code`? (Then a consent given under `number` must be given again.) `changes`: the
    charter's material changes when the caller has them already."""
    found = purpose(code)
    if found is None or not found.separable:
        return False
    if changes is None:
        changes = material_changes()
    return any(
        code in widened for version, widened in changes if number is None or version > number
    )


def processing_check(person: Any, code: str) -> bool | None:
    """Processing gate: a purpose that rests on consent stops while that consent does not hold.

    Covers the purposes people choose one by one on our screens (the separable purposes of the
    platform and of marketing); cookies are the banner's. The purposes the account itself needs
    are not gated here: without their consent there is no account (a withdrawal closes it, a
    child waits for their guardian), and what still concerns that account (a guardian's
    invitation, the answer to a request) must go on. A child under the age of digital consent
    counts only a consent their guardian gave: one recorded as their own (before a birth date
    was corrected, say) is no consent. The operator's staff are not asked, nor is a child
    about what their parent chose to receive about them (`PARENT_ONLY_PURPOSES`).
    """
    if not isinstance(person, User) or not person.pk or not person.is_platform_user:
        return None
    found = purpose(code)
    if found is None or not found.separable or found.processing not in ASKED_PROCESSINGS:
        return None
    if not consent_based(found.processing):
        return None
    if code in PARENT_ONLY_PURPOSES and person.role != Role.PARENT:
        # The child a parent's weekly email is about is not asked: the parent who receives it
        # is (`notify` checks their consent); restrictions and objections still answer.
        return None
    if not consent_holds(person, code):
        return False
    if person.needs_guardian(timezone.localdate()):
        latest = consent_state(person).get(code)
        if latest is None or not latest.on_behalf:
            return False
    return None


def latest_records(person: User) -> dict[str, ConsentRecord]:
    """The latest record of each purpose for `person`."""
    latest: dict[str, ConsentRecord] = {}
    records = newest_records(person_ref(person)).select_related("charter_version", "text")
    for record in records.order_by("id"):
        latest[record.purpose] = record
    return latest


# What a new choice compares with the latest record of its purpose: its act, version, text and
# whether a guardian gave it.
CHOICE_FIELDS = ("id", "purpose", "act", "charter_version_id", "text_id", "on_behalf")


def _newest_of(ref: str, code: str) -> QuerySet[ConsentRecord, tuple[Any, ...]]:
    return (
        ConsentRecord.objects.filter(subject_ref=ref, purpose=code)
        .order_by("-id")
        .values_list(*CHOICE_FIELDS)[:1]
    )


def latest_choices(
    person: User, purposes: Collection[str] | None = None
) -> dict[str, ConsentRecord]:
    """The latest record of each purpose (of `purposes`, or all) for `person`, with only what a
    new choice compares. One purpose (a service's choice through the API) is read through its
    index by a statement compiled once (`charte.core.statements`)."""
    if purposes is not None and len(purposes) == 1:
        [code] = purposes
        rows = statements.rows(
            "consent.newest_of",
            _newest_of,
            STAND_IN_CHOICES,
            person_ref(person),
            code,
        )
        return {code: statements.instance(ConsentRecord, CHOICE_FIELDS, rows[0])} if rows else {}
    latest: dict[str, ConsentRecord] = {}
    records = newest_records(person_ref(person)).only(*CHOICE_FIELDS)
    if purposes is not None:
        records = records.filter(purpose__in=purposes)
    for record in records.order_by("id"):
        latest[record.purpose] = record
    return latest


# What a consent write reads of a text (its body aside): a text is found by its digest.
TEXT_FIELDS = ("id", "purpose", "language", "version", "sha256")


def _text_of(sha256: str) -> QuerySet[ConsentText, tuple[Any, ...]]:
    return ConsentText.objects.filter(sha256=sha256).values_list(*TEXT_FIELDS)[:1]


def text_by_digest(sha256: str) -> ConsentText | None:
    """The stored text whose SHA-256 is `sha256`, its body deferred, through a statement
    compiled once (`charte.core.statements`)."""
    rows = statements.rows("consent.text", _text_of, STAND_IN_DIGESTS, sha256)
    return statements.instance(ConsentText, TEXT_FIELDS, rows[0]) if rows else None


# What a consent write reads of the person it is about (the rest is deferred).
SUBJECT_FIELDS = ("id", "public_id", "role", "birth_date", "country", "is_active", "is_staff")


def _subject_by_id(public_id: UUID) -> QuerySet[User, tuple[Any, ...]]:
    return User.objects.filter(public_id=public_id, is_staff=False).values_list(*SUBJECT_FIELDS)[:1]


def subject_answer(public_id: UUID) -> cached.Cached:
    """What a consent write reads of the person `public_id`, cached under the account's token
    (`accounts.models.account_token`): replaced by every change to the account, never by a
    consent write. Not kept when there is no such person (or a staff member)."""
    return cached.Cached(
        account_token(f"user:{public_id}"),
        f"consent:subject:{public_id}",
        partial(_subject_row, public_id),
        keep_none=False,
    )


def _subject_row(public_id: UUID) -> tuple[Any, ...] | None:
    rows = statements.rows("consent.subject", _subject_by_id, STAND_IN_IDS, public_id)
    return rows[0] if rows else None


def subject(public_id: UUID, found: dict[str, Any] | None = None) -> User | None:
    """The person (not staff) with this public id, with what a consent write reads of them:
    from the cache (what was read of it already: `found`, for `keys_of(subject_answer(...))`),
    else through a statement compiled once (`charte.core.statements`)."""
    [row] = cached.read_through(subject_answer(public_id), found=found)
    return statements.instance(User, SUBJECT_FIELDS, row) if row is not None else None


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
    for number, widened in material_changes():
        for code in widened:
            found[code] = number
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
    for_child: bool = False  # read by a guardian: the purpose speaks of the child
    for_pupil: bool = False  # read by the pupil it is about: the purpose says "tu"

    @property
    def name(self) -> str:
        return str(self.purpose.name_for(child=self.for_child, pupil=self.for_pupil))

    @property
    def description(self) -> str:
        return str(self.purpose.description_for(child=self.for_child, pupil=self.for_pupil))

    @property
    def given(self) -> bool:
        return self.record is not None and self.record.act == Act.GIVEN

    @property
    def to_renew(self) -> bool:
        """Given, but before a material change widened the purpose: stopped until given again."""
        if not self.given or self.record is None:
            return False
        version = self.record.charter_version
        return widened_since(self.purpose.code, version.number if version else None)

    @property
    def holds(self) -> bool:
        return self.given and not self.to_renew


def consent_lines(
    person: User, *, for_child: bool = False, for_pupil: bool = False
) -> list[ConsentLine]:
    latest = latest_records(person)
    return [
        ConsentLine(purpose=p, record=latest.get(p.code), for_child=for_child, for_pupil=for_pupil)
        for p in purposes_for(person)
    ]


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
    lines = consent_lines(
        person,
        for_child=child and viewer.pk != person.pk,
        for_pupil=viewer.pk == person.pk and person.role == Role.PUPIL,
    )
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


ADULT_AGE = 18


def is_adult(person: User, day: date) -> bool:
    """Not a pupil (marketing never reaches pupils, of any age), and not known to be under 18:
    a parent or teacher who gave no birth date is taken as the adult their account says."""
    if person.role == Role.PUPIL:
        return False
    age = person.age_on(day)
    return age is None or age >= ADULT_AGE


# How each child's guardian was checked, for the DPO (D3) ---------------------------------------


@dataclass(frozen=True)
class ParentalCheck:
    child: User
    verification: str
    label: str
    strength: int
    at: datetime
    channel: str


def access_parental_checks(*, viewer: User, method: str = "") -> list[ParentalCheck]:
    """For the DPO only: each child a guardian consented for, with how that guardian's
    authority was checked on their latest consent (weakest checks first, to be looked at
    first); `method` keeps one way of checking. Anyone else: not found."""
    if not (isinstance(viewer, User) and viewer.is_active and viewer.role == Role.DPO):
        raise NotFound(_("Page introuvable."))
    if method and method not in Verification.values:
        return []
    given = ConsentRecord.objects.filter(on_behalf=True, act=Act.GIVEN)
    latest_ids = given.values("subject_ref").annotate(last=Max("id")).values_list("last", flat=True)
    records = ConsentRecord.objects.filter(id__in=list(latest_ids))
    if method:
        records = records.filter(verification=method)
    refs = {r.subject_ref.removeprefix("user:"): r for r in records}
    people = {str(u.public_id): u for u in User.objects.filter(public_id__in=list(refs))}
    rows = [
        ParentalCheck(
            child=people[public_id],
            verification=record.verification,
            label=str(Verification(record.verification).label),
            strength=VERIFICATION_STRENGTH[Verification(record.verification)],
            at=record.at,
            channel=record.get_channel_display(),
        )
        for public_id, record in refs.items()
        if public_id in people  # an erased child's records name nobody any more
    ]
    return sorted(rows, key=lambda r: (r.strength, r.child.last_name, r.child.first_name, r.at))
