"""Connect row deletion (a framework event) to the removal of the stored file."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from charte.assignments.models import ProductionFile
from charte.resources.uploads import delete_after_commit


@receiver(post_delete, sender=ProductionFile)
def remove_file(sender: Any, instance: ProductionFile, **kwargs: Any) -> None:
    delete_after_commit(instance.file)
