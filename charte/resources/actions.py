"""Changes to personal resources and folders; only their owner makes them."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core import quota
from charte.core.errors import ActionError, NotFound
from charte.resources.models import Folder, Resource
from charte.resources.queries import OWNER_ROLES
from charte.resources.uploads import CheckedFile, delete_after_commit

MAX_DEPTH = 4


def _own(actor: User, owner: User) -> None:
    if actor.pk != owner.pk:
        raise NotFound(_("Ressource introuvable."))


def _depth(folder: Folder | None) -> int:
    depth = 0
    while folder is not None:
        depth += 1
        folder = folder.parent
    return depth


@transaction.atomic
def create_folder(*, owner: User, name: str, parent: Folder | None, actor: User) -> Folder:
    _own(actor, owner)
    if owner.role not in OWNER_ROLES:
        raise ActionError(
            _("Les ressources personnelles sont réservées aux élèves et enseignants.")
        )
    name = name.strip()
    if not name:
        raise ActionError(_("Donnez un nom au dossier."))
    if parent is not None and parent.owner_id != owner.pk:
        raise NotFound(_("Dossier introuvable."))
    if _depth(parent) >= MAX_DEPTH:
        raise ActionError(_("Pas plus de %(n)s niveaux de dossiers.") % {"n": MAX_DEPTH})
    folder = Folder.objects.create(owner=owner, name=name, parent=parent)
    audit.record(
        event="resources.folder_created",
        actor=actor,
        subject=owner,
        data={"folder": str(folder.public_id)},
    )
    return folder


@transaction.atomic
def rename_folder(*, folder: Folder, name: str, actor: User) -> Folder:
    _own(actor, folder.owner)
    name = name.strip()
    if not name:
        raise ActionError(_("Donnez un nom au dossier."))
    folder.name = name
    folder.save(update_fields=["name"])
    audit.record(
        event="resources.folder_renamed",
        actor=actor,
        subject=folder.owner,
        data={"folder": str(folder.public_id)},
    )
    return folder


@transaction.atomic
def delete_folder(*, folder: Folder, actor: User) -> int:
    """Delete a folder; what it contained moves up to its parent. Returns how many items moved."""
    _own(actor, folder.owner)
    moved = Resource.objects.filter(folder=folder).update(folder=folder.parent)
    moved += Folder.objects.filter(parent=folder).update(parent=folder.parent)
    audit.record(
        event="resources.folder_deleted",
        actor=actor,
        subject=folder.owner,
        data={"folder": str(folder.public_id), "moved": moved},
    )
    folder.delete()
    return moved


def _validate(kind: str, title: str, body: str, url: str, *, has_file: bool) -> None:
    if not title.strip():
        raise ActionError(_("Donnez un titre à la ressource."))
    if kind == Resource.Kind.NOTE and not body.strip():
        raise ActionError(_("Écrivez le texte de la ressource."))
    if kind == Resource.Kind.LINK:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ActionError(
                _("Donnez l'adresse complète du site, commençant par https://")
            ) from exc
    if kind == Resource.Kind.FILE and not has_file:
        raise ActionError(_("Choisissez le fichier à déposer."))


@transaction.atomic
def create_resource(
    *,
    owner: User,
    kind: Resource.Kind | str,
    title: str,
    actor: User,
    body: str = "",
    url: str = "",
    upload: CheckedFile | None = None,
    folder: Folder | None = None,
) -> Resource:
    _own(actor, owner)
    if owner.role not in OWNER_ROLES:
        raise ActionError(
            _("Les ressources personnelles sont réservées aux élèves et enseignants.")
        )
    kind = Resource.Kind(kind)
    _validate(kind, title, body, url, has_file=upload is not None)
    if folder is not None and folder.owner_id != owner.pk:
        raise NotFound(_("Dossier introuvable."))
    resource = Resource(
        owner=owner,
        kind=kind,
        title=title.strip(),
        body=body.strip() if kind == Resource.Kind.NOTE else "",
        url=url.strip() if kind == Resource.Kind.LINK else "",
        folder=folder,
    )
    if kind == Resource.Kind.FILE and upload is not None:
        quota.make_room(person=owner, adding=upload.size)
        _attach(resource, upload)
    resource.save()
    audit.record(
        event="resources.created",
        actor=actor,
        subject=owner,
        data={"resource": str(resource.public_id), "kind": kind.value},
    )
    return resource


def _attach(resource: Resource, upload: CheckedFile) -> None:
    resource.file.save(upload.name, upload.upload, save=False)
    resource.file_name = upload.name
    resource.file_type = upload.content_type
    resource.file_size = upload.size


@transaction.atomic
def update_resource(
    *,
    resource: Resource,
    title: str,
    actor: User,
    body: str = "",
    url: str = "",
    upload: CheckedFile | None = None,
    folder: Folder | None = None,
) -> Resource:
    """Change a resource (its kind stays); a new file replaces the former one."""
    _own(actor, resource.owner)
    has_file = upload is not None or bool(resource.file)
    _validate(resource.kind, title, body, url, has_file=has_file)
    if folder is not None and folder.owner_id != resource.owner_id:
        raise NotFound(_("Dossier introuvable."))
    resource.title = title.strip()
    resource.folder = folder
    if resource.kind == Resource.Kind.NOTE:
        resource.body = body.strip()
    if resource.kind == Resource.Kind.LINK:
        resource.url = url.strip()
    if resource.kind == Resource.Kind.FILE and upload is not None:
        quota.make_room(person=resource.owner, adding=upload.size, freeing=resource.file_size)
        delete_after_commit(resource.file)
        _attach(resource, upload)
    resource.updated_at = timezone.now()
    resource.save()
    audit.record(
        event="resources.updated",
        actor=actor,
        subject=resource.owner,
        data={"resource": str(resource.public_id), "new_file": upload is not None},
    )
    return resource


@transaction.atomic
def delete_resource(*, resource: Resource, actor: User) -> None:
    _own(actor, resource.owner)
    audit.record(
        event="resources.deleted",
        actor=actor,
        subject=resource.owner,
        data={"resource": str(resource.public_id)},
    )
    resource.delete()
