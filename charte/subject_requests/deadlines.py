"""The legal clock of a request (GDPR art. 12(3)).

A request is answered "within one month of receipt": the same day of the next month, or that
month's last day when it has no such day (31 January -> 28 or 29 February). The controller may
extend by "two further months where necessary", provided the person is told, with the reasons,
within the first month. The dates run in the operator's time zone: a request received at
23:30 in Paris on 31 January is a request of 31 January.
"""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

MAX_EXTENSION_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date()


def due_on(received_at: datetime) -> date:
    """The day by which a request received at `received_at` must be answered."""
    return add_months(local_day(received_at), 1)


def latest_extension(received_at: datetime) -> date:
    """The furthest an extension may push the answer: one month plus two further months."""
    return add_months(local_day(received_at), 1 + MAX_EXTENSION_MONTHS)


def today() -> date:
    return local_day(timezone.now())
