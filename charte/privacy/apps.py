from django.apps import AppConfig
from django.core import checks
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The register of processing and the registry of personal-data declarations.

    Holds no personal data itself: it knows, for every model of every app, whose data it holds,
    why, how it is erased and how long it lives, and publishes that as the register and the
    public charter.
    """

    name = "charte.privacy"
    label = "privacy"
    verbose_name = "Privacy register"

    def ready(self) -> None:
        from charte.audit import events
        from charte.core import navigation
        from charte.privacy import register
        from charte.privacy.checks import check_registry
        from charte.privacy.queries import holdings_section

        # The journal's details name purposes, retention rules and recipients by their codes.
        events.declare_values(
            "purpose",
            {p.code: p.name for p in register.PURPOSES},
            child={p.code: p.child_name for p in register.PURPOSES if p.child_name},
            pupil={p.code: p.pupil_name for p in register.PURPOSES if p.pupil_name},
        )
        events.declare_values("rule", {r.code: r.name for r in register.RETENTION_RULES})
        events.declare_values("recipient", {r.code: r.name for r in register.RECIPIENTS})

        events.declare_connection_data(
            "security.card_number_refused",
            reason=_(
                "Un numéro de carte envoyé au site est un incident de sécurité : d'où il venait aide à le comprendre."
            ),
        )
        autodiscover_modules("privacy")
        checks.register(check_registry, "charte")
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="privacy/sections/holdings.html", context=holdings_section, order=90
            )
        )
        navigation.add_footer(
            navigation.Link(
                label=_("Charte de protection des données"),
                url_name="privacy:charter",
                anonymous=True,
                order=10,
            )
        )
