"""Phone numbers: mobile and landline recognition, normalisation, masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.domain.phone import check_phone, mask_phone


@pytest.mark.parametrize("text, kind, normalized", [
    ("13812345678", "mobile", "13812345678"),
    ("138 1234 5678", "mobile", "13812345678"),
    ("138-1234-5678", "mobile", "13812345678"),
    ("+86 138 1234 5678", "mobile", "13812345678"),
    ("008613812345678", "mobile", "13812345678"),
    ("19912345678", "mobile", "19912345678"),
    ("１３８１２３４５６７８", "mobile", "13812345678"),
    ("0571-87654321", "landline", "0571-87654321"),
    ("(0571)87654321", "landline", "0571-87654321"),
    ("0571 8765 4321", "landline", "0571-87654321"),
    ("010-65123456", "landline", "010-65123456"),
    ("02087654321", "landline", "020-87654321"),
    ("0571-8765432", "landline", "0571-8765432"),
    ("0571-87654321-123", "landline", "0571-87654321-123"),
    ("0571-87654321转123", "landline", "0571-87654321-123"),
    ("0571-87654321 ext. 8", "landline", "0571-87654321-8"),
    ("87654321", "landline", "87654321"),
])
def test_valid_numbers(text, kind, normalized):
    c = check_phone(text)
    assert c.valid and c.error is None
    assert (c.kind, c.normalized) == (kind, normalized)


@pytest.mark.parametrize("text, fragment", [
    ("", "请填写"),
    ("12812345678", "第二位"),
    ("1381234567", "11位"),
    ("138123456789", "11位"),
    ("010-12345678", "格式不正确"),
    ("0571-8765", "格式不正确"),
    ("电话13812345678", "只能包含"),
    ("+1 415 555 0100", "中国大陆"),
    ("13812345678转8", "分机"),
])
def test_invalid_numbers(text, fragment):
    c = check_phone(text)
    assert not c.valid and fragment in c.error


@pytest.mark.parametrize("text, masked", [
    ("13812345678", "138****5678"),
    ("+86 138-1234-5678", "138****5678"),
    ("0571-87654321", "0571-****4321"),
    ("0571-87654321-123", "0571-****4321"),
    ("87654321", "****4321"),
    ("1381234567", "138***4567"),
    ("abc", "***"),
    ("", ""),
])
def test_mask_phone(text, masked):
    assert mask_phone(text) == masked


@settings(max_examples=200, deadline=None)
@given(second=st.integers(3, 9), rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
       sep=st.sampled_from(["", " ", "-"]))
def test_any_mobile_with_separators(second, rest, sep):
    number = f"1{second}{rest}"
    c = check_phone(number[:3] + sep + number[3:7] + sep + number[7:])
    assert c.valid and c.kind == "mobile" and c.normalized == number
    masked = mask_phone(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:] and masked[3:7] == "****"
