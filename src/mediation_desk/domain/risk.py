"""Risk helpers: group-matter bands, leader requirement, and the 稳评 level suggestion.

The suggestion is ours (DOMAIN.md §7: the software suggests, the assessor confirms or overrides
with a reason). Rules, in order of strength:

* survey: share of respondents against ≥ 50 % → high; ≥ 20 % → medium; else low;
* dimension findings (``pass`` 符合 / ``concern`` 存在风险 / ``fail`` 不符合): any ``fail`` →
  high; any ``concern`` → at least medium;
* no survey answers → at least medium (the level cannot be low without hearing the public);
* the suggestion is the highest of these. Suggested decision: high → reject (不实施),
  medium → implement_adjusted (调整后实施), low → implement (实施).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .deadlines import DEFAULT_RULES, DeadlineRules
from .errors import DomainError
from .vocabularies import label, risk_colour_grade

__all__ = ["GROUP_BANDS", "group_band", "is_group_matter", "needs_leader", "RiskSuggestion",
           "suggest_risk_level", "DIMENSION_FINDINGS", "LEVEL_ORDER"]

#: (code, Chinese label, lowest head-count inclusive, highest inclusive or None)
GROUP_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_50", "50人以下", 0, 49),
    ("50_99", "50至99人", 50, 99),
    ("100_499", "100至499人", 100, 499),
    ("500_plus", "500人及以上", 500, None),
)

DIMENSION_FINDINGS: dict[str, str] = {"pass": "符合", "concern": "存在风险", "fail": "不符合"}
LEVEL_ORDER: tuple[str, ...] = ("low", "medium", "high")
_DECISION = {"high": "reject", "medium": "implement_adjusted", "low": "implement"}


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


@dataclass(frozen=True)
class RiskSuggestion:
    level: str  # high / medium / low (vocabulary risk_level)
    decision: str  # vocabulary decision_outcome
    oppose_share: Decimal | None
    reasons: list[str] = field(default_factory=list, hash=False)

    @property
    def label(self) -> str:
        return label("risk_level", self.level)


def _raise(level: str, to: str) -> str:
    return max(level, to, key=LEVEL_ORDER.index)


def suggest_risk_level(support: int, oppose: int, neutral: int = 0,
                       dimension_findings: Mapping[str, str] | None = None, *,
                       high_share: Decimal = Decimal("0.5"),
                       medium_share: Decimal = Decimal("0.2")) -> RiskSuggestion:
    """Suggest a 稳评 level from survey counts and per-dimension findings (see module doc)."""
    for n, what in ((support, "支持人数"), (oppose, "反对人数"), (neutral, "中立人数")):
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise DomainError(f"{what}应为不小于0的整数")
    reasons: list[str] = []
    total = support + oppose + neutral
    share: Decimal | None = None
    if total == 0:
        level = "medium"
        reasons.append("未取得民意调查结果，不宜评为低风险")
    else:
        share = (Decimal(oppose) / Decimal(total)).quantize(Decimal("0.001"))
        pct = f"{(share * 100).quantize(Decimal('0.1'))}%"
        if share >= high_share:
            level = "high"
            reasons.append(f"反对意见占{pct}，多数群众反对")
        elif share >= medium_share:
            level = "medium"
            reasons.append(f"反对意见占{pct}，部分群众反对")
        else:
            level = "low"
            reasons.append(f"反对意见占{pct}，多数群众支持")
    for dim, finding in (dimension_findings or {}).items():
        if finding not in DIMENSION_FINDINGS:
            raise DomainError(f"评估结论“{finding}”无法识别，应为符合、存在风险或不符合")
        dim_label = label("dimension", dim)
        if finding == "fail":
            level = _raise(level, "high")
            reasons.append(f"{dim_label}评估为不符合")
        elif finding == "concern":
            level = _raise(level, "medium")
            reasons.append(f"{dim_label}评估存在风险")
    return RiskSuggestion(level, _DECISION[level], share, reasons)
