from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


class ErrorReportQuerySet(models.QuerySet["ErrorReport"]):
    def still_open(self) -> "ErrorReportQuerySet":
        return self.exclude(status=ErrorReport.Status.CLOSED)


class ErrorReport(PublicIdModel):
    """Something someone found wrong on a page, and where customer service stands with it.

    A signed-in person is known by their account, and answered through it (a child through
    their guardians). A visitor may leave an address for the one reply; nothing else is asked.
    """

    class Status(models.TextChoices):
        NEW = "new", _("nouveau")
        IN_PROGRESS = "in_progress", _("en cours")
        ANSWERED = "answered", _("répondu")
        CLOSED = "closed", _("clos")

    MESSAGE_MAX = 2000
    PAGE_MAX = 300

    reporter = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="error_reports",
        verbose_name=_("auteur"),
    )
    contact_email = models.EmailField(_("adresse pour la réponse"), blank=True)
    language = models.CharField(_("langue de la réponse"), max_length=8, default="fr")
    page = models.CharField(_("page concernée"), max_length=PAGE_MAX, blank=True)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_reports",
        verbose_name=_("pris en charge par"),
    )
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="support_report_closed_has_date",
            ),
            # An address is asked only of a visitor: a signed-in person is reached through
            # their account, by the rules that protect children.
            models.CheckConstraint(
                condition=models.Q(reporter__isnull=True) | models.Q(contact_email=""),
                name="support_report_address_only_for_visitors",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Answer(PublicIdModel):
    """Customer service's reply to a report, as sent (to the reporter, or to their guardians)."""

    BODY_MAX = 4000

    report = models.ForeignKey(
        ErrorReport, on_delete=models.CASCADE, related_name="answers", verbose_name=_("signalement")
    )
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur de la réponse"),
    )
    body = models.TextField(_("réponse"), max_length=BODY_MAX)
    sent_to = models.PositiveSmallIntegerField(_("nombre de destinataires"), default=0)
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("réponse à un signalement")
        verbose_name_plural = _("réponses aux signalements")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.public_id} on {self.report_id}"
