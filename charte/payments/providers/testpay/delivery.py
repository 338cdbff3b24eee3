"""TestPay's side: how it calls the merchant's webhook. Over HTTP, like any provider."""

import urllib.error
import urllib.request


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10) -> int:
    """POST `body` to `url`; the HTTP status, or 0 when the merchant could not be reached."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        # The URL is the merchant's own webhook, from a checkout it signed: not user input.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0
