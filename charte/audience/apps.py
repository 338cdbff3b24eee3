from django.apps import AppConfig


class AudienceConfig(AppConfig):
    """Measurement of our own service, only as the visitor's consent allows (P9, C2).

    Holds the page views and timings that our own script sends to our own endpoint once the
    visitor has accepted audience measurement: the random visitor number of the audience
    cookie (13 months at most), the page's path, how long it took to load, the address with
    its last part dropped, and the account if one is signed in (so that an objection to
    `improvement`, a restriction or an erasure reaches it). Nothing goes to a third party; a
    beacon without a matching consent proof, or sent with Global Privacy Control, is refused.
    Raw data is kept 25 months at most. Purpose: improvement (cookies_audience).
    """

    name = "charte.audience"
    label = "audience"
    verbose_name = "Audience"

    def ready(self) -> None:
        from datetime import timedelta

        from charte.audience import actions, tasks
        from charte.core import schedule
        from charte.privacy import processing

        # At once when an objection or a restriction is recorded; the job is the safety net.
        processing.on_change("audience", actions.standing_changed)

        schedule.register(
            schedule.Job(
                name="audience.apply_objections",
                task=tasks.apply_objections,
                every=timedelta(minutes=15),
            )
        )
