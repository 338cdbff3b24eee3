"""Demo cookie choices: Anna refused everything, then accepted audience measurement."""

import uuid

from charte.cookies import actions, choices, tcf
from charte.cookies.models import Action, ConsentRecord, Method
from charte.core.demo import Demo

BROWSER = uuid.uuid5(uuid.NAMESPACE_URL, "charte-demo/anna/browser")
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0"


def seed(demo: Demo) -> None:
    anna = demo.person("guardian_anna")
    if ConsentRecord.objects.of_browser(BROWSER).exists():
        return
    vendors = tcf.configured_vendors()
    previous = choices.Consent(consent_id=BROWSER)
    for action, choice in (
        (Action.REFUSE_ALL, choices.refuse_all()),
        (
            Action.CUSTOM,
            choices.from_form(categories=["audience"], purposes=[], features=[], vendors=vendors),
        ),
    ):
        _record, previous = actions.record_choice(
            choice=choice,
            action=action,
            method=Method.BANNER,
            previous=previous,
            user=anna,
            actor=anna,
            gpc=False,
            language="fr",
            user_agent=USER_AGENT,
        )
    demo.say("Cookie choices: 2 for Anna (a refusal, then audience measurement).")
