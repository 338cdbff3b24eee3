from django.utils.translation import gettext_lazy as _

from charte.privacy.register import Category
from charte.privacy.registry import (
    Anonymise,
    Delete,
    KeepUnderObligation,
    derived,
    from_others,
    observed,
    provided,
    registry,
)
from charte.subject_requests.models import (
    ArchiveKey,
    Claim,
    Death,
    Directive,
    ErasureCertificate,
    IdentityCheck,
    Limitation,
    Note,
    Proof,
    SubjectRequest,
)

PROOF = _(
    "Preuve de la réponse à une demande d'exercice des droits (RGPD art. 5.2 et 12), conservée "
    "5 ans ; le lien avec la personne et les textes libres sont effacés."
)

_REQUEST_FIELDS = {
    "public_id": derived(Category.REFERENCE),
    "kind": provided(Category.REQUESTS),
    "status": derived(Category.REQUESTS),
    "person": provided(Category.REFERENCE),
    "requester": provided(Category.REFERENCE),
    "relation": provided(Category.REQUESTS),
    "channel": provided(Category.REQUESTS),
    "opened_by": from_others(Category.REFERENCE),
    "assignee": from_others(Category.REFERENCE),
    "details": provided(Category.REQUESTS),
    "purposes": provided(Category.REQUESTS),
    "received_at": observed(Category.REQUESTS),
    "due_on": derived(Category.REQUESTS),
    "extended_to": from_others(Category.REQUESTS),
    "extension_reason": from_others(Category.REQUESTS),
    "identity_verified_at": from_others(Category.REQUESTS),
    "decision": from_others(Category.REQUESTS),
    "ground": from_others(Category.REQUESTS),
    "decision_note": from_others(Category.REQUESTS),
    "decided_at": from_others(Category.REQUESTS),
    "decided_by": from_others(Category.REFERENCE),
    "completed_at": derived(Category.REQUESTS),
    "outcome": derived(Category.REQUESTS),
    "progress": derived(Category.REQUESTS),
    "archive_name": derived(Category.REFERENCE),
    "archive_sha256": derived(Category.REQUESTS),
    "archive_size": derived(Category.REQUESTS),
    "archive_expires_at": derived(Category.REQUESTS),
    "reminded_stage": derived(Category.REQUESTS),
    "identity_digest": derived(Category.REFERENCE),
    "claim": provided(Category.REFERENCE),
}
# What an answered request keeps as proof once its person is erased: the facts of the answer.
_REQUEST_KEPT = (
    "public_id",
    "claim",
    "kind",
    "status",
    "relation",
    "channel",
    "opened_by",
    "assignee",
    "received_at",
    "due_on",
    "extended_to",
    "identity_verified_at",
    "decision",
    "ground",
    "decided_at",
    "decided_by",
    "completed_at",
    "outcome",
    "progress",
    "archive_sha256",
    "archive_size",
    "reminded_stage",
    "identity_digest",
)
_REQUEST_TEXT: dict[str, object] = {
    "details": "",
    "purposes": [],
    "extension_reason": "[effacé]",
    "decision_note": "",
    "archive_name": "",
    "archive_expires_at": None,
}

registry.personal(
    SubjectRequest,
    subjects=("person", "requester"),
    purposes=("subject_requests",),
    fields=_REQUEST_FIELDS,
    erasure={
        "person": KeepUnderObligation(
            keep=(*_REQUEST_KEPT, "requester"),
            replace={"person": None, **_REQUEST_TEXT},
            reason=PROOF,
            retention="proof",
        ),
        "requester": KeepUnderObligation(
            keep=(*_REQUEST_KEPT, "person"),
            replace={"requester": None, **_REQUEST_TEXT},
            reason=PROOF,
            retention="proof",
        ),
    },
    retention="proof",
    retention_from="received_at",
    # The access archive: blanked with the rest, its file deleted from the archives' storage.
    files={"archive_name": "archives"},
)

