"""Attacks through the browser itself: the next person at a shared school computer, a framing or
embedding site, a script that reaches for the camera, a planted cookie, a stranger reading the
API's map; and the production server graded by the MDN HTTP Observatory's own scanner.
"""

import json
import shutil
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from charte.accounts import actions as accounts
from charte.subject_requests.models import Kind
from tests.attacks import production_site
from tests.conftest import client_for, journal
from tests.factories import PASSWORD
from tests.subject_requests.helpers import online, staff_url

PRIVATE = "private, no-store"


@pytest.fixture
def csp():
    """The report endpoint's module (imported here, so that each test fails on its own)."""
    from charte.audit import csp

    return csp


def directives(header: str) -> dict[str, str]:
    return dict(
        ([*part.strip().split("=", 1), ""])[:2] for part in header.split(",") if part.strip()
    )


# Shared computers: nothing private stays in the browser's cache ------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/compte/mes-donnees/",
        "/ressources/",
        "/charte/",
        "/cookies/",
        "/page-qui-n-existe-pas/",
        "/api/accounts/me",
    ],
)
def test_every_answer_to_a_signed_in_person_is_private_and_never_stored(teacher_chloe, url):
    response = client_for(teacher_chloe).get(url)

    assert response["Cache-Control"] == PRIVATE, (url, response.status_code)
    assert "Expires" not in response


