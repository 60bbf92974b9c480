"""Case-number patterns: formatting, validation, parsing."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mediation_desk.domain.errors import DomainError
from mediation_desk.domain.numbering import (
    DEFAULT_PATTERNS, NumberPattern, example_number, format_number, parse_number, validate_pattern)


@pytest.mark.parametrize("scope, short, seq, expected", [
    ("dispute", "X", 1, "（2026）X调字第001号"),
    ("dispute", "城关", 1234, "（2026）城关调字第1234号"),
    ("petition", "城关", 12, "（2026）城关信字第012号"),
    ("archive", "清河", 7, "（2026）清河人调字第7号"),
    ("contract", "X", 3, "（2026）X包字第003号"),
    ("risk", "X", 3, "（2026）X稳评字第003号"),
])
def test_default_patterns(scope, short, seq, expected):
    text = format_number(DEFAULT_PATTERNS[scope], 2026, short, seq)
    assert text == expected
    assert parse_number(DEFAULT_PATTERNS[scope], text) == (2026, short, seq)


def test_default_patterns_use_full_width_parentheses():
    for p in DEFAULT_PATTERNS.values():
        assert p.startswith("（{year}）") and "(" not in p
        validate_pattern(p)
    assert set(DEFAULT_PATTERNS) == {"dispute", "petition", "archive", "contract", "risk"}


@pytest.mark.parametrize("text, expected", [
    ("(2026)城关调字第001号", (2026, "城关", 1)),
    (" （2026）城关调字第 001 号 ", (2026, "城关", 1)),
    ("（2026）城关调字第1号", (2026, "城关", 1)),
    ("（2026）调字第005号", (2026, "", 5)),
    ("（2026）城关信字第001号", None),
    ("（26）城关调字第001号", None),
    ("（2026）城关调字第号", None),
    ("（2026）城关调字第001号附", None),
    ("", None),
])
def test_parse_examples(text, expected):
    assert parse_number(DEFAULT_PATTERNS["dispute"], text) == expected


def test_pattern_without_year_or_short():
    p = NumberPattern("调第{seq:04d}号")
    assert p.format(2026, "X", 5) == "调第0005号"
    assert p.parse("调第0005号") == (None, None, 5)
    assert not p.has_year and NumberPattern(DEFAULT_PATTERNS["dispute"]).has_year
    assert example_number("{{{year}}}-{seq}") == "{2026}-1"
    assert parse_number("{{{year}}}-{seq}", "{2026}-1") == (2026, None, 1)


@pytest.mark.parametrize("pattern, fragment", [
    ("（{year}）{short}调字第号", "{seq}"),
    ("", "不能为空"),
    ("{seq}{foo}", "{foo}"),
    ("{seq}{seq}", "只能出现一次"),
    ("{seq:3d}", "补零"),
    ("{seq:>5}", "补零"),
    ("{seq!r}", "!r"),
    ("{short:5}{seq}", "{short}"),
    ("{year:05d}{seq}", "四位"),
    ("（{year}）{seq号", "花括号"),
    ("{seq.real}", "无法识别"),
])
def test_invalid_patterns(pattern, fragment):
    with pytest.raises(DomainError) as exc:
        validate_pattern(pattern)
    assert fragment in str(exc.value)


@pytest.mark.parametrize("year, short, seq", [(99, "X", 1), (2026, "X1", 1), (2026, "X", 0), (2026, "A B", 1),
                                              (2026, "X", -3), (True, "X", 1)])
def test_format_rejects_bad_values(year, short, seq):
    with pytest.raises(DomainError):
        format_number(DEFAULT_PATTERNS["dispute"], year, short, seq)


literal = st.text(alphabet="（）()调字第号人信包-/#A年 {}0123456789", max_size=4).map(
    lambda s: s.replace("{", "{{").replace("}", "}}"))
field_specs = {
    "year": st.sampled_from(["{year}", "{year:d}", "{year:04d}"]),
    "short": st.just("{short}"),
    "seq": st.sampled_from(["{seq}", "{seq:d}", "{seq:03d}", "{seq:05d}", "{seq:02}"]),
}


@st.composite
def patterns(draw):
    names = draw(st.permutations(["year", "short", "seq"]))
    keep = [n for n in names if n == "seq" or draw(st.booleans())]
    parts = [draw(literal)]
    for n in keep:
        parts += [draw(field_specs[n]), draw(literal)]
    return "".join(parts)


shorts = st.text(alphabet="城关镇清河X乙-A调号（", max_size=5)


@settings(max_examples=300, deadline=None)
@given(pattern=patterns(), year=st.integers(1000, 9999), short=shorts, seq=st.integers(1, 10**7))
def test_format_parse_round_trip(pattern, year, short, seq):
    p = NumberPattern(pattern)
    text = p.format(year, short, seq)
    y, s, q = p.parse(text)
    assert q == seq
    assert y == (year if "{year" in pattern else None)
    assert s == (short if "{short}" in pattern else None)


@settings(max_examples=100, deadline=None)
@given(short=shorts, seq=st.integers(1, 99999), other=st.integers(1, 99999))
def test_numbers_are_distinct_and_do_not_cross_scopes(short, seq, other):
    assume(seq != other)
    d = DEFAULT_PATTERNS["dispute"]
    assert format_number(d, 2026, short, seq) != format_number(d, 2026, short, other)
    assert parse_number(DEFAULT_PATTERNS["contract"], format_number(d, 2026, short, seq)) is None
