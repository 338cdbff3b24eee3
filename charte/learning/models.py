from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Pseudonym(models.Model):
    """The one link between a person and their learning events, for one school year."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learning_pseudonyms",
        verbose_name=_("personne"),
    )
    school_year = models.CharField(_("année scolaire"), max_length=9)
    value = models.CharField(_("pseudonyme"), max_length=64, unique=True)
    # Left out of every aggregate (an objection to statistics, or a restriction).
    excluded = models.BooleanField(_("exclu des statistiques"), default=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pseudonyme statistique")
        verbose_name_plural = _("pseudonymes statistiques")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_year"], name="learning_one_pseudonym_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.value[:8]}"


class Verb(models.TextChoices):
    COMPLETED = "completed", _("a fait un exercice")
    EXPERIENCED = "experienced", _("a ouvert une leçon")
    SUBMITTED = "submitted", _("a rendu un travail")
    LAUNCHED = "launched", _("a suivi une suggestion")


class Kind(models.TextChoices):
    EXERCISE = "exercise", _("exercice")
    LESSON = "lesson", _("leçon")
    ASSIGNMENT = "assignment", _("travail")
    SUGGESTION = "suggestion", _("suggestion")


class LearningEvent(models.Model):
    """One xAPI statement, stored in columns: actor (pseudonym), verb, object, result, context.

    On PostgreSQL the table is partitioned by month of `at` (migration 0002), so that a month
    is dropped, read or vacuumed alone.
    """

    pseudonym = models.ForeignKey(
        Pseudonym,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("acteur (pseudonyme)"),
    )
    at = models.DateTimeField(_("horodatage"), default=timezone.now)
    verb = models.CharField(_("verbe"), max_length=12, choices=Verb.choices)
    kind = models.CharField(_("type d'objet"), max_length=12, choices=Kind.choices)
    ref = models.CharField(_("objet"), max_length=80)
    # Context, as plain ids: an event outlives neither its pseudonym nor the retention rule,
    # and a class or school that goes leaves the numbers alone.
    competency_id = models.IntegerField(_("compétence"), null=True, blank=True)
    school_id = models.IntegerField(_("établissement"), null=True, blank=True)
    class_id = models.IntegerField(_("classe"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    success = models.BooleanField(_("réussi"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement d'apprentissage")
        verbose_name_plural = _("événements d'apprentissage")
        indexes = [models.Index(fields=["pseudonym", "at"], name="learning_event_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.kind} {self.ref}"
