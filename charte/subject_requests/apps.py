from django.apps import AppConfig


class SubjectRequestsConfig(AppConfig):
    """The rights of the people whose data we hold (GDPR art. 12 to 22, charter §5).

    Holds each request (its type, who asked for whom and through which channel, the free text
    the requester wrote, the identity checks and their evidence, the staff's notes and the
    decision), the restrictions and objections in force, the directives a person leaves for
    after their death (with the name and email of their trusted person) and the deaths notified
    to us. Purpose: answering those requests and proving we did (kept five years). Reaches every
    other app's data through the privacy registry only.
    """

    name = "charte.subject_requests"
    label = "subject_requests"
    verbose_name = "Subject requests"

    def ready(self) -> None:
        from datetime import time, timedelta

        from django.utils.translation import gettext_lazy as _

        from charte.audit import events as journal_events
        from charte.subject_requests.models import Channel as RequestChannel
        from charte.subject_requests.models import Kind as RequestKind
        from charte.subject_requests.models import Relation

        journal_events.declare_values("kind", dict(RequestKind.choices))
        journal_events.declare_values("channel", dict(RequestChannel.choices))
        journal_events.declare_values("relation", dict(Relation.choices))

        from charte.accounts.models import PLATFORM_ROLES, Role
        from charte.audit import events
        from charte.core import navigation, quota, schedule
        from charte.notifications import kinds
        from charte.privacy import processing
        from charte.subject_requests import (
            actions,
            heirs,
            panels,
            queries,
            receivers,
            sections,
            tasks,
        )
        from charte.subject_requests.models import Proof

        del receivers  # imported for its receivers: a proof's file goes with its row
        # A claim's documents count towards the deceased's quota: what one person's file may
        # weigh in all, whoever uploads it (the public form is also rate-limited).
        quota.counts_towards_quota(Proof, owner="claim__person", size="size")
        heirs.register_kinds()

        events.declare_connection_data(
            "subject_request.opened",
            reason=_(
                "Une demande faite en ligne garde d'où elle a été faite, avec la vérification d'identité qui l'accompagne."
            ),
        )
        events.declare_connection_data(
            "subject_request.claim_filed",
            reason=_(
                "Une déclaration de décès faite sans compte garde d'où elle a été faite : une fausse déclaration se retrace."
            ),
        )
        events.declare_connection_data(
            "subject_request.archive_code_refused",
            reason=_(
                "Un code erroné pour une archive garde d'où il a été saisi, pour repérer qui tente de le deviner."
            ),
        )
        events.declare_connection_data(
            "subject_request.archive_downloaded",
            reason=_(
                "Le téléchargement d'une archive garde d'où il a été fait, comme tout téléchargement d'archive."
            ),
        )
        events.declare_connection_data(
            "account.rectified",
            reason=_(
                "Une correction des données d'un compte garde d'où elle a été faite, pour retracer une prise de contrôle du compte."
            ),
        )
        kinds.register(
            *(
                kinds.Kind(
                    code=f"subject_requests.{name}",
                    label=label,
                    template=f"subject_requests/email/{name}",
                    essential=True,
                    example=_example_context(),
                )
                for name, label in (
                    ("received", _("Accusé de réception d'une demande")),
                    ("extended", _("Délai de réponse prolongé")),
                    ("answered", _("Réponse à une demande")),
                    ("erasure_accepted", _("Effacement demandé qui commence")),
                    ("restriction_lifted", _("Limitation levée")),
                    ("dpo_reminder", _("Rappel au délégué : une demande bientôt due")),
                )
            )
        )
        processing.register_check("subject_requests.restriction", queries.restriction_check)
        processing.register_check("subject_requests.objection", queries.objection_check)
        processing.register_edit_check("subject_requests.restriction", queries.edit_check)
        processing.set_objection_desk(actions.ObjectionDesk())
        schedule.register(
            schedule.Job(
                name="subject_requests.reminders",
                task=tasks.send_reminders,
                every=timedelta(days=1),
                at=time(7, 0),
            )
        )
        schedule.register(
            schedule.Job(
                name="subject_requests.expire_archives",
                task=tasks.expire_archives,
                every=timedelta(hours=1),
            )
        )
        navigation.add_privacy_sections(
            navigation.PrivacySection(
                template="subject_requests/sections/rights.html",
                context=sections.rights_section,
                order=20,
            )
        )
        handlers = frozenset({Role.DPO, Role.CUSTOMER_SERVICE})
        navigation.add_menu(
            navigation.Link(
                label=_("Demandes sur les données"),
                url_name="subject_requests:queue",
                roles=handlers,
                order=30,
            ),
            navigation.Link(
                label=_("Demandes en retard"),
                url_name="subject_requests:overdue",
                roles=frozenset({Role.DPO}),
                order=31,
            ),
        )
        navigation.add_panels(
            navigation.Panel(
                template="subject_requests/panels/workbench.html",
                roles=handlers,
                context=panels.workbench_panel,
                order=10,
            ),
            navigation.Panel(
                template="subject_requests/panels/rights.html",
                roles=frozenset(PLATFORM_ROLES),
                context=lambda user: {},
                order=910,
            ),
        )


def _example_context() -> dict[str, object]:
    """What the emails about a request are rendered with, for previews and checks: an unsaved
    request (no database, no person)."""
    import uuid
    from datetime import date

    from django.utils import timezone

    from charte.subject_requests.models import Kind, Status, SubjectRequest

    example = SubjectRequest(
        public_id=uuid.UUID("00000000-0000-4000-8000-000000000001"),
        kind=Kind.ACCESS,
        status=Status.IN_REVIEW,
        channel="online",
        received_at=timezone.now(),
        due_on=date(2026, 1, 31),
        extended_to=date(2026, 3, 31),
    )
    return {"request": example, "stage": 1}
