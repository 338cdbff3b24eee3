"""Hostile input on every form and every API operation, as every role: never a server error.

The crawl, from the URL configuration and the OpenAPI schema:
1. Every page of the URL conf (the access matrix's entries give each route's objects, owned by
   the personas of its `World`) is opened by GET as a visitor and as each role.
2. Each `<form>` on each page (read with the standard library's HTML parser) is submitted once
   per kind of hostile value (NUL characters, 100,000 characters, impossible dates, impossible
   numbers, markup, formulas, broken JSON, path tricks), in two ways: every field hostile, and
   every field as the page filled it but the free-text ones. The roles that saw the form take
   turns, so that each of them sends at least one (a pupil's answer is stored, a visitor's is
   not: the same form takes another path).
3. Every operation of the OpenAPI schema is called with a body (or a query) whose every field
   holds one kind of hostile value, each identity and each kind in turn, then with a body that
   is not JSON, and a body with lone surrogates.
Any 5xx fails the test, with the form or operation, the role and the value that made it.

Each submission runs in a savepoint undone at once (the access matrix's `answer`), and the rate
limits and the minimum answer times are reset, so that every form is reached as a person would
reach it rather than after a "too many requests". Values are sampled so that the crawl stays
within a few minutes: every form and operation gets every kind once in each way, the value of a
kind turning with the form. On PostgreSQL first: SQLite accepts a NUL that PostgreSQL refuses.

`test_a_view_that_fails_on_bad_input_is_found` registers a deliberately broken view and shows
that the crawl finds it.
"""

import copy
import json
import re
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, path, resolve

import config.urls
from charte.accounts.models import User
from charte.core import timing
from charte.core.api import api
from tests.matrix import MATRIX, VISITOR, url_of
from tests.world import World, client_of, world

pytestmark = pytest.mark.once

__all__ = ["world"]

# One list per kind; a form gets one value of each kind, turning with the form.
HOSTILE: dict[str, list[str]] = {
    "nul": ["\x00", "a\x00b", "%00"],
    "long": ["x" * 100_000, "é" * 100_000],
    "date": ["2026-02-30", "0000-00-00", "99999-12-31", "31/02/2026", "2026-13-01T25:61"],
    "number": ["NaN", "-1", "1e309", "9" * 50, "-0", "Infinity", "0x10", "1,5"],
    "markup": ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}"],
    "formula": ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "@SUM(1)"],
    "json": ['{"a":', "[1, 2", "null", '{"__proto__": {}}', '"\\ud800"'],
    "path": [
        "/%0B/evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "../../etc/passwd",
        "' OR 1=1 --",
        "javascript:alert(1)",
    ],
}
SURROGATE = "\ud800"
URLENCODED = "application/x-www-form-urlencoded"
KINDS = sorted(HOSTILE)


def sample(kind: str, key: str) -> str:
    """One value of `kind` for `key` (a form, an operation): stable from one run to the next."""
    values = HOSTILE[kind]
    return values[zlib.crc32(key.encode()) % len(values)]


# Forms --------------------------------------------------------------------------------------

FREE_TEXT = {
    "text",
    "textarea",
    "search",
    "email",
    "url",
    "tel",
    "password",
    "hidden",
    "number",
    "date",
    "datetime-local",
    "time",
    "month",
    "week",
    "",
}


@dataclass
class Form:
    action: str
    method: str
    # (name, kind of input, the value the page gave it), in the page's order
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.action, self.method, tuple(sorted({f[0] for f in self.fields})))


FormKey = tuple[str, str, tuple[str, ...]]


