from typing import Any

from charte.accounts.models import Role, User
from charte.coach.queries import personalisation_allowed


def privacy_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's block about the coach, for a pupil (seen by them or a guardian)."""
    if person.role != Role.PUPIL:
        return None
    return {"person": person, "allowed": personalisation_allowed(person), "viewer": viewer}
