from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.models import PublicIdModel


def resource_upload_to(instance: "Resource", filename: str) -> str:
    from charte.resources.uploads import random_path

    return random_path("ressources", filename)


class Folder(PublicIdModel):
    owner = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="resource_folders",
        verbose_name=_("propriétaire"),
    )
    name = models.CharField(_("nom du dossier"), max_length=80)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("dans le dossier"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("dossier de ressources")
        verbose_name_plural = _("dossiers de ressources")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Resource(PublicIdModel):
    class Kind(models.TextChoices):
        NOTE = "note", _("Texte")
        LINK = "link", _("Lien vers un site")
        FILE = "file", _("Fichier")

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="resources", verbose_name=_("propriétaire")
    )
    folder = models.ForeignKey(
        Folder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("dossier"),
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=160)
    body = models.TextField(_("texte"), blank=True)
    url = models.URLField(_("adresse du site"), max_length=500, blank=True)
    file = models.FileField(_("fichier"), upload_to=resource_upload_to, blank=True)
    file_name = models.CharField(_("nom du fichier"), max_length=120, blank=True)
    file_type = models.CharField(_("type de fichier"), max_length=100, blank=True)
    file_size = models.PositiveIntegerField(_("taille du fichier"), default=0)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("ressource personnelle")
        verbose_name_plural = _("ressources personnelles")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title
