from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.consent_age import age_on, digital_consent_age
from charte.core import cached
from charte.core.models import PublicIdModel


class Role(models.TextChoices):
    PUPIL = "pupil", _("Élève")
    PARENT = "parent", _("Parent")
    TEACHER = "teacher", _("Enseignant")
    SCHOOL_STAFF = "school_staff", _("Personnel d'établissement")
    DPO = "dpo", _("Délégué à la protection des données")
    CUSTOMER_SERVICE = "customer_service", _("Service client")
    MARKETING = "marketing", _("Service marketing")
    SALES = "sales", _("Service commercial")
    ACCOUNTING = "accounting", _("Service comptabilité")
    IT = "it", _("Service informatique")


# A role as it reads beside a person's name ("Élise · Protection des données"): words that
# need no gender, since we do not collect it. The other roles' names need none already.
ROLE_BADGES = {
    Role.TEACHER: _("Enseignement"),
    Role.DPO: _("Protection des données"),
}


# People who use the platform, under the charter's Annex 1 row 1 (and its retention).
PLATFORM_ROLES = frozenset({Role.PUPIL, Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF})
# The operator's own people: staff accounts, outside the platform users' retention.
STAFF_ROLES = frozenset(
    {Role.DPO, Role.CUSTOMER_SERVICE, Role.MARKETING, Role.SALES, Role.ACCOUNTING, Role.IT}
)

username_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{2,39}$",
    _(
        "Un identifiant comporte de 3 à 40 caractères : lettres minuscules, chiffres, points, "
        "tirets ou tirets bas."
    ),
)


# The fields that decide whether a person needs a guardian (`User.needs_guardian`), and only
# they. Who may change them, and how, is `charte.accounts.guardian_rule`.
GUARDIAN_FIELDS: tuple[str, ...] = ("role", "birth_date", "country")


class GuardianFieldsUnchecked(RuntimeError):
    """A write of a field in GUARDIAN_FIELDS that did not go through `guardian_rule.check`.

    A programming error, not a person's: every route that changes these fields must call the
    action `accounts.actions.change_guardian_fields` (or `change_role`), which checks the rule.
    """


# What is cached about a person sits under two version tokens: the person's (the consent API's
# answer: whether the account exists, is open, and its role, with the person's consents; every
# consent write replaces it too) and the account's (what a consent write reads of the account:
# its state, role, birth date and country, which decide the purposes it may choose; consent
# writes leave it alone). Every write of these fields and every deletion of an account replaces
# both once it commits, whichever way it is written: `User.save()` and `User.delete()`, and the
# queryset's `update()`, `bulk_update()`, `delete()` and the erasure's plain `_raw_delete()`. A
# path that missed it would let a closed or erased account's consent hold from the cache.
STATE_FIELDS = frozenset({"is_active", "role", "is_staff", "birth_date", "country"})


def person_token(ref: str) -> str:
    """The version token of what is cached about the person `ref` ("user:<public id>")."""
    return f"person:version:{ref}"


def account_token(ref: str) -> str:
    """The version token of what is cached about the account of `ref` alone (its state, role,
    birth date and country), which the person's consent writes do not replace."""
    return f"account:version:{ref}"


def state_changed(public_ids: Iterable[UUID | str]) -> None:
    """The accounts `public_ids` changed (or went): the open transaction reads them from the
    database, and every process does once it commits. Called once the change is written."""
    refs = [f"user:{public_id}" for public_id in public_ids]
    cached.changed(*(token(ref) for ref in refs for token in (person_token, account_token)))


