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
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from charte.audit import events
        from charte.core import navigation, schedule
        from charte.notifications import kinds
        from charte.recipients import notices, queries, tasks
        from charte.recipients.queries import disclosures_section

        kinds.register(
            kinds.Kind(
                code="recipients.notice",
                label=_("Avis à un destinataire des données"),
                template="recipients/email/notice",
                essential=True,
                example=notices.EMAIL_EXAMPLE,
            )
        )
        schedule.register(
            schedule.Job(
                name="recipients.notices", task=tasks.sweep_notices, every=timedelta(minutes=10)
            )
        )
        events.LABELS.setdefault(
            notices.OVERDUE_ALERT,
            _(
                "Alerte : un destinataire n'a pas confirmé un effacement, une correction ou une limitation"
            ),
        )
        events.LABELS.setdefault(
            notices.HANDED_EVENT,
            _("Notification à un destinataire remise à l'envoi d'e-mails"),
        )
        events.SYSTEM_ACTORS.setdefault("system:recipients", _("Avis aux destinataires"))
        navigation.add_panels(
            navigation.Panel(
                template="recipients/panels/notices.html",
                roles=frozenset({"dpo"}),
                context=queries.overdue_panel,
                order=15,
            )
        )

        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="recipients/sections/disclosures.html",
                context=disclosures_section,
                order=60,
            ),
            navigation.PrivacySection(
                template="recipients/sections/corrections_told.html",
                context=queries.corrections_section,
                order=61,
            ),
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Demandes des autorités"),
                url_name="recipients:authority_requests",
                roles=frozenset({"dpo"}),
                order=60,
            ),
            navigation.Link(
                label=_("Avis aux destinataires"),
                url_name="recipients:notices",
                roles=frozenset({"dpo"}),
                order=61,
            ),
        )
