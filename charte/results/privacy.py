from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, provided, registry
from charte.results.models import Attempt

registry.personal(
    Attempt,
    subjects=("pupil",),
    purposes=("evaluation", "coach"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "pupil": observed(Category.REFERENCE),
        "exercise": observed(Category.WORK),
        "answers": provided(Category.WORK),
        "score": derived(Category.RESULTS),
        "created_at": observed(Category.RESULTS),
    },
    erasure=Delete(),
    retention="account",
)
