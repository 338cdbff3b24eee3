"""The retention settings must be usable before the first night's sweep relies on them."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import checks

from charte.retention.dates import parse_month_day


def check_settings(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    try:
        parse_month_day(settings.CHARTE_SCHOOL_YEAR_END)
    except (ValueError, TypeError):
        errors.append(
            checks.Error(
                f"SCHOOL_YEAR_END must be a day of the year as MM-DD (not 02-29), not "
                f"{settings.CHARTE_SCHOOL_YEAR_END!r}.",
                id="charte.E101",
            )
        )
    if settings.CHARTE_RETENTION_NOTICE_DAYS < 0:
        errors.append(checks.Error("RETENTION_NOTICE_DAYS must be 0 or more.", id="charte.E102"))
    if settings.CHARTE_RETENTION_BATCH < 1:
        errors.append(checks.Error("RETENTION_BATCH must be 1 or more.", id="charte.E103"))
    return errors


def check_handlers(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every rule an app registered a handler for is one of the register's."""
    from charte.core import expiry
    from charte.privacy.register import RETENTION_BY_CODE

    return [
        checks.Error(
            f"A retention handler is registered for {rule!r}, a rule the register does not have.",
            id="charte.E104",
        )
        for rule in expiry.registered()
        if rule not in RETENTION_BY_CODE
    ]
