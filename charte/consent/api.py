"""The consent API, for the operator's other services (a newsletter tool, a partner portal).

Authentication: a per-service bearer key (`manage.py consent_api_key NAME` creates one and
shows it once; only its SHA-256 digest is stored; `--revoke` stops it at once, in every
process). Rate limit: per service, in the shared cache, `CONSENT_API_RATE` (default 600
requests a minute). Through the API a service may read
a person's consents and give or withdraw the purposes a person can choose alone (newsletter,
partners' offers...); giving needs the digest of the text the person was shown, as published
by `GET /purposes`. Nobody consents for a child through the API: only their guardian, on the
site.
"""

import threading
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from charte.accounts.models import User, person_token
from charte.consent import actions
from charte.consent.models import ApiClient, Channel, ConsentText
from charte.consent.purposes import purposes_for, text_body
from charte.consent.queries import (
    MATERIAL_TOKEN,
    consent_state_and_changes,
    current_version_answer,
    latest_records,
    material_changes_answer,
    service_answer,
    service_for_key,
    subject,
    subject_answer,
    widened_since,
)
from charte.core import cached, ratelimit
from charte.core.actors import SystemActor
from charte.core.cached import keys_of
from charte.core.errors import NotFound
from charte.core.net import client_address
from charte.core.schemas import InputSchema, refusals
from charte.privacy import register

# One round trip to the cache before the view: the service's key, the request counted against
# its rate, and (for a request about a person) that person's cached consents and the charter's
# material changes, or for a write what it reads of the person's account and the charter's
# current version. Nothing read about a person is used unless the key is valid.
FOUND = "charte_consent_found"
REFUSAL = "charte_consent_refusal"


def _person_ref(request: HttpRequest) -> str | None:
    match = request.resolver_match
    value = match.kwargs.get("public_id") if match is not None else None
    try:
        return f"user:{UUID(str(value))}" if value is not None else None
    except ValueError:
        return None


def _person_keys(request: HttpRequest) -> list[str]:
    """For a read of a person's consents: the cached answer and the tokens it depends on; for a
    write, what it reads of the person's account and the charter's current version, which the
    new record points at."""
    ref = _person_ref(request)
    if ref is None:
        return []
    if request.method != "GET":
        public_id = UUID(ref.removeprefix("user:"))
        return keys_of(subject_answer(public_id), current_version_answer())
    # The material changes themselves too (their token with them): an answer made afresh after
    # a write of the person's consents then reads only the person from the database.
    return [_answer_key(ref), person_token(ref), *keys_of(material_changes_answer())]


# A person's consents as the API answers them, the JSON body itself, kept with the two tokens it
# was made under (the person's and the charter's material changes), read in the round trip
# that checks the key: served only while both tokens are still the ones read with it.
def _answer_key(ref: str) -> str:
    return f"consent:api:{ref}"


def _cached_answer(ref: str, found: dict[str, Any]) -> bytes | None:
    held = found.get(_answer_key(ref))
    if held is None or cached.writing(person_token(ref), MATERIAL_TOKEN):
        return None
    person, material, body = held
    if person != found.get(person_token(ref)) or material != found.get(MATERIAL_TOKEN):
        return None
    return bytes(body)


def _keep_answer(ref: str, found: dict[str, Any], body: bytes) -> None:
    """Keep `body` under the tokens read before the database was (never those read after: an
    answer read before a write would be kept under the write's token)."""
    person, material = found.get(person_token(ref)), found.get(MATERIAL_TOKEN)
    if person is None or material is None or cached.writing(person_token(ref), MATERIAL_TOKEN):
        return
    cache.set(_answer_key(ref), (person, material, body), timeout=cached.TTL)


class ServiceKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        digest = actions.api_key_digest(token)
        refusal, found = ratelimit.hit_and_read(
            "consent_api",
            key=f"key:{digest}",
            rate=settings.CHARTE_CONSENT_API_RATE,
            read=[*keys_of(service_answer(digest)), *_person_keys(request)],
        )
        setattr(request, FOUND, found)
        setattr(request, REFUSAL, refusal)
        # From the cache, which a revocation replaces for every process once it commits.
        return service_for_key(digest, found)


class PerServiceThrottle(BaseThrottle):
    """`CONSENT_API_RATE` per service, counted in fixed windows in the shared cache
    (`charte.core.ratelimit`) while its key is read (`ServiceKey`). The rate is read from the
    settings when a request comes, never at import."""

    def __init__(self) -> None:
        self.local = threading.local()  # one instance serves every thread of the process

    def allow_request(self, request: HttpRequest) -> bool:
        refusal = getattr(request, REFUSAL, None)
        if not hasattr(request, REFUSAL):  # not counted with a key: by the client's address
            refusal = ratelimit.hit(
                "consent_api",
                key=self.get_ident(request) or "",
                rate=settings.CHARTE_CONSENT_API_RATE,
            )
        self.local.retry_after = refusal.retry_after if refusal else None
        return refusal is None

    def wait(self) -> float | None:
        return getattr(self.local, "retry_after", None)

    def get_ident(self, request: HttpRequest) -> str | None:
        """The client's address, read through our trusted proxies only (never from a header
        the client wrote)."""
        return client_address(request)


