from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


class Objection(PublicIdModel):
    """A pupil, or a guardian for them, objects to the coach using their results.

    While this row exists, `coach.queries.personalisation_allowed(pupil)` is False.
    """

    pupil = models.OneToOneField(User, on_delete=models.CASCADE, related_name="coach_objection")
    by_guardian = models.BooleanField(_("par un responsable légal"), default=False)
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("opposition au coach personnalisé")
        verbose_name_plural = _("oppositions au coach personnalisé")

    def __str__(self) -> str:
        return f"{self.pupil_id} objects since {self.created_at:%Y-%m-%d}"
