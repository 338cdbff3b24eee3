from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Retention: every duration of the register, enforced on time, at scale, without harm.

    Holds renewals (who chose to keep an account one more school year, how, and until when),
    the notices sent before an account expires (so that nobody is told twice), legal holds
    (what must outlive its retention, why, placed by whom, until when), and the forecast the
    nightly job computes for the DPO's home page (counts per rule, about nobody). Reaches
    every other app's data through the privacy registry only: the nightly sweep applies each
    model's declared erasure strategy when its rule says so, and hands the rules whose owners
    remove their data themselves (the journal) to the handler they register.
    """

    name = "charte.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from datetime import time, timedelta

        from django.core import checks
        from django.utils.translation import gettext_lazy as _

        from charte.core import navigation, schedule
        from charte.notifications import kinds as notification_kinds
        from charte.retention import tasks
        from charte.retention.checks import check_handlers, check_settings
        from charte.retention.sections import dpo_panel, retention_section

        checks.register(check_settings, "charte")
        checks.register(check_handlers, "charte")
        notification_kinds.register(
            notification_kinds.Kind(
                code="retention.expiry_notice",
                label=_("Avis d'effacement prochain des données"),
                template="retention/email/expiry_notice",
                essential=True,
            )
        )
        schedule.register(
            schedule.Job(
                name="retention.nightly",
                task=tasks.nightly,
                every=timedelta(hours=20),
                at=time(2, 30),
            )
        )
        # After the night's erasures (the sweep at 2:30, the consent and family jobs until
        # 3:40), so that the morning's figures are what they left; a fresh install gets its
        # first forecast at the scheduler's first tick after that hour.
        schedule.register(
            schedule.Job(
                name="retention.forecast",
                task=tasks.store_forecast,
                every=timedelta(hours=20),
                at=time(4, 30),
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Conservation"),
                url_name="retention:overview",
                roles=frozenset({"dpo"}),
                order=60,
            )
        )
        navigation.add_panels(
            navigation.Panel(
                template="retention/panels/dpo.html",
                roles=frozenset({"dpo"}),
                context=dpo_panel,
                order=30,
            )
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="retention/sections/kept_until.html",
                context=retention_section,
                order=95,
            )
        )
