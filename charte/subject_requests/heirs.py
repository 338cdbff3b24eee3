"""After a death: the heirs and the trusted person act online, and are answered at their own
address (loi Informatique et Libertés, art. 85; charter X5).

Design:
- An heir or the trusted person files online, without an account (`file_claim`): who they
  are, the address to answer them at, the deceased's account (its sign-in address or
  identifier, and last name), what they ask (access for the estate, closing the account) and
  two documents (the death certificate, the proof of their quality), checked like every
  upload and counted in the deceased's quota. Each thing asked is a request of its own that
  points at the claim, with a death notice first while no death is recorded. The page answers
  alike whether the account exists: a claim that names no account is kept with no person, for
  the DPO to refuse, so that the form tells nobody who has an account.
- Nothing irreversible before the DPO: staff check the documents (`verify_identity`, the
  death-certificate method, which for a claim also checks the standing: the trusted person is
  the one the directive names, at that very address), the death is recorded only when the DPO
  approves the notice, and an heir's request is executed only after that.
- Someone may declare a living person dead. We do not write to the account: a deceased's
  mailbox is often read by the very people filing, and once the death is real, nothing may go
  there. Instead the DPO sees, on the request, whether the account was used after the notice
  was filed (`signs_of_life`), and checks the certificate with the town hall that issued it.
  Recording a death only closes the account (sign-in refused, sessions ended, messages
  stopped): a person wrongly declared dead writes to the DPO, and nothing was erased.
- Every message about a claim's requests goes to the claimant's address (`tell`), and one
  about a request an heir with an account made, to that account; never to the deceased, whom
  `charte.notifications` refuses as a recipient once the death is recorded.
- The archive reaches them through an `ArchiveKey`: a link sent to their address, and, when
  the link is opened, a code sent to the same address; single use, burnt by five wrong codes,
  and gone with the archive (the same 7 days as every archive).
"""

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.actions import normalise_email
from charte.accounts.models import User
from charte.audit.journal import RequestMeta
from charte.core import quota, ratelimit
from charte.core.actors import ANONYMOUS, Actor
from charte.core.errors import ActionError
from charte.resources.uploads import CheckedFile
from charte.retention import actions as retention
from charte.retention.models import LegalHold
from charte.subject_requests import deadlines, queries, storage
from charte.subject_requests.models import (
    ArchiveKey,
    Channel,
    Claim,
    Directive,
    Kind,
    Proof,
    Relation,
    Status,
    SubjectRequest,
)

AFTER_DEATH = frozenset({Relation.HEIR, Relation.TRUSTED_PERSON})
# What a claim may ask, besides the death notice it implies.
CLAIM_KINDS = (Kind.ACCESS, Kind.ERASURE)
CODE_LIFETIME = timedelta(minutes=15)
# The public form stores two documents and sends an email: a few a day from one address, and
# to one claimant's address, is plenty for a family; the code, a few an hour for one link.
CLAIM_LIMIT = ratelimit.Limit("heir_claim", per_address="5/h", per_target="5/d")
CODE_LIMIT = ratelimit.Limit("heir_code", per_address="10/h", per_target="3/h")
# The messages to a claimant, by the message a request's own person would have received.
CLAIM_KIND = {
    "subject_requests.received": "subject_requests.claim_received",
    "subject_requests.extended": "subject_requests.claim_update",
    "subject_requests.erasure_accepted": "subject_requests.claim_update",
    "subject_requests.answered": "subject_requests.claim_answered",
}


def register_kinds() -> None:
    from django.utils.translation import gettext_lazy

    from charte.notifications import kinds

    kinds.register(
        *(
            kinds.Kind(
                code=f"subject_requests.claim_{name}",
                label=label,
                template=f"subject_requests/email/claim_{name}",
                essential=True,
                example=_example_context(),
            )
            for name, label in (
                ("received", gettext_lazy("Accusé de réception d'une démarche après un décès")),
                ("update", gettext_lazy("Nouvelles d'une démarche après un décès")),
                ("answered", gettext_lazy("Réponse à une démarche après un décès")),
                ("code", gettext_lazy("Code qui ouvre une archive après un décès")),
            )
        )
    )


