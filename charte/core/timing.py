"""A floor under the time some answers take, so that their duration tells nothing.

Design: a form that answers the same whether or not an address has an account (sign-up, a
password reset, a change of address) must also take the same time, or a stopwatch tells what
the page does not. Each of its branches does the same costly work (one password hash, one
email queued) and, on top, the view's answer to a POST is held until a fixed time has passed
since the request arrived: what remains of the difference (a few inserts) hides under it. The
floor is well above what the work takes on a loaded server, and far below what a person
notices on a form they submit once.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Seconds. Measured on a 2-core machine under heavy load (load average 14): one Argon2 hash
# 0.8-1.3 s, a whole sign-up 1.0 s (address in use) and 1.2 s (new address) at the median; a
# password reset 20 ms. Unloaded, Argon2 takes about 0.1 s. The sign-up and the change of
# address both hash a password in every branch; the floor covers what differs.
SIGN_UP_FLOOR = 1.0
PASSWORD_RESET_FLOOR = 0.4
EMAIL_FORM_FLOOR = 1.0

type View = Callable[..., HttpResponseBase]


def at_least(seconds: float) -> Callable[[View], View]:
    """Hold a view's answer to a POST until `seconds` have passed since it began."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            started = time.monotonic()
            try:
                return view(request, *args, **kwargs)
            finally:
                pause(seconds - (time.monotonic() - started))

        return wrapper

    return decorator


def pause(seconds: float) -> None:
    """Sleep (a separate function, so that tests can see the floor without waiting for it)."""
    if seconds > 0:
        time.sleep(seconds)
