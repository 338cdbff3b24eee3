"""Changes to error reports: each names its actor and writes its journal entry.

The journal gets ids and codes only: never the message, the page or an address.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.core.actors import Actor, person_ref
from charte.core.errors import ActionError, Conflict
from charte.notifications.actions import notify, notify_address
from charte.support import queries
from charte.support.models import Answer, ErrorReport


def _require_customer_service(actor: Actor) -> User:
    if not (isinstance(actor, User) and actor.role == Role.CUSTOMER_SERVICE):
        raise ActionError(_("Seul le service client traite les signalements."))
    return actor


def _require_open(report: ErrorReport) -> None:
    if report.is_closed:
        raise Conflict(_("Ce signalement est clos : rouvrez-le d'abord."))


@transaction.atomic
def report_error(
    *,
    reporter: User | None,
    message: str,
    page: str = "",
    contact_email: str = "",
    language: str = "fr",
    actor: Actor,
) -> ErrorReport:
    """Record what someone found wrong. A signed-in person leaves no address: we know them."""
    message = message.strip()
    if not message:
        raise ActionError(_("Décrivez l'erreur en quelques mots."))
    if reporter is not None and contact_email:
        raise ActionError(_("Nous vous répondrons par votre compte : pas besoin d'adresse."))
    report = ErrorReport(
        reporter=reporter,
        message=message[: ErrorReport.MESSAGE_MAX],
        page=page[: ErrorReport.PAGE_MAX],
        contact_email=contact_email.strip().lower(),
        language=(reporter.language if reporter is not None else language) or "fr",
    )
    report.full_clean()
    report.save()
    audit.record(
        event="support.report_received",
        actor=actor,
        subject=reporter,
        data={"report": str(report.public_id), "with_address": bool(report.contact_email)},
    )
    return report


@transaction.atomic
def assign_report(*, report: ErrorReport, assignee: User, actor: Actor) -> ErrorReport:
    """Put a report in someone's hands (customer service takes it for themself)."""
    _require_customer_service(actor)
    if assignee.role != Role.CUSTOMER_SERVICE:
        raise ActionError(_("Un signalement ne peut être confié qu'au service client."))
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    _require_open(report)
    report.assignee = assignee
    if report.status == ErrorReport.Status.NEW:
        report.status = ErrorReport.Status.IN_PROGRESS
    report.save(update_fields=["assignee", "status"])
    audit.record(
        event="support.report_assigned",
        actor=actor,
        subject=report.reporter,
        data={"report": str(report.public_id), "assignee": person_ref(assignee)},
    )
    return report


@transaction.atomic
def answer_report(*, report: ErrorReport, body: str, actor: Actor) -> Answer:
    """Answer the reporter by email: the person, their guardians for a child, or a visitor's
    address. Whoever answers a report nobody had taken takes it.
    """
    staff = _require_customer_service(actor)
    body = body.strip()
    if not body:
        raise ActionError(_("Écrivez votre réponse."))
    report = (
        ErrorReport.objects.select_for_update(of=("self",))
        .select_related("reporter")
        .get(pk=report.pk)
    )
    _require_open(report)
    if report.reporter is None and not report.contact_email:
        raise Conflict(
            _("Ce visiteur n'a pas laissé d'adresse : il n'y a personne à qui répondre.")
        )
    answer = Answer.objects.create(report=report, author=staff, body=body[: Answer.BODY_MAX])
    context = {
        "answer": answer.body,
        "message": report.message,
        "page": report.page,
        "reported_at": report.created_at,
    }
    if report.reporter is not None:
        sent = len(
            notify(kind="support.answer", person=report.reporter, actor=actor, context=context)
        )
    else:
        notify_address(
            kind="support.answer",
            email=report.contact_email,
            language=report.language,
            actor=actor,
            context=context,
        )
        sent = 1
    answer.sent_to = sent
    answer.save(update_fields=["sent_to"])
    report.status = ErrorReport.Status.ANSWERED
    report.assignee = report.assignee or staff
    report.save(update_fields=["status", "assignee"])
    audit.record(
        event="support.report_answered",
        actor=actor,
        subject=report.reporter,
        data={"report": str(report.public_id), "answer": str(answer.public_id), "sent_to": sent},
    )
    return answer


@transaction.atomic
def close_report(*, report: ErrorReport, actor: Actor) -> ErrorReport:
    _require_customer_service(actor)
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    _require_open(report)
    report.status = ErrorReport.Status.CLOSED
    report.closed_at = timezone.now()
    report.save(update_fields=["status", "closed_at"])
    audit.record(
        event="support.report_closed",
        actor=actor,
        subject=report.reporter,
        data={"report": str(report.public_id), "answers": report.answers.count()},
    )
    return report


@transaction.atomic
def reopen_report(*, report: ErrorReport, actor: Actor) -> ErrorReport:
    staff = _require_customer_service(actor)
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_closed:
        raise Conflict(_("Ce signalement n'est pas clos."))
    report.status = ErrorReport.Status.IN_PROGRESS
    report.closed_at = None
    report.assignee = report.assignee or staff
    report.save(update_fields=["status", "closed_at", "assignee"])
    audit.record(
        event="support.report_reopened",
        actor=actor,
        subject=report.reporter,
        data={"report": str(report.public_id)},
    )
    return report


@transaction.atomic
def look_up_account(*, viewer: User, login: str) -> queries.AccountLookup:
    """Customer service opens an account: journalled as a read of that person's data."""
    found = queries.access_account_by_customer_service(viewer=viewer, login=login)
    audit.record_read(viewer=viewer, subject=found.person, what="account_lookup")
    return found
