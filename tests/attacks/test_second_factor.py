"""An attacker who has a staff member's password, or a session opened with it alone.

Staff (DPO, IT, customer service, accounting, marketing, sales) see children's data: after the
password, every page and API call waits for the second factor. These tests sign in for real
(the password typed into the sign-in form), then try every route of the URL conf.
"""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from charte.accounts.models import STAFF_ROLES, Role, User
from charte.audit import events
from charte.audit.watch import POLICY
from charte.second_factor import actions
from charte.second_factor.middleware import OPEN_VIEWS
from charte.second_factor.models import RecoveryCode
from tests.conftest import client_for, journal
from tests.factories import make_user
from tests.second_factor.helpers import SETUP, VERIFY, code_for, give_app, sign_in

pytestmark = pytest.mark.django_db

STAFF = sorted(role.value for role in STAFF_ROLES)


def get_routes() -> list[tuple[str, str]]:
    """Every named route of the URL conf, as (name, a URL for it with made-up ids)."""

    def walk(patterns: list, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = p.namespace if not namespace else f"{namespace}:{p.namespace}"
                yield from walk(p.url_patterns, inner if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p

    routes = []
    for name, pattern in walk(get_resolver().url_patterns, None):
        kwargs = {}
        for key, converter in pattern.pattern.converters.items():
            kind = type(converter).__name__
            kwargs[key] = {"UUIDConverter": uuid.uuid4(), "IntConverter": 1}.get(kind, "x1")
        routes.append((name, reverse(name, kwargs=kwargs or None)))
    return routes


def assert_held(client: Client, routes: list[tuple[str, str]]) -> None:
    opened = []
    for name, url in routes:
        if name in OPEN_VIEWS:
            continue
        response = client.get(url)
        if name.startswith("api:"):
            held = response.status_code == 401 and b"second_factor_required" in response.content
        else:
            held = response.status_code == 302 and response["Location"].startswith(VERIFY)
        if not held:
            opened.append((name, response.status_code))
    assert opened == [], f"opened to a password-only session: {opened}"


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_is_sent_to_second_factor_before_any_of_its_pages(role):
    """With a factor: to verification; without one: to set-up. Then no route answers but
    sign-out, the language and the second factor's own pages."""
    with_app = make_user(role=Role(role), email=f"{role}.app@charte.test")
    give_app(with_app)
    without = make_user(role=Role(role), email=f"{role}.new@charte.test")
    routes = get_routes()
    assert len(routes) > 100

    for person, first_stop in ((with_app, VERIFY), (without, SETUP)):
        client = Client()
        response = sign_in(client, person)
        assert response.status_code == 302
        assert response["Location"].startswith(first_stop)
        assert client.get(first_stop).status_code == 200
        assert_held(client, routes)


def test_the_api_refuses_a_password_only_staff_session(it_jules):
    device = give_app(it_jules)
    client = Client()
    sign_in(client, it_jules)

    refused = client.get("/api/accounts/me")
    client.post(VERIFY, {"code": code_for(device)})
    allowed = client.get("/api/accounts/me")

    assert refused.status_code == 401
    assert refused.json()["code"] == "second_factor_required"
    assert allowed.status_code == 200
    assert allowed.json()["public_id"] == str(it_jules.public_id)


def test_a_stolen_password_alone_does_not_open_a_staff_page(dpo_elise):
    """The thief has the password, not the phone: every guess is journalled and counted as a
    failed sign-in; after five the session ends and the thief's device must wait before its
    next try, while the owner, from another device, still reaches their second factor: the
    thief slows down only themself (charte.audit.watch)."""
    device = give_app(dpo_elise)
    thief = Client(REMOTE_ADDR="198.51.100.7")
    sign_in(thief, dpo_elise)
    right = code_for(device)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in range(100_001, 100_006)]

    journal_page = thief.get(reverse("audit:search"))
    answers = [thief.post(VERIFY, {"code": guess}) for guess in wrong]

    assert journal_page.status_code == 302
    assert journal_page["Location"].startswith(VERIFY)
    assert [a.status_code for a in answers[:-1]] == [200] * 4
    assert "Ce code ne correspond pas" in answers[0].content.decode()
    assert answers[-1]["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in thief.session
    failed = journal(events.SECOND_FACTOR_FAILED, about=dpo_elise)
    assert len(failed) == 5
    assert failed[0].ip == "198.51.100.7"
    assert len(journal(events.LOGIN_FAILED, about=dpo_elise)) >= POLICY.account_failures
    assert journal(events.LOCKOUT, about=dpo_elise)
    again = sign_in(thief, dpo_elise)  # even with the right password, the thief must wait
    assert again.status_code == 429
    assert "_auth_user_id" not in thief.session
    owner = Client(REMOTE_ADDR="203.0.113.20")
    at_home = sign_in(owner, dpo_elise)
    assert at_home.status_code == 302
    assert at_home["Location"].startswith(VERIFY)  # and the second factor is still asked


def test_a_password_only_session_cannot_add_the_thiefs_own_factor(cs_farid):
    give_app(cs_farid)
    thief = Client()
    sign_in(thief, cs_farid)

    setup = thief.get(SETUP)
    options = thief.post(reverse("second_factor:passkey_register_options"))
    register = thief.post(
        reverse("second_factor:passkey_register"), {}, content_type="application/json"
    )

    assert setup.status_code == 302
    assert setup["Location"].startswith(VERIFY)
    assert options.status_code == 403
    assert register.status_code == 403
    assert journal(events.SECOND_FACTOR_ADDED) == []


def test_a_code_works_once(it_jules):
    device = give_app(it_jules)
    code = code_for(device)
    first, second = Client(), Client()
    sign_in(first, it_jules)
    sign_in(second, it_jules)

    used = first.post(VERIFY, {"code": code})
    replayed = second.post(VERIFY, {"code": code})

    assert used.status_code == 302
    assert replayed.status_code == 200
    assert "Ce code ne correspond pas" in replayed.content.decode()


def test_a_recovery_code_works_once(it_jules):
    device = actions.start_totp(user=it_jules)
    codes = actions.confirm_totp(device=device, code=code_for(device), actor=it_jules)
    recovery = reverse("second_factor:recovery")
    first, second = Client(), Client()
    sign_in(first, it_jules)
    sign_in(second, it_jules)

    used = first.post(recovery, {"code": codes[0].upper().replace("-", " ")})
    reused = second.post(recovery, {"code": codes[0]})

    assert used.status_code == 302
    assert first.get(reverse("audit:search")).status_code == 200
    assert reused.status_code == 200
    assert "pas valable" in reused.content.decode()
    assert second.get(reverse("audit:search")).status_code == 302
    [spent] = journal(events.RECOVERY_CODE_USED, about=it_jules)
    assert spent.data == {"left": 9}
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1
    # Stored as digests only: no code appears in the database.
    assert not RecoveryCode.objects.filter(digest__in=codes).exists()


def test_a_reset_by_oneself_is_refused(dpo_elise):
    give_app(dpo_elise)
    client = client_for(dpo_elise)

    looked_up = client.post(reverse("second_factor:reset"), {"login": dpo_elise.login})
    posted = client.post(
        reverse("second_factor:reset_person", kwargs={"person": dpo_elise.public_id})
    )

    assert "propre second facteur" in looked_up.content.decode()
    assert posted.status_code == 302
    assert dpo_elise.totpdevice_set.filter(confirmed=True).exists()
    assert journal(events.SECOND_FACTOR_RESET) == []


def test_nobody_else_may_reset_a_factor(cs_farid, it_jules):
    give_app(it_jules)
    client = client_for(cs_farid)

    page = client.post(reverse("second_factor:reset_person", kwargs={"person": it_jules.public_id}))

    assert page.status_code == 404
    assert it_jules.totpdevice_set.exists()
    assert journal(events.SECOND_FACTOR_RESET) == []


def test_a_teacher_who_turned_it_on_is_held_too(teacher_chloe):
    device = give_app(teacher_chloe)
    client = Client()

    response = sign_in(client, teacher_chloe)
    held = client.get(reverse("home"))
    client.post(VERIFY, {"code": code_for(device)})

    assert response["Location"].startswith(VERIFY)
    assert held.status_code == 302
    assert held["Location"].startswith(VERIFY)
    assert client.get(reverse("home")).status_code == 200


def test_a_session_verified_by_a_factor_that_was_reset_is_held_again(dpo_elise, it_jules):
    device = give_app(it_jules)
    client = Client()
    sign_in(client, it_jules)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(reverse("audit:search")).status_code == 200

    actions.reset_factors(person=it_jules, actor=dpo_elise)

    assert client.get(reverse("audit:search")).status_code != 200
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=it_jules.pk).sessions.count() == 0
    again = Client()
    assert sign_in(again, it_jules)["Location"].startswith(SETUP)
