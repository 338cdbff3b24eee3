"""Helpers shared by test modules (a test module never imports from another): reading a page
for resources it would fetch from elsewhere, and running manage.py in a clean environment."""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Resources(HTMLParser):
    """Every URL a page would make the browser fetch or send to."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if attrs.get(name):
                self.urls.append(attrs[name])


def external_urls(html: str) -> list[str]:
    parser = Resources()
    parser.feed(html)
    return [u for u in parser.urls if re.match(r"^(https?:)?//", u)]


def manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-Xq9!v2#Lm8@Rt5&Wz1^Pb7*Nc4(Fd6)Hj3",
    "ALLOWED_HOSTS": "charte.example",
    "EMAIL_HOST": "smtp.charte.example",
    "JOURNAL_KEY": "j" * 20 + "-Yr8!u3#Kn7@Sq6&Vx2^Oa9*Mb5(Ge1)Ik4",
    "PSEUDONYM_SECRET": "p" * 20 + "-Qw7!e2#Rt9@Yu4&Io6^Pa1*Sd3(Fg8)Hj5",
    "DATABASE_URL": "sqlite:////tmp/charte-deploy-check.sqlite3",
}


def pdf_text(document: bytes) -> str:
    """A PDF's text (page layout kept), read back by poppler's pdftotext: a reader independent
    of the one that wrote it. `make test` installs it (`make pdftotext`)."""
    if shutil.which("pdftotext") is None:
        raise AssertionError("poppler's pdftotext is not installed: run `make pdftotext`.")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=document, capture_output=True, check=True
    )
    return done.stdout.decode()


def stored_files(alias: str = "default") -> list[str]:
    """Every file of a storage (`settings.STORAGES`), through the storage API: a folder on
    local disk or a bucket's prefix on the S3-compatible server alike."""
    from django.core.files.storage import storages

    storage = storages[alias]
    found: list[str] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:  # a folder on disk not yet made: nothing stored
            continue
        found += [f"{folder}/{name}" if folder else name for name in files]
        folders += [f"{folder}/{name}" if folder else name for name in subfolders]
    return sorted(found)
