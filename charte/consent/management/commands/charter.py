from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from charte.consent.actions import publish_charter
from charte.consent.models import CharterVersion
from charte.core.actors import SystemActor

OPERATOR = SystemActor("operator")


class Command(BaseCommand):
    help = (
        "The charter's versions: `publish` snapshots the register as a new version if it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("publish", help="Publish the register as a new version, if it differs.")
        sub.add_parser("list", help="List the published versions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for v in CharterVersion.objects.order_by("number"):
                kind = "material" if v.material else ("minor" if v.changes else "first")
                self.stdout.write(f"v{v.number}  {v.published_at:%Y-%m-%d %H:%M}  {kind}")
            return
        version = publish_charter(actor=OPERATOR)
        if version is None:
            self.stdout.write("The register has not changed since the last version: nothing to do.")
            return
        kind = "material: people will be asked again" if version.material else "minor"
        self.stdout.write(
            self.style.SUCCESS(
                f"Published version {version.number} ({len(version.changes)} changes, {kind})."
            )
        )
        for purpose in version.material_purposes:
            self.stdout.write(f"  asked again at next sign-in: {purpose}")
