from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The journal: who did what to whose data, and security events (charter §6, Annex 1 row 2).

    Holds pseudonymous references to people (their public id, never their name), the event, a
    small structured payload, and for the security events only the request's IP address and
    user agent. Kept one year at most under GDPR art. 5 and 32, then removed a day at a time.
    Every action in every app writes here through `charte.audit.record`, inside its own
    transaction; each entry is chained to the one before and signed, each day sealed, so that
    any change shows (`manage.py journal verify`). IT and the DPO search it and receive its
    alerts. Its seals hold no personal data.
    """

    name = "charte.audit"
    label = "audit"
    verbose_name = "Journal"

    def ready(self) -> None:
        from datetime import time, timedelta

        from charte.audit import retention, tasks
        from charte.audit.checks import check_journal_settings
        from charte.core import expiry, navigation, schedule

        checks.register(check_journal_settings, "charte")
        # The sweep leaves the journal to its owner: this is how its year is enforced.
        expiry.register("journal", retention.remove_expired)
        # Local times (settings.TIME_ZONE): 02:05 in Paris is always after midnight UTC, when
        # the day before can be sealed. The nightly sweep (02:30) prunes through the handler
        # above, which seals first too; the verification runs on what is left.
        for name, task, at in (
            ("audit.seal", tasks.seal_journal_task, time(2, 5)),
            ("audit.verify", tasks.verify_journal_task, time(4, 0)),
        ):
            schedule.register(schedule.Job(name=name, task=task, every=timedelta(hours=20), at=at))
        # The installed packages against the advisories (charte/audit/dependencies.py): here,
        # beside the journal's alerts, because its outcome is a journal entry and an alert to
        # IT. Every six hours, so that a service silent for more than a day is told within six.
        schedule.register(
            schedule.Job(
                name="audit.dependencies",
                task=tasks.audit_dependencies_task,
                every=timedelta(hours=6),
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Journal"),
                url_name="audit:search",
                roles=frozenset({"it", "dpo"}),
                order=80,
            )
        )
        from charte.audit.panels import journal_panel

        navigation.add_panels(
            navigation.Panel(
                template="audit/panels/journal.html",
                roles=frozenset({"it", "dpo"}),
                context=journal_panel,
                order=40,
            )
        )
