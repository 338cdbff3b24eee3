"""The production site, served by gunicorn with TLS on loopback, shared by the attack tests."""

import fcntl
import http.client
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.attacks import production_site
from tests.learning import ben_in_class, catalogue, chloe_class, school

__all__ = ["ben_in_class", "catalogue", "chloe_class", "school"]


@pytest.fixture(scope="session")
def production_folder(tmp_path_factory, worker_id) -> Path:
    """Prepared once per run (the test workers share it: migrating takes half a minute).

    The production site keeps its own SQLite database, whatever the suite runs on: its tests
    run once, in the SQLite suite, and are skipped in the PostgreSQL one.
    """
    from django.conf import settings

    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("served with its own SQLite database: run once, in the SQLite suite")
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base
    folder = root / "production-site"
    with (root / "production-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "ready").exists():
            folder.mkdir(exist_ok=True)
            production_site.prepare(folder)
            (folder / "ready").touch()
    return folder


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def set_cookies(self) -> dict[str, str]:
        """Each cookie set, by name: its whole Set-Cookie line."""
        return {line.split("=", 1)[0]: line for line in self.headers.get_all("Set-Cookie") or []}


@dataclass
class Browser:
    """Speaks HTTPS to the production site and keeps its cookies, as a browser would."""

    port: int
    context: ssl.SSLContext
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        connection = http.client.HTTPSConnection(
            production_site.HOST, self.port, context=self.context, timeout=30
        )
        sent = {"Host": f"{production_site.HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://{production_site.HOST}:{self.port}{path}"
            sent["Origin"] = f"https://{production_site.HOST}:{self.port}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            name, value = line.split(";", 1)[0].split("=", 1)
            if "Max-Age=0" in line or "expires=Thu, 01 Jan 1970" in line:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def get(self, path: str, **kwargs: object) -> Answer:
        return self.request("GET", path, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, form: dict[str, str], **kwargs: object) -> Answer:
        return self.request("POST", path, form=form, **kwargs)  # type: ignore[arg-type]

    def csrf_token(self, path: str) -> str:
        page = self.get(path).body.decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, f"no form on {path}"
        return found.group(1)


@pytest.fixture(scope="session")
def production_server(production_folder) -> Iterator[int]:
    env = production_site.production_env(production_folder)
    port = production_site.free_port()
    with production_site.serve(env, production_folder, port=port, tls=True):
        yield port


@pytest.fixture
def production_browser(production_server, production_folder) -> Browser:
    context = ssl.create_default_context(cafile=str(production_folder / "ca.pem"))
    return Browser(port=production_server, context=context)
