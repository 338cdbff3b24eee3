"""After a death (loi Informatique et Libertés, art. 85): the trusted person, or the heirs."""

import pytest
from django.urls import reverse

from charte.subject_requests import actions
from charte.subject_requests.models import Channel, Death, Directive, Kind, Relation, Status
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.subject_requests.helpers import staff_url

pytestmark = pytest.mark.django_db


def notice(person, cs, dpo, requester=None, relation=Relation.HEIR):
    request = actions.open_request(
        person=person,
        kind=Kind.DEATH_NOTICE,
        actor=cs,
        channel=Channel.POST,
        requester=requester,
        relation=relation,
    )
    actions.verify_identity(
        request=request,
        actor=cs,
        method="death_certificate",
        evidence="Acte de décès n° 12 reçu par courrier",
    )
    request.refresh_from_db()
    actions.decide(request=request, actor=dpo, decision="approved")
    return request


def test_a_person_names_a_trusted_person_and_their_wishes(guardian_anna):
    client_for(guardian_anna).post(
        reverse("subject_requests:directives"),
        {
            "trusted_name": "Paul Martin",
            "trusted_email": "paul@famille.test",
            "wish": "communicate",
        },
    )

    directive = Directive.objects.get()
    assert (directive.person, directive.wish) == (guardian_anna, "communicate")
    assert journal("subject_request.directive_recorded")[0].data["wish"] == "communicate"
    assert "Paul" not in str(journal("subject_request.directive_recorded")[0].data)


def test_the_trusted_person_acts_as_the_directive_says(guardian_anna, cs_farid, dpo_elise):
    paul = make_user(first_name="Paul")
    actions.record_directive(
        person=guardian_anna,
        actor=guardian_anna,
        trusted_name="Paul Martin",
        trusted_email="paul@famille.test",
        wish="communicate",
    )

    with pytest.raises(actions.ActionError):  # nothing before the death is verified
        actions.open_request(
            person=guardian_anna,
            kind=Kind.ACCESS,
            actor=cs_farid,
            channel=Channel.EMAIL,
            requester=paul,
            relation=Relation.TRUSTED_PERSON,
        )
    notice(guardian_anna, cs_farid, dpo_elise, requester=paul, relation=Relation.TRUSTED_PERSON)
    guardian_anna.refresh_from_db()
    assert Death.objects.filter(person=guardian_anna).exists()
    assert not guardian_anna.is_active

    with pytest.raises(actions.ActionError):  # the wish is "communicate", not "delete"
        actions.open_request(
            person=guardian_anna,
            kind=Kind.ERASURE,
            actor=cs_farid,
            channel=Channel.EMAIL,
            requester=paul,
            relation=Relation.TRUSTED_PERSON,
        )
    with pytest.raises(actions.ActionError):  # a directive exists: heirs do not act
        actions.open_request(
            person=guardian_anna,
            kind=Kind.ACCESS,
            actor=cs_farid,
            channel=Channel.EMAIL,
            requester=make_user(),
            relation=Relation.HEIR,
        )
    access = actions.open_request(
        person=guardian_anna,
        kind=Kind.ACCESS,
        actor=cs_farid,
        channel=Channel.EMAIL,
        requester=paul,
        relation=Relation.TRUSTED_PERSON,
    )
    assert access.status == Status.AWAITING_IDENTITY
    with pytest.raises(actions.ActionError):  # standing is checked on the death certificate
        actions.verify_identity(
            request=access, actor=cs_farid, method="phone_callback", evidence="x"
        )


def test_without_a_directive_heirs_get_access_and_close_the_account(
    guardian_anna, cs_farid, dpo_elise, django_capture_on_commit_callbacks
):
    heir = make_user(first_name="Héritier")
    notice(guardian_anna, cs_farid, dpo_elise, requester=heir)

    with pytest.raises(actions.ActionError):
        actions.open_request(
            person=guardian_anna,
            kind=Kind.PORTABILITY,
            actor=cs_farid,
            channel=Channel.POST,
            requester=heir,
            relation=Relation.HEIR,
        )
    access = actions.open_request(
        person=guardian_anna,
        kind=Kind.ACCESS,
        actor=cs_farid,
        channel=Channel.POST,
        requester=heir,
        relation=Relation.HEIR,
    )
    actions.verify_identity(
        request=access, actor=cs_farid, method="death_certificate", evidence="Acte de notoriété"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(access), {"action": "decide", "decision": "approved"})

    access.refresh_from_db()
    detail = client_for(heir).get(reverse("subject_requests:detail", args=[access.public_id]))
    assert access.status == Status.COMPLETED
    assert detail.context["download_url"]
