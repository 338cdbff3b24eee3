from django.utils.translation import gettext_lazy as _

from charte.privacy.register import Category
from charte.privacy.registry import KeepUnderObligation, derived, from_others, observed, registry
from charte.recipients.models import AuthorityRequest, Disclosure

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
