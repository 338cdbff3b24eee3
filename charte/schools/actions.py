"""Changes to schools, classes and placements. Each names its actor and writes the journal."""

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.accounts.queries import guardians_of
from charte.audit.models import Entry
from charte.core.actors import Actor, SystemActor, person_ref
from charte.core.errors import ActionError, Conflict, NotFound
from charte.privacy import processing
from charte.retention import actions as retention
from charte.retention import queries as retention_queries
from charte.schools import queries
from charte.schools.models import (
    Enrolment,
    PupilLogin,
    School,
    SchoolClass,
    SchoolMember,
    SchoolYear,
    Teaching,
    new_join_code,
    normalise_join_code,
)
from charte.schools.roster import Row, fold

# Wrong class codes a pupil may type within the window before we stop checking for a while:
# enough for honest typing mistakes, far too few to guess a code among a billion.
MAX_WRONG_CODES = 8
WRONG_CODE_WINDOW = timedelta(minutes=15)


def _is(actor: Actor, person: User) -> bool:
    return isinstance(actor, User) and actor.pk == person.pk


@transaction.atomic
def create_school(*, name: str, city: str, actor: Actor) -> School:
    name, city = name.strip(), city.strip()
    if not name or not city:
        raise ActionError(_("Un établissement a besoin d'un nom et d'une commune."))
    school = School.objects.create(name=name, city=city)
    audit.record(
        event="schools.school_created", actor=actor, data={"school": str(school.public_id)}
    )
    return school


@transaction.atomic
def add_school_member(
    *, school: School, person: User, role: SchoolMember.Role, actor: Actor
) -> SchoolMember:
    """Add a teacher or a member of staff to a school; the account's role must match."""
    expected = Role.TEACHER if role == SchoolMember.Role.TEACHER else Role.SCHOOL_STAFF
    if person.role != expected:
        raise ActionError(_("Ce compte n'est pas un compte d'enseignant ou de personnel."))
    if not isinstance(actor, SystemActor) and not queries.is_staff_of(actor, school):  # type: ignore[arg-type]
        raise NotFound(_("Établissement introuvable."))
    if SchoolMember.objects.filter(school=school, person=person).exists():
        raise Conflict(_("Cette personne fait déjà partie de l'établissement."))
    member = SchoolMember.objects.create(school=school, person=person, role=role)
    audit.record(
        event="schools.member_added",
        actor=actor,
        subject=person,
        data={"school": str(school.public_id), "role": role.value},
    )
    return member


@transaction.atomic
def create_class(
    *,
    teacher: User,
    name: str,
    level: SchoolClass.Level | str,
    actor: Actor,
    school: School | None = None,
) -> SchoolClass:
    """A new class for this school year, taught by `teacher`, with a fresh code to join it."""
    if teacher.role != Role.TEACHER:
        raise ActionError(_("Seul un enseignant peut avoir une classe."))
    name = name.strip()
    if not name:
        raise ActionError(_("Donnez un nom à la classe."))
    if school is not None and not (
        queries.schools_of(teacher).filter(pk=school.pk).exists()
        or (isinstance(actor, User) and queries.is_staff_of(actor, school))
    ):
        raise ActionError(_("Vous ne faites pas partie de cet établissement."))
    school_class = SchoolClass.objects.create(
        school=school,
        year=SchoolYear.current(),
        name=name,
        level=SchoolClass.Level(level),
        join_code=_unused_code(),
    )
    Teaching.objects.create(school_class=school_class, teacher=teacher)
    audit.record(
        event="schools.class_created",
        actor=actor,
        subject=teacher,
        data={
            "class": str(school_class.public_id),
            "school": str(school.public_id) if school else None,
        },
    )
    return school_class


def _unused_code() -> str:
    while True:
        code = new_join_code()
        if not SchoolClass.objects.filter(join_code=code).exists():
            return code


