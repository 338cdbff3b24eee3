"""Operators' access to the rights: `dsr access|portability LOGIN --out FILE.zip`, `dsr erase
LOGIN --yes`.

Each run opens a request, records the operator's identity check and decision, and executes it
through the same actions as the workbench; the journal names the operator (their OS user).
"""

import getpass
import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from charte.accounts.models import User
from charte.core.actors import Operator
from charte.core.errors import ActionError
from charte.subject_requests import actions, storage
from charte.subject_requests.models import Channel, Decision, IdentityMethod, Kind, Status


class Command(BaseCommand):
    help = "Answer a data-subject request from the command line (access, portability, erase)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["access", "portability", "erase"])
        parser.add_argument("login", help="The person's email address or username.")
        parser.add_argument("--out", help="Where to write the ZIP archive (access, portability).")
        parser.add_argument("--yes", action="store_true", help="Confirm an erasure.")
        parser.add_argument(
            "--evidence",
            default="",
            help="How the requester's identity was checked (recorded with the request).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        out = Path(options["out"]) if options["out"] else None
        if action != "erase" and out is None:
            raise CommandError("--out FILE.zip is required for access and portability.")
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        if action == "erase" and not options["yes"]:
            raise CommandError("Erasure cannot be undone: add --yes to confirm.")
        person = User.objects.by_login(options["login"]).first()
        if person is None:
            raise CommandError(f"No account matches {options['login']!r}.")
        operator = Operator(getpass.getuser())
        kind = {"access": Kind.ACCESS, "portability": Kind.PORTABILITY, "erase": Kind.ERASURE}[
            action
        ]
        try:
            request = actions.open_request(
                person=person, kind=kind, actor=operator, channel=Channel.OPERATOR
            )
            actions.verify_identity(
                request=request,
                actor=operator,
                method=IdentityMethod.OPERATOR,
                evidence=options["evidence"] or "Command line, by an operator with server access.",
            )
            request.refresh_from_db()
            actions.decide(request=request, actor=operator, decision=Decision.APPROVED)
            request.refresh_from_db()
            # The worker may have run it already (tests run tasks at once); else run it here.
            if request.status == Status.PROCESSING and kind == Kind.ERASURE:
                request = actions.execute_erasure(request=request, actor=operator)
            elif request.status == Status.PROCESSING:
                request = actions.build_archive(request=request, actor=operator)
            request.refresh_from_db()
        except ActionError as exc:
            raise CommandError(str(exc)) from exc
        if kind == Kind.ERASURE:
            self._report_erasure(request)
            return
        assert out is not None
        source = storage.open_archive(request)
        if source is None:
            raise CommandError("The archive is no longer kept.")
        with source, out.open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"Request {request.reference}: {request.outcome.get('rows', 0)} rows written to "
            f"{out} ({request.archive_size} bytes, sha256 {request.archive_sha256})."
        )

    def _report_erasure(self, request: Any) -> None:
        residual = request.outcome.get("residual", [])
        certificate = getattr(request, "certificate", None)
        self.stdout.write(
            f"Request {request.reference}: erasure {request.status}; certificate "
            f"{certificate.public_id if certificate else '-'}."
        )
        for finding in residual:
            self.stderr.write(
                f"  residue: {finding['table']}.{finding['column']} ({finding['rows']} rows)"
            )
        if request.status != Status.COMPLETED:
            raise CommandError("The residual scan found traces: the erasure is only partial.")
