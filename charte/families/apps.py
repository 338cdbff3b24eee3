from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    """Family accounts: a parent creates and manages their children's accounts (charter P7, D3).

    Holds the invitations sent to a child's guardians: the address typed for the guardian (by
    the child at sign-up, or by the first guardian for the second), who invited, and when it
    was accepted. An invitation lives 14 days at most. Sends, to the parents who asked for it,
    a weekly email of what each child did (`progress`); it keeps nothing of its own. The links between guardians and
    children themselves are `accounts.Guardianship`; the consents, `consent.ConsentRecord`.
    """

    name = "charte.families"
    label = "families"
    verbose_name = "Families"

    def ready(self) -> None:
        from datetime import time, timedelta

        from django.utils.translation import gettext_lazy as _

        from charte.accounts import waiting
        from charte.accounts.models import Role
        from charte.core import navigation, schedule
        from charte.families import progress, tasks
        from charte.families.queries import family_panel, waiting_child
        from charte.notifications import kinds

        waiting.register(waiting_child)
        kinds.register(
            kinds.Kind(
                code="families.consent_invitation",
                label=_("Demande de consentement à un parent"),
                template="families/email/consent_invitation",
                essential=True,
                addressed=True,
            ),
            kinds.Kind(
                code="families.guardian_invitation",
                label=_("Invitation d'un parent"),
                template="families/email/guardian_invitation",
                essential=True,
                addressed=True,
            ),
            kinds.Kind(
                code=progress.KIND,
                label=_("Point de la semaine d'un enfant"),
                template="families/email/weekly_progress",
                essential=False,
                purpose=progress.PURPOSE,
                guardian_news=True,
                example=progress.EXAMPLE,
            ),
        )
        navigation.add_menu(
            navigation.Link(
                label=_("Ma famille"), url_name="families:home", roles=frozenset({Role.PARENT})
            )
        )
        navigation.add_panels(
            navigation.Panel(
                template="families/panels/family.html",
                roles=frozenset({Role.PARENT}),
                context=family_panel,
                order=10,
            )
        )
        schedule.register(
            schedule.Job(
                name="families.erase_unconfirmed_children",
                task=tasks.erase_unconfirmed_children,
                every=timedelta(days=1),
                at=time(3, 0),
            )
        )
        # Daily, for a weekly email: the first run after a week ends sends it, the next ones
        # find it sent (a run lost is made up the next day rather than a week later).
        schedule.register(
            schedule.Job(
                name="families.weekly_progress",
                task=tasks.send_weekly_progress,
                every=timedelta(days=1),
                at=time(7, 0),
            )
        )
