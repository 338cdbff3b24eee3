from typing import Any

from charte.accounts.models import Role, User
from charte.coach.queries import PURPOSE, personalisation_allowed
from charte.privacy import processing


def privacy_section(viewer: User, person: User) -> dict[str, Any] | None:
    """The privacy centre's block about the coach, for a pupil (seen by them or a guardian)."""
    if person.role != Role.PUPIL:
        return None
    allowed = personalisation_allowed(person)
    refusals = [] if allowed else processing.refusals(person, PURPOSE)
    return {
        "person": person,
        "viewer": viewer,
        "allowed": allowed,
        "objected": not allowed and processing.objection_stands(person, PURPOSE),
        "no_consent": "consent" in refusals,
        "restricted": "subject_requests.restriction" in refusals,
    }