class FormParser(HTMLParser):
    """Every `<form>` of a page: its action, method, and its fields with their values."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                action=urljoin(self.page, a.get("action") or self.page),
                method=(a.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "name" not in a:
            if tag == "option" and form is not None and self._select:
                form.options[self._select].append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "image", "reset", "button", "file"}:
                if kind == "submit" and a.get("value"):
                    form.options.setdefault(name, []).append(a["value"])
                return
            if kind in {"checkbox", "radio"}:
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if name not in {f[0] for f in form.fields}:
                    form.fields.append((name, kind, a.get("value", "on")))
                return
            form.fields.append((name, kind, a.get("value", "")))
        elif tag == "button" and a.get("value"):
            form.options.setdefault(name, []).append(a["value"])
            if name not in {f[0] for f in form.fields}:
                form.fields.append((name, "button", a["value"]))
        elif tag == "select":
            self._select = name
            form.options[name] = []
            form.fields.append((name, "select", ""))
        elif tag == "textarea":
            self._textarea = name
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields.append((self._textarea, "textarea", "".join(self._text)))
            self._textarea = None


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if urlsplit(f.action).netloc in {"", "testserver"}]


def as_filled(form: Form) -> dict[str, list[str]]:
    """The form as the page filled it: first option of each list, each checkbox ticked."""
    data: dict[str, list[str]] = {}
    for name, kind, value in form.fields:
        if kind == "select":
            choices = [o for o in form.options.get(name, []) if o] or [""]
            data[name] = choices[:1]
        elif kind in {"checkbox", "radio", "button"}:
            data[name] = (form.options.get(name) or [value])[:1]
        else:
            data[name] = [value]
    return data


def hostile_data(form: Form, value: str, *, everything: bool) -> dict[str, list[str]]:
    """The form with `value` in every field (`everything`), or in its free-text ones only."""
    data = as_filled(form)
    for name, kind, _value in form.fields:
        if name == "csrfmiddlewaretoken":
            continue
        if everything or kind in FREE_TEXT or kind == "textarea":
            data[name] = [value]
    return data


# Requests -----------------------------------------------------------------------------------


@dataclass
class Failure:
    who: str
    method: str
    url: str
    what: str
    error: str

    def __str__(self) -> str:
        return f"{self.who} {self.method.upper()} {self.url} [{self.what}]: {self.error}"


@dataclass
class Crawl:
    people: dict[str, User | None]
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    forms: int = 0
    operations: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # by kind of request

    def send(
        self, who: str, method: str, url: str, what: str, **kwargs: Any
    ) -> HttpResponse | None:
        """One request in a savepoint undone at once; a 5xx or an exception is a failure."""
        person = self.people[who]
        client = client_of(person) if person is not None else Client()
        cookies = copy.deepcopy(client.cookies)
        cache.clear()  # rate limits: each submission is a person's first
        self.requests += 1
        started = time.monotonic()
        try:
            with transaction.atomic():
                response = getattr(client, method)(url, **kwargs)
                transaction.set_rollback(True)
        except Exception as exc:
            self.failures.append(Failure(who, method, url, what, f"{type(exc).__name__}: {exc}"))
            return None
        finally:
            client.cookies = cookies
            kind = what.split(":")[0]
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.monotonic() - started
        if response.status_code >= 500:
            self.failures.append(Failure(who, method, url, what, f"status {response.status_code}"))
        return response


def pages(world: World) -> Iterator[tuple[str, list[str]]]:
    """(URL, who opens it) for every route of the URL conf: the roles that the access matrix
    lets in, and a visitor where the page is public (anyone else gets "not found")."""
    for name, entry in sorted(MATRIX.items()):
        if name.startswith("api:"):
            continue  # the API is read from its schema
        whos = sorted(
            role
            for role in entry.roles
            if entry.statuses.get(role, 200 if 200 in entry.ok else 0) == 200
        )
        if entry.visitor == 200:
            whos.append(VISITOR)
        if not whos:
            continue  # a POST-only route, or one that only sends elsewhere: no page of its own
        try:
            url = url_of(name, world)
        except NoReverseMatch:
            continue
        yield url, whos


def discover_forms(
    crawl: Crawl, pages: Iterable[tuple[str, list[str]]]
) -> dict[FormKey, tuple[Form, list[str]]]:
    """Each distinct form on the pages, with who saw it."""
    found: dict[FormKey, tuple[Form, list[str]]] = {}
    for url, whos in pages:
        for who in whos:
            response = crawl.send(who, "get", url, "page")
            if response is None or response.status_code != 200 or response.streaming:
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            for form in forms_of(url, response.content.decode(errors="replace")):
                if form.method not in {"get", "post"} or not _ours(form.action):
                    continue
                seen = found.setdefault(form.key(), (form, []))[1]
                if who not in seen:
                    seen.append(who)
    return found


def _ours(url: str) -> bool:
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


def rounds(whos: list[str]) -> list[tuple[str, str, bool]]:
    """(who, kind, every field?) for one form: each kind of value once in each way, the roles
    that saw the form taking turns, so that each of them sends at least one (some paths are a
    role's alone: only a pupil's answer is stored) and each kind is sent both ways."""
    ways = [(kind, everything) for everything in (False, True) for kind in KINDS]
    turns = max(len(ways), len(whos))
    return [(whos[i % len(whos)], *ways[i % len(ways)]) for i in range(turns)]


def submit_forms(crawl: Crawl, forms: dict[FormKey, tuple[Form, list[str]]]) -> None:
    for key, (form, whos) in sorted(forms.items(), key=lambda item: repr(item[0])):
        crawl.forms += 1
        target = urlsplit(form.action)
        url = target.path + (f"?{target.query}" if target.query else "")
        for who, kind, everything in rounds(whos):
            value = sample(kind, f"{key!r} {who}")
            data = hostile_data(form, value, everything=everything)
            what = f"{kind}{' (every field)' if everything else ''}: {value[:40]!r}"
            if form.method == "get":
                crawl.send(who, "get", target.path, what, data=data)
            else:  # as a browser sends a form without files
                body = urlencode(data, doseq=True)
                crawl.send(who, "post", url, what, data=body, content_type=URLENCODED)


# The API ------------------------------------------------------------------------------------


def operations(world: World) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, URL, operation) of every operation in the OpenAPI schema, its path parameters
    filled from the matrix's objects (the operation's own route, where the matrix has it)."""
    schema = api.get_openapi_schema()
    by_path = {}
    for name in MATRIX:
        if name.startswith("api:"):
            try:
                by_path[resolve(url_of(name, world)).route] = url_of(name, world)
            except NoReverseMatch:
                continue
    for route, items in schema["paths"].items():
        for method, operation in items.items():
            url = by_path.get(_route(route)) or _filled(route)
            yield method, url, operation


