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
