"""System checks for what the journal's chain relies on in the settings."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import checks
from django.db import connections

MIN_KEY_LENGTH = 32


def check_journal_settings(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    key = getattr(settings, "CHARTE_JOURNAL_KEY", "")
    if len(key) < MIN_KEY_LENGTH:
        errors.append(
            checks.Error(
                f"The journal key (JOURNAL_KEY) must be at least {MIN_KEY_LENGTH} characters.",
                id="charte.audit.E001",
            )
        )
    for alias in connections:
        connection = connections[alias]
        if connection.vendor == "sqlite":
            mode = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
            if mode != "IMMEDIATE":
                errors.append(
                    checks.Error(
                        f"Database {alias!r}: SQLite must begin transactions IMMEDIATE, or two "
                        "writers could fork the journal's chain.",
                        hint='Set OPTIONS["transaction_mode"] = "IMMEDIATE".',
                        id="charte.audit.E002",
                    )
                )
        elif connection.vendor != "postgresql":
            errors.append(
                checks.Error(
                    f"Database {alias!r}: the journal serialises its writers on PostgreSQL and "
                    f"SQLite only, not on {connection.vendor}.",
                    id="charte.audit.E003",
                )
            )
    return errors
