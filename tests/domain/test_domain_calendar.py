"""Calendar arithmetic: months with clamping, working days with holidays and 调休."""

from __future__ import annotations

import calendar as stdcal
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain.calendar import WorkCalendar, add_days, add_months, month_end, parse_date
from mediation_desk.domain.errors import DomainError

# Test fixture shaped like the 2026 National Day arrangement: Oct 1–7 off,
# Sunday Sep 20 and Saturday Oct 10 worked instead (调休).
NATIONAL_DAY = WorkCalendar(
    holidays=[date(2026, 10, d) for d in range(1, 8)],
    extra_workdays=[date(2026, 9, 20), date(2026, 10, 10)],
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@pytest.mark.parametrize("d, n, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),
    (date(2026, 5, 31), 0, date(2026, 5, 31)),
])
def test_add_months_table(d, n, expected):
    assert add_months(d, n) == expected


@settings(max_examples=300, deadline=None)
@given(d=dates, n=st.integers(-240, 240))
def test_add_months_properties(d, n):
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    last = stdcal.monthrange(r.year, r.month)[1]
    assert r.day == min(d.day, last)
    if d.day <= 28:
        assert add_months(r, -n) == d


def test_add_days_and_month_end():
    assert add_days(date(2026, 2, 27), 2) == date(2026, 3, 1)
    assert add_days(date(2024, 2, 27), 2) == date(2024, 2, 29)
    assert month_end(2024, 2) == date(2024, 2, 29) and month_end(2100, 2) == date(2100, 2, 28)


def test_workday_rules():
    assert NATIONAL_DAY.is_workday(date(2026, 9, 30))  # Wednesday
    assert not NATIONAL_DAY.is_workday(date(2026, 10, 1))  # holiday (Thursday)
    assert not NATIONAL_DAY.is_workday(date(2026, 10, 5))  # holiday (Monday)
    assert NATIONAL_DAY.is_workday(date(2026, 10, 10))  # Saturday, 调休
    assert NATIONAL_DAY.is_workday(date(2026, 9, 20))  # Sunday, 调休
    assert not NATIONAL_DAY.is_workday(date(2026, 10, 11))  # ordinary Sunday
    plain = WorkCalendar()
    assert not plain.is_workday(date(2026, 10, 10)) and plain.is_workday(date(2026, 10, 1))


@pytest.mark.parametrize("start, n, with_holidays, without", [
    # Tue 29 Sep + 5 working days: 30 Sep, 8, 9, 10 (Sat 调休), 12 Oct
    (date(2026, 9, 29), 5, date(2026, 10, 12), date(2026, 10, 6)),
    (date(2026, 9, 30), 1, date(2026, 10, 8), date(2026, 10, 1)),
    (date(2026, 10, 3), 1, date(2026, 10, 8), date(2026, 10, 5)),
    (date(2026, 9, 18), 1, date(2026, 9, 20), date(2026, 9, 21)),  # Fri → Sun (调休)
    (date(2026, 10, 12), -2, date(2026, 10, 9), date(2026, 10, 8)),
    (date(2026, 10, 4), 0, date(2026, 10, 4), date(2026, 10, 4)),
])
def test_add_workdays_across_national_day(start, n, with_holidays, without):
    assert NATIONAL_DAY.add_workdays(start, n) == with_holidays
    assert WorkCalendar().add_workdays(start, n) == without


def test_next_workday_and_between():
    assert NATIONAL_DAY.next_workday_on_or_after(date(2026, 10, 1)) == date(2026, 10, 8)
    assert NATIONAL_DAY.next_workday_on_or_after(date(2026, 9, 30)) == date(2026, 9, 30)
    assert NATIONAL_DAY.workdays_between(date(2026, 9, 29), date(2026, 10, 12)) == 5
    assert NATIONAL_DAY.workdays_between(date(2026, 10, 12), date(2026, 9, 29)) == 0


holiday_sets = st.sets(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(hol=holiday_sets, extra=holiday_sets, d=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
       n=st.integers(0, 40))
def test_add_workdays_properties(hol, extra, d, n):
    cal = WorkCalendar(hol, extra - hol)
    r = cal.add_workdays(d, n)
    assert cal.workdays_between(d, r) == n
    if n:
        assert r > d and cal.is_workday(r)
        # the result is the first day at which n working days have passed
        assert cal.workdays_between(d, r - timedelta(days=1)) == n - 1
        if cal.is_workday(d):
            assert cal.add_workdays(r, -n) == d
    else:
        assert r == d


def test_calendar_validation_and_settings():
    with pytest.raises(DomainError) as exc:
        WorkCalendar([date(2026, 10, 10)], [date(2026, 10, 10)])
    assert "不能同时" in str(exc.value)
    cal = WorkCalendar.from_settings(NATIONAL_DAY.to_settings())
    assert cal == NATIONAL_DAY and hash(cal) == hash(NATIONAL_DAY)
    assert NATIONAL_DAY.to_settings()["extra_workdays"] == ["2026-09-20", "2026-10-10"]
    assert WorkCalendar.from_settings(None) == WorkCalendar()
    with pytest.raises(DomainError):
        WorkCalendar.from_settings({"holidays": "2026-10-01"})
    with pytest.raises(DomainError) as exc:
        WorkCalendar.from_settings({"holidays": ["2026-13-01"]})
    assert "格式不正确" in str(exc.value)
    assert parse_date("2026-10-01") == date(2026, 10, 1)
