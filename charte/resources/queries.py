"""Who may open a resource: its owner, and whoever another app shares it with.

An app that shares resources (the assignments app, when a teacher gives one with some work)
registers a rule with `add_share_rule`, so that this app never imports it.
"""

import uuid
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.core.access import as_public_id
from charte.core.errors import NotFound
from charte.resources.models import Folder, Resource

OWNER_ROLES = frozenset({Role.PUPIL, Role.TEACHER})

type ShareRule = Callable[[User, Resource], bool]
_share_rules: list[ShareRule] = []


def access_own_resources(*, viewer: User) -> User:
    """One's own resources and folders: pupils' and teachers' alone."""
    if viewer.role not in OWNER_ROLES:
        raise NotFound(_("Page introuvable."))
    return viewer


def add_share_rule(rule: ShareRule) -> None:
    _share_rules.append(rule)


def access_own_resource(*, viewer: User, public_id: uuid.UUID | str) -> Resource:
    """A resource the viewer owns (to edit, move or delete it)."""
    resource = (
        Resource.objects.select_related("folder")
        .filter(public_id=as_public_id(public_id, not_found=_("Ressource introuvable.")))
        .first()
    )
    if resource is None:
        raise NotFound(_("Ressource introuvable."))
    if resource.owner_id != viewer.pk:
        raise NotFound(_("Ressource introuvable."))
    return resource


def access_resource(*, viewer: User, public_id: uuid.UUID | str) -> Resource:
    """A resource the viewer owns or that was given to them (to read it)."""
    resource = (
        Resource.objects.select_related("folder", "owner")
        .filter(public_id=as_public_id(public_id, not_found=_("Ressource introuvable.")))
        .first()
    )
    if resource is None:
        raise NotFound(_("Ressource introuvable."))
    if resource.owner_id == viewer.pk:
        return resource
    if any(rule(viewer, resource) for rule in _share_rules):
        return resource
    raise NotFound(_("Ressource introuvable."))


def access_folder(*, viewer: User, public_id: uuid.UUID | str) -> Folder:
    folder = Folder.objects.filter(
        public_id=as_public_id(public_id, not_found=_("Dossier introuvable."))
    ).first()
    if folder is None:
        raise NotFound(_("Dossier introuvable."))
    if folder.owner_id != viewer.pk:
        raise NotFound(_("Dossier introuvable."))
    return folder


def folders_of(owner: User) -> QuerySet[Folder]:
    return Folder.objects.filter(owner=owner).order_by("name", "pk")


def folder_tree(owner: User) -> list[tuple[Folder, int]]:
    """Every folder of the owner with its depth, parents before children, by name."""
    folders = list(folders_of(owner))
    children: dict[int | None, list[Folder]] = {}
    for folder in folders:
        children.setdefault(folder.parent_id, []).append(folder)
    out: list[tuple[Folder, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for folder in children.get(parent, []):
            out.append((folder, depth))
            walk(folder.pk, depth + 1)

    walk(None, 0)
    return out


def resources_in(owner: User, folder: Folder | None) -> QuerySet[Resource]:
    return Resource.objects.filter(owner=owner, folder=folder)


def resources_of(owner: User) -> QuerySet[Resource]:
    return Resource.objects.filter(owner=owner).select_related("folder")
