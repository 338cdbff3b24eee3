"""Demo families: Anna and Marc with Ben (12) and Léa (16), Sofia with Nour (11), and a pupil
who signed up alone and waits for his parent's consent."""

from datetime import date

from django.utils import timezone

from charte.accounts.actions import propose_guardianship
from charte.accounts.demo import years_ago
from charte.accounts.models import Guardianship, User
from charte.consent import actions as consent
from charte.consent.models import Channel
from charte.consent.purposes import purposes_for
from charte.core.actors import ANONYMOUS
from charte.core.demo import DEMO_PASSWORD, Demo, DemoLogin
from charte.families import actions

FAMILIES = [
    # guardian, child, optional purposes the guardian accepted for the child
    ("guardian_anna", "child_ben", {"coach"}),
    ("guardian_anna", "child_lea", set()),
    ("guardian_marc", "child_ben", set()),
    ("guardian_sofia", "child_nour", {"coach", "improvement"}),
]
WAITING_USERNAME = "tom.lune"


def seed(demo: Demo) -> None:
    for guardian_handle, child_handle, optional in FAMILIES:
        guardian, child = demo.person(guardian_handle), demo.person(child_handle)
        if not Guardianship.objects.filter(guardian=guardian, child=child).exists():
            propose_guardianship(child=child, guardian=guardian, actor=guardian)
        if child.needs_guardian(timezone.localdate()) and guardian_handle != "guardian_marc":
            choices = {p.code: (not p.separable) or p.code in optional for p in purposes_for(child)}
            consent.record_choices(
                person=child, choices=choices, actor=guardian, channel=Channel.FAMILY
            )
    lea = demo.person("child_lea")  # 16: she consents for herself
    consent.record_choices(
        person=lea,
        choices={p.code: not p.separable for p in purposes_for(lea)},
        actor=lea,
        channel=Channel.SIGN_IN,
    )

    waiting = User.objects.filter(username=WAITING_USERNAME).first()
    if waiting is None:
        birth: date = years_ago(10, 6, 21)
        waiting = actions.sign_up_pupil(
            actor=ANONYMOUS,  # as a pupil signing up alone
            first_name="Tom",
            birth_date=birth,
            country="FR",
            username=WAITING_USERNAME,
            password=DEMO_PASSWORD,
            guardian_email="parent.de.tom@famille.example",
        )
    demo.people["child_tom_waiting"] = waiting
    demo.logins.append(
        DemoLogin(
            who="Tom",
            login=WAITING_USERNAME,
            note="Élève, 10 ans, en attente de l'accord de son parent (invitation dans var/mail)",
        )
    )
