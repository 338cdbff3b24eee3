"""Connect row deletion (a framework event) to the removal of the stored report."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from charte.reports.models import PrintedReport, private_storage


@receiver(post_delete, sender=PrintedReport)
def remove_file(sender: Any, instance: PrintedReport, **kwargs: Any) -> None:
    name = instance.file_name
    if name:
        # Once the removal of the row is committed (the file stays if it rolls back).
        transaction.on_commit(lambda: private_storage().delete(name))
