"""The journal's answer to the retention sweep: its own pruning, by whole sealed days.

The generic sweep never deletes journal rows (they are append-only and chained): for the
register's rule "journal" it calls `remove_expired`, registered in `AuditConfig.ready()`, which
seals what can be sealed and then removes the days whose year is over (`actions.prune_journal`).

Legal holds: a hold names a person or an object, and the journal cannot keep one person's
entries of a day while removing the others without breaking the chain that proves it intact.
The journal is kept one year at most (charter, annex 1) whatever the holds; what a dispute needs
from it is exported by the DPO from the journal's search before that year is up.
"""

from typing import TYPE_CHECKING

from charte.audit import actions
from charte.audit.models import Entry, Seal
from charte.audit.verify import one_year_after

if TYPE_CHECKING:
    from charte.core.expiry import Expiry


def remove_expired(expiry: "Expiry") -> int:
    """Remove the sealed days past their year on `expiry.today`; with a dry run, count them."""
    if expiry.dry_run:
        return would_remove(expiry)
    actions.seal_or_alert()
    return actions.prune_journal(today=expiry.today, batch_size=expiry.batch_size).entries


def would_remove(expiry: "Expiry") -> int:
    """How many entries a prune on `expiry.today` would remove, changing nothing.

    Counts the sealed days past their year (and what an interrupted prune left behind), not the
    days that sealing would add first: a dry run seals nothing.
    """
    through = Seal.objects.filter(pruned_at__isnull=False).order_by("-day").first()
    due = [
        seal
        for seal in Seal.objects.filter(pruned_at__isnull=True).order_by("day")
        if one_year_after(seal.day) <= expiry.today
    ]
    if due:
        through = due[-1]
    if through is None:
        return 0
    return Entry.objects.filter(through.entries_through()).count()
