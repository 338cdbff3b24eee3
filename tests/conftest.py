"""Named personas shared by every test, and helpers to read the journal."""

import os
import shutil
import socket
import time
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

import pytest
from django.test import Client
from django.utils import timezone

from charte.accounts.models import Role, User
from charte.audit.models import Entry
from charte.core.actors import person_ref
from tests.factories import PASSWORD, make_user
from tests.object_storage import Bucket, s3_server, suite_on_s3


def birthday(age: int) -> date:
    today = timezone.localdate()
    return date(today.year - age, 1, 1)


@pytest.fixture
def guardian_anna(db: None) -> User:
    return make_user(
        role=Role.PARENT, first_name="Anna", last_name="Martin", email="anna@famille.test"
    )


@pytest.fixture
def child_ben(db: None) -> User:
    """Twelve years old, no email address of his own."""
    return make_user(
        role=Role.PUPIL,
        first_name="Ben",
        last_name="Martin",
        username="ben.martin",
        birth_date=birthday(12),
    )


@pytest.fixture
def pupil_lea(db: None) -> User:
    """Sixteen: old enough to consent for herself in France."""
    return make_user(
        role=Role.PUPIL,
        first_name="Léa",
        last_name="Martin",
        email="lea@eleve.test",
        birth_date=birthday(16),
    )


@pytest.fixture
def teacher_chloe(db: None) -> User:
    return make_user(
        role=Role.TEACHER, first_name="Chloé", last_name="Bernard", email="chloe@college.test"
    )


@pytest.fixture
def staff_david(db: None) -> User:
    return make_user(
        role=Role.SCHOOL_STAFF, first_name="David", last_name="Petit", email="david@college.test"
    )


@pytest.fixture
def dpo_elise(db: None) -> User:
    return make_user(
        role=Role.DPO, first_name="Élise", last_name="Moreau", email="elise@charte.test"
    )


@pytest.fixture
def cs_farid(db: None) -> User:
    return make_user(
        role=Role.CUSTOMER_SERVICE,
        first_name="Farid",
        last_name="Benali",
        email="farid@charte.test",
    )


@pytest.fixture
def it_jules(db: None) -> User:
    return make_user(
        role=Role.IT, first_name="Jules", last_name="Chevalier", email="jules@charte.test"
    )


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language (French), whatever the test before it
    read: Django's test client leaves the language of its last answer active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate limits are counted in the cache (charte.core.ratelimit): each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server on loopback, one per test process (xdist worker)."""
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def suite_bucket(request) -> Bucket | None:
    """The bucket every test's files go to when the run keeps them on the S3-compatible server
    (TEST_FILE_STORAGE=s3); None when they stay on local disk."""
    if not suite_on_s3():
        return None
    return Bucket(request.getfixturevalue("s3_endpoint"))


@pytest.fixture(scope="session", autouse=True)
def _files_in_suite_bucket(suite_bucket: Bucket | None) -> Iterator[None]:
    """On the S3-compatible server, the whole session's files go to the run's bucket, those of
    the fixtures built once for a module (the access matrix's world) included."""
    if suite_bucket is None:
        yield
        return
    from django.conf import settings
    from django.test import override_settings

    with override_settings(STORAGES=suite_bucket.storages(settings.STORAGES)):
        yield


@pytest.fixture(autouse=True)
def _fresh_files(suite_bucket: Bucket | None) -> Iterator[None]:
    """Each test's files are deleted after it, as each test on local disk stores its files in
    a folder of its own: the bucket is left as the test found it (with what the fixtures of
    a wider scope stored)."""
    if suite_bucket is None:
        yield
        return
    before = set(suite_bucket.names())
    yield
    suite_bucket.delete(set(suite_bucket.names()) - before)


def client_for(user: User) -> Client:
    """A client signed in as `user`, as after a real sign-in (second factor passed for staff)."""
    client = Client()
    client.force_login(user)
    if user.is_staff:
        pass_second_factor(client, user)
    return client


def pass_second_factor(client: Client, user: User) -> Client:
    """What `force_login` is to the password, for the second factor: the client's session is
    marked verified by one of the person's factors (an authenticator app made for the purpose
    when they have none). The one place tests skip the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD


def journal(event: str | None = None, *, about: User | None = None) -> list[Entry]:
    """Journal entries, optionally of one event and about one person (as actor or subject)."""
    entries = Entry.objects.all()
    if event is not None:
        entries = entries.filter(event=event)
    if about is not None:
        entries = entries.about(person_ref(about))
    return list(entries.order_by("id"))


# End-to-end tests ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, driven by Playwright; never a browser downloaded at test time."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run `make browser` (make test does it).")
    # Playwright's sync API runs an event loop in this thread; our ORM calls in the test body
    # are synchronous and safe, so tell Django not to refuse them (for these tests only).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    # The visitor has already answered the cookie banner (refusing everything), so that it does
    # not cover the page; tests/e2e/test_cookies.py meets the banner afresh.
    context.add_cookies([{**answered_cookie_banner(), "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open another person's browser (a new context), the cookie banner already answered."""
    contexts = []

    def open_page() -> object:
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        context.add_cookies([{**answered_cookie_banner(), "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def answered_cookie_banner() -> dict[str, str]:
    import uuid

    from charte.cookies import catalogue, choices
    from charte.cookies.categories import CONSENT_COOKIE

    refusal = choices.Consent(
        consent_id=uuid.uuid4(),
        record_id=uuid.uuid4(),
        at=timezone.now(),
        fingerprint=catalogue.fingerprint(),
    )
    return {"name": CONSENT_COOKIE, "value": choices.dumps(refusal)}


# A real SMTP server on loopback --------------------------------------------------------------


class Inbox:
    """What an SMTP server on loopback received, parsed as a mail client would read it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=email_policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, address: str, *, timeout: float = 10.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"No email reached {address} within {timeout} s.")


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    """aiosmtpd on 127.0.0.1, with the default mailer pointed at it for this test."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def consent_to(monkeypatch):
    """Make `processing.consent_given` answer yes for the given (person, purpose) pairs."""
    from charte.privacy import processing

    given: set[tuple[int, str]] = set()
    monkeypatch.setattr(
        processing, "_consent_source", [lambda person, purpose: (person.pk, purpose) in given]
    )
    # The consent app's gate in `processing.allowed` answers from the same pretend records.
    monkeypatch.setitem(
        processing._checks,
        "consent",
        lambda person, purpose: None if (person.pk, purpose) in given else False,
    )

    def consent(person: User, purpose: str) -> None:
        given.add((person.pk, purpose))

    return consent


@pytest.fixture
def forbid(monkeypatch):
    """Register a processing check that forbids the given (person, purpose) pairs."""
    from charte.privacy import processing

    forbidden: set[tuple[int, str]] = set()
    monkeypatch.setattr(
        processing,
        "_checks",
        {
            **processing._checks,
            "test": lambda p, purpose: False if (p.pk, purpose) in forbidden else None,
        },
    )

    def forbid(person: User, purpose: str) -> None:
        forbidden.add((person.pk, purpose))

    return forbid