class UserQuerySet(models.QuerySet["User"]):
    def update(self, **kwargs: Any) -> int:
        """Never the fields that decide parental control: they change one account at a time,
        through the action that checks who may change them (see `guardian_rule`). A change of
        an account's state (`STATE_FIELDS`) replaces each account's token once it commits."""
        touched = sorted(set(kwargs) & set(GUARDIAN_FIELDS))
        if touched:
            raise GuardianFieldsUnchecked(
                f"{', '.join(touched)}: change these through accounts.actions, not update()."
            )
        if not STATE_FIELDS & set(kwargs):
            return super().update(**kwargs)
        # Only the accounts read here are written, so that none changes without its token.
        keys, public_ids = self._keys()
        if not keys:
            return 0
        done = super(UserQuerySet, self.filter(pk__in=keys)).update(**kwargs)
        state_changed(public_ids)
        return done

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        done = super().bulk_update(objs, fields, batch_size=batch_size)
        if STATE_FIELDS & set(fields):
            state_changed(obj.public_id for obj in objs)
        return done

    def delete(self) -> tuple[int, dict[str, int]]:
        keys, public_ids = self._keys()
        if not keys:
            return 0, {}
        done = super(UserQuerySet, self.filter(pk__in=keys)).delete()
        state_changed(public_ids)
        return done

    def _raw_delete(self, using: str | None) -> int:
        """The erasure's plain DELETE, without Django's collector: the tokens go too."""
        keys, public_ids = self._keys()
        if not keys:
            return 0
        done: int = super(UserQuerySet, self.filter(pk__in=keys))._raw_delete(using)
        state_changed(public_ids)
        return done

    def _keys(self) -> tuple[list[int], list[UUID]]:
        rows = list(self.order_by().values_list("pk", "public_id"))
        return [pk for pk, _ in rows], [public_id for _, public_id in rows]

    def platform_users(self) -> "UserQuerySet":
        return self.filter(is_staff=False)

    def staff(self) -> "UserQuerySet":
        return self.filter(is_staff=True)

    def by_login(self, login: str) -> "UserQuerySet":
        """Accounts that `login` (an email address or a username) names, case-insensitively."""
        login = login.strip()
        if "@" in login:
            return self.filter(email__iexact=login)
        return self.filter(username__iexact=login)


class _UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return UserQuerySet(self.model, using=self._db).by_login(username or "").get()

    def create_superuser(self, email: str, password: str, **extra: Any) -> "User":
        """`createsuperuser` makes an IT staff account: we have no all-powerful role."""
        from charte.accounts import actions
        from charte.core.actors import SEED

        return actions.create_account(
            actor=SEED,
            role=Role.IT,
            email=email,
            password=password,
            first_name=extra.get("first_name", ""),
            last_name=extra.get("last_name", ""),
        )


UserManager = _UserManager.from_queryset(UserQuerySet)


