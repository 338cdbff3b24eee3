"""The register of processing (GDPR art. 30), as data.

Design: this package is the single source of the facts the charter states. The published
charter, the access archive (art. 15 information), the retention sweep and the consent screens
all read from here and from the declarations in each app's `privacy.py`; none restates them.
A change here is a change of the charter: the charter versions computed from it say so.

- `vocabulary`: the types (legal bases, categories of data, provenances, retention anchors,
  recipients' kinds, and the dataclasses below);
- `data`: the facts, written with them, and `recipients`, who receives the data;
- `validation`: the register checking itself (run by `manage.py check`, id charte.E009).

Vocabulary:
- a *processing* is a row of the register (the charter's Annex 1 has two of them): one legal
  basis, one default retention, its data subjects and recipients;
- a *purpose* is a finer use within a processing, which data declarations name (the coach, the
  results, the error reports...), so that objection and restriction can act per purpose;
- a *retention rule* says how long data lives and from which date, with its legal reason;
- a *recipient* is anyone who receives personal data, inside or outside the operator.

The cookie categories and their trackers belong to the cookies app (`charte.cookies.categories`),
which checks them against this register.
"""

from charte.privacy.register.data import (
    ALL_PLATFORM_SUBJECTS,
    DATA_SUBJECTS,
    PROCESSING_BY_CODE,
    PROCESSINGS,
    PURPOSE_BY_CODE,
    PURPOSES,
    RETENTION_BY_CODE,
    RETENTION_RULES,
)
from charte.privacy.register.emails import EMAIL_BY_CODE, EMAILS
from charte.privacy.register.recipients import RECIPIENT_BY_CODE, RECIPIENTS
from charte.privacy.register.validation import validate
from charte.privacy.register.vocabulary import (
    EEA_COUNTRIES,
    PORTABLE_PROVENANCES,
    Anchor,
    Category,
    Email,
    LegalBasis,
    NoticeKind,
    Notices,
    Processing,
    Provenance,
    Purpose,
    Reach,
    Recipient,
    RecipientKind,
    RetentionRule,
    Safeguard,
    Text,
)

__all__ = [
    "ALL_PLATFORM_SUBJECTS",
    "DATA_SUBJECTS",
    "EEA_COUNTRIES",
    "EMAILS",
    "EMAIL_BY_CODE",
    "PORTABLE_PROVENANCES",
    "PROCESSINGS",
    "PROCESSING_BY_CODE",
    "PURPOSES",
    "PURPOSE_BY_CODE",
    "RECIPIENTS",
    "RECIPIENT_BY_CODE",
    "RETENTION_BY_CODE",
    "RETENTION_RULES",
    "Anchor",
    "Category",
    "Email",
    "LegalBasis",
    "NoticeKind",
    "Notices",
    "Processing",
    "Provenance",
    "Purpose",
    "Reach",
    "Recipient",
    "RecipientKind",
    "RetentionRule",
    "Safeguard",
    "Text",
    "purposes_of",
    "recipients_of",
    "validate",
]


def purposes_of(processing: str) -> list[Purpose]:
    # Here rather than in `data`, so that they read this module's names (tests replace them).
    return [p for p in PURPOSES if p.processing == processing]


def recipients_of(purpose: str) -> list[Recipient]:
    """Who receives data for a purpose: said once, on each recipient, never twice."""
    return [r for r in RECIPIENTS if purpose in r.purposes]
