"""The calendar of the account rule, around the school year's end (default: 31 August)."""

from datetime import date

import pytest

from charte.retention import dates


@pytest.mark.parametrize(
    ("created", "kept_until"),
    [
        (date(2025, 8, 30), date(2025, 11, 30)),
        (date(2025, 8, 31), date(2025, 11, 30)),
        (date(2025, 9, 1), date(2026, 11, 30)),
        (date(2026, 1, 15), date(2026, 11, 30)),
        (date(2024, 2, 29), date(2024, 11, 30)),
    ],
)
def test_an_account_is_kept_until_its_school_year_ends_plus_3_months(created, kept_until):
    assert dates.kept_until_created(created) == kept_until


@pytest.mark.parametrize(
    ("renewed", "kept_until"),
    [
        # Before the year ends: "I continue next year" means the next school year.
        (date(2026, 6, 15), date(2027, 11, 30)),
        (date(2026, 8, 31), date(2027, 11, 30)),
        # In the 3 months after it ends, while last year's data is still kept: the year begun.
        (date(2026, 9, 1), date(2027, 11, 30)),
        (date(2026, 11, 30), date(2027, 11, 30)),
        # Later in the autumn, the current year's data is kept anyway: the year after it.
        (date(2026, 12, 1), date(2028, 11, 30)),
    ],
)
def test_a_renewal_carries_to_the_end_of_the_next_school_year_plus_3_months(renewed, kept_until):
    assert dates.kept_until_renewed(renewed) == kept_until


def test_the_last_expired_creation_day_matches_the_rule_on_both_sides_of_its_end():
    assert dates.last_created_day_expired(date(2025, 11, 30)) == date(2024, 8, 31)
    assert dates.last_created_day_expired(date(2025, 12, 1)) == date(2025, 8, 31)
    for day in (date(2025, 11, 30), date(2025, 12, 1), date(2026, 3, 3), date(2026, 9, 1)):
        last = dates.last_created_day_expired(day)
        assert dates.kept_until_created(last) < day
        assert dates.kept_until_created(date.fromordinal(last.toordinal() + 1)) >= day


def test_the_operator_sets_the_school_years_official_end(settings):
    settings.CHARTE_SCHOOL_YEAR_END = "07-04"

    assert dates.kept_until_created(date(2026, 7, 4)) == date(2026, 10, 4)
    assert dates.kept_until_created(date(2026, 7, 5)) == date(2027, 10, 4)


@pytest.mark.parametrize("value", ["31-08", "02-29", "8/31", "", "13-01"])
def test_an_impossible_school_year_end_is_refused_by_the_system_check(settings, value):
    from charte.retention.checks import check_settings

    settings.CHARTE_SCHOOL_YEAR_END = value

    assert [e.id for e in check_settings()] == ["charte.E101"]


def test_months_keep_within_their_month():
    assert dates.add_period(date(2026, 8, 31), months=3) == date(2026, 11, 30)
    assert dates.add_period(date(2024, 2, 29), years=1) == date(2025, 2, 28)
    assert dates.sub_period(date(2026, 3, 31), months=1) == date(2026, 2, 28)
