from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


class Message(PublicIdModel):
    """One email to one recipient, kept until delivered and then 30 days."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec, sera réessayé")
        ABANDONED = "abandoned", _("abandonné après plusieurs échecs")

    MAX_ATTEMPTS = 5

    kind = models.CharField(_("type"), max_length=80)
    # Empty for a message to an address with no account: an invitation to a guardian who has
    # none yet (`about` is the child), or a reply to a visitor (`about` empty too).
    recipient = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages_received",
        verbose_name=_("destinataire"),
    )
    about = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages_about",
        verbose_name=_("personne concernée"),
    )
    to_email = models.EmailField(_("adresse du destinataire"))
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    # The batch sending this message belongs to ("mailing:<public id>"), to follow its progress.
    campaign = models.CharField(_("envoi groupé"), max_length=60, blank=True, db_index=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"
