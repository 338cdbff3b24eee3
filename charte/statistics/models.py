from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.learning.models import Pseudonym


class Activity(models.Model):
    """What one pseudonym did in one week, hour, competency and class: the aggregates' grain.

    Reports read these rows, never the events: counting people (distinct pseudonyms) needs the
    person in the grain, and a week holds one row per person and hour of work, not one per
    answer. Kept up to date by `aggregate.refresh`, which adds new events to their rows.
    Ids of context are plain integers (0: none) so that the grain is one unique key.
    """

    pseudonym = models.ForeignKey(
        Pseudonym, on_delete=models.CASCADE, related_name="+", verbose_name=_("pseudonyme")
    )
    week = models.DateField(_("semaine (lundi)"))
    hour = models.PositiveSmallIntegerField(_("heure"))
    competency_id = models.IntegerField(_("compétence"), default=0)
    school_id = models.IntegerField(_("établissement"), default=0)
    class_id = models.IntegerField(_("classe"), default=0)
    events = models.PositiveIntegerField(_("événements"), default=0)
    exercises = models.PositiveIntegerField(_("exercices faits"), default=0)
    successes = models.PositiveIntegerField(_("exercices réussis"), default=0)
    lessons = models.PositiveIntegerField(_("leçons ouvertes"), default=0)

    class Meta:
        verbose_name = _("agrégat d'activité")
        verbose_name_plural = _("agrégats d'activité")
        constraints = [
            models.UniqueConstraint(
                fields=["pseudonym", "week", "hour", "competency_id", "school_id", "class_id"],
                name="statistics_activity_grain",
            )
        ]
        indexes = [
            models.Index(fields=["school_id", "week"], name="statistics_school_week"),
            models.Index(fields=["class_id", "week"], name="statistics_class_week"),
            models.Index(fields=["week"], name="statistics_week"),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.hour}h {self.exercises}"


class Cursor(models.Model):
    """How far the aggregates have read the events (the last event id added)."""

    name = models.CharField(_("nom"), max_length=40, unique=True)
    last_event_id = models.BigIntegerField(_("dernier événement agrégé"), default=0)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("curseur d'agrégation")
        verbose_name_plural = _("curseurs d'agrégation")

    def __str__(self) -> str:
        return f"{self.name} {self.last_event_id}"


class Release(models.Model):
    """Platform-wide figures published outside the operator, with differential privacy.

    Each release spends `epsilon` of the privacy budget; the DPO sees every release and the
    total spent.
    """

    published_at = models.DateTimeField(_("publié le"), default=timezone.now)
    label = models.CharField(_("usage"), max_length=120)
    school_year = models.CharField(_("année scolaire"), max_length=9)
    epsilon = models.FloatField(_("budget dépensé (epsilon)"))
    figures = models.JSONField(_("chiffres publiés"), default=dict)
    mechanism = models.CharField(_("mécanisme"), max_length=120)

    class Meta:
        verbose_name = _("publication de statistiques")
        verbose_name_plural = _("publications de statistiques")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.published_at:%Y-%m-%d} {self.label} ε={self.epsilon}"
