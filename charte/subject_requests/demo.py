"""Demo requests in every state the DPO meets: overdue, extended, awaiting an identity check,
answered with an archive, and an erasure completed with its certificate. Idempotent: each is
made only when the person has no request of that kind yet."""

from datetime import timedelta

from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.demo import years_ago
from charte.accounts.models import Guardianship, Role, User
from charte.core.demo import DEMO_PASSWORD, Demo
from charte.subject_requests import actions, deadlines
from charte.subject_requests.models import (
    Channel,
    Decision,
    IdentityMethod,
    Kind,
    Relation,
    Status,
    SubjectRequest,
)

FORMER_PUPIL = "ancien.eleve"


def _family(child: User, guardian: User) -> bool:
    """The family link the requests need (the families app may have made it already)."""
    link = Guardianship.objects.filter(child=child, guardian=guardian).first()
    if link is None:
        link = accounts.propose_guardianship(child=child, guardian=guardian, actor=guardian)
    return link.status == Guardianship.Status.CONFIRMED


def _has(person: User, kind: str) -> bool:
    return SubjectRequest.objects.filter(person=person, kind=kind).exists()


def seed(demo: Demo) -> None:
    now = timezone.now()
    sofia, nour = demo.person("guardian_sofia"), demo.person("child_nour")
    anna, lea = demo.person("guardian_anna"), demo.person("child_lea")
    chloe = demo.person("teacher_chloe")
    elise, farid = demo.person("dpo_elise"), demo.person("cs_farid")

    # Overdue: a parent's access request for her child, received forty days ago.
    _family(demo.person("child_ben"), anna)
    if _family(nour, sofia) and not _has(nour, Kind.ACCESS):
        actions.open_request(
            person=nour,
            kind=Kind.ACCESS,
            actor=sofia,
            channel=Channel.ONLINE,
            requester=sofia,
            relation=Relation.GUARDIAN,
            received_at=now - timedelta(days=40),
            reauthenticated_at=now,
        )

    # Extended: a portability request with many years of work, extended with a reason.
    if not _has(anna, Kind.PORTABILITY):
        request = actions.open_request(
            person=anna,
            kind=Kind.PORTABILITY,
            actor=anna,
            channel=Channel.ONLINE,
            received_at=now - timedelta(days=20),
            reauthenticated_at=now,
        )
        actions.extend(
            request=request,
            actor=elise,
            until=deadlines.latest_extension(request.received_at),
            reason="Votre demande couvre plusieurs comptes et plusieurs années de travaux : "
            "nous avons besoin de deux mois de plus pour tout rassembler.",
        )

    # Awaiting identity: a restriction asked by phone, typed in by customer service.
    if not _has(lea, Kind.RESTRICTION):
        actions.open_request(
            person=lea,
            kind=Kind.RESTRICTION,
            actor=farid,
            channel=Channel.PHONE,
            details="Conteste l'exactitude de ses résultats du premier trimestre.",
            received_at=now - timedelta(days=3),
        )

    # Answered: a teacher's access request, archive ready to download.
    if not _has(chloe, Kind.ACCESS):
        request = actions.open_request(
            person=chloe,
            kind=Kind.ACCESS,
            actor=chloe,
            channel=Channel.ONLINE,
            received_at=now - timedelta(days=5),
            reauthenticated_at=now,
        )
        actions.decide(request=request, actor=elise, decision=Decision.APPROVED)
        request.refresh_from_db()
        if request.status == Status.PROCESSING:
            actions.build_archive(request=request, actor=elise)

    # Completed with a certificate: a former pupil's account, erased on a request by email.
    erased = SubjectRequest.objects.filter(
        kind=Kind.ERASURE, channel=Channel.EMAIL, certificate__isnull=False
    )
    if not erased.exists():
        former = User.objects.by_login(FORMER_PUPIL).first() or accounts.create_account(
            actor=farid,
            role=Role.PUPIL,
            first_name="Camille",
            last_name="Ancienne",
            username=FORMER_PUPIL,
            password=DEMO_PASSWORD,
            birth_date=years_ago(17, 6, 1),
        )
        request = actions.open_request(
            person=former,
            kind=Kind.ERASURE,
            actor=farid,
            channel=Channel.EMAIL,
            details="Ne se sert plus de la plateforme depuis son départ du collège.",
            received_at=now - timedelta(days=12),
        )
        actions.verify_identity(
            request=request,
            actor=farid,
            method=IdentityMethod.ACCOUNT_EMAIL,
            evidence="Réponse reçue depuis l'adresse enregistrée sur le compte.",
        )
        request.refresh_from_db()
        actions.decide(request=request, actor=elise, decision=Decision.APPROVED)
        request.refresh_from_db()
        if request.status == Status.PROCESSING:
            actions.execute_erasure(request=request, actor=elise)
    demo.say("Demo requests: overdue, extended, awaiting identity, answered, erased.")
