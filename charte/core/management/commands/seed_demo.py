from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from charte.core.demo import DEMO_PASSWORD, REFUSED_IN_PRODUCTION, seed


class Command(BaseCommand):
    help = "Create the demo school, families and staff (idempotent), and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pupils", type=int, default=0, help="Also generate N pupils with their data."
        )
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(REFUSED_IN_PRODUCTION)
        if options["pupils"] < 0:
            self.stderr.write("--pupils must be zero or more.")
            raise SystemExit(2)
        demo = seed(out=self.stdout, pupils=options["pupils"])
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        who_width = max((len(login.who) for login in demo.logins), default=0)
        login_width = max((len(login.login) for login in demo.logins), default=0)
        for login in demo.logins:
            self.stdout.write(
                f"  {login.who.ljust(who_width)}  {login.login.ljust(login_width)}  {login.note}"
            )
