import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from charte.core import schedule


class Command(BaseCommand):
    help = "Hand the periodic jobs to the task worker when they are due (every 30 s, or --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One tick, for cron.")
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] <= 0:
            self.stderr.write("--interval must be a positive number of seconds.")
            raise SystemExit(2)
        names = ", ".join(job.name for job in schedule.jobs()) or "none"
        self.stdout.write(f"Periodic jobs: {names}.")
        while True:
            for name in schedule.tick():
                self.stdout.write(f"Enqueued {name}.")
            if options["once"]:
                return
            try:
                time.sleep(options["interval"])
            except KeyboardInterrupt:
                return
