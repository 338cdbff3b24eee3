"""Content-Security-Policy violation reports, sent by browsers, kept in the journal.

Design: the policy names this endpoint (`report-uri`, and `report-to csp` with the
Reporting-Endpoints header, see charte/core/headers.py). Anyone may post here, since browsers
send reports without signing in, so the endpoint trusts nothing it receives:
- the body is bounded (`MAX_BYTES`, refused on its Content-Length before it is read);
- reports are rate-limited per address (a keyed hash: the address itself is not kept, even
  in the cache) and in all, so that a flood cannot fill the journal;
- an entry keeps only what tells us which page and which rule: the page's path without its
  query string or fragment, and only if it is one of our routes; the directive; the blocked
  resource reduced to a keyword ("inline", "eval") or an origin (scheme and host, no path).
  No address, no user agent, no script sample, no account: the journal allows no more.
"""

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from charte import audit
from charte.audit import events
from charte.core import ratelimit
from charte.core.actors import ANONYMOUS
from charte.core.cards import checks_card_numbers, contains_card_number
from charte.core.net import client_address

EVENT = events.CSP_VIOLATION
MAX_BYTES = 16 * 1024
REPORTS_PER_REQUEST = 5
PER_ADDRESS_PER_MINUTE = 10
IN_ALL_PER_HOUR = 300

DIRECTIVE = re.compile(r"^[a-z][a-z-]{0,39}$")
HOST = re.compile(r"^[a-z0-9.-]{1,100}(:[0-9]{1,5})?$")
KEYWORDS = frozenset(
    {"inline", "eval", "wasm-eval", "self", "data", "blob", "trusted-types-policy",
     "trusted-types-sink"}
)  # fmt: skip
CONTENT_TYPES = frozenset(
    {"application/csp-report", "application/reports+json", "application/json"}
)


def _reports(payload: Any) -> Iterator[Mapping[str, Any]]:
    """The violation reports in either format: report-uri's object or Reporting API's list."""
    if isinstance(payload, Mapping) and isinstance(payload.get("csp-report"), Mapping):
        yield payload["csp-report"]
    elif isinstance(payload, list):
        for item in payload:
            if (
                isinstance(item, Mapping)
                and item.get("type") == "csp-violation"
                and isinstance(item.get("body"), Mapping)
            ):
                yield item["body"]


def _text(report: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = report.get(name)
        if isinstance(value, str):
            return value
    return ""


def page_path(url: str) -> str:
    """The path of one of our pages, without query or fragment; "?" for anything else."""
    path = urlsplit(url).path if url else ""
    if not path.startswith("/") or len(path) > 200 or contains_card_number(path):
        return "?"
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in path):
        return "?"
    try:
        resolve(path)
    except Resolver404:
        return "?"
    return path


def blocked(value: str) -> str:
    """A keyword, or an origin: never a path or a query that could name someone."""
    value = value.strip().lower()
    if value in KEYWORDS:
        return value
    parts = urlsplit(value)
    if parts.scheme in {"http", "https", "ws", "wss"} and HOST.match(parts.netloc or ""):
        return f"{parts.scheme}://{parts.netloc}"
    if parts.scheme in {"data", "blob"}:
        return parts.scheme
    return "other"


def entry_data(report: Mapping[str, Any]) -> dict[str, str]:
    directive = _text(report, "effectiveDirective", "effective-directive", "violated-directive")
    directive = directive.split(" ", 1)[0].lower()
    disposition = _text(report, "disposition").lower()
    return {
        "page": page_path(_text(report, "documentURL", "document-uri")),
        "directive": directive if DIRECTIVE.match(directive) else "other",
        "blocked": blocked(_text(report, "blockedURL", "blocked-uri")),
        "disposition": disposition if disposition in {"enforce", "report"} else "enforce",
    }


def _allowed(request: HttpRequest, reports: int) -> bool:
    """Reports count one by one, per client address (a minute) and in all (an hour)."""
    per_address = ratelimit.hit(
        "csp_report",
        key=client_address(request) or "",
        rate=f"{PER_ADDRESS_PER_MINUTE}/m",
        weight=reports,
    )
    if per_address is not None:
        return False
    return (
        ratelimit.hit("csp_reports", key="all", rate=f"{IN_ALL_PER_HOUR}/h", weight=reports) is None
    )


@csrf_exempt
@checks_card_numbers  # the report is never stored as sent; page_path drops card numbers
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """Receive a browser's report; answer 204 (kept), 413, 429 or 400 (nothing kept)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BYTES:
        return HttpResponse(status=413)
    if request.content_type not in CONTENT_TYPES or length == 0:
        return HttpResponse(status=400)
    try:
        payload = json.loads(request.read(MAX_BYTES))
    except ValueError:
        return HttpResponse(status=400)
    reports = [entry_data(r) for r in _reports(payload)][:REPORTS_PER_REQUEST]
    if not reports:
        return HttpResponse(status=400)
    if not _allowed(request, len(reports)):
        return HttpResponse(status=429)
    with transaction.atomic():
        for data in reports:
            audit.record(event=EVENT, actor=ANONYMOUS, data=data)
    return HttpResponse(status=204)
