"""Connect row deletion (a framework event) to the removal of the stored file."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from charte.resources.uploads import delete_after_commit
from charte.subject_requests.models import Proof


@receiver(post_delete, sender=Proof)
def remove_file(sender: Any, instance: Proof, **kwargs: Any) -> None:
    delete_after_commit(instance.file)
