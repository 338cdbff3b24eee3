from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from charte.core.cards import RefusesCardNumbers
from charte.core.errors import ActionError
from charte.core.quota import Usage
from charte.resources.models import Folder, Resource
from charte.resources.uploads import (
    CheckedFile,
    accepted_types_text,
    check_upload,
    max_file_bytes,
)


def upload_help(storage: Usage | None, *, files: int = 1) -> str:
    """What a file field accepts, and how much room the person has left."""
    if files > 1:
        text = _("%(types)s ; %(max)s au plus par fichier, %(files)s fichiers au plus.") % {
            "types": accepted_types_text(),
            "max": filesizeformat(max_file_bytes()),
            "files": files,
        }
    else:
        text = _("%(types)s ; %(max)s au plus.") % {
            "types": accepted_types_text(),
            "max": filesizeformat(max_file_bytes()),
        }
    return f"{text} {storage.sentence()}" if storage is not None else str(text)


def checked_file(upload: UploadedFile | None) -> CheckedFile | None:
    """A form's clean step for an uploaded file: our checks, as a form error."""
    if not upload:
        return None
    try:
        return check_upload(upload)
    except ActionError as exc:
        raise forms.ValidationError(str(exc), code=exc.code) from exc


class ResourceForm(RefusesCardNumbers, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de ressource"),
        choices=Resource.Kind.choices,
        widget=forms.RadioSelect,
        initial=Resource.Kind.NOTE,
    )
    title = forms.CharField(label=_("Titre"), max_length=160)
    folder = forms.ModelChoiceField(
        label=_("Dossier"),
        queryset=Folder.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Aucun (à la racine)"),
    )
    body = forms.CharField(
        label=_("Texte"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Pour une ressource de type « Texte »."),
    )
    url = forms.URLField(
        label=_("Adresse du site"),
        required=False,
        assume_scheme="https",
        help_text=_("Pour un lien, par exemple https://www.vie-publique.fr/"),
    )
    file = forms.FileField(label=_("Fichier"), required=False)

    def __init__(
        self,
        *args: Any,
        folders: QuerySet[Folder],
        editing: bool = False,
        storage: Usage | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["folder"].queryset = folders  # type: ignore[attr-defined]
        self.fields["file"].help_text = upload_help(storage)
        if editing:
            del self.fields["kind"]

    def clean_file(self) -> CheckedFile | None:
        return checked_file(self.cleaned_data.get("file"))


class FolderForm(RefusesCardNumbers, forms.Form):
    name = forms.CharField(label=_("Nom du dossier"), max_length=80)