class User(PublicIdModel, AbstractBaseUser):
    """A person with an account: a platform user (pupil, parent, teacher, school staff) or staff.

    Pupils under the age of digital consent may have no email address: they sign in with a
    username chosen by their parent or teacher, and are reached through their guardians.
    """

    email = models.EmailField(_("adresse e-mail"), unique=True, null=True, blank=True)
    username = models.CharField(
        _("identifiant"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[username_validator],
    )
    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    # Derived from the role, in the database, so that it can never disagree with it.
    is_staff = models.GeneratedField(
        expression=models.Q(role__in=sorted(STAFF_ROLES)),  # type: ignore[arg-type]
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("compte interne"),
    )
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    country = models.CharField(_("pays de résidence"), max_length=2, default="FR")
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("compte créé le"), default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(_("dernier clic"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("dernière commande"), null=True, blank=True)
    # Set when the DPO records the person's death: from then on, nothing is sent to them and
    # they count as nobody's guardian (the record itself is `subject_requests.Death`).
    deceased_at = models.DateTimeField(_("décès enregistré le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(username__isnull=False),
                name="accounts_user_has_login",
                violation_error_message=_(
                    "Un compte a besoin d'une adresse e-mail ou d'un identifiant."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.login

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> "User":
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._remember_guardian_fields()
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse a change of GUARDIAN_FIELDS that `guardian_rule.check` did not allow."""
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            loaded: dict[str, Any] = getattr(self, "_guardian_fields_loaded", {})
            changed = [
                name
                for name in GUARDIAN_FIELDS
                if name in loaded
                and (update_fields is None or name in update_fields)
                and self.__dict__.get(name) != loaded[name]
            ]
            allowed = set(getattr(self, "_guardian_fields_allowed", ()))
            if set(changed) - allowed:
                raise GuardianFieldsUnchecked(
                    f"{', '.join(changed)}: change these through accounts.actions, not save()."
                )
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        if not adding and (update_fields is None or STATE_FIELDS & set(update_fields)):
            state_changed([self.public_id])
        self._guardian_fields_allowed: tuple[str, ...] = ()
        self._remember_guardian_fields()

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        done = super().delete(using=using, keep_parents=keep_parents)
        state_changed([self.public_id])
        return done

    def refresh_from_db(
        self, using: str | None = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember_guardian_fields(only=fields)

    def _remember_guardian_fields(self, only: Any = None) -> None:
        loaded: dict[str, Any] = dict(getattr(self, "_guardian_fields_loaded", {}))
        for name in GUARDIAN_FIELDS:
            if name in self.__dict__ and (only is None or name in only):
                loaded[name] = self.__dict__[name]
        self._guardian_fields_loaded = loaded

    @property
    def role_badge(self) -> str:
        """The role beside the person's name, in words that need no gender (`ROLE_BADGES`)."""
        return str(ROLE_BADGES.get(Role(self.role), self.get_role_display()))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def login(self) -> str:
        """What the person types to sign in."""
        return self.email or self.username or ""

    @property
    def is_platform_user(self) -> bool:
        return self.role in PLATFORM_ROLES

    @property
    def last_activity(self) -> datetime | None:
        """Charter, Annex 1 footnote: the latest of last click, last sign-in, last order."""
        moments = [
            m for m in (self.last_seen_at, self.last_login, self.last_order_at) if m is not None
        ]
        return max(moments) if moments else None

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day) if self.birth_date else None

    def needs_guardian(self, day: date) -> bool:
        """Under the age of digital consent of their country: a guardian consents and is reached.

        A pupil whose birth date we do not know is treated as a child: the safe side.
        """
        if self.role != Role.PUPIL:
            return False
        age = self.age_on(day)
        return age is None or age < digital_consent_age(self.country)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name


class GuardianshipQuerySet(models.QuerySet["Guardianship"]):
    def confirmed(self) -> "GuardianshipQuerySet":
        return self.filter(status=Guardianship.Status.CONFIRMED)


class Guardianship(PublicIdModel):
    """A holder of parental authority and a child: the guardian acts and is reached for the child.

    A link exists only once the guardian has confirmed it: a child can never make someone their
    guardian by saying so. A child has at most two guardians.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation par le responsable")
        CONFIRMED = "confirmed", _("confirmé")

    MAX_PER_CHILD = 2

    guardian = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="guardianships",
        verbose_name=_("responsable légal"),
    )
    child = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="guardian_links", verbose_name=_("enfant")
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    objects = GuardianshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lien de responsabilité légale")
        verbose_name_plural = _("liens de responsabilité légale")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "child"], name="accounts_guardianship_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("child")),
                name="accounts_guardianship_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", confirmed_at__isnull=True)
                | models.Q(status="confirmed", confirmed_at__isnull=False),
                name="accounts_guardianship_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} -> {self.child_id} ({self.status})"


class Session(AbstractBaseSession):
    """A signed-in session, tied to its user so that it can be listed, ended and erased."""

    # Django's own fields, with their names in our languages (shown in the charter and archives).
    session_key = models.CharField(_("clé de session"), max_length=40, primary_key=True)
    session_data = models.TextField(_("données de session"))
    expire_date = models.DateTimeField(_("expire le"), db_index=True)

    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("compte"),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> Any:
        from charte.accounts.sessions import SessionStore

        return SessionStore
