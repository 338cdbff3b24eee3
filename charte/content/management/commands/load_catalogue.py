from typing import Any

from django.core.management.base import BaseCommand, CommandError

from charte.content.loader import CatalogueError, load


class Command(BaseCommand):
    help = "Load or update the civic-education catalogue from charte/content/data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load()
        except CatalogueError as exc:
            raise CommandError(f"The catalogue is malformed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {report}."))
