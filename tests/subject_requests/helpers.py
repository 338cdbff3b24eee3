from django.urls import reverse
from django.utils import timezone

from charte.subject_requests import actions
from charte.subject_requests.models import Channel, Relation


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
