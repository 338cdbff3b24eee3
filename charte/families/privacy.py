from charte.families.models import Invitation
from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, from_others, observed, registry

registry.personal(
    Invitation,
    subjects=("child", "invited_by", "accepted_by"),
    purposes=("groups", "consent_proof"),
    fields={
        "public_id": derived(Category.REFERENCE),
        "kind": derived(Category.FAMILY),
        "child": observed(Category.REFERENCE),
        "email": from_others(Category.CONTACT, "l'adresse du responsable, tapée pour l'inviter"),
        "code_digest": derived(
            Category.REFERENCE, "l'empreinte du code d'une lettre aux parents, jamais le code"
        ),
        "invited_by": observed(Category.FAMILY),
        "created_at": observed(Category.FAMILY),
        "expires_at": derived(Category.FAMILY),
        "accepted_at": observed(Category.FAMILY),
        "accepted_by": observed(Category.FAMILY),
    },
    erasure=Delete(),
    retention="unconfirmed_child",
    retention_from="created_at",
)