RENDERER = JSONRenderer()
router = Router(tags=["consent"], auth=ServiceKey(), throttle=[PerServiceThrottle()])


class TextOut(Schema):
    language: str
    body: str
    sha256: str


class PurposeOut(Schema):
    code: str
    name: str
    separable: bool
    texts: list[TextOut]


class ConsentOut(Schema):
    purpose: str
    holds: bool
    act: str | None
    at: datetime | None
    channel: str | None
    on_behalf: bool
    charter_version: int | None


class SubjectOut(Schema):
    subject: UUID
    consents: list[ConsentOut]


class ChoiceIn(InputSchema):
    purpose: str
    given: bool
    text_sha256: str = ""
    language: str = "fr"


class RecordOut(Schema):
    record: UUID | None
    purpose: str
    act: str
    at: datetime
    channel: str


class Pong(Schema):
    ok: bool


@router.get("/ping", response=Pong, auth=None, throttle=[], summary="Liveness, no database")
def ping(request: HttpRequest) -> dict[str, bool]:
    return {"ok": True}


@router.get(
    "/purposes",
    response={200: list[PurposeOut], **refusals(401, 429)},
    summary="Purposes and their current texts",
)
def purposes(request: HttpRequest) -> list[dict[str, Any]]:
    adult = User(role="parent")
    return [
        {
            "code": p.code,
            "name": str(p.name),
            "separable": p.separable,
            "texts": [
                {
                    "language": language,
                    "body": text_body(p.code, language),
                    "sha256": ConsentText.digest(text_body(p.code, language)),
                }
                for language, _name in settings.LANGUAGES
            ],
        }
        for p in purposes_for(adult)
    ]


def _subject(request: HttpRequest, public_id: UUID) -> User:
    person = subject(public_id, getattr(request, FOUND, None))
    if person is None:
        raise NotFound("No such person.")
    return person


@router.get(
    "/subjects/{public_id}",
    response={200: SubjectOut, **refusals(401, 404, 422, 429)},
    summary="A person's current consents",
)
def subject_consents(request: HttpRequest, public_id: UUID) -> HttpResponse:
    # From the cache, which every write of the person's consents, every change to their account
    # (closed, erased, another role) and every material change of the charter replace on commit;
    # read in the same round trip as the service's key.
    ref = f"user:{public_id}"
    found: dict[str, Any] = getattr(request, FOUND, None) or {}
    body = _cached_answer(ref, found)
    if body is None:
        body = _answer(request, ref, found)
    return HttpResponse(body, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


def _answer(request: HttpRequest, ref: str, found: dict[str, Any]) -> bytes:
    account, latest, changes = consent_state_and_changes(ref, found)
    if account is None or account.is_staff:
        raise NotFound("No such person.")
    out = []
    for p in purposes_for(User(role=account.role)):
        record = latest.get(p.code)
        version = record.charter_version if record else None  # the version's number
        out.append(
            {
                "purpose": p.code,
                # As processing asks it: not after a material change widened the purpose (U1).
                "holds": bool(record and record.act == "given" and account.is_active)
                and not widened_since(p.code, version, changes),
                "act": record.act if record else None,
                "at": record.at if record else None,
                "channel": record.channel if record else None,
                "on_behalf": bool(record and record.on_behalf),
                "charter_version": version,
            }
        )
    # Rendered as the API renders any answer (its default renderer), through its schema.
    answer = SubjectOut.model_validate({"subject": ref.removeprefix("user:"), "consents": out})
    rendered = RENDERER.render(request, answer.model_dump(), response_status=200)
    body = rendered if isinstance(rendered, bytes) else str(rendered).encode()
    _keep_answer(ref, found, body)
    return body


@router.post(
    "/subjects/{public_id}",
    response={201: RecordOut, 200: RecordOut, **refusals(400, 401, 404, 422, 429)},
    summary="Give or withdraw a purpose a person can choose alone",
)
def record_consent(request: HttpRequest, public_id: UUID, choice: ChoiceIn) -> Status[Any]:
    client = request.auth  # type: ignore[attr-defined]
    assert isinstance(client, ApiClient)
    person = _subject(request, public_id)
    if choice.purpose not in register.PURPOSE_BY_CODE:
        raise NotFound("No such purpose.")
    created = actions.record_choices(
        person=person,
        choices={choice.purpose: choice.given},
        actor=SystemActor(f"api:{client.name}"),
        channel=Channel.API,
        language=choice.language if choice.language in {"fr", "en"} else "fr",
        texts={choice.purpose: choice.text_sha256} if choice.given else None,
        only_separable=True,
        found=getattr(request, FOUND, None),
    )
    if not created:
        state = latest_records(person).get(choice.purpose)
        return Status(
            200,
            {
                "record": state.public_id if state else None,
                "purpose": choice.purpose,
                "act": state.act if state else "refused",
                "at": state.at if state else timezone.now(),
                "channel": state.channel if state else Channel.API,
            },
        )
    record = created[0]
    return Status(
        201,
        {
            "record": record.public_id,
            "purpose": record.purpose,
            "act": record.act,
            "at": record.at,
            "channel": record.channel,
        },
    )
