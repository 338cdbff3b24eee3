from django.utils.translation import gettext_lazy as _

from charte.audit.models import Entry
from charte.privacy.register import Category
from charte.privacy.registry import KeepUnderObligation, Ref, derived, observed, registry

registry.personal(
    Entry,
    subjects=(Ref("actor_ref"), Ref("subject_ref")),
    purposes=("security_journal",),
    fields={
        "at": observed(Category.SECURITY),
        "event": observed(Category.SECURITY),
        "actor_ref": observed(Category.REFERENCE),
        "subject_ref": observed(Category.REFERENCE),
        "data": derived(Category.SECURITY),
        "ip": observed(Category.CONNECTION),
        "user_agent": observed(Category.CONNECTION),
    },
    # The journal is the trace that the law asks us to keep for a year: erasing an account
    # leaves its entries (which name people only by pseudonymous reference) to their own expiry.
    erasure=KeepUnderObligation(
        keep=("at", "event", "actor_ref", "subject_ref", "data", "ip", "user_agent"),
        replace={},
        reason=_("Journal de sécurité, conservé un an au plus (RGPD art. 5 et 32)."),
        retention="journal",
    ),
    retention="journal",
    retention_from="at",
)
