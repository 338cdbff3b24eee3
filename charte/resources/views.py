import uuid
from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte.accounts.models import Role
from charte.core import quota
from charte.core.access import signed_in_view, viewer_of
from charte.core.bodies import accepts_files
from charte.core.cards import checks_card_numbers
from charte.core.errors import NotFound
from charte.core.views import attempt
from charte.resources import actions, queries
from charte.resources.forms import FolderForm, ResourceForm
from charte.resources.models import Folder, Resource


def _owner_only(request: HttpRequest) -> None:
    queries.access_own_resources(viewer=viewer_of(request))


def _folder_param(request: HttpRequest) -> Folder | None:
    wanted = request.GET.get("dossier") or request.POST.get("dossier")
    if not wanted:
        return None
    return queries.access_folder(viewer=viewer_of(request), public_id=wanted)


def _to_folder(folder: Folder | None) -> HttpResponse:
    response = redirect("resources:list")
    if folder is not None:
        response["Location"] += f"?dossier={folder.public_id}"
    return response


def _save(
    request: HttpRequest, form: ResourceForm, save: Callable[..., Resource], success: str
) -> HttpResponse | None:
    """The resource form sent: `save` given the fields both forms share, then on to the
    resource; refused, the reason goes on the form (a full storage next to the file, with the
    figures) and `None` lets the page show it again."""
    data = form.cleaned_data
    outcome = attempt(
        request,
        lambda: save(
            title=data["title"],
            body=data["body"],
            url=data["url"],
            upload=data["file"],
            folder=data["folder"],
        ),
        success=success,
        form=form,
        fields={quota.StorageFull: "file"},
    )
    if outcome.value is None:
        return None
    return redirect("resources:detail", outcome.value.public_id)


@checks_card_numbers
@signed_in_view
def resource_list(request: HttpRequest) -> HttpResponse:
    _owner_only(request)
    viewer = viewer_of(request)
    folder = _folder_param(request)
    return render(
        request,
        "resources/list.html",
        {
            "folder": folder,
            "tree": queries.folder_tree(viewer),
            "resources": queries.resources_in(viewer, folder),
            "folder_form": FolderForm(),
            "is_pupil": viewer.role == Role.PUPIL,
        },
    )


@accepts_files(1)
@checks_card_numbers
@signed_in_view
def create(request: HttpRequest) -> HttpResponse:
    _owner_only(request)
    viewer = viewer_of(request)
    folder = _folder_param(request)
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        folders=queries.folders_of(viewer),
        storage=quota.usage_of(viewer),
        initial={"folder": folder, "kind": request.GET.get("type") or Resource.Kind.NOTE},
    )
    if request.method == "POST" and form.is_valid():
        save = partial(
            actions.create_resource, owner=viewer, kind=form.cleaned_data["kind"], actor=viewer
        )
        saved = _save(request, form, save, _("Ressource enregistrée."))
        if saved is not None:
            return saved
    return render(
        request,
        "resources/form.html",
        {"form": form, "creating": True, "is_pupil": viewer.role == Role.PUPIL},
    )


@signed_in_view
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    resource = queries.access_resource(viewer=viewer, public_id=public_id)
    return render(
        request,
        "resources/detail.html",
        {"resource": resource, "is_owner": resource.owner_id == viewer.pk},
    )


@accepts_files(1)
@checks_card_numbers
@signed_in_view
def edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    resource = queries.access_own_resource(viewer=viewer, public_id=public_id)
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        folders=queries.folders_of(viewer),
        editing=True,
        storage=quota.usage_of(viewer),
        initial={
            "title": resource.title,
            "body": resource.body,
            "url": resource.url,
            "folder": resource.folder,
        },
    )
    if request.method == "POST" and form.is_valid():
        save = partial(actions.update_resource, resource=resource, actor=viewer)
        saved = _save(request, form, save, _("Modifications enregistrées."))
        if saved is not None:
            return saved
    return render(
        request,
        "resources/form.html",
        {"form": form, "resource": resource, "is_pupil": viewer.role == Role.PUPIL},
    )


@signed_in_view
@require_POST
def delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    resource = queries.access_own_resource(viewer=viewer, public_id=public_id)
    folder = resource.folder
    actions.delete_resource(resource=resource, actor=viewer)
    messages.success(request, _("Ressource supprimée."))
    return _to_folder(folder)


@signed_in_view
def download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    viewer = viewer_of(request)
    resource = queries.access_resource(viewer=viewer, public_id=public_id)
    if not resource.file:
        raise NotFound(_("Fichier introuvable."))
    response = FileResponse(
        resource.file.open("rb"), as_attachment=True, filename=resource.file_name or "fichier"
    )
    response["Content-Type"] = resource.file_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@checks_card_numbers
@signed_in_view
@require_POST
def create_folder(request: HttpRequest) -> HttpResponse:
    _owner_only(request)
    viewer = viewer_of(request)
    parent = _folder_param(request)
    form = FolderForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.create_folder(
                owner=viewer, name=form.cleaned_data["name"], parent=parent, actor=viewer
            ),
            success=lambda folder: _("Dossier « %(name)s » créé.") % {"name": folder.name},
        )
        if outcome.value is not None:
            return _to_folder(outcome.value)
    else:
        messages.error(request, _("Donnez un nom au dossier."))
    return _to_folder(parent)


@checks_card_numbers
@signed_in_view
@require_POST
def change_folder(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    folder = queries.access_folder(viewer=viewer, public_id=public_id)
    if request.POST.get("do") == "delete":
        parent = folder.parent
        actions.delete_folder(folder=folder, actor=viewer)
        messages.success(request, _("Dossier supprimé ; son contenu est remonté d'un niveau."))
        return _to_folder(parent)
    form = FolderForm(request.POST)
    if form.is_valid():
        actions.rename_folder(folder=folder, name=form.cleaned_data["name"], actor=viewer)
        messages.success(request, _("Dossier renommé."))
    return _to_folder(folder)
