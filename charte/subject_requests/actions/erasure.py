"""Erasure (art. 17): through the registry, then a scan of the whole database."""

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.core.actors import Actor
from charte.privacy import erasure
from charte.privacy.registry import registry
from charte.recipients import notices as recipient_notices
from charte.subject_requests import scan
from charte.subject_requests.actions.common import close, data_of, require
from charte.subject_requests.models import (
    ErasureCertificate,
    Kind,
    Status,
    SubjectRequest,
)


def execute_erasure(*, request: SubjectRequest, actor: Actor) -> SubjectRequest:
    """Erase through the registry, then scan the whole database for what identifies the person.

    Re-runnable: `erasure.erase` resumes where a crash left it; the scan and the certificate
    come only once everything is done. "Completed" only when the scan finds no residue.
    """
    require(
        request.status == Status.PROCESSING and request.kind == Kind.ERASURE,
        _("Cette demande n'attend pas d'effacement."),
    )
    person = request.person
    require(person is not None, _("La personne concernée n'existe plus."))
    assert person is not None
    terms = scan.identifiers(person)
    started = timezone.now()
    # Those who received the person's data are told (art. 19) before the link to them goes.
    recipient_notices.tell_recipients(
        person=person, kind="erase", reference=str(request.public_id), actor=actor
    )
    report = erasure.erase(people=[person], actor=actor, reason="request")
    findings = scan.scan(terms)
    residual = scan.residues(findings)
    counts: dict[str, dict[str, int]] = {}
    for action, per_model in report.as_data().items():
        per_category: dict[str, int] = defaultdict(int)
        for label, count in per_model.items():
            declaration = _declaration_by_label(label)
            for category in declaration.categories() if declaration else ["other"]:
                per_category[str(category)] += count
        counts[action] = dict(sorted(per_category.items()))
    with transaction.atomic():
        request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        request.outcome = {
            "erasure": report.as_data(),
            "residual": [f.as_data() for f in residual],
            "kept": [f.as_data() for f in findings if f.kept],
        }
        request.progress = 100
        request.save(update_fields=["outcome", "progress"])
        ErasureCertificate.objects.create(
            request=request,
            identity_digest=request.identity_digest,
            counts=counts,
            residual_clean=not residual,
            started_at=started,
            finished_at=timezone.now(),
        )
        audit.record(
            event="subject_request.erasure_verified",
            actor=actor,
            data=data_of(request, clean=not residual, residual=len(residual)),
        )
        close(request, status=Status.PARTIAL if residual else Status.COMPLETED, actor=actor)
    return request


def _declaration_by_label(label: str) -> Any:
    for declaration in registry.declarations():
        if declaration.label == label:
            return declaration
    return None
