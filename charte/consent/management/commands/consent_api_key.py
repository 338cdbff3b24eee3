from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from charte.consent.actions import create_api_client, revoke_api_client
from charte.core.actors import SystemActor
from charte.core.errors import ActionError


class Command(BaseCommand):
    help = (
        "Create a key for another service of the operator to use the consent API, "
        "or revoke a service's key (--revoke): refused at once by every process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The service's name, for example `newsletter`.")
        parser.add_argument("--revoke", action="store_true", help="Revoke this service's key.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("operator")
        try:
            if options["revoke"]:
                client = revoke_api_client(name=options["name"], actor=actor)
                self.stdout.write(f"Key of {client.name} revoked.")
                return
            client, key = create_api_client(name=options["name"], actor=actor)
        except ActionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Key for {client.name} (shown once, keep it secret):")
        self.stdout.write(key)
