"""Demo: the first published charter, and the adults' own consents as given at sign-up."""

from charte.accounts.models import Role
from charte.consent import actions
from charte.consent.models import Channel, CharterVersion
from charte.consent.purposes import purposes_for
from charte.core.actors import SEED
from charte.core.demo import Demo

# Who accepted which optional purposes, for a believable privacy centre.
OPTIONAL = {
    "guardian_anna": {"newsletter", "coach"},
    "guardian_marc": set(),
    "guardian_sofia": {"newsletter", "improvement"},
    "teacher_chloe": {"newsletter", "improvement", "coach"},
    "teacher_hugo": set(),
    "staff_david": {"improvement"},
}


def seed(demo: Demo) -> None:
    if not CharterVersion.objects.exists():
        actions.publish_charter(actor=SEED)
        demo.say("Charter version 1 published.")
    for handle, optional in OPTIONAL.items():
        person = demo.people.get(handle)
        if person is None or person.role not in {Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF}:
            continue
        choices = {p.code: (not p.separable) or p.code in optional for p in purposes_for(person)}
        actions.record_choices(person=person, choices=choices, actor=person, channel=Channel.SIGNUP)
