from datetime import UTC, datetime
from typing import Any

from django.apps import AppConfig

# A material change as `actions.charter_change_context` describes it, for tests and previews.
CHARTER_CHANGE_EXAMPLE: dict[str, Any] = {
    "number": 3,
    "published_at": datetime(2026, 9, 1, 8, 0, tzinfo=UTC),
    "changes": [
        {
            "change": "added",
            "what": "recipient",
            "code": "tutoring_partner",
            "names": {"fr": "Un partenaire de soutien scolaire", "en": "A tutoring partner"},
            "purposes": ["coach"],
            "material": True,
        }
    ],
    "stopped": [],
    "asked": [],
    "children": ["Ben"],
    "version_url": "https://charte.example/charte/versions/3/",
}


class ConsentConfig(AppConfig):
    """Consents with their proof, the texts people consented to, and the charter's versions.

    Holds, for each person and purpose, every act of consent (given, withdrawn, refused): who
    acted (the person, or a guardian for a child), when, how, on which text and under which
    version of the charter. People are named by pseudonymous reference, as in the journal, so
    the proof can be kept 5 years (RGPD art. 7.1) once the account is gone. Also the exact
    texts shown (no personal data), the published versions of the charter (none), and the
    other services of the operator allowed to use the consent API (none).

    `consent_holds(person, purpose)` in `queries.py` is the one question processing asks;
    `processing_check` makes `processing.allowed` answer no for a purpose chosen on its own
    (the coach, newsletters...) while its consent (a guardian's, for a child) does not hold.
    """

    name = "charte.consent"
    label = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        from datetime import time, timedelta

        from django.utils.translation import gettext_lazy as _

        from charte.accounts import signin
        from charte.accounts.models import Role
        from charte.audit import events
        from charte.consent import queries, tasks, tokens
        from charte.consent.views import sign_in_step
        from charte.core import navigation, schedule
        from charte.notifications import kinds
        from charte.privacy import processing

        events.declare_connection_data(
            "consent.",
            reason=_(
                "La preuve d'un consentement dit d'où il a été donné ou retiré (RGPD art. 7.1)."
            ),
        )
        events.declare_connection_data(
            "families.invitation_accepted",
            reason=_("La preuve du consentement d'un responsable légal dit d'où il l'a donné."),
        )
        from charte.consent.models import Act, Channel, Verification

        events.declare_values("channel", dict(Channel.choices))
        events.declare_values("verification", dict(Verification.choices))
        events.declare_values("act", dict(Act.choices))
        processing.set_consent_source(queries.consent_holds)
        processing.register_check("consent", queries.processing_check)
        kinds.set_unsubscribe_link(tokens.unsubscribe_url)
        kinds.register(
            # Telling people that the charter changed is owed to them (U1), not news.
            kinds.Kind(
                code="consent.charter_changed",
                label=_("Changement de la charte"),
                template="consent/email/charter_changed",
                essential=True,
                example=CHARTER_CHANGE_EXAMPLE,
            )
        )
        signin.register(sign_in_step)
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="consent/sections/consents.html", context=queries.consent_section, order=20
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Autorité parentale"),
                url_name="consent:parental_checks",
                roles=frozenset({Role.DPO}),
                order=33,
            )
        )
        navigation.add_footer(
            navigation.Link(
                label=_("Versions de la charte"),
                url_name="consent:versions",
                anonymous=True,
                order=11,
            )
        )
        schedule.register(
            schedule.Job(
                name="consent.erase_after_withdrawal",
                task=tasks.erase_after_withdrawal,
                every=timedelta(days=1),
                at=time(3, 30),
            )
        )
        schedule.register(
            schedule.Job(
                name="consent.tell_pending_charter_changes",
                task=tasks.tell_pending_charter_changes,
                every=timedelta(minutes=30),
            )
        )
        schedule.register(
            schedule.Job(
                name="consent.erase_unconfirmed_sign_ups",
                task=tasks.erase_unconfirmed_sign_ups,
                every=timedelta(days=1),
                at=time(3, 40),
            )
        )
