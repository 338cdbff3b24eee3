from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.content.models import Exercise, Lesson
from charte.core.models import PublicIdModel
from charte.resources.models import Resource
from charte.schools.models import SchoolClass


def production_upload_to(instance: "ProductionFile", filename: str) -> str:
    from charte.resources.uploads import random_path

    return random_path("productions", filename)


class Assignment(PublicIdModel):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("classe")
    )
    # The teacher who gave it; kept empty if their account goes, so the pupils keep their work.
    teacher = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments_given",
        verbose_name=_("enseignant"),
    )
    title = models.CharField(_("titre"), max_length=160)
    instructions = models.TextField(_("consignes"), blank=True)
    exercise = models.ForeignKey(
        Exercise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("exercice"),
    )
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("leçon"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("ressource"),
    )
    expects_production = models.BooleanField(_("travail à rendre"), default=False)
    due_at = models.DateTimeField(_("à rendre pour le"))
    whole_class = models.BooleanField(_("toute la classe"), default=True)
    created_at = models.DateTimeField(_("donné le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("travail donné")
        verbose_name_plural = _("travaux donnés")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exercise__isnull=False) | models.Q(expects_production=True),
                name="assignments_something_to_do",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_past_due(self) -> bool:
        return timezone.now() > self.due_at


class AssignedPupil(models.Model):
    """A pupil an assignment is for, when it is not for the whole class."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="assigned_pupils",
        verbose_name=_("travail donné"),
    )
    pupil = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assigned_work", verbose_name=_("élève")
    )

    class Meta:
        verbose_name = _("élève concerné par un travail")
        verbose_name_plural = _("élèves concernés par un travail")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "pupil"], name="assignments_assigned_pupil_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} for {self.pupil_id}"


class Production(PublicIdModel):
    """What one pupil handed in for one assignment, and the teacher's feedback on it."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="productions",
        verbose_name=_("travail donné"),
    )
    pupil = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="productions", verbose_name=_("élève")
    )
    text = models.TextField(_("texte rendu"), blank=True)
    # Empty while the production is a draft: saved by the pupil, not handed in. The teacher
    # does not see it, and the due date counts the handing-in alone.
    submitted_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)
    feedback = models.TextField(_("appréciation"), blank=True)
    feedback_at = models.DateTimeField(_("appréciation donnée le"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_given",
        verbose_name=_("appréciation donnée par"),
    )

    class Meta:
        verbose_name = _("production d'élève")
        verbose_name_plural = _("productions d'élèves")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "pupil"], name="assignments_one_production_per_pupil"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} for {self.assignment_id}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    @property
    def late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at > self.assignment.due_at


class ProductionFile(PublicIdModel):
    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="files", verbose_name=_("production")
    )
    file = models.FileField(_("fichier"), upload_to=production_upload_to)
    name = models.CharField(_("nom du fichier"), max_length=120)
    content_type = models.CharField(_("type de fichier"), max_length=100)
    size = models.PositiveIntegerField(_("taille"))
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("fichier rendu")
        verbose_name_plural = _("fichiers rendus")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
