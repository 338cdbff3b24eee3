from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.core.models import PublicIdModel


class ProofChangedError(RuntimeError):
    """A record of a choice is never edited; only erasure and retention touch it, in bulk."""


class Action(models.TextChoices):
    ACCEPT_ALL = "accept", _("Tout accepté")
    REFUSE_ALL = "refuse", _("Tout refusé")
    CUSTOM = "custom", _("Choix personnalisé")
    GRANT = "grant", _("Accord pour une catégorie")


class Method(models.TextChoices):
    BANNER = "banner", _("Bandeau")
    PAGE = "page", _("Page « Cookies »")
    SIGN_IN = "sign_in", _("Case « Rester connecté »")
    EMBED = "embed", _("Bouton d'un contenu externe")


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def of_browser(self, consent_id: object) -> "ConsentRecordQuerySet":
        return self.filter(consent_id=consent_id)

    def latest_first(self) -> "ConsentRecordQuerySet":
        return self.order_by("-at", "-id")


class ConsentRecord(PublicIdModel):
    """One choice about cookies, as made: the proof of a consent, or of a refusal.

    Rows are written once and never changed: a new choice is a new row with the same
    `consent_id` (the random id in the browser's consent cookie), so the history stays whole.
    """

    consent_id = models.UUIDField(_("identifiant du choix (cookie)"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cookie_choices",
        verbose_name=_("compte"),
    )
    at = models.DateTimeField(_("date et heure"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    method = models.CharField(_("moyen"), max_length=10, choices=Method.choices)
    categories = models.JSONField(_("catégories acceptées"), default=list)
    iab_purposes = models.JSONField(_("finalités IAB acceptées"), default=list)
    iab_special_features = models.JSONField(
        _("fonctionnalités spéciales IAB acceptées"), default=list
    )
    vendors = models.JSONField(_("partenaires IAB acceptés"), default=list)
    gpc = models.BooleanField(_("signal Global Privacy Control"), default=False)
    language = models.CharField(_("langue"), max_length=8)
    texts_hash = models.CharField(_("empreinte des textes montrés"), max_length=64)
    code_version = models.CharField(_("version du code"), max_length=16)
    user_agent = models.CharField(_("navigateur (début)"), max_length=120, blank=True)
    tc_string = models.TextField(_("chaîne TCF"), blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("choix sur les cookies")
        verbose_name_plural = _("choix sur les cookies")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=[a.value for a in Action]),
                name="cookies_record_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=[m.value for m in Method]),
                name="cookies_record_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {','.join(self.categories)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ProofChangedError("A cookie choice is proof: record a new choice instead.")
        super().save(*args, **kwargs)
