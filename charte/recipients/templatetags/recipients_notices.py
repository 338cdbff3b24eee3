"""The notices to recipients on a request's pages and in its answer (GDPR art. 19).

The rights engine's templates load these: `{% request_notices req as reach %}`. The request is
read by its public id, kind and person only, so that this app never imports the engine above.
"""

from typing import Any

from django import template

from charte.privacy import register as privacy_register
from charte.recipients import queries
from charte.recipients.models import Notice

register = template.Library()

# The request's kind (the rights engine's) -> the notice its execution sends.
NOTICE_OF_REQUEST = {"erasure": "erase", "rectification": "correct", "restriction": "stop"}
OPEN = frozenset({"awaiting_identity", "in_review", "processing"})


@register.simple_tag
def request_notices(req: Any) -> dict[str, Any]:
    if getattr(req, "pk", None) is None:  # an unsaved example (message previews): nothing told
        return {"rows": [], "held": False, "told": [], "upcoming": [], "applies": False}
    reference = str(req.public_id)
    rows = []
    for notice in queries.notices_of(reference):
        recipient = privacy_register.RECIPIENT_BY_CODE.get(notice.recipient)
        rows.append(
            {
                "notice": notice,
                "name": recipient.name if recipient else notice.recipient,
                "kind_label": privacy_register.NoticeKind(notice.kind).label,
                "overdue": notice.state == Notice.State.OVERDUE,
                "waivable": notice.state == Notice.State.OVERDUE and notice.waived_at is None,
            }
        )
    kind = NOTICE_OF_REQUEST.get(getattr(req, "kind", ""))
    person = getattr(req, "person", None)
    # Before execution, who will be told (a correction depends on what is corrected).
    pending = getattr(req, "status", "") in OPEN and kind in ("erase", "stop")
    upcoming = queries.to_be_told(person, kind) if kind and pending and not rows and person else []
    return {
        "rows": rows,
        "held": any(r["waivable"] for r in rows),
        "told": queries.told(reference),
        "upcoming": upcoming,
        "applies": kind is not None,
    }


@register.simple_tag
def corrections_told(person: Any) -> list[dict[str, Any]]:
    """The recipients told of the corrections made in "Mes informations" (most recent first)."""
    if getattr(person, "pk", None) is None:
        return []
    return queries.corrections_told(person, limit=20)
