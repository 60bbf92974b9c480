"""Human case numbers such as "（2026）X调字第001号" — formatting and parsing only.

Allocation (next free sequence per unit, scope and year; never reused) is done by the store.

A pattern is a ``str.format`` string with the placeholders ``{year}``, ``{short}`` (the unit's
short name, e.g. "城关") and ``{seq}``; ``{year}`` and ``{seq}`` may carry a zero-padding spec
such as ``{seq:03d}``. ``{seq}`` is required; each placeholder appears at most once.
Case numbers use full-width parentheses （）.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from .errors import DomainError

__all__ = ["DEFAULT_PATTERNS", "NumberPattern", "format_number", "validate_pattern", "parse_number",
           "example_number", "SCOPE_LABELS"]

DEFAULT_PATTERNS: dict[str, str] = {
    "dispute": "（{year}）{short}调字第{seq:03d}号",
    "petition": "（{year}）{short}信字第{seq:03d}号",
    "archive": "（{year}）{short}人调字第{seq}号",
    "contract": "（{year}）{short}包字第{seq:03d}号",
    "risk": "（{year}）{short}稳评字第{seq:03d}号",
}

SCOPE_LABELS: dict[str, str] = {
    "dispute": "纠纷案件编号", "petition": "信访事项编号", "archive": "卷宗号",
    "contract": "包案编号", "risk": "稳评编号",
}

_FIELDS = ("year", "short", "seq")
_INT_SPEC = re.compile(r"^(?:0\d{1,2})?d?$")
_SHORT_BAD = re.compile(r"[\d\s{}]")
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）"})


@dataclass(frozen=True)
class NumberPattern:
    """A validated number pattern; build with ``NumberPattern("（{year}）{short}调字第{seq:03d}号")``."""

    pattern: str
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False, hash=False)
    _loose: re.Pattern[str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", _compile(self.pattern))
        object.__setattr__(self, "_loose", _compile(self.pattern, loose=True))

    def format(self, year: int, short: str, seq: int) -> str:
        _check_values(year, short, seq)
        return self.pattern.format(year=year, short=short, seq=seq)

    def parse(self, text: str) -> tuple[int | None, str | None, int] | None:
        """``(year, short, seq)`` or ``None`` when ``text`` does not fit the pattern. ``year`` or
        ``short`` is ``None`` when the pattern has no such placeholder. Half-width parentheses
        and surrounding/inner blanks in ``text`` are tolerated."""
        if not isinstance(text, str):
            return None
        loose_text = _loosen(text)
        for regex, candidate in ((self._regex, text), (self._regex, text.strip()), (self._loose, loose_text)):
            m = regex.fullmatch(candidate)
            if m:
                groups = m.groupdict()
                year = int(groups["year"]) if groups.get("year") is not None else None
                short = groups.get("short")
                return year, short, int(groups["seq"])
        return None

    @property
    def has_year(self) -> bool:
        return self._regex.groupindex.get("year") is not None


def _check_values(year: int, short: str, seq: int) -> None:
    if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999:
        raise DomainError(f"编号年份应为四位数年份，当前为“{year}”")
    if not isinstance(short, str) or _SHORT_BAD.search(short) or len(short) > 20:
        raise DomainError(f"单位简称“{short}”不能包含数字、空格或花括号，且不超过20个字")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise DomainError(f"编号序号应为正整数，当前为“{seq}”")


def _loosen(text: str) -> str:
    """Blanks removed, half-width parentheses made full-width (for tolerant parsing)."""
    return re.sub(r"\s+", "", text).translate(_HALF_TO_FULL)


def _compile(pattern: str, loose: bool = False) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise DomainError("编号格式不能为空")
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        raise DomainError("编号格式中的花括号不成对；要输出花括号本身请写作 {{ 或 }}") from None
    seen: set[str] = set()
    regex = []
    for literal, name, spec, conversion in parts:
        regex.append(re.escape(_loosen(literal) if loose else literal))
        if name is None:
            continue
        if name not in _FIELDS:
            raise DomainError(f"编号格式中的“{{{name}}}”无法识别，只能使用 {{year}}（年份）、{{short}}（单位简称）、{{seq}}（序号）")
        if name in seen:
            raise DomainError(f"编号格式中的 {{{name}}} 只能出现一次")
        seen.add(name)
        if conversion:
            raise DomainError(f"编号格式中的 {{{name}}} 不能带“!{conversion}”")
        if name == "short":
            if spec:
                raise DomainError("编号格式中的 {short} 不能带格式说明")
            regex.append(r"(?P<short>[^\d\s{}]*?)")
            continue
        if name == "year" and spec not in ("", "d", "04d"):
            raise DomainError("编号格式中的 {year} 总是四位数年份，不能另设宽度")
        if spec and not _INT_SPEC.match(spec):
            raise DomainError(f"编号格式中的 {{{name}:{spec}}} 不正确；补零请写作 {{{name}:03d}} 这样的形式")
        regex.append(r"(?P<year>\d{4})" if name == "year" else r"(?P<seq>\d+)")
    if "seq" not in seen:
        raise DomainError("编号格式必须包含序号 {seq}，例如 （{year}）{short}调字第{seq:03d}号")
    return re.compile("".join(regex))


def validate_pattern(pattern: str) -> None:
    """Raise DomainError (Chinese) unless ``pattern`` is a usable number pattern."""
    _compile(pattern)


def _as_pattern(pattern: str | NumberPattern) -> NumberPattern:
    return pattern if isinstance(pattern, NumberPattern) else NumberPattern(pattern)


def format_number(pattern: str | NumberPattern, year: int, short: str, seq: int) -> str:
    """E.g. ``format_number(DEFAULT_PATTERNS["dispute"], 2026, "城关", 1)`` → "（2026）城关调字第001号"."""
    return _as_pattern(pattern).format(year, short, seq)


def parse_number(pattern: str | NumberPattern, text: str) -> tuple[int | None, str | None, int] | None:
    """Inverse of :func:`format_number`: ``(year, short, seq)`` or ``None`` if ``text`` does not fit."""
    return _as_pattern(pattern).parse(text)


def example_number(pattern: str | NumberPattern, short: str = "某") -> str:
    """A preview for the Settings screen: year 2026, sequence 1."""
    return format_number(pattern, 2026, short, 1)