def _route(openapi_path: str) -> str:
    """`/api/x/{public_id}` as Django's route string, `api/x/<public_id>`."""
    return openapi_path.lstrip("/").replace("{", "<").replace("}", ">")


def _filled(openapi_path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", openapi_path)


def hostile_json(schema: dict[str, Any], components: dict[str, Any], value: str) -> Any:
    """A body of the operation's shape with `value` wherever there is a field."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out = {
            name: hostile_json(sub, components, value)
            for name, sub in schema.get("properties", {}).items()
        }
        return out or {"key": value}
    if kind == "array":
        return [hostile_json(schema.get("items", {}), components, value)]
    if "anyOf" in schema:
        return hostile_json(schema["anyOf"][0], components, value)
    return value


def call_operations(crawl: Crawl, world: World) -> None:
    """Each operation with each kind of value and by each identity (taking the kinds in turn),
    then with a body that is not JSON and one with a lone surrogate."""
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    whos = list(crawl.people)
    for n, (method, url, operation) in enumerate(operations(world)):
        crawl.operations += 1
        content = operation.get("requestBody", {}).get("content", {})
        body_schema = content.get("application/json", {}).get("schema")
        params = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        for i in range(max(len(KINDS), len(whos))):
            kind, who = KINDS[i % len(KINDS)], whos[(i + n) % len(whos)]
            value = sample(kind, f"{method} {url} {who}")
            what = f"{kind}: {value[:40]!r}"
            query = dict.fromkeys(params, value)
            if method in {"get", "delete"}:
                crawl.send(who, method, url, what, data=query)
                continue
            body = hostile_json(body_schema, components, value) if body_schema else {}
            crawl.send(
                who, method, url, what, data=json.dumps(body), content_type="application/json"
            )
        if method in {"post", "put", "patch"}:
            who = whos[n % len(whos)]
            crawl.send(
                who, method, url, "not JSON", data='{"a": [1, 2', content_type="application/json"
            )
            body = hostile_json(body_schema, components, f"a{SURROGATE}b") if body_schema else {}
            crawl.send(
                whos[(n + 1) % len(whos)],
                method,
                url,
                "lone surrogate",
                data=json.dumps(body, ensure_ascii=True),
                content_type="application/json",
            )


# The tests ----------------------------------------------------------------------------------


@pytest.fixture
def crawl(world: World, monkeypatch: pytest.MonkeyPatch) -> Crawl:
    monkeypatch.setattr(timing, "pause", lambda seconds: None)
    people: dict[str, User | None] = {VISITOR: None, **world.people}
    return Crawl(people=people)


def report(crawl: Crawl, took: float) -> str:
    spent = ", ".join(f"{kind} {s:.0f} s" for kind, s in sorted(crawl.seconds.items()))
    return (
        f"{len(crawl.failures)} server errors in {crawl.requests} requests "
        f"({crawl.forms} forms, {crawl.operations} operations, {took:.0f} s: {spent}):\n"
        + "\n".join(str(f) for f in crawl.failures[:40])
    )


# The pages in two halves, so that the suite's two workers can crawl them side by side (a form
# on pages of both halves, such as the footer's, is sent from each).
HALVES = 2


def half(url: str) -> int:
    return zlib.crc32(url.encode()) % HALVES


@pytest.mark.parametrize("part", range(HALVES))
def test_no_form_answers_hostile_input_with_a_server_error(
    crawl: Crawl, world: World, db: None, part: int
) -> None:
    started = time.monotonic()
    forms = discover_forms(crawl, [(url, w) for url, w in pages(world) if half(url) == part])
    submit_forms(crawl, forms)
    took = time.monotonic() - started
    print(f"\nforms ({part}): {report(crawl, took)}")  # noqa: T201 (the crawl's size)

    assert crawl.forms > 25, "the crawl found too few forms to mean anything"
    assert crawl.failures == [], report(crawl, took)


def test_no_api_operation_answers_hostile_input_with_a_server_error(
    crawl: Crawl, world: World, db: None
) -> None:
    started = time.monotonic()
    call_operations(crawl, world)
    took = time.monotonic() - started
    print(f"\nAPI: {report(crawl, took)}")  # noqa: T201 (the crawl's size, in the output)

    assert crawl.operations == sum(len(ops) for ops in api.get_openapi_schema()["paths"].values())
    assert crawl.failures == [], report(crawl, took)


# The crawl would see a view that fails on bad input -----------------------------------------


def broken(request: HttpRequest) -> HttpResponse:
    """Deliberately broken: trusts its field to be a number."""
    if request.method == "POST":
        int(request.POST["count"])
    return render(request, "core/error.html", {"title": "x"})


BROKEN_PAGE = (
    '<form method="post" action="/casse/"><input name="count" type="number" value="1">'
    "<button>Envoyer</button></form>"
)
urlpatterns = [*config.urls.urlpatterns, path("casse/", broken, name="broken")]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_that_fails_on_bad_input_is_found(crawl: Crawl, db: None) -> None:
    forms = {f.key(): (f, [VISITOR]) for f in forms_of("/casse/", BROKEN_PAGE)}
    assert len(forms) == 1

    submit_forms(crawl, forms)

    assert crawl.failures
    assert {f.url for f in crawl.failures} == {"/casse/"}
    assert any("ValueError" in f.error for f in crawl.failures)
