from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from charte.subject_requests import deadlines

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 1, 31), date(2024, 2, 29)),  # a leap year
        (date(2024, 2, 29), date(2024, 3, 29)),  # the same day of the next month
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 12, 31), date(2026, 1, 31)),  # across a year
        (date(2025, 6, 15), date(2025, 7, 15)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_receipt(received, due):
    moment = datetime(received.year, received.month, received.day, 10, 0, tzinfo=PARIS)

    assert deadlines.due_on(moment) == due


def test_the_day_of_receipt_is_the_operators_day_not_utcs():
    # 23:30 in Paris on 31 January is 22:30 UTC the same day; 00:30 on 1 February is still
    # 31 January in UTC, but the request was received on 1 February.
    assert deadlines.due_on(datetime(2025, 1, 31, 23, 30, tzinfo=PARIS)) == date(2025, 2, 28)
    assert deadlines.due_on(datetime(2025, 2, 1, 0, 30, tzinfo=PARIS)) == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("received", "latest"),
    [
        (date(2025, 1, 31), date(2025, 4, 30)),
        (date(2024, 2, 29), date(2024, 5, 29)),
        (date(2025, 3, 31), date(2025, 6, 30)),
        (date(2025, 11, 30), date(2026, 2, 28)),
    ],
)
def test_an_extension_reaches_at_most_two_further_months(received, latest):
    moment = datetime(received.year, received.month, received.day, 9, 0, tzinfo=PARIS)

    assert deadlines.latest_extension(moment) == latest
