import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """Rows that appear in URLs or the API carry a random public id; the integer key stays inside.

    Sequential ids in URLs tell an outsider how many pupils a school has and invite guessing.
    """

    public_id = models.UUIDField(
        _("identifiant public"), default=uuid.uuid4, unique=True, editable=False
    )

    class Meta:
        abstract = True


class ScheduledJob(models.Model):
    """When each periodic job was last handed to the task worker (see charte.core.schedule)."""

    name = models.CharField(_("tâche"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("dernier lancement"), null=True, blank=True)
    last_task_id = models.CharField(
        _("identifiant de la dernière exécution"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")

    def __str__(self) -> str:
        return self.name
