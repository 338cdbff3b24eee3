"""Changes to consents and to the charter's versions. Each names its actor and is journalled.

Design: a consent is never edited. Giving, withdrawing or refusing appends a record that says
who acted (the person, or a guardian on a child's behalf), how, when, on which text and under
which version of the charter; the latest record is the state. Withdrawing a purpose the account
cannot work without closes the account at once (nothing is processed any more) and its data
goes to erasure after the notice period of the register (rule "consent_withdrawn").
"""

import hashlib
import importlib
import importlib.util
import secrets
from collections.abc import Mapping
from contextlib import nullcontext
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from charte import audit
from charte.accounts import actions as accounts
from charte.accounts import tokens
from charte.accounts.models import PLATFORM_ROLES, User
from charte.accounts.queries import awaiting_confirmation, children_of, guardians_of
from charte.audit import events
from charte.audit.journal import RequestMeta
from charte.consent import charter
from charte.consent.models import (
    Act,
    ApiClient,
    Channel,
    CharterVersion,
    ConsentRecord,
    ConsentText,
    Verification,
)
from charte.consent.purposes import purpose as find_purpose
from charte.consent.purposes import purposes_for, text_body
from charte.consent.queries import (
    api_keys_changing,
    charter_changing,
    current_version,
    latest_choices,
    latest_records,
    text_by_digest,
    writing_state,
)
from charte.core.actors import ANONYMOUS, RETENTION, Actor, SystemActor, actor_ref, person_ref
from charte.core.errors import ActionError, Conflict
from charte.notifications.actions import notify


def ensure_text(*, purpose: str, language: str) -> ConsentText:
    """The stored text for what `purpose` shows now in `language`, a new version if it changed."""
    body = text_body(purpose, language)
    sha = ConsentText.digest(body)
    found = text_by_digest(sha)
    if found is not None:
        return found
    latest = ConsentText.objects.filter(purpose=purpose, language=language).aggregate(
        n=Max("version")
    )["n"]
    try:
        with transaction.atomic():
            return ConsentText.objects.create(
                purpose=purpose,
                language=language,
                version=(latest or 0) + 1,
                body=body,
                sha256=sha,
            )
    except IntegrityError:  # the same text stored at the same moment by another request
        return ConsentText.objects.get(sha256=sha)


def _on_behalf(*, person: User, actor: Actor) -> bool:
    """Whether `actor` decides as a guardian; refuses anyone who may not decide for `person`."""
    child = person.needs_guardian(timezone.localdate())
    if isinstance(actor, SystemActor):
        if child:
            raise ActionError(_("Seul un responsable légal peut décider pour cet enfant."))
        return False
    if actor.pk == person.pk:
        if child:
            raise ActionError(_("Seul un responsable légal peut décider pour cet enfant."))
        return False
    if child and guardians_of(person).filter(pk=actor.pk).exists():
        return True
    raise ActionError(_("Vous ne pouvez pas décider pour cette personne."))


def _verification(
    *, child: User, channel: Channel, on_behalf: bool, given: Verification | str | None
) -> Verification:
    """How a guardian's authority over `child` stands checked for this consent.

    The school's letter with a code is said by its caller (`given`); otherwise a guardian who
    came through the link sent to their address, for a child their school enrolled, is known
    to the school; anyone else only declared it by ticking a box.
    """
    if not on_behalf:
        return Verification.SELF
    if given is not None:
        return Verification(given)
    enrolled_by_school = child.enrolments.filter(ended_at__isnull=True, method="staff").exists()
    if channel == Channel.GUARDIAN_LINK and enrolled_by_school:
        return Verification.EMAIL_AND_SCHOOL
    return Verification.DECLARED


