"""`make audit` (scripts/audit.py): what it says when the advisories answer, when they do not,
and when the code has a finding the reviewed baseline does not accept.

The advisory service is faked at the HTTP boundary: a small OSV server on loopback, or a port
where nothing listens. pip-audit itself runs for real, on the requirement set exported from
uv.lock. Nothing here reaches the Internet.
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[1]


def packages_for_this_platform() -> set[str]:
    """Every package of the lock (all groups) whose markers hold here, read by uv itself."""
    from packaging.markers import Marker

    exported = load_script().locked_requirements(dev=True)
    names = set()
    for line in exported.splitlines():
        if not line or line.startswith(("#", " ", "-")):
            continue
        requirement, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        names.add(requirement.split("==")[0].strip().lower())
    return names


SCRIPT = ROOT / "scripts" / "audit.py"
NO_KNOWN = "no known vulnerabilit"


def audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "AUDIT_SERVICE": "", "AUDIT_OSV_URL": ""},
        timeout=300,
        check=False,
    )


class FakeOsv:
    """OSV's query API on loopback: `vulnerable` maps a package name to the advisories it has;
    `status` other than 200 answers every query with that error."""

    def __init__(self) -> None:
        self.vulnerable: dict[str, list[dict[str, object]]] = {}
        self.status = 200
        self.queried: list[str] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                name = query["package"]["name"]
                fake.queried.append(name)
                if fake.status != 200:
                    self.send_response(fake.status)
                    self.end_headers()
                    return
                vulns = fake.vulnerable.get(name)
                body = json.dumps({"vulns": vulns} if vulns else {}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def osv() -> Iterator[tuple[FakeOsv, str]]:
    fake = FakeOsv()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def advisory(package: str, fixed: str) -> dict[str, object]:
    return {
        "id": "GHSA-fake-0001-test",
        "aliases": ["CVE-2026-99999"],
        "summary": "A made-up advisory for the test",
        "affected": [
            {
                "package": {"name": package, "ecosystem": "PyPI"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}
                ],
            }
        ],
    }


def locked(name: str) -> str:
    lock = (ROOT / "uv.lock").read_text()
    start = lock.index(f'\nname = "{name}"\n')
    return lock[start:].split('version = "', 1)[1].split('"', 1)[0]


# Dependencies ------------------------------------------------------------------------------


def test_an_unreachable_advisory_service_is_reported_as_such_never_as_clean():
    done = audit("dependencies", "--service", "osv", "--osv-url", f"http://127.0.0.1:{closed_port()}/v1/query", "--timeout", "3")  # fmt: skip

    assert done.returncode == 3, done.stdout + done.stderr
    assert "UNREACHABLE" in done.stdout
    assert "NOTHING was checked" in done.stdout
    assert NO_KNOWN not in done.stdout.lower()
    assert NO_KNOWN not in done.stderr.lower()


def requirement_set(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text("".join(f"{name}=={locked(name)}\n" for name in names))
    return path


def test_an_advisory_service_that_fails_is_reported_as_unreachable(osv, tmp_path):
    fake, url = osv
    fake.status = 503
    requirements = requirement_set(tmp_path, "django", "whitenoise")

    done = audit("dependencies", "--requirements", str(requirements), "--service", "osv", "--osv-url", url)  # fmt: skip

    assert done.returncode == 3, done.stdout + done.stderr
    assert "UNREACHABLE" in done.stdout
    assert NO_KNOWN not in (done.stdout + done.stderr).lower()


def test_the_whole_lock_is_audited_and_a_vulnerable_package_is_named(osv):
    fake, url = osv
    fake.vulnerable["django"] = [advisory("django", fixed="99.0")]

    done = audit("dependencies", "--service", "osv", "--osv-url", url)

    assert done.returncode == 1, done.stdout + done.stderr
    # Every package of the lock is asked about, the development tools too, whether installed
    # here or not (those for another platform are left out by their markers).
    assert {"django", "pip-audit", "schemathesis"} <= set(fake.queried)
    assert set(fake.queried) == packages_for_this_platform()
    line = next(x for x in done.stdout.splitlines() if "GHSA-fake-0001-test" in x)
    assert f"django {locked('django')} (production)" in line
    assert "CVE-2026-99999" in line
    assert "99.0" in line
    assert "1 known vulnerabilities" in done.stdout


def test_a_clean_answer_for_every_package_says_so(osv, tmp_path):
    fake, url = osv
    requirements = requirement_set(tmp_path, "django", "whitenoise")

    done = audit("dependencies", "--requirements", str(requirements), "--service", "osv", "--osv-url", url)  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(fake.queried) == ["django", "whitenoise"]
    assert "no known vulnerability in the 2 locked packages" in done.stdout


def load_script():
    spec = importlib.util.spec_from_file_location("audit_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_packages_the_service_could_not_check_are_never_counted_as_clean():
    # PyPI's JSON API answers 404 for a release it does not know (or a mirror that does not
    # serve it): pip-audit then skips the package and, on its own, says "No known
    # vulnerabilities found". The report reads pip-audit's JSON and names them NOT CHECKED.
    script = load_script()
    done = subprocess.CompletedProcess(
        args=[], returncode=0, stdout="", stderr="No known vulnerabilities found\n"
    )
    skipped = "Dependency not found on PyPI and could not be audited: django (6.1.3)"
    data = {
        "dependencies": [
            {"name": "django", "skip_reason": skipped},
            {"name": "whitenoise", "version": "6.12.0", "vulns": []},
        ]
    }

    some = script.dependency_outcome(what="two", done=done, data=data, production={"django"})
    none = script.dependency_outcome(
        what="one", done=done, data={"dependencies": data["dependencies"][:1]}, production=set()
    )

    assert some.status == none.status == "incomplete"
    assert "1 packages NOT CHECKED" in some.headline
    assert "UNREACHABLE" in none.headline
    report = "\n".join(some.lines + none.lines).lower()
    assert "django: " + skipped.lower() in report
    assert NO_KNOWN not in report


# Code --------------------------------------------------------------------------------------

RISKY = """import subprocess


