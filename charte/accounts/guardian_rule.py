"""Who may change what decides whether a person needs a guardian: the rule, declared once.

Design: a pupil under the age of digital consent of their country is under parental control
(`User.needs_guardian`): a guardian consents for them and is reached for them. Three fields
decide it, and only they (`models.GUARDIAN_FIELDS`): the role (only pupils have guardians), the
birth date, and the country (which sets the age, 13 to 16). Nothing else does: whether the
account is open, its email address or username, its school or class, its guardianship links
(which say *who* the guardians are, and which only a guardian can confirm).

A person who could change these fields could leave parental control from below: a 14-year-old
in France who says they live in Denmark (13) would be free, their guardians none the wiser.
So, for every route (forms, views, API, staff pages, commands):

- A person who needs a guardian never changes these fields. Their confirmed guardian may
  correct the birth date and the country (from the family page), and so may the DPO on a
  rectification request, even when the correction frees the child: every confirmed guardian
  is told by email, so a second guardian learns what the first did.
- A person who does not need a guardian may correct their own country, but not so as to put
  themself under a guardian (an adult lowering their age, a 15-year-old moving to Germany):
  what they consented to alone would stop holding, so the DPO examines that change on a
  rectification request. When the DPO makes it and no guardian is on record, the account
  closes until a guardian consents, as when a child signs up alone.
- The role is the IT service's to change (`actions.change_role`), never for someone who needs
  a guardian or would then need one: a child is not made a teacher by a click, nor an adult a
  child. The birth date is corrected first, by the DPO.

`check` is the one function that says yes or no; `actions.change_guardian_fields` and
`actions.change_role` call it, journal what the change means (guardian needed before and
after, the age of consent before and after, never the birth date itself) and tell the
guardians. `User.save()` and `UserQuerySet.update()` refuse a change of these fields that did
not pass `check`, so a new write path that forgets the rule fails loudly instead of freeing a
child.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from charte.accounts.consent_age import digital_consent_age
from charte.accounts.models import GUARDIAN_FIELDS, Role, User
from charte.accounts.queries import guardians_of
from charte.core.actors import Actor
from charte.core.errors import ActionError


class GuardianRuleError(ActionError):
    """The rule refused the change: nothing was changed."""

    code = "guardian_rule"


class By(StrEnum):
    """In what capacity the actor changes the fields (journalled as such)."""

    SELF = "self"
    GUARDIAN = "guardian"
    DPO = "dpo"
    CUSTOMER_SERVICE = "customer_service"
    IT = "it"
    SYSTEM = "system"  # a command an operator runs (roles only)


@dataclass(frozen=True, kw_only=True)
class Change:
    """A change of the fields that `check` allowed, and what it means for parental control."""

    fields: tuple[str, ...]
    values: Mapping[str, Any]
    by: By
    guardian_before: bool
    guardian_after: bool
    consent_age_before: int
    consent_age_after: int

    @property
    def concerns_a_child(self) -> bool:
        return self.guardian_before or self.guardian_after

    def journal_data(self) -> dict[str, Any]:
        """What the change means, without the values themselves (no birth date, no country)."""
        return {
            "fields": list(self.fields),
            "by": self.by.value,
            "guardian_needed": [self.guardian_before, self.guardian_after],
            "consent_age": [self.consent_age_before, self.consent_age_after],
        }


def normalise(name: str, value: Any) -> Any:
    if name == "country":
        return str(value or "").strip().upper()
    if name == "role":
        return Role(value).value
    return value


def proposed(person: User, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of GUARDIAN_FIELDS among `changes` whose value would really change."""
    return {
        name: normalise(name, changes[name])
        for name in GUARDIAN_FIELDS
        if name in changes and normalise(name, changes[name]) != getattr(person, name)
    }


def _capacity(person: User, actor: Actor) -> By | None:
    if not isinstance(actor, User):
        return By.SYSTEM
    if actor.pk == person.pk:
        return By.SELF
    if actor.role == Role.DPO:
        return By.DPO
    if actor.role == Role.CUSTOMER_SERVICE:
        return By.CUSTOMER_SERVICE
    if actor.role == Role.IT:
        return By.IT
    if actor.role == Role.PARENT and guardians_of(person).filter(pk=actor.pk).exists():
        return By.GUARDIAN
    return None


def _refuse(message: str) -> GuardianRuleError:
    return GuardianRuleError(message)


def check(*, person: User, actor: Actor, changes: Mapping[str, Any], day: date) -> Change | None:
    """Allow or refuse `actor` changing `person`'s guardian-deciding fields to `changes`.

    Returns None when none of them would change; raises GuardianRuleError, with a sentence
    the actor can read, when the rule refuses. Reads only: the caller applies the change.
    """
    values = proposed(person, changes)
    if not values:
        return None
    after = User(
        role=values.get("role", person.role),
        birth_date=values.get("birth_date", person.birth_date),
        country=values.get("country", person.country),
    )
    before_needs, after_needs = person.needs_guardian(day), after.needs_guardian(day)
    by = _capacity(person, actor)

    if by == By.SELF and before_needs:
        raise _refuse(
            _(
                "Ta date de naissance et ton pays disent si tes parents doivent donner leur "
                "accord : seuls tes parents ou notre délégué à la protection des données "
                "peuvent les corriger."
            )
        )
    if "role" in values:
        if by not in (By.IT, By.SYSTEM) or len(values) > 1:
            raise _refuse(_("Seul le service informatique change le rôle d'un compte."))
        if before_needs or after_needs:
            raise _refuse(
                _(
                    "Ce compte est ou deviendrait celui d'un enfant sous la responsabilité d'un "
                    "parent : son rôle ne change pas. Sa date de naissance se corrige d'abord, "
                    "par une demande de rectification au délégué à la protection des données."
                )
            )
    elif before_needs:
        if by not in (By.GUARDIAN, By.DPO):
            raise _refuse(
                _(
                    "La date de naissance et le pays d'un enfant ne sont corrigés que par ses "
                    "responsables légaux ou par le délégué à la protection des données."
                )
            )
    elif after_needs:
        if by != By.DPO:
            raise _refuse(
                _(
                    "Avec ce changement, ce compte serait celui d'un enfant qui a besoin de "
                    "l'accord d'un parent : faites une demande de rectification, notre délégué "
                    "à la protection des données l'examinera."
                )
            )
    elif by not in (By.SELF, By.GUARDIAN, By.DPO, By.CUSTOMER_SERVICE):
        raise _refuse(_("Vous ne pouvez pas modifier ces informations."))
    assert by is not None
    return Change(
        fields=tuple(values),
        values=values,
        by=by,
        guardian_before=before_needs,
        guardian_after=after_needs,
        consent_age_before=digital_consent_age(person.country),
        consent_age_after=digital_consent_age(after.country),
    )


def who_may_change(person: User, viewer: User, day: date) -> str:
    """The sentence shown beside the read-only fields, in words for whoever reads it."""
    if not person.needs_guardian(day):
        return ""
    if viewer.pk == person.pk:
        return _(
            "Ta date de naissance et ton pays disent jusqu'à quel âge tes parents décident "
            "pour toi. Toi, tu ne peux pas les changer : si c'est faux, demande à ton parent "
            "de les corriger depuis son compte."
        )
    return _(
        "La date de naissance et le pays disent si votre accord est nécessaire : vous, ou "
        "l'autre responsable légal, pouvez les corriger depuis la page de l'enfant dans « Ma "
        "famille » ; votre enfant ne le peut pas."
    )
