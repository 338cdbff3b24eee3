"""The production settings, served for real: gunicorn with TLS on loopback, as behind the proxy.

Used by the attack tests that need what a browser (or a scanner) sees from production: the
headers, the cookies' attributes, a body refused before it is read. `prepare()` makes a site
in a temporary folder (a SQLite database migrated with DJANGO_ENV=production, the static files
collected with their hashed names, a certificate authority of its own and a certificate for
`localhost`); `serve()` starts gunicorn on it.

Run as a program inside a network namespace of its own (`unshare --net`), it serves the site on
ports 80 and 443 of that namespace's loopback and runs the MDN HTTP Observatory's command-line
scanner on `localhost`, as it would scan a public site, then prints the scanner's JSON: the
scanner only knows the standard ports, and a namespace lends them without touching the
machine's own.
"""

import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNER = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory"
HOST = "localhost"

SECRETS = {
    "SECRET_KEY": "p" * 20 + "-Xq9!v2#Lm8@Rt5&Wz1^Pb7*Nc4(Fd6)Hj3",
    "JOURNAL_KEY": "j" * 20 + "-Yr8!u3#Kn7@Sq6&Vx2^Oa9*Mb5(Ge1)Ik4",
    "PSEUDONYM_SECRET": "p" * 20 + "-Qw7!e2#Rt9@Yu4&Io6^Pa1*Sd3(Fg8)Hj5",
}


def production_env(folder: Path) -> dict[str, str]:
    """The environment of a production deployment, with its files in `folder`."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "TEST_DATABASE", "SECRET_", "PYTEST"))
    }
    return {
        **keep,
        **SECRETS,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": HOST,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "2525",
        "DATABASE_URL": f"sqlite:///{folder / 'charte.sqlite3'}",
        "CHARTE_VAR_DIR": str(folder / "var"),
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certificates(folder: Path) -> None:
    """A certificate authority of our own, and a certificate it signs for localhost."""
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=charte test CA", "-keyout", "ca.key", "-out", "ca.pem",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={HOST}",
        "-keyout", "site.key", "-out", "site.csr", cwd=folder,
    )  # fmt: skip
    (folder / "site.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "site.ext", "-out", "site.pem",
        cwd=folder,
    )  # fmt: skip


def prepare(folder: Path) -> dict[str, str]:
    """Migrate, collect the static files and make the certificates; returns the environment."""
    env = production_env(folder)
    for args in (("migrate", "--noinput", "-v0"), ("collectstatic", "--noinput", "-v0")):
        result = manage(env, *args)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    make_certificates(folder)
    return env


def add_person(env: dict[str, str], *, email: str, role: str = "teacher") -> None:
    """An account in the production database, with the tests' password."""
    code = (
        "from charte.accounts.models import Role; from tests.factories import make_user; "
        f"make_user(role=Role({role!r}), email={email!r})"
    )
    result = manage(env, "shell", "-v0", "-c", code)
    if result.returncode != 0:
        raise RuntimeError(f"could not create {email}:\n{result.stderr}")


def _wait_for(
    port: int, process: subprocess.Popen[bytes], *, tls: bool, timeout: float = 60
) -> None:
    """Until the worker answers (the master listens long before the application is loaded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped on its own (exit {process.returncode})")
        if tls:
            unverified = ssl._create_unverified_context()  # noqa: S323  (only to see it is up)
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", port, timeout=5, context=unverified
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/static/core/favicon.svg", headers={"Host": HOST})
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(
    env: dict[str, str], folder: Path, *, port: int, tls: bool, ipv6: bool = False
) -> Iterator[int]:
    """gunicorn on 127.0.0.1:`port` (and [::1]), with TLS (as the proxy hands it over) or not."""
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--threads", "4", "--log-level", "warning",
    ]  # fmt: skip
    if ipv6:  # Node resolves localhost to ::1 first
        command += ["--bind", f"[::1]:{port}"]
    if tls:
        command += ["--certfile", str(folder / "site.pem"), "--keyfile", str(folder / "site.key")]
    log = (folder / f"gunicorn-{port}.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_for(port, process, tls=tls)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def scan_in_this_namespace(folder: Path) -> dict[str, object]:
    """Serve on 80 (plain) and 443 (TLS) here, and let the Observatory scan localhost."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=10)
    env = production_env(folder)
    # The package's install script would fetch Chromium's HSTS preload list; none is needed:
    # localhost is in no preload list, so the list the scanner reads is empty.
    preload = SCANNER / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    with (
        serve(env, folder, port=80, tls=False, ipv6=True),
        serve(env, folder, port=443, tls=True, ipv6=True),
    ):
        scanner_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
            "NODE_EXTRA_CA_CERTS": str(folder / "ca.pem"),
        }
        result = subprocess.run(
            ["node", str(SCANNER / "src" / "scan.js"), HOST],
            capture_output=True,
            text=True,
            timeout=120,
            env=scanner_env,
            check=False,
        )
    if result.returncode != 0:
        return {"error": result.stdout + result.stderr}
    found: dict[str, object] = json.loads(result.stdout)
    return found


if __name__ == "__main__":
    print(json.dumps(scan_in_this_namespace(Path(sys.argv[1]))))  # noqa: T201
