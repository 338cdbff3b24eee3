"""`manage.py retention sweep [--dry-run] [--today YYYY-MM-DD]`, `retention notices`, and
`retention forecast` (the DPO's home figures computed now, as the nightly job does)."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from charte.core.actors import RETENTION
from charte.retention import actions, sweep


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Apply the retention rules (sweep), send the notices before expiry (notices), or "
        "compute the forecast of the DPO's home page (forecast)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep_parser = sub.add_parser("sweep", help="Remove what has outlived its retention.")
        sweep_parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; change nothing."
        )
        sweep_parser.add_argument("--today", help="Sweep as on this day (YYYY-MM-DD).")
        sweep_parser.add_argument("--batch-size", type=int, default=None)
        sweep_parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (for logs)."
        )
        notices = sub.add_parser("notices", help="Tell those whose data goes soon.")
        notices.add_argument("--today", help="As on this day (YYYY-MM-DD).")
        sub.add_parser(
            "forecast", help="Compute today's forecast for the DPO's home page now (as each night)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "forecast":
            stored = actions.store_forecast(today=timezone.localdate(), actor=RETENTION)
            self.stdout.write(f"Forecast for {stored.day} stored ({len(stored.rules)} rules).")
            return
        today = _day(options["today"]) if options.get("today") else timezone.localdate()
        if options["action"] == "notices":
            sent = actions.send_expiry_notices(today=today, actor=RETENTION)
            self.stdout.write(f"{sent} notice(s) sent for {today}.")
            return
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        bars: list[tqdm[Any]] = []

        def progress(rule: str, total: int) -> Callable[[int], None]:
            bar = tqdm(total=total, desc=rule, unit="", file=self.stderr, dynamic_ncols=True)
            bars.append(bar)

            def advance(n: int) -> None:
                bar.update(n)

            return advance

        try:
            report = sweep.run(
                today=today,
                actor=RETENTION,
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                progress=None if options["no_progress"] else progress,
            )
        finally:
            for bar in bars:
                bar.close()
        self._print(report)

    def _print(self, report: sweep.SweepReport) -> None:
        verb = "would go" if report.dry_run else "went"
        title = "Dry run" if report.dry_run else "Sweep"
        self.stdout.write(
            f"{title} as on {report.today} (nothing changed)"
            if report.dry_run
            else f"{title} as on {report.today}"
        )
        width = max((len(o.rule.code) for o in report.outcomes), default=0)
        for outcome in report.outcomes:
            name = outcome.rule.code.ljust(width)
            if outcome.waiting_for_handler:
                self.stdout.write(f"  {name}  left to its owner's handler, none registered yet")
                continue
            line = f"  {name}  {outcome.expired} {outcome.unit} {verb}"
            if outcome.held:
                line += f", {outcome.held} held"
            if outcome.handled_by_owner:
                line += " (by its owner's handler)"
            self.stdout.write(line)
            details = outcome.per_model if report.dry_run else outcome.report.as_data()["deleted"]
            for label, count in sorted(details.items()):
                self.stdout.write(f"  {' ' * width}    {label}: {count}")
            if not report.dry_run:
                for label, count in sorted(outcome.report.anonymised.items()):
                    self.stdout.write(f"  {' ' * width}    {label}: {count} anonymised")
        self.stdout.write(f"Total: {report.total} {verb}.")
