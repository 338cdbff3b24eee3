"""Access and portability (art. 15 and 20): the archive built, downloaded and expired."""

import tempfile
import uuid
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role
from charte.audit.journal import RequestMeta
from charte.core.actors import Actor
from charte.subject_requests import archive, rules
from charte.subject_requests.actions.common import close, data_of, require
from charte.subject_requests.models import (
    Kind,
    Relation,
    Status,
    SubjectRequest,
)
from charte.subject_requests.storage import delete_archive, save_archive


def build_archive(*, request: SubjectRequest, actor: Actor) -> SubjectRequest:
    """Build the access or portability archive, streaming it to a private file.

    Not one transaction: the progress is committed as it goes, so the page can show it.
    """
    require(
        request.status == Status.PROCESSING and request.kind in (Kind.ACCESS, Kind.PORTABILITY),
        _("Cette demande n'attend pas d'archive."),
    )
    person = request.person
    require(person is not None, _("La personne concernée n'existe plus."))
    assert person is not None
    name = f"{uuid.uuid4().hex}.zip"
    scope = archive.ACCESS if request.kind == Kind.ACCESS else archive.PORTABILITY

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        SubjectRequest.objects.filter(pk=request.pk).update(progress=percent)

    # Built into a temporary file (in memory while small), then handed to the storage (which
    # sends it to object storage in parts): nothing of it stays on this server.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        result = archive.build(
            person=person,
            scope=scope,
            out=out,
            reference=request.reference,
            progress=progress,
            addressee=addressee_of(request),
            language=reader_language(request),
        )
        out.seek(0)
        name = save_archive(name, out)
    with transaction.atomic():
        request.refresh_from_db()
        request.archive_name = name
        request.archive_sha256 = result.sha256
        request.archive_size = result.size
        request.archive_expires_at = timezone.now() + rules.ARCHIVE_LIFETIME
        request.progress = 100
        request.outcome = {"rows": result.total_rows, "models": len(result.rows)}
        request.save(
            update_fields=[
                "archive_name",
                "archive_sha256",
                "archive_size",
                "archive_expires_at",
                "progress",
                "outcome",
            ]
        )
        audit.record(
            event="subject_request.archive_built",
            actor=actor,
            subject=person,
            data=data_of(request, rows=result.total_rows, sha256=result.sha256),
        )
        close(request, status=Status.COMPLETED, actor=actor)
    return request


def addressee_of(request: SubjectRequest) -> archive.Addressee:
    """Whom the archive speaks to: the person, when they asked for it themself (in "tu" for a
    pupil), else the guardian or heir who asked, about the person."""
    if request.relation != Relation.SELF:
        return archive.Addressee.ON_BEHALF
    if request.person is not None and request.person.role == Role.PUPIL:
        return archive.Addressee.PUPIL
    return archive.Addressee.ADULT


def reader_language(request: SubjectRequest) -> str:
    """The language of whoever reads the archive: the person's own when they asked for it, else
    that of the guardian or heir who asked ("" when not known: the person's)."""
    if request.relation == Relation.SELF:
        return ""
    if request.requester is not None:
        return request.requester.language
    if request.claim is not None:
        return request.claim.language
    return ""


@transaction.atomic
def record_download(*, request: SubjectRequest, actor: Actor, meta: RequestMeta | None) -> None:
    """Journal a download as the journal's archive read, with IP and user agent: the journal's
    watch raises an alert when an archive leaves for an address the account never used."""
    if request.person is not None:
        audit.record_read(
            viewer=actor, subject=request.person, what="archive", data=data_of(request), meta=meta
        )


@transaction.atomic
def expire_archive(*, request: SubjectRequest, actor: Actor) -> None:
    # The object goes once the expiry is committed (the link stays valid if this rolls back).
    transaction.on_commit(partial(delete_archive, request.archive_name))
    request.archive_name = ""
    request.save(update_fields=["archive_name"])
    audit.record(event="subject_request.archive_expired", actor=actor, data=data_of(request))
