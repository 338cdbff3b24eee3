from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """The journal is written once: entries are never updated, and only retention removes them."""


class EntryQuerySet(models.QuerySet["Entry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Journal entries cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Journal entries are removed only by the journal's retention.")

    def about(self, ref: str) -> "EntryQuerySet":
        """Entries where `ref` ("user:<uuid>") is the actor or the subject."""
        return self.filter(models.Q(actor_ref=ref) | models.Q(subject_ref=ref))


class Entry(models.Model):
    at = models.DateTimeField(_("date et heure"), default=timezone.now, db_index=True)
    event = models.CharField(_("événement"), max_length=64, db_index=True)
    actor_ref = models.CharField(_("auteur"), max_length=64, db_index=True)
    subject_ref = models.CharField(
        _("personne concernée"), max_length=64, blank=True, db_index=True
    )
    data = models.JSONField(_("données"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=200, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} by {self.actor_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Journal entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Journal entries are removed only by the journal's retention.")
