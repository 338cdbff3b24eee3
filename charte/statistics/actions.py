"""Writes of the statistics: the aggregates' refresh, exclusions, and public releases."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from charte import audit
from charte.accounts.models import User
from charte.core.actors import Actor
from charte.learning import actions as learning
from charte.learning import partitions
from charte.learning.models import Pseudonym
from charte.privacy import processing
from charte.statistics import aggregate, dp
from charte.statistics.models import Release


def refresh(*, actor: Actor) -> int:
    """Add the new learning events to the aggregates (each batch is its own transaction)."""
    partitions.ensure(timezone.localdate())
    read = aggregate.refresh()
    if read:
        audit.record(event="statistics.refreshed", actor=actor, data={"events": read})
    return read


@transaction.atomic
def apply_exclusion(*, person: User, actor: Actor) -> bool:
    """Leave `person` out of every aggregate while they object to statistics or are restricted,
    and bring them back when neither holds. Returns whether they are excluded now."""
    excluded = not processing.allowed(person, "statistics")
    changed = learning.set_excluded(person=person, excluded=excluded, actor=actor)
    if changed:
        if excluded:
            aggregate.drop_pseudonyms(changed)
        else:
            aggregate.rebuild_pseudonyms(changed)
    return excluded


def standing_changed(person_id: int, actor: Actor) -> None:
    """`processing.changed` listener: an objection or restriction reaches the aggregates at once."""
    person = User.objects.filter(pk=person_id).first()
    if person is not None:
        apply_exclusion(person=person, actor=actor)


def recheck_exclusions(*, actor: Actor, batch_size: int = 1000) -> int:
    """Apply every person's objection or restriction to the aggregates; returns changes."""
    changed = 0
    last = 0
    while True:
        people = list(
            User.objects.filter(pk__gt=last, learning_pseudonyms__isnull=False)
            .distinct()
            .order_by("pk")[:batch_size]
        )
        if not people:
            return changed
        for person in people:
            was = Pseudonym.objects.filter(person=person, excluded=True).exists()
            if apply_exclusion(person=person, actor=actor) != was:
                changed += 1
        last = people[-1].pk


@transaction.atomic
def publish_release(*, label: str, first_year: int, epsilon: float, actor: User) -> Release:
    """Platform-wide figures for use outside the operator, with differential privacy."""
    figures, mechanism = dp.platform_figures(first_year=first_year, epsilon=epsilon)
    release = Release.objects.create(
        published_at=timezone.now(),
        label=label,
        school_year=f"{first_year}-{first_year + 1}",
        epsilon=epsilon,
        figures=figures,
        mechanism=mechanism,
    )
    data: dict[str, Any] = {"release": release.pk, "epsilon": epsilon, "label": label}
    audit.record(event="statistics.released", actor=actor, data=data)
    return release
