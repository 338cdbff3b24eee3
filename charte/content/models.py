from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Localised(models.Model):
    """A title written in French, with its English version for English-speaking readers."""

    title = models.CharField(_("titre"), max_length=160)
    title_en = models.CharField(_("titre en anglais"), max_length=160)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title


class Competency(Localised):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    summary = models.TextField(_("résumé"))
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    related = models.ManyToManyField("self", blank=True, verbose_name=_("compétences voisines"))

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["order", "code"]


class Lesson(Localised):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    summary = models.CharField(_("en une phrase"), max_length=300)
    body = models.TextField(_("texte"))
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("leçon")
        verbose_name_plural = _("leçons")
        ordering = ["competency__order", "order", "slug"]


class Difficulty(models.IntegerChoices):
    DISCOVERY = 1, _("Niveau 1 · Découverte")
    PRACTICE = 2, _("Niveau 2 · Entraînement")
    CHALLENGE = 3, _("Niveau 3 · Approfondissement")


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def published(self) -> "ExerciseQuerySet":
        return self.filter(is_published=True)


class Exercise(Localised):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="exercises")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="exercises"
    )
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulté"), choices=Difficulty.choices)
    instructions = models.CharField(_("consigne"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # An exercise withdrawn from the catalogue stays, hidden, for the attempts that refer to it.
    is_published = models.BooleanField(_("publié"), default=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")
        ordering = ["competency__order", "difficulty", "order", "slug"]


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("Choix multiple")
        TRUE_FALSE = "true_false", _("Vrai ou faux")
        MATCHING = "matching", _("Association")
        SHORT_ANSWER = "short_answer", _("Réponse courte")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("clé"), max_length=20)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    prompt = models.TextField(_("énoncé"))
    # choice: {"options": [...], "answers": [indices]}; true_false: {"answer": bool};
    # matching: {"pairs": [[left, right], ...]}; short_answer: {"accepted": [...]}.
    data = models.JSONField(_("réponses attendues"), default=dict)
    explanation = models.TextField(_("explication"), blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="content_question_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exercise.slug}/{self.key}"
