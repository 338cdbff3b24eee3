from django.utils.translation import gettext_lazy as _

from charte.consent.models import ApiClient, CharterVersion, ConsentRecord, ConsentText
from charte.privacy.register import Category
from charte.privacy.registry import KeepUnderObligation, Ref, derived, observed, provided, registry

registry.personal(
    ConsentRecord,
    subjects=(Ref("subject_ref"), Ref("actor_ref")),
    purposes=("consent_proof",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "subject_ref": observed(Category.REFERENCE),
        "purpose": provided(Category.CONSENT),
        "act": provided(Category.CONSENT),
        "actor_ref": observed(Category.REFERENCE),
        "on_behalf": observed(Category.CONSENT),
        "channel": observed(Category.CONSENT),
        "verification": derived(Category.CONSENT),
        "text": observed(Category.REFERENCE),
        "charter_version": observed(Category.REFERENCE),
        "at": observed(Category.CONSENT),
    },
    # The proof of a consent must outlive the account it was about (RGPD art. 7.1): its rows
    # name people only by pseudonymous reference and stay until their own retention ends.
    erasure=KeepUnderObligation(
        keep=(
            "public_id",
            "subject_ref",
            "purpose",
            "act",
            "actor_ref",
            "on_behalf",
            "channel",
            "verification",
            "text",
            "charter_version",
            "at",
        ),
        replace={},
        reason=_("Preuve du consentement (RGPD art. 7.1), conservée 5 ans."),
        retention="proof",
    ),
    retention="proof",
    retention_from="at",
)
registry.not_personal(
    ConsentText, reason="The texts shown beside consent boxes, identical for everyone."
)
registry.not_personal(
    CharterVersion, reason="Published versions of the register; they name no person."
)
registry.not_personal(
    ApiClient, reason="Other services of the operator and a digest of their key; no person."
)
