"""What a PDF may fetch while it is drawn: our static files and `data:` URLs, nothing else
(`charte.core.pdf`). A module of its own, imported when a PDF is made: WeasyPrint, which it
extends, takes a second and more to import."""

import logging
import mimetypes
from typing import Any

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from charte.core.pdf import BASE_URL, static_file

logger = logging.getLogger(__name__)


class FetchRefused(URLFetchingError):
    """The document asked for something that is not one of our static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files and `data:` URLs; refuses every other address."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if url.startswith(prefix):
            relative = url.removeprefix(prefix).split("?")[0].split("#")[0]
            path = static_file(relative)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, path.read_bytes(), headers={"Content-Type": content_type}
                )
        logger.warning("A PDF asked for %r, which is not one of our static files.", url)
        raise FetchRefused(url)
