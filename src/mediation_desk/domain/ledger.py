"""Rolling-ledger arithmetic (滚动台账) for the monthly screening ledger.

An item enters the ledger on ``opened_on`` and leaves it on ``left_on`` (销号, close-out);
``left_on is None`` means it is still open. For month M (first day S, last day E):

* carried_in (上月结转) = opened before S and not left before S;
* new (本月新增)         = opened within [S, E];
* in_hand (本月在办)     = carried_in + new;
* resolved (本月化解)    = left within [S, E] — **every** close-out counts, because the ledger
  identity ``in_hand = resolved + carried_out`` must hold; ``resolved_strict`` counts only the
  items whose close-out was a real resolution (``LedgerItem.resolved``);
* carried_out (结转下月) = in_hand − resolved = items still open at the end of E;
* rate (化解率)          = resolved ÷ in_hand as a ``Decimal`` fraction rounded half-up to 0.1 %
  (e.g. ``Decimal("0.667")`` = 66.7 %; ``None`` when in_hand is 0) — see :func:`format_rate`;
* ytd_new / ytd_resolved = the same counts from 1 January of the year through E;
  ytd_rate = ytd_resolved ÷ (open at 1 January + ytd_new).

Identities (tested): carried_in + new = in_hand = resolved + carried_out; carried_out of M =
carried_in of M+1; the groups of a grouped summary add up to the total.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .calendar import month_end
from .errors import DomainError

__all__ = ["LedgerItem", "MonthFigures", "month_summary", "month_total", "ledger_rows", "resolution_rate",
           "format_rate"]

_RATE_QUANTUM = Decimal("0.001")


@dataclass(frozen=True)
class LedgerItem:
    case_id: str
    opened_on: date
    left_on: date | None = None
    area: str = ""
    category: str = ""
    resolved: bool = False

    def __post_init__(self) -> None:
        if self.left_on is not None and self.left_on < self.opened_on:
            raise DomainError(f"台账事项“{self.case_id}”的销号日期不能早于受理日期")

    def open_on(self, d: date) -> bool:
        """Still in the ledger at the end of day ``d``."""
        return self.opened_on <= d and (self.left_on is None or self.left_on > d)


@dataclass(frozen=True)
class MonthFigures:
    carried_in: int = 0
    new: int = 0
    in_hand: int = 0
    resolved: int = 0
    carried_out: int = 0
    rate: Decimal | None = None
    ytd_new: int = 0
    ytd_resolved: int = 0
    resolved_strict: int = 0
    ytd_resolved_strict: int = 0
    ytd_carried_in: int = 0
    ytd_rate: Decimal | None = None


def resolution_rate(resolved: int, in_hand: int) -> Decimal | None:
    """``resolved / in_hand`` rounded half-up to 0.001 (0.1 %); None when in_hand is 0."""
    if in_hand <= 0:
        return None
    return (Decimal(resolved) / Decimal(in_hand)).quantize(_RATE_QUANTUM, rounding=ROUND_HALF_UP)


def format_rate(rate: Decimal | None) -> str:
    """``Decimal("0.667")`` → "66.7%"; None → "—"."""
    if rate is None:
        return "—"
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise DomainError(f"月份应在1到12之间，当前为{month}")
    return date(year, month, 1), month_end(year, month)


def _in_ledger(item: LedgerItem, start: date, end: date) -> bool:
    return item.opened_on <= end and (item.left_on is None or item.left_on >= start)


def ledger_rows(items: Iterable[LedgerItem], year: int, month: int) -> list[LedgerItem]:
    """Items printed in month M's ledger: open at the start of M or opened during M (including
    those closed out during M). Items that left before M, or open after M, are absent.
    Sorted by opened_on, then case_id."""
    start, end = _bounds(year, month)
    return sorted((i for i in items if _in_ledger(i, start, end)), key=lambda i: (i.opened_on, i.case_id))


def _figures(items: list[LedgerItem], start: date, end: date, year_start: date) -> MonthFigures:
    carried_in = new = resolved = resolved_strict = 0
    ytd_new = ytd_resolved = ytd_resolved_strict = ytd_carried_in = 0
    for i in items:
        if i.opened_on < start and (i.left_on is None or i.left_on >= start):
            carried_in += 1
        if start <= i.opened_on <= end:
            new += 1
        if i.left_on is not None and start <= i.left_on <= end:
            resolved += 1
            resolved_strict += i.resolved
        if i.opened_on < year_start and (i.left_on is None or i.left_on >= year_start):
            ytd_carried_in += 1
        if year_start <= i.opened_on <= end:
            ytd_new += 1
        if i.left_on is not None and year_start <= i.left_on <= end:
            ytd_resolved += 1
            ytd_resolved_strict += i.resolved
    in_hand = carried_in + new
    return MonthFigures(
        carried_in=carried_in, new=new, in_hand=in_hand, resolved=resolved,
        carried_out=in_hand - resolved, rate=resolution_rate(resolved, in_hand),
        ytd_new=ytd_new, ytd_resolved=ytd_resolved, resolved_strict=resolved_strict,
        ytd_resolved_strict=ytd_resolved_strict, ytd_carried_in=ytd_carried_in,
        ytd_rate=resolution_rate(ytd_resolved, ytd_carried_in + ytd_new),
    )


def month_total(items: Iterable[LedgerItem], year: int, month: int) -> MonthFigures:
    start, end = _bounds(year, month)
    return _figures(list(items), start, end, date(year, 1, 1))


GroupBy = str | Callable[[LedgerItem], Hashable] | None


def month_summary(items: Iterable[LedgerItem], year: int, month: int,
                  group_by: GroupBy = None) -> dict[Hashable, MonthFigures]:
    """Figures for month M. ``group_by``: ``None`` → ``{None: total}``; ``'area'`` or
    ``'category'`` → one entry per value; or a function ``item -> key`` (e.g. to map categories
    to their statistics code, or villages to their township). Groups with nothing to show
    (all figures zero, year-to-date included) are left out; the groups always add up to the total.
    Keys are sorted by their text (``None`` first)."""
    start, end = _bounds(year, month)
    year_start = date(year, 1, 1)
    all_items = list(items)
    if group_by is None:
        return {None: _figures(all_items, start, end, year_start)}
    if isinstance(group_by, str):
        if group_by not in ("area", "category"):
            raise DomainError(f"台账只能按地区（area）或类别（category）分组，不能按“{group_by}”")
        attr = group_by
        key_of: Callable[[LedgerItem], Hashable] = lambda i: getattr(i, attr)  # noqa: E731
    else:
        key_of = group_by
    groups: dict[Hashable, list[LedgerItem]] = {}
    for i in all_items:
        groups.setdefault(key_of(i), []).append(i)
    result: dict[Hashable, MonthFigures] = {}
    for key in sorted(groups, key=lambda k: ("" if k is None else str(k))):
        figs = _figures(groups[key], start, end, year_start)
        if figs.in_hand or figs.ytd_new or figs.ytd_resolved or figs.ytd_carried_in:
            result[key] = figs
    return result
