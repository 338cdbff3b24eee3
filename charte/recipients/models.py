from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel
from charte.privacy.register import NoticeKind


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


class NoticeQuerySet(models.QuerySet["Notice"]):
    def open(self) -> "NoticeQuerySet":
        return self.exclude(state=Notice.State.CONFIRMED)

    def of_request(self, reference: str) -> "NoticeQuerySet":
        return self.filter(request_reference=reference)

    def holding(self) -> "NoticeQuerySet":
        """Overdue, and the DPO has not decided to answer the person without them."""
        return self.filter(state=Notice.State.OVERDUE, waived_at__isnull=True)


class Notice(PublicIdModel):
    """One recipient told of one person's erasure, rectification or restriction (art. 19).

    Names the disclosures it is about by their public ids, which the recipient received with
    the data: what it needs to find them, and all that stays once the person is erased.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente d'envoi")
        # An email notice handed to our outbox: it is "sent" only once the outbox delivered it.
        OUTBOX = "outbox", _("remis à notre envoi d'e-mails, pas encore parti")
        SENT = "sent", _("envoyé, confirmation attendue")
        CONFIRMED = "confirmed", _("confirmé par le destinataire")
        OVERDUE = "overdue", _("sans réponse dans le délai")

    class Origin(models.TextChoices):
        REQUEST = "request", _("une demande")
        SELF_SERVICE = "self_service", _("une correction dans « Mes informations »")

    class Via(models.TextChoices):
        API = "api", _("API")
        EMAIL = "email", _("e-mail")

    MAX_ATTEMPTS = 6

    person = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recipient_notices",
        verbose_name=_("personne concernée"),
    )
    recipient = models.CharField(_("destinataire"), max_length=40)
    kind = models.CharField(_("avis"), max_length=10, choices=NoticeKind.choices)
    # The request it answers (its public id): the rights engine sits above this app. A
    # correction the person made themself has no request: a reference of its own.
    request_reference = models.CharField(_("demande"), max_length=64)
    origin = models.CharField(
        _("à la suite de"), max_length=12, choices=Origin.choices, default=Origin.REQUEST
    )
    disclosures = models.JSONField(_("transmissions concernées"), default=list)
    categories = models.JSONField(_("catégories de données"), default=list)
    # For a correction: the corrected values of what the recipient received; else empty.
    payload = models.JSONField(_("contenu"), default=dict, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.QUEUED)
    via = models.CharField(_("par"), max_length=5, choices=Via.choices, blank=True)
    # The outbox message that carries an email notice (its public id), to know when it left.
    message = models.UUIDField(_("e-mail"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=200, blank=True)
    queued_at = models.DateTimeField(_("préparé le"), default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    due_at = models.DateTimeField(_("réponse attendue avant"))
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    confirmed_via = models.CharField(_("confirmé par"), max_length=5, blank=True)
    overdue_at = models.DateTimeField(_("en retard depuis"), null=True, blank=True)
    waived_at = models.DateTimeField(_("réponse donnée sans attendre le"), null=True, blank=True)
    waived_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    waiver_reason = models.CharField(_("motif"), max_length=300, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("avis à un destinataire")
        verbose_name_plural = _("avis aux destinataires")
        constraints = [
            models.UniqueConstraint(
                fields=["request_reference", "recipient", "kind"], name="one_notice_per_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["person", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.kind} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CONFIRMED
