from django.tasks import task

from charte.audience import actions
from charte.core.actors import SCHEDULER


@task()
def apply_objections() -> int:
    return actions.apply_objections(actor=SCHEDULER)
