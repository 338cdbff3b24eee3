"""A pupil's objection to the personalised coach, and its withdrawal."""

from django.db import transaction
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.accounts.queries import guardians_of
from charte.coach.models import Objection
from charte.core.errors import ActionError, Conflict


def _speaks_for(actor: User, pupil: User) -> bool:
    """The pupil themself, or one of their confirmed guardians."""
    return actor.pk == pupil.pk or guardians_of(pupil).filter(pk=actor.pk).exists()


@transaction.atomic
def object_to_personalisation(*, pupil: User, actor: User) -> Objection:
    """From now on the coach ignores the pupil's results and suggests what it suggests to all."""
    if pupil.role != Role.PUPIL:
        raise ActionError(_("Le coach ne concerne que les élèves."))
    if not _speaks_for(actor, pupil):
        raise ActionError(_("Seul l'élève ou l'un de ses responsables peut le demander."))
    if Objection.objects.filter(pupil=pupil).exists():
        raise Conflict(_("Cette opposition est déjà enregistrée."))
    objection = Objection.objects.create(pupil=pupil, by_guardian=actor.pk != pupil.pk)
    audit.record(
        event="coach.objection_recorded",
        actor=actor,
        subject=pupil,
        data={"by_guardian": objection.by_guardian},
    )
    return objection


@transaction.atomic
def withdraw_objection(*, pupil: User, actor: User) -> None:
    """The coach may use the pupil's results again."""
    if not _speaks_for(actor, pupil):
        raise ActionError(_("Seul l'élève ou l'un de ses responsables peut le demander."))
    deleted, _count = Objection.objects.filter(pupil=pupil).delete()
    if not deleted:
        raise Conflict(_("Il n'y avait pas d'opposition à retirer."))
    audit.record(event="coach.objection_withdrawn", actor=actor, subject=pupil)
