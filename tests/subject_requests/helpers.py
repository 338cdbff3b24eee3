import re

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from charte.subject_requests import actions
from charte.subject_requests.models import Channel, Relation, Status
from tests.conftest import client_for


def new_url(person, kind):
    return reverse("subject_requests:new", args=[person.public_id, kind])


def staff_url(req):
    return reverse("subject_requests:staff_detail", args=[req.public_id])


def online(person, kind, *, by=None, **more):
    """A request made online, freshly re-authenticated, by the person or their guardian."""
    by = by or person
    return actions.open_request(
        person=person,
        kind=kind,
        actor=by,
        channel=Channel.ONLINE,
        requester=by,
        relation=Relation.SELF if by == person else Relation.GUARDIAN,
        reauthenticated_at=timezone.now(),
        **more,
    )


# After a death: the public form, and what reaches the claimant ------------------------------

PDF = b"%PDF-1.4\n% acte\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_online(client, *, relation, name, email, asks, login="anna@famille.test", **more):
    data = {
        "relation": relation,
        "name": name,
        "email": email,
        "login": login,
        "last_name": "MARTIN",
        "asks": asks,
        "death_certificate": pdf("acte-de-deces.pdf"),
        "quality_proof": pdf("justificatif.pdf"),
        "details": "",
        **more,
    }
    return client.post(reverse("subject_requests:claim"), data)


def to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def link_in(message) -> str:
    found = re.search(r"https?://\S+/droits/apres-un-deces/archive/\S+/", message.body)
    assert found is not None
    return found.group(0)


def code_in(message) -> str:
    found = re.search(r"^\s+(\d{8})$", message.body, re.MULTILINE)
    assert found is not None
    return found.group(1)


def verify_and_approve(staff, dpo, request):
    staff_client, dpo_client = client_for(staff), client_for(dpo)
    staff_client.post(
        staff_url(request),
        {
            "action": "identity",
            "method": "death_certificate",
            "evidence": "Acte de décès et justificatif reçus en ligne, vérifiés auprès de la mairie",
            "verified": "1",
        },
    )
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW, [
        m.message for m in staff_client.get(staff_url(request)).context["messages"]
    ]
    dpo_client.post(staff_url(request), {"action": "decide", "decision": "approved"})
    request.refresh_from_db()
    return request