def _example_context() -> dict[str, Any]:
    import uuid
    from datetime import date

    example = SubjectRequest(
        public_id=uuid.UUID("00000000-0000-4000-8000-000000000002"),
        kind=Kind.ACCESS,
        status=Status.COMPLETED,
        relation=Relation.HEIR,
        channel=Channel.PUBLIC_FORM,
        received_at=timezone.now(),
        due_on=date(2026, 1, 31),
        extended_to=date(2026, 3, 31),
    )
    return {
        "request": example,
        "requests": [example],
        "claimant": "Paul Martin",
        "archive_url": "https://charte.example/droits/apres-un-deces/archive/exemple/",
        "code": "12345678",
        "minutes": 15,
    }


def _fold(text: str) -> str:
    """A name as compared: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def find_deceased(*, login: str, last_name: str) -> User | None:
    """The account a claim names: its sign-in address or identifier, and the same last name."""
    person = User.objects.by_login(login).filter(is_staff=False).first() if login.strip() else None
    if person is None or not _fold(last_name) or _fold(person.last_name) != _fold(last_name):
        return None
    return person


def _data(request: SubjectRequest, **more: Any) -> dict[str, Any]:
    return {"request": str(request.public_id), "kind": request.kind, **more}


@transaction.atomic
def file_claim(
    *,
    name: str,
    email: str,
    language: str,
    relation: str,
    login: str,
    last_name: str,
    asks: Sequence[str],
    death_certificate: CheckedFile,
    quality_proof: CheckedFile,
    details: str = "",
    actor: Actor = ANONYMOUS,
    meta: RequestMeta | None = None,
) -> Claim:
    """Record what an heir or the trusted person files online; nothing is done before staff
    have checked the documents and the DPO has decided."""
    from charte.subject_requests.actions.common import identity_digest

    if relation not in AFTER_DEATH:
        raise ActionError(_("Dites si vous êtes héritier ou la personne de confiance désignée."))
    if not set(asks) <= set(CLAIM_KINDS):
        raise ActionError(_("Les proches peuvent demander l'accès et la fermeture du compte."))
    address = normalise_email(email) or ""
    if not name.strip() or not address:
        raise ActionError(_("Donnez votre nom et l'adresse e-mail où vous répondre."))
    person = find_deceased(login=login, last_name=last_name)
    claim = Claim.objects.create(
        person=person,
        relation=relation,
        name=name.strip()[:160],
        email=address,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
    )
    files = [(Proof.Type.DEATH_CERTIFICATE, death_certificate), (Proof.Type.QUALITY, quality_proof)]
    if person is not None:
        quota.make_room(person=person, adding=sum(f.size for _type, f in files))
    for type_, checked in files:
        Proof.objects.create(
            claim=claim,
            type=type_,
            file=checked.upload,
            file_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )
    wanted = [Kind.DEATH_NOTICE, *[k for k in CLAIM_KINDS if k in asks]]
    if person is not None and (
        queries.death_of(person) is not None
        or SubjectRequest.objects.open().filter(person=person, kind=Kind.DEATH_NOTICE).exists()
    ):
        wanted.remove(Kind.DEATH_NOTICE)  # recorded, or another relative's notice is on file
    received_at = timezone.now()
    requests = []
    for kind in wanted:
        request = SubjectRequest.objects.create(
            kind=kind,
            person=person,
            relation=relation,
            channel=Channel.PUBLIC_FORM,
            details=details.strip(),
            received_at=received_at,
            due_on=deadlines.due_on(received_at),
            identity_digest=identity_digest(person) if person is not None else "",
            claim=claim,
        )
        audit.record(
            event="subject_request.opened",
            actor=actor,
            subject=person,
            data=_data(request, channel=Channel.PUBLIC_FORM, relation=relation, purposes=[]),
            meta=meta,
        )
        if person is not None:
            retention.place_hold(
                actor=actor,
                person=person,
                reason=LegalHold.Reason.PENDING_REQUEST,
                reference=str(request.public_id),
            )
        requests.append(request)
    audit.record(
        event="subject_request.claim_filed",
        actor=actor,
        subject=person,
        data={
            "claim": str(claim.public_id),
            "relation": relation,
            "requests": [str(r.public_id) for r in requests],
            "matched": person is not None,
        },
        meta=meta,
    )
    transaction.on_commit(partial(_acknowledge, claim.pk, actor))
    return claim


def _acknowledge(claim_pk: int, actor: Actor) -> None:
    from charte.notifications.actions import notify_address

    claim = Claim.objects.filter(pk=claim_pk).first()
    if claim is None:
        return
    requests = list(claim.requests.order_by("pk"))
    notify_address(
        kind="subject_requests.claim_received",
        email=claim.email,
        language=claim.language,
        actor=actor,
        context={
            "claimant": claim.name,
            "requests": requests,
            "request": requests[0] if requests else None,
        },
    )


def check_standing(request: SubjectRequest) -> None:
    """For a claim, before staff record its documents as checked: the person exists, and the
    trusted person is the one the directive names, at the address it gives."""
    claim = request.claim
    if claim is None:
        return
    if request.person is None:
        raise ActionError(
            _("Aucun compte ne correspond à cette déclaration : refusez-la, en l'expliquant.")
        )
    if request.person.email and normalise_email(request.person.email) == claim.email:
        # No one acts for themself after their death; and nothing may go to the deceased's
        # address, so this claimant could never be answered.
        raise ActionError(
            _(
                "Le déclarant écrit depuis l'adresse même du compte déclaré : personne n'agit "
                "pour soi-même après son décès. Refusez la déclaration, en l'expliquant."
            )
        )
    if request.relation == Relation.TRUSTED_PERSON:
        directive = queries.directive_of(request.person)
        if directive is None or normalise_email(directive.trusted_email) != claim.email:
            raise ActionError(
                _(
                    "L'adresse du déclarant n'est pas celle de la personne de confiance que le "
                    "défunt a désignée : il ne peut agir à ce titre."
                )
            )


def signs_of_life(request: SubjectRequest) -> bool:
    """Whether the account was used after a death was notified: the notice may be false."""
    person = request.person
    if person is None or request.kind != Kind.DEATH_NOTICE:
        return False
    used = [t for t in (person.last_login, person.last_seen_at) if t is not None]
    return any(t > request.received_at for t in used)


def directive_matches(request: SubjectRequest) -> bool | None:
    """For the DPO: does the claimant's address match the trusted person the directive names?"""
    if request.claim is None or request.person is None:
        return None
    directive = queries.directive_of(request.person)
    if directive is None:
        return None
    return normalise_email(directive.trusted_email) == request.claim.email