def record_choices(
    *,
    person: User,
    choices: Mapping[str, bool],
    actor: Actor,
    channel: Channel | str,
    language: str | None = None,
    texts: Mapping[str, str] | None = None,
    only_separable: bool = False,
    meta: RequestMeta | None = None,
    verification: Verification | str | None = None,
    found: dict[str, Any] | None = None,
) -> list[ConsentRecord]:
    """Record `person`'s choice for each purpose: True gives, False withdraws or refuses.

    `texts` maps a purpose to the digest of the text the person saw; when given, it must be
    the text in force (otherwise the person read something else and must read again). A choice
    equal to the current state under the current charter version records nothing. `found`:
    what the caller read of the cache already (the charter's current version, see
    `queries.current_version`).

    Everything is read and checked before anything is written. One record alone (a service's
    choice through the API) goes in with its journal entry in one statement, all or none, with
    no transaction around it (`audit.record(along=...)`); several, or a withdrawal that closes
    the account, in one transaction.
    """
    channel = Channel(channel)
    language = language or settings.LANGUAGE_CODE
    on_behalf = _on_behalf(person=person, actor=actor)
    checked = _verification(child=person, channel=channel, on_behalf=on_behalf, given=verification)
    applicable = {p.code: p for p in purposes_for(person)}
    latest = latest_choices(person, choices.keys())
    version = current_version(found)
    created: list[ConsentRecord] = []
    for code, give in choices.items():
        purpose = applicable.get(code)
        if purpose is None:
            raise ActionError(_("Cette finalité ne demande pas votre consentement."))
        if only_separable and not purpose.separable:
            raise ActionError(_("Cette finalité ne peut pas être choisie seule."))
        previous = latest.get(code)
        act = _act(give=give, previous=previous)
        text = ensure_text(purpose=code, language=language) if act == Act.GIVEN else None
        if text is not None and texts is not None and texts.get(code) != text.sha256:
            raise ActionError(
                _("Le texte de cette finalité vient de changer : relisez-le avant de choisir.")
            )
        if not _worth_recording(
            act=act, previous=previous, version=version, text=text, on_behalf=on_behalf
        ):
            continue
        record = ConsentRecord(
            subject_ref=person_ref(person),
            purpose=code,
            act=act,
            actor_ref=actor_ref(actor),
            on_behalf=on_behalf,
            channel=channel,
            verification=checked,
            text=text,
            charter_version=version,
        )
        created.append(record)
    if not created:
        return created
    closes = person.is_active and any(
        r.act == Act.WITHDRAWN and not applicable[r.purpose].separable for r in created
    )
    alone = len(created) == 1 and not closes
    with nullcontext() if alone else transaction.atomic():
        for record in created:
            audit.record(
                event=f"consent.{record.act}",
                actor=actor,
                subject=person,
                data={
                    "purpose": record.purpose,
                    "channel": channel.value,
                    "record": str(record.public_id),
                    "on_behalf": on_behalf,
                    "charter_version": version.number if version else None,
                },
                meta=meta,
                along=[record],
            )
        # The person's consents are read from the database from now on in this transaction,
        # and the cached state goes once it commits (nothing changes if it rolls back); with
        # no transaction, at once.
        writing_state(person_ref(person))
        if closes:
            accounts.set_active(
                person=person, active=False, actor=actor, reason="consent_withdrawn"
            )
    return created


def _act(*, give: bool, previous: ConsentRecord | None) -> Act:
    if give:
        return Act.GIVEN
    if previous is not None and previous.act == Act.GIVEN:
        return Act.WITHDRAWN
    return Act.REFUSED


def _worth_recording(
    *,
    act: Act,
    previous: ConsentRecord | None,
    version: CharterVersion | None,
    text: ConsentText | None,
    on_behalf: bool,
) -> bool:
    """False when the record would only repeat the current state under the current version."""
    if previous is None:
        return True
    same_version = previous.charter_version_id == (version.pk if version else None)
    if act == Act.GIVEN:
        return not (
            previous.act == Act.GIVEN
            and same_version
            and previous.text_id == (text.pk if text else None)
            and previous.on_behalf == on_behalf
        )
    if act == Act.WITHDRAWN:
        return True
    return not (previous.act in {Act.WITHDRAWN, Act.REFUSED} and same_version)


