"""Connect row deletion (a framework event) to the removal of the stored file."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from charte.resources.models import Resource
from charte.resources.uploads import delete_after_commit


@receiver(post_delete, sender=Resource)
def remove_file(sender: Any, instance: Resource, **kwargs: Any) -> None:
    delete_after_commit(instance.file)
