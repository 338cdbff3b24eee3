"""Run the web server, the task worker and the scheduler together; Ctrl-C stops them all."""

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve on http://127.0.0.1:8000 with the task worker and the scheduler; Ctrl-C stops all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        children = [  # fixed commands, no outside input
            subprocess.Popen([python, "manage.py", "runserver", options["addr"], "--noreload"]),  # noqa: S603
            subprocess.Popen([python, "manage.py", "db_worker", "--no-reload"]),  # noqa: S603
            subprocess.Popen([python, "manage.py", "scheduler"]),  # noqa: S603
        ]
        self.stdout.write(
            self.style.SUCCESS(f"charte is served on http://{options['addr']}/ (Ctrl-C stops it).")
        )

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        # Installed explicitly: a process started in the background inherits SIGINT ignored.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            self.stderr.write("A process stopped on its own; stopping the others.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping the server, the worker and the scheduler...")
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()  # SIGTERM: each of them stops cleanly on it
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        self.stdout.write("Stopped.")