@transaction.atomic
def sign_up(
    *,
    role: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    phone: str,
    language: str,
    choices: Mapping[str, bool],
    texts: Mapping[str, str],
    meta: RequestMeta | None = None,
) -> User | None:
    """Sign up a parent, teacher or school staff member: the answer never says whether the
    address already has an account.

    A new address gets a closed account with the consents given on the form, and a link that
    opens it (`charte.accounts.actions.confirm_sign_up`). An address in use gets nothing new:
    its holder is told by email that someone tried, with where to sign in or reset the
    password. Both branches do the same costly work (one password hash, one email queued,
    one journal entry about the account at that address), and the view holds its answer to a
    fixed time (`charte.core.timing`), so that neither the page nor its timing tells them apart.
    An account still waiting for its confirmation is replaced by the latest sign-up: only
    whoever holds the mailbox and knows the password typed last can open it.

    Returns the account waiting for confirmation, or None when the address was in use.
    """
    address = accounts.normalise_email(email)
    existing = User.objects.filter(email__iexact=address).first() if address else None
    if existing is not None and not awaiting_confirmation(existing):
        make_password(password)  # the hash a new account costs, thrown away
        audit.record(
            event=events.SIGN_UP_REQUESTED,
            actor=ANONYMOUS,
            subject=existing,
            data={"address_in_use": True},
            meta=meta,
        )
        notify(
            kind="accounts.address_in_use",
            person=existing,
            actor=ANONYMOUS,
            context={"attempt": "sign_up", **tokens.recovery_urls()},
        )
        return None
    if existing is not None:
        erase_account(person=existing, actor=ANONYMOUS, reason="sign_up_replaced")
    user = accounts.create_account(
        actor=ANONYMOUS,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=address,
        password=password,
        phone=phone,
        language=language,
        is_active=False,
    )
    record_choices(
        person=user,
        choices=choices,
        actor=user,
        channel=Channel.SIGNUP,
        language=language,
        texts=texts,
        meta=meta,
    )
    audit.record(
        event=events.SIGN_UP_REQUESTED,
        actor=ANONYMOUS,
        subject=user,
        data={"address_in_use": False},
        meta=meta,
    )
    notify(
        kind="accounts.sign_up_confirm",
        person=user,
        actor=ANONYMOUS,
        context={"url": tokens.sign_up_url(user), "days": tokens.SIGN_UP_VALIDITY.days},
    )
    return user


@transaction.atomic
def erase_unconfirmed_sign_up(*, person: User) -> None:
    """Erase an adult's account whose address was never confirmed: its link has expired.

    The journal counts such accounts and never names them.
    """
    erase_account(person=person, actor=RETENTION, reason="unconfirmed_sign_up")
    audit.record(
        event="consent.unconfirmed_sign_up_erased",
        actor=RETENTION,
        data={"count": 1, "after_days": tokens.SIGN_UP_VALIDITY.days},
    )


def withdraw(
    *, person: User, purpose: str, actor: Actor, channel: Channel | str
) -> list[ConsentRecord]:
    return record_choices(person=person, choices={purpose: False}, actor=actor, channel=channel)


@transaction.atomic
def withdraw_for_child(
    *, child: User, actor: User, channel: Channel | str = Channel.PRIVACY_CENTRE
) -> list[ConsentRecord]:
    """A guardian withdraws every consent given for their child: the account closes at once."""
    given = [code for code, record in latest_records(child).items() if record.act == Act.GIVEN]
    if not given:
        raise ActionError(_("Aucun consentement n'est en cours pour cet enfant."))
    return record_choices(
        person=child, choices=dict.fromkeys(given, False), actor=actor, channel=channel
    )


def erase_account(*, person: User, actor: Actor, reason: str) -> None:
    """Erase a closed child's account and everything about it, without naming them.

    Through the registry's erasure engine (`charte.privacy.erasure.erase`) when it is
    installed, each model as its declaration says, with no journal entry naming the person;
    until then by deleting the account, which takes every row that points at it by foreign key
    while the journal and the consent proof, which name people by reference, stay for their
    own retention.
    """
    if importlib.util.find_spec("charte.privacy.erasure") is None:
        person.delete()
        return
    engine = importlib.import_module("charte.privacy.erasure")
    engine.erase(people=[person], actor=actor, reason=reason, journal_each=False)


