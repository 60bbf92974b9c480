"""Calendar arithmetic: calendar days, months with month-end clamping, and working days.

A :class:`WorkCalendar` knows weekends, a list of public holidays and the 调休 weekend days that
are worked instead. The holiday list is entered by the unit in Settings (the State Council
publishes it each year); with no list, only Saturdays and Sundays are days off.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .errors import DomainError

__all__ = ["WorkCalendar", "add_days", "add_months", "month_end", "month_start", "parse_date"]


def add_days(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar days (``n`` may be negative)."""
    return d + timedelta(days=n)


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` months; a day missing in the target month is clamped to its last day
    (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year) — Civil Code art. 202."""
    total = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise DomainError("日期超出可计算的范围")
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def month_end(year: int, month: int) -> date:
    return date(year, month, _stdcal.monthrange(year, month)[1])


def parse_date(value: Any, *, what: str = "日期") -> date:
    """Accept a ``date`` or an ISO text ``YYYY-MM-DD``; anything else → DomainError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DomainError(f"{what}“{value}”格式不正确，应为 年-月-日，例如 2026-10-01")


class WorkCalendar:
    """Working-day calendar.

    A day is a working day when it is a 调休 day (``extra_workdays``), or it is Monday–Friday
    and not in ``holidays``. A date may not be in both lists.
    """

    def __init__(self, holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        self.holidays: frozenset[date] = frozenset(parse_date(d, what="节假日") for d in holidays)
        self.extra_workdays: frozenset[date] = frozenset(parse_date(d, what="调休工作日") for d in extra_workdays)
        both = sorted(self.holidays & self.extra_workdays)
        if both:
            raise DomainError(f"{both[0].isoformat()} 不能同时是节假日和调休工作日")

    def __repr__(self) -> str:
        return f"WorkCalendar(holidays={len(self.holidays)}, extra_workdays={len(self.extra_workdays)})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, WorkCalendar) and self.holidays == other.holidays
                and self.extra_workdays == other.extra_workdays)

    def __hash__(self) -> int:
        return hash((self.holidays, self.extra_workdays))

    def is_workday(self, d: date) -> bool:
        if d in self.extra_workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def add_workdays(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``d`` itself is not counted, so
        ``add_workdays(d, 1)`` is the next working day even when ``d`` is one).
        ``n == 0`` returns ``d`` unchanged; negative ``n`` counts backwards."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        current = d
        while remaining:
            current += timedelta(days=step)
            if self.is_workday(current):
                remaining -= 1
        return current

    def next_workday_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, else the first working day after it (Civil Code art. 203:
        a period whose last day is a day off ends on the first day after the days off)."""
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d

    def workdays_between(self, start: date, end: date) -> int:
        """Number of working days in ``(start, end]`` (start excluded, end included); 0 if end <= start."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count

    # -- settings -------------------------------------------------------------------------------

    def to_settings(self) -> dict[str, list[str]]:
        return {
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "extra_workdays": sorted(d.isoformat() for d in self.extra_workdays),
        }

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> "WorkCalendar":
        """Build from ``{"holidays": [...], "extra_workdays": [...]}`` (ISO texts or dates)."""
        if not settings:
            return cls()
        if not isinstance(settings, Mapping):
            raise DomainError("节假日设置格式不正确")
        lists = []
        for key in ("holidays", "extra_workdays"):
            value = settings.get(key) or []
            if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
                raise DomainError("节假日设置格式不正确：应为日期列表")
            lists.append(list(value))
        return cls(lists[0], lists[1])
