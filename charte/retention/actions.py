"""Changes that retention makes or lets others make: renewals, legal holds, expiry notices.

For other apps (each call journals itself in the caller's transaction):

- `renew(person=..., source=..., actor=...)`: keep an account one more school year.
  The payments app calls it when a subscription starts
  (`renew(person=subscriber, source=Renewal.Source.SUBSCRIPTION, actor=<payer or job>)`);
  the schools app when a teacher confirms that their class moves on
  (`source=Renewal.Source.CLASS, actor=<the teacher>`, after its own access check);
  a person or their guardian through the one-click link or the privacy centre.
  Calling it again for the same school year returns the renewal already recorded.
- `place_hold(person=... | model_label=..., object_id=..., reason=..., actor=...)`: keep
  something past its retention (litigation, a pending request: the rights engine places
  `reason=LegalHold.Reason.PENDING_REQUEST` with the request's reference when a request
  arrives, and `lift_hold(hold=..., actor=...)` when it is answered).

And for the nightly job: `store_forecast(today=..., actor=...)`, the forecast the DPO's home
page reads.
"""

from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.accounts.queries import guardians_of
from charte.core.actors import Actor, actor_ref
from charte.core.errors import ActionError, Conflict
from charte.notifications.actions import notify, recipients_for
from charte.privacy.registry import registry
from charte.retention import dates, forecast, queries, tokens
from charte.retention.models import ExpiryNotice, LegalHold, Renewal, StoredForecast


def _is(actor: Actor, person: User) -> bool:
    return isinstance(actor, User) and actor.pk == person.pk


@transaction.atomic
def renew(
    *,
    person: User,
    source: Renewal.Source | str,
    actor: Actor,
    today: date | None = None,
) -> Renewal:
    """Carry `person`'s account to the end of the next school year plus 3 months."""
    if source not in Renewal.Source.values:
        raise ActionError(_("Origine de renouvellement inconnue."))
    source = Renewal.Source(source)
    today = today or timezone.localdate()
    if person.is_staff:
        raise ActionError(_("Les comptes internes ne suivent pas la durée de l'année scolaire."))
    if source == Renewal.Source.PERSON and not _is(actor, person):
        raise ActionError(_("Seule la personne elle-même peut renouveler ainsi son compte."))
    if source == Renewal.Source.GUARDIAN and not (
        isinstance(actor, User) and guardians_of(person).filter(pk=actor.pk).exists()
    ):
        raise ActionError(_("Seul un responsable légal confirmé peut renouveler ce compte."))
    if source == Renewal.Source.CLASS and not (
        isinstance(actor, User) and actor.role == Role.TEACHER
    ):
        raise ActionError(_("Seul un enseignant peut confirmer le passage de sa classe."))
    kept_until = dates.kept_until_renewed(today)
    existing = Renewal.objects.filter(person=person, source=source, kept_until=kept_until).first()
    if existing is not None:
        return existing
    renewal = Renewal.objects.create(
        person=person, source=source, actor_ref=actor_ref(actor), kept_until=kept_until
    )
    audit.record(
        event="retention.renewed",
        actor=actor,
        subject=person,
        data={
            "renewal": str(renewal.public_id),
            "source": source.value,
            "kept_until": kept_until.isoformat(),
        },
    )
    return renewal


@transaction.atomic
def place_hold(
    *,
    actor: Actor,
    reason: LegalHold.Reason | str,
    person: User | None = None,
    model_label: str = "",
    object_id: str = "",
    reference: str = "",
    until: date | None = None,
) -> LegalHold:
    """Keep a person's data, or one object, past its retention until the hold is lifted."""
    if reason not in LegalHold.Reason.values:
        raise ActionError(_("Motif de gel inconnu."))
    reason = LegalHold.Reason(reason)
    object_id = str(object_id).strip()
    if (person is None) == (not (model_label and object_id)):
        raise ActionError(
            _("Un gel porte sur une personne, ou sur un objet désigné, pas les deux.")
        )
    if until is not None and until < timezone.localdate():
        raise ActionError(_("La date de fin d'un gel ne peut pas être passée."))
    if person is None:
        _check_object(model_label, object_id)
    hold = LegalHold.objects.create(
        person=person,
        model_label=model_label if person is None else "",
        object_id=object_id if person is None else "",
        reason=reason,
        reference=reference.strip()[:100],
        placed_by_ref=actor_ref(actor),
        until=until,
    )
    audit.record(
        event="retention.hold_placed",
        actor=actor,
        subject=person,
        data={
            "hold": str(hold.public_id),
            "reason": reason.value,
            **({"model": model_label, "object": object_id} if person is None else {}),
            **({"until": until.isoformat()} if until else {}),
        },
    )
    return hold


