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


# --------------------------------------------------------------------------- the refined rule

from fractions import Fraction  # noqa: E402

from mediation_desk.domain.risk import (  # noqa: E402
    DIMENSION_FINDINGS, MATTER_TYPES, RULE_TEXT, Quarter, check_override, check_survey, dimension_level,
    mandatory_dimensions, parse_quarter, quarter_of, risk_point_level)

ALL_PASS = {"legality": "pass", "reasonableness": "pass", "feasibility": "pass", "controllability": "pass"}


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


@pytest.mark.parametrize("support, oppose, neutral, level, words", [
    (1, 1, 0, "high", "50.0%"),  # exactly half against: 高 (inclusive)
    (4, 1, 0, "medium", "20.0%"),  # exactly a fifth against: 中 (inclusive)
    (4001, 999, 0, "low", "19.9%"),  # 19.98 % against is below 20 % and never printed as 20.0 %
    (5, 1, 4, "medium", "未过半数"),  # exactly half for is not "most support"
    (6, 1, 3, "low", "多数群众支持"),
    (0, 0, 10, "medium", "全部为中立意见"),  # all neutral
    (0, 0, 0, "medium", "未取得民意调查结果"),  # no survey
    (0, 3, 0, "high", "100.0%"),
])
def test_survey_edges(support, oppose, neutral, level, words):
    s = suggest_risk_level(support, oppose, neutral)
    assert s.level == level
    assert words in s.explanation
    assert s.raised_by and all(f.level == level for f in s.raised_by)
    if (support, oppose) == (4001, 999):
        assert "20.0%" not in s.explanation


def test_no_survey_is_never_low_even_with_every_dimension_passing():
    s = suggest_risk_level(0, 0, 0, ALL_PASS, require_dimensions=True)
    assert s.level == "medium" and s.raised_by[0].source == "no_survey" and s.oppose_share is None


def test_explanation_names_the_finding_that_raised_the_level():
    s = suggest_risk_level(90, 5, 5, {**ALL_PASS, "controllability": {"finding": "concern", "severity": "high"},
                                      "reasonableness": "concern"}, require_dimensions=True)
    assert s.level == "high" and s.decision == "reject"
    assert [f.key for f in s.raised_by] == ["controllability"]
    assert s.explanation.startswith("建议等级为“高”，依据：可控性评估存在风险，风险程度为高。")
    assert "另有：合理性评估存在风险" in s.explanation  # a lower finding is mentioned, but did not decide
    assert s.reasons[0] == "可控性评估存在风险，风险程度为高"


def test_missing_mandatory_dimensions_keep_it_off_low():
    assert mandatory_dimensions() == ("legality", "reasonableness", "feasibility", "controllability")
    partial = {"legality": "pass", "feasibility": {"finding": ""}}
    s = suggest_risk_level(90, 5, 5, partial, require_dimensions=True)
    assert s.level == "medium"
    assert "合理性、可行性、可控性未作分析" in s.explanation
    assert suggest_risk_level(90, 5, 5, partial).level == "low"  # without the requirement: survey only
    assert suggest_risk_level(90, 5, 5, {**ALL_PASS, "safety": "pass"}, require_dimensions=True).level == "low"


@pytest.mark.parametrize("likelihood, impact, level", [
    ("high", "high", "high"), ("high", "medium", "medium"), ("low", "high", "medium"), ("medium", "medium", "medium"),
    ("medium", "low", "low"), ("low", "low", "low"), ("", "high", "medium"), ("", "", "low"),
])
def test_risk_point_matrix(likelihood, impact, level):
    assert risk_point_level(likelihood, impact) == level
    s = suggest_risk_level(90, 5, 5, risk_points=[{"text": "阻工", "likelihood": likelihood, "impact": impact}])
    assert s.level == level
    if level != "low":
        assert s.raised_by[-1].source == "risk_point" and "阻工" in s.raised_by[-1].text


def test_plain_text_risk_points_and_bad_values():
    assert suggest_risk_level(90, 5, 5, risk_points=["边界不清"]).level == "low"
    with pytest.raises(DomainError):
        risk_point_level("很高", "high")
    with pytest.raises(DomainError):
        suggest_risk_level(9, 1, 0, {"beauty": "pass"})
    with pytest.raises(DomainError):
        suggest_risk_level(9, 1, 0, {"legality": {"finding": "concern", "severity": "极高"}})
    with pytest.raises(DomainError):
        suggest_risk_level(9, 1, 0, high_share="0.1", medium_share="0.2")
    with pytest.raises(DomainError):
        suggest_risk_level(True, 1)