def run(command: str) -> None:
    subprocess.call(command, shell=True)
"""


def write_code(tmp_path: Path, text: str) -> Path:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "risky.py").write_text(text)
    return package


def baseline(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "baseline.toml"
    path.write_text('[skip]\nB101 = "asserts narrow types"\n' + body)
    return path


def test_a_new_bandit_finding_fails_the_check(tmp_path):
    package = write_code(tmp_path, RISKY)

    done = audit("code", "--paths", str(package), "--baseline", str(baseline(tmp_path, "")))

    assert done.returncode == 1
    assert "B602" in done.stdout
    assert "subprocess.call(command, shell=True)" in done.stdout


def test_a_finding_accepted_with_a_reason_passes(tmp_path):
    package = write_code(tmp_path, RISKY)
    accepted = "".join(
        f'[[accepted]]\ntest = "{test}"\nfile = "{package / "risky.py"}"\ncode = "{code}"\n'
        'reason = "A test of the baseline."\n'
        for test, code in (("B404", "import subprocess"), ("B602", "shell=True"))
    )

    done = audit("code", "--paths", str(package), "--baseline", str(baseline(tmp_path, accepted)))

    assert done.returncode == 0, done.stdout
    assert "2 accepted by the baseline" in done.stdout


def test_a_baseline_entry_without_a_reason_or_matching_nothing_fails(tmp_path):
    package = write_code(tmp_path, "VALUE = 1\n")
    stale = f'[[accepted]]\ntest = "B602"\nfile = "{package / "risky.py"}"\ncode = "shell=True"\nreason = "gone"\n'
    no_reason = f'[[accepted]]\ntest = "B404"\nfile = "{package / "risky.py"}"\ncode = "x"\n'

    done = audit(
        "code", "--paths", str(package), "--baseline", str(baseline(tmp_path, stale + no_reason))
    )

    assert done.returncode == 1
    assert "match nothing" in done.stdout
    assert "lacks reason" in done.stdout


@pytest.mark.parametrize(
    ("comment", "passes"),
    [
        ("# nosec", False),
        ("# nosec B605", False),
        ("# nosec B605, B607 -- the command is a constant of ours", True),
    ],
)
def test_a_nosec_must_name_its_test_and_say_why(tmp_path, comment, passes):
    package = write_code(tmp_path, f'import os\n\nos.system("ls")  {comment}\n')

    done = audit("code", "--paths", str(package), "--baseline", str(baseline(tmp_path, "")))

    assert (done.returncode == 0) is passes, done.stdout


# Deployment settings -----------------------------------------------------------------------


def test_the_deploy_check_runs_with_productions_variables():
    done = audit("deploy")

    assert done.returncode == 0, done.stdout
    assert "DJANGO_ENV=production" in done.stdout
    assert "System check identified no issues" in done.stdout