registry.personal(
    IdentityCheck,
    subjects=("request__person", "request__requester"),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "request": provided(Category.REFERENCE),
        "method": from_others(Category.REQUESTS),
        "evidence": from_others(Category.REQUESTS),
        "verified": from_others(Category.REQUESTS),
        "checked_by": from_others(Category.REFERENCE),
        "checked_by_role": from_others(Category.REQUESTS),
        "checked_at": from_others(Category.REQUESTS),
    },
    erasure=Anonymise(
        replace={"evidence": "[effacé]"},
        keep=(
            "public_id",
            "request",
            "method",
            "verified",
            "checked_by",
            "checked_by_role",
            "checked_at",
        ),
    ),
    retention="proof",
    retention_from="checked_at",
)

registry.personal(
    Note,
    subjects=("request__person", "request__requester"),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "request": from_others(Category.REFERENCE),
        "author": from_others(Category.REFERENCE),
        "text": from_others(Category.REQUESTS),
        "created_at": from_others(Category.REQUESTS),
    },
    erasure=Anonymise(
        replace={"text": "[effacé]"}, keep=("public_id", "request", "author", "created_at")
    ),
    retention="proof",
    retention_from="created_at",
)

registry.personal(
    Limitation,
    subjects=("person",),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": provided(Category.REFERENCE),
        "type": provided(Category.REQUESTS),
        "purpose": provided(Category.REQUESTS),
        "request": derived(Category.REFERENCE),
        "started_at": observed(Category.REQUESTS),
        "ended_at": from_others(Category.REQUESTS),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    Directive,
    subjects=("person",),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": provided(Category.REFERENCE),
        "trusted_name": provided(Category.IDENTITY, _("La personne de confiance que vous nommez.")),
        "trusted_email": provided(Category.CONTACT, _("Pour la joindre après votre décès.")),
        "wish": provided(Category.REQUESTS),
        "instructions": provided(Category.REQUESTS),
        "updated_at": observed(Category.REQUESTS),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    Death,
    subjects=("person",),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": from_others(Category.REFERENCE),
        "request": from_others(Category.REFERENCE),
        "verified_at": from_others(Category.ACCOUNT),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.not_personal(
    ErasureCertificate,
    reason=(
        "A request reference, counts per category, timestamps and a keyed hash that only the "
        "server's secret key can match: no name, email, identifier or free text."
    ),
)

# An heir's filing: about the deceased (whose data it asks for), written by someone who may
# have no account. The claimant's name and address stay as proof of whom we answered, as the
# request does; the documents go with the deceased's erasure.
registry.personal(
    Claim,
    subjects=("person",),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": from_others(Category.REFERENCE),
        "relation": from_others(Category.REQUESTS),
        "name": from_others(Category.IDENTITY),
        "email": from_others(Category.CONTACT),
        "language": from_others(Category.ACCOUNT),
        "filed_at": from_others(Category.REQUESTS),
    },
    erasure=KeepUnderObligation(
        keep=("public_id", "relation", "name", "email", "language", "filed_at"),
        replace={"person": None},
        reason=PROOF,
        retention="proof",
    ),
    retention="proof",
    retention_from="filed_at",
)

registry.personal(
    Proof,
    subjects=("claim__person",),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "claim": from_others(Category.REFERENCE),
        "type": from_others(Category.REQUESTS),
        "file": from_others(Category.REQUESTS),
        "file_name": from_others(Category.REQUESTS),
        "content_type": from_others(Category.REQUESTS),
        "size": from_others(Category.REQUESTS),
        "uploaded_at": from_others(Category.REQUESTS),
    },
    erasure=Delete(),
    retention="proof",
    retention_from="uploaded_at",
)

registry.personal(
    ArchiveKey,
    subjects=("request__person",),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "request": derived(Category.REFERENCE),
        "token_digest": derived(Category.CREDENTIALS),
        "code_digest": derived(Category.CREDENTIALS),
        "code_sent_at": observed(Category.REQUESTS),
        "attempts": observed(Category.REQUESTS),
        "created_at": observed(Category.REQUESTS),
        "used_at": observed(Category.REQUESTS),
    },
    erasure=Delete(),
    retention="proof",
    retention_from="created_at",
)
