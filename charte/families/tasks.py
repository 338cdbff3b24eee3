"""The families' periodic jobs: erasing the children's accounts no guardian confirmed within
14 days, and the weekly progress email parents asked for (its design: `progress`).

Design of the first: an account waiting for a guardian is closed and holds almost nothing; the register's
rule "unconfirmed_child" gives the guardian 14 days. Each account is erased in its own
transaction (a failure leaves the others done; the next run tries again), and the job can run
any number of times. Expired invitations go too. The journal counts, it never names.
"""

from django.tasks import task
from django.utils import timezone

from charte.core.actors import RETENTION, SCHEDULER
from charte.families import actions, progress, queries


@task()
def erase_unconfirmed_children() -> int:
    erased = 0
    for child in queries.unconfirmed_children():
        actions.erase_unconfirmed_child(child=child, actor=RETENTION)
        erased += 1
    actions.delete_expired_invitations(actor=RETENTION)
    return erased


@task()
def send_weekly_progress(*, week: str = "") -> int:
    """The weekly progress email of the last whole week (or of `week`, "2026-W49"), for every
    child with a guardian who asked for it; each child in their own transaction, a week
    already sent skipped (see `charte.families.progress`). Scheduled daily: the first run
    after a week ends sends it, the others find nothing left to send."""
    chosen = progress.Week.from_key(week) if week else progress.Week.before(timezone.now())
    return sum(
        actions.send_weekly_progress(child=child, week=chosen, actor=SCHEDULER)
        for child in progress.children_to_tell()
    )
