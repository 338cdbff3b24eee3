"""The DPO's workbench: requests received by mail or phone, identity, decisions, deadlines."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from charte.subject_requests import actions, tasks
from charte.subject_requests.models import Channel, Kind, Relation, Status, SubjectRequest
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.subject_requests.helpers import online, staff_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("subject_requests:queue")


def by_phone(person, actor, kind=Kind.ACCESS, **more):
    return actions.open_request(
        person=person, kind=kind, actor=actor, channel=Channel.PHONE, **more
    )


def test_only_the_dpo_and_customer_service_see_the_workbench(
    dpo_elise, cs_farid, guardian_anna, it_jules
):
    assert client_for(dpo_elise).get(QUEUE).status_code == 200
    assert client_for(cs_farid).get(QUEUE).status_code == 200
    assert client_for(guardian_anna).get(QUEUE).status_code == 404
    assert client_for(it_jules).get(QUEUE).status_code == 404
    menu = client_for(dpo_elise).get("/").content.decode()
    assert QUEUE in menu
    assert reverse("subject_requests:overdue") in menu


def test_a_request_received_by_phone_waits_for_a_recorded_identity_check(
    cs_farid, dpo_elise, guardian_anna, django_capture_on_commit_callbacks
):
    client = client_for(cs_farid)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("subject_requests:staff_new"),
            {
                "login": "anna@famille.test",
                "kind": "restriction",
                "channel": "phone",
                "relation": "self",
                "details": "Conteste son adresse",
            },
        )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert (request.status, request.opened_by, request.requester) == (
        Status.AWAITING_IDENTITY,
        cs_farid,
        guardian_anna,
    )

    # Nothing is done before the identity is established.
    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.status == Status.AWAITING_IDENTITY

    empty = client.post(
        staff_url(request),
        {"action": "identity", "method": "phone_callback", "evidence": "", "verified": "1"},
    )
    assert empty.status_code == 200
    client.post(
        staff_url(request),
        {
            "action": "identity",
            "method": "phone_callback",
            "evidence": "Rappelée au numéro du compte",
            "verified": "1",
        },
    )
    request.refresh_from_db()
    check = request.identity_checks.get()
    assert request.status == Status.IN_REVIEW
    assert (check.method, check.checked_by) == ("phone_callback", cs_farid)
    assert journal("subject_request.identity_verified")[0].data == {
        "request": str(request.public_id),
        "kind": "restriction",
        "method": "phone_callback",
    }

    # Customer service cannot decide; the DPO can.
    client.post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    assert request.status == Status.COMPLETED


def test_a_refusal_names_its_legal_ground_and_tells_the_person_about_the_cnil(
    dpo_elise, guardian_anna, django_capture_on_commit_callbacks
):
    request = online(guardian_anna, Kind.ERASURE)
    client = client_for(dpo_elise)

    client.post(
        staff_url(request), {"action": "decide", "decision": "refused", "ground": "", "note": ""}
    )
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            staff_url(request),
            {
                "action": "decide",
                "decision": "refused",
                "ground": "art17_3_e_claims",
                "note": "Un litige est en cours.",
            },
        )

    request.refresh_from_db()
    assert (request.status, request.ground, request.decided_by) == (
        Status.REFUSED,
        "art17_3_e_claims",
        dpo_elise,
    )
    [email] = mail.outbox
    assert "17.3.e" in email.body
    assert "CNIL" in email.body
    assert "Un litige est en cours." in email.body
    assert journal("subject_request.decided")[0].data["ground"] == "art17_3_e_claims"


def test_an_extension_needs_a_reason_stays_within_three_months_and_is_notified(
    dpo_elise, guardian_anna, django_capture_on_commit_callbacks
):
    received = datetime(2025, 1, 31, 10, tzinfo=ZoneInfo("Europe/Paris"))
    request = online(guardian_anna, Kind.ACCESS, received_at=received)
    assert request.due_on == date(2025, 2, 28)

    with pytest.raises(actions.ActionError):
        actions.extend(
            request=request,
            actor=dpo_elise,
            until=date(2025, 5, 1),
            reason="x",
            today=date(2025, 2, 10),
        )
    with pytest.raises(actions.ActionError):  # too late: the first month is over
        actions.extend(
            request=request,
            actor=dpo_elise,
            until=date(2025, 4, 30),
            reason="x",
            today=date(2025, 3, 1),
        )
    with pytest.raises(actions.ActionError):
        actions.extend(
            request=request,
            actor=dpo_elise,
            until=date(2025, 4, 30),
            reason=" ",
            today=date(2025, 2, 10),
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.extend(
            request=request,
            actor=dpo_elise,
            until=date(2025, 4, 30),
            reason="Beaucoup de demandes ce mois-ci",
            today=date(2025, 2, 10),
        )

    request.refresh_from_db()
    assert request.deadline == date(2025, 4, 30)
    [email] = mail.outbox
    assert "Beaucoup de demandes ce mois-ci" in email.body
    assert "30 avril 2025" in email.body
    assert journal("subject_request.extended")[0].data["until"] == "2025-04-30"


def test_the_overdue_view_and_the_reminders(
    dpo_elise, cs_farid, guardian_anna, django_capture_on_commit_callbacks
):
    old = online(guardian_anna, Kind.ACCESS, received_at=timezone.now() - timedelta(days=40))
    soon = online(make_user(), Kind.ERASURE, received_at=timezone.now() - timedelta(days=26))
    fresh = online(make_user(), Kind.RESTRICTION)

    overdue = client_for(dpo_elise).get(reverse("subject_requests:overdue")).content.decode()
    assert old.reference in overdue
    assert soon.reference not in overdue

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.call() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders.call() == 0  # once per stage

    assert {m.to[0] for m in mail.outbox} == {"elise@charte.test"}
    assert any("en retard" in m.subject for m in mail.outbox)
    # The reminders name requests by reference, never the person.
    assert not any("Anna" in m.body for m in mail.outbox)
    fresh.refresh_from_db()
    assert fresh.reminded_stage == 0


def test_the_queue_filters_sorts_pages_and_exports_without_names(dpo_elise, guardian_anna):
    people = [make_user() for _ in range(30)]
    for person in people:
        online(person, Kind.ACCESS)
    online(guardian_anna, Kind.ERASURE)
    client = client_for(dpo_elise)

    first = client.get(QUEUE)
    second = client.get(QUEUE, {"page": 2})
    erasures = client.get(QUEUE, {"kind": "erasure"})
    export = client.get(reverse("subject_requests:export"), {"kind": "erasure"})

    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 6
    assert [r.kind for r in erasures.context["page"]] == ["erasure"]
    csv_text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert csv_text.count("\n") == 2
    assert "erasure" in csv_text
    assert "Anna" not in csv_text
    assert "anna@" not in csv_text
    assert journal("subject_request.queue_exported")[0].data["rows"] == 1


def test_bulk_actions_assign_and_approve(dpo_elise, cs_farid, django_capture_on_commit_callbacks):
    requests = [online(make_user(), Kind.RESTRICTION) for _ in range(3)]
    waiting = by_phone(make_user(), cs_farid, Kind.RESTRICTION)
    ids = [str(r.public_id) for r in [*requests, waiting]]

    client_for(cs_farid).post(QUEUE, {"action": "assign", "ids": ids})
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(QUEUE, {"action": "approve", "ids": ids})

    assert set(SubjectRequest.objects.values_list("assignee", flat=True)) == {cs_farid.pk}
    statuses = dict(SubjectRequest.objects.values_list("public_id", "status"))
    assert [statuses[r.public_id] for r in requests] == [Status.COMPLETED] * 3
    assert statuses[waiting.public_id] == Status.AWAITING_IDENTITY


def test_the_detail_page_shows_the_timeline_from_the_journal(dpo_elise, guardian_anna):
    request = online(guardian_anna, Kind.ACCESS)
    actions.add_note(request=request, actor=dpo_elise, text="Appelée ce matin")

    page = client_for(dpo_elise).get(staff_url(request)).content.decode()

    assert "subject_request.opened" in page
    assert "subject_request.note_added" in page
    assert "Appelée ce matin" in page


def test_rectification_by_staff_changes_the_field_and_records_it(
    cs_farid, dpo_elise, child_ben, family
):
    anna, ben = family
    request = online(ben, Kind.RECTIFICATION, by=anna, details="Appelé Benjamin, pas Ben")

    client_for(cs_farid).post(
        staff_url(request), {"action": "rectify", "field": "first_name", "value": "Benjamin"}
    )

    ben.refresh_from_db()
    assert ben.first_name == "Benjamin"
    [entry] = journal("subject_request.rectified")
    assert entry.data["fields"] == ["first_name"]
    assert "Benjamin" not in str(entry.data)


def test_a_childs_birth_date_is_rectified_by_the_dpo_not_customer_service(
    cs_farid, dpo_elise, child_ben, family
):
    anna, ben = family
    born = ben.birth_date
    request = online(ben, Kind.RECTIFICATION, by=anna, details="Né le 14 mars, pas le 1er janvier")
    correction = {"action": "rectify", "field": "birth_date", "value": f"{born.year}-03-14"}

    client_for(cs_farid).post(staff_url(request), correction)
    ben.refresh_from_db()
    assert ben.birth_date == born
    assert journal("account.guardian_fields_changed") == []

    client_for(dpo_elise).post(staff_url(request), correction)
    ben.refresh_from_db()
    assert ben.birth_date == date(born.year, 3, 14)
    [entry] = journal("account.guardian_fields_changed")
    assert entry.data["fields"] == ["birth_date"]
    assert entry.data["request"] == str(request.public_id)
    assert str(born.year) not in str({k: v for k, v in entry.data.items() if k != "request"})


def test_staff_cannot_open_a_request_for_a_child_in_a_strangers_name(cs_farid, child_ben):
    stranger = make_user()
    with pytest.raises(actions.ActionError):
        by_phone(child_ben, cs_farid, requester=stranger, relation=Relation.GUARDIAN)


def test_the_dpo_opening_a_request_is_journalled_as_a_read_of_the_person(dpo_elise, guardian_anna):
    request = online(guardian_anna, Kind.ACCESS)

    response = client_for(dpo_elise).get(staff_url(request))

    assert response.status_code == 200
    [entry] = journal("read.subject_request")
    assert entry.actor_ref == f"user:{dpo_elise.public_id}"
    assert entry.subject_ref == f"user:{guardian_anna.public_id}"
    assert entry.data == {"subject_request": str(request.public_id)}


def test_when_the_staff_member_who_handled_a_request_is_erased_the_proof_keeps_their_role(
    cs_farid, dpo_elise, guardian_anna
):
    from charte.accounts.models import User
    from charte.core.actors import SEED
    from charte.privacy import erasure

    request = by_phone(guardian_anna, cs_farid, kind=Kind.RESTRICTION, details="Adresse")
    client_for(cs_farid).post(
        staff_url(request),
        {
            "action": "identity",
            "method": "phone_callback",
            "evidence": "Rappelée au numéro du compte",
            "verified": "1",
        },
    )
    request.refresh_from_db()
    check = request.identity_checks.get()
    assert check.checked_by_role == "customer_service"
    assert erasure.can_delete_raw(User)  # one plain DELETE: the references are detached first

    erasure.erase(people=[cs_farid], actor=SEED, reason="request")

    assert not User.objects.filter(pk=cs_farid.pk).exists()
    check.refresh_from_db()
    request.refresh_from_db()
    assert (check.checked_by, check.checked_by_role, check.verified) == (
        None,
        "customer_service",
        True,
    )
    assert request.opened_by is None
    page = client_for(dpo_elise).get(staff_url(request)).content.decode()
    assert "Service client" in page
    assert journal("privacy.erased")[0].data["deleted"]["accounts.User"] == 1
