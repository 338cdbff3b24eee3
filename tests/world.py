"""The world the access tests walk: one signed-in person per role and the objects the routes
name, owned by them, built once per module in a transaction undone at its end; and the
clients that ask as each of them, every request in a savepoint undone at once.

Shared by the access matrix (`tests/test_access_matrix.py`), the attacks and the small-screen
test; a helper module, not a test module.
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from charte.assignments.models import ProductionFile
from charte.audit.models import Entry as JournalEntry
from charte.consent import actions as consent_actions
from charte.consent.models import CharterVersion
from charte.consent.tokens import unsubscribe_token
from charte.content.loader import load
from charte.core.actors import SEED
from charte.families import actions as family_actions
from charte.families.tokens import invitation_token
from charte.mailings import actions as mailing_actions
from charte.payments import actions as payment_actions
from charte.payments.actions import PROVIDER
from charte.payments.models import Invoice, Order, Subscription
from charte.payments.plans import PLAN_BY_CODE
from charte.privacy.register import Category
from charte.recipients import actions as recipient_actions
from charte.recipients.models import Notice
from charte.recipients.notices import token as notice_token
from charte.reports import actions as report_actions
from charte.reports.queries import Period, current_first_year
from charte.retention import actions as retention_actions
from charte.retention import tokens as renewal_tokens
from charte.retention.models import LegalHold
from charte.schools import actions as school_actions
from charte.schools.models import Enrolment, SchoolMember
from charte.second_factor.models import Passkey
from charte.subject_requests import actions as request_actions
from charte.subject_requests import heirs
from charte.subject_requests.models import (
    Claim,
    Decision,
    Kind,
    Limitation,
    Proof,
    SubjectRequest,
)
from charte.subject_requests.views import DOWNLOAD_SALT
from charte.support import actions as support_actions
from tests.conftest import client_for
from tests.factories import make_user
from tests.learning import enrol, learning_objects
from tests.subject_requests.helpers import online


@dataclass
class World:
    """One signed-in person per role, and the objects the routes need, owned by them.

    The pupil is the parent's child, placed in the teacher's class of the school where the
    school staff works; each object below belongs to one of these personas.
    """

    people: dict[str, User]
    child: User
    ids: dict[str, Any]

    @classmethod
    def build(cls) -> "World":
        load()
        people = {
            role.value: make_user(role=role, first_name=f"Matrice{role.value}") for role in Role
        }
        pupil, parent = people[Role.PUPIL], people[Role.PARENT]
        teacher, staff = people[Role.TEACHER], people[Role.SCHOOL_STAFF]
        dpo = people[Role.DPO]
        accounts.propose_guardianship(child=pupil, guardian=parent, actor=parent)

        # School and class: the teacher and the staff work there, the child is placed in it.
        school = school_actions.create_school(name="Collège Matrice", city="Lyon", actor=SEED)
        for person, member in (
            (staff, SchoolMember.Role.STAFF),
            (teacher, SchoolMember.Role.TEACHER),
        ):
            school_actions.add_school_member(school=school, person=person, role=member, actor=SEED)
        school_class = school_actions.create_class(
            teacher=teacher, name="5e M", level="5e", school=school, actor=teacher
        )
        enrol(pupil, school_class)
        enrolment = Enrolment.objects.get(pupil=pupil)

        # The class's reports printed at once by its teacher, drawn and ready to download.
        class_print = report_actions.start_class_print(
            school_class=school_class, period=this_year(), language="fr", actor=teacher
        )
        report_actions.print_reports(job=class_print, actor=SEED)

        # Learning: an attempt, a resource, a folder, an assignment and the production.
        objects = learning_objects(teacher, pupil, school_class)
        made, handout, folder = objects.attempt, objects.handout, objects.folder
        note, work, production = objects.note, objects.assignment, objects.production

        # The family: an invitation to the other parent.
        invitation = family_actions.invite_guardian(
            child=pupil, inviter=parent, email="autre.parent@exemple.test"
        )

        # An error report from the parent, for customer service.
        report = support_actions.report_error(
            reporter=parent, message="Le bouton ne marche pas", actor=parent
        )

        # The parent's access request, answered with an archive; an objection of the parent.
        access = online(parent, Kind.ACCESS)
        request_actions.decide(request=access, actor=dpo, decision=Decision.APPROVED)
        access.refresh_from_db()
        request_actions.build_archive(request=access, actor=dpo)
        access.refresh_from_db()
        objection = online(parent, Kind.OBJECTION, purposes=["newsletter"])
        # An heir's claim filed online, with a document, answered with the same archive.
        claim = Claim.objects.create(person=parent, relation="heir", name="H", email="h@x.test")
        proof = Proof.objects.create(
            claim=claim,
            type=Proof.Type.DEATH_CERTIFICATE,
            file=SimpleUploadedFile("acte.pdf", b"%PDF-1.4"),
            file_name="acte.pdf",
            content_type="application/pdf",
            size=8,
        )
        claimed = SubjectRequest.objects.create(
            kind=Kind.ACCESS,
            person=parent,
            relation="heir",
            channel="public_form",
            status="completed",
            due_on=access.due_on,
            archive_name=access.archive_name,
            archive_expires_at=access.archive_expires_at,
            claim=claim,
        )
        claim_token = heirs._issue_key(claimed, actor=SEED)
        limitation = Limitation.objects.get(request=objection)

        # Orders: the parent's paid order and invoice; a school licence bought by the staff.
        order, order_token = _paid_order(parent, "famille-annuel")
        school_order, _ = _paid_order(staff, "etablissement-annuel", organisation="Collège Matrice")

        # The DPO's register: a hold, an authority's request (and its disclosure), the charter.
        hold = retention_actions.place_hold(
            actor=dpo, reason=LegalHold.Reason.LITIGATION, person=parent, reference="RG 26/001"
        )
        authority = recipient_actions.record_authority_request(
            authority="Tribunal judiciaire de Lyon",
            legal_basis="Réquisition judiciaire",
            reference="PV 26/42",
            received_on=timezone.localdate(),
            person=parent,
            categories=[Category.IDENTITY],
            actor=dpo,
        )
        assert authority.disclosure is not None
        # A notice to a recipient (art. 19) left unanswered in time, for the DPO to decide.
        notice = Notice.objects.create(
            person=parent,
            recipient="partner_publisher",
            kind="stop",
            request_reference=str(objection.public_id),
            state=Notice.State.OVERDUE,
            due_at=timezone.now(),
        )
        consent_actions.publish_charter(actor=SEED)
        # A passkey of the DPO's (staff have a second factor; see tests/conftest.py).
        passkey = Passkey.objects.create(
            user=dpo, name="Matrice", credential_id=b"matrice-credential", public_key=b"key"
        )
        version = CharterVersion.objects.order_by("-number").first()
        assert version is not None
        kept_until = timezone.localdate() + timedelta(days=30)

        return cls(
            people=people,
            child=pupil,
            ids={
                "school": school.public_id,
                "class": school_class.public_id,
                "class_print": class_print.public_id,
                "join_code": school_class.join_code,
                "enrolment": enrolment.public_id,
                "pupil": pupil.public_id,
                "parent": parent.public_id,
                "passkey": passkey.public_id,
                "attempt": made.public_id,
                "resource": handout.public_id,
                "note": note.public_id,
                "folder": folder.public_id,
                "assignment": work.public_id,
                "production": production.public_id,
                "file": ProductionFile.objects.get(production=production).public_id,
                "invitation": invitation.public_id,
                "invitation_token": invitation_token(invitation),
                "report": report.public_id,
                "request": access.public_id,
                "archive_token": signing.dumps(str(access.public_id), salt=DOWNLOAD_SALT),
                "limitation": limitation.public_id,
                "claim_request": claimed.public_id,
                "proof": proof.public_id,
                "claim_token": claim_token,
                "order": order.public_id,
                "order_token": order_token,
                "invoice": Invoice.objects.get(order=order).public_id,
                "licence": Subscription.objects.get(order=school_order).public_id,
                "hold": hold.public_id,
                "authority_request": authority.public_id,
                "notice": notice.public_id,
                "notice_token": notice_token(notice),
                "disclosure": authority.disclosure.public_id,
                "version": version.number,
                "unsubscribe_token": unsubscribe_token(parent, "newsletter"),
                "mailing": mailing_actions.create_mailing(
                    actor=people[Role.MARKETING],
                    purpose="newsletter",
                    subject="Matrice",
                    body="Les nouvelles.",
                ).public_id,
                "renew_token": renewal_tokens.renewal_token(
                    person=str(pupil.public_id),
                    recipient=str(parent.public_id),
                    kept_until=kept_until,
                ),
            },
        )


def this_year() -> Period:
    return Period(first_year=current_first_year(), code="year")


def _paid_order(buyer: User, plan: str, **fields: str) -> tuple[Order, str]:
    """An order placed and paid (the provider's webhook, applied), and its checkout's token."""
    order, checkout = payment_actions.place_order(
        buyer=buyer,
        plan=PLAN_BY_CODE[plan],
        billing_name="Matrice Test",
        billing_address="1 rue de la Paix\n69001 Lyon",
        site_url="http://testserver",
        actor=buyer,
        **fields,
    )
    payment_actions.record_payment(order=order, card_last4="4242", actor=PROVIDER)
    return order, checkout.redirect_url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once for the module, inside a transaction rolled back at its end; each test runs
    in its own savepoint, so what one test changes is undone before the next."""
    files = tmp_path_factory.mktemp("matrix")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=files / "media", CHARTE_ARCHIVE_DIR=files / "archives"),
        transaction.atomic(),
    ):
        world = World.build()
        for person in world.people.values():
            _clients[person.pk] = client_for(person)
        yield world
        _clients.clear()
        transaction.set_rollback(True)


_clients: dict[int, Client] = {}


def client_of(person: User | None) -> Client:
    """A visitor's client, or the person's, signed in once for the whole module."""
    return Client() if person is None else _clients[person.pk]


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    events: list[str]  # what the journal recorded while answering


def answer(person: User | None, method: str, url: str, data: dict[str, Any] | None = None) -> Reply:
    """One request, in a savepoint undone at once: what one role does is not seen by the next."""
    client = client_of(person)
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        last = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if method == "get":
            response = client.get(url)
        elif method == "json":
            response = client.post(url, data or {}, content_type="application/json")
        else:
            response = client.post(url, data or {})
        recorded = JournalEntry.objects.filter(pk__gt=last).values_list("event", flat=True)
        journalled = list(recorded)
        transaction.set_rollback(True)
    client.cookies = cookies
    content = b"" if response.streaming else response.content
    return Reply(response.status_code, content.decode(errors="replace"), journalled)


def ask(person: User | None, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    return answer(person, method, url, data).status