@pytest.mark.django_db
def test_a_view_that_asked_for_caching_is_still_not_stored_for_a_signed_in_person(
    teacher_chloe, rf
):
    from django.http import HttpResponse

    from charte.core.headers import SecurityHeadersMiddleware

    def cached_view(request):
        response = HttpResponse("public?")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = rf.get("/")
    request.user = teacher_chloe
    response = SecurityHeadersMiddleware(cached_view)(request)

    assert response["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_signing_in_and_signing_out_answers_are_not_stored(teacher_chloe, client):
    signed_in = client.post(
        reverse("accounts:login"), {"username": teacher_chloe.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in["Cache-Control"] == PRIVATE

    signed_out = client.post(reverse("accounts:logout"))

    assert signed_out["Cache-Control"] == PRIVATE
    assert "no-store" not in client.get("/").get("Cache-Control", "")  # a visitor again


@pytest.mark.django_db
def test_the_access_archive_is_never_stored(
    guardian_anna, child_ben, dpo_elise, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    request = online(child_ben, Kind.ACCESS, by=guardian_anna)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dpo_elise).post(staff_url(request), {"action": "decide", "decision": "approved"})
    detail = client_for(guardian_anna).get(
        reverse("subject_requests:detail", args=[request.public_id])
    )

    download = client_for(guardian_anna).get(detail.context["download_url"])

    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == PRIVATE
    download.close()


@pytest.mark.django_db
def test_static_files_keep_their_caching_for_a_signed_in_person(teacher_chloe):
    assert finders.find("core/charte.css")

    response = client_for(teacher_chloe).get("/static/core/charte.css")

    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    response.close()


# Browser features, embedding, reports --------------------------------------------------------


@pytest.mark.django_db
def test_permissions_policy_denies_what_we_do_not_use_and_keeps_passkeys_for_our_pages(client):
    policy = directives(client.get("/")["Permissions-Policy"])

    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
        "display-capture",
        "serial",
        "hid",
    ):
        assert policy[feature] == "()", feature
    assert policy["publickey-credentials-get"] == "(self)"
    assert policy["publickey-credentials-create"] == "(self)"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/api/accounts/me", "/page-qui-n-existe-pas/"])
def test_no_other_site_may_embed_our_answers(client, url):
    assert client.get(url)["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_policy_names_the_report_endpoint(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "report-uri /securite/csp/" in policy
    assert "report-to csp" in policy
    assert response["Reporting-Endpoints"] == 'csp="http://testserver/securite/csp/"'
    assert reverse("csp_report") == settings.CHARTE_CSP_REPORT_PATH


def report_uri_body(**fields):
    return json.dumps(
        {
            "csp-report": {
                "document-uri": "https://charte.example/ressources/?dossier=secret#x",
                "violated-directive": "script-src-elem",
                "effective-directive": "script-src-elem",
                "blocked-uri": "https://evil.example/steal.js?who=lea@eleve.test",
                "script-sample": "alert('lea@eleve.test')",
                "disposition": "enforce",
                **fields,
            }
        }
    )


@pytest.mark.django_db
def test_a_visitors_csp_report_is_journalled_without_anything_personal(client, csp):
    response = client.post(
        "/securite/csp/", report_uri_body(), content_type="application/csp-report"
    )

    assert response.status_code == 204
    [entry] = journal(csp.EVENT)
    assert entry.actor_ref == "system:anonymous"
    assert entry.subject_ref == ""
    assert entry.data == {
        "page": "/ressources/",
        "directive": "script-src-elem",
        "blocked": "https://evil.example",
        "disposition": "enforce",
    }
    assert entry.ip is None
    assert entry.user_agent == ""
    assert "lea@eleve.test" not in json.dumps(entry.data)


@pytest.mark.django_db
def test_reports_in_the_reporting_api_format_are_journalled_too(client, teacher_chloe, csp):
    reports = [
        {
            "type": "csp-violation",
            "url": "https://charte.example/",
            "body": {
                "documentURL": "https://charte.example/charte/?q=1",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "disposition": "report",
            },
        },
        {"type": "deprecation", "body": {"id": "x"}},
    ]

    response = client_for(teacher_chloe).post(
        "/securite/csp/", json.dumps(reports), content_type="application/reports+json"
    )

    assert response.status_code == 204
    [entry] = journal(csp.EVENT)
    assert entry.data == {
        "page": "/charte/",
        "directive": "style-src-attr",
        "blocked": "inline",
        "disposition": "report",
    }
    assert entry.actor_ref == "system:anonymous"  # who was reading which page is not kept


@pytest.mark.django_db
def test_a_forged_report_keeps_no_free_text(client, csp):
    client.post(
        "/securite/csp/",
        report_uri_body(
            **{
                "document-uri": "https://charte.example/Bonjour, je m'appelle Léa Martin",
                "effective-directive": "Léa Martin, 12 rue des Lilas",
                "blocked-uri": "javascript:alert('Léa')",
            }
        ),
        content_type="application/csp-report",
    )

    [entry] = journal(csp.EVENT)
    assert entry.data == {
        "page": "?",
        "directive": "other",
        "blocked": "other",
        "disposition": "enforce",
    }


@pytest.mark.django_db
def test_an_oversized_or_unreadable_report_is_refused_and_nothing_is_kept(client, csp):
    big = report_uri_body(**{"script-sample": "x" * (csp.MAX_BYTES + 1)})

    assert (
        client.post("/securite/csp/", big, content_type="application/csp-report").status_code == 413
    )
    assert (
        client.post("/securite/csp/", "{not json", content_type="application/csp-report")
    ).status_code == 400
    assert (
        client.post("/securite/csp/", "{}", content_type="application/csp-report").status_code
        == 400
    )
    assert client.get("/securite/csp/").status_code == 405
    assert journal(csp.EVENT) == []


@pytest.mark.django_db
def test_a_flood_of_reports_from_one_address_stops_filling_the_journal(client, csp):
    from django.core.cache import cache

    cache.clear()
    answers = [
        client.post(
            "/securite/csp/", report_uri_body(), content_type="application/csp-report"
        ).status_code
        for _ in range(csp.PER_ADDRESS_PER_MINUTE + 5)
    ]

    assert answers.count(204) == csp.PER_ADDRESS_PER_MINUTE
    assert set(answers[csp.PER_ADDRESS_PER_MINUTE :]) == {429}
    assert len(journal(csp.EVENT)) == csp.PER_ADDRESS_PER_MINUTE
    other_address = client.post(
        "/securite/csp/",
        report_uri_body(),
        content_type="application/csp-report",
        REMOTE_ADDR="192.0.2.7",
    )
    assert other_address.status_code == 204
    cache.clear()


@pytest.mark.django_db
def test_many_addresses_together_cannot_fill_the_journal_either(client, monkeypatch, csp):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(csp, "IN_ALL_PER_HOUR", 12)
    answers = [
        client.post(
            "/securite/csp/",
            report_uri_body(),
            content_type="application/csp-report",
            REMOTE_ADDR=f"198.51.100.{n}",
        ).status_code
        for n in range(20)
    ]

    assert answers.count(204) == 12
    assert len(journal(csp.EVENT)) == 12
    cache.clear()


# The API's map ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_in_production_the_apis_docs_and_schema_are_for_staff_only(
    settings, path, client, teacher_chloe, guardian_anna, it_jules, dpo_elise
):
    settings.CHARTE_API_DOCS_STAFF_ONLY = True

    visitor = client.get(path)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("accounts:login"))
    for not_staff in (teacher_chloe, guardian_anna):
        assert client_for(not_staff).get(path).status_code == 404
    for staff in (it_jules, dpo_elise):
        assert client_for(staff).get(path).status_code == 200


@pytest.mark.django_db
def test_in_development_the_apis_docs_stay_open(client):
    assert settings.CHARTE_API_DOCS_STAFF_ONLY is False
    assert client.get("/api/openapi.json").status_code == 200


# The production server itself ------------------------------------------------------------------


def test_production_cookies_are_host_cookies(production_browser, production_folder):
    browser = production_browser
    env = production_site.production_env(production_folder)
    email = f"enseignant-{uuid.uuid4().hex[:8]}@exemple.test"
    production_site.add_person(env, email=email)

    first = browser.get("/")
    token = browser.csrf_token("/compte/connexion/")
    signed_in = browser.post(
        "/compte/connexion/",
        {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
    )
    token = browser.csrf_token("/cookies/")  # a new one, since signing in
    choice = browser.post(
        "/cookies/", {"csrfmiddlewaretoken": token, "action": "accept", "next": "/"}
    )
    language = browser.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en", "next": "/"}
    )

    assert signed_in.status == 302, signed_in.body[:500]
    assert (choice.status, language.status) == (302, 302)
    cookies = {
        **first.set_cookies(),
        **signed_in.set_cookies(),
        **choice.set_cookies(),
        **language.set_cookies(),
    }
    assert set(cookies) >= {
        "__Host-csrftoken",
        "__Host-sessionid",
        "__Host-charte_consent",
        "__Host-euconsent-v2",
        "__Host-messages",
        "__Host-django_language",
    }, cookies
    for name, line in cookies.items():
        attributes = [a.strip().lower() for a in line.split(";")[1:]]
        assert name.startswith("__Host-"), line
        assert "secure" in attributes, line
        assert "path=/" in attributes, line
        assert not any(a.startswith("domain") for a in attributes), line
        assert "samesite=lax" in attributes, line
    # The consent string alone is read by scripts in the page; no other cookie is.
    assert [n for n, line in cookies.items() if "httponly" not in line.lower()] == [
        "__Host-euconsent-v2"
    ]
    # The guard knows them under these names: signed in, and nothing was dropped.
    page = browser.get("/")
    assert page.status == 200
    assert page.header("Cache-Control") == PRIVATE
    assert b"Se d\xc3\xa9connecter" in page.body or b"Sign out" in page.body


def test_production_static_files_are_cached_for_a_year_and_pages_are_not(production_browser):
    page = production_browser.get("/")
    css = next(
        part.split('"')[0]
        for part in page.body.decode().split('href="')
        if part.startswith("/static/core/charte.") and ".css" in part.split('"')[0]
    )

    static = production_browser.get(css)

    assert static.status == 200
    assert "immutable" in static.header("Cache-Control")
    assert "max-age=315360000" in static.header("Cache-Control")
    assert static.header("Cross-Origin-Resource-Policy") == "same-origin"


def test_production_api_docs_ask_a_visitor_to_sign_in(production_browser):
    for path in ("/api/docs", "/api/openapi.json"):
        answer = production_browser.get(path)
        assert answer.status == 302
        assert answer.header("Location").startswith("/compte/connexion/")


def test_the_mdn_http_observatory_grades_the_production_server_a_plus(production_folder):
    """The scanner's own command line, on `localhost` in a network namespace of our own.

    Inside it, gunicorn serves the production settings on ports 80 (plain, redirected by
    Django) and 443 (TLS, with a certificate from a test authority the scanner is told to
    trust), the standard ports the scanner knows.
    """
    if not (production_site.SCANNER / "src" / "scan.js").exists() or not shutil.which("node"):
        pytest.fail("The MDN HTTP Observatory is missing: run `make test` (it runs npm ci).")
    result = subprocess.run(
        [
            "unshare",
            "--net",
            sys.executable,
            "-m",
            "tests.attacks.production_site",
            str(production_folder),
        ],
        cwd=production_site.ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert "error" not in found, found

    scan, tests = found["scan"], found["tests"]
    failed = {name: t["result"] for name, t in tests.items() if not t["pass"]}
    assert failed == {}
    assert scan["grade"] == "A+"
    assert scan["score"] >= 100
    assert tests["cross-origin-resource-policy"]["result"] == "corp-implemented-with-same-origin"
    assert tests["cookies"]["result"] == "cookies-secure-with-httponly-sessions-and-samesite"
    assert tests["redirection"]["result"] == "redirection-to-https"
    print(f"MDN HTTP Observatory: {scan['grade']}, {scan['score']}/100")  # noqa: T201
