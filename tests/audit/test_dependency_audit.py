"""The scheduled dependency audit (charte/audit/dependencies.py): the packages installed here,
checked against an advisory service faked at the HTTP boundary (PyPI's JSON API on loopback),
its outcome journalled, and IT alerted for each new vulnerability and for a service silent for
more than a day. It never says "no known vulnerabilities" for what it could not check.
"""

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest

from charte.audit import events
from charte.audit.tasks import audit_dependencies_task
from charte.core import schedule
from tests.conftest import journal

DJANGO = f"django=={metadata.version('django')}"


class FakePyPI:
    """`GET /pypi/<name>/<version>/json`, as PyPI answers it: `vulnerable` maps a name to its
    advisories; `unknown` names answer 404; `status` other than 200 answers everything so."""

    def __init__(self) -> None:
        self.vulnerable: dict[str, list[dict[str, object]]] = {}
        self.unknown: set[str] = set()
        self.status = 200
        self.asked: list[str] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                _, _, name, version, _ = self.path.split("/", 4)
                fake.asked.append(f"{name}=={version}")
                status = 404 if name in fake.unknown else fake.status
                body = json.dumps(
                    {"info": {"name": name}, "vulnerabilities": fake.vulnerable.get(name, [])}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def pypi(settings) -> Iterator[FakePyPI]:
    fake = FakePyPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CHARTE_ADVISORY_URL = f"http://127.0.0.1:{server.server_address[1]}/pypi"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def nobody_answers(settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CHARTE_ADVISORY_URL = f"http://127.0.0.1:{port}/pypi"
    settings.CHARTE_ADVISORY_TIMEOUT = 2


@pytest.fixture
def staff(it_jules, dpo_elise):
    return it_jules, dpo_elise


ADVISORY = {
    "id": "PYSEC-2026-0001",
    "aliases": ["CVE-2026-12345", "GHSA-aaaa-bbbb-cccc"],
    "fixed_in": ["6.1.99"],
    "summary": "A made-up advisory for the test",
    "link": "https://osv.dev/vulnerability/PYSEC-2026-0001",
    "withdrawn": None,
}


def run_audit(capture) -> str:
    """The job as the scheduler hands it to the worker; alerts go out after commit."""
    with capture(execute=True):
        return audit_dependencies_task.enqueue().return_value


def test_the_audit_is_a_periodic_job():
    [job] = [j for j in schedule.jobs() if j.name == "audit.dependencies"]

    assert job.task is audit_dependencies_task
    assert job.every == timedelta(hours=6)


def test_every_installed_package_is_checked_and_the_result_journalled(
    pypi, staff, mailoutbox, django_capture_on_commit_callbacks
):
    assert run_audit(django_capture_on_commit_callbacks) == events.DEPENDENCIES_AUDITED

    [entry] = journal(events.DEPENDENCIES_AUDITED)
    assert entry.actor_ref == "system:dependency_audit"
    assert DJANGO in entry.data["packages"]
    assert sorted(pypi.asked) == sorted(entry.data["packages"])
    assert entry.data["checked"] == len(entry.data["packages"])
    assert entry.data["vulnerabilities"] == []
    assert journal(events.DEPENDENCY_AUDIT_INCOMPLETE) == []
    assert mailoutbox == []


def test_a_vulnerability_is_journalled_by_id_and_alerted_once(
    pypi, staff, mailoutbox, django_capture_on_commit_callbacks
):
    pypi.vulnerable["django"] = [ADVISORY, {**ADVISORY, "id": "OLD-1", "withdrawn": "2026-01-01"}]

    run_audit(django_capture_on_commit_callbacks)
    run_audit(django_capture_on_commit_callbacks)

    first, second = journal(events.DEPENDENCIES_AUDITED)
    found = {
        "package": "django",
        "version": metadata.version("django"),
        "advisory": "PYSEC-2026-0001",
        "aliases": ["CVE-2026-12345", "GHSA-aaaa-bbbb-cccc"],
        "fixed_in": ["6.1.99"],
    }
    assert first.data["vulnerabilities"] == second.data["vulnerabilities"] == [found]
    [alert] = journal(events.ALERT_VULNERABLE_DEPENDENCY)  # the second run found nothing new
    assert alert.data["advisory"] == "PYSEC-2026-0001"
    assert alert.data["package"] == "django"
    assert sorted(m.to[0] for m in mailoutbox) == ["elise@charte.test", "jules@charte.test"]
    assert "vulnérabilité connue dans un composant installé" in mailoutbox[0].subject
    assert "PYSEC-2026-0001" in mailoutbox[0].body


def test_an_unreachable_service_is_journalled_as_such_never_as_clean(
    nobody_answers, staff, mailoutbox, django_capture_on_commit_callbacks
):
    assert run_audit(django_capture_on_commit_callbacks) == events.DEPENDENCY_AUDIT_INCOMPLETE

    assert journal(events.DEPENDENCIES_AUDITED) == []
    [entry] = journal(events.DEPENDENCY_AUDIT_INCOMPLETE)
    assert entry.data["unreachable"] is True
    assert entry.data["checked"] == 0
    assert entry.data["vulnerabilities"] == []
    assert DJANGO in entry.data["not_checked"]
    assert len(entry.data["not_checked"]) == len(entry.data["packages"])
    assert "refused" in entry.data["reason"].lower()
    assert mailoutbox == []  # silent for less than a day: not yet an alert


def test_a_service_failing_with_a_server_error_is_unreachable(
    pypi, db, django_capture_on_commit_callbacks
):
    pypi.status = 503

    run_audit(django_capture_on_commit_callbacks)

    [entry] = journal(events.DEPENDENCY_AUDIT_INCOMPLETE)
    assert entry.data["unreachable"] is True
    assert entry.data["reason"].startswith("503")
    assert len(pypi.asked) == 1  # it stops at the first sign, rather than hammer a sick service


def test_packages_the_service_does_not_know_are_named_not_checked(
    pypi, db, django_capture_on_commit_callbacks
):
    pypi.unknown.add("django")

    run_audit(django_capture_on_commit_callbacks)

    assert journal(events.DEPENDENCIES_AUDITED) == []
    [entry] = journal(events.DEPENDENCY_AUDIT_INCOMPLETE)
    assert entry.data["not_checked"] == [DJANGO]
    assert entry.data["unreachable"] is False
    assert entry.data["checked"] == len(entry.data["packages"]) - 1


def test_a_service_silent_for_more_than_a_day_alerts_it_once_a_day(
    clock, pypi, staff, mailoutbox, django_capture_on_commit_callbacks
):
    run_audit(django_capture_on_commit_callbacks)  # complete: the service answers
    pypi.status = 500
    clock.advance(hours=6)
    run_audit(django_capture_on_commit_callbacks)  # the outage starts here
    clock.advance(hours=18)
    run_audit(django_capture_on_commit_callbacks)  # 18 hours: not yet a day
    assert journal(events.ALERT_ADVISORIES_UNREACHABLE) == []

    clock.advance(hours=6, minutes=1)
    run_audit(django_capture_on_commit_callbacks)  # a day and a minute
    clock.advance(hours=6)
    run_audit(django_capture_on_commit_callbacks)  # still silent: no second alert that day

    [alert] = journal(events.ALERT_ADVISORIES_UNREACHABLE)
    assert alert.data["since"] == (clock.now - timedelta(hours=30, minutes=1)).isoformat()
    assert [m.to[0] for m in mailoutbox].count("jules@charte.test") == 1
    assert "ne répond plus depuis plus d'un jour" in mailoutbox[0].subject

    pypi.status = 200
    clock.advance(hours=6)
    run_audit(django_capture_on_commit_callbacks)  # back: the outage is over
    assert journal(events.DEPENDENCIES_AUDITED)[-1].at == clock.now


def test_the_audit_is_off_unless_an_advisory_service_is_set(
    settings, db, django_capture_on_commit_callbacks
):
    settings.CHARTE_ADVISORY_URL = ""

    assert run_audit(django_capture_on_commit_callbacks) == "off"
    assert journal(events.DEPENDENCIES_AUDITED) == journal(events.DEPENDENCY_AUDIT_INCOMPLETE) == []


def test_production_checks_pypi_by_default(tmp_path):
    code = "from django.conf import settings; print(settings.CHARTE_ADVISORY_URL)"
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "JOURNAL_KEY": "y" * 60,
        "PSEUDONYM_SECRET": "z" * 60,
        "ALLOWED_HOSTS": "charte.example",
        "EMAIL_HOST": "smtp.charte.example",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CHARTE_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )

    assert done.stdout.strip() == "https://pypi.org/pypi"
