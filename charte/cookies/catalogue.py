"""The cookie categories of the register, as the banner, the page and the guard use them.

The facts (categories, trackers, lifetimes, recipients, IAB purposes) live in
`charte.cookies.categories`; this module only reads them, so the charter page,
the banner and the middleware that enforces them cannot disagree.
"""

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

from charte.cookies.categories import (
    COOKIE_CATEGORIES,
    COOKIE_CATEGORY_BY_CODE,
    IAB_PURPOSES,
    IAB_SPECIAL_FEATURES,
    CookieCategory,
    Tracker,
    TrackerSetter,
    iab_purpose,
    iab_special_feature,
)
from charte.privacy import register

APP_DIR = Path(__file__).resolve().parent
STATIC_FILES = ("static/cookies/consent.js", "static/cookies/consent.css")
TEMPLATES = (
    "templates/cookies/banner.html",
    "templates/cookies/includes/gpc.html",
    "templates/cookies/includes/switches.html",
    "templates/cookies/includes/trackers.html",
    "templates/cookies/preferences.html",
)


def categories() -> tuple[CookieCategory, ...]:
    return COOKIE_CATEGORIES


def consent_categories() -> list[CookieCategory]:
    """The categories that need consent, in the order the banner lists them."""
    return [c for c in COOKIE_CATEGORIES if not c.exempt]


def category(code: str) -> CookieCategory | None:
    return COOKIE_CATEGORY_BY_CODE.get(code)


def cookie_name(declared: str) -> str:
    """The name a cookie the register declares bears on the wire ("__Host-..." in production)."""
    return f"{settings.CHARTE_COOKIE_PREFIX}{declared}"


def shown_name(tracker: Tracker) -> str:
    """The name people find in their browser: the server's cookies carry the prefix."""
    if tracker.set_by == TrackerSetter.SERVER:
        return cookie_name(tracker.name)
    return tracker.name


def category_of_cookie(name: str) -> CookieCategory | None:
    """The category a cookie belongs to; exempt categories win (the session cookie is both)."""
    if name == settings.SESSION_COOKIE_NAME:
        return COOKIE_CATEGORY_BY_CODE["essential"]
    prefix = settings.CHARTE_COOKIE_PREFIX
    if prefix and name.startswith(prefix):
        name = name.removeprefix(prefix)
    for c in sorted(COOKIE_CATEGORIES, key=lambda c: not c.exempt):
        if any(_matches(t, name) for t in c.trackers):
            return c
    return None


def _matches(tracker: Tracker, name: str) -> bool:
    return name.startswith(tracker.name) if tracker.prefix else name == tracker.name


def sign_in_max_age() -> int:
    """How long "Rester connecté" keeps a session: the lifetime the register declares."""
    [tracker] = COOKIE_CATEGORY_BY_CODE["sign_in"].trackers
    assert tracker.max_age is not None
    return tracker.max_age


def page_trackers() -> dict[str, list[str]]:
    """For the banner's script: the cookies the page sets, by category, to delete on refusal."""
    return {
        c.code: [t.name for t in c.trackers if t.set_by == TrackerSetter.PAGE]
        for c in consent_categories()
        if any(t.set_by == TrackerSetter.PAGE for t in c.trackers)
    }


def _facts() -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "purpose": c.purpose,
            "exempt": c.exempt,
            "iab": [list(c.iab_purposes), list(c.iab_special_features)],
            "gpc": c.refused_under_gpc,
            "trackers": [
                [t.name, t.max_age, t.set_by.value, list(t.recipients)] for t in c.trackers
            ],
        }
        for c in COOKIE_CATEGORIES
    ]


@cache
def fingerprint() -> str:
    """What we ask about: when a category, purpose or tracker changes, everyone is asked again."""
    return hashlib.sha256(json.dumps(_facts(), sort_keys=True).encode()).hexdigest()[:12]


@cache
def code_version() -> str:
    """The banner's code: a digest of its script and stylesheet."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        digest.update((APP_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


@cache
def texts_hash(language: str) -> str:
    """A digest of every text the person was shown, in their language: the proof of what they read.

    Covers the templates of the banner and the page, and the register's texts about cookies
    rendered in `language` (category names and descriptions, trackers, IAB purposes), in the
    words of each reader: pupils read them in "tu", everyone else in "vous".
    """
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update((APP_DIR / name).read_bytes())
    with translation.override(language):
        texts: list[str] = []
        for pupil in (False, True):
            for c in COOKIE_CATEGORIES:
                purpose = register.PURPOSE_BY_CODE[c.purpose]
                texts += [str(purpose.name_for(pupil=pupil))]
                texts += [str(purpose.description_for(pupil=pupil))]
                texts += [f"{t.name}|{t.lifetime}|{t.note_for(pupil=pupil)}" for t in c.trackers]
            texts += [str(iab_purpose(n, pupil=pupil)) for n in IAB_PURPOSES]
            texts += [str(iab_special_feature(n, pupil=pupil)) for n in IAB_SPECIAL_FEATURES]
        for catalog_text in texts:
            digest.update(catalog_text.encode())
        # The banner's own sentences come from the catalogue of the language shown.
        po = APP_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        if po.exists():
            digest.update(po.read_bytes())
    return digest.hexdigest()
