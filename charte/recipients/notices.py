"""Telling the recipients (GDPR art. 19): a person's erasure, rectification or restriction, and
the lifting of a restriction, reach everyone their data was disclosed to, tracked until each
one confirms.

Design:
- The disclosure log is the source: when a request is executed, the person's disclosures are
  read, grouped per recipient, and one notice per recipient is queued, in the request's
  transaction (`queue_notices`, set-based so that it serves one request or ten thousand). The
  register says, per recipient, whether and how it is told (`Recipient.notices`: its API, or
  an email to its privacy contact) and which notices apply; our own services are never
  "told" (the request acts on our data directly) and an authority never hears of a person's
  request from us. A recipient that received nothing a correction touches is not told of it.
- A notice names the disclosures by their public ids, which the recipient received with the
  data: enough for it to find what it holds, and all that remains once the person is erased.
  The payment provider's erasure notice says what it keeps under its own obligation (the
  payment's id and the card's last 4 digits) instead of asking for a deletion it may not make.
- Sending happens in the task worker after commit (`send_notice`), one adapter per reach:
  an HTTP POST to the recipient's API (`RECIPIENT_<CODE>_NOTICE_URL`, https or loopback, with
  `RECIPIENT_<CODE>_NOTICE_TOKEN` as a bearer token), else an email through the outbox. A
  failed attempt is retried with an exponential back-off (`BACKOFF`), by a deferred task where
  the backend can defer and by the periodic sweep anyway.
- The recipient closes its notice with a signed link (an HMAC of the notice's public id and
  of its confirmation date, like Django's password-reset tokens: no table, no sequential id,
  dead once used), from the email's page or as the API's callback.
- The periodic sweep turns a notice that was not confirmed in time overdue: journalled, an
  alert to the DPO (and IT) and a block on the DPO's home page. While a notice is overdue, the
  person is not told that their request is complete, unless the DPO decides to answer
  without it (`waive_notice`, with a reason).
"""

import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts.models import Role, User
from charte.core.actors import Actor, SystemActor
from charte.core.errors import ActionError, NotFound
from charte.privacy import register
from charte.privacy.register import Category, NoticeKind, Reach
from charte.privacy.registry import registry
from charte.recipients.models import Disclosure, Notice

WORKER = SystemActor("recipients")
# The HMAC key salt of the confirmation links: not a secret (the key is SECRET_KEY).
NOTICE_LINK_SALT = "charte.recipients.notice"
# Waits before the 2nd, 3rd... attempt; the last one is repeated until MAX_ATTEMPTS.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)
BATCH = 2000
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def recipient_actor(code: str) -> SystemActor:
    return SystemActor(f"recipient:{code}")


def told_of(kind: str) -> dict[str, register.Recipient]:
    """The recipients the register says are told of `kind`, by code."""
    return {
        r.code: r for r in register.RECIPIENTS if r.notices is not None and kind in r.notices.kinds
    }


def short_reference(reference: str) -> str:
    """The request's reference as the person and the recipient read it (see SubjectRequest)."""
    try:
        return uuid.UUID(reference).hex[:8].upper()
    except ValueError:
        return reference[:8].upper()


def field_categories() -> dict[str, str]:
    """The category of each account field, from the registry: what a correction touches."""
    declaration = registry.declaration_for(User)
    assert declaration is not None
    return {name: str(f.category) for name, f in declaration.fields.items()}


