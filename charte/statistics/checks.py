from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

K_FLOOR = 5


def k_floor(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    k = getattr(settings, "CHARTE_STATISTICS_K", 10)
    if not isinstance(k, int) or k < K_FLOOR:
        return [
            Error(
                f"CHARTE_STATISTICS_K (STATISTICS_K) is {k!r}: it cannot be below {K_FLOOR}.",
                hint="A figure about fewer people would single out a pupil.",
                id="statistics.E001",
            )
        ]
    return []
