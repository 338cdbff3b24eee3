from charte.privacy.register import Category
from charte.privacy.registry import Anonymise, Delete, Ref, derived, observed, provided, registry
from charte.retention.models import ExpiryNotice, LegalHold, Renewal, StoredForecast

registry.personal(
    Renewal,
    subjects=("person",),
    purposes=("account",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": provided(Category.REFERENCE),
        "source": provided(Category.ACCOUNT),
        "actor_ref": observed(Category.REFERENCE),
        "renewed_at": observed(Category.ACCOUNT),
        "kept_until": derived(Category.ACCOUNT),
    },
    erasure=Delete(),
    retention="with_account",
)

registry.personal(
    ExpiryNotice,
    subjects=("person",),
    purposes=("account",),
    fields={
        "person": derived(Category.REFERENCE),
        "kept_until": derived(Category.ACCOUNT),
        "sent_at": observed(Category.ACCOUNT),
    },
    erasure=Delete(),
    retention="with_account",
)

_HOLD_FIELDS = (
    "public_id",
    "person",
    "model_label",
    "object_id",
    "reason",
    "reference",
    "placed_at",
    "until",
    "lifted_at",
)

registry.personal(
    LegalHold,
    subjects=("person", Ref("placed_by_ref"), Ref("lifted_by_ref")),
    purposes=("subject_requests",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "person": derived(Category.REFERENCE),
        "model_label": derived(Category.REFERENCE),
        "object_id": derived(Category.REFERENCE),
        "reason": derived(Category.REQUESTS),
        "reference": derived(Category.REQUESTS),
        "placed_by_ref": observed(Category.REFERENCE),
        "placed_at": observed(Category.REQUESTS),
        "until": derived(Category.REQUESTS),
        "lifted_by_ref": observed(Category.REFERENCE),
        "lifted_at": observed(Category.REQUESTS),
    },
    # A hold is proof of why data outlived its retention: it goes 5 years after it is lifted
    # (while in force it never expires). Erasing the staff member who placed it keeps the hold
    # and drops their reference; erasing the person held drops the hold with their data.
    erasure={
        "person": Delete(),
        Ref("placed_by_ref"): Anonymise(
            replace={"placed_by_ref": "user:erased"},
            keep=(*_HOLD_FIELDS, "lifted_by_ref"),
        ),
        Ref("lifted_by_ref"): Anonymise(
            replace={"lifted_by_ref": "user:erased"},
            keep=(*_HOLD_FIELDS, "placed_by_ref"),
        ),
    },
    retention="proof",
    retention_from="lifted_at",
)

registry.not_personal(
    StoredForecast,
    reason="Counts per retention rule for the DPO's home page; no sample, names nobody.",
)
