"""The API under fuzzing: schemathesis sends what the OpenAPI schema allows, and what it does not,
to every operation, as a visitor, as each role and as another service with its consent key.

The promise: no answer is a server error, and every answer (its status, its content type, its
body) is one the schema documents, so that a client built from `/api/openapi.json` is never
surprised. The schema is the one the site serves; requests go through the whole WSGI stack
(middleware, CSRF, sessions) as a browser's would: the signed-in roles send their session
cookie and, for writes, the CSRF cookie and header, as our own pages' scripts do.

Objects named in a path are now and then swapped for those of `World` (the access matrix's
objects, owned by the personas), so that operations are reached past "not found" for their
owners and tried on others' objects by everyone else. Each request runs in a savepoint undone
at once, like the access matrix's, so one request's writes never shape the next.

Bounded: a fixed number of examples per operation (`FUZZ_EXAMPLES`), derandomised, so that a run
takes about a minute and a failure comes back the same on the next run.
"""

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup

from charte.accounts.models import Role
from charte.consent.actions import create_api_client
from charte.core.actors import SEED
from charte.core.api import api
from tests.conftest import client_for
from tests.world import World

pytestmark = pytest.mark.once

FUZZ_EXAMPLES = 8
VISITOR = "visitor"
SERVICE = "service"
IDENTITIES = (VISITOR, *(r.value for r in Role), SERVICE)

# Checks that hold the schema to what the site answers. Left out: `unsupported_method` and
# `allow_header_conformance` (a method the schema does not list is answered by the framework's
# 405, not by our operations), and the checks that need a generated resource's lifecycle
# (`use_after_free`, `ensure_resource_availability`).
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": FUZZ_EXAMPLES,
            "deterministic": True,
            "mode": "all",
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "checks": {
            "unsupported_method": {"enabled": False},
            "allow_header_conformance": {"enabled": False},
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            # A well-formed request that a rule refuses (a pupil creating a class, a code
            # that opens no class) is answered 400, documented on each operation. Rules on
            # text that JSON Schema cannot state (a card number, a NUL that PostgreSQL cannot
            # store, a child's contact details) answer 422 with their own error type, also
            # documented; tests/attacks/test_unstorable_text.py and the others hold them.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]
            },
        },
    }
)


class Site:
    """Django's WSGI handler, each request in a savepoint undone at once.

    The handler closes "old" connections when a request ends, which would end the test's
    transaction; Django's test client turns that off around its requests, and so does this.
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                body = b"".join(self.handler(environ, start_response))
                transaction.set_rollback(True)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


@dataclass(frozen=True)
class Identity:
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


def identities(world: World, key: str) -> dict[str, Identity]:
    """What each identity sends: a session cookie and a CSRF token pair, a service's key, or
    nothing (a visitor)."""
    csrf = get_random_string(32)
    out = {VISITOR: Identity(), SERVICE: Identity(headers={"Authorization": f"Bearer {key}"})}
    for role, person in world.people.items():
        session = client_for(person).cookies[settings.SESSION_COOKIE_NAME].value
        out[role] = Identity(
            headers={"X-CSRFToken": csrf},
            cookies={settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf},
        )
    return out


def real_values(world: World) -> dict[str, list[str]]:
    """For each path parameter, the values that name objects of the world."""
    ids = [str(world.ids[k]) for k in ("class", "pupil", "parent", "assignment", "request")]
    return {"public_id": ids, "slug": ["republique-symboles", "vote-bureau"]}


def served_schema() -> dict[str, Any]:
    """The document `/api/openapi.json` serves (a test below holds the two equal), read without
    a request: the tests are made from it when the module loads, before any database is up."""
    return json.loads(json.dumps(api.get_openapi_schema()))


schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)
schema.app = Site()


@pytest.fixture(scope="module")
def fuzzed(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Identity]]:
    """The world and what each identity sends, for the module: built in a transaction undone at
    its end."""
    files = tmp_path_factory.mktemp("fuzz")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=files / "media",
            CHARTE_ARCHIVE_DIR=files / "archives",
            CHARTE_CONSENT_API_RATE="100000/m",
        ),
        transaction.atomic(),
    ):
        world = World.build()
        _, key = create_api_client(name="fuzzer", actor=SEED)
        _real_values[:] = [real_values(world)]
        yield identities(world, key)
        _real_values.clear()
        transaction.set_rollback(True)


# The world's ids and slugs, while the module's world stands.
_real_values: list[dict[str, list[str]]] = []


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Keep what was generated, or put a real object's id (or slug) in its place."""
    strategies = [st.just(path_parameters)]
    values = _real_values[0] if _real_values else {}
    for name, value in (path_parameters or {}).items():
        if name in values and _well_formed(name, value):
            strategies.append(st.sampled_from(values[name]).map(_put(path_parameters, name)))
    return st.one_of(strategies)


def _put(parameters: dict[str, Any], name: str) -> Callable[[str], dict[str, Any]]:
    return lambda real: {**parameters, name: real}


def _well_formed(name: str, value: Any) -> bool:
    if name != "public_id":
        return isinstance(value, str) and value.isascii() and value.replace("-", "").isalnum()
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def test_the_fuzzed_schema_is_the_one_the_site_serves(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json() == served_schema()


# The mark tells pytest-django that this test needs the test database set up.
@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_of_the_api_is_documented_and_none_is_a_server_error(case, fuzzed, db):
    """Each generated request is sent as every identity in turn; any failing check names it."""
    headers, cookies = dict(case.headers or {}), dict(case.cookies or {})
    for identity in IDENTITIES:
        # Credentials go on the case, as an auth provider's would, so that the checks which
        # take them away (`ignored_auth`) know what to take away.
        sent = fuzzed[identity]
        case.headers = {**headers, **sent.headers}
        case.cookies = {**cookies, **sent.cookies}
        # As an auth provider would say: these credentials are given, not generated.
        case._has_explicit_auth = identity != VISITOR
        try:
            case.call_and_validate()
        except FailureGroup as failures:
            failures.add_note(f"Sent as: {identity}")
            raise