# Queueing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One person whose request is executed: the request's public id, and for a correction the
    account fields it changed."""

    person_id: int
    reference: str
    fields: tuple[str, ...] = ()


@transaction.atomic
def queue_notices(
    *,
    kind: str,
    subjects: Sequence[Subject],
    actor: Actor,
    now: datetime | None = None,
    origin: str = Notice.Origin.REQUEST,
) -> list[Notice]:
    """Queue one notice per recipient each person's data was disclosed to; sent after commit.

    Re-runnable: a recipient already told of a request is not told twice. Journalled once per
    request (once per batch when many are queued together), and once per notice as it goes.
    """
    if kind not in NoticeKind.values:
        raise ActionError(_("Avis inconnu."))
    now = now or timezone.now()
    recipients = told_of(kind)
    created: list[Notice] = []
    for start in range(0, len(subjects), BATCH):
        created += _queue_batch(
            kind=kind,
            subjects=subjects[start : start + BATCH],
            recipients=recipients,
            now=now,
            origin=origin,
        )
    if len(subjects) == 1 and (created or origin == Notice.Origin.REQUEST):
        audit.record(
            event="recipients.notices_queued",
            actor=actor,
            subject=User.objects.filter(pk=subjects[0].person_id).first(),
            data={
                "request": subjects[0].reference,
                "notice_kind": kind,
                "recipients": sorted(n.recipient for n in created),
            },
        )
    elif subjects:
        audit.record(
            event="recipients.notices_queued",
            actor=actor,
            data={"notice_kind": kind, "requests": len(subjects), "notices": len(created)},
        )
    ids = [str(n.public_id) for n in created]
    for start in range(0, len(ids), BATCH):
        transaction.on_commit(partial(_enqueue, ids[start : start + BATCH]))
    return created


def _queue_batch(
    *,
    kind: str,
    subjects: Sequence[Subject],
    recipients: Mapping[str, register.Recipient],
    now: datetime,
    origin: str,
) -> list[Notice]:
    by_person = {s.person_id: s for s in subjects}
    grouped: dict[tuple[int, str], tuple[list[str], set[str]]] = {}
    rows = (
        Disclosure.objects.filter(person_id__in=list(by_person), recipient__in=list(recipients))
        .order_by("person_id", "recipient", "at", "pk")
        .values_list("person_id", "recipient", "public_id", "categories")
    )
    for person_id, code, public_id, categories in rows:
        ids, cats = grouped.setdefault((person_id, code), ([], set()))
        ids.append(str(public_id))
        cats.update(categories)
    already = set(
        Notice.objects.filter(
            request_reference__in=[s.reference for s in subjects], kind=kind
        ).values_list("request_reference", "recipient")
    )
    corrections = _corrections(kind, subjects)
    notices = []
    for (person_id, code), (ids, cats) in grouped.items():
        subject = by_person[person_id]
        if (subject.reference, code) in already:
            continue
        payload: dict[str, Any] = {}
        if kind == NoticeKind.CORRECT:
            changed = {
                name: value
                for name, (category, value) in corrections.get(person_id, {}).items()
                if category in cats
            }
            if not changed:
                continue  # nothing it received was corrected
            payload = {"corrections": changed}
        recipient = recipients[code]
        assert recipient.notices is not None
        notices.append(
            Notice(
                person_id=person_id,
                recipient=code,
                kind=kind,
                request_reference=subject.reference,
                origin=origin,
                disclosures=ids,
                categories=sorted(cats),
                payload=payload,
                queued_at=now,
                next_attempt_at=now,
                due_at=now + timedelta(days=recipient.notices.answer_days),
            )
        )
    return Notice.objects.bulk_create(notices, batch_size=BATCH)


def _corrections(kind: str, subjects: Sequence[Subject]) -> dict[int, dict[str, tuple[str, Any]]]:
    """For a correction: each person's changed fields, with their category and new value."""
    wanted = {s.person_id: s.fields for s in subjects if s.fields}
    if kind != NoticeKind.CORRECT or not wanted:
        return {}
    categories = field_categories()
    names = sorted({f for fields in wanted.values() for f in fields if f in categories})
    found: dict[int, dict[str, tuple[str, Any]]] = {}
    for row in User.objects.filter(pk__in=list(wanted)).values("pk", *names):
        found[row["pk"]] = {
            name: (categories[name], _jsonable(row[name]))
            for name in wanted[row["pk"]]
            if name in categories
        }
    return found


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _enqueue(notice_ids: list[str]) -> None:
    from charte.recipients.tasks import send_notices

    send_notices.enqueue(notice_ids=notice_ids)