def _check_object(model_label: str, object_id: str) -> None:
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise ActionError(_("Ce type d'objet n'existe pas.")) from None
    if registry.declaration_for(model) is None or not queries._has_public_id(model):
        raise ActionError(_("Ce type d'objet ne contient pas de données personnelles."))
    try:
        exists = model._default_manager.filter(public_id=object_id).exists()
    except Exception:  # a malformed public id
        exists = False
    if not exists:
        raise ActionError(_("Aucun objet de ce type ne porte cet identifiant."))


@transaction.atomic
def lift_hold(*, hold: LegalHold, actor: Actor) -> LegalHold:
    """End a hold: what it protected follows its retention again from the next sweep."""
    if hold.lifted_at is not None:
        raise Conflict(_("Ce gel est déjà levé."))
    hold.lifted_at = timezone.now()
    hold.lifted_by_ref = actor_ref(actor)
    hold.save(update_fields=["lifted_at", "lifted_by_ref"])
    audit.record(
        event="retention.hold_lifted",
        actor=actor,
        subject=hold.person,
        data={"hold": str(hold.public_id)},
    )
    return hold


def lift_holds(
    *, person: User, reason: LegalHold.Reason | str, reference: str, actor: Actor
) -> int:
    """Lift the holds on `person` placed for `reason` under `reference` (an open request's id,
    once the request is closed); returns how many were lifted."""
    held = LegalHold.objects.filter(
        person=person, reason=reason, reference=reference, lifted_at__isnull=True
    )
    lifted = 0
    for hold in held:
        lift_hold(hold=hold, actor=actor)
        lifted += 1
    return lifted


def renewal_url(*, person: User, recipient: User, kept_until: date) -> str:
    token = tokens.renewal_token(
        person=str(person.public_id), recipient=str(recipient.public_id), kept_until=kept_until
    )
    return settings.SITE_URL + reverse("retention:renew", args=[token])


@transaction.atomic
def send_expiry_notice(*, person: User, today: date, actor: Actor) -> ExpiryNotice | None:
    """Tell a person (a child: their guardians) that their data goes soon, with a renewal link.

    Once per person and expiry day: None when they were already told.
    """
    kept_until = queries.kept_until(person)
    if kept_until is None or kept_until < today:
        return None
    notice, created = ExpiryNotice.objects.get_or_create(person=person, kept_until=kept_until)
    if not created:
        return None
    context: dict[str, Any] = {
        "kept_until": kept_until,
        "goes_on": kept_until + timedelta(days=1),
        "renewed_until": dates.kept_until_renewed(today),
        "renew_urls": {
            recipient.pk: renewal_url(person=person, recipient=recipient, kept_until=kept_until)
            for recipient in recipients_for(person)
        },
    }
    notify(kind="retention.expiry_notice", person=person, actor=actor, context=context)
    return notice


def send_expiry_notices(
    *, today: date, actor: Actor, days: int | None = None, batch_size: int = 500
) -> int:
    """Notices for every account that expires within `days` (setting) and was not told yet.

    One transaction per person (a failure leaves the others told), in keyset order; a re-run
    sends nothing twice.
    """
    days = settings.CHARTE_RETENTION_NOTICE_DAYS if days is None else days
    holds = queries.holds_in_force(today)
    due = (
        queries.accounts_expiring_between(today, today + timedelta(days=days))
        .exclude(pk__in=holds.accounts)
        .exclude(Exists(ExpiryNotice.objects.filter(person=OuterRef("pk"), kept_until__gte=today)))
        .order_by("pk")
    )
    sent = 0
    last = 0
    while True:
        people = list(due.filter(pk__gt=last)[:batch_size])
        if not people:
            return sent
        for person in people:
            if send_expiry_notice(person=person, today=today, actor=actor) is not None:
                sent += 1
        last = people[-1].pk


def store_forecast(*, today: date, actor: Actor) -> StoredForecast:
    """Compute the forecast of `today` and keep it for the DPO's home page.

    The counts are read first, outside any transaction (they take seconds at scale and lock
    nothing); then one short transaction replaces the stored figures, so that a re-run, or two
    runs at once, leave one forecast for the day and the page never reads half of one. Other
    days' figures go: the page shows one forecast, the latest.
    """
    rules = [item.as_data() for item in forecast.forecast(today)]
    return _replace_forecast(day=today, rules=rules, actor=actor)


@transaction.atomic
def _replace_forecast(*, day: date, rules: list[dict[str, Any]], actor: Actor) -> StoredForecast:
    StoredForecast.objects.exclude(day=day).delete()
    stored, _created = StoredForecast.objects.update_or_create(
        day=day, defaults={"rules": rules, "computed_at": timezone.now()}
    )
    audit.record(
        event="retention.forecast_stored",
        actor=actor,
        data={"today": day.isoformat(), "rules": len(rules)},
    )
    return stored
