from django.apps import AppConfig


class RecipientsConfig(AppConfig):
    """The one door through which personal data leaves: every sharing, checked and recorded.

    Holds a disclosure record for each accepted sharing (which recipient received which
    categories of whose data, for which purpose, when, on whose decision, under which legal
    basis), shown to the person in their privacy centre and access archive. Also the DPO's record
    of authorities' requests (charter §3, §4).
    """

    name = "charte.recipients"
    label = "recipients"
    verbose_name = "Recipients"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charte.core import navigation
        from charte.recipients.queries import disclosures_section

        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="recipients/sections/disclosures.html",
                context=disclosures_section,
                order=60,
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Demandes des autorités"),
                url_name="recipients:authority_requests",
                roles=frozenset({"dpo"}),
                order=60,
            )
        )