def test_dimension_levels():
    assert dimension_level("pass") is None and dimension_level("") is None
    assert dimension_level("concern") == "medium" and dimension_level("concern", "low") == "medium"
    assert dimension_level("concern", "high") == "high" and dimension_level("fail", "low") == "high"
    assert set(DIMENSION_FINDINGS) == {"pass", "concern", "fail"}


def test_thresholds_are_configurable_and_exact():
    assert suggest_risk_level(2, 1, 0, high_share=Fraction(1, 3)).level == "high"
    assert suggest_risk_level(7, 3, 0, medium_share="0.3", high_share="0.6").level == "medium"
    assert suggest_risk_level(71, 29, 0, medium_share="0.3", high_share="0.6").level == "low"


def test_override_needs_a_reason():
    assert check_override("medium", "medium", "") == ""
    assert check_override("medium", "medium", "  同意  ") == "同意"
    assert check_override("medium", "high", " 社会影响面大 ") == "社会影响面大"
    for reason in ("", "   ", None):
        with pytest.raises(DomainError) as info:
            check_override("medium", "low", reason)
        assert info.value.field == "override_reason" and "改判必须写明理由" in str(info.value)
    with pytest.raises(DomainError) as info:
        check_override("medium", "严重", "x")
    assert info.value.field == "level"


def test_survey_numbers_are_checked():
    check_survey(100, 60, 30, 10)
    check_survey(100, 10, 5, 0)  # some did not answer
    check_survey(0, 0, 0, 0)
    with pytest.raises(DomainError) as info:
        check_survey(100, 60, 31, 10)
    assert info.value.field == "surveyed" and "超过了调查人数" in str(info.value)
    with pytest.raises(DomainError) as info:
        check_survey(10, -1, 0, 0)
    assert info.value.field == "in_favour"
    with pytest.raises(DomainError):
        check_survey(10, 1.5, 0, 0)


@pytest.mark.parametrize("text, key", [("2026Q4", "2026Q4"), ("2026q1", "2026Q1"), (" 2026-Q2 ", "2026Q2"),
                                       ("2026 Q3", "2026Q3"), ("2026年第四季度", "2026Q4"), ("2026年4季度", "2026Q4"),
                                       ("2026年第一季度", "2026Q1")])
def test_parse_quarter(text, key):
    q = parse_quarter(text)
    assert q.key == key and str(q) == key and parse_quarter(q) is q


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2026", "Q4", "26Q4", "2026年4", "abc", "", "2026-11"])
def test_bad_quarters_are_refused_in_chinese(text):
    with pytest.raises(DomainError) as info:
        parse_quarter(text)
    assert "2026Q4 这样的形式" in str(info.value) and info.value.field == "quarter"


def test_quarter_bounds():
    q = Quarter(2026, 4)
    assert (q.start.isoformat(), q.end.isoformat(), q.label) == ("2026-10-01", "2026-12-31", "2026年第四季度")
    assert Quarter(2024, 1).end.isoformat() == "2024-03-31" and Quarter(2026, 2).end.isoformat() == "2026-06-30"
    assert q.next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == q
    assert quarter_of(q.start) == q == quarter_of(q.end) and not q.contains(Quarter(2027, 1).start)
    with pytest.raises(DomainError):
        Quarter(2026, 5)


def test_rule_text_and_matter_types():
    assert "50%" in RULE_TEXT and "20%" in RULE_TEXT and "改判必须写明理由" in RULE_TEXT
    assert set(MATTER_TYPES) == {"decision", "project", "reform", "event", "case"}


# --------------------------------------------------------------------------- monotonicity (hypothesis)

FINDING_STEPS = [None, "pass", {"finding": "concern", "severity": "low"}, "concern",
                 {"finding": "concern", "severity": "high"}, "fail"]
POINT_STEPS = ["", "low", "medium", "high"]
dims = st.sampled_from(["legality", "reasonableness", "feasibility", "controllability", "safety"])


