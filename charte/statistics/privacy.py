from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, registry
from charte.statistics.models import Activity, Cursor, Release

registry.personal(
    Activity,
    subjects=("pseudonym__person",),
    purposes=("statistics",),
    fields={
        "pseudonym": observed(Category.REFERENCE),
        "week": observed(Category.BROWSING),
        "hour": observed(Category.BROWSING),
        "competency_id": observed(Category.REFERENCE),
        "school_id": observed(Category.SCHOOLING),
        "class_id": observed(Category.SCHOOLING),
        "events": derived(Category.BROWSING),
        "exercises": derived(Category.RESULTS),
        "successes": derived(Category.RESULTS),
        "lessons": derived(Category.BROWSING),
    },
    erasure=Delete(),
    retention="learning_events",
    retention_from="week",
)
registry.not_personal(Cursor, reason="How far the aggregates have read; names nobody.")
registry.not_personal(
    Release,
    reason="Platform-wide counts published with differential privacy; about nobody in particular.",
)