def heirs_may(person: User, kind: str) -> bool:
    """Heirs act where the deceased left no directive; they may also have the account closed
    unless the directive asks to keep the data (art. 85 II: "sauf mention contraire")."""
    directive = queries.directive_of(person)
    if directive is None:
        return kind in CLAIM_KINDS
    return kind == Kind.ERASURE and directive.wish != Directive.Wish.KEEP


# Telling whoever asked ---------------------------------------------------------------------


def tell(kind: str, request: SubjectRequest, actor: Actor) -> None:
    """Send the message `kind` about `request` to the one who must hear it: the person, or,
    after a death, the heir or trusted person who asked (at their address, for a claim)."""
    from charte.notifications.actions import notify

    if request.relation not in AFTER_DEATH:
        if request.person is not None:
            notify(kind=kind, person=request.person, actor=actor, context={"request": request})
        return
    if request.claim_id is not None:
        _tell_claimant(kind, request, actor)
    elif request.requester is not None:
        notify(kind=kind, person=request.requester, actor=actor, context={"request": request})
    else:
        audit.record(
            event="notification.unreachable",
            actor=actor,
            subject=request.person,
            data=_data(request, message=kind),
        )


@transaction.atomic
def _tell_claimant(kind: str, request: SubjectRequest, actor: Actor) -> None:
    from charte.notifications.actions import notify_address

    claim = request.claim
    assert claim is not None
    context: dict[str, Any] = {"request": request, "requests": [request], "claimant": claim.name}
    if (
        kind == "subject_requests.answered"
        and request.kind == Kind.ACCESS
        and request.status == Status.COMPLETED
        and request.archive_ready
    ):
        token = _issue_key(request, actor=actor)
        context["archive_url"] = settings.SITE_URL + reverse(
            "subject_requests:claim_archive", args=[token]
        )
    notify_address(
        kind=CLAIM_KIND.get(kind, "subject_requests.claim_update"),
        email=claim.email,
        language=claim.language,
        actor=actor,
        context=context,
    )


