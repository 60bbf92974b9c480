"""Mainland-China phone numbers: mobiles and fixed lines.

Normalised forms: mobile "13812345678" (a +86 / 0086 prefix is dropped); landline
"0571-87654321", with an extension "0571-87654321-123"; a landline written without its area code
is accepted as "87654321" (villagers often write the local number only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PhoneCheck", "check_phone", "mask_phone"]

_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)}
                           | {"－": "-", "（": "(", "）": ")", "＋": "+", "＃": "#", "—": "-", "–": "-"})
_EXT_SPLIT = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")


@dataclass(frozen=True)
class PhoneCheck:
    normalized: str
    kind: str | None  # 'mobile' / 'landline' / None when not recognised
    valid: bool
    error: str | None = None
    area_code: str | None = None
    extension: str | None = None


def _split_landline(digits: str) -> tuple[str | None, str] | None:
    """``(area_code, local)`` for a digit string, or None."""
    if digits.startswith("0"):
        area_len = 3 if digits.startswith(("010", "02")) else 4
        area, local = digits[:area_len], digits[area_len:]
        if len(area) == area_len and _LOCAL.match(local):
            return area, local
        return None
    if _LOCAL.match(digits):
        return None, digits
    return None


def _landline(digits: str, ext: str | None) -> PhoneCheck | None:
    split = _split_landline(digits)
    if split is None:
        return None
    area, local = split
    normalized = f"{area}-{local}" if area else local
    if ext:
        normalized += f"-{ext}"
    return PhoneCheck(normalized, "landline", True, None, area, ext)


def check_phone(text: str | None) -> PhoneCheck:
    """Validate a phone number; never raises. ``error`` is a Chinese message when invalid."""
    raw = (text or "").strip().translate(_FULLWIDTH)
    if not raw:
        return PhoneCheck("", None, False, "请填写电话号码")
    ext = None
    m = _EXT_SPLIT.search(raw)
    if m:
        ext, raw = m.group(1), raw[: m.start()].rstrip(" -")
    if re.search(r"[^\d\s\-()+]", raw):
        return PhoneCheck(raw, None, False, "电话号码只能包含数字、空格、短横线和括号")
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip().startswith("+") and not digits.startswith("86"):
        return PhoneCheck(digits, None, False, "只支持中国大陆的电话号码（+86）")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MOBILE.match(digits[len(prefix):]):
            digits = digits[len(prefix):]
            break
    if _MOBILE.match(digits):
        if ext:
            return PhoneCheck(digits, "mobile", False, "手机号码不能带分机号")
        return PhoneCheck(digits, "mobile", True)
    found = _landline(digits, ext)
    if found:
        return found
    # "0571-87654321-123": a trailing hyphen/blank-separated group may be the extension
    groups = [g for g in re.split(r"[\s\-]+", raw.replace("(", " ").replace(")", " ")) if g]
    if ext is None and len(groups) >= 2 and 1 <= len(groups[-1]) <= 6:
        found = _landline("".join(groups[:-1]), groups[-1])
        if found and found.area_code:
            return found
    if digits.startswith("1") and len(digits) != 11:
        return PhoneCheck(digits, None, False, f"手机号码应为11位，当前为{len(digits)}位")
    if digits.startswith("1"):
        return PhoneCheck(digits, None, False, "手机号码第二位应为3至9")
    return PhoneCheck(digits, None, False, "电话号码格式不正确：手机为11位，座机为区号加7或8位号码")


def mask_phone(text: str | None) -> str:
    """"13812345678" → "138****5678"; "0571-87654321" → "0571-****4321" (extension dropped);
    anything unrecognised keeps its first 3 and last 4 digits when it has 8 or more, else all
    characters are masked."""
    check = check_phone(text)
    if check.kind == "mobile":
        d = check.normalized
        return d[:3] + "****" + d[-4:]
    if check.kind == "landline":
        local = check.normalized.split("-")[1] if check.area_code else check.normalized.split("-")[0]
        masked = "*" * (len(local) - 4) + local[-4:]
        return f"{check.area_code}-{masked}" if check.area_code else masked
    digits = re.sub(r"\D", "", text or "")
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len((text or "").strip())
