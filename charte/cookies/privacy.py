from django.utils.translation import gettext_lazy as _

from charte.cookies.models import ConsentRecord
from charte.privacy.register import Category
from charte.privacy.registry import KeepUnderObligation, derived, observed, provided, registry

registry.personal(
    ConsentRecord,
    subjects=("user",),
    purposes=("cookies", "consent_proof"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "consent_id": derived(Category.REFERENCE),
        "user": observed(Category.REFERENCE),
        "at": observed(Category.CONSENT),
        "action": provided(Category.CONSENT),
        "method": observed(Category.CONSENT),
        "categories": provided(Category.CONSENT),
        "iab_purposes": provided(Category.CONSENT),
        "iab_special_features": provided(Category.CONSENT),
        "vendors": provided(Category.CONSENT),
        "gpc": observed(Category.CONSENT),
        "language": observed(Category.CONSENT),
        "texts_hash": derived(Category.CONSENT),
        "code_version": derived(Category.CONSENT),
        "user_agent": observed(Category.CONNECTION),
        "tc_string": derived(Category.CONSENT),
    },
    # The proof of a consent outlives the account it was given from (GDPR art. 7.1): erasing
    # the account unlinks the records and blanks the browser's name; what was chosen, when,
    # and on which texts stays, tied only to the random id of a cookie that is long gone.
    erasure=KeepUnderObligation(
        keep=(
            "public_id",
            "consent_id",
            "at",
            "action",
            "method",
            "categories",
            "iab_purposes",
            "iab_special_features",
            "vendors",
            "gpc",
            "language",
            "texts_hash",
            "code_version",
            "tc_string",
        ),
        replace={"user": None, "user_agent": ""},
        reason=_("Preuve du consentement (RGPD art. 7.1), conservée 5 ans au plus."),
        retention="proof",
    ),
    retention="proof",
    retention_from="at",
)