# The archive, through a link and a code ----------------------------------------------------


def _digest(purpose: str, secret: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(
        key, f"subject_requests.{purpose}:{secret}".encode(), hashlib.sha256
    ).hexdigest()


def _issue_key(request: SubjectRequest, *, actor: Actor) -> str:
    token = secrets.token_urlsafe(32)
    key = ArchiveKey.objects.create(request=request, token_digest=_digest("archive_link", token))
    audit.record(
        event="subject_request.archive_link_sent",
        actor=actor,
        subject=request.person,
        data=_data(request, key=str(key.public_id)),
    )
    return token


def key_for(token: str) -> ArchiveKey | None:
    """The live key a link carries: unused, not burnt, and its archive still there."""
    if not token or len(token) > 100:
        return None
    key = (
        ArchiveKey.objects.select_related("request", "request__claim", "request__person")
        .filter(token_digest=_digest("archive_link", token))
        .first()
    )
    if key is None or key.used_at is not None or key.attempts >= ArchiveKey.MAX_ATTEMPTS:
        return None
    request = key.request
    if (
        request.claim is None
        or not request.archive_ready
        or request.archive_expires_at is None
        or request.archive_expires_at <= timezone.now()
    ):
        return None
    return key


@transaction.atomic
def send_code(*, key: ArchiveKey, actor: Actor = ANONYMOUS) -> None:
    """Send a fresh code to the claimant's address; the previous one stops working."""
    from charte.notifications.actions import notify_address

    claim = key.request.claim
    assert claim is not None
    code = f"{secrets.randbelow(10**8):08d}"
    key.code_digest = _digest(f"archive_code:{key.public_id}", code)
    key.code_sent_at = timezone.now()
    key.save(update_fields=["code_digest", "code_sent_at"])
    audit.record(
        event="subject_request.archive_code_sent",
        actor=actor,
        subject=key.request.person,
        data=_data(key.request, key=str(key.public_id)),
    )
    notify_address(
        kind="subject_requests.claim_code",
        email=claim.email,
        language=claim.language,
        actor=actor,
        context={
            "request": key.request,
            "claimant": claim.name,
            "code": code,
            "minutes": int(CODE_LIFETIME.total_seconds() // 60),
        },
    )


@transaction.atomic
def open_with_code(
    *, key: ArchiveKey, code: str, actor: Actor = ANONYMOUS, meta: RequestMeta | None = None
) -> IO[bytes] | None:
    """The archive's bytes (from its storage) if `code` is the one last sent (and still fresh):
    the key is then used up. A wrong code counts; the fifth burns the key. None when refused,
    or when the archive is no longer kept."""
    key = ArchiveKey.objects.select_for_update().get(pk=key.pk)
    fresh = key.code_sent_at is not None and timezone.now() - key.code_sent_at <= CODE_LIFETIME
    expected = key.code_digest
    given = _digest(f"archive_code:{key.public_id}", "".join(code.split()))
    if (
        key.used_at is not None
        or not fresh
        or not expected
        or not hmac.compare_digest(expected, given)
    ):
        key.attempts += 1
        key.save(update_fields=["attempts"])
        audit.record(
            event="subject_request.archive_code_refused",
            actor=actor,
            subject=key.request.person,
            data=_data(key.request, key=str(key.public_id), attempts=key.attempts),
            meta=meta,
        )
        return None
    key.used_at = timezone.now()
    key.save(update_fields=["used_at"])
    request = key.request
    data = _data(
        request, key=str(key.public_id), claim=str(request.claim.public_id) if request.claim else ""
    )
    if request.person is not None:
        audit.record_read(
            viewer=actor, subject=request.person, what="archive", data=data, meta=meta
        )
    else:
        audit.record(event="subject_request.archive_downloaded", actor=actor, data=data, meta=meta)
    return storage.open_archive(request)
