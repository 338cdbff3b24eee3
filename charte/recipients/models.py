from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


class Disclosure(PublicIdModel):
    """One accepted sharing of a person's data with a recipient of the register."""

    person = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosures",
        verbose_name=_("personne concernée"),
    )
    recipient = models.CharField(_("destinataire"), max_length=40)
    purpose = models.CharField(_("finalité"), max_length=40)
    categories = models.JSONField(_("catégories de données"), default=list)
    at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    decided_by = models.CharField(_("décidé par"), max_length=64)
    legal_basis = models.CharField(_("fondement"), max_length=300, blank=True)
    reference = models.CharField(_("référence"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("transmission de données")
        verbose_name_plural = _("transmissions de données")
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.recipient} {self.at:%Y-%m-%d}"


class AuthorityRequest(PublicIdModel):
    """An authority's request for data, as the DPO recorded it, with its legal basis."""

    authority = models.CharField(_("autorité"), max_length=200)
    legal_basis = models.CharField(_("fondement légal"), max_length=300)
    reference = models.CharField(_("référence de la demande"), max_length=120)
    received_on = models.DateField(_("reçue le"))
    person = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authority_requests",
        verbose_name=_("personne concernée"),
    )
    categories = models.JSONField(_("catégories transmises"), default=list)
    recorded_by = models.ForeignKey(
        User,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now, editable=False)
    disclosure = models.OneToOneField(
        Disclosure,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("communication"),
    )

    class Meta:
        verbose_name = _("demande d'une autorité")
        verbose_name_plural = _("demandes des autorités")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.authority} {self.reference}"