@transaction.atomic
def renew_join_code(*, school_class: SchoolClass, actor: User) -> SchoolClass:
    """A new code (the old one stops working): for a code that went round too far, or reopening."""
    if not queries.can_manage_class(actor, school_class):
        raise NotFound(_("Classe introuvable."))
    school_class.join_code = _unused_code()
    school_class.save(update_fields=["join_code"])
    audit.record(
        event="schools.join_code_renewed",
        actor=actor,
        data={"class": str(school_class.public_id)},
    )
    return school_class


@transaction.atomic
def close_join_code(*, school_class: SchoolClass, actor: User) -> SchoolClass:
    """Nobody can join with a code any more (the class is complete)."""
    if not queries.can_manage_class(actor, school_class):
        raise NotFound(_("Classe introuvable."))
    school_class.join_code = None
    school_class.save(update_fields=["join_code"])
    audit.record(
        event="schools.join_code_closed", actor=actor, data={"class": str(school_class.public_id)}
    )
    return school_class


def join_class_with_code(*, pupil: User, code: str, actor: Actor) -> Enrolment:
    """The pupil, or one of their guardians for them, joins a class with the code the teacher gave.

    Not atomic as a whole, on purpose: a wrong code changes nothing but is journalled (it counts
    towards the limit of wrong codes), so its journal entry must outlive the refusal.
    """
    if pupil.role != Role.PUPIL:
        raise ActionError(_("Seul un élève peut rejoindre une classe."))
    is_guardian = isinstance(actor, User) and guardians_of(pupil).filter(pk=actor.pk).exists()
    if not (_is(actor, pupil) or is_guardian):
        raise ActionError(_("Seul l'élève ou l'un de ses responsables peut l'inscrire."))
    since = timezone.now() - WRONG_CODE_WINDOW
    wrong = Entry.objects.filter(
        event="schools.join_refused", subject_ref=person_ref(pupil), at__gte=since
    ).count()
    if wrong >= MAX_WRONG_CODES:
        raise ActionError(
            _(
                "Trop de codes erronés. Attends un quart d'heure et demande le code à ton "
                "enseignant."
            ),
            code="throttled",
        )
    normalised = normalise_join_code(code)
    school_class = (
        SchoolClass.objects.current().filter(join_code=normalised).first() if normalised else None
    )
    if school_class is None:
        audit.record(
            event="schools.join_refused", actor=actor, subject=pupil, data={"tries": wrong + 1}
        )
        raise NotFound(
            _("Ce code ne correspond à aucune classe. Vérifie-le avec ton enseignant."),
            code="unknown_code",
        )
    return _enrol(pupil=pupil, school_class=school_class, method=Enrolment.Method.CODE, actor=actor)


@transaction.atomic
def place_pupil(*, pupil: User, school_class: SchoolClass, actor: User) -> Enrolment:
    """The school's staff put a pupil in one of its classes (moving them from another one)."""
    if pupil.role != Role.PUPIL:
        raise ActionError(_("Seul un élève peut être inscrit dans une classe."))
    if not queries.is_staff_of(actor, school_class.school):
        raise NotFound(_("Classe introuvable."))
    if school_class.archived_at is not None:
        raise ActionError(_("Cette classe est archivée."))
    return _enrol(
        pupil=pupil, school_class=school_class, method=Enrolment.Method.STAFF, actor=actor
    )


