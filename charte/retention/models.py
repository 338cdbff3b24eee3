from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.core.models import PublicIdModel


class AppendOnlyError(RuntimeError):
    """Renewals are records of a choice: written once, never changed, gone with the account."""


class RenewalQuerySet(models.QuerySet["Renewal"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Renewals cannot be changed.")


class Renewal(PublicIdModel):
    """A reason to keep an account one more school year: who asked, how, and until when.

    `kept_until` is computed once, from the day of the renewal, and says what the person was
    told; it never changes, even if the operator later moves the school year's end.
    """

    class Source(models.TextChoices):
        SUBSCRIPTION = "subscription", _("un abonnement")
        PERSON = "person", _("la personne elle-même (« je continue l'an prochain »)")
        GUARDIAN = "guardian", _("un responsable légal (« mon enfant continue l'an prochain »)")
        CLASS = "class", _("le passage de la classe, confirmé par son enseignant")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="retention_renewals",
        verbose_name=_("personne"),
    )
    source = models.CharField(_("origine"), max_length=20, choices=Source.choices)
    actor_ref = models.CharField(_("renouvelé par"), max_length=64)
    renewed_at = models.DateTimeField(_("renouvelé le"), default=timezone.now, editable=False)
    kept_until = models.DateField(_("conservé jusqu'au"))

    objects = RenewalQuerySet.as_manager()

    class Meta:
        verbose_name = _("renouvellement")
        verbose_name_plural = _("renouvellements")
        indexes = [models.Index(fields=["person", "kept_until"])]

    def __str__(self) -> str:
        return f"{self.source} -> {self.kept_until}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Renewals cannot be changed.")
        super().save(*args, **kwargs)


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def in_force(self, day: date) -> "LegalHoldQuerySet":
        """Holds that block deletion on `day`: not lifted, and not past their end date."""
        return self.filter(lifted_at__isnull=True).filter(
            models.Q(until__isnull=True) | models.Q(until__gte=day)
        )


class LegalHold(PublicIdModel):
    """Something that must not be deleted yet, although its retention has run out.

    On a person (everything about them stays) or on one object, named by its model's label and
    its public id. Says who placed it, why, and until when (no date: until lifted).
    """

    class Reason(models.TextChoices):
        LITIGATION = "litigation", _("un litige ou une procédure en cours")
        PENDING_REQUEST = "pending_request", _("une demande en cours sur ces données")
        RESTRICTION = "restriction", _("une limitation du traitement en vigueur (RGPD art. 18)")
        AUTHORITY = "authority", _("une demande d'une autorité")
        OTHER = "other", _("une autre obligation légale")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legal_holds",
        verbose_name=_("personne"),
    )
    model_label = models.CharField(_("type d'objet"), max_length=100, blank=True)
    object_id = models.CharField(_("identifiant public de l'objet"), max_length=64, blank=True)
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    reference = models.CharField(
        _("référence"),
        max_length=100,
        blank=True,
        help_text=_("Le numéro du dossier ou de la demande, jamais un nom."),
    )
    placed_by_ref = models.CharField(_("posée par"), max_length=64)
    placed_at = models.DateTimeField(_("posée le"), default=timezone.now, editable=False)
    until = models.DateField(_("jusqu'au"), null=True, blank=True)
    lifted_by_ref = models.CharField(_("levée par"), max_length=64, blank=True)
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("gel de suppression")
        verbose_name_plural = _("gels de suppression")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, model_label="", object_id="")
                    | (
                        models.Q(person__isnull=True)
                        & ~models.Q(model_label="")
                        & ~models.Q(object_id="")
                    )
                ),
                name="retention_hold_on_person_or_object",
            )
        ]

    def __str__(self) -> str:
        target = f"person {self.person_id}" if self.person_id else self.model_label
        return f"{self.reason} on {target}"


class ExpiryNotice(models.Model):
    """That a person (or their guardians) was told their data would go on a given day.

    One per person and expiry day, so that the daily job never tells them twice.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="retention_notices",
        verbose_name=_("personne"),
    )
    kept_until = models.DateField(_("conservé jusqu'au"))
    sent_at = models.DateTimeField(_("prévenu le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("avis d'expiration")
        verbose_name_plural = _("avis d'expiration")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kept_until"], name="retention_notice_once_per_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} until {self.kept_until}"


class StoredForecast(models.Model):
    """The retention forecast of one day, as the nightly job computed it, for the DPO's home.

    Its counts read most of each big table (seconds at a country's scale, each time), too slow
    for a page that opens at every sign-in: the job computes them once a night
    (`actions.store_forecast`) and the home page reads this row. The full retention page still
    computes its forecast live, on the day the DPO picks.

    `rules` holds, per rule in sweep order, its counts as `forecast.Forecast.as_data()` writes
    them: counts only, no sample, so that this row names nobody (an erasure has nothing to
    find here).
    """

    STALE_AFTER = timedelta(days=2)  # a night missed is normal; two mean the job is not running

    day = models.DateField(_("calculée pour le"), unique=True)
    rules = models.JSONField(_("chiffres par règle"), default=list)
    computed_at = models.DateTimeField(_("calculée le"), default=timezone.now)

    class Meta:
        verbose_name = _("prévision de conservation calculée")
        verbose_name_plural = _("prévisions de conservation calculées")

    def __str__(self) -> str:
        return f"forecast for {self.day}"

    def is_stale(self, now: datetime) -> bool:
        return now - self.computed_at > self.STALE_AFTER
