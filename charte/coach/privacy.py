from charte.coach.models import Objection
from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, provided, registry

registry.personal(
    Objection,
    subjects=("pupil",),
    purposes=("coach",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "pupil": provided(Category.REFERENCE),
        "by_guardian": provided(Category.CONSENT),
        "created_at": observed(Category.CONSENT),
    },
    erasure=Delete(),
    retention="account",
)
