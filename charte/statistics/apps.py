from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """Usage statistics that cannot single out a child.

    Holds aggregates of the learning events (per pseudonym, week, hour, competency and class),
    kept up to date by the task worker, from which the usage reports are read with no figure
    about fewer than k people (k = 10 by default, never below 5), directly or by subtraction;
    and the releases of platform-wide figures made with differential privacy, each with the
    privacy budget it spent. A person who objects to statistics, or whose data is restricted,
    is taken out of every aggregate. Purpose: statistics.
    """

    name = "charte.statistics"
    label = "statistics"
    verbose_name = "Statistics"

    def ready(self) -> None:
        from datetime import timedelta

        from django.core import checks as django_checks

        from charte.core import schedule
        from charte.privacy import processing
        from charte.statistics import actions, checks, tasks

        # At once when an objection or a restriction is recorded; the job is the safety net.
        processing.on_change("statistics", actions.standing_changed)

        django_checks.register(checks.k_floor)
        schedule.register(
            schedule.Job(name="statistics.refresh", task=tasks.refresh, every=timedelta(minutes=1))
        )
        schedule.register(
            schedule.Job(
                name="statistics.recheck_exclusions",
                task=tasks.recheck_exclusions,
                every=timedelta(minutes=15),
            )
        )
