from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports: a pupil's individual results report, and the anonymised usage reports.

    The individual report (a page and a PDF, for a term or the school year) reads the pupil's
    attempts and the coach's suggestions and is shown to the pupil, their confirmed guardians
    and their teachers; the usage reports read the statistics' suppressed publications and are
    shown to teachers (their classes), school staff (their school) and the operator's staff
    (the platform). Purpose: statistics.

    Holds one kind of data of its own: a class's reports printed at once by its teacher (who
    asked, for which period, and each pupil's report as a stored PDF), kept 7 days, the time
    to print them (purpose: evaluation, as the results they show).
    """

    name = "charte.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from charte.accounts.models import Role
        from charte.core import navigation, schedule
        from charte.reports import tasks
        from charte.reports.queries import OPERATOR_STAFF
        from charte.schools.tabs import ClassTab, add_class_tabs

        navigation.add_menu(
            navigation.Link(
                label=_("Usage de la plateforme"),
                url_name="reports:platform_usage",
                roles=OPERATOR_STAFF,
                order=60,
            ),
            navigation.Link(
                label=_("Publications de statistiques"),
                url_name="reports:releases",
                roles=frozenset({Role.DPO}),
                order=61,
            ),
        )
        add_class_tabs(
            ClassTab(
                label=_("Usage"), url_name="reports:class_usage", order=40, teachers_only=True
            ),
            ClassTab(
                label=_("Rapports à imprimer"),
                url_name="reports:class_prints",
                order=45,
                teachers_only=True,
            ),
        )
        schedule.register(
            schedule.Job(
                name="reports.resume_class_prints",
                task=tasks.resume_class_prints,
                every=timedelta(minutes=5),
            )
        )
        # The stored report goes with its row (an erasure, the retention sweep).
        from charte.reports import receivers  # noqa: F401