def rectified_fields(reference: str) -> list[str]:
    """The account fields a request corrected, as its journal entries name them."""
    from charte.audit.models import Entry

    fields: set[str] = set()
    for data in Entry.objects.filter(data__request=reference).values_list("data", flat=True):
        names = data.get("fields") if isinstance(data, dict) else None
        if isinstance(names, list):
            fields.update(str(n) for n in names)
    return sorted(fields)


def tell_recipients(
    *, person: User, kind: str, reference: str, actor: Actor, fields: Iterable[str] | None = None
) -> list[Notice]:
    """The rights engine's one call: this person's request `reference` was executed.

    For a correction, the fields corrected are read from the request's journal unless given."""
    if kind == NoticeKind.CORRECT and fields is None:
        fields = rectified_fields(reference)
    return queue_notices(
        kind=kind,
        subjects=[Subject(person_id=person.pk, reference=reference, fields=tuple(fields or ()))],
        actor=actor,
    )


def tell_of_correction(*, person: User, fields: Iterable[str], actor: Actor) -> list[Notice]:
    """A correction the person (or a child's guardian) made themself, in "Mes informations":
    art. 19 applies to it as to a rectification request. Each recipient that received one of
    the corrected fields is told, under a reference of the correction's own; none else."""
    fields = tuple(sorted(set(fields)))
    if not fields:
        return []
    return queue_notices(
        kind=NoticeKind.CORRECT,
        subjects=[Subject(person_id=person.pk, reference=str(uuid.uuid4()), fields=fields)],
        actor=actor,
        origin=Notice.Origin.SELF_SERVICE,
    )


# Sending ------------------------------------------------------------------------------------


def token(notice: Notice, secret: str | None = None) -> str:
    """The notice's confirmation token: dies once the notice is confirmed."""
    value = f"{notice.public_id}:{notice.kind}:{notice.confirmed_at or ''}"
    return salted_hmac(NOTICE_LINK_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def token_matches(notice: Notice, candidate: str) -> bool:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(token(notice, s), candidate) for s in secrets)


def confirm_url(notice: Notice) -> str:
    return settings.SITE_URL + reverse("recipients:notice", args=[notice.public_id, token(notice)])


def callback_url(notice: Notice) -> str:
    return settings.SITE_URL + reverse(
        "recipients:notice_callback", args=[notice.public_id, token(notice)]
    )


def message(notice: Notice) -> dict[str, Any]:
    """What the recipient is told: references, what to do, and what it may keep."""
    recipient = register.RECIPIENT_BY_CODE[notice.recipient]
    assert recipient.notices is not None
    keeps = recipient.notices.keeps if notice.kind == NoticeKind.ERASE else ()
    return {
        "notice": str(notice.public_id),
        "kind": notice.kind,
        "request": short_reference(notice.request_reference),
        "references": list(notice.disclosures),
        "categories": list(notice.categories),
        "keep": list(keeps),
        "keep_reason": str(recipient.notices.keeps_reason) if keeps else "",
        "corrections": dict(notice.payload.get("corrections", {})),
        "due": notice.due_at.isoformat(),
        "confirm_url": callback_url(notice),
    }


class Undelivered(Exception):
    pass


