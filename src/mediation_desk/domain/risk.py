"""Risk helpers: group-matter bands, leader requirement, quarters, and the 稳评 level suggestion.

The suggestion is ours (DOMAIN.md §7: the software suggests, the assessor confirms or overrides
with a reason; both are kept). The rule — shown in the UI and printed in the report — is:

1. **Survey** (支持 / 反对 / 中立 counts, all methods together; the share is of the answers):
   * share against ≥ 50 % → **高** (most people object);
   * share against ≥ 20 % → **中** (part of the public objects);
   * otherwise **低** only when the share for is *more than* half; when it is not (many neutral,
     e.g. everybody neutral) → **中**: "most support" is not established;
   * no answers at all (nobody surveyed, or only 公示 without counts) → **中**: the level cannot be
     低 without hearing the public.
   Thresholds are inclusive (exactly 50 % against is 高, exactly 20 % is 中, exactly 50 % for is
   not a majority) and are compared exactly (fractions, no rounding).
2. **Dimensions** (合法性, 合理性, 可行性, 可控性; 安全性 optional; finding 符合 / 存在风险 / 不符合):
   不符合 → **高**; 存在风险 → **中**, or **高** when its severity is 高; 符合 → no effect.
   With ``require_dimensions`` (the service uses it) a mandatory dimension without a finding → **中**
   (not analysed, so not 低).
3. **Risk points** (likelihood × impact, each 高/中/低): 高×高 → **高**; one of them 高, or both
   中 → **中**; otherwise no effect.
4. The suggestion is the **highest** of these; :attr:`RiskSuggestion.raised_by` names the
   findings that set it (e.g. "合法性评估为不符合"). Suggested decision: 高 → 不实施,
   中 → 调整后实施, 低 → 实施.

Consequences (tested with hypothesis): more opposition, a worse dimension finding or a worse risk
point never lowers the suggested level.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .deadlines import DEFAULT_RULES, DeadlineRules
from .errors import DomainError
from .vocabularies import item as vocab_item
from .vocabularies import items as vocab_items
from .vocabularies import label, risk_colour_grade

__all__ = ["GROUP_BANDS", "group_band", "is_group_matter", "needs_leader", "RiskSuggestion", "RiskFactor",
           "suggest_risk_level", "DIMENSION_FINDINGS", "LEVEL_ORDER", "LEVEL_LABELS", "MATTER_TYPES",
           "SEVERITIES", "RULE_TEXT", "risk_point_level", "dimension_level", "check_survey", "check_override",
           "level_label", "Quarter", "parse_quarter", "quarter_of", "DECISION_FOR_LEVEL", "mandatory_dimensions"]

#: (code, Chinese label, lowest head-count inclusive, highest inclusive or None)
GROUP_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_50", "50人以下", 0, 49),
    ("50_99", "50至99人", 50, 99),
    ("100_499", "100至499人", 100, 499),
    ("500_plus", "500人及以上", 500, None),
)

DIMENSION_FINDINGS: dict[str, str] = {"pass": "符合", "concern": "存在风险", "fail": "不符合"}
LEVEL_ORDER: tuple[str, ...] = ("low", "medium", "high")
LEVEL_LABELS: dict[str, str] = {"high": "高", "medium": "中", "low": "低"}
#: Severity of a dimension's risk, and likelihood / impact of a risk point (same three steps).
SEVERITIES: dict[str, str] = {"high": "高", "medium": "中", "low": "低"}
DECISION_FOR_LEVEL: dict[str, str] = {"high": "reject", "medium": "implement_adjusted", "low": "implement"}
_DECISION = DECISION_FOR_LEVEL

#: What an assessment is about (稳评事项类型). ``case`` = a dispute or petition graded high [ours].
MATTER_TYPES: dict[str, str] = {
    "decision": "重大决策",
    "project": "重大项目",
    "reform": "重大改革",
    "event": "重大活动",
    "case": "矛盾纠纷（信访）案件",
}

#: The rule in words (the UI shows it beside the suggestion; the report prints the short form).
RULE_TEXT = (
    "建议等级取以下各项中最高的一项：\n"
    "1. 民意调查：反对意见占50%及以上为“高”；占20%及以上为“中”；不足20%且支持意见超过半数为“低”，"
    "支持意见未过半数（中立较多）为“中”；没有调查结果的不能评为“低”，按“中”。\n"
    "2. 分析维度：任一维度“不符合”为“高”；“存在风险”为“中”，风险程度为高的为“高”；"
    "合法性、合理性、可行性、可控性未作分析的，不能评为“低”。\n"
    "3. 风险点：可能性高且影响高为“高”；可能性或影响有一项为高、或两项均为中的为“中”。\n"
    "建议的结果运用：高—不实施（或调整方案后重新评估），中—调整后实施，低—实施。"
    "评估人可以确认或改判建议等级，改判必须写明理由，建议等级和确定等级都予保留。"
)


def level_label(code: str | None) -> str:
    return LEVEL_LABELS.get(code or "", label("risk_level", code) if code else "")


def is_group_matter(people: int, rules: DeadlineRules = DEFAULT_RULES) -> bool:
    """Five or more people involved (configurable) make a group matter (群体性)."""
    return people >= rules.group_min_people


def group_band(people: int, rules: DeadlineRules = DEFAULT_RULES) -> str | None:
    """Band code of a group matter (lower bounds inclusive); None when it is not a group matter."""
    if not isinstance(people, int) or isinstance(people, bool) or people < 0:
        raise DomainError("涉及人数应为不小于0的整数")
    if not is_group_matter(people, rules):
        return None
    for code, _lab, lo, hi in GROUP_BANDS:
        if people >= lo and (hi is None or people <= hi):
            return code
    raise AssertionError("unreachable")  # pragma: no cover


def needs_leader(grade: str | None = None, colour: str | None = None) -> bool:
    """High-grade or red items need a responsible leader (包案领导)."""
    return grade == "high" or (colour is not None and risk_colour_grade(colour) == "high")


def mandatory_dimensions() -> tuple[str, ...]:
    """合法性, 合理性, 可行性, 可控性 (the ones not marked optional in the vocabulary)."""
    return tuple(i.code for i in vocab_items("dimension") if not i.extra.get("optional"))


# --------------------------------------------------------------------------- the suggestion


@dataclass(frozen=True)
class RiskFactor:
    """One finding the rule looked at and the level it calls for."""

    source: str  # survey | no_survey | dimension | missing_dimension | risk_point
    key: str  # dimension code, risk point index, or "" for the survey
    level: str  # low | medium | high
    text: str  # Chinese, e.g. "合法性评估为不符合"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class RiskSuggestion:
    level: str  # high / medium / low (vocabulary risk_level)
    decision: str  # vocabulary decision_outcome
    oppose_share: Decimal | None
    reasons: list[str] = field(default_factory=list, hash=False)
    factors: list[RiskFactor] = field(default_factory=list, hash=False)
    support_share: Decimal | None = None

    @property
    def label(self) -> str:
        return label("risk_level", self.level)

    @property
    def raised_by(self) -> list[RiskFactor]:
        """The findings that set the level (those calling for the suggested level itself)."""
        return [f for f in self.factors if f.level == self.level]

    @property
    def explanation(self) -> str:
        """One sentence for the UI and the report: the level and what set it."""
        deciding = "；".join(f.text for f in self.raised_by) or "；".join(self.reasons)
        others = [f.text for f in self.factors if f.level != self.level and f.level != "low"]
        text = f"建议等级为“{LEVEL_LABELS[self.level]}”，依据：{deciding}。"
        if others:
            text += f"另有：{'；'.join(others)}（不影响建议等级）。"
        return text


def _count(n: Any, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise DomainError(f"{what}应为不小于0的整数")
    return n


def _fraction(x: Decimal | Fraction | float | str) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(str(x))


def _pct(share: Fraction, *, below: Fraction | None = None, rounding=ROUND_HALF_UP) -> str:
    """"33.3%"; when the value is known to be below ``below`` it never prints as that threshold."""
    value = Decimal(share.numerator) / Decimal(share.denominator) * 100
    shown = value.quantize(Decimal("0.1"), rounding=rounding)
    if below is not None and shown >= Decimal(below.numerator) / Decimal(below.denominator) * 100:
        shown = value.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return f"{shown}%"


def _threshold_text(t: Fraction) -> str:
    v = Decimal(t.numerator) / Decimal(t.denominator) * 100
    return f"{v.normalize():f}%"


def dimension_level(finding: str | None, severity: str | None = None) -> str | None:
    """The level one dimension finding calls for: 不符合 → high; 存在风险 → medium (high with
    severity 高); 符合 or no finding → None (no effect)."""
    if not finding:
        return None
    if finding not in DIMENSION_FINDINGS:
        raise DomainError(f"评估结论“{finding}”无法识别，应为符合、存在风险或不符合")
    if severity and severity not in SEVERITIES:
        raise DomainError(f"风险程度“{severity}”无法识别，应为高、中或低")
    if finding == "fail":
        return "high"
    if finding == "concern":
        return "high" if severity == "high" else "medium"
    return None


def risk_point_level(likelihood: str | None, impact: str | None) -> str:
    """Risk matrix of one risk point: 高×高 → high; one 高, or 中×中 → medium; else low."""
    for value, what in ((likelihood, "发生可能性"), (impact, "影响程度")):
        if value and value not in SEVERITIES:
            raise DomainError(f"风险点的{what}“{value}”无法识别，应为高、中或低")
    pair = {likelihood or "", impact or ""}
    if likelihood == "high" and impact == "high":
        return "high"
    if "high" in pair or (likelihood == "medium" and impact == "medium"):
        return "medium"
    return "low"


def _dimension_entry(value: Any) -> tuple[str, str]:
    """(finding, severity) of a dimension value: a finding code or a mapping with ``finding``."""
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value, ""
    if isinstance(value, Mapping):
        return str(value.get("finding") or ""), str(value.get("severity") or "")
    raise DomainError("维度评估结果的格式不正确")


def _point_entry(value: Any, index: int) -> tuple[str, str, str]:
    """(text, likelihood, impact) of a risk point: plain text or a mapping."""
    if isinstance(value, str):
        return value, "", ""
    if isinstance(value, Mapping):
        return (str(value.get("text") or value.get("point") or f"第{index}项"),
                str(value.get("likelihood") or ""), str(value.get("impact") or ""))
    raise DomainError("风险点的格式不正确")


def suggest_risk_level(support: int, oppose: int, neutral: int = 0,
                       dimension_findings: Mapping[str, Any] | None = None, *,
                       risk_points: Sequence[Any] | None = None,
                       require_dimensions: bool = False,
                       high_share: Decimal | Fraction | str = Decimal("0.5"),
                       medium_share: Decimal | Fraction | str = Decimal("0.2")) -> RiskSuggestion:
    """Suggest a 稳评 level from survey counts, per-dimension findings and risk points (module doc).

    ``dimension_findings`` maps a dimension code to a finding code (``pass``/``concern``/``fail``)
    or to a mapping with ``finding`` and optional ``severity``; ``risk_points`` are plain texts
    (no effect on the level) or mappings with ``text``, ``likelihood``, ``impact``."""
    _count(support, "支持人数")
    _count(oppose, "反对人数")
    _count(neutral, "中立人数")
    hi, mid = _fraction(high_share), _fraction(medium_share)
    if not (0 < mid <= hi <= 1):
        raise DomainError("风险等级的反对比例界限应满足 0 < 中 ≤ 高 ≤ 100%")
    factors: list[RiskFactor] = []
    total = support + oppose + neutral
    share: Decimal | None = None
    support_dec: Decimal | None = None
    if total == 0:
        factors.append(RiskFactor("no_survey", "", "medium", "未取得民意调查结果（支持、反对、中立人数均为0），不能评为低风险"))
    else:
        against = Fraction(oppose, total)
        favour = Fraction(support, total)
        share = (Decimal(oppose) / Decimal(total)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        support_dec = (Decimal(support) / Decimal(total)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        if against >= hi:
            factors.append(RiskFactor("survey", "", "high",
                                      f"反对意见占{_pct(against)}（达到{_threshold_text(hi)}），多数群众反对"))
        elif against >= mid:
            factors.append(RiskFactor("survey", "", "medium",
                                      f"反对意见占{_pct(against, below=hi)}（达到{_threshold_text(mid)}），部分群众反对"))
        elif favour > Fraction(1, 2):
            factors.append(RiskFactor("survey", "", "low",
                                      f"反对意见占{_pct(against, below=mid)}，支持意见占{_pct(favour)}，多数群众支持"))
        else:
            neutral_text = "全部为中立意见" if support == 0 and oppose == 0 else (
                f"支持意见仅占{_pct(favour)}，未过半数")
            factors.append(RiskFactor("survey", "", "medium",
                                      f"反对意见占{_pct(against, below=mid)}，但{neutral_text}，不能认定多数群众支持"))
    given = dict(dimension_findings or {})
    known_dims = {i.code for i in vocab_items("dimension")}
    for dim, value in given.items():
        if dim not in known_dims:
            raise DomainError(f"评估维度“{dim}”无法识别")
        finding, severity = _dimension_entry(value)
        lvl = dimension_level(finding, severity)
        dim_label = label("dimension", dim)
        if lvl is None:
            continue
        if finding == "fail":
            text = f"{dim_label}评估为不符合"
        elif severity == "high":
            text = f"{dim_label}评估存在风险，风险程度为高"
        else:
            text = f"{dim_label}评估存在风险"
        factors.append(RiskFactor("dimension", dim, lvl, text))
    if require_dimensions:
        missing = [d for d in mandatory_dimensions() if not _dimension_entry(given.get(d))[0]]
        if missing:
            names = "、".join(label("dimension", d) for d in missing)
            factors.append(RiskFactor("missing_dimension", ",".join(missing), "medium",
                                      f"{names}未作分析，不能评为低风险"))
    for i, value in enumerate(risk_points or (), start=1):
        text, likelihood, impact = _point_entry(value, i)
        lvl = risk_point_level(likelihood, impact)
        if lvl == "low":
            continue
        factors.append(RiskFactor("risk_point", str(i), lvl,
                                  f"风险点“{text}”发生可能性{SEVERITIES.get(likelihood, '未定')}、"
                                  f"影响程度{SEVERITIES.get(impact, '未定')}"))
    level = max((f.level for f in factors), key=LEVEL_ORDER.index, default="low")
    # reasons: what set the level first, then the rest (kept for callers of the first version)
    ordered = sorted(factors, key=lambda f: -LEVEL_ORDER.index(f.level))
    reasons = [f.text for f in ordered]
    return RiskSuggestion(level, _DECISION[level], share, reasons, factors, support_dec)


def check_survey(surveyed: int, in_favour: int, against: int, neutral: int) -> None:
    """Survey numbers must be whole numbers ≥ 0 and the answers must not exceed the people
    surveyed (some may not answer). Raises DomainError with ``field`` set."""
    for n, what, name in ((surveyed, "调查人数", "surveyed"), (in_favour, "支持人数", "in_favour"),
                          (against, "反对人数", "against"), (neutral, "中立人数", "neutral")):
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise DomainError(f"{what}应为不小于0的整数", field=name)
    answers = in_favour + against + neutral
    if answers > surveyed:
        raise DomainError(f"支持、反对、中立人数合计{answers}人，超过了调查人数{surveyed}人", field="surveyed")


def check_override(suggested: str, chosen: str, reason: str | None) -> str:
    """Validate the assessor's level against the suggestion; returns the cleaned reason.

    Confirming the suggestion needs no reason; any other level (an override, up or down) is
    refused without one."""
    if chosen not in LEVEL_ORDER:
        raise DomainError(f"风险等级“{chosen}”无法识别，应为高、中或低", field="level")
    if suggested and suggested not in LEVEL_ORDER:
        raise DomainError(f"建议等级“{suggested}”无法识别", field="level")
    text = (reason or "").strip()
    if suggested and chosen != suggested and not text:
        raise DomainError(f"确定等级“{LEVEL_LABELS[chosen]}”与建议等级“{LEVEL_LABELS[suggested]}”不同，"
                          "改判必须写明理由", field="override_reason")
    return text


# --------------------------------------------------------------------------- quarters

_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q_LATIN = re.compile(r"^\s*(\d{4})\s*[-/.\s]?\s*[Qq]\s*([1-4])\s*$")
_Q_CHINESE = re.compile(r"^\s*(\d{4})\s*年?\s*第?\s*([一二三四1-4])\s*季度?\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise DomainError(f"季度应为1到4，当前为{self.q}")
        if not 1900 <= self.year <= 9999:
            raise DomainError(f"季度的年份“{self.year}”不合理")

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.q - 1]}季度"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        nxt = date(self.year + 1, 1, 1) if self.q == 4 else date(self.year, 3 * self.q + 1, 1)
        return nxt - timedelta(days=1)

    def contains(self, d: date | None) -> bool:
        return d is not None and self.start <= d <= self.end

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def __str__(self) -> str:
        return self.key


def quarter_of(d: date) -> Quarter:
    return Quarter(d.year, (d.month - 1) // 3 + 1)


def parse_quarter(text: str | Quarter) -> Quarter:
    """"2026Q4" (also 2026q4, 2026-Q4, 2026年第四季度, 2026年4季度) → Quarter; else DomainError."""
    if isinstance(text, Quarter):
        return text
    raw = text if isinstance(text, str) else ""
    m = _Q_LATIN.match(raw) or _Q_CHINESE.match(raw)
    if m and (m.re is _Q_LATIN or "季" in raw):
        return Quarter(int(m.group(1)), _CN_QUARTER[m.group(2)])
    raise DomainError(f"季度“{text}”无法识别，请写成 2026Q4 这样的形式（四位年份、字母Q、季度1至4）",
                      field="quarter")


def known_level(code: str) -> bool:
    return vocab_item("risk_level", code) is not None
