"""The journal's background work. Each task takes ids (or nothing) and calls one action.

Periodic, registered with `charte.core.schedule` in `AppConfig.ready()`: `seal_journal_task`
and `verify_journal_task` (daily), `audit_dependencies_task` (every six hours). Pruning runs within the nightly retention sweep, through
`charte.audit.retention`; `prune_journal_task` enqueues the same by hand, as does
`manage.py journal prune`.
"""

from django.tasks import task

from charte.audit import actions, alerts, dependencies
from charte.audit.models import Entry


@task()
def email_alert(*, entry_id: int) -> int:
    """Email one alert (an "alert.*" entry) to IT and the DPO."""
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None:  # the journal day was pruned before the worker got to it
        return 0
    return alerts.send_alert_email(entry)


@task()
def seal_journal_task() -> bool:
    """Seal the complete days not sealed yet; alert IT and the DPO if one does not verify."""
    _, broken = actions.seal_or_alert()
    return broken is None


@task()
def prune_journal_task() -> int:
    """Seal what can be, then remove the entries of sealed days older than a year."""
    actions.seal_or_alert()
    return actions.prune_journal().entries


@task()
def verify_journal_task() -> bool:
    return actions.verify_journal().ok


@task()
def audit_dependencies_task() -> str:
    """Check the installed packages against the advisories; journal it, alert IT if needed."""
    entry = dependencies.audit_dependencies()
    return entry.event if entry is not None else "off"