def endpoint(code: str) -> tuple[str, str] | None:
    """The recipient's API address and key, from the environment; None to use email."""
    url = os.environ.get(f"RECIPIENT_{code.upper()}_NOTICE_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
        raise Undelivered(f"RECIPIENT_{code.upper()}_NOTICE_URL must be an https:// address.")
    return url, os.environ.get(f"RECIPIENT_{code.upper()}_NOTICE_TOKEN", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a notice goes where it was addressed, or fails


def _post(url: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310  (https or loopback, checked in `endpoint`)
        url,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {key}"} if key else {}),
        },
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            text = response.read(65536)
    except urllib.error.HTTPError as error:
        raise Undelivered(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise Undelivered(type(error).__name__) from None
    try:
        answer = json.loads(text or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def send_notice(*, notice_id: str, actor: Actor = WORKER) -> str:
    """Send one queued notice whose time has come; returns what happened."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .filter(public_id=notice_id, state=Notice.State.QUEUED)
            .first()
        )
        if notice is None:
            return "nothing to do"
        if notice.next_attempt_at and notice.next_attempt_at > timezone.now():
            return "later"
        recipient = register.RECIPIENT_BY_CODE.get(notice.recipient)
        if recipient is None or recipient.notices is None:
            return "not told"
        try:
            answer = _deliver(notice, recipient, actor=actor)
        except Undelivered as error:
            return _failed(notice, error, actor=actor)
        notice.attempts += 1
        notice.next_attempt_at = None
        notice.last_error = ""
        if notice.via == Notice.Via.EMAIL:
            # Handed to our outbox is not sent: it is, once the outbox delivered it.
            notice.state = Notice.State.OUTBOX
            fields = ["state", "attempts", "next_attempt_at", "last_error", "via", "message"]
            notice.save(update_fields=fields)
            audit.record(event=HANDED_EVENT, actor=actor, subject=notice.person, data=_data(notice))
            transaction.on_commit(partial(_settle_soon, str(notice.public_id)))
            return "handed"
        _sent(notice, at=timezone.now(), actor=actor)
        if answer.get("done") is True:
            _confirm(notice, via=Notice.Via.API)
            return "confirmed"
    return "sent"


HANDED_EVENT = "recipients.notice_handed"


def _sent(notice: Notice, *, at: datetime, actor: Actor) -> None:
    notice.state = Notice.State.SENT
    notice.sent_at = at
    notice.save(
        update_fields=["state", "sent_at", "attempts", "next_attempt_at", "last_error", "via"]
    )
    audit.record(
        event="recipients.notice_sent",
        actor=actor,
        subject=notice.person,
        data=_data(notice, via=notice.via),
    )


def _settle_soon(notice_id: str) -> None:
    """Registered after the outbox's own delivery: where the worker runs tasks at once, the
    email has left (or failed) by now; elsewhere the periodic sweep settles it later."""
    settle_emails(notice_ids=[notice_id])


def settle_emails(*, notice_ids: Sequence[str] | None = None, actor: Actor = WORKER) -> int:
    """Email notices handed to the outbox turn "sent" once it delivered them; one it gave up
    on (or that is gone) is tried again with the back-off, as a failed call is. Returns how
    many changed; re-runnable."""
    from charte.notifications.models import Message

    handed = Notice.objects.filter(state=Notice.State.OUTBOX)
    if notice_ids is not None:
        handed = handed.filter(public_id__in=list(notice_ids))
    changed, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                handed.filter(pk__gt=after).order_by("pk").select_for_update(of=("self",))[:BATCH]
            )
            if not batch:
                break
            after = batch[-1].pk
            outbox = {
                m.public_id: m
                for m in Message.objects.filter(public_id__in=[n.message for n in batch]).only(
                    "public_id", "status", "sent_at", "last_error"
                )
            }
            for notice in batch:
                sent = outbox.get(notice.message) if notice.message else None
                if sent is not None and sent.status == Message.Status.SENT:
                    _sent(notice, at=sent.sent_at or timezone.now(), actor=actor)
                elif sent is None or sent.status == Message.Status.ABANDONED:
                    reason = sent.last_error if sent is not None else "gone"
                    notice.state = Notice.State.QUEUED
                    notice.message = None
                    notice.save(update_fields=["state", "message"])
                    notice.attempts -= 1  # the hand-over counted as the attempt
                    _failed(notice, Undelivered(f"email: {reason}"), actor=actor)
                else:
                    continue  # still in the outbox: its own retries run
                changed += 1
    return changed


def _deliver(notice: Notice, recipient: register.Recipient, *, actor: Actor) -> dict[str, Any]:
    assert recipient.notices is not None
    notice.via = Notice.Via.API
    api = endpoint(recipient.code) if recipient.notices.reach == Reach.API else None
    if api is not None:
        return _post(api[0], api[1], message(notice))
    notice.via = Notice.Via.EMAIL
    from charte.notifications.actions import notify_address

    notice.message = notify_address(
        kind="recipients.notice",
        email=recipient.notices.contact,
        language=settings.LANGUAGE_CODE,
        actor=actor,
        context={
            "recipient_name": str(recipient.name),
            "kind_label": str(NoticeKind(notice.kind).label),
            "notice_link": confirm_url(notice),
            "category_labels": [str(Category(c).label) for c in notice.categories],
            "due_date": notice.due_at,
            **message(notice),
        },
    ).public_id
    return {}


def _failed(notice: Notice, error: Exception, *, actor: Actor) -> str:
    notice.attempts += 1
    notice.last_error = str(error)[:200]
    wait = BACKOFF[min(notice.attempts, len(BACKOFF)) - 1]
    notice.next_attempt_at = (
        timezone.now() + wait if notice.attempts < Notice.MAX_ATTEMPTS else None
    )
    notice.save(update_fields=["attempts", "last_error", "next_attempt_at", "via"])
    audit.record(
        event="recipients.notice_failed",
        actor=actor,
        subject=notice.person,
        data=_data(notice, attempts=notice.attempts),
    )
    if notice.next_attempt_at is not None:
        transaction.on_commit(partial(_retry_later, str(notice.public_id), notice.next_attempt_at))
    return "failed"


def _retry_later(notice_id: str, when: datetime) -> None:
    from django.tasks import default_task_backend

    from charte.recipients.tasks import send_notices

    # Without a backend that defers, the periodic sweep retries once the wait is over.
    if default_task_backend.supports_defer:
        send_notices.using(run_after=when).enqueue(notice_ids=[notice_id])


def _data(notice: Notice, **more: Any) -> dict[str, Any]:
    return {
        "request": notice.request_reference,
        "notice": str(notice.public_id),
        "recipient": notice.recipient,
        "notice_kind": notice.kind,
        **more,
    }


# Confirmation, overdue, the DPO's decision ------------------------------------------------------


def _confirm(notice: Notice, *, via: str) -> None:
    notice.state = Notice.State.CONFIRMED
    notice.confirmed_at = timezone.now()
    notice.confirmed_via = via
    notice.save(update_fields=["state", "confirmed_at", "confirmed_via"])
    audit.record(
        event="recipients.notice_confirmed",
        actor=recipient_actor(notice.recipient),
        subject=notice.person,
        data=_data(notice, via=via),
    )


def access_notice_by_token(*, public_id: uuid.UUID, token: str) -> Notice:
    """The notice a recipient's link names, if the link is its own and still open.

    A missing notice, a forged or used link and another notice's link answer alike."""
    notice = Notice.objects.filter(public_id=public_id).first()
    if notice is None or not notice.is_open or not token_matches(notice, token):
        raise NotFound(_("Ce lien n'est pas ou plus valable."))
    return notice


@transaction.atomic
def confirm_notice(*, public_id: uuid.UUID, token: str, via: str) -> Notice:
    """The recipient confirms it did what the notice asked, by its link or its API's callback."""
    access_notice_by_token(public_id=public_id, token=token)
    notice = Notice.objects.select_for_update().get(public_id=public_id)
    if not notice.is_open or not token_matches(notice, token):  # confirmed meanwhile
        raise NotFound(_("Ce lien n'est pas ou plus valable."))
    _confirm(notice, via=via)
    return notice


def mark_overdue(*, now: datetime | None = None, actor: Actor = WORKER) -> int:
    """Notices not confirmed in time turn overdue, journalled each, one alert per run."""
    from charte.audit.alerts import raise_alert

    now = now or timezone.now()
    late = Notice.objects.filter(
        state__in=[Notice.State.QUEUED, Notice.State.OUTBOX, Notice.State.SENT], due_at__lte=now
    ).order_by("pk")
    total = 0
    references: set[str] = set()
    while True:
        with transaction.atomic():
            batch = list(late.select_for_update(of=("self",)).select_related("person")[:500])
            if not batch:
                break
            for notice in batch:
                notice.state = Notice.State.OVERDUE
                notice.overdue_at = now
                audit.record(
                    event="recipients.notice_overdue",
                    actor=actor,
                    subject=notice.person,
                    data=_data(notice),
                )
                references.add(notice.request_reference)
            Notice.objects.bulk_update(batch, ["state", "overdue_at"])
            total += len(batch)
    if total:
        with transaction.atomic():
            raise_alert(
                event=OVERDUE_ALERT,
                data={"overdue": total, "requests": sorted(references)[:20]},
            )
    return total


OVERDUE_ALERT = "alert.recipient_notices_overdue"


def retry_due(*, now: datetime | None = None) -> list[str]:
    """Queued notices whose wait is over (a lost task, a backend that cannot defer)."""
    now = now or timezone.now()
    return [
        str(public_id)
        for public_id in Notice.objects.filter(
            state=Notice.State.QUEUED, next_attempt_at__lte=now
        ).values_list("public_id", flat=True)[:BATCH]
    ]


def access_notice_by_dpo(*, viewer: User, public_id: uuid.UUID) -> Notice:
    """Only the DPO decides about a notice."""
    if viewer.role != Role.DPO:
        raise NotFound(_("Page introuvable."))
    notice = Notice.objects.filter(public_id=public_id).first()
    if notice is None:
        raise NotFound(_("Page introuvable."))
    return notice


@transaction.atomic
def waive_notice(*, notice: Notice, actor: User, reason: str) -> Notice:
    """The DPO decides to answer the person without this recipient's confirmation."""
    if actor.role != Role.DPO:
        raise ActionError(_("Seul le délégué à la protection des données décide."))
    if notice.state != Notice.State.OVERDUE or notice.waived_at is not None:
        raise ActionError(_("Seul un avis resté sans réponse dans le délai peut être levé."))
    if not reason.strip():
        raise ActionError(_("Dites pourquoi répondre à la personne sans attendre ce destinataire."))
    notice.waived_at = timezone.now()
    notice.waived_by = actor
    notice.waiver_reason = reason.strip()[:300]
    notice.save(update_fields=["waived_at", "waived_by", "waiver_reason"])
    audit.record(
        event="recipients.notice_waived", actor=actor, subject=notice.person, data=_data(notice)
    )
    return notice


# A notice as a recipient's contact reads it, for the tests that send every kind of message.
EMAIL_EXAMPLE: Mapping[str, Any] = {
    "recipient_name": "Nos éditeurs partenaires",
    "kind": "erase",
    "kind_label": "Effacer les données reçues",
    "request": "1A2B3C4D",
    "references": ["00000000-0000-0000-0000-000000000000"],
    "categories": ["identity", "contact"],
    "category_labels": ["Identité (nom, prénom, identifiant)"],
    "keep": ["payment_id", "card_last4"],
    "keep_reason": "La loi oblige à garder la trace des opérations de paiement.",
    "corrections": {"last_name": "Martin"},
    "due": "2026-04-01T00:00:00+00:00",
    "due_date": datetime(2026, 4, 1, tzinfo=UTC),
    "notice_link": "https://charte.example/destinataires/avis/00000000-0000-0000-0000-000000000000/x/",
}
