"""The one door out: every sharing of personal data goes through `share_with`.

Design: a sharing is refused, with the reason said in plain words, when the register does not
let this recipient receive these categories for this purpose, when a transfer outside the
EU/EEA has no safeguard, when the recipient needs the person's express consent and does not have
it (and never for a child too young to consent), or when the person's processing is restricted
or objected to for that purpose. An accepted sharing writes a disclosure record, which the
person sees in their privacy centre and access archive, and a journal entry. The refusal is
journalled too, in the caller's transaction.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import User
from charte.core.actors import Actor, actor_ref
from charte.core.errors import ActionError
from charte.privacy import processing, register
from charte.privacy.register import Category, RecipientKind
from charte.recipients.models import AuthorityRequest, Disclosure

# Kinds of recipient that never receive a child's data, whatever anyone consented to.
NEVER_A_CHILD = frozenset(
    {
        RecipientKind.PARTNER,
        RecipientKind.SOCIAL_NETWORK,
        RecipientKind.JOB_APPLICATION_PARTNER,
    }
)


class SharingRefused(ActionError):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


def refusal(
    *, recipient: register.Recipient, person: User, categories: list[Category], purpose: str
) -> SharingRefused | None:
    """Why this sharing may not happen, or None when it may."""
    if purpose not in recipient.purposes:
        return SharingRefused(
            _("%(recipient)s ne reçoit pas de données pour « %(purpose)s ».")
            % {"recipient": recipient.name, "purpose": register.PURPOSE_BY_CODE[purpose].name},
            code="purpose_not_allowed",
        )
    extra = [c for c in categories if c not in recipient.categories]
    if extra:
        return SharingRefused(
            _("%(recipient)s ne peut pas recevoir : %(categories)s.")
            % {"recipient": recipient.name, "categories": " ; ".join(str(c.label) for c in extra)},
            code="category_not_allowed",
        )
    if recipient.outside_eea and recipient.safeguard is None:
        return SharingRefused(
            _(
                "%(recipient)s est situé hors de l'Union européenne sans garantie (adéquation, clauses types ou règles d'entreprise) : rien ne lui est transmis."
            )
            % {"recipient": recipient.name},
            code="no_safeguard",
        )
    if recipient.kind in NEVER_A_CHILD and person.needs_guardian(timezone.localdate()):
        return SharingRefused(
            _("Les données d'un enfant ne sont jamais transmises à %(recipient)s.")
            % {"recipient": recipient.name},
            code="child",
        )
    if recipient.consent_purpose and not processing.consent_given(
        person, recipient.consent_purpose
    ):
        return SharingRefused(
            _(
                "%(recipient)s ne reçoit des données qu'avec le consentement exprès de la personne, qui ne l'a pas donné."
            )
            % {"recipient": recipient.name},
            code="no_consent",
        )
    if not processing.allowed(person, purpose):
        return SharingRefused(
            _(
                "Le traitement des données de cette personne pour « %(purpose)s » est limité ou elle s'y est opposée."
            )
            % {"purpose": register.PURPOSE_BY_CODE[purpose].name},
            code="restricted",
        )
    return None


def share_with(
    *,
    recipient: str,
    person: User,
    categories: Iterable[Category],
    purpose: str,
    actor: Actor,
    legal_basis: str = "",
    reference: str = "",
) -> Disclosure:
    """Check, record and allow one sharing of `person`'s data; raise `SharingRefused` otherwise.

    The refusal's journal entry is written in the caller's transaction: a caller that rolls
    back on the exception rolls it back too.
    """
    try:
        target = register.RECIPIENT_BY_CODE[recipient]
    except KeyError:
        raise ActionError(
            _("Destinataire inconnu du registre : %(code)s.") % {"code": recipient}
        ) from None
    if purpose not in register.PURPOSE_BY_CODE:
        raise ActionError(_("Finalité inconnue du registre : %(code)s.") % {"code": purpose})
    categories = sorted(set(categories))
    refused = refusal(recipient=target, person=person, categories=categories, purpose=purpose)
    if refused is not None:
        audit.record(
            event="recipients.refused",
            actor=actor,
            subject=person,
            data={"recipient": recipient, "purpose": purpose, "reason": refused.code},
        )
        raise refused
    with transaction.atomic():
        return _record(
            recipient=recipient,
            person=person,
            categories=categories,
            purpose=purpose,
            actor=actor,
            legal_basis=legal_basis,
            reference=reference,
        )


def _record(
    *,
    recipient: str,
    person: User,
    categories: list[Category],
    purpose: str,
    actor: Actor,
    legal_basis: str,
    reference: str,
) -> Disclosure:
    disclosure = Disclosure.objects.create(
        person=person,
        recipient=recipient,
        purpose=purpose,
        categories=[c.value for c in categories],
        decided_by=actor_ref(actor),
        legal_basis=legal_basis,
        reference=reference,
    )
    audit.record(
        event="recipients.shared",
        actor=actor,
        subject=person,
        data={
            "recipient": recipient,
            "purpose": purpose,
            "categories": [c.value for c in categories],
            "disclosure": str(disclosure.public_id),
        },
    )
    return disclosure


@transaction.atomic
def record_authority_request(
    *,
    authority: str,
    legal_basis: str,
    reference: str,
    received_on: date,
    person: User,
    categories: Iterable[Category],
    actor: User,
) -> AuthorityRequest:
    """The DPO records an authority's request and, with it, what is disclosed and why."""
    if not legal_basis.strip():
        raise ActionError(
            _("Indiquez le texte de loi ou la décision qui oblige à transmettre ces données.")
        )
    disclosure = share_with(
        recipient="public_authority",
        person=person,
        categories=categories,
        purpose="authority_requests",
        actor=actor,
        legal_basis=f"{authority} : {legal_basis}"[:300],
        reference=reference,
    )
    request = AuthorityRequest.objects.create(
        authority=authority,
        legal_basis=legal_basis,
        reference=reference,
        received_on=received_on,
        person=person,
        categories=disclosure.categories,
        recorded_by=actor,
        disclosure=disclosure,
    )
    audit.record(
        event="recipients.authority_request",
        actor=actor,
        subject=person,
        data={"request": str(request.public_id), "disclosure": str(disclosure.public_id)},
    )
    return request
