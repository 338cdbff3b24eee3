from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People's accounts, their sign-in and their sessions.

    Holds each user's name, email address or username, password hash, role, date of birth
    (pupils: needed to know whether a guardian must consent), country (which sets that age),
    optional phone number, language, and the times of their last click, sign-in and order
    (charter: "last activity"). Sessions are tied to their user so that they can be ended and
    erased by person. Purposes: the platform account (Annex 1 row 1), and for staff accounts
    the running and security of the service.
    """

    name = "charte.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts import receivers  # noqa: F401  (connects auth signals to the journal)
        from charte.accounts.models import PLATFORM_ROLES, STAFF_ROLES
        from charte.accounts.queries import devices_section, my_data_panel
        from charte.core import navigation
        from charte.notifications import kinds as notification_kinds

        notification_kinds.register(
            notification_kinds.Kind(
                code="accounts.password_reset",
                template="accounts/email/password_reset",
                essential=True,
            )
        )
        navigation.add_footer(
            navigation.Link(label=_("Mes données"), url_name="accounts:privacy_centre", order=20),
            navigation.Link(label=_("Mot de passe"), url_name="accounts:password_change", order=80),
            navigation.Link(label=_("Mes appareils"), url_name="accounts:devices", order=81),
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="accounts/sections/devices.html", context=devices_section, order=84
            )
        )
        navigation.add_panels(
            navigation.Panel(
                template="accounts/panels/my_data.html",
                roles=frozenset(PLATFORM_ROLES | STAFF_ROLES),
                context=my_data_panel,
                order=900,
            )
        )
