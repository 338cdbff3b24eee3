"""The journal's block on the home page of IT and the DPO: is it intact, what did it alert."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from charte.audit import events, queries

if TYPE_CHECKING:  # the journal sits below accounts: the type only
    from charte.accounts.models import User

RECENT_ALERTS = 5


def journal_panel(user: "User") -> dict[str, Any]:
    since = timezone.localdate() - timedelta(days=7)
    alerts = queries.alerts_since(since)
    return {
        "health": queries.journal_health(),
        "alert_count": alerts.count(),
        "alerts": [(events.label(e.event), e.at) for e in alerts[:RECENT_ALERTS]],
        "week_ago": since.isoformat(),
    }
