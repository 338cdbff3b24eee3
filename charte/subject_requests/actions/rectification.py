"""Rectification (art. 16): the person corrects what they provided, or staff on a request."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts.actions import normalise_email
from charte.accounts.models import GUARDIAN_FIELDS, User
from charte.audit.journal import RequestMeta
from charte.core.actors import Actor
from charte.core.errors import ActionError, Conflict
from charte.privacy import processing
from charte.recipients import notices as recipient_notices
from charte.subject_requests.actions.common import data_of, require, require_handler
from charte.subject_requests.models import (
    Kind,
    Status,
    SubjectRequest,
)
from charte.subject_requests.queries import staff_fields
from charte.subject_requests.rules import SELF_SERVICE_FIELDS


@transaction.atomic
def rectify_account(
    *, person: User, actor: Actor, changes: dict[str, Any], meta: RequestMeta | None = None
) -> list[str]:
    """The person (or a child's guardian) corrects what they provided; returns the fields
    changed. Frozen while a restriction holds, except for the DPO. The country goes through
    `accounts.change_guardian_fields`, which refuses it to a child (see `guardian_rule`).

    Art. 19 applies to every rectification, not only to a request's: each recipient that
    received a field corrected here is told, as after a rectification request."""
    require(
        processing.edit_allowed(person, actor),
        _("Le traitement de ces données est limité : seul le DPO peut les modifier."),
    )
    unknown = set(changes) - set(SELF_SERVICE_FIELDS)
    require(not unknown, _("Ces informations ne se modifient pas ici."))
    changes = dict(changes)
    deciding = {name: changes.pop(name) for name in GUARDIAN_FIELDS if name in changes}
    decided = accounts.change_guardian_fields(person=person, actor=actor, changes=deciding)
    changed = _apply_changes(
        person, changes, actor=actor, event="account.rectified", data={}, meta=meta
    )
    changed += list(decided.fields if decided else ())
    recipient_notices.tell_of_correction(person=person, fields=changed, actor=actor)
    return changed


def _apply_changes(
    person: User,
    changes: dict[str, Any],
    *,
    actor: Actor,
    event: str,
    data: dict[str, Any],
    meta: RequestMeta | None = None,
) -> list[str]:
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if not changed:
        return []
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            person.save(update_fields=changed)
    except IntegrityError as exc:
        raise Conflict(_("Cette valeur est déjà utilisée par un autre compte.")) from exc
    audit.record(
        event=event,
        actor=actor,
        subject=person,
        data={**data, "fields": sorted(changed)},
        meta=meta,
    )
    return changed


@transaction.atomic
def rectify_for_request(
    *, request: SubjectRequest, actor: Actor, field: str, value: str
) -> list[str]:
    """Staff correct an account field on a rectification request; the change is journalled."""
    require_handler(actor)
    require(
        request.kind == Kind.RECTIFICATION and request.is_open,
        _("Cette demande n'est pas une rectification en cours."),
    )
    require(
        request.status == Status.IN_REVIEW, _("L'identité du demandeur doit d'abord être vérifiée.")
    )
    require(field in staff_fields(), _("Ce champ ne se rectifie pas ici."))
    person = request.person
    require(person is not None, _("La personne concernée n'existe plus."))
    assert person is not None
    require(
        processing.edit_allowed(person, actor),
        _("Le traitement de ces données est limité : seul le DPO peut les modifier."),
    )
    model_field = User._meta.get_field(field)
    try:
        parsed = model_field.to_python(value.strip() or None)  # type: ignore[union-attr]
    except ValidationError as exc:
        raise ActionError(" ".join(exc.messages)) from exc
    if field == "email":
        parsed = normalise_email(parsed)
    if field == "username" and parsed:
        parsed = str(parsed).lower()
    if field in GUARDIAN_FIELDS:
        # What decides parental control: the DPO alone changes it for a child, and the
        # guardians are told (see `guardian_rule`).
        decided = accounts.change_guardian_fields(
            person=person, actor=actor, changes={field: parsed}, data=data_of(request)
        )
        return list(decided.fields) if decided else []
    return _apply_changes(
        person,
        {field: parsed},
        actor=actor,
        event="subject_request.rectified",
        data=data_of(request),
    )
