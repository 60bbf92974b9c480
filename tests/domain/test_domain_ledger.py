"""Rolling-ledger arithmetic: a hand-worked example and invariants over random histories."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain.calendar import add_months, month_end
from mediation_desk.domain.errors import DomainError
from mediation_desk.domain.ledger import (
    LedgerItem, MonthFigures, format_rate, ledger_rows, month_summary, month_total, resolution_rate)

D = date
EXAMPLE = [
    LedgerItem("a", D(2025, 12, 10), None, "甲村", "neighbour"),               # carried in, still open
    LedgerItem("b", D(2025, 12, 20), D(2026, 3, 1), "甲村", "divorce", True),  # carried in, left on 1 Mar
    LedgerItem("c", D(2026, 2, 28), D(2026, 2, 28), "乙村", "neighbour", True),  # opened & left in Feb
    LedgerItem("d", D(2026, 3, 5), D(2026, 3, 31), "乙村", "contract", False),  # new, closed unresolved
    LedgerItem("e", D(2026, 3, 15), None, "甲村", "contract"),                  # new, open
    LedgerItem("f", D(2026, 4, 1), None, "乙村", "contract"),                   # April: absent in March
    LedgerItem("g", D(2025, 6, 1), D(2025, 12, 31), "丙村", "other", True),     # left last year
]


def test_march_2026_by_hand():
    t = month_total(EXAMPLE, 2026, 3)
    assert (t.carried_in, t.new, t.in_hand, t.resolved, t.carried_out) == (2, 2, 4, 2, 2)
    assert t.resolved_strict == 1
    assert t.rate == Decimal("0.500")
    assert (t.ytd_carried_in, t.ytd_new, t.ytd_resolved, t.ytd_resolved_strict) == (2, 3, 3, 2)
    assert t.ytd_rate == Decimal("0.600")
    assert [i.case_id for i in ledger_rows(EXAMPLE, 2026, 3)] == ["a", "b", "d", "e"]
    assert month_summary(EXAMPLE, 2026, 3) == {None: t}


def test_grouped_by_hand():
    by_area = month_summary(EXAMPLE, 2026, 3, "area")
    assert list(by_area) == ["乙村", "甲村"]  # 丙村 has nothing this year → omitted
    assert (by_area["甲村"].in_hand, by_area["甲村"].resolved, by_area["甲村"].carried_out) == (3, 1, 2)
    assert (by_area["乙村"].in_hand, by_area["乙村"].resolved, by_area["乙村"].ytd_new) == (1, 1, 2)
    by_cat = month_summary(EXAMPLE, 2026, 3, "category")
    assert by_cat["contract"].new == 2 and by_cat["contract"].rate == Decimal("0.500")
    assert by_cat["divorce"].rate == Decimal("1.000")
    assert "other" not in by_cat
    parent = {"divorce": "marriage_family"}
    mapped = month_summary(EXAMPLE, 2026, 3, lambda i: parent.get(i.category, i.category))
    assert mapped["marriage_family"].resolved == 1


def test_february_and_january():
    feb = month_total(EXAMPLE, 2026, 2)
    assert (feb.carried_in, feb.new, feb.resolved, feb.carried_out) == (2, 1, 1, 2)
    jan = month_total(EXAMPLE, 2026, 1)
    assert (jan.carried_in, jan.new, jan.in_hand, jan.resolved, jan.rate) == (2, 0, 2, 0, Decimal("0.000"))
    assert month_total([], 2026, 1).rate is None


def test_rates():
    assert resolution_rate(2, 3) == Decimal("0.667")
    assert resolution_rate(1, 8) == Decimal("0.125")
    assert resolution_rate(1, 16) == Decimal("0.063")  # 0.0625 rounds half up
    assert resolution_rate(0, 0) is None
    assert format_rate(Decimal("0.667")) == "66.7%"
    assert format_rate(Decimal("1.000")) == "100.0%"
    assert format_rate(None) == "—"


def test_validation():
    with pytest.raises(DomainError):
        LedgerItem("x", D(2026, 3, 2), D(2026, 3, 1))
    with pytest.raises(DomainError):
        month_total(EXAMPLE, 2026, 13)
    with pytest.raises(DomainError) as exc:
        month_summary(EXAMPLE, 2026, 3, "mediator")
    assert "分组" in str(exc.value)


# -- invariants over random histories -------------------------------------------------------------

BASE = D(2024, 1, 1)
AREAS = ["甲村", "乙村", "丙村"]
CATS = ["neighbour", "divorce", "contract", "other"]


@st.composite
def histories(draw):
    n = draw(st.integers(0, 25))
    out = []
    for k in range(n):
        opened = BASE + timedelta(days=draw(st.integers(0, 3 * 366)))
        duration = draw(st.one_of(st.none(), st.integers(0, 500)))
        left = None if duration is None else opened + timedelta(days=duration)
        out.append(LedgerItem(f"c{k}", opened, left, draw(st.sampled_from(AREAS)), draw(st.sampled_from(CATS)),
                              draw(st.booleans())))
    return out


months = st.tuples(st.integers(2024, 2027), st.integers(1, 12))
INT_FIELDS = [f.name for f in fields(MonthFigures) if f.name not in ("rate", "ytd_rate")]


@settings(max_examples=100, deadline=None)
@given(items=histories(), ym=months)
def test_ledger_identities(items, ym):
    year, month = ym
    t = month_total(items, year, month)
    assert t.carried_in + t.new == t.in_hand == t.resolved + t.carried_out
    assert 0 <= t.resolved_strict <= t.resolved
    assert t.rate == resolution_rate(t.resolved, t.in_hand)
    assert t.rate is None or Decimal(0) <= t.rate <= Decimal(1)
    end = month_end(year, month)
    open_at_end = {i.case_id for i in items if i.open_on(end)}
    rows = {i.case_id for i in ledger_rows(items, year, month)}
    assert len(rows) == t.in_hand
    assert open_at_end <= rows
    assert t.carried_out == len(open_at_end)
    assert t.ytd_carried_in + t.ytd_new == t.ytd_resolved + t.carried_out
    # next month starts from what this month carried out
    nxt = add_months(D(year, month, 1), 1)
    assert month_total(items, nxt.year, nxt.month).carried_in == t.carried_out


@settings(max_examples=60, deadline=None)
@given(items=histories(), ym=months, key=st.sampled_from(["area", "category"]))
def test_groups_add_up_to_the_total(items, ym, key):
    total = month_total(items, *ym)
    groups = month_summary(items, *ym, group_by=key)
    for name in INT_FIELDS:
        assert sum(getattr(g, name) for g in groups.values()) == getattr(total, name), name
    for g in groups.values():
        assert g.carried_in + g.new == g.in_hand == g.resolved + g.carried_out


@settings(max_examples=30, deadline=None)
@given(items=histories(), year=st.integers(2024, 2026))
def test_year_to_date_is_the_sum_of_months(items, year):
    new = resolved = strict = 0
    for month in range(1, 13):
        t = month_total(items, year, month)
        new, resolved, strict = new + t.new, resolved + t.resolved, strict + t.resolved_strict
        assert (t.ytd_new, t.ytd_resolved, t.ytd_resolved_strict) == (new, resolved, strict)
        assert t.ytd_carried_in == month_total(items, year, 1).carried_in
