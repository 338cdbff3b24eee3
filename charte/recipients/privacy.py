from django.utils.translation import gettext_lazy as _

from charte.privacy.register import Category
from charte.privacy.registry import KeepUnderObligation, derived, from_others, observed, registry
from charte.recipients.models import AuthorityRequest, Disclosure, Notice

# A disclosure proves what left and on what basis (accountability, GDPR art. 5(2)): when the
# person is erased, the record stays without them, for the proof period.
registry.personal(
    Disclosure,
    subjects=("person",),
    purposes=("consent_proof", "authority_requests"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": observed(Category.REFERENCE),
        "recipient": observed(Category.DISCLOSURES),
        "purpose": observed(Category.DISCLOSURES),
        "categories": observed(Category.DISCLOSURES),
        "at": observed(Category.DISCLOSURES),
        "decided_by": observed(Category.REFERENCE),
        "legal_basis": observed(Category.DISCLOSURES),
        "reference": observed(Category.ORDERS),
    },
    erasure=KeepUnderObligation(
        keep=("public_id", "recipient", "purpose", "categories", "at", "decided_by", "legal_basis"),
        replace={"person": None, "reference": ""},
        reason=_(
            "Preuve de ce qui a été transmis et sur quel fondement (RGPD art. 5.2), sans la personne."
        ),
        retention="proof",
    ),
    retention="proof",
    retention_from="at",
)

registry.personal(
    AuthorityRequest,
    subjects=("person", "recorded_by"),
    purposes=("authority_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "authority": from_others(Category.REQUESTS),
        "legal_basis": from_others(Category.REQUESTS),
        "reference": from_others(Category.REQUESTS),
        "received_on": from_others(Category.REQUESTS),
        "person": from_others(Category.REFERENCE),
        "categories": from_others(Category.REQUESTS),
        "recorded_by": observed(Category.REFERENCE),
        "recorded_at": observed(Category.REQUESTS),
        "disclosure": derived(Category.REFERENCE),
    },
    erasure={
        "person": KeepUnderObligation(
            keep=(
                "public_id",
                "authority",
                "legal_basis",
                "reference",
                "received_on",
                "categories",
                "recorded_by",
                "recorded_at",
                "disclosure",
            ),
            replace={"person": None},
            reason=_(
                "Une réquisition et sa réponse sont gardées pour le délai de prescription, sans la personne."
            ),
            retention="proof",
        ),
        "recorded_by": KeepUnderObligation(
            keep=(
                "public_id",
                "authority",
                "legal_basis",
                "reference",
                "received_on",
                "person",
                "categories",
                "recorded_at",
                "disclosure",
            ),
            replace={"recorded_by": None},
            reason=_("La réquisition reste, sans le nom du délégué qui l'a enregistrée."),
            retention="proof",
        ),
    },
    retention="proof",
    retention_from="recorded_at",
)

# A notice proves that a recipient was told of the person's erasure, rectification or
# restriction, and when it confirmed (GDPR art. 19 and 5.2). Once the person is erased, the
# notice keeps what proves it without naming them: the recipient, what it was asked, the
# public ids of the disclosures (which only the recipient can match to what it holds), the
# dates. The corrected values and the free text go.
NOTICE_FIELDS = (
    "public_id",
    "recipient",
    "kind",
    "request_reference",
    "origin",
    "disclosures",
    "categories",
    "state",
    "via",
    "message",
    "attempts",
    "queued_at",
    "next_attempt_at",
    "sent_at",
    "due_at",
    "confirmed_at",
    "confirmed_via",
    "overdue_at",
    "waived_at",
)
registry.personal(
    Notice,
    subjects=("person", "waived_by"),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": derived(Category.REFERENCE),
        "recipient": derived(Category.REQUESTS),
        "kind": derived(Category.REQUESTS),
        "request_reference": derived(Category.REFERENCE),
        "origin": derived(Category.REQUESTS),
        "disclosures": derived(Category.REQUESTS),
        "categories": derived(Category.REQUESTS),
        "payload": derived(Category.IDENTITY, _("les valeurs corrigées, pour une rectification")),
        "state": observed(Category.REQUESTS),
        "via": observed(Category.REQUESTS),
        "message": observed(Category.REFERENCE),
        "attempts": observed(Category.REQUESTS),
        "last_error": observed(Category.REQUESTS),
        "queued_at": observed(Category.REQUESTS),
        "next_attempt_at": observed(Category.REQUESTS),
        "sent_at": observed(Category.REQUESTS),
        "due_at": observed(Category.REQUESTS),
        "confirmed_at": observed(Category.REQUESTS),
        "confirmed_via": observed(Category.REQUESTS),
        "overdue_at": observed(Category.REQUESTS),
        "waived_at": observed(Category.REQUESTS),
        "waived_by": observed(Category.REFERENCE),
        "waiver_reason": observed(Category.REQUESTS),
    },
    erasure={
        "person": KeepUnderObligation(
            keep=(*NOTICE_FIELDS, "waived_by"),
            replace={"person": None, "payload": {}, "last_error": "", "waiver_reason": ""},
            reason=_(
                "Preuve que chaque destinataire a été informé de l'effacement et quand il l'a "
                "confirmé (RGPD art. 19 et 5.2), sans la personne : les références des "
                "transmissions suffisent au destinataire."
            ),
            retention="proof",
        ),
        "waived_by": KeepUnderObligation(
            keep=(*NOTICE_FIELDS, "person", "payload", "last_error", "waiver_reason"),
            replace={"waived_by": None},
            reason=_("L'avis reste, sans le nom du délégué qui a décidé de répondre sans lui."),
            retention="proof",
        ),
    },
    retention="proof",
    retention_from="queued_at",
)
