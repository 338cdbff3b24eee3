from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Every email the platform sends: built here, addressed here, delivered by the task worker.

    Holds an outbox of messages (the recipient's address at sending time, subject and body) for
    30 days, to deliver and retry them. The recipient of every message is resolved here: a
    message about a child under the age of digital consent goes to the child's guardians, never
    to the child (charter §2). Purposes: the account's working (service messages) and, for
    non-essential messages, the purpose the person consented to.

    Also carries the journal's alerts to IT and the DPO (kind "audit.alert"): the journal sits
    below this app, so it hands each alert to the sender set here.
    """

    name = "charte.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from datetime import timedelta

        from charte.audit import alerts
        from charte.audit import events as journal_events
        from charte.core import notices, schedule
        from charte.notifications import actions, kinds, tasks

        notices.set_sender(actions)
        # The journal's message events carry their kind's code: named in words when read.
        journal_events.declare_namer("kind", notices.label_of)

        kinds.register(
            kinds.Kind(
                code="audit.alert",
                label=_("Alerte de sécurité"),
                template="audit/email/alert",
                essential=True,
                example=actions.ALERT_EXAMPLE,
            )
        )
        alerts.set_sender(actions.send_alert)

        schedule.register(
            schedule.Job(
                name="notifications.retry",
                task=tasks.retry_undelivered,
                every=timedelta(minutes=10),
            )
        )