@transaction.atomic
def _enrol(
    *, pupil: User, school_class: SchoolClass, method: Enrolment.Method, actor: Actor
) -> Enrolment:
    # A new class shows the pupil's data to new teachers: not while a restriction holds.
    processing.require_edit_allowed(pupil, actor)
    now = timezone.now()
    current = Enrolment.objects.select_for_update().current().filter(pupil=pupil).first()
    if current is not None and current.school_class_id == school_class.pk:
        raise Conflict(_("Cet élève est déjà dans cette classe."), code="already_there")
    left = None
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        left = str(current.school_class.public_id)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                pupil=pupil, school_class=school_class, method=method, started_at=now
            )
    except IntegrityError as exc:  # a concurrent request enrolled the pupil first
        raise Conflict(_("Cet élève vient d'être inscrit ailleurs ; rechargez la page.")) from exc
    audit.record(
        event="schools.pupil_enrolled",
        actor=actor,
        subject=pupil,
        data={
            "class": str(school_class.public_id),
            "enrolment": str(enrolment.public_id),
            "method": method.value,
            "left_class": left,
        },
    )
    return enrolment


@transaction.atomic
def end_enrolment(*, enrolment: Enrolment, actor: User) -> Enrolment:
    """Take a pupil out of a class; the enrolment stays as history."""
    if not queries.can_manage_class(actor, enrolment.school_class):
        raise NotFound(_("Inscription introuvable."))
    if enrolment.ended_at is not None:
        raise Conflict(_("Cet élève a déjà quitté la classe."))
    enrolment.ended_at = timezone.now()
    enrolment.save(update_fields=["ended_at"])
    audit.record(
        event="schools.pupil_removed",
        actor=actor,
        subject=enrolment.pupil,
        data={
            "class": str(enrolment.school_class.public_id),
            "enrolment": str(enrolment.public_id),
        },
    )
    return enrolment


@transaction.atomic
def archive_class(*, school_class: SchoolClass, actor: User) -> SchoolClass:
    """Close a class at the end of the year: its pupils leave it, its history stays."""
    if not queries.can_manage_class(actor, school_class):
        raise NotFound(_("Classe introuvable."))
    if school_class.archived_at is not None:
        raise Conflict(_("Cette classe est déjà archivée."))
    now = timezone.now()
    enrolments = list(
        Enrolment.objects.current().filter(school_class=school_class).select_related("pupil")
    )
    for enrolment in enrolments:
        enrolment.ended_at = now
        enrolment.save(update_fields=["ended_at"])
        audit.record(
            event="schools.pupil_removed",
            actor=actor,
            subject=enrolment.pupil,
            data={"class": str(school_class.public_id), "enrolment": str(enrolment.public_id)},
        )
    school_class.archived_at = now
    school_class.join_code = None
    school_class.save(update_fields=["archived_at", "join_code"])
    audit.record(
        event="schools.class_archived",
        actor=actor,
        data={"class": str(school_class.public_id), "pupils": len(enrolments)},
    )
    return school_class


@transaction.atomic
def continue_next_year(*, school_class: SchoolClass, actor: User) -> int:
    """ "La classe continue l'an prochain": its teacher keeps its pupils' accounts one more
    school year (a retention renewal of each pupil, from the class). Running it again the same
    year renews nobody twice. Returns how many pupils were renewed now."""
    if not queries.can_manage_class(actor, school_class):
        raise NotFound(_("Classe introuvable."))
    if not queries.teaches_class(actor, school_class) or actor.role != Role.TEACHER:
        raise ActionError(_("Seul un enseignant de la classe confirme qu'elle continue."))
    if school_class.archived_at is not None:
        raise Conflict(_("Cette classe est archivée."))
    kept_until = retention_queries.renewed_until(timezone.localdate())
    pupils = [
        e.pupil
        for e in Enrolment.objects.current()
        .filter(school_class=school_class)
        .select_related("pupil")
        if not e.pupil.is_staff
    ]
    # Already kept as long, whoever renewed (the class, the pupil, a guardian, a subscription).
    short = set(
        retention_queries.not_renewed_until(
            User.objects.filter(pk__in=[p.pk for p in pupils]), kept_until
        ).values_list("pk", flat=True)
    )
    renewed = 0
    for pupil in pupils:
        if pupil.pk in short:
            retention.renew(person=pupil, source="class", actor=actor)
            renewed += 1
    audit.record(
        event="schools.class_continues",
        actor=actor,
        data={
            "class": str(school_class.public_id),
            "pupils": len(pupils),
            "renewed": renewed,
            "kept_until": kept_until.isoformat(),
        },
    )
    return renewed


