"""Group bands, leader requirement, 稳评 level suggestion, and masking."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain.deadlines import DEFAULT_RULES
from mediation_desk.domain.errors import DomainError
from mediation_desk.domain.masking import mask_id_number, mask_name, mask_phone
from mediation_desk.domain.risk import (
    GROUP_BANDS, LEVEL_ORDER, group_band, is_group_matter, needs_leader, suggest_risk_level)


@pytest.mark.parametrize("people, band", [(0, None), (4, None), (5, "under_50"), (49, "under_50"), (50, "50_99"),
                                          (99, "50_99"), (100, "100_499"), (499, "100_499"), (500, "500_plus"),
                                          (10_000, "500_plus")])
def test_group_band(people, band):
    assert group_band(people) == band
    assert is_group_matter(people) == (band is not None)


def test_group_threshold_is_configurable_and_input_checked():
    assert group_band(4, DEFAULT_RULES.with_overrides(group_min_people=3)) == "under_50"
    with pytest.raises(DomainError):
        group_band(-1)
    assert [b[0] for b in GROUP_BANDS] == ["under_50", "50_99", "100_499", "500_plus"]


def test_needs_leader():
    assert needs_leader("high") and needs_leader(colour="red")
    assert not needs_leader("medium") and not needs_leader(colour="orange") and not needs_leader()


@pytest.mark.parametrize("support, oppose, neutral, findings, level, decision", [
    (80, 10, 10, None, "low", "implement"),
    (60, 20, 20, None, "medium", "implement_adjusted"),
    (30, 60, 10, None, "high", "reject"),
    (50, 50, 0, None, "high", "reject"),
    (80, 10, 10, {"legality": "fail"}, "high", "reject"),
    (80, 10, 10, {"feasibility": "concern", "legality": "pass"}, "medium", "implement_adjusted"),
    (30, 60, 10, {"feasibility": "concern"}, "high", "reject"),
    (0, 0, 0, None, "medium", "implement_adjusted"),
])
def test_suggest_level(support, oppose, neutral, findings, level, decision):
    s = suggest_risk_level(support, oppose, neutral, findings)
    assert (s.level, s.decision) == (level, decision)
    assert s.reasons and all(any("\u4e00" <= c <= "\u9fff" for c in r) for r in s.reasons)
    assert s.label in ("高", "中", "低")


def test_suggest_explains_and_validates():
    s = suggest_risk_level(8, 2, 0, {"legality": "fail"})
    assert s.oppose_share == Decimal("0.200")
    assert any("合法性" in r for r in s.reasons)
    with pytest.raises(DomainError):
        suggest_risk_level(1, -1)
    with pytest.raises(DomainError):
        suggest_risk_level(1, 1, 0, {"legality": "bad"})


@settings(max_examples=150, deadline=None)
@given(support=st.integers(0, 500), oppose=st.integers(0, 500), extra=st.integers(1, 200))
def test_more_opposition_never_lowers_the_level(support, oppose, extra):
    a = suggest_risk_level(support, oppose)
    b = suggest_risk_level(support, oppose + extra)
    assert LEVEL_ORDER.index(b.level) >= LEVEL_ORDER.index(a.level)
    worse = suggest_risk_level(support, oppose, 0, {"controllability": "concern"})
    assert LEVEL_ORDER.index(worse.level) >= max(LEVEL_ORDER.index(a.level), 1)


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("王", "王"),
                                          ("", ""), (None, "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_masking_reexports():
    assert mask_id_number("330102199001011234") == "3301**********1234"
    assert mask_phone("13812345678") == "138****5678"
