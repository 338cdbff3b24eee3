"""After a death: the directives a person leaves, and the death once it is verified."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.actions import normalise_email
from charte.accounts.models import User
from charte.core.actors import Actor
from charte.subject_requests import deadlines, queries
from charte.subject_requests.actions.common import data_of, identity_digest, require
from charte.subject_requests.models import (
    Channel,
    Death,
    Decision,
    Directive,
    Kind,
    Relation,
    Status,
    SubjectRequest,
)


@transaction.atomic
def record_directive(
    *,
    person: User,
    actor: Actor,
    trusted_name: str,
    trusted_email: str,
    wish: str,
    instructions: str = "",
) -> Directive:
    """The person names a trusted person and says what should become of their data."""
    require(
        isinstance(actor, User) and actor.pk == person.pk,
        _("Seule la personne elle-même donne ses directives."),
    )
    require(wish in Directive.Wish.values, _("Choisissez ce que vous souhaitez."))
    require(
        bool(trusted_name.strip()) and bool(trusted_email.strip()),
        _("Nommez votre personne de confiance et son adresse e-mail."),
    )
    require(
        not person.email or normalise_email(trusted_email) != normalise_email(person.email),
        _(
            "Votre personne de confiance a besoin de sa propre adresse : après un décès, plus "
            "rien ne part à la vôtre."
        ),
    )
    directive, created = Directive.objects.update_or_create(
        person=person,
        defaults={
            "trusted_name": trusted_name.strip(),
            "trusted_email": normalise_email(trusted_email) or "",
            "wish": wish,
            "instructions": instructions.strip(),
            "updated_at": timezone.now(),
        },
    )
    now = timezone.now()
    request = SubjectRequest.objects.create(
        kind=Kind.DIRECTIVES,
        person=person,
        requester=person,
        relation=Relation.SELF,
        channel=Channel.ONLINE,
        status=Status.COMPLETED,
        received_at=now,
        due_on=deadlines.due_on(now),
        identity_verified_at=now,
        decision=Decision.APPROVED,
        decided_at=now,
        completed_at=now,
        identity_digest=identity_digest(person),
    )
    audit.record(
        event="subject_request.directive_recorded",
        actor=actor,
        subject=person,
        data=data_of(request, wish=wish, created=created),
    )
    return directive


@transaction.atomic
def withdraw_directive(*, directive: Directive, actor: Actor) -> None:
    require(
        isinstance(actor, User) and actor.pk == directive.person_id,
        _("Seule la personne elle-même retire ses directives."),
    )
    audit.record(
        event="subject_request.directive_withdrawn", actor=actor, subject=directive.person, data={}
    )
    directive.delete()


def record_death(request: SubjectRequest, *, actor: Actor) -> None:
    person = request.person
    assert person is not None
    death = Death.objects.create(person=person, request=request)
    # From now on nothing is sent to them and they are nobody's guardian (`deceased_at`).
    User.objects.filter(pk=person.pk).update(is_active=False, deceased_at=death.verified_at)
    person.sessions.all().delete()
    audit.record(
        event="subject_request.death_recorded",
        actor=actor,
        subject=person,
        data=data_of(request, directive=queries.directive_of(person) is not None),
    )
