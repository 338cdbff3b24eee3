from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


class Mailing(PublicIdModel):
    """One message written by the marketing service, and the progress of its sending.

    Its recipients are chosen when it is sent, batch by batch (`cursor` is the last account key
    looked at), among the adults whose consent to its purpose holds at that moment; each copy is
    a message of the outbox, tagged with `campaign`.
    """

    class Purpose(models.TextChoices):
        NEWSLETTER = "newsletter", _("lettre d'information")
        REVIEWS = "reviews", _("invitation à donner son avis")

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SENDING = "sending", _("envoi en cours")
        SENT = "sent", _("envoyée")

    KIND_BY_PURPOSE = {
        Purpose.NEWSLETTER: "mailings.newsletter",
        Purpose.REVIEWS: "mailings.review_invitation",
    }

    purpose = models.CharField(
        _("finalité"), max_length=20, choices=Purpose.choices, default=Purpose.NEWSLETTER
    )
    subject = models.CharField(_("objet"), max_length=150)
    body = models.TextField(_("texte"))
    subject_en = models.CharField(_("objet en anglais"), max_length=150, blank=True)
    body_en = models.TextField(_("texte en anglais"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="mailings_written",
        verbose_name=_("écrite par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    sent_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings_sent",
        verbose_name=_("envoyée par"),
    )
    started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("tous les messages préparés le"), null=True, blank=True)
    # Copies queued once every batch is (the progress bar's whole; until then, `queued`).
    planned = models.PositiveIntegerField(_("destinataires prévus"), default=0)
    cursor = models.PositiveBigIntegerField(_("dernier compte examiné"), default=0)
    queued = models.PositiveIntegerField(_("messages préparés"), default=0)

    class Meta:
        verbose_name = _("envoi groupé")
        verbose_name_plural = _("envois groupés")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def campaign(self) -> str:
        return f"mailing:{self.public_id}"

    @property
    def kind(self) -> str:
        return self.KIND_BY_PURPOSE[self.Purpose(self.purpose)]

    def email_context(self) -> dict[str, str]:
        return {
            "mailing_subject": self.subject,
            "mailing_body": self.body,
            "mailing_subject_en": self.subject_en,
            "mailing_body_en": self.body_en,
        }


# A message as marketing writes one, for tests that send every kind and for previews.
EXAMPLE = {
    "mailing_subject": "Les nouveautés de la rentrée",
    "mailing_body": "Bonjour,\n\nTrois nouveaux parcours sur la citoyenneté vous attendent.",
    "mailing_subject_en": "",
    "mailing_body_en": "",
}
