from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PageView(models.Model):
    """One page seen by a visitor who accepted audience measurement."""

    visitor = models.UUIDField(_("numéro de visiteur (cookie)"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("compte"),
    )
    consent_record = models.UUIDField(_("preuve du consentement"))
    path = models.CharField(_("page"), max_length=200)
    load_ms = models.PositiveIntegerField(_("temps de chargement (ms)"), null=True, blank=True)
    address = models.CharField(_("adresse réseau tronquée"), max_length=45, blank=True)
    at = models.DateTimeField(_("date et heure"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("page vue")
        verbose_name_plural = _("pages vues")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.path}"
