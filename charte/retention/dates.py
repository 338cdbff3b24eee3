"""The calendar of retention: school years, periods, and the day each kind of data is kept until.

Design: every date here is computed from a date that nobody edits afterwards (an account's
creation, a renewal's day, a row's own timestamp), never from a field an administrator can
change, so that nobody can make data live longer, or go sooner, by editing it.

"Kept until D" means the data is kept on day D and goes from D + 1 on. A sweep on `today`
removes what is kept until a day before `today`.

The account rule (Annex 1, row 1): until the end of the school year in which the account was
created, plus 3 months. A renewal carries the data to the end of the *next* school year plus
3 months; "next" counts from the school year whose data is being kept: a renewal made in the
3 months after a school year's end (while that year's data is still kept) carries the data to
the end of the year just begun, not of the year after.

The school year ends on `settings.CHARTE_SCHOOL_YEAR_END` ("MM-DD", default "08-31"), so that an
operator can set the official date; dates are local (settings.TIME_ZONE).
"""

import calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from charte.privacy.register import RETENTION_BY_CODE, RetentionRule


def school_year_end_setting() -> tuple[int, int]:
    """The (month, day) of the last day of a school year, as the operator set it."""
    return parse_month_day(settings.CHARTE_SCHOOL_YEAR_END)


def parse_month_day(value: str) -> tuple[int, int]:
    """ "MM-DD" to (month, day); ValueError for anything else, or for 29 February."""
    month_text, _, day_text = value.strip().partition("-")
    month, day = int(month_text), int(day_text)
    date(2001, month, day)  # raises for an impossible day (29 February included: 2001 is common)
    return month, day


def add_period(day: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """`day` plus a period; a month-end stays within its month (31 August + 3 months = 30 Nov)."""
    total = day.year * 12 + (day.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)) + timedelta(days=days)


def sub_period(day: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    return add_period(day - timedelta(days=days), -years, -months)


def school_year_end(day: date) -> date:
    """The last day of the school year that `day` belongs to."""
    month, dom = school_year_end_setting()
    end = date(day.year, month, dom)
    return end if day <= end else date(day.year + 1, month, dom)


def account_rule() -> RetentionRule:
    return RETENTION_BY_CODE["account"]


def _grace(day: date, rule: RetentionRule) -> date:
    return add_period(day, rule.years, rule.months, rule.days)


def kept_until_created(created: date) -> date:
    """An account created on `created`: the end of that school year, plus the rule's period."""
    return _grace(school_year_end(created), account_rule())


def kept_until_renewed(renewed: date) -> date:
    """A renewal made on `renewed`: the end of the next school year, plus the rule's period."""
    rule = account_rule()
    kept_year_end = school_year_end(sub_period(renewed, rule.years, rule.months, rule.days))
    return _grace(school_year_end(kept_year_end + timedelta(days=1)), rule)


def last_created_day_expired(today: date) -> date:
    """The last creation day whose account, unrenewed, is no longer kept on `today`.

    `kept_until_created` only grows with the creation day, so "expired" is "created on or
    before this day": the sweep selects accounts with one comparison, in the database.
    """
    end = school_year_end(today)
    while _grace(end, account_rule()) >= today:
        end = date(end.year - 1, end.month, end.day)
    return end


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def start_of(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def row_cutoff(rule: RetentionRule, today: date) -> date:
    """Rows anchored before this day have outlived `rule` on `today`.

    A row anchored on day A is kept until A + period (included): it goes on A + period + 1.
    """
    return sub_period(today, rule.years, rule.months, rule.days)
