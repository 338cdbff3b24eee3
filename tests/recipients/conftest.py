"""The recipients' APIs, for the tests of the notices (GDPR art. 19)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.recipients.helpers import API_KEY


class RecipientServer:
    """The recipients' APIs: a small real HTTP server on loopback that records what it gets."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 202
        self.reply: dict[str, Any] = {"received": True}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.received.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization", ""),
                        "json": json.loads(body),
                    }
                )
                answer = json.dumps(server.reply).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def to(self, code: str) -> list[dict[str, Any]]:
        return [r["json"] for r in self.received if r["path"] == f"/notices/{code}"]


@pytest.fixture
def recipient_api(monkeypatch):
    server = RecipientServer()
    server.thread.start()
    for code in ("email_provider", "payment_provider"):
        monkeypatch.setenv(f"RECIPIENT_{code.upper()}_NOTICE_URL", f"{server.url}/notices/{code}")
        monkeypatch.setenv(f"RECIPIENT_{code.upper()}_NOTICE_TOKEN", API_KEY)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
