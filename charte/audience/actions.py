"""Recording a page view, and taking out the data of those who object."""

import ipaddress
import uuid

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.audience.models import PageView
from charte.cookies import queries as cookies
from charte.cookies.models import ConsentRecord
from charte.core.actors import Actor
from charte.core.errors import ActionError
from charte.core.net import client_address
from charte.privacy import processing

CATEGORY = "audience"
MAX_LOAD_MS = 10 * 60 * 1000


class Refused(ActionError):
    pass


def truncated(address: str | None) -> str:
    """The address without its last part: the last octet (IPv4), the last 80 bits (IPv6)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)


def consent_proof(request: HttpRequest) -> ConsentRecord:
    """The recorded choice that allows measuring this browser, or `Refused`."""
    if cookies.gpc_sent(request):
        raise Refused(_("Le navigateur demande de ne pas être suivi (GPC)."), code="gpc")
    consent = cookies.consent_of(request)
    if not consent.allows(CATEGORY) or consent.record_id is None:
        raise Refused(_("Pas de consentement à la mesure d'audience."), code="no_consent")
    record = (
        ConsentRecord.objects.filter(
            public_id=consent.record_id, consent_id=consent.consent_id
        ).first()
        if consent.consent_id is not None
        else None
    )
    if record is None or CATEGORY not in record.categories:
        raise Refused(_("Aucune preuve de ce consentement."), code="no_proof")
    return record


@transaction.atomic
def record_page_view(
    *, request: HttpRequest, visitor: str, path: str, load_ms: object
) -> PageView | None:
    """Keep one page view; None when the signed-in person's data may not be used for it."""
    record = consent_proof(request)
    try:
        visitor_id = uuid.UUID(str(visitor))
    except ValueError as exc:
        raise ActionError(_("Numéro de visiteur invalide."), code="invalid") from exc
    if not isinstance(path, str) or not path.startswith("/") or len(path) > 200:
        raise ActionError(_("Page invalide."), code="invalid")
    if "\x00" in path:
        raise ActionError(_("Page invalide."), code="invalid")
    load = load_ms if isinstance(load_ms, int) and 0 <= load_ms <= MAX_LOAD_MS else None
    signed_in = getattr(request, "user", None)
    user = signed_in if isinstance(signed_in, User) else None
    if user is not None and not processing.allowed(user, "improvement"):
        return None
    return PageView.objects.create(
        visitor=visitor_id,
        user=user,
        consent_record=record.public_id,
        path=path.split("?")[0].split("#")[0],
        load_ms=load,
        address=truncated(client_address(request)),
    )


@transaction.atomic
def remove_person(*, person: User, actor: Actor) -> int:
    """Take the person's page views out (an objection to improvement, a restriction)."""
    deleted, _ = PageView.objects.filter(user=person).delete()
    if deleted:
        audit.record(
            event="audience.removed", actor=actor, subject=person, data={"page_views": deleted}
        )
    return deleted


def standing_changed(person_id: int, actor: Actor) -> None:
    """`processing.changed` listener: an objection to improvement or a restriction removes the
    person's page views at once."""
    person = User.objects.filter(pk=person_id).first()
    if person is not None and not processing.allowed(person, "improvement"):
        remove_person(person=person, actor=actor)


def apply_objections(*, actor: Actor, batch_size: int = 1000) -> int:
    """Remove the page views of everyone whose data may no longer serve `improvement`."""
    removed = 0
    last = 0
    while True:
        people = list(
            User.objects.filter(pk__gt=last, pk__in=PageView.objects.values("user_id")).order_by(
                "pk"
            )[:batch_size]
        )
        if not people:
            return removed
        for person in people:
            if not processing.allowed(person, "improvement"):
                removed += remove_person(person=person, actor=actor)
        last = people[-1].pk
