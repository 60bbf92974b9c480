"""Citizen ID numbers (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain.errors import DomainError
from mediation_desk.domain.idcard import (
    PROVINCE_CODES, check_id_number, check_unified_credit_code, credit_check_char, id_check_char,
    make_id_number, mask_id_number, upgrade_legacy)

TODAY = date(2026, 6, 1)


def test_known_valid_number():
    c = check_id_number("11010519491231002X", TODAY)
    assert c.valid and c.error is None and not c.legacy15
    assert (c.sex, c.birth_date, c.region_code, c.province) == ("female", date(1949, 12, 31), "110105", "北京")
    assert c.age_on(date(2026, 12, 30)) == 76 and c.age_on(date(2026, 12, 31)) == 77
    assert id_check_char("11010519491231002") == "X"


def test_check_char_of_standard_examples():
    # examples printed in GB 11643-1999
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


@settings(max_examples=200, deadline=None)
@given(first17=st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_matches_closed_formula(first17):
    # independent statement of MOD 11-2: check value = (12 - S mod 11) mod 11, 10 written as X
    s = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    value = (12 - s % 11) % 11
    assert id_check_char(first17) == ("X" if value == 10 else str(value))


@pytest.mark.parametrize("text", ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ"])
def test_normalisation(text):
    c = check_id_number(text, TODAY)
    assert c.valid and c.normalized == "11010519491231002X"


@pytest.mark.parametrize("text, fragment", [
    ("", "请填写"),
    ("1101051949123100", "应为18位"),
    ("110105194912310021X", "当前为19位"),
    ("11010519491231002Y", "只能包含数字"),
    ("1101051949123X002X", "只能包含数字"),
    ("11010519491231002", "当前为17位"),
    ("110105194912310021", "校验位不正确，应为 X"),
    ("990105194912310028", "省级行政区划"),
    ("110105194902300020", "出生日期“19490230”不存在"),
    ("110105203001010020", "晚于今天"),
    ("110105189901010020", "早于1900年"),
    ("11010549123100A", "只能包含数字"),
])
def test_invalid_numbers(text, fragment):
    c = check_id_number(text, TODAY)
    assert not c.valid
    assert fragment in c.error


def test_legacy_15_digits():
    c = check_id_number("110105491231002", TODAY)
    assert c.valid and c.legacy15 and c.birth_date == date(1949, 12, 31) and c.sex == "female"
    assert c.upgraded == upgrade_legacy("110105491231002") == "11010519491231002X"
    assert not check_id_number("110105491331002", TODAY).valid  # month 13
    with pytest.raises(DomainError):
        upgrade_legacy("11010549123100")


def test_hong_kong_macao_taiwan_residence_permits():
    for region in ("810000", "820000", "830000"):
        assert check_id_number(make_id_number(region, date(1990, 5, 6), 11), TODAY).valid


def test_mask():
    assert mask_id_number("330102199001011234") == "3301**********1234"
    assert mask_id_number("11010519491231002x") == "1101**********002X"
    assert mask_id_number("110105491231002") == "1101*******1002"
    assert mask_id_number("12345") == "*****"
    assert mask_id_number(None) == ""


def test_make_id_number_rejects_bad_input():
    for args in (("11010", date(1990, 1, 1), 1), ("110105", date(1990, 1, 1), 1000), ("1101a5", date(1990, 1, 1), 1)):
        with pytest.raises(DomainError):
            make_id_number(*args)
    with pytest.raises(DomainError):
        id_check_char("1234")


regions = st.tuples(st.sampled_from(sorted(PROVINCE_CODES)), st.integers(0, 9999)).map(lambda t: f"{t[0]}{t[1]:04d}")
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@settings(max_examples=200, deadline=None)
@given(region=regions, birth=births, seq=st.integers(0, 999))
def test_generated_numbers_validate(region, birth, seq):
    number = make_id_number(region, birth, seq)
    c = check_id_number(number, TODAY)
    assert c.valid, c.error
    assert c.birth_date == birth and c.region_code == region
    assert c.sex == ("male" if seq % 2 else "female")
    if birth.year < 2000:
        legacy = number[:6] + number[8:17]
        assert upgrade_legacy(legacy) == number
        assert check_id_number(legacy, TODAY).valid


@settings(max_examples=200, deadline=None)
@given(region=regions, birth=births, seq=st.integers(0, 999), pos=st.integers(0, 17), data=st.data())
def test_any_single_substitution_is_detected(region, birth, seq, pos, data):
    number = make_id_number(region, birth, seq)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    new = data.draw(st.sampled_from([c for c in alphabet if c != number[pos]]))
    changed = number[:pos] + new + number[pos + 1:]
    assert not check_id_number(changed, TODAY).valid


@settings(max_examples=200, deadline=None)
@given(region=regions, birth=births, seq=st.integers(0, 999), pos=st.integers(0, 16))
def test_adjacent_transpositions_are_detected(region, birth, seq, pos):
    number = make_id_number(region, birth, seq)
    a, b = number[pos], number[pos + 1]
    if a == b or b == "X":
        return
    swapped = number[:pos] + b + a + number[pos + 2:]
    assert not check_id_number(swapped, TODAY).valid


# -- unified social credit code -------------------------------------------------------------------

@pytest.mark.parametrize("code", ["91350100M000100Y43", "9144030071526726XG", "91330100716105852F",
                                  "91110000600037341L", "91440300708461136T", "91350100m000100y43"])
def test_known_credit_codes(code):
    c = check_unified_credit_code(code)
    assert c.valid, c.error
    assert c.normalized == code.upper()


@pytest.mark.parametrize("code, fragment", [
    ("", "请填写"),
    ("91350100M000100Y4", "18位"),
    ("91350100M000100Y44", "校验位不正确，应为 3"),
    ("9135010OM000100Y43", "不能出现“O”"),
    ("913501A0M000100Y43", "行政区划"),
])
def test_bad_credit_codes(code, fragment):
    c = check_unified_credit_code(code)
    assert not c.valid and fragment in c.error


@settings(max_examples=150, deadline=None)
@given(body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17), pos=st.integers(0, 17),
       data=st.data())
def test_credit_single_substitution_detected(body, pos, data):
    body = body[:2] + "350100" + body[8:]
    code = body + credit_check_char(body)
    assert check_unified_credit_code(code).valid
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    new = data.draw(st.sampled_from([c for c in chars if c != code[pos]]))
    assert not check_unified_credit_code(code[:pos] + new + code[pos + 1:]).valid