def _findings(draw_steps: dict) -> dict:
    return {k: v for k, v in draw_steps.items() if v is not None}


@settings(max_examples=200, deadline=None)
@given(support=st.integers(0, 300), oppose=st.integers(0, 300), neutral=st.integers(0, 300),
       extra=st.integers(1, 300),
       steps=st.dictionaries(dims, st.integers(0, len(FINDING_STEPS) - 1), max_size=5),
       require=st.booleans())
def test_more_opposition_never_lowers_the_level_with_any_findings(support, oppose, neutral, extra, steps, require):
    findings = _findings({k: FINDING_STEPS[i] for k, i in steps.items()})
    a = suggest_risk_level(support, oppose, neutral, findings, require_dimensions=require)
    b = suggest_risk_level(support, oppose + extra, neutral, findings, require_dimensions=require)
    assert _rank(b.level) >= _rank(a.level)
    # and opposition moving from the neutral or supporting camp never lowers it either
    if neutral:
        c = suggest_risk_level(support, oppose + 1, neutral - 1, findings, require_dimensions=require)
        assert _rank(c.level) >= _rank(a.level)
    if support:
        c = suggest_risk_level(support - 1, oppose + 1, neutral, findings, require_dimensions=require)
        assert _rank(c.level) >= _rank(a.level)


@settings(max_examples=200, deadline=None)
@given(support=st.integers(0, 300), oppose=st.integers(0, 300), neutral=st.integers(0, 300),
       steps=st.dictionaries(dims, st.integers(0, len(FINDING_STEPS) - 1), max_size=5),
       which=dims, require=st.booleans())
def test_a_worse_dimension_finding_never_lowers_the_level(support, oppose, neutral, steps, which, require):
    i = steps.get(which, 0)
    if i == len(FINDING_STEPS) - 1 or (require and i == 0):
        return  # (with the requirement, "not analysed" already counts as 中: analysing is not "worse")
    worse_steps = {**steps, which: i + 1}
    a = suggest_risk_level(support, oppose, neutral, _findings({k: FINDING_STEPS[j] for k, j in steps.items()}),
                           require_dimensions=require)
    b = suggest_risk_level(support, oppose, neutral,
                           _findings({k: FINDING_STEPS[j] for k, j in worse_steps.items()}),
                           require_dimensions=require)
    assert _rank(b.level) >= _rank(a.level)


@settings(max_examples=150, deadline=None)
@given(support=st.integers(0, 200), oppose=st.integers(0, 200),
       points=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=4), index=st.integers(0, 3),
       on_impact=st.booleans())
def test_a_worse_risk_point_never_lowers_the_level(support, oppose, points, index, on_impact):
    if not points:
        return
    index %= len(points)
    lk, im = points[index]
    worse = list(points)
    worse[index] = (lk, min(3, im + 1)) if on_impact else (min(3, lk + 1), im)

    def as_points(ps):
        return [{"text": f"风险{i}", "likelihood": POINT_STEPS[a], "impact": POINT_STEPS[b]} for i, (a, b) in enumerate(ps)]

    a = suggest_risk_level(support, oppose, risk_points=as_points(points))
    b = suggest_risk_level(support, oppose, risk_points=as_points(worse))
    assert _rank(b.level) >= _rank(a.level)


@settings(max_examples=150, deadline=None)
@given(support=st.integers(0, 300), oppose=st.integers(0, 300), neutral=st.integers(0, 300),
       steps=st.dictionaries(dims, st.integers(0, len(FINDING_STEPS) - 1), max_size=5))
def test_the_level_is_the_highest_factor_and_is_explained(support, oppose, neutral, steps):
    s = suggest_risk_level(support, oppose, neutral, _findings({k: FINDING_STEPS[i] for k, i in steps.items()}),
                           require_dimensions=True)
    assert s.level == max((f.level for f in s.factors), key=LEVEL_ORDER.index)
    assert s.raised_by and s.decision == {"high": "reject", "medium": "implement_adjusted", "low": "implement"}[s.level]
    assert s.explanation.startswith(f"建议等级为“{s.label}”，依据：{s.raised_by[0].text}")
    total = support + oppose + neutral
    if s.level == "low":  # low needs answers, < 20 % against, > 50 % for, and nothing else raising it
        assert total and oppose * 5 < total and support * 2 > total
