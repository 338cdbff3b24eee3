from django.apps import AppConfig


class SupportConfig(AppConfig):
    """Error reports (charter P8): what people tell us is wrong, and our answers.

    Holds each report's message and the page it is about, who sent it (a signed-in person) or,
    for a visitor who asked to be answered, the email address they gave for that one reply, and
    the answers of customer service. The form asks for nothing else. Purpose: the error-report
    form (Annex 1 row 1); kept one year after the report. Customer service works the queue and
    sees the reporter's name and contact, never their results or learning data.
    """

    name = "charte.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.core import navigation
        from charte.notifications import kinds
        from charte.support import queries

        kinds.register(
            kinds.Kind(
                code="support.answer",
                label=_("Réponse à un signalement d'erreur"),
                template="support/email/answer",
                essential=True,
            )
        )
        navigation.add_footer(
            navigation.Link(
                label=_("Signaler une erreur"), url_name="support:report", anonymous=True, order=60
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Signalements"),
                url_name="support:queue",
                roles=frozenset({Role.CUSTOMER_SERVICE}),
                order=20,
            ),
            navigation.Link(
                label=_("Comptes"),
                url_name="support:account_lookup",
                roles=frozenset({Role.CUSTOMER_SERVICE}),
                order=25,
            ),
        )
        navigation.add_panels(
            navigation.Panel(
                template="support/panels/queue.html",
                roles=frozenset({Role.CUSTOMER_SERVICE}),
                context=queries.queue_panel,
                order=10,
            )
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="support/sections/my_reports.html",
                context=queries.reports_section,
                order=60,
            )
        )
