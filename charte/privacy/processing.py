"""Two questions for every processing, answered in one place.

- `allowed(person, purpose)`: may we process this person's data for this purpose now? The
  answer combines facts kept by several apps (a consent withdrawn, an objection, a restriction
  while a request is examined...). Each of those apps registers a check here in its
  `AppConfig.ready()`; a check answers False to forbid, or None when it has nothing to say.
- `consent_given(person, purpose)`: has the person (or their guardian) expressly consented to
  this purpose, and not withdrawn it? Asked before anything that needs an express, prior
  consent (a non-essential email, sharing with a partner). The consent app is its source; with
  no source, the answer is no: the safe side.

Processing code asks these two functions and never looks at the facts itself, so that a new
reason to stop processing reaches every processing at once.
"""

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.utils.translation import gettext as _

from charte.core.actors import Actor
from charte.core.errors import ActionError
from charte.privacy import register

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from charte.accounts.models import User

type Check = Callable[["AbstractBaseUser", str], bool | None]

_checks: dict[str, Check] = {}
_consent_source: list[Callable[[Any, str], bool]] = []


def register_check(name: str, check: Check) -> None:
    if name in _checks:
        raise ValueError(f"The processing check {name!r} is registered twice.")
    _checks[name] = check


def allowed(person: "AbstractBaseUser", purpose: str) -> bool:
    """True unless a registered check forbids processing `person`'s data for `purpose` now."""
    if purpose not in register.PURPOSE_BY_CODE:
        raise LookupError(f"No purpose {purpose!r} in the register.")
    return all(check(person, purpose) is not False for check in _checks.values())


def refusals(person: "AbstractBaseUser", purpose: str) -> list[str]:
    """The names of the checks that forbid it (to tell the person why)."""
    return [name for name, check in _checks.items() if check(person, purpose) is False]


# Edits: while a person's data is frozen (a restriction, GDPR art. 18), nobody but the people
# entitled to lift it may change it. Apps that edit personal data ask `edit_allowed`; apps that
# hold a reason to freeze register a check answering False (frozen for this actor) or None.
type EditCheck = Callable[["AbstractBaseUser", object], bool | None]

_edit_checks: dict[str, EditCheck] = {}


def register_edit_check(name: str, check: EditCheck) -> None:
    if name in _edit_checks:
        raise ValueError(f"The edit check {name!r} is registered twice.")
    _edit_checks[name] = check


def edit_allowed(person: "AbstractBaseUser", actor: object) -> bool:
    """True unless a registered check freezes `person`'s data against edits by `actor`."""
    return all(check(person, actor) is not False for check in _edit_checks.values())


def require_edit_allowed(person: "AbstractBaseUser", actor: object) -> None:
    """Refuse, with the reason the person will read, an edit that a restriction freezes."""
    if not edit_allowed(person, actor):
        raise ActionError(
            _(
                "Le traitement de ces données est limité : elles ne peuvent pas être modifiées "
                "tant que le délégué à la protection des données n'a pas levé la limitation."
            ),
            code="restricted",
        )


def set_consent_source(source: Callable[[Any, str], bool]) -> None:
    """Set by the consent app: does an express consent to `purpose` hold for `person` now?"""
    _consent_source[:] = [source]


def consent_given(person: "AbstractBaseUser", purpose: str) -> bool:
    if purpose not in register.PURPOSE_BY_CODE:
        raise LookupError(f"No purpose {purpose!r} in the register.")
    return (
        bool(_consent_source) and _consent_source[0](person, purpose) and allowed(person, purpose)
    )


# Objections (GDPR art. 21): every objection lives in one place, the rights engine's records,
# so that it shows in the person's privacy centre and the DPO's queue, and is withdrawn there.
# A service that offers its own one-click "stop" (the coach) records it through these
# functions; the rights engine sets the desk that keeps them in its `AppConfig.ready()`.
class ObjectionDesk(Protocol):
    def record(self, *, person: "User", purpose: str, actor: Actor) -> None: ...

    def withdraw(self, *, person: "User", purpose: str, actor: Actor) -> None: ...

    def stands(self, person: "User", purpose: str) -> bool: ...


_objection_desk: list[ObjectionDesk] = []


def set_objection_desk(desk: ObjectionDesk) -> None:
    _objection_desk[:] = [desk]


def _desk() -> ObjectionDesk:
    if not _objection_desk:
        # Dropping an objection silently would keep processing what the person refused.
        raise RuntimeError("No objection desk is set: install the rights engine.")
    return _objection_desk[0]


def record_objection(*, person: "User", purpose: str, actor: Actor) -> None:
    """`actor` (the person, or their guardian) objects to `purpose` for `person`, at once."""
    if purpose not in register.PURPOSE_BY_CODE:
        raise LookupError(f"No purpose {purpose!r} in the register.")
    _desk().record(person=person, purpose=purpose, actor=actor)


def withdraw_objection(*, person: "User", purpose: str, actor: Actor) -> None:
    _desk().withdraw(person=person, purpose=purpose, actor=actor)


def objection_stands(person: "User", purpose: str) -> bool:
    """Has `person` (or a guardian) objected to `purpose`? (To offer its withdrawal.)"""
    return _desk().stands(person, purpose)


# Changes of standing: when an objection or a restriction starts or ends, the processings that
# keep data derived from the person (aggregates, measurements) are told at once, after the
# commit of the change, rather than finding out on their next periodic pass (which stays, as a
# safety net). The app that records the change calls `changed`; the apps that keep such data
# register a listener in their `AppConfig.ready()`. A listener asks `allowed` again itself.
type Listener = Callable[[int, Any], None]

_listeners: dict[str, Listener] = {}


def on_change(name: str, listener: Listener) -> None:
    if name in _listeners:
        raise ValueError(f"The processing listener {name!r} is registered twice.")
    _listeners[name] = listener


def changed(*, person: "AbstractBaseUser", actor: Actor) -> None:
    """`person`'s objections or restrictions changed: each listener runs once this commits."""
    person_id = person.pk
    for listener in _listeners.values():
        transaction.on_commit(partial(listener, person_id, actor), robust=True)
