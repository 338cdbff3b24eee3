from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.content.models import Exercise
from charte.core.models import PublicIdModel


class Attempt(PublicIdModel):
    """One go at an exercise: the answers as given, and the score the correction gave them."""

    pupil = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("élève")
    )
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("exercice")
    )
    # [{"question": "q1", "response": ..., "score": 0..1}, ...]
    answers = models.JSONField(_("réponses"), default=list)
    score = models.FloatField(_("score"))
    created_at = models.DateTimeField(_("fait le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("tentative d'exercice")
        verbose_name_plural = _("tentatives d'exercices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                name="results_attempt_score_between_0_and_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.exercise_id} {self.score:.2f}"

    @property
    def percent(self) -> int:
        return round(self.score * 100)
