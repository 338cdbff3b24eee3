"""Consent records, the texts people consented to, the charter's versions and API clients."""

import hashlib
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.core.models import PublicIdModel


class AppendOnlyError(RuntimeError):
    """A consent record is a proof: it is written once and never edited."""


class ConsentText(models.Model):
    """The exact words a person read before choosing, for one purpose in one language.

    A text is identified by its SHA-256 digest; a new wording of the same purpose is a new
    version. Records point here, so that the proof says which text was shown.
    """

    purpose = models.CharField(_("finalité"), max_length=40)
    language = models.CharField(_("langue"), max_length=8)
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("texte"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language", "version"], name="consent_text_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version} ({self.language})"

    @staticmethod
    def digest(body: str) -> str:
        return hashlib.sha256(body.encode()).hexdigest()


class CharterVersion(models.Model):
    """A published version of the charter: a snapshot of the register, and what changed."""

    number = models.PositiveIntegerField(_("numéro"), unique=True)
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)
    snapshot = models.JSONField(_("registre publié"))
    digest = models.CharField(_("empreinte SHA-256"), max_length=64)
    changes = models.JSONField(_("changements"), default=list)
    material = models.BooleanField(_("changement important"), default=False)
    # The telling of a material change, by email, in batches of people taken in the order of
    # their account's key: the last key told, and when everyone had been.
    told_through = models.PositiveBigIntegerField(_("annoncée jusqu'au compte"), default=0)
    told_at = models.DateTimeField(_("annoncée à tous le"), null=True, blank=True)

    class Meta:
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def material_purposes(self) -> list[str]:
        """Purposes whose consent this version asks for again."""
        return sorted({code for c in self.changes if c.get("material") for code in c["purposes"]})


class Act(models.TextChoices):
    GIVEN = "given", _("donné")
    WITHDRAWN = "withdrawn", _("retiré")
    REFUSED = "refused", _("refusé")


class Channel(models.TextChoices):
    SIGNUP = "signup", _("case cochée à l'inscription")
    FAMILY = "family", _("case cochée par le parent en créant le compte de l'enfant")
    GUARDIAN_LINK = "guardian_link", _("lien d'invitation reçu par le responsable légal")
    SIGN_IN = "sign_in", _("question posée à la connexion")
    PRIVACY_CENTRE = "privacy_centre", _("espace « Mes données »")
    EMAIL_LINK = "email_link", _("lien de désinscription d'un e-mail")
    API = "api", _("service de l'éditeur, par l'API")


class Verification(models.TextChoices):
    """How the authority of whoever consented for a child was checked, weakest first."""

    SELF = "self", _("la personne elle-même (pas de responsable légal en jeu)")
    DECLARED = "declared", _("case cochée : le parent se déclare titulaire de l'autorité parentale")
    EMAIL_AND_SCHOOL = (
        "email_and_school",
        _("adresse du parent confirmée par e-mail, enfant inscrit par son établissement"),
    )
    SCHOOL_LETTER = (
        "school_letter",
        _("courrier aux parents avec un code remis par l'établissement"),
    )


# Stronger checks rank higher (the school's letter counts most).
VERIFICATION_STRENGTH = {
    Verification.SELF: 0,
    Verification.DECLARED: 1,
    Verification.EMAIL_AND_SCHOOL: 2,
    Verification.SCHOOL_LETTER: 3,
}


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Consent records cannot be updated.")


class ConsentRecord(PublicIdModel):
    """One act about one purpose for one person: given, withdrawn or refused. Append-only.

    The state of a consent is its latest record. People are named by reference
    ("user:<public id>"), like in the journal, so that the proof outlives the account for the
    time the law asks (RGPD art. 7.1) without naming anyone once the account is gone.
    """

    subject_ref = models.CharField(_("personne concernée"), max_length=64)
    purpose = models.CharField(_("finalité"), max_length=40)
    act = models.CharField(_("acte"), max_length=10, choices=Act.choices)
    actor_ref = models.CharField(_("auteur"), max_length=64)
    on_behalf = models.BooleanField(_("par un responsable légal"), default=False)
    channel = models.CharField(_("moyen"), max_length=20, choices=Channel.choices)
    # For a consent given on a child's behalf: how the guardian's authority was checked.
    verification = models.CharField(
        _("vérification de l'autorité parentale"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.SELF,
    )
    text = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("texte montré"),
    )
    charter_version = models.ForeignKey(
        CharterVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("version de la charte"),
    )
    at = models.DateTimeField(_("date et heure"), default=timezone.now)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_ref", "purpose", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(act="given", text__isnull=False) | ~models.Q(act="given"),
                name="consent_given_has_text",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_ref} {self.purpose} {self.act}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Consent records cannot be updated.")
        super().save(*args, **kwargs)


class ApiClient(models.Model):
    """Another service of the operator allowed to read and record consents through the API.

    Only a SHA-256 digest of its key is stored; the key itself is shown once, at creation.
    """

    name = models.CharField(_("service"), max_length=60, unique=True)
    key_prefix = models.CharField(_("début de la clé"), max_length=8)
    key_sha256 = models.CharField(_("empreinte de la clé"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("service client de l'API")
        verbose_name_plural = _("services clients de l'API")

    def __str__(self) -> str:
        return self.name