# Pupils brought in by their school ----------------------------------------------------------------
#
# Design: a teacher (or the school's staff) creates pupils from the school's list, one at a time
# or from a CSV file (`charte.schools.roster`), into a class they manage. An account holds what
# the school provided (names, birth date, class) and a username we make; nothing else. A child
# under the age of digital consent gets a closed account that only a parent's consent opens,
# through the letter the school prints (`families.actions.issue_letter`, D3 and D4); an older
# pupil's account is open and asks for their own consents at first sign-in. The password is
# the school's (printed on a login card, or set again by a teacher): the pupil replaces it at
# their next sign-in. A row already in the class (same names and birth date) is found again,
# so running an import twice creates nobody twice.

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105  (letters to draw from)
PASSWORD_LENGTH = 8


def _school_password() -> str:
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _username_for(first_name: str, last_name: str) -> str:
    base = ".".join(part.replace(" ", "-") for part in (fold(first_name), fold(last_name)) if part)
    base = re.sub(r"[^a-z0-9.-]", "", base)[:32].strip(".-") or "eleve"
    if len(base) < 3:
        base = f"{base}.eleve"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _require_manager(actor: Actor, school_class: SchoolClass) -> User:
    if not isinstance(actor, User) or not queries.can_manage_class(actor, school_class):
        raise NotFound(_("Classe introuvable."))
    if school_class.archived_at is not None:
        raise ActionError(_("Cette classe est archivée."))
    return actor


@dataclass(frozen=True)
class Card:
    """A login card, printed once: the password is shown nowhere else."""

    pupil: User
    username: str
    password: str


@dataclass(frozen=True)
class ImportReport:
    created: list[User]
    found: list[User]


@transaction.atomic
def create_pupil(
    *,
    school_class: SchoolClass,
    first_name: str,
    last_name: str,
    birth_date: date,
    actor: Actor,
) -> tuple[User, bool]:
    """A pupil of the school's list in `school_class`; returns (the pupil, whether created)."""
    manager = _require_manager(actor, school_class)
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not first_name or not last_name:
        raise ActionError(_("Le nom et le prénom de l'élève sont obligatoires."))
    if birth_date > timezone.localdate():
        raise ActionError(_("Une date de naissance ne peut pas être dans le futur."))
    key = (fold(last_name), fold(first_name), birth_date)
    for pupil in queries.pupils_of_class(school_class).filter(birth_date=birth_date):
        if (fold(pupil.last_name), fold(pupil.first_name), pupil.birth_date) == key:
            return pupil, False
    probe = User(role=Role.PUPIL, birth_date=birth_date, country="FR")
    child = probe.needs_guardian(timezone.localdate())
    pupil = accounts.create_account(
        actor=manager,
        role=Role.PUPIL,
        first_name=first_name,
        last_name=last_name,
        username=_username_for(first_name, last_name),
        birth_date=birth_date,
        country="FR",
        # Under the age of consent: closed, holding only the school's list, until a parent agrees.
        is_active=not child,
    )
    PupilLogin.objects.create(pupil=pupil, school_class=school_class, created_by=manager)
    _enrol(pupil=pupil, school_class=school_class, method=Enrolment.Method.STAFF, actor=manager)
    audit.record(
        event="schools.pupil_created",
        actor=manager,
        subject=pupil,
        data={"class": str(school_class.public_id), "waits_for_parent": child},
    )
    return pupil, True


