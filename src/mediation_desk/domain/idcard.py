"""Citizen ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

``check_id_number`` normalises the text first: blanks removed, full-width digits and letters
converted, lower-case x upper-cased. Accepted forms: the 18-digit number (the last character is
an ISO 7064 MOD 11-2 check character, 0–9 or X), including the residence permits of Hong Kong,
Macao and Taiwan residents (810000 / 820000 / 830000), and the legacy 15-digit number (all
digits, birth year 19YY, no check character).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import DomainError

__all__ = ["IdCheck", "check_id_number", "id_check_char", "make_id_number", "mask_id_number",
           "upgrade_legacy", "normalize_id_text", "PROVINCE_CODES", "CreditCodeCheck",
           "check_unified_credit_code", "credit_check_char"]

#: First two digits of a region code → province-level division (GB/T 2260), plus 81/82 for the
#: Hong Kong and Macao and 83 for Taiwan residence permits (71 is the code reserved for Taiwan).
PROVINCE_CODES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾",
}

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"ｘ": "X", "Ｘ": "X", "x": "X"})


def normalize_id_text(text: str) -> str:
    """Remove blanks, convert full-width digits/X, upper-case x."""
    return re.sub(r"\s+", "", text or "").translate(_FULLWIDTH).upper()


@dataclass(frozen=True)
class IdCheck:
    normalized: str
    valid: bool
    legacy15: bool = False
    sex: str | None = None  # 'male' / 'female'
    birth_date: date | None = None
    region_code: str | None = None
    error: str | None = None

    @property
    def upgraded(self) -> str | None:
        """The 18-digit form (for a valid 15-digit number; the number itself when already 18)."""
        if not self.valid:
            return None
        return upgrade_legacy(self.normalized) if self.legacy15 else self.normalized

    @property
    def province(self) -> str | None:
        return PROVINCE_CODES.get(self.region_code[:2]) if self.region_code else None

    def age_on(self, on: date) -> int | None:
        """Full years of age on ``on`` (a person born on Feb 29 turns a year older on Mar 1)."""
        if self.birth_date is None:
            return None
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise DomainError("计算校验位需要身份证号的前17位数字")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def _birth(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def check_id_number(text: str | None, today: date | None = None) -> IdCheck:
    """Validate a citizen ID number; never raises. ``error`` is a Chinese message when invalid."""
    today = today or date.today()
    s = normalize_id_text(text or "")
    if not s:
        return IdCheck(s, False, error="请填写身份证号")
    if len(s) not in (15, 18):
        return IdCheck(s, False, error=f"身份证号应为18位（旧版为15位），当前为{len(s)}位")
    legacy = len(s) == 15
    body = s if legacy else s[:17]
    if not (body.isascii() and body.isdigit()) or not (legacy or s[17].isdigit() or s[17] == "X"):
        msg = "15位身份证号只能包含数字" if legacy else "身份证号只能包含数字，最后一位可以是 X"
        return IdCheck(s, False, legacy, error=msg)
    region = s[:6]
    if region[:2] not in PROVINCE_CODES:
        return IdCheck(s, False, legacy, region_code=region,
                       error=f"身份证号前两位“{region[:2]}”不是有效的省级行政区划代码")
    birth_text = "19" + s[6:12] if legacy else s[6:14]
    birth = _birth(birth_text)
    seq_digit = s[14] if legacy else s[16]
    sex = "male" if int(seq_digit) % 2 else "female"
    if birth is None:
        return IdCheck(s, False, legacy, sex, None, region, f"身份证号中的出生日期“{birth_text}”不存在")
    if birth.year < 1900:
        return IdCheck(s, False, legacy, sex, birth, region, "身份证号中的出生日期早于1900年")
    if birth > today:
        return IdCheck(s, False, legacy, sex, birth, region, "身份证号中的出生日期晚于今天")
    if not legacy:
        expected = id_check_char(s[:17])
        if s[17] != expected:
            return IdCheck(s, False, legacy, sex, birth, region, f"身份证号校验位不正确，应为 {expected}")
    return IdCheck(s, True, legacy, sex, birth, region, None)


def make_id_number(region6: str, birth_date: date, seq3: int | str) -> str:
    """Build a valid 18-digit number (for demo data and tests). ``seq3`` 0–999; odd = male."""
    if not (isinstance(region6, str) and len(region6) == 6 and region6.isascii() and region6.isdigit()):
        raise DomainError("行政区划代码应为6位数字")
    if not 1000 <= birth_date.year <= 9999:
        raise DomainError("出生日期年份不正确")
    seq = int(seq3)
    if not 0 <= seq <= 999:
        raise DomainError("顺序码应在000到999之间")
    first17 = f"{region6}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def upgrade_legacy(id15: str) -> str:
    """15-digit legacy number → 18 digits (insert "19" before the birth year, append the check)."""
    s = normalize_id_text(id15)
    if len(s) != 15 or not s.isascii() or not s.isdigit():
        raise DomainError("旧版身份证号应为15位数字")
    first17 = s[:6] + "19" + s[6:]
    return first17 + id_check_char(first17)


def mask_id_number(s: str | None) -> str:
    """Keep the first 4 and last 4 characters: "330102199001011234" → "3301**********1234".
    Texts of 8 characters or fewer are masked completely."""
    t = normalize_id_text(s or "")
    if not t:
        return ""
    if len(t) <= 8:
        return "*" * len(t)
    return t[:4] + "*" * (len(t) - 8) + t[-4:]


# ---------------------------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码, GB 32100-2015)
# ---------------------------------------------------------------------------------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28


@dataclass(frozen=True)
class CreditCodeCheck:
    normalized: str
    valid: bool
    error: str | None = None


def credit_check_char(first17: str) -> str:
    """Check character of a unified social credit code (MOD 31)."""
    if len(first17) != 17 or any(c not in _CREDIT_CHARS for c in first17):
        raise DomainError("计算校验位需要统一社会信用代码的前17位")
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def check_unified_credit_code(text: str | None) -> CreditCodeCheck:
    """Validate an organisation's 18-character unified social credit code; never raises."""
    s = normalize_id_text(text or "")
    if not s:
        return CreditCodeCheck(s, False, "请填写统一社会信用代码")
    if len(s) != 18:
        return CreditCodeCheck(s, False, f"统一社会信用代码应为18位，当前为{len(s)}位")
    bad = [c for c in s if c not in _CREDIT_CHARS]
    if bad:
        return CreditCodeCheck(s, False, f"统一社会信用代码中不能出现“{bad[0]}”（不使用 I、O、Z、S、V）")
    if not s[2:8].isdigit():
        return CreditCodeCheck(s, False, "统一社会信用代码第3至8位应为行政区划代码（数字）")
    expected = credit_check_char(s[:17])
    if s[17] != expected:
        return CreditCodeCheck(s, False, f"统一社会信用代码校验位不正确，应为 {expected}")
    return CreditCodeCheck(s, True, None)
