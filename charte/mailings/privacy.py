from charte.mailings.models import Mailing
from charte.privacy.register import Category
from charte.privacy.registry import Anonymise, derived, observed, provided, registry

_KEPT = (
    "public_id",
    "purpose",
    "subject",
    "body",
    "subject_en",
    "body_en",
    "status",
    "created_at",
    "updated_at",
    "started_at",
    "finished_at",
    "planned",
    "cursor",
    "queued",
)

registry.personal(
    Mailing,
    # About the members of the marketing service who wrote and sent it; its recipients are
    # the outbox's messages, not this row.
    subjects=("created_by", "sent_by"),
    purposes=("newsletter", "reviews"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "purpose": provided(Category.MESSAGES),
        "subject": provided(Category.SERVICE),
        "body": provided(Category.SERVICE),
        "subject_en": provided(Category.SERVICE),
        "body_en": provided(Category.SERVICE),
        "status": observed(Category.MESSAGES),
        "created_by": observed(Category.REFERENCE),
        "created_at": observed(Category.MESSAGES),
        "updated_at": observed(Category.MESSAGES),
        "sent_by": observed(Category.REFERENCE),
        "started_at": observed(Category.MESSAGES),
        "finished_at": observed(Category.MESSAGES),
        "planned": derived(Category.MESSAGES),
        "cursor": derived(Category.REFERENCE),
        "queued": derived(Category.MESSAGES),
    },
    # The message is the operator's (its text is the service's content, not data about its
    # author): erasing its author's account takes only their name off it.
    erasure={
        "created_by": Anonymise(replace={"created_by": None}, keep=(*_KEPT, "sent_by")),
        "sent_by": Anonymise(replace={"sent_by": None}, keep=(*_KEPT, "created_by")),
    },
    retention="marketing",
    retention_from="created_at",
)
