"""Screenshots of each role's home page, for the README: `make screenshots`.

Builds a fresh SQLite database in a temporary directory, seeds the demo, serves it on a free
local port, signs in as one demo person per role in Debian's Chromium (driven by Playwright,
never a downloaded browser) and saves each home page under docs/screenshots/<role>.png (staff
type the code of the demo's authenticator key after the password, as a visitor would), and a
first visit, cookie banner open, as visitor.png; then the same at a phone's width (390 px), as
<role>-phone.png. Extra pages can be captured with `--pages` (used while designing, not committed).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "charte-demo-2026"  # the demo's, printed by seed_demo  # noqa: S105
# The demo staff accounts' authenticator key, printed by seed_demo too (charte/second_factor/demo.py).
DEMO_TOTP_KEY = "6368617274652d64656d6f2d323032362d6f7470"

# file name, login, what the README calls it
ROLES = [
    ("pupil", "ben.martin", "Pupil (Ben, 12)"),
    ("parent", "anna.martin@famille.example", "Parent (Anna, mother of Ben and Léa)"),
    ("teacher", "chloe.bernard@college.example", "Teacher (Chloé)"),
    ("school_staff", "david.petit@college.example", "School staff (David)"),
    ("dpo", "elise.moreau@charte.example", "Data protection officer (Élise)"),
    ("customer_service", "farid.benali@charte.example", "Customer service (Farid)"),
    ("marketing", "gaelle.roux@charte.example", "Marketing (Gaëlle)"),
    ("sales", "henri.fournier@charte.example", "Sales (Henri)"),
    ("accounting", "ines.garnier@charte.example", "Accounting (Inès)"),
    ("it", "jules.chevalier@charte.example", "IT (Jules)"),
]


def demo_code() -> str:
    """The code the demo's staff accounts' app shows now (see charte/second_factor/demo.py)."""
    import hashlib
    import hmac
    import struct

    key = bytes.fromhex(DEMO_TOTP_KEY)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# The code each staff login last used: a code is accepted once (a replay is refused), so the
# second width waits for the authenticator's next one.
_used: dict[str, str] = {}


def fresh_code(login: str) -> str:
    code = demo_code()
    while code == _used.get(login):
        time.sleep(1)
        code = demo_code()
    _used[login] = code
    return code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The server stopped before answering.")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (our own local server)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url}.")


def shoot(
    base: str, pages: list[str], out: Path, *, width: int = 1280, suffix: str = ""
) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, login, _label in ROLES:
            context = browser.new_context(
                base_url=base,
                locale="fr-FR",
                viewport={"width": width, "height": 900 if width > 600 else 844},
            )
            page = context.new_page()
            page.goto("/compte/connexion/")
            if not saved:  # what a first visit looks like: the cookie banner, before any choice
                path = out / f"visitor{suffix}.png"
                page.screenshot(path=str(path))
                saved.append(path)
            page.get_by_role("button", name="Continuer sans accepter").click()
            page.locator("#cc").wait_for(state="hidden")
            page.wait_for_load_state()
            page.get_by_label("Adresse e-mail ou identifiant").fill(login)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_load_state()
            if "/double-authentification/verifier/" in page.url:  # staff: their app's code
                page.get_by_label("Code à 6 chiffres").fill(fresh_code(login))
                page.get_by_role("button", name="Valider").click()
            page.wait_for_url(f"{base}/")
            path = out / f"{name}{suffix}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
            for n, extra in enumerate(p for p in pages if p.startswith(f"{name}:")):
                page.goto(extra.split(":", 1)[1])
                path = out / f"{name}{suffix}-{n + 1}.png"
                page.screenshot(path=str(path), full_page=True)
                saved.append(path)
            context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--pages", nargs="*", default=[], help="more pages as role:/path/ (saved as role-N.png)"
    )
    parser.add_argument(
        "--desktop-only", action="store_true", help="not also at a phone's width (390 px)"
    )
    parser.add_argument("--only", nargs="*", default=[], help="only these roles (file names)")
    args = parser.parse_args()
    if args.only:
        ROLES[:] = [role for role in ROLES if role[0] in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="charte-screens-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/screens.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_ENV": "development",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--quiet")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/", server)
            saved = shoot(base, args.pages, args.out)
            if not args.desktop_only:
                saved += shoot(base, args.pages, args.out, width=390, suffix="-phone")
            for path in saved:
                print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")  # noqa: T201
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
