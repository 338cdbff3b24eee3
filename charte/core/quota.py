"""How much one person may keep in files, across every app that stores what they upload.

Design: each app that keeps files a person uploaded declares, in its `AppConfig.ready()`, where
their sizes are (`counts_towards_quota(Model, owner="path__to__person", size="field")`); a
system check refuses a model of ours with a file field that is not declared, so a new kind of
upload counts the day it appears. The quota itself is a setting (CHARTE_STORAGE_QUOTA_BYTES).
An action that stores a file calls `make_room(person=..., adding=..., freeing=...)` inside its
transaction: it locks the person's row first, so two uploads at the same moment cannot both
take the last megabytes, and refuses with a message that says how much is used and left.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from charte.core.errors import ActionError

if TYPE_CHECKING:
    from charte.accounts.models import User


@dataclass(frozen=True)
class Store:
    model: type[models.Model]
    owner: str  # lookup path from a row to the person whose quota it uses
    size: str  # the field holding the file's size in bytes


_stores: list[Store] = []


def counts_towards_quota(model: type[models.Model], *, owner: str, size: str) -> None:
    """Declare that `model`'s files count towards the quota of the person at `owner`."""
    if not any(s.model is model for s in _stores):
        _stores.append(Store(model=model, owner=owner, size=size))


def stores() -> tuple[Store, ...]:
    return tuple(_stores)


@dataclass(frozen=True)
class Usage:
    used: int
    quota: int

    @property
    def left(self) -> int:
        return max(0, self.quota - self.used)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.quota)) if self.quota else 100

    def sentence(self) -> str:
        return _("Espace utilisé : %(used)s sur %(quota)s ; il reste %(left)s.") % {
            "used": filesizeformat(self.used),
            "quota": filesizeformat(self.quota),
            "left": filesizeformat(self.left),
        }


def quota_bytes() -> int:
    return int(settings.CHARTE_STORAGE_QUOTA_BYTES)


def usage_of(person: "User") -> Usage:
    """What `person`'s stored files weigh in all, and their quota."""
    used = 0
    for store in _stores:
        total = store.model._default_manager.filter(**{store.owner: person}).aggregate(
            total=models.Sum(store.size)
        )["total"]
        used += int(total or 0)
    return Usage(used=used, quota=quota_bytes())


class StorageFull(ActionError):
    code = "storage_quota"


def make_room(*, person: "User", adding: int, freeing: int = 0) -> Usage:
    """Check that `adding` bytes fit (once `freeing` bytes are replaced); call inside the action.

    Returns the usage before the change; raises `StorageFull` with the figures otherwise.
    """
    get_user_model()._default_manager.select_for_update().filter(pk=person.pk).exists()
    usage = usage_of(person)
    if usage.used - freeing + adding > usage.quota:
        raise StorageFull(
            _(
                "Plus assez de place : %(used)s déjà utilisés sur %(quota)s, il reste %(left)s, "
                "et cet envoi pèse %(adding)s. Supprimez d'abord des fichiers dont vous n'avez "
                "plus besoin (dans « Mes ressources », ou dans un travail pas encore corrigé), "
                "puis recommencez."
            )
            % {
                "used": filesizeformat(usage.used),
                "quota": filesizeformat(usage.quota),
                "left": filesizeformat(usage.left),
                "adding": filesizeformat(adding),
            }
        )
    return usage


def _file_fields(model: type[models.Model]) -> Iterable[str]:
    return (f.name for f in model._meta.get_fields() if isinstance(f, models.FileField))


def check_every_upload_counts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A model of ours that stores files must count towards its owner's quota."""
    declared = {store.model for store in _stores}
    problems: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not model.__module__.startswith("charte.") or model in declared:
            continue
        fields = list(_file_fields(model))
        if fields:
            problems.append(
                checks.Error(
                    f"{model._meta.label} stores files ({', '.join(fields)}) that count towards "
                    "no one's storage quota.",
                    hint="Call charte.core.quota.counts_towards_quota() in its AppConfig.ready().",
                    obj=model,
                    id="charte.core.E001",
                )
            )
    return problems
