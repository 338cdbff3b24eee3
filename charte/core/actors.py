"""Who acts: every action names its actor explicitly (a person, or a named system job).

Never read from a thread-local: a view passes `request.user`, a task or command passes one of
the system actors below, so that the journal always says who did what.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


@dataclass(frozen=True, slots=True)
class SystemActor:
    """A job acting on its own schedule or at an operator's command, not as a person."""

    name: str

    def __str__(self) -> str:
        return f"system:{self.name}"


@dataclass(frozen=True, slots=True, init=False)
class Operator(SystemActor):
    """Someone at the server's command line (`manage.py dsr`), named by their login there.

    A type of its own, so that what only an operator may do is checked by type: a system
    actor whose name merely starts with "operator:" is not one.
    """

    def __init__(self, login: str) -> None:
        object.__setattr__(self, "name", f"operator:{login}")


type Actor = AbstractBaseUser | SystemActor

SEED = SystemActor("seed")
SCHEDULER = SystemActor("scheduler")
RETENTION = SystemActor("retention")
WORKER = SystemActor("worker")
ANONYMOUS = SystemActor("anonymous")
# The platform warning an address's holder of someone else's attempt with it: not the one who
# tried, so that nothing in their own journal or archive tells them the address has an account.
GUARD = SystemActor("guard")


def actor_ref(actor: "Actor") -> str:
    """The stable, pseudonymous reference of an actor, as the journal stores it."""
    if isinstance(actor, SystemActor):
        return str(actor)
    return person_ref(actor)


def person_ref(person: "AbstractBaseUser") -> str:
    public_id = getattr(person, "public_id", None)
    if public_id is None:
        raise TypeError(f"{type(person).__name__} has no public_id to reference it by.")
    return f"user:{public_id}"
