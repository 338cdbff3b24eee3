import secrets
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel

# Letters and digits that cannot be mistaken for one another when read aloud or copied from
# the board (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What a pupil typed, as stored: upper case, without spaces or dashes."""
    return "".join(c for c in text.upper() if c.isalnum())


class SchoolYear(models.Model):
    """A school year, from 1 September to 31 August (the summer belongs to the year that ends)."""

    label = models.CharField(_("année scolaire"), max_length=9, unique=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))

    class Meta:
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def bounds(day: date) -> tuple[int, date, date]:
        first = day.year if day.month >= 9 else day.year - 1
        return first, date(first, 9, 1), date(first + 1, 8, 31)

    @classmethod
    def of_day(cls, day: date) -> "SchoolYear":
        first, starts_on, ends_on = cls.bounds(day)
        year, _ = cls.objects.get_or_create(
            label=f"{first}-{first + 1}", defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        return year

    @classmethod
    def current(cls) -> "SchoolYear":
        return cls.of_day(timezone.localdate())


class School(PublicIdModel):
    name = models.CharField(_("nom de l'établissement"), max_length=120)
    city = models.CharField(_("commune"), max_length=80)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class SchoolMember(PublicIdModel):
    """A member of a school's staff or teaching team."""

    class Role(models.TextChoices):
        STAFF = "staff", _("personnel de direction ou de vie scolaire")
        TEACHER = "teacher", _("enseignant")

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="members", verbose_name=_("établissement")
    )
    person = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="school_memberships",
        verbose_name=_("personne"),
    )
    role = models.CharField(_("fonction"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membre d'un établissement")
        verbose_name_plural = _("membres d'établissements")
        constraints = [
            models.UniqueConstraint(fields=["school", "person"], name="schools_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.school_id} ({self.role})"


class SchoolClassQuerySet(models.QuerySet["SchoolClass"]):
    def current(self) -> "SchoolClassQuerySet":
        return self.filter(archived_at__isnull=True)


class SchoolClass(PublicIdModel):
    class Level(models.TextChoices):
        CM1 = "cm1", _("CM1")
        CM2 = "cm2", _("CM2")
        SIXIEME = "6e", _("6e")
        CINQUIEME = "5e", _("5e")
        QUATRIEME = "4e", _("4e")
        TROISIEME = "3e", _("3e")
        SECONDE = "2de", _("2de")
        PREMIERE = "1re", _("1re")
        TERMINALE = "tle", _("Terminale")
        MIXED = "mixed", _("Plusieurs niveaux")

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="classes",
        null=True,
        blank=True,
        verbose_name=_("établissement"),
    )
    year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="classes", verbose_name=_("année")
    )
    name = models.CharField(_("nom de la classe"), max_length=60)
    level = models.CharField(_("niveau"), max_length=6, choices=Level.choices)
    # Null when the teacher has closed joining by code.
    join_code = models.CharField(
        _("code de la classe"), max_length=12, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("classe")
        verbose_name_plural = _("classes")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_code(self) -> str:
        """The code as shown on the board: two groups of three."""
        code = self.join_code or ""
        return f"{code[:3]}-{code[3:]}" if len(code) == CODE_LENGTH else code


class Teaching(PublicIdModel):
    """A teacher of a class."""

    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        related_name="teachings",
        verbose_name=_("classe"),
    )
    teacher = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="teachings", verbose_name=_("enseignant")
    )
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("enseignant d'une classe")
        verbose_name_plural = _("enseignants des classes")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "teacher"], name="schools_teaching_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} teaches {self.school_class_id}"


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def current(self) -> "EnrolmentQuerySet":
        return self.filter(ended_at__isnull=True)


class Enrolment(PublicIdModel):
    """A pupil in a class, from a date to a date; the row stays when the pupil moves on."""

    class Method(models.TextChoices):
        CODE = "code", _("avec le code de la classe")
        STAFF = "staff", _("par l'établissement")

    pupil = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("élève")
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("classe"),
    )
    method = models.CharField(_("inscription"), max_length=8, choices=Method.choices)
    started_at = models.DateTimeField(_("arrivée"), default=timezone.now)
    ended_at = models.DateTimeField(_("départ"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription dans une classe")
        verbose_name_plural = _("inscriptions dans les classes")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # A pupil is in one class at a time; the former ones stay as history.
            models.UniqueConstraint(
                fields=["pupil"],
                condition=models.Q(ended_at__isnull=True),
                name="schools_enrolment_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="schools_enrolment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.school_class_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class PupilLogin(PublicIdModel):
    """A pupil whose account their school made: how they sign in the first time.

    The school creates the account from its class list and prints a login card; the password
    on the card (or one a teacher sets again) is the school's, so the pupil chooses their own
    at their next sign-in (`must_choose_password`). Holds no password: the account does.
    """

    pupil = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="school_login", verbose_name=_("élève")
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil_logins",
        verbose_name=_("classe d'arrivée"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupils_brought_in",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    must_choose_password = models.BooleanField(_("doit choisir son mot de passe"), default=True)
    password_set_at = models.DateTimeField(
        _("mot de passe donné par l'établissement le"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("compte élève créé par l'établissement")
        verbose_name_plural = _("comptes élèves créés par l'établissement")

    def __str__(self) -> str:
        return f"login of {self.pupil_id}"
