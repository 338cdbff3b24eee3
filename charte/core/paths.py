"""Every "return to" path that comes from outside goes through `safe_path`, and nowhere else.

A `next`, a `retour`, the page an error report names, what a session kept from a sign-up: each
is a value someone else may have written, and we put it in a `Location` header or an `href`.
`url_has_allowed_host_and_scheme` alone is not enough for that: it accepts `-1` (which
`redirect()` then tries as a view name, and fails), and a browser removes tabs and line breaks
from a link before reading it, so that `/\\t/evil.example/` becomes `//evil.example/`, another
site. Hence, in this order:

1. control and invisible formatting characters are removed first (so that they cannot join
   two slashes after the checks);
2. a backslash anywhere is refused (browsers read `/\\evil.example` as `//evil.example`);
3. the value must start with exactly one "/" (no scheme, no host, no `//`), also once its
   percent-escapes are decoded;
4. its path must resolve to one of our routes (`django.urls.resolve`).

Anything else gives the default. The query string is kept (a `next` may be a search's page)
unless the caller asks for the path only; the fragment is dropped.

`tests/attacks/test_return_paths.py` walks the code: a `redirect()` or `HttpResponseRedirect`
fed from request data that did not go through here fails it.
"""

import unicodedata
from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve

# Longer than any path of ours with its query string; a longer value is not a page of ours.
MAX_LENGTH = 2000


def _visible(value: str) -> str:
    """`value` without control characters (Cc), invisible formatting ones (Cf: zero-width
    spaces, direction marks), surrogates (Cs) and unassigned or private code points."""
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")


def safe_path(value: object, default: str = "", *, query: bool = True) -> str:
    """`value` as a path of one of our pages (with its query string unless `query=False`), or
    `default` when it is not one. See the module's docstring for the rules."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return default
    cleaned = _visible(value).strip()
    if "\\" in cleaned or not cleaned.startswith("/") or cleaned.startswith("//"):
        return default
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    decoded = _visible(unquote(parts.path))
    if "\\" in decoded or not decoded.startswith("/") or decoded.startswith("//"):
        return default
    try:
        resolve(decoded)
    except Resolver404:
        return default
    if query and parts.query:
        return f"{parts.path}?{parts.query}"
    return parts.path
