"""Changes to cookie choices: each one is a new proof record, written with its journal entry."""

import uuid

from django.db import transaction
from django.utils import timezone

from charte import audit
from charte.accounts.models import User
from charte.cookies import catalogue, tcf
from charte.cookies.choices import Choice, Consent
from charte.cookies.models import Action, ConsentRecord, Method
from charte.core.actors import Actor

MAX_USER_AGENT = 120


@transaction.atomic
def record_choice(
    *,
    choice: Choice,
    action: Action,
    method: Method,
    previous: Consent,
    user: User | None,
    actor: Actor,
    gpc: bool,
    language: str,
    user_agent: str,
) -> tuple[ConsentRecord, Consent]:
    """Record a choice (a refusal too) and return the record and the consent it now gives.

    The browser keeps its consent id across choices, so that its history reads as one; the TC
    string is written for every choice, a refusal included, so that vendors can read "no".
    """
    consent_id = previous.consent_id or uuid.uuid4()
    now = timezone.now()
    first = (
        ConsentRecord.objects.of_browser(consent_id).order_by("at").values_list("at", flat=True)
    ).first()
    tc_string = tcf.encode(
        tcf.model_for(
            created=first or now,
            updated=now,
            purposes=choice.purposes,
            features=choice.features,
            vendors=choice.vendors,
            method=method,
            language=language,
        )
    )
    record = ConsentRecord.objects.create(
        consent_id=consent_id,
        user=user,
        at=now,
        action=action,
        method=method,
        categories=sorted(choice.categories),
        iab_purposes=sorted(choice.purposes),
        iab_special_features=sorted(choice.features),
        vendors=sorted(choice.vendors),
        gpc=gpc,
        language=language,
        texts_hash=catalogue.texts_hash(language),
        code_version=catalogue.code_version(),
        user_agent=user_agent[:MAX_USER_AGENT],
        tc_string=tc_string,
    )
    audit.record(
        event="cookies.choice_recorded",
        actor=actor,
        subject=user,
        data={
            "record": str(record.public_id),
            "action": action.value,
            "method": method.value,
            "categories": record.categories,
            "gpc": gpc,
        },
    )
    consent = Consent(
        consent_id=consent_id,
        record_id=record.public_id,
        at=now,
        fingerprint=catalogue.fingerprint(),
        choice=choice,
    )
    return record, consent
