from charte.core import notices
from charte.notifications.models import Message
from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, registry


def _kind_in_words(code: str, *, child: bool = False, pupil: bool = False) -> str:
    return str(notices.label_of(code) or code)


registry.personal(
    Message,
    subjects=("recipient", "about"),
    purposes=("account",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "kind": derived(Category.MESSAGES).read_as(_kind_in_words),
        "recipient": derived(Category.REFERENCE),
        "about": derived(Category.REFERENCE),
        "to_email": derived(Category.CONTACT),
        "subject": derived(Category.MESSAGES),
        "body": derived(Category.MESSAGES),
        "headers": derived(Category.MESSAGES),
        "campaign": derived(Category.REFERENCE),
        "status": observed(Category.MESSAGES),
        "attempts": observed(Category.MESSAGES),
        "last_error": observed(Category.MESSAGES),
        "created_at": observed(Category.MESSAGES),
        "sent_at": observed(Category.MESSAGES),
    },
    erasure=Delete(),
    retention="technical",
    retention_from="created_at",
)
