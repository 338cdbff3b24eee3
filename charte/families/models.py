from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(PublicIdModel):
    """An email inviting a guardian to act for a child: to consent, or to join as second guardian.

    The address is the one typed by the child (at sign-up) or by the first guardian. The
    invitation is accepted only by the guardian themself, through the signed link it carried;
    a child can never make someone their guardian by naming them.
    """

    class Kind(models.TextChoices):
        CONSENT = "consent", _("accord parental pour un compte en attente")
        GUARDIAN = "guardian", _("invitation d'un second responsable légal")
        LETTER = "letter", _("lettre de l'établissement aux parents, avec un code")

    VALID_DAYS = 14
    # A letter goes home in a schoolbag and may wait for a weekend or a holiday.
    LETTER_VALID_DAYS = 30

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    child = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="family_invitations", verbose_name=_("enfant")
    )
    # Empty for a letter: it reaches the parent on paper, through the child's school.
    email = models.EmailField(_("adresse invitée"), blank=True)
    # A letter's code, as a keyed hash (`families.tokens.letter_digest`): never the code itself.
    code_digest = models.CharField(_("empreinte du code"), max_length=64, blank=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="family_invitations_sent",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="family_invitations_accepted",
        verbose_name=_("acceptée par"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation familiale")
        verbose_name_plural = _("invitations familiales")
        indexes = [
            models.Index(fields=["child", "accepted_at"]),
            models.Index(fields=["code_digest"], name="families_invitation_code"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.child_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
