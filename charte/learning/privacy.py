from django.utils.translation import gettext_lazy as _

from charte.learning.models import LearningEvent, Pseudonym
from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, registry

registry.personal(
    Pseudonym,
    subjects=("person",),
    purposes=("statistics",),
    fields={
        "person": observed(Category.REFERENCE),
        "school_year": derived(Category.SCHOOLING),
        "value": derived(
            Category.REFERENCE,
            _("Un code calculé avec une clé secrète qui change chaque année scolaire."),
        ),
        "excluded": derived(Category.CONSENT),
        "created_at": observed(Category.ACCOUNT),
    },
    erasure=Delete(),
    retention="learning_events",
    retention_from="created_at",
)

registry.personal(
    LearningEvent,
    subjects=("pseudonym__person",),
    purposes=("statistics",),
    fields={
        "pseudonym": observed(Category.REFERENCE),
        "at": observed(Category.BROWSING),
        "verb": observed(Category.BROWSING),
        "kind": observed(Category.BROWSING),
        "ref": observed(Category.BROWSING),
        "competency_id": observed(Category.REFERENCE),
        "school_id": observed(Category.SCHOOLING),
        "class_id": observed(Category.SCHOOLING),
        "score": derived(Category.RESULTS),
        "success": derived(Category.RESULTS),
    },
    erasure=Delete(),
    retention="learning_events",
    retention_from="at",
)
