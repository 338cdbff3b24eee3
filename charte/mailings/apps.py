from django.apps import AppConfig


class MailingsConfig(AppConfig):
    """The news we send ourselves: the newsletter and the invitations to give a review.

    The marketing service writes a message here, reads it as it will be received, sends a copy
    to itself, then sends it, in batches through the outbox, to the adults whose consent to its
    purpose holds at that moment; each copy carries the one-click unsubscribe of RFC 8058 and a
    visible link, and a withdrawal stops even the copies already queued (the outbox checks the
    consent again when it sends). No list of contacts leaves for another tool.

    Holds each message's text and who wrote and sent it (a member of the marketing service),
    the progress of its sending, and nothing about its recipients: they are the outbox's.
    """

    name = "charte.mailings"
    label = "mailings"
    verbose_name = "Mailings"

    def ready(self) -> None:
        from datetime import timedelta

        from django.utils.translation import gettext_lazy as _

        from charte.core import navigation, schedule
        from charte.mailings import queries, tasks
        from charte.mailings.models import EXAMPLE
        from charte.notifications import kinds

        kinds.register(
            kinds.Kind(
                code="mailings.newsletter",
                label=_("Lettre d'information"),
                template="mailings/email/message",
                essential=False,
                purpose="newsletter",
                example=EXAMPLE,
            ),
            kinds.Kind(
                code="mailings.review_invitation",
                label=_("Invitation à donner son avis"),
                template="mailings/email/message",
                essential=False,
                purpose="reviews",
                example=EXAMPLE,
            ),
            # The copy its author sends to themself before sending: asked for, so essential.
            kinds.Kind(
                code="mailings.proof",
                label=_("Épreuve d'un envoi groupé"),
                template="mailings/email/proof",
                essential=True,
                example=EXAMPLE,
            ),
        )
        navigation.add_panels(
            navigation.Panel(
                template="mailings/panel.html",
                roles=frozenset({"marketing"}),
                context=queries.marketing_panel,
                order=10,
            )
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Lettre d'information et avis"),
                url_name="mailings:list",
                roles=frozenset({"marketing"}),
                order=20,
            )
        )
        schedule.register(
            schedule.Job(
                name="mailings.resume",
                task=tasks.resume_sending,
                every=timedelta(minutes=10),
            )
        )
