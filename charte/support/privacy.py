from django.utils.translation import gettext_lazy as _

from charte.privacy.register import Category
from charte.privacy.registry import (
    Anonymise,
    Delete,
    derived,
    from_others,
    observed,
    provided,
    registry,
)
from charte.support.models import Answer, ErrorReport

registry.personal(
    ErrorReport,
    subjects=("reporter", "assignee"),
    purposes=("error_reports",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "reporter": observed(Category.REFERENCE),
        "contact_email": provided(
            Category.CONTACT, _("seulement celle d'un visiteur qui souhaite une réponse")
        ),
        "language": observed(Category.ACCOUNT, _("la langue dans laquelle répondre")),
        "page": provided(Category.BROWSING, _("le chemin de la page, sans ses paramètres")),
        "message": provided(Category.MESSAGES),
        "status": derived(Category.MESSAGES),
        "assignee": from_others(Category.REFERENCE),
        "created_at": observed(Category.MESSAGES),
        "closed_at": observed(Category.MESSAGES),
    },
    erasure={
        "reporter": Delete(),
        # A staff member who leaves: their reports stay in the queue, no longer theirs.
        "assignee": Anonymise(
            replace={"assignee": None},
            keep=(
                "public_id",
                "reporter",
                "contact_email",
                "language",
                "page",
                "message",
                "status",
                "created_at",
                "closed_at",
            ),
        ),
    },
    retention="error_reports",
    retention_from="created_at",
)

registry.personal(
    Answer,
    subjects=("report__reporter", "author"),
    purposes=("error_reports",),
    fields={
        "public_id": derived(Category.REFERENCE),
        "report": observed(Category.REFERENCE),
        "author": from_others(Category.REFERENCE),
        "body": from_others(Category.MESSAGES),
        "sent_to": derived(Category.MESSAGES),
        "created_at": observed(Category.MESSAGES),
    },
    erasure={
        "report__reporter": Delete(),
        "author": Anonymise(
            replace={"author": None}, keep=("public_id", "report", "body", "sent_to", "created_at")
        ),
    },
    retention="error_reports",
    retention_from="created_at",
)