@transaction.atomic
def publish_charter(*, actor: Actor) -> CharterVersion | None:
    """Publish the register as a new charter version, if it differs from the last one."""
    document = charter.snapshot()
    fingerprint = charter.digest(document)
    last = CharterVersion.objects.select_for_update().order_by("-number").first()
    if last is not None and last.digest == fingerprint:
        return None
    found = charter.changes(last.snapshot if last else None, document)
    version = CharterVersion.objects.create(
        number=(last.number + 1) if last else 1,
        snapshot=document,
        digest=fingerprint,
        changes=found,
        material=any(change["material"] for change in found),
    )
    audit.record(
        event="charter.published",
        actor=actor,
        data={
            "version": version.number,
            "material": version.material,
            "changes": len(found),
            "purposes_asked_again": version.material_purposes,
        },
    )
    charter_changing()  # every process reads the charter's versions again once committed
    if version.material:
        transaction.on_commit(partial(_enqueue_telling, version.number))
    return version


def _enqueue_telling(number: int) -> None:
    from charte.consent.tasks import tell_charter_change

    tell_charter_change.enqueue(number=number)


# Telling a material change ---------------------------------------------------------------------
# Everyone is told by email, in batches of accounts taken in the order of their key, each batch
# in one transaction that also moves the version's cursor: a batch is told entirely or not at
# all, and a run stopped halfway (or run twice) goes on from the cursor and tells nobody twice.
# An adult is told about themself and, in the same message, about their children too young to
# consent, whose guardian decides; such a child is never written to.
NOTICE_BATCH = 200


@transaction.atomic
def tell_charter_change_batch(
    *, version: CharterVersion, actor: Actor, size: int = NOTICE_BATCH
) -> int:
    """Tell the next batch of people of the material change `version`; how many were reached.

    Returns -1 once everyone has been told (the version then says when).
    """
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if version.told_at is not None or not version.material:
        return -1
    today = timezone.localdate()
    people = list(
        User.objects.filter(
            pk__gt=version.told_through,
            role__in=sorted(PLATFORM_ROLES),
            is_active=True,
        ).order_by("pk")[:size]
    )
    reached = 0
    for person in people:
        if person.needs_guardian(today) or not person.email:
            continue  # told through their guardians; or no address to write to
        children = [c for c in children_of(person) if c.needs_guardian(today)]
        reached += len(
            notify(
                kind="consent.charter_changed",
                person=person,
                actor=actor,
                context=charter_change_context(version, children=children),
            )
        )
    if people:
        version.told_through = people[-1].pk
    finished = len(people) < size
    if finished:
        version.told_at = timezone.now()
    version.save(update_fields=["told_through", "told_at"])
    audit.record(
        event="charter.told",
        actor=actor,
        data={"version": version.number, "messages": reached, "finished": finished},
    )
    return reached


def charter_change_context(
    version: CharterVersion, *, children: list[User] | None = None
) -> dict[str, object]:
    """What the email about a material change says: the changes, and what stopped."""
    widened = [
        p for p in (find_purpose(code) for code in version.material_purposes) if p is not None
    ]
    return {
        "number": version.number,
        "published_at": version.published_at,
        "changes": version.changes,
        "stopped": [p for p in widened if p.separable],
        "asked": [p for p in widened if not p.separable],
        "children": [child.first_name for child in children or []],
        "version_url": settings.SITE_URL + reverse("consent:version", args=[version.number]),
    }


@transaction.atomic
def create_api_client(*, name: str, actor: Actor) -> tuple[ApiClient, str]:
    """Allow another service of the operator to use the consent API; the key is shown once."""
    name = name.strip()
    if not name:
        raise ActionError(_("Le service a besoin d'un nom."))
    if ApiClient.objects.filter(name=name).exists():
        raise Conflict(_("Un service porte déjà ce nom."))
    key = "ck_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, key_prefix=key[:8], key_sha256=api_key_digest(key))
    audit.record(event="consent.api_client_created", actor=actor, data={"client": client.pk})
    return client, key


@transaction.atomic
def revoke_api_client(*, name: str, actor: Actor) -> ApiClient:
    """Stop a service's key: refused by every process from the moment this commits."""
    client = ApiClient.objects.select_for_update().filter(name=name.strip()).first()
    if client is None:
        raise ActionError(_("Aucun service ne porte ce nom."))
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    api_keys_changing()
    audit.record(event="consent.api_client_revoked", actor=actor, data={"client": client.pk})
    return client


def api_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
