"""The daily job that erases children's accounts no guardian confirmed within 14 days.

Design: an account waiting for a guardian is closed and holds almost nothing; the register's
rule "unconfirmed_child" gives the guardian 14 days. Each account is erased in its own
transaction (a failure leaves the others done; the next run tries again), and the job can run
any number of times. Expired invitations go too. The journal counts, it never names.
"""

from django.tasks import task

from charte.core.actors import RETENTION
from charte.families import actions, queries


@task()
def erase_unconfirmed_children() -> int:
    erased = 0
    for child in queries.unconfirmed_children():
        actions.erase_unconfirmed_child(child=child, actor=RETENTION)
        erased += 1
    actions.delete_expired_invitations(actor=RETENTION)
    return erased
