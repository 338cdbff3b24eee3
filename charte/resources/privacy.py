from charte.privacy.register import Category
from charte.privacy.registry import Delete, derived, observed, provided, registry
from charte.resources.models import Folder, Resource

registry.personal(
    Folder,
    subjects=("owner",),
    purposes=("personal_resources",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "owner": provided(Category.REFERENCE),
        "name": provided(Category.RESOURCES),
        "parent": provided(Category.REFERENCE),
        "created_at": observed(Category.RESOURCES),
    },
    erasure=Delete(),
    retention="account",
)

registry.personal(
    Resource,
    subjects=("owner",),
    purposes=("personal_resources",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "owner": provided(Category.REFERENCE),
        "folder": provided(Category.REFERENCE),
        "kind": provided(Category.RESOURCES),
        "title": provided(Category.RESOURCES),
        "body": provided(Category.RESOURCES),
        "url": provided(Category.RESOURCES),
        "file": provided(Category.RESOURCES),
        "file_name": provided(Category.RESOURCES),
        "file_type": observed(Category.RESOURCES),
        "file_size": observed(Category.RESOURCES),
        "created_at": observed(Category.RESOURCES),
        "updated_at": observed(Category.RESOURCES),
    },
    erasure=Delete(),
    retention="account",
)
