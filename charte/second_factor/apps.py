from django.apps import AppConfig


class SecondFactorConfig(AppConfig):
    """A second factor at sign-in: an authenticator app (TOTP, RFC 6238), passkeys (WebAuthn),
    and recovery codes.

    Mandatory for the operator's staff, who see children's data, before any of their pages;
    offered to parents, teachers and school staff; not offered to pupils. Holds, for each
    person who set one up, the app's secret key (django-otp's TOTPDevice), each passkey's
    public key and counter, and the digests of their recovery codes, with the times they were
    added and last used. Purpose: the account (Annex 1 row 1) and the security of the service;
    kept as long as the account, removed when the person turns the factor off or the DPO or
    IT resets it. Every set-up, use, failure, loss and reset is journalled.
    """

    name = "charte.second_factor"
    label = "second_factor"
    verbose_name = "Second factor"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts import signin
        from charte.accounts.models import Role
        from charte.core import navigation
        from charte.notifications import kinds
        from charte.second_factor import queries, views

        signin.register(views.sign_in_step)
        kinds.register(
            kinds.Kind(
                code="second_factor.changed",
                label=_("Vérification en deux étapes modifiée"),
                template="second_factor/email/changed",
                essential=True,
                example={"change": "added", "method": "totp"},
            )
        )
        navigation.add_footer(
            navigation.Link(
                label=_("Double authentification"),
                url_name="second_factor:settings",
                roles=frozenset(queries.OFFERED_TO),
                order=82,
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Seconds facteurs"),
                url_name="second_factor:reset",
                roles=frozenset({Role.DPO, Role.IT}),
                order=95,
            )
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="second_factor/sections/second_factor.html",
                context=queries.privacy_section,
                order=85,
            )
        )
