"""PDF documents rendered from our own templates (reports, login cards, letters to parents).

Design:
- WeasyPrint turns a template's HTML and CSS into a PDF on our server: no browser, no outside
  service, and the same template language as every page.
- A PDF about a child must not make a request that nobody asked for, so the renderer fetches
  nothing from the network: a stylesheet or image is read from our own static files (the
  `{% static %}` path, found by the staticfiles finders as in development, or from
  STATIC_ROOT after collectstatic), `data:` URLs are read inline, and every other address is
  refused and left out of the document (`pdf_fetcher.FetchRefused`, logged).
- The document is rendered in the language that is active when it is called, like a page; the
  caller activates the reader's language (`translation.override`).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import get_valid_filename

from charte.core.headers import PRIVATE

# Relative addresses in a template resolve against this origin, which exists nowhere: it only
# lets the fetcher tell our static files from anything else.
BASE_URL = "https://pdf.charte.invalid/"


def static_file(relative: str) -> Path | None:
    """The file behind a static path, or None (never a path outside the static folders)."""
    if not relative or ".." in relative.split("/") or relative.startswith("/"):
        return None
    found = finders.find(relative)
    if isinstance(found, str):
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def render_pdf(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """The template rendered as a PDF document."""
    # WeasyPrint takes a second and more to import: only a process that makes a PDF pays it.
    from weasyprint import HTML

    from charte.core.pdf_fetcher import StaticOnlyFetcher

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """A PDF download that no shared computer keeps (the document is about a person)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    name = get_valid_filename(Path(filename).name) or "document.pdf"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = PRIVATE
    return response
