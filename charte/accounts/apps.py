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

        from charte.accounts.models import Role
        from charte.audit import events as journal_events

        journal_events.declare_values("role", dict(Role.choices))

        from charte.accounts import (
            receivers,  # noqa: F401  (connects auth signals to the journal)
            waiting,
        )
        from charte.accounts.models import PLATFORM_ROLES, STAFF_ROLES
        from charte.accounts.queries import devices_section, my_data_panel
        from charte.core import navigation
        from charte.core import notices as notification_kinds

        waiting.register(waiting.unconfirmed_adult)
        notification_kinds.register(
            notification_kinds.Kind(
                code="accounts.password_reset",
                label=_("Lien pour un nouveau mot de passe"),
                template="accounts/email/password_reset",
                essential=True,
            ),
            notification_kinds.Kind(
                code="account.guardian_fields_changed",
                label=_("Âge ou pays d'un enfant changé"),
                template="accounts/email/guardian_fields_changed",
                essential=True,
                to_guardians=True,
                example={
                    "fields": ["birth_date", "country"],
                    "by": "guardian",
                    "actor_name": "Anna Martin",
                    "actor_id": None,
                    "guardian_before": True,
                    "guardian_after": False,
                    "consent_age": 13,
                },
            ),
        )
        # The sign-in address: confirming it, changing it, and telling its holder.
        link = "https://charte.example/compte/lien/0/0/"
        notification_kinds.register(
            notification_kinds.Kind(
                code="accounts.sign_up_confirm",
                label=_("Lien de confirmation d'inscription"),
                template="accounts/email/sign_up_confirm",
                essential=True,
                example={"url": link, "days": 3},
            ),
            notification_kinds.Kind(
                code="accounts.welcome",
                label=_("Bienvenue"),
                template="accounts/email/welcome",
                essential=True,
                example={"login_url": link},
            ),
            notification_kinds.Kind(
                code="accounts.address_in_use",
                label=_("Inscription tentée avec une adresse déjà utilisée"),
                template="accounts/email/address_in_use",
                essential=True,
                example={"attempt": "sign_up", "login_url": link, "reset_url": link},
            ),
            notification_kinds.Kind(
                code="accounts.email_change_confirm",
                label=_("Lien de confirmation d'une nouvelle adresse e-mail"),
                template="accounts/email/email_change_confirm",
                essential=True,
                example={"url": link, "new_email": "nouvelle@exemple.test", "hours": 24},
            ),
            notification_kinds.Kind(
                code="accounts.email_change_requested",
                label=_("Changement d'adresse demandé, avec son annulation"),
                template="accounts/email/email_change_requested",
                essential=True,
                example={"cancel_url": link, "new_email": "nouvelle@exemple.test", "days": 7},
            ),
            notification_kinds.Kind(
                code="accounts.email_changed",
                label=_("Adresse e-mail changée"),
                template="accounts/email/email_changed",
                essential=True,
                example={"cancel_url": link, "new_email": "nouvelle@exemple.test", "days": 7},
            ),
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
