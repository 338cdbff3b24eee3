"""`make audit`: the locked dependencies, the code and the production settings, checked.

Three checks, each with a short report of what it checked and what it found, then a summary:

- dependencies: pip-audit on the requirement set exported from `uv.lock` (every group: the
  production packages and the development tools), never on whatever happens to be installed.
  A package the advisory service could not answer for is listed as NOT CHECKED; a service that
  cannot be reached is reported as UNREACHABLE. Neither is ever "no known vulnerabilities".
- code: bandit on `charte/` and `config/`, against the reviewed baseline
  `scripts/bandit-baseline.toml` (each accepted finding with its reason): only a finding the
  baseline does not accept fails, and so does an entry that no longer matches anything (the
  baseline stays the list of what is really there). A `# nosec` must name its test and say why.
- deploy: `manage.py check --deploy` with the environment production has (DJANGO_ENV=production
  and its required variables, made up for the check).

Exit status: 0 all clear; 1 something was found; 3 the dependency audit could not be completed
(advisory service unreachable, or packages it could not check) and nothing else was found.
`python scripts/audit.py code` runs one check alone (`make test` runs the code check).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CODE_DIRS = ("charte", "config")
BASELINE = ROOT / "scripts" / "bandit-baseline.toml"

OK, FOUND, INCOMPLETE = "ok", "found", "incomplete"
EXIT = {OK: 0, FOUND: 1, INCOMPLETE: 3}

# What pip-audit or the requests under it say when the service did not answer.
UNREACHABLE_SIGNS = (
    "ConnectionError",
    "ConnectTimeout",
    "ReadTimeout",
    "Max retries exceeded",
    "Could not connect",
    "NameResolutionError",
    "ServiceError",
    "HTTPError",
    "SSLError",
)


@dataclass
class Outcome:
    """What one check did: its verdict, and the lines of its report."""

    name: str
    status: str
    headline: str
    lines: list[str] = field(default_factory=list)


def run(
    argv: Sequence[str], *, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own tools, arguments built here)
        list(argv), capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


# Dependencies --------------------------------------------------------------------------------


def locked_requirements(*, dev: bool) -> str:
    """The requirement set pinned by uv.lock (with `dev`, the development tools too)."""
    uv = find_uv()
    groups = ["--all-groups"] if dev else ["--no-dev"]
    done = run([*uv, "export", "--frozen", "--no-hashes", "--no-emit-project", *groups])
    if done.returncode != 0:
        raise SystemExit(f"uv export failed:\n{done.stderr}")
    return done.stdout


def find_uv() -> list[str]:
    """uv as the Makefile finds it: on the PATH, or as a module of this or the system Python."""
    candidates = [[shutil.which("uv") or "uv"], [sys.executable, "-m", "uv"]]
    candidates += [[p, "-m", "uv"] for p in (shutil.which("python3"), shutil.which("python")) if p]
    for candidate in candidates:
        try:
            if run([*candidate, "--version"]).returncode == 0:
                return candidate
        except OSError:
            continue
    raise SystemExit("uv is needed to export the lock: run `make install` first.")


def pinned(requirements: str) -> dict[str, str]:
    """name -> version of each pinned line of an exported requirement set."""
    found = {}
    for line in requirements.splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line.strip())
        if match:
            found[canonical(match[1])] = match[2]
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_dependencies(
    *, service: str, osv_url: str | None, timeout: int, requirements_file: Path | None = None
) -> Outcome:
    if requirements_file is None:
        everything = locked_requirements(dev=True)
        production = set(pinned(locked_requirements(dev=False)))
        source = "uv.lock"
    else:  # a given requirement set, all taken as production's
        everything = requirements_file.read_text()
        production = set(pinned(everything))
        source = str(requirements_file)
    locked = pinned(everything)
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(everything)
        report = Path(tmp) / "report.json"
        argv = [
            str(BIN / "pip-audit"),
            "--requirement", str(requirements),
            "--no-deps", "--disable-pip",  # the lock pins every package: nothing to resolve
            "--vulnerability-service", service,
            "--format", "json", "--output", str(report),
            "--progress-spinner", "off",
            "--timeout", str(timeout),
            "--cache-dir", str(Path(tmp) / "cache"),
        ]  # fmt: skip
        if osv_url:
            argv += ["--osv-url", osv_url]
        done = run(argv)
        data = json.loads(report.read_text()) if report.exists() else None
    where = f"{service.upper()} advisories" + (f" at {osv_url}" if osv_url else "")
    what = (
        f"{len(locked)} locked packages ({len(production)} in production, the rest development "
        f"tools) from {source}, against {where}"
    )
    return dependency_outcome(what=what, done=done, data=data, production=production)


def dependency_outcome(
    *,
    what: str,
    done: subprocess.CompletedProcess[str],
    data: dict[str, Any] | None,
    production: set[str],
) -> Outcome:
    name = "Dependencies (pip-audit)"
    lines = [f"Checked: {what}."]
    if data is None:
        # No report at all: pip-audit stopped before it could check anything.
        reason = last_error(done.stderr)
        unreachable = any(sign in done.stderr for sign in UNREACHABLE_SIGNS)
        lines.append(
            "The advisory service could not be reached: NOTHING was checked."
            if unreachable
            else "pip-audit could not run: NOTHING was checked."
        )
        lines.append(f"Reason: {reason}")
        headline = "UNREACHABLE: advisory service not reached, no package checked"
        if not unreachable:
            headline = "FAILED TO RUN: no package checked"
        return Outcome(name, INCOMPLETE, headline, lines)

    vulnerable, unchecked, checked = [], [], 0
    for dependency in data.get("dependencies", []):
        if "skip_reason" in dependency:
            unchecked.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        checked += 1
        for vuln in dependency.get("vulns", []):
            where = "production" if canonical(dependency["name"]) in production else "dev tool"
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            vulnerable.append(
                f"{dependency['name']} {dependency['version']} ({where}): {vuln['id']}"
                + (f" ({aliases})" if aliases else "")
                + f"; fixed in {fixed}"
            )
    audited = len(data.get("dependencies", []))
    lines.append(
        f"pip-audit took {audited} of them (packages for other platforms are left out by their "
        f"markers); the advisory service answered for {checked}."
    )
    if vulnerable:
        lines.append(f"Known vulnerabilities: {len(vulnerable)}")
        lines += [f"  - {v}" for v in vulnerable]
    if unchecked:
        lines.append(
            f"NOT CHECKED: {len(unchecked)} packages the advisory service did not answer for "
            "(their vulnerabilities are unknown, not absent):"
        )
        lines += listed(unchecked)
    if vulnerable:
        headline = f"{len(vulnerable)} known vulnerabilities"
        if unchecked:
            headline += f"; {len(unchecked)} packages NOT CHECKED"
        return Outcome(name, FOUND, headline, lines)
    if unchecked and checked == 0 and all("not found on PyPI" in u for u in unchecked):
        lines.append(
            "PyPI answered 'not found' for every package: its JSON API does not answer from "
            "here (a mirror or proxy that serves only the package index?). Try the other "
            "service: AUDIT_SERVICE=osv make audit."
        )
    if unchecked:
        if checked == 0:
            headline = f"UNREACHABLE: the advisory service answered for none of the {len(unchecked)} packages"
        else:
            headline = f"INCOMPLETE: {len(unchecked)} packages NOT CHECKED, none found in the {checked} checked"
        return Outcome(name, INCOMPLETE, headline, lines)
    lines.append("No known vulnerability in any of them.")
    return Outcome(name, OK, f"no known vulnerability in the {checked} locked packages", lines)


def listed(items: list[str], *, at_most: int = 12) -> list[str]:
    shown = [f"  - {item}" for item in items[:at_most]]
    if len(items) > at_most:
        shown.append(f"  ... and {len(items) - at_most} more")
    return shown


def last_error(stderr: str) -> str:
    meaningful = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(meaningful):
        if any(sign in line for sign in UNREACHABLE_SIGNS) or "Error" in line:
            return line[:300]
    return meaningful[-1][:300] if meaningful else "(pip-audit said nothing)"


# Code ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    test: str
    file: str
    code: str
    reason: str


def load_baseline(path: Path) -> tuple[dict[str, str], list[Accepted], list[str]]:
    """Skipped tests and accepted findings, each with its reason; and what is wrong with it."""
    data = tomllib.loads(path.read_text())
    problems = []
    skips = {str(k): str(v) for k, v in data.get("skip", {}).items()}
    accepted = []
    for i, entry in enumerate(data.get("accepted", []), start=1):
        missing = [
            k for k in ("test", "file", "code", "reason") if not str(entry.get(k, "")).strip()
        ]
        if missing:
            problems.append(f"baseline entry {i} lacks {', '.join(missing)}")
            continue
        accepted.append(Accepted(entry["test"], entry["file"], entry["code"], entry["reason"]))
    problems += [f"skipped test {t} has no reason" for t, why in skips.items() if not why.strip()]
    return skips, accepted, problems


NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
NOSEC_WITH_REASON = re.compile(r"^\s*:?\s*(B\d{3})(\s*,\s*B\d{3})*\s*(--|:)\s*\S.{8,}")


def shown(path: Path) -> str:
    """A path as the report and the baseline write it: from the project's root when inside."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def bare_nosecs(dirs: Sequence[Path]) -> list[str]:
    """Every `# nosec` that does not name its test(s) and give a reason."""
    found = []
    for directory in dirs:
        for path in sorted(directory.rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                match = NOSEC.search(line)
                if match and not NOSEC_WITH_REASON.match(match["rest"]):
                    found.append(f"{shown(path)}:{number}: {line.strip()}")
    return found


def check_code(*, baseline: Path = BASELINE, dirs: Sequence[str] = CODE_DIRS) -> Outcome:
    name = "Code (bandit)"
    skips, accepted, problems = load_baseline(baseline)
    targets = [ROOT / d for d in dirs]  # relative to the root, or absolute
    argv = [str(BIN / "bandit"), "--recursive", "--format", "json", "--quiet"]
    if skips:
        argv += ["--skip", ",".join(sorted(skips))]
    done = run([*argv, *map(str, targets)])
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        return Outcome(name, FOUND, "bandit could not run", [done.stderr.strip()[-2000:]])

    lines_of: dict[str, list[str]] = {}
    new, used = [], set()
    for result in data.get("results", []):
        file = shown(Path(result["filename"]))
        if file not in lines_of:
            lines_of[file] = Path(result["filename"]).read_text().splitlines()
        flagged = lines_of[file][result["line_number"] - 1]
        match = next(
            (
                a
                for a in accepted
                if a.test == result["test_id"] and a.file == file and a.code in flagged
            ),
            None,
        )
        if match is None:
            new.append(
                f"{file}:{result['line_number']}: {result['test_id']} "
                f"({result['issue_severity'].lower()} severity) {result['issue_text']}\n"
                f"      {flagged.strip()}"
            )
        else:
            used.add(match)
    stale = [f"{a.file}: {a.test} `{a.code}`" for a in accepted if a not in used]
    nosecs = bare_nosecs(targets)
    totals = data.get("metrics", {}).get("_totals", {})
    lines = [
        f"Checked: {', '.join(shown(t) + '/' for t in targets)} ({totals.get('loc', '?')} lines), every "
        f"bandit test but {', '.join(sorted(skips)) or 'none'} (skipped, see the baseline).",
        f"Findings: {len(data.get('results', []))}, of which "
        f"{len(data.get('results', [])) - len(new)} accepted by the baseline "
        f"({len(accepted)} entries, each with its reason); new: {len(new)}.",
    ]
    if new:
        lines.append(
            "New findings (fix them, or accept them in scripts/bandit-baseline.toml with a reason):"
        )
        lines += [f"  - {n}" for n in new]
    if stale:
        lines.append("Baseline entries that match nothing any more (remove them):")
        lines += [f"  - {s}" for s in stale]
    if nosecs:
        lines.append("`# nosec` without a test id and a reason (write `# nosec B603 -- why`):")
        lines += [f"  - {n}" for n in nosecs]
    if problems:
        lines.append("Baseline problems:")
        lines += [f"  - {p}" for p in problems]
    wrong = len(new) + len(stale) + len(nosecs) + len(problems)
    if wrong:
        return Outcome(
            name,
            FOUND,
            f"{len(new)} new findings, {wrong - len(new)} baseline or nosec problems",
            lines,
        )
    return Outcome(name, OK, "no finding beyond the reviewed baseline", lines)


# Deployment settings -------------------------------------------------------------------------


def production_environment(var_dir: Path) -> dict[str, str]:
    """What production sets (docs/deploy.md), with made-up secrets, for `check --deploy`."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return {
        **keep,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JOURNAL_KEY": secrets.token_urlsafe(50),
        "PSEUDONYM_SECRET": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "charte.example",
        "EMAIL_HOST": "smtp.charte.example",
        "CHARTE_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'deploy-check.sqlite3'}",
    }


def check_deploy() -> Outcome:
    name = "Deployment settings (check --deploy)"
    with tempfile.TemporaryDirectory() as tmp:
        env = production_environment(Path(tmp))
        done = run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env
        )
    said = (done.stdout + done.stderr).strip().splitlines()
    lines = [
        "Checked: Django's deployment checks and ours, with DJANGO_ENV=production and its "
        "required variables ("
        + ", ".join(sorted(set(env) - {"PATH", "HOME", "LANG", "TMPDIR"}))
        + ")."
    ] + [f"  {line}" for line in said]
    if done.returncode != 0:
        return Outcome(name, FOUND, "the production settings fail the deployment checks", lines)
    return Outcome(name, OK, "no issue", lines)


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


# Report --------------------------------------------------------------------------------------


def report(outcomes: list[Outcome]) -> int:
    for outcome in outcomes:
        say(f"\n== {outcome.name} ==")
        for line in outcome.lines:
            say(line)
    say("\n== Summary ==")
    width = max(len(o.name) for o in outcomes)
    for outcome in outcomes:
        say(f"{outcome.name:<{width}}  {outcome.status.upper():<10}  {outcome.headline}")
    statuses = {o.status for o in outcomes}
    if FOUND in statuses:
        return EXIT[FOUND]
    if INCOMPLETE in statuses:
        say(
            "\nThe dependency audit is INCOMPLETE: the advisory service could not be reached or "
            "could not check every package. This is not a clean result; run it again when the "
            "service answers."
        )
        return EXIT[INCOMPLETE]
    return EXIT[OK]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", nargs="*", help="dependencies, code, deploy (default: all)")
    parser.add_argument(
        "--service", choices=["pypi", "osv"], default=os.environ.get("AUDIT_SERVICE", "pypi")
    )
    parser.add_argument("--osv-url", default=os.environ.get("AUDIT_OSV_URL"))
    parser.add_argument("--timeout", type=int, default=15)
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--paths", nargs="+", default=list(CODE_DIRS), help="for the code check")
    parser.add_argument(
        "--requirements", type=Path, help="audit this requirement set instead of the lock's"
    )
    args = parser.parse_args(argv)
    wanted = args.checks or ["dependencies", "code", "deploy"]
    unknown = set(wanted) - {"dependencies", "code", "deploy"}
    if unknown:
        parser.error(f"unknown checks: {', '.join(sorted(unknown))}")
    checks: dict[str, Callable[[], Outcome]] = {
        "dependencies": lambda: check_dependencies(
            service=args.service,
            osv_url=args.osv_url,
            timeout=args.timeout,
            requirements_file=args.requirements,
        ),
        "code": lambda: check_code(baseline=args.baseline, dirs=args.paths),
        "deploy": check_deploy,
    }
    return report([checks[name]() for name in wanted])


if __name__ == "__main__":
    sys.exit(main())
