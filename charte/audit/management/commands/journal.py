"""`manage.py journal verify|seal|prune`: the journal's checks and upkeep, for operators, cron."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from charte.audit import actions
from charte.audit.verify import Report


def iso_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date written YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "The journal: `verify` checks every entry and seal (exit 1 naming the first mismatch), "
        "`seal` closes each complete day, `prune` seals then removes days older than a year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("verify", help="Check the whole journal; exit 1 if anything differs.")
        sub.add_parser("seal", help="Seal every complete day (UTC) not sealed yet.")
        prune = sub.add_parser("prune", help="Seal, then remove the days older than a year.")
        prune.add_argument(
            "--today",
            type=str,
            help="Count the year up to this date (YYYY-MM-DD) instead of today.",
        )
        prune.add_argument("--batch-size", type=int, default=actions.PRUNE_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(**options)

    def do_verify(self, **options: Any) -> None:
        report = actions.verify_journal()
        self.print_report(report)
        if not report.ok:
            raise SystemExit(1)

    def do_seal(self, **options: Any) -> None:
        sealed, broken = actions.seal_or_alert()
        for seal in sealed:
            self.stdout.write(
                f"Sealed {seal.day.isoformat()}: {seal.count} entries "
                + (
                    f"(#{seal.first_seq} to #{seal.last_seq})"
                    if not seal.lanes
                    else f"in {len(seal.runs())} lanes"
                )
                + f", seal {seal.hash}"
            )
        if broken is not None:
            self.stderr.write(
                f"Journal broken, not sealed: {broken}. IT and the DPO were alerted; run "
                "`manage.py journal verify` for the full list."
            )
            raise SystemExit(1)
        if not sealed:
            self.stdout.write("Nothing to seal: every complete day is sealed.")

    def do_prune(self, **options: Any) -> None:
        today = iso_day(options["today"]) if options.get("today") else None
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        self.do_seal_quietly()
        pruned = actions.prune_journal(today=today, batch_size=options["batch_size"])
        if not pruned.days and not pruned.entries:
            self.stdout.write("Nothing to remove: no sealed day is older than a year.")
            return
        days = (
            f"{len(pruned.days)} days ({pruned.days[0].isoformat()} to "
            f"{pruned.days[-1].isoformat()})"
            if pruned.days
            else "no new day"
        )
        self.stdout.write(f"Removed {pruned.entries} entries: {days}. Their seals are kept.")

    def do_seal_quietly(self) -> None:
        _, broken = actions.seal_or_alert()
        if broken is not None:
            self.stderr.write(
                f"Journal broken, sealing stopped: {broken}. Only sealed days are removed."
            )

    def print_report(self, report: Report) -> None:
        write = self.stdout.write
        if report.ok:
            write(self.style.SUCCESS("Journal verified: every entry and seal matches."))
        else:
            first = report.first_problem
            self.stderr.write(self.style.ERROR(f"Journal broken: {first}"))
            total = len(report.problems) + report.more_problems
            if total > 1:
                self.stderr.write(f"{total} problems in all, in chain order:")
                for problem in report.problems:
                    self.stderr.write(f"  - {problem}")
                if report.more_problems:
                    self.stderr.write(f"  - ... and {report.more_problems} more")
        span = (
            f"#{report.first_seq} to #{report.head_seq}" if report.first_seq is not None else "none"
        )
        if report.lanes > 1:
            write(f"Entries: {report.entries} in {report.lanes} lanes; lane 0's {span}")
        else:
            write(f"Entries: {report.entries} ({span}); head {report.head_hash}")
        if report.seals:
            write(
                f"Seals: {report.seals}, the last for {report.last_seal_day}, "
                f"seal {report.last_seal_hash}"
            )
        else:
            write("Seals: none yet")
        if report.pruned_days:
            write(f"Days removed after their year: {report.pruned_days} (their seals are kept)")
        if report.awaiting_removal:
            write(
                f"{report.awaiting_removal} entries of removed days are still there: run "
                "`manage.py journal prune`."
            )
        if report.unsealed_days:
            write(
                f"Complete days not sealed yet: {len(report.unsealed_days)} (from "
                f"{report.unsealed_days[0]}): run `manage.py journal seal`."
            )
