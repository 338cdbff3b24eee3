from charte.audience.models import PageView
from charte.privacy.register import Category
from charte.privacy.registry import Delete, observed, registry

registry.personal(
    PageView,
    subjects=("user",),
    purposes=("improvement", "cookies_audience"),
    fields={
        "visitor": observed(Category.BROWSING),
        "user": observed(Category.REFERENCE),
        "consent_record": observed(Category.CONSENT),
        "path": observed(Category.BROWSING),
        "load_ms": observed(Category.BROWSING),
        "address": observed(Category.CONNECTION),
        "at": observed(Category.BROWSING),
    },
    erasure=Delete(),
    retention="audience",
    retention_from="at",
)
