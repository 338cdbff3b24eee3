"""Who may open what: one matrix for every page and API route, for every role (charter §3, R1).

Every URL pattern of the project must have an entry here: a route added without one fails
`test_every_route_has_an_entry`. For each route and each role (and a visitor who is not signed
in), the test opens the route as a real user would and compares the status with the entry:
the roles listed see it (2xx, or the redirect the entry names), a visitor is sent to sign in
(or gets 401 from the API), everyone else gets "not found", exactly as for a missing object.
Routes that name an object get it from `World`, a small set of objects owned by the personas,
so that the allowed role sees its own object and every other role gets 404.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from charte.accounts import actions as accounts
from charte.accounts.models import Role, User
from tests.factories import make_user

VISITOR = "visitor"
EVERY_ROLE = frozenset(r.value for r in Role)
PLATFORM = frozenset({Role.PUPIL, Role.PARENT, Role.TEACHER, Role.SCHOOL_STAFF})
STAFF = EVERY_ROLE - PLATFORM


@dataclass
class World:
    """One signed-in person per role, and the objects the routes need, owned by them."""

    people: dict[str, User]
    child: User

    @classmethod
    def build(cls) -> "World":
        people = {
            role.value: make_user(role=role, first_name=f"Matrice{role.value}") for role in Role
        }
        child = make_user(role=Role.PUPIL, first_name="Enfant")
        accounts.propose_guardianship(
            child=child, guardian=people[Role.PARENT], actor=people[Role.PARENT]
        )
        return cls(people=people, child=child)


@dataclass(frozen=True)
class Entry:
    """Who gets the route. `visitor` is the status a visitor gets (302 to sign in by default)."""

    roles: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    visitor: int = 302
    ok: frozenset[int] = frozenset({200})
    denied: frozenset[int] = frozenset({404})
    note: str = ""


def everyone(*, visitor: int = 200, ok: frozenset[int] = frozenset({200})) -> Entry:
    return Entry(roles=EVERY_ROLE, visitor=visitor, ok=ok)


def only(*roles: str, **extra: Any) -> Entry:
    return Entry(roles=frozenset(roles), **extra)


MATRIX: dict[str, Entry] = {
    # The shell, the charter and signing in: open to all.
    "home": everyone(),
    "privacy:charter": everyone(),
    "set_language": Entry(
        roles=EVERY_ROLE, visitor=302, ok=frozenset({302}), note="POST only; GET redirects back"
    ),
    "accounts:login": Entry(
        roles=EVERY_ROLE, visitor=200, ok=frozenset({302}), note="a signed-in user is sent home"
    ),
    "accounts:logout": Entry(
        roles=EVERY_ROLE,
        visitor=405,
        ok=frozenset({405}),
        denied=frozenset({405}),
        note="POST only",
    ),
    "accounts:password_reset": everyone(),
    "accounts:password_reset_done": everyone(),
    "accounts:password_reset_complete": everyone(),
    "accounts:password_reset_confirm": Entry(
        roles=EVERY_ROLE,
        kwargs=lambda w: {"uidb64": uuid.uuid4().hex, "token": "expired-token"},
        visitor=200,
        note="an invalid link says so, to anyone",
    ),
    "accounts:password_change": everyone(visitor=302),
    "accounts:password_change_done": everyone(visitor=302),
    # Each person's own data; a guardian also sees their child's.
    "accounts:privacy_centre": everyone(visitor=302),
    "accounts:privacy_centre_person": only(
        Role.PARENT, kwargs=lambda w: {"person": w.child.public_id}
    ),
    # Internal services, each limited to its purpose.
    "recipients:authority_requests": only(Role.DPO),
    "recipients:review_invitations": only(Role.MARKETING),
    # The API.
    "api:api-root": Entry(
        roles=frozenset(), visitor=404, denied=frozenset({404}), note="no page at the root"
    ),
    "api:openapi-json": everyone(),
    "api:openapi-view": everyone(),
    "api:me": everyone(visitor=401),
    # Internal services' pages: the marketing service's newsletter contacts, and customer
    # service's account lookup (data minimisation: no results, productions or work).
    "consent:newsletter_contacts": only(Role.MARKETING),
    "consent:newsletter_contacts_csv": only(Role.MARKETING),
    "support:account_lookup": only(Role.CUSTOMER_SERVICE),
}


def routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = (
                    f"{namespace}:{p.namespace}"
                    if namespace and p.namespace
                    else (p.namespace or namespace)
                )
                yield from walk(p.url_patterns, inner)
            elif p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p

    yield from walk(get_resolver().url_patterns, None)


def test_every_route_has_an_entry():
    missing = sorted({name for name, _ in routes()} - set(MATRIX))
    stale = sorted(set(MATRIX) - {name for name, _ in routes()})

    assert missing == [], f"routes without an entry in the access matrix: {missing}"
    assert stale == [], f"entries for routes that no longer exist: {stale}"


def test_every_route_without_a_name_is_refused():
    unnamed = [
        str(p.pattern)
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and not p.name
    ]

    assert unnamed == []


@pytest.fixture
def world(db) -> World:
    return World.build()


CASES = sorted(MATRIX)


@pytest.mark.parametrize("name", CASES)
def test_each_role_gets_what_the_matrix_says(name, world):
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    wrong: list[tuple[str, int, object]] = []

    status = Client().get(url).status_code
    if status != entry.visitor:
        wrong.append((VISITOR, status, entry.visitor))
    for role, person in world.people.items():
        client = Client()
        client.force_login(person)
        status = client.get(url).status_code
        expected = entry.ok if role in entry.roles else entry.denied
        if status not in expected:
            wrong.append((role, status, sorted(expected)))

    assert wrong == [], f"{name} ({url}): (who, got, expected) {wrong}"
