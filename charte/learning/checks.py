"""The deploy check of the pseudonyms' secret."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

MIN_LENGTH = 32


def pseudonym_secret(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    secret = getattr(settings, "CHARTE_PSEUDONYM_SECRET", "")
    if len(secret) < MIN_LENGTH:
        return [
            Error(
                f"PSEUDONYM_SECRET must be at least {MIN_LENGTH} characters long.",
                hint="Draw one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="learning.E001",
            )
        ]
    if secret in {settings.SECRET_KEY, getattr(settings, "CHARTE_JOURNAL_KEY", "")}:
        return [
            Error(
                "PSEUDONYM_SECRET must differ from SECRET_KEY and JOURNAL_KEY.",
                hint="A leaked session key must not also re-identify the statistics.",
                id="learning.E002",
            )
        ]
    return []
