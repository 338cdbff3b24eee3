from django.tasks import task

from charte.core.actors import SCHEDULER
from charte.statistics import actions


@task()
def refresh() -> int:
    return actions.refresh(actor=SCHEDULER)


@task()
def recheck_exclusions() -> int:
    return actions.recheck_exclusions(actor=SCHEDULER)
