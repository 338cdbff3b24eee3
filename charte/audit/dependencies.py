"""The dependency audit in production: what the site runs, checked against the advisories (S1).

Design. `make audit` checks the lock on a developer's machine; this checks, every few hours,
the packages installed where the site runs (what is installed is what runs, even if a deploy
drifted from the lock), so that an advisory published after a release reaches IT without
anyone running a command. The service is PyPI's JSON API (`ADVISORY_URL`, by default
https://pypi.org/pypi; the same feed pip-audit reads, drawn from OSV): one GET per package,
`<ADVISORY_URL>/<name>/<version>/json`, whose `vulnerabilities` list the advisories of that
release. Only names and versions of public packages leave the site, never a person's data.

Three outcomes, each journalled, and never "no known vulnerabilities" for a package that was
not checked:
- every package checked: `security.dependencies_audited`, with the packages and the
  vulnerabilities found (by advisory id);
- the service could not be reached, or answered for none of the packages, or did not know some
  of them: `security.dependency_audit_incomplete`, which names what was not checked and why;
- an alert (`alert.vulnerable_dependency`) for each vulnerability not alerted within the
  journal's year, and one (`alert.advisories_unreachable`, once a day) when the service has
  not answered for more than a day since the last complete audit.

The network calls happen before any transaction opens (a slow service holds no lock); the
journal entry and the alerts are then written in one transaction.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPException
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from charte.audit import alerts, events
from charte.audit.journal import record
from charte.audit.models import Entry
from charte.core.actors import Actor, SystemActor

DEPENDENCY_AUDIT = SystemActor("dependency_audit")
# "New" vulnerability: not alerted within the journal's year (an alert older than that is
# gone with its day, and a vulnerability still there a year later is worth saying again).
ALERTED_WITHIN = timedelta(days=365)
UNREACHABLE_FOR = timedelta(days=1)


class Unreachable(Exception):
    """The advisory service did not answer (network, timeout, server error, nonsense)."""


@dataclass(frozen=True, order=True)
class Package:
    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class Vulnerability:
    package: Package
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    summary: str

    def as_data(self) -> dict[str, Any]:
        return {
            "package": self.package.name,
            "version": self.package.version,
            "advisory": self.id,
            "aliases": list(self.aliases),
            "fixed_in": list(self.fixed_in),
        }


@dataclass
class Findings:
    packages: list[Package]
    checked: list[Package] = field(default_factory=list)
    unknown: list[Package] = field(default_factory=list)  # the service does not know them
    vulnerabilities: list[Vulnerability] = field(default_factory=list)
    unreachable: str = ""  # why the service could not be reached, if it could not

    @property
    def complete(self) -> bool:
        return not self.unreachable and not self.unknown and len(self.checked) == len(self.packages)


def installed_packages() -> list[Package]:
    """Every distribution installed in the environment this code runs in, once each."""
    found = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").strip()
        if name:
            key = _canonical(name)
            found[key] = Package(key, dist.version)
    return sorted(found.values())


def _canonical(name: str) -> str:
    return "-".join(name.replace("_", "-").replace(".", "-").lower().split("-"))


def advisories_of(package: Package, *, base_url: str, timeout: float) -> list[Vulnerability] | None:
    """The advisories of this release; None when the service does not know it (404)."""
    url = f"{base_url.rstrip('/')}/{quote(package.name)}/{quote(package.version)}/json"
    if urlsplit(url).scheme not in {"https", "http"}:
        raise Unreachable(f"ADVISORY_URL must be an http(s) address, not {base_url!r}.")
    # The scheme is checked just above: http(s) only, never file: or another opener's.
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310 -- http(s) only, checked above
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise Unreachable(f"{error.code} {error.reason} for {package}") from error
    except (urllib.error.URLError, TimeoutError, OSError, HTTPException) as error:
        raise Unreachable(str(getattr(error, "reason", error))) from error
    except ValueError as error:  # not JSON
        raise Unreachable(f"not a JSON answer for {package}") from error
    if not isinstance(body, dict):
        raise Unreachable(f"an unexpected answer for {package}")
    found = []
    for vuln in body.get("vulnerabilities") or []:
        if vuln.get("withdrawn"):
            continue
        found.append(
            Vulnerability(
                package=package,
                id=str(vuln["id"]),
                aliases=tuple(str(a) for a in vuln.get("aliases") or ()),
                fixed_in=tuple(str(v) for v in vuln.get("fixed_in") or ()),
                summary=str(vuln.get("summary") or vuln.get("details") or "")[:300],
            )
        )
    return found


def check(packages: list[Package], *, base_url: str, timeout: float) -> Findings:
    """Ask the service about each package; stop at the first sign it is not answering."""
    findings = Findings(packages=packages)
    for package in packages:
        try:
            advisories = advisories_of(package, base_url=base_url, timeout=timeout)
        except Unreachable as error:
            findings.unreachable = str(error)[:300]
            break
        if advisories is None:
            findings.unknown.append(package)
        else:
            findings.checked.append(package)
            findings.vulnerabilities.extend(advisories)
    if packages and not findings.checked and not findings.unreachable:
        findings.unreachable = "the service knows none of the packages"
    return findings


def audit_dependencies(*, actor: Actor = DEPENDENCY_AUDIT) -> Entry | None:
    """Check the installed packages and journal the outcome; None when the audit is off."""
    base_url = settings.CHARTE_ADVISORY_URL
    if not base_url:
        return None
    packages = installed_packages()
    findings = check(packages, base_url=base_url, timeout=settings.CHARTE_ADVISORY_TIMEOUT)
    return record_findings(findings=findings, service=urlsplit(base_url).netloc, actor=actor)


@transaction.atomic
def record_findings(*, findings: Findings, service: str, actor: Actor) -> Entry:
    """Journal one audit's outcome and raise the alerts it calls for."""
    vulnerabilities = [v.as_data() for v in findings.vulnerabilities]
    data: dict[str, Any] = {
        "service": service,
        "packages": [str(p) for p in findings.packages],
        "checked": len(findings.checked),
        "vulnerabilities": vulnerabilities,
    }
    if findings.complete:
        entry = record(event=events.DEPENDENCIES_AUDITED, actor=actor, data=data)
    else:
        done = set(findings.checked)
        data["not_checked"] = [str(p) for p in findings.packages if p not in done]
        data["unreachable"] = bool(findings.unreachable)
        data["reason"] = findings.unreachable or "the service does not know these packages"
        entry = record(event=events.DEPENDENCY_AUDIT_INCOMPLETE, actor=actor, data=data)
    for vulnerability in findings.vulnerabilities:
        alerts.raise_alert(
            event=events.ALERT_VULNERABLE_DEPENDENCY,
            data={**vulnerability.as_data(), "summary": vulnerability.summary},
            once_per=ALERTED_WITHIN,
            same={
                "package": vulnerability.package.name,
                "version": vulnerability.package.version,
                "advisory": vulnerability.id,
            },
        )
    if findings.unreachable:
        since = unreachable_since(now=entry.at)
        if entry.at - since > UNREACHABLE_FOR:
            alerts.raise_alert(
                event=events.ALERT_ADVISORIES_UNREACHABLE,
                data={"service": service, "since": since.isoformat(), "reason": data["reason"]},
                once_per=UNREACHABLE_FOR,
            )
    return entry


def unreachable_since(*, now: datetime) -> datetime:
    """When the service stopped answering: the first unanswered audit after the last complete
    one (or ever, if none was ever complete)."""
    last_complete = (
        Entry.objects.filter(event=events.DEPENDENCIES_AUDITED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = Entry.objects.filter(
        event=events.DEPENDENCY_AUDIT_INCOMPLETE, data__unreachable=True
    )
    if last_complete is not None:
        failures = failures.filter(at__gt=last_complete)
    first = failures.order_by("at").values_list("at", flat=True).first()
    return first or now or timezone.now()
