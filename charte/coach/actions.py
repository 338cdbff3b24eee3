"""The coach's one-click "stop", and its withdrawal: objections kept by the rights engine.

The coach keeps no objection of its own: `processing.record_objection` files it where every
objection lives (the person's privacy centre shows it and lets it be withdrawn; the DPO's queue
lists it), and `processing.allowed(pupil, "coach")` answers for it, for a consent withdrawn and
for a restriction alike.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from charte.accounts.models import Role, User
from charte.core.errors import ActionError
from charte.privacy import processing

PURPOSE = "coach"


@transaction.atomic
def object_to_personalisation(*, pupil: User, actor: User) -> None:
    """From now on the coach ignores the pupil's results and suggests what it suggests to all."""
    if pupil.role != Role.PUPIL:
        raise ActionError(_("Le coach ne concerne que les élèves."))
    processing.record_objection(person=pupil, purpose=PURPOSE, actor=actor)


@transaction.atomic
def withdraw_objection(*, pupil: User, actor: User) -> None:
    """The coach may use the pupil's results again (if nothing else stops it)."""
    processing.withdraw_objection(person=pupil, purpose=PURPOSE, actor=actor)
