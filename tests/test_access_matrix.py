"""Who may open what: one matrix for every page and API route, for every role (charter §3, R1).

Every URL pattern of the project must have an entry in the matrix (`tests/matrix.py`; its
world of objects in `tests/world.py`): a route added without one fails
`test_every_route_has_an_entry`. For each route and each role (and a visitor who is not signed
in), the test opens the route as a real user would and compares the status with the entry:
the roles listed see it (2xx, or the redirect the entry names), a visitor is sent to sign in
(or gets 401 from the API), everyone else gets "not found", exactly as for a missing object.
Routes that name an object get it from `World`, a small set of objects owned by the personas,
so that the allowed role sees its own object and every other role gets 404.

Routes that act only on POST are also tried by POST (`Post`): the roles reach the action, anyone
else is told it does not exist. And every URL of the pages and the API that names an object is
tried by every other role, and with a missing object by its own roles: "not found" alike.

The world is built once per module, in a transaction undone at its end; every request runs in a
savepoint undone at once, so what one role does is never seen by the next.
"""

import uuid

import pytest
from django.urls import URLPattern, get_resolver, reverse

from charte.audit import events
from tests.matrix import (
    EVERY_ROLE,
    MATRIX,
    PUPIL,
    VISITOR,
    expected_get,
    routes,
    url_of,
)
from tests.world import World, answer, ask, world

__all__ = ["world"]  # the fixture, shared with the attacks


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


CASES = sorted(MATRIX)


@pytest.mark.parametrize("name", CASES)
def test_each_role_gets_what_the_matrix_says(name, world, db):
    entry = MATRIX[name]
    url = url_of(name, world)
    wrong: list[tuple[str, int, object]] = []

    status = ask(None, "get", url)
    if status != entry.visitor:
        wrong.append((VISITOR, status, entry.visitor))
    for role, person in world.people.items():
        status = ask(person, "get", url)
        expected = expected_get(entry, role)
        if status not in expected:
            wrong.append((role, status, sorted(expected)))

    assert wrong == [], f"{name} ({url}): (who, got, expected) {wrong}"


POSTS = sorted(name for name, entry in MATRIX.items() if entry.post)


@pytest.mark.parametrize("name", POSTS)
def test_each_role_may_post_only_where_the_matrix_says(name, world, db):
    """The roles do the action; anyone else is told it does not exist and nothing is done (the
    journal records only the refusal), and a visitor is sent to sign in (the API answers 401)."""
    post = MATRIX[name].post
    assert post is not None
    url = url_of(name, world)
    data = post.data(world) if post.data else {}
    method = "json" if post.json else "post"
    wrong: list[tuple[str, int, object]] = []

    status = ask(None, method, url, data)
    if status != (401 if post.json else 302):
        wrong.append((VISITOR, status, 401 if post.json else 302))
    for role, person in world.people.items():
        reply = answer(person, method, url, data)
        expected = post.ok if role in post.roles else post.denied
        if reply.status not in expected:
            wrong.append((role, reply.status, sorted(expected)))
        done = set(reply.events) - {events.ACCESS_DENIED}
        if role not in post.roles and done:
            wrong.append((role, reply.status, f"journalled {sorted(done)}"))

    assert wrong == [], f"POST {name} ({url}): (who, got, expected) {wrong}"


def names_an_object(pattern: URLPattern) -> bool:
    return "<uuid:" in str(pattern.pattern) or "<public_id>" in str(pattern.pattern)


OBJECT_ROUTES = sorted(
    name
    for name, pattern in routes()
    if names_an_object(pattern)
    and name in MATRIX
    and MATRIX[name].denied == frozenset({404})
    and (MATRIX[name].post or MATRIX[name].roles != EVERY_ROLE)
)


def object_kwargs(name: str, world: World) -> list[str]:
    """The URL's parts that name an object by its public id."""
    entry = MATRIX[name]
    kwargs = entry.kwargs(world) if entry.kwargs else {}
    return [key for key, value in kwargs.items() if isinstance(value, uuid.UUID)]


def not_found_page(status: int, body: str, *, api: bool) -> bool:
    if status != 404:
        return False
    return True if api else "Page introuvable" in body or "plus valable" in body


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_every_object_url_is_not_found_for_every_other_role(name, world, db):
    """Each object URL of the pages and the API, tried as every role that is not the object's:
    "not found", as for an object that does not exist (which its own roles are told too);
    without signing in, the pages send to sign in and the API answers 401."""
    entry = MATRIX[name]
    api = name.startswith("api:")
    by_post = entry.post is not None and entry.ok == frozenset({405})
    method = ("json" if api else "post") if by_post else "get"
    assert entry.post is not None or not by_post
    allowed = entry.post.roles if by_post and entry.post else entry.roles
    data = entry.post.data(world) if by_post and entry.post and entry.post.data else {}
    url = url_of(name, world)
    missing = url_of(name, world, **{k: uuid.uuid4() for k in object_kwargs(name, world)})
    wrong: list[tuple[str, str, int]] = []

    assert object_kwargs(name, world), name
    assert ask(None, method, url, data) == (401 if api else 302)
    answers: set[str] = set()
    for role, person in world.people.items():
        case = "missing" if role in allowed else "not theirs"
        reply = answer(person, method, missing if role in allowed else url, data)
        if not not_found_page(reply.status, reply.body, api=api):
            wrong.append((role, case, reply.status))
        if api:
            answers.add(reply.body)

    assert wrong == [], f"{method.upper()} {name} ({url}): {wrong}"
    assert len(answers) <= 1, f"the API tells a missing object from another's: {answers}"


def test_a_pupils_own_note_is_theirs_alone(world, db):
    """Personal resources (P6) are not shared with the family or the teacher unless given with
    work: the pupil's own note is "not found" for every other role."""
    url = reverse("resources:detail", kwargs={"public_id": world.ids["note"]})

    got = {role: ask(person, "get", url) for role, person in world.people.items()}

    assert got == {role: 200 if role == PUPIL else 404 for role in world.people}
    assert ask(None, "get", url) == 302
