"""The weight of the cookie banner, French texts included, gzipped at level 9 (`gzip -9`).

What a first visit downloads for the banner: its script, its stylesheet, and the banner's own
HTML in the page (texts, switches, tracker lists, the state for the script), each compressed
on its own as it is served. Compared with the open-source banners' figures, measured the same
way (JS + CSS, French texts, gzip -9).

Run: `make bench`, or `.venv/bin/python -m bench.banner_size`.
"""

import gzip
import os
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "charte" / "cookies" / "static" / "cookies"
BUDGET = 8 * 1024
PEERS_KB = {
    "tarteaucitron": 25.3,
    "tarteaucitron with its services file": 60.4,
    "Klaro": 68.9,
    "Orejime": 14.7,
    "vanilla-cookieconsent": 15.5,
}


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def banner_html() -> bytes:
    """The banner as a first visit gets it, in French, with the customise panel."""
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("fr"):
        template = engines["django"].from_string("{% load cookies %}{% cookie_banner %}")
        return template.render({}, request).encode()


def measure() -> dict[str, int]:
    parts = {
        "consent.js": (STATIC / "consent.js").read_bytes(),
        "consent.css": (STATIC / "consent.css").read_bytes(),
        "banner HTML (French)": banner_html(),
    }
    sizes = {name: gzipped(data) for name, data in parts.items()}
    sizes["total"] = sum(sizes.values())
    return sizes


def main() -> None:
    sizes = measure()
    print("Cookie banner, gzip -9, French texts:")
    for name, size in sizes.items():
        print(f"  {name:<24} {size:>6} bytes ({size / 1024:.1f} KB)")
    total_kb = sizes["total"] / 1024
    verdict = "within" if sizes["total"] <= BUDGET else "OVER"
    print(f"  budget {BUDGET / 1024:.0f} KB: {verdict}")
    for peer, kb in PEERS_KB.items():
        print(f"  {peer:<38} {kb:>5.1f} KB  ({kb / total_kb:.1f}x ours)")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    main()