@transaction.atomic
def import_pupils(*, school_class: SchoolClass, rows: list[Row], actor: Actor) -> ImportReport:
    """The good rows of a class list (`roster.read`), all or none; re-running creates nobody twice."""
    _require_manager(actor, school_class)
    created: list[User] = []
    found: list[User] = []
    for row in rows:
        pupil, new = create_pupil(
            school_class=school_class,
            first_name=row.first_name,
            last_name=row.last_name,
            birth_date=row.birth_date,
            actor=actor,
        )
        (created if new else found).append(pupil)
    audit.record(
        event="schools.pupils_imported",
        actor=actor,
        data={
            "class": str(school_class.public_id),
            "created": len(created),
            "already_there": len(found),
        },
    )
    return ImportReport(created=created, found=found)


def _set_school_password(*, pupil: User, actor: User, school_class: SchoolClass | None) -> str:
    password = _school_password()
    pupil.set_password(password)
    pupil.save(update_fields=["password"])
    login, _created = PupilLogin.objects.get_or_create(
        pupil=pupil, defaults={"school_class": school_class, "created_by": actor}
    )
    login.must_choose_password = True
    login.password_set_at = timezone.now()
    login.save(update_fields=["must_choose_password", "password_set_at"])
    return password


@transaction.atomic
def print_login_cards(*, school_class: SchoolClass, actor: Actor) -> list[Card]:
    """Cards for the class's pupils who have not yet chosen their own password.

    Each card carries a new password (we keep none we could print again): a card printed
    earlier for the same pupil stops working.
    """
    manager = _require_manager(actor, school_class)
    pupils = queries.pupils_of_class(school_class).filter(school_login__must_choose_password=True)
    cards = [
        Card(
            pupil=pupil,
            username=pupil.username or pupil.email or "",
            password=_set_school_password(pupil=pupil, actor=manager, school_class=school_class),
        )
        for pupil in pupils
    ]
    audit.record(
        event="schools.login_cards_printed",
        actor=manager,
        data={"class": str(school_class.public_id), "count": len(cards)},
    )
    return cards


@transaction.atomic
def print_parent_letters(*, school_class: SchoolClass, actor: Actor) -> list[tuple[User, str]]:
    """A letter for each pupil of the class whose account waits for a parent: (pupil, code)."""
    from charte.families.actions import issue_letter

    manager = _require_manager(actor, school_class)
    today = timezone.localdate()
    letters = [
        (pupil, issue_letter(child=pupil, actor=manager))
        for pupil in queries.pupils_of_class(school_class).filter(is_active=False)
        if pupil.needs_guardian(today) and not guardians_of(pupil).exists()
    ]
    audit.record(
        event="schools.parent_letters_printed",
        actor=manager,
        data={"class": str(school_class.public_id), "count": len(letters)},
    )
    return letters


@transaction.atomic
def reset_pupil_password(*, pupil: User, school_class: SchoolClass, actor: Actor) -> str:
    """A teacher or the school's staff give a pupil a new password, shown once.

    The pupil chooses their own at their next sign-in; every session of theirs ends.
    """
    manager = _require_manager(actor, school_class)
    if not queries.pupils_of_class(school_class).filter(pk=pupil.pk).exists():
        raise NotFound(_("Élève introuvable."))
    password = _set_school_password(pupil=pupil, actor=manager, school_class=school_class)
    audit.record(
        event="schools.pupil_password_reset",
        actor=manager,
        subject=pupil,
        data={"class": str(school_class.public_id)},
    )
    accounts.end_sessions(user=pupil, actor=manager, reason="password_reset_by_school")
    return password


@transaction.atomic
def choose_own_password(
    *, pupil: User, password: str, actor: User, keep_session: str | None = None
) -> User:
    """The pupil replaces the school's password with their own."""
    if actor.pk != pupil.pk:
        raise NotFound(_("Ce compte n'existe pas, ou vous ne pouvez pas le modifier."))
    accounts.change_password(
        user=pupil, password=password, actor=actor, reason="change", keep_session=keep_session
    )
    PupilLogin.objects.filter(pupil=pupil).update(must_choose_password=False)
    return pupil
