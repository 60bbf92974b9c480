"""Social-stability risk assessments (社会稳定风险评估, 稳评), DOMAIN.md §7.

An assessment is about a *matter* (a decision, project, reform or event, described by itself) or
about a *case* (a dispute or petition, [ours]: any case graded high). It records the responsible
unit and leader, the assessment group, the survey methods and counts, the findings per dimension
(合法性, 合理性, 可行性, 可控性, optional 安全性), each party's views and whether they were adopted,
the risk points (likelihood × impact), mitigation and contingency plan, the level, the decision
outcome, the filing with the stability office and follow-up notes.

The level is **suggested** by :func:`mediation_desk.domain.risk.suggest_risk_level` (recomputed on
every save and stored with its explanation) and **confirmed or overridden** by the assessor;
an override without a reason is refused. Both levels are kept (``suggested_level`` / ``level``).

Storage notes (the table is shared, see store/models.py ``RiskAssessment``):

* ``dimensions`` = ``{code: {"finding", "note", "risk_points", "severity"}}`` (older rows may hold
  a bare finding code — read both);
* ``risk_points`` = ``[{"text", "likelihood", "impact", "measure"}]`` (or plain texts);
* ``party_views`` = ``[{"party", "view", "adopted", "note"}]``;
* ``follow_up`` = ``[{"date", "note"}]``: follow-up notes (跟踪情况) only;
* the filing with the stability office (报备) is in ``filed_on``, ``filing_number`` and
  ``filing_office``; a voided assessment keeps its reason in ``void_reason``.

Quarterly statistics (:func:`quarter_stats`, [ours], no national template): an assessment belongs
to the quarter of its 评估日期 (an assessment not yet dated belongs to the current quarter).
*Assessed* = level confirmed; *due* (应评) = the quarter's assessments, assessed or not, plus the
cases graded high received in the quarter for which no assessment exists at all; rate = assessed
÷ due; *filed* = assessed ones with a filing date (filing rate = filed ÷ assessed).

Each public write is one transaction with its audit rows. No Qt here.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from sqlmodel import Session, select

from ..domain import risk as rules
from ..domain import vocabularies as vocab
from ..domain.calendar import parse_date
from ..domain.errors import DomainError
from ..domain.ledger import format_rate, resolution_rate
from ..domain.numbering import format_number
from ..domain.risk import LEVEL_LABELS, MATTER_TYPES, Quarter, RiskSuggestion
from ..store import audit, numbers
from ..store.models import Case, LeaderContract, RiskAssessment, Staff, Unit, utcnow
from . import settings as settings_service
from . import vocab as vocab_service
from .context import Desk, ServiceError
from .parties import FieldError

__all__ = [
    "ADOPT_SUGGESTED", "MATTER_TYPES", "REPORT_FORMATS", "STATS_FORMATS", "AssessmentInput", "AssessmentRow",
    "AssessmentView", "ContractSuggestion", "DimensionInput", "ExportResult", "FollowUpInput", "PartyViewInput",
    "QuarterStats", "RiskFilter", "RiskPointInput", "SaveResult", "add_follow_up", "assessment_dict",
    "confirm_level", "contract_suggestion", "create_contract", "export_report", "export_stats", "find_assessment",
    "get_assessment", "input_for_case", "input_from_row", "list_assessments", "parse_quarter", "preview",
    "quarter_stats", "quarters_with_data", "record_filing", "report_view", "save_assessment",
    "unassessed_high_cases", "void_assessment",
]

#: ``AssessmentInput.level`` value meaning "confirm whatever the rule suggests".
ADOPT_SUGGESTED = "suggested"
REPORT_FORMATS = (".pdf", ".docx")
STATS_FORMATS = (".pdf", ".docx", ".xlsx")
STATUS_LABELS = {"pending": "未定级", "assessed": "已定级", "filed": "已备案", "voided": "已作废",
                 "uncovered": "未评估"}  # uncovered: a high-risk case with no assessment (item list only)


# --------------------------------------------------------------------------- inputs


@dataclass
class DimensionInput:
    finding: str = ""  # pass | concern | fail | "" (not analysed yet)
    note: str = ""  # 评估情况: what was found
    risk_points: str = ""  # 风险点 found in this dimension
    severity: str = ""  # 风险程度 high | medium | low | "" (only for 存在风险 / 不符合)


@dataclass
class RiskPointInput:
    text: str
    likelihood: str = ""  # high | medium | low | ""
    impact: str = ""
    measure: str = ""  # 防范措施 for this point


@dataclass
class PartyViewInput:
    party: str  # 意见方: 被征地农户, 村"两委"…
    view: str
    adopted: bool = False
    note: str = ""  # how it was adopted, or why not


@dataclass
class FollowUpInput:
    on: date
    note: str


@dataclass
class AssessmentInput:
    """Everything the editor saves at once (one transaction)."""

    title: str = ""
    matter_type: str = "decision"
    case_id: str | None = None
    description: str = ""
    responsible_unit: str = ""
    responsible_leader: str = ""
    contact_phone: str = ""
    group_members: str = ""
    methods: list[str] = field(default_factory=list)
    surveyed: int = 0
    in_favour: int = 0
    against: int = 0
    neutral: int = 0
    dimensions: dict[str, DimensionInput] = field(default_factory=dict)
    party_views: list[PartyViewInput] = field(default_factory=list)
    risk_points: list[RiskPointInput] = field(default_factory=list)
    mitigation: str = ""
    contingency: str = ""
    assessed_on: date | None = None
    level: str = ""  # "" not confirmed | high | medium | low | ADOPT_SUGGESTED
    override_reason: str = ""
    decision_outcome: str = ""
    filed_on: date | None = None
    filing_number: str = ""
    filing_office: str = ""
    follow_up: list[FollowUpInput] = field(default_factory=list)


@dataclass
class SaveResult:
    assessment: RiskAssessment
    suggestion: RiskSuggestion
    created: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def overridden(self) -> bool:
        a = self.assessment
        return bool(a.level) and a.level != a.suggested_level


# --------------------------------------------------------------------------- reading stored JSON


def _dimensions_of(row: RiskAssessment) -> dict[str, DimensionInput]:
    out: dict[str, DimensionInput] = {}
    for code, value in (row.dimensions or {}).items():
        if isinstance(value, str):
            out[code] = DimensionInput(finding=value)
        elif isinstance(value, dict):
            out[code] = DimensionInput(finding=str(value.get("finding") or ""), note=str(value.get("note") or ""),
                                       risk_points=str(value.get("risk_points") or ""),
                                       severity=str(value.get("severity") or ""))
    return out


def _points_of(row: RiskAssessment) -> list[RiskPointInput]:
    out = []
    for value in row.risk_points or []:
        if isinstance(value, str):
            out.append(RiskPointInput(value))
        elif isinstance(value, dict):
            out.append(RiskPointInput(str(value.get("text") or value.get("point") or ""),
                                      str(value.get("likelihood") or ""), str(value.get("impact") or ""),
                                      str(value.get("measure") or "")))
    return out


def _views_of(row: RiskAssessment) -> list[PartyViewInput]:
    out = []
    for value in row.party_views or []:
        if isinstance(value, dict):
            out.append(PartyViewInput(str(value.get("party") or ""), str(value.get("view") or ""),
                                      bool(value.get("adopted")), str(value.get("note") or "")))
        elif isinstance(value, str):
            out.append(PartyViewInput("", value))
    return out


def _entry_date(value: Any) -> date | None:
    try:
        return parse_date(value) if value else None
    except DomainError:
        return None


def _follow_of(row: RiskAssessment) -> list[FollowUpInput]:
    out = []
    for value in row.follow_up or []:
        if isinstance(value, dict):
            d = _entry_date(value.get("date"))
            if d is not None:
                out.append(FollowUpInput(d, str(value.get("note") or "")))
    return sorted(out, key=lambda f: f.on)


def input_from_row(row: RiskAssessment) -> AssessmentInput:
    """The stored assessment as editor input (tolerates the older JSON shapes)."""
    return AssessmentInput(
        title=row.title, matter_type=row.matter_type or ("case" if row.case_id else "decision"), case_id=row.case_id,
        description=row.description, responsible_unit=row.responsible_unit,
        responsible_leader=row.responsible_leader, contact_phone=row.contact_phone,
        group_members=row.group_members, methods=[m for m in (row.methods or []) if isinstance(m, str)],
        surveyed=row.surveyed, in_favour=row.in_favour, against=row.against, neutral=row.neutral,
        dimensions=_dimensions_of(row), party_views=_views_of(row), risk_points=_points_of(row),
        mitigation=row.mitigation, contingency=row.contingency, assessed_on=row.assessed_on, level=row.level,
        override_reason=row.override_reason, decision_outcome=row.decision_outcome, filed_on=row.filed_on,
        filing_number=row.filing_number or "", filing_office=row.filing_office or "", follow_up=_follow_of(row))


# --------------------------------------------------------------------------- validation


def _field_error(error: DomainError, default_field: str) -> FieldError:
    return FieldError(error.field or default_field, str(error))


def _clean_text(value: Any) -> str:
    return str(value or "").strip()


def _suggest(data: AssessmentInput) -> RiskSuggestion:
    dims = {code: {"finding": d.finding, "severity": d.severity} for code, d in data.dimensions.items()}
    points = [{"text": p.text, "likelihood": p.likelihood, "impact": p.impact} for p in data.risk_points]
    return rules.suggest_risk_level(data.in_favour, data.against, data.neutral, dims, risk_points=points,
                                    require_dimensions=True)


def preview(data: AssessmentInput) -> RiskSuggestion:
    """The suggestion for unsaved input (the editor shows it live). Raises FieldError on bad numbers
    or codes (same checks as saving)."""
    data = _normalised(data)
    try:
        return _suggest(data)
    except DomainError as error:
        raise _field_error(error, "dimensions") from None


def _normalised(data: AssessmentInput) -> AssessmentInput:
    """Blank rows dropped, texts trimmed, numbers and codes checked (FieldError)."""
    try:
        rules.check_survey(data.surveyed, data.in_favour, data.against, data.neutral)
    except DomainError as error:
        raise _field_error(error, "surveyed") from None
    dims: dict[str, DimensionInput] = {}
    known = {i.code for i in vocab.items("dimension")}
    for code, d in (data.dimensions or {}).items():
        if code not in known:
            raise FieldError("dimensions", f"评估维度“{code}”无法识别。")
        if isinstance(d, str):
            d = DimensionInput(finding=d)
        finding = _clean_text(d.finding)
        severity = _clean_text(d.severity)
        if finding and finding not in rules.DIMENSION_FINDINGS:
            raise FieldError(f"dimension:{code}", f"{vocab.label('dimension', code)}的评估结论“{finding}”无法识别，"
                                                  "应为符合、存在风险或不符合。")
        if severity and severity not in rules.SEVERITIES:
            raise FieldError(f"dimension:{code}", f"{vocab.label('dimension', code)}的风险程度“{severity}”无法识别，应为高、中或低。")
        if finding in ("", "pass"):
            severity = ""
        entry = DimensionInput(finding, _clean_text(d.note), _clean_text(d.risk_points), severity)
        if entry.finding or entry.note or entry.risk_points:
            dims[code] = entry
    points = []
    for i, p in enumerate(data.risk_points or [], start=1):
        text = _clean_text(p.text)
        if not text and not _clean_text(p.measure):
            continue
        if not text:
            raise FieldError("risk_points", f"第{i}个风险点没有写明内容。")
        for value, what in ((p.likelihood, "发生可能性"), (p.impact, "影响程度")):
            if value and value not in rules.SEVERITIES:
                raise FieldError("risk_points", f"风险点“{text}”的{what}“{value}”无法识别，应为高、中或低。")
        points.append(RiskPointInput(text, p.likelihood or "", p.impact or "", _clean_text(p.measure)))
    views = []
    for v in data.party_views or []:
        party, view = _clean_text(v.party), _clean_text(v.view)
        if not party and not view:
            continue
        if not view:
            raise FieldError("party_views", f"请填写“{party}”的意见。")
        views.append(PartyViewInput(party or "其他群众", view, bool(v.adopted), _clean_text(v.note)))
    follow = []
    for f in data.follow_up or []:
        note = _clean_text(f.note)
        if not note:
            continue
        if f.on is None:
            raise FieldError("follow_up", "跟踪记录缺少日期。")
        follow.append(FollowUpInput(parse_date(f.on, what="跟踪日期"), note))
    methods = list(dict.fromkeys(m for m in (data.methods or []) if m))
    return AssessmentInput(
        title=_clean_text(data.title), matter_type=data.matter_type or "decision", case_id=data.case_id or None,
        description=_clean_text(data.description), responsible_unit=_clean_text(data.responsible_unit),
        responsible_leader=_clean_text(data.responsible_leader), contact_phone=_clean_text(data.contact_phone),
        group_members=_clean_text(data.group_members), methods=methods, surveyed=data.surveyed,
        in_favour=data.in_favour, against=data.against, neutral=data.neutral, dimensions=dims, party_views=views,
        risk_points=points, mitigation=_clean_text(data.mitigation), contingency=_clean_text(data.contingency),
        assessed_on=parse_date(data.assessed_on, what="评估日期") if data.assessed_on else None,
        level=_clean_text(data.level), override_reason=_clean_text(data.override_reason),
        decision_outcome=_clean_text(data.decision_outcome),
        filed_on=parse_date(data.filed_on, what="备案日期") if data.filed_on else None,
        filing_number=_clean_text(data.filing_number), filing_office=_clean_text(data.filing_office),
        follow_up=sorted(follow, key=lambda f: f.on))


def _check(desk: Desk, session: Session, data: AssessmentInput, suggestion: RiskSuggestion) -> list[str]:
    """Refuse what cannot be saved (FieldError); return warnings for what is odd but allowed."""
    today = desk.today()
    if not data.title:
        raise FieldError("title", "请填写评估事项名称。")
    if data.matter_type not in MATTER_TYPES:
        raise FieldError("matter_type", f"事项类型“{data.matter_type}”无法识别。")
    if data.case_id:
        case = session.get(Case, data.case_id)
        if case is None:
            raise FieldError("case_id", "所选案件不存在。")
        if case.voided:
            raise FieldError("case_id", f"案件 {case.number} 已作废，不能再为它开展评估。")
        data.matter_type = "case"
    elif data.matter_type == "case":
        raise FieldError("case_id", "事项类型为案件的，请选择对应的案件。")
    methods_known = {e.code for e in vocab_service.entries(desk, "assessment_method", active_only=False)}
    for m in data.methods:
        if m not in methods_known:
            raise FieldError("methods", f"评估方式“{m}”无法识别。")
    if data.assessed_on and data.assessed_on > today:
        raise FieldError("assessed_on", "评估日期不能晚于今天。")
    if data.level == ADOPT_SUGGESTED:
        data.level = suggestion.level
    if data.level:
        try:
            data.override_reason = rules.check_override(suggestion.level, data.level, data.override_reason)
        except DomainError as error:
            raise _field_error(error, "level") from None
        if data.level == suggestion.level:
            data.override_reason = ""  # a confirmation, not an override: nothing to explain
        if data.assessed_on is None:
            data.assessed_on = today
    else:
        data.override_reason = ""
    if data.decision_outcome:
        if vocab.item("decision_outcome", data.decision_outcome) is None:
            raise FieldError("decision_outcome", f"结果运用“{data.decision_outcome}”无法识别。")
        if not data.level:
            raise FieldError("decision_outcome", "请先确定风险等级，再填写结果运用（评估结论的运用）。")
    if data.filing_number and not data.filed_on:
        raise FieldError("filed_on", "填写了备案编号，请同时填写报备日期。")
    if data.filed_on:
        if not data.level:
            raise FieldError("filed_on", "风险等级确定后才能报备。")
        if data.filed_on > today:
            raise FieldError("filed_on", "报备日期不能晚于今天。")
        if data.assessed_on and data.filed_on < data.assessed_on:
            raise FieldError("filed_on", "报备日期不能早于评估日期。")
    for f in data.follow_up:
        if f.on > today:
            raise FieldError("follow_up", "跟踪记录的日期不能晚于今天。")
    warnings: list[str] = []
    if data.level == "high" and data.decision_outcome in ("implement", "implement_adjusted"):
        warnings.append("风险等级为高的事项，一般应不实施或暂缓实施；确需实施的，应调整方案、落实措施后重新评估。")
    if data.level == "medium" and data.decision_outcome == "implement":
        warnings.append("风险等级为中的事项，应在落实防范化解措施后实施（一般为“调整后实施”）。")
    if data.level and not data.mitigation:
        warnings.append("尚未填写防范化解措施。")
    if data.level in ("high", "medium") and not data.contingency:
        warnings.append("尚未填写应急处置预案。")
    return warnings


def _store(row: RiskAssessment, data: AssessmentInput, suggestion: RiskSuggestion) -> None:
    row.title = data.title
    row.matter_type = data.matter_type
    row.case_id = data.case_id
    row.description = data.description
    row.responsible_unit = data.responsible_unit
    row.responsible_leader = data.responsible_leader
    row.contact_phone = data.contact_phone
    row.group_members = data.group_members
    row.methods = list(data.methods)
    row.surveyed, row.in_favour, row.against, row.neutral = data.surveyed, data.in_favour, data.against, data.neutral
    row.dimensions = {code: asdict(d) for code, d in data.dimensions.items()}
    row.party_views = [asdict(v) for v in data.party_views]
    row.risk_points = [asdict(p) for p in data.risk_points]
    row.mitigation, row.contingency = data.mitigation, data.contingency
    row.suggested_level = suggestion.level
    row.suggested_reason = suggestion.explanation
    row.level = data.level
    row.override_reason = data.override_reason
    row.decision_outcome = data.decision_outcome
    row.assessed_on = data.assessed_on
    row.filed_on = data.filed_on
    # the number and the office belong to the filing: none without a filing date
    row.filing_number = data.filing_number if data.filed_on else ""
    row.filing_office = data.filing_office if data.filed_on else ""
    row.follow_up = [{"date": f.on.isoformat(), "note": f.note} for f in data.follow_up]
    row.updated_at = utcnow()


def _get(session: Session, assessment_id: str) -> RiskAssessment:
    row = session.get(RiskAssessment, assessment_id)
    if row is None:
        raise ServiceError("找不到这份风险评估。")
    return row


def _same_moment(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return True
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


def save_assessment(desk: Desk, data: AssessmentInput, assessment_id: str | None = None, *,
                    expected_updated_at: datetime | None = None) -> SaveResult:
    """Create (number allocated) or update an assessment; recomputes the suggestion; refuses an
    override without a reason. One transaction, audited."""
    data = _normalised(data)
    try:
        suggestion = _suggest(data)
    except DomainError as error:
        raise _field_error(error, "dimensions") from None
    with desk.tx() as session:
        warnings = _check(desk, session, data, suggestion)
        if assessment_id is None:
            unit = desk.current_unit(session)
            year = (data.assessed_on or desk.today()).year
            seq = numbers.allocate(session, unit.id, "risk", year)
            pattern = settings_service.numbering_patterns(session)["risk"]
            row = RiskAssessment(title=data.title, number=format_number(pattern, year, unit.short_name, seq))
            _store(row, data, suggestion)
            session.add(row)
            session.flush()
            desk.audit(session, "create", row)
            created = True
        else:
            row = _get(session, assessment_id)
            if row.voided:
                raise ServiceError(f"风险评估 {row.number} 已作废，不能再修改。")
            if expected_updated_at is not None and not _same_moment(row.updated_at, expected_updated_at):
                raise ServiceError("这份风险评估在您编辑期间已被修改并保存过，请关闭后重新打开再改。")
            before = audit.snapshot(row)
            _store(row, data, suggestion)
            session.add(row)
            session.flush()
            desk.audit(session, "update", row, before)
            created = False
        if row.level == "high" and row.case_id and not _has_contract(session, row.case_id):
            warnings.append("该案件风险等级为高，建议落实领导包案（可在评估页点“建立领导包案”）。")
        return SaveResult(row, suggestion, created, warnings)


def _update(desk: Desk, assessment_id: str, change) -> SaveResult:
    """Load, apply ``change(input)``, validate and save like the editor would (one transaction)."""
    with desk.read() as session:
        row = _get(session, assessment_id)
        data = input_from_row(row)
    change(data)
    return save_assessment(desk, data, assessment_id)


def confirm_level(desk: Desk, assessment_id: str, level: str = ADOPT_SUGGESTED, reason: str = "",
                  decision_outcome: str | None = None) -> SaveResult:
    """Confirm the suggested level, or override it with a reason (refused without one); optionally
    record the decision outcome (结果运用) at the same time."""

    def change(d: AssessmentInput) -> None:
        d.level = level or ADOPT_SUGGESTED
        d.override_reason = reason
        if decision_outcome is not None:
            d.decision_outcome = decision_outcome

    return _update(desk, assessment_id, change)


def record_filing(desk: Desk, assessment_id: str, filed_on: date | str, number: str = "", office: str = "") -> SaveResult:
    """Record the filing (报备) with the stability office: date, its number, the office."""

    def change(d: AssessmentInput) -> None:
        d.filed_on = parse_date(filed_on, what="报备日期")
        d.filing_number = number
        d.filing_office = office or d.filing_office

    return _update(desk, assessment_id, change)


def add_follow_up(desk: Desk, assessment_id: str, on: date | str, note: str) -> SaveResult:
    """A note from following the matter during implementation (跟踪情况)."""
    if not _clean_text(note):
        raise FieldError("follow_up", "请填写跟踪情况。")

    def change(d: AssessmentInput) -> None:
        d.follow_up.append(FollowUpInput(parse_date(on, what="跟踪日期"), note))

    return _update(desk, assessment_id, change)


def void_assessment(desk: Desk, assessment_id: str, reason: str) -> RiskAssessment:
    """Void a wrong assessment (kept with the reason; its number is never reused)."""
    reason = _clean_text(reason)
    if not reason:
        raise FieldError("reason", "作废须写明理由。")
    with desk.tx() as session:
        row = _get(session, assessment_id)
        if row.voided:
            raise ServiceError(f"风险评估 {row.number} 已经作废。")
        before = audit.snapshot(row)
        row.voided = True
        row.void_reason = reason
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        desk.audit(session, "update", row, before)
        return row


# --------------------------------------------------------------------------- reading


def get_assessment(desk: Desk, assessment_id: str) -> RiskAssessment | None:
    with desk.read() as session:
        return session.get(RiskAssessment, assessment_id)


def find_assessment(desk: Desk, id_or_number: str) -> RiskAssessment | None:
    """By id (32 hex) or number (half-width brackets and blanks tolerated)."""
    text = (id_or_number or "").strip()
    if not text:
        return None
    with desk.read() as session:
        row = session.get(RiskAssessment, text)
        if row is not None:
            return row
        for candidate in (text, text.replace("(", "（").replace(")", "）").replace(" ", "")):
            row = session.exec(select(RiskAssessment).where(RiskAssessment.number == candidate)).first()
            if row is not None:
                return row
    return None


def _quarter_of_row(row: RiskAssessment, today: date) -> Quarter:
    return rules.quarter_of(row.assessed_on or today)


def _status(row: RiskAssessment) -> str:
    if row.voided:
        return "voided"
    if not row.level:
        return "pending"
    return "filed" if row.filed_on else "assessed"


def parse_quarter(text: str | Quarter) -> Quarter:
    """"2026Q4" → Quarter; anything else → ServiceError with a Chinese message."""
    try:
        return rules.parse_quarter(text)
    except DomainError as error:
        raise FieldError("quarter", str(error)) from None


@dataclass
class RiskFilter:
    level: str | None = None  # high | medium | low | "pending" (not confirmed)
    outcome: str | None = None  # decision_outcome code | "none"
    quarter: Quarter | str | None = None
    text: str = ""  # in number, title, unit, leader
    matter_type: str | None = None
    case_id: str | None = None
    include_voided: bool = False


@dataclass
class AssessmentRow:
    id: str
    number: str
    title: str
    matter_type: str
    matter_label: str
    case_id: str | None
    case_number: str
    responsible_unit: str
    responsible_leader: str
    assessed_on: date | None
    quarter: str
    suggested_level: str
    level: str
    overridden: bool
    decision_outcome: str
    decision_label: str
    filed_on: date | None
    filing_number: str
    status: str
    status_label: str
    voided: bool
    needs_contract: bool = False
    filing_office: str = ""

    @property
    def suggested_label(self) -> str:
        return LEVEL_LABELS.get(self.suggested_level, "")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, "")


def _contract_cases(session: Session) -> set[str]:
    return {cid for cid in session.exec(select(LeaderContract.case_id).where(LeaderContract.voided == False))}  # noqa: E712


def _has_contract(session: Session, case_id: str) -> bool:
    return session.exec(select(LeaderContract.id).where(LeaderContract.case_id == case_id,
                                                        LeaderContract.voided == False)).first() is not None  # noqa: E712


def _row_view(row: RiskAssessment, case_numbers: dict[str, str], contracted: set[str], today: date) -> AssessmentRow:
    status = _status(row)
    return AssessmentRow(
        id=row.id, number=row.number, title=row.title, matter_type=row.matter_type,
        matter_label=MATTER_TYPES.get(row.matter_type, row.matter_type), case_id=row.case_id,
        case_number=case_numbers.get(row.case_id or "", ""), responsible_unit=row.responsible_unit,
        responsible_leader=row.responsible_leader, assessed_on=row.assessed_on,
        quarter=_quarter_of_row(row, today).key, suggested_level=row.suggested_level, level=row.level,
        overridden=bool(row.level) and row.level != row.suggested_level, decision_outcome=row.decision_outcome,
        decision_label=vocab.label("decision_outcome", row.decision_outcome) if row.decision_outcome else "",
        filed_on=row.filed_on, filing_number=row.filing_number or "", status=status, status_label=STATUS_LABELS[status],
        voided=row.voided, filing_office=row.filing_office or "",
        needs_contract=(row.level == "high" and bool(row.case_id) and not row.voided and row.case_id not in contracted))


def list_assessments(desk: Desk, filt: RiskFilter | None = None) -> list[AssessmentRow]:
    """Assessments, newest first, filtered by level, outcome, quarter, type, case and text."""
    filt = filt or RiskFilter()
    quarter = parse_quarter(filt.quarter) if filt.quarter else None
    today = desk.today()
    with desk.read() as session:
        query = select(RiskAssessment)
        if not filt.include_voided:
            query = query.where(RiskAssessment.voided == False)  # noqa: E712
        if filt.case_id:
            query = query.where(RiskAssessment.case_id == filt.case_id)
        rows = list(session.exec(query))
        case_ids = {r.case_id for r in rows if r.case_id}
        case_numbers = {c.id: c.number for c in session.exec(select(Case).where(Case.id.in_(case_ids)))} if case_ids else {}
        contracted = _contract_cases(session)
    out = []
    needle = filt.text.strip()
    for row in rows:
        if filt.level == "pending":
            if row.level:
                continue
        elif filt.level and row.level != filt.level:
            continue
        if filt.outcome == "none":
            if row.decision_outcome:
                continue
        elif filt.outcome and row.decision_outcome != filt.outcome:
            continue
        if filt.matter_type and row.matter_type != filt.matter_type:
            continue
        if quarter is not None and _quarter_of_row(row, today) != quarter:
            continue
        view = _row_view(row, case_numbers, contracted, today)
        if needle and not any(needle in (t or "") for t in (row.number, row.title, row.responsible_unit,
                                                            row.responsible_leader, view.case_number)):
            continue
        out.append(view)
    out.sort(key=lambda r: (r.assessed_on or today, r.number), reverse=True)
    return out


def quarters_with_data(desk: Desk) -> list[Quarter]:
    """Quarters that have assessments (newest first), always including the current one."""
    today = desk.today()
    with desk.read() as session:
        dates = [d for d in session.exec(select(RiskAssessment.assessed_on).where(RiskAssessment.voided == False))]  # noqa: E712
    found = {rules.quarter_of(d or today) for d in dates} | {rules.quarter_of(today)}
    return sorted(found, reverse=True)


def assessment_dict(desk: Desk, row: RiskAssessment | str) -> dict[str, Any]:
    """Plain JSON-ready data of one assessment (the CLI's --json)."""
    if isinstance(row, str):
        found = get_assessment(desk, row)
        if found is None:
            raise ServiceError("找不到这份风险评估。")
        row = found
    labels = vocab_service.all_labels(desk)
    case_number = ""
    if row.case_id:
        with desk.read() as session:
            case = session.get(Case, row.case_id)
            case_number = case.number if case else ""
    data = input_from_row(row)
    return {
        "id": row.id, "number": row.number, "title": row.title, "matter_type": data.matter_type,
        "matter_label": MATTER_TYPES.get(data.matter_type, data.matter_type), "case_id": row.case_id,
        "case_number": case_number, "description": row.description, "responsible_unit": row.responsible_unit,
        "responsible_leader": row.responsible_leader, "contact_phone": row.contact_phone,
        "group_members": row.group_members, "methods": data.methods,
        "method_labels": [labels.get("assessment_method", {}).get(m, m) for m in data.methods],
        "surveyed": row.surveyed, "in_favour": row.in_favour, "against": row.against, "neutral": row.neutral,
        "dimensions": {k: asdict(v) for k, v in data.dimensions.items()},
        "party_views": [asdict(v) for v in data.party_views], "risk_points": [asdict(p) for p in data.risk_points],
        "mitigation": row.mitigation, "contingency": row.contingency,
        "suggested_level": row.suggested_level, "suggested_label": LEVEL_LABELS.get(row.suggested_level, ""),
        "suggested_reason": row.suggested_reason, "level": row.level, "level_label": LEVEL_LABELS.get(row.level, ""),
        "overridden": bool(row.level) and row.level != row.suggested_level, "override_reason": row.override_reason,
        "decision_outcome": row.decision_outcome,
        "decision_label": vocab.label("decision_outcome", row.decision_outcome) if row.decision_outcome else "",
        "assessed_on": row.assessed_on, "quarter": _quarter_of_row(row, desk.today()).key,
        "filed_on": row.filed_on, "filing_number": row.filing_number or "",
        "filing_office": row.filing_office or "",
        "follow_up": [{"date": f.on, "note": f.note} for f in data.follow_up],
        "status": _status(row), "status_label": STATUS_LABELS[_status(row)], "voided": row.voided,
        "void_reason": row.void_reason or "",
    }


# --------------------------------------------------------------------------- cases


@dataclass
class CaseChoice:
    id: str
    number: str
    title: str
    received_on: date | None
    risk_grade: str


def unassessed_high_cases(desk: Desk, quarter: Quarter | str | None = None, *,
                          open_only: bool = False) -> list[CaseChoice]:
    """Cases graded high (not voided) with no assessment at all ([ours]: they should have one);
    with ``quarter``, only those received in it; with ``open_only``, only those not closed yet
    (the page's reminder and its picker: a case closed long ago needs no assessment now)."""
    q = parse_quarter(quarter) if quarter else None
    with desk.read() as session:
        assessed = {cid for cid in session.exec(select(RiskAssessment.case_id).where(
            RiskAssessment.voided == False, RiskAssessment.case_id != None))}  # noqa: E711,E712
        query = select(Case).where(Case.risk_grade == "high", Case.voided == False)  # noqa: E712
        if q is not None:
            query = query.where(Case.received_on >= q.start, Case.received_on <= q.end)
        if open_only:
            query = query.where(Case.closed_on == None)  # noqa: E711
        cases = [c for c in session.exec(query.order_by(Case.received_on.desc())) if c.id not in assessed]
    return [CaseChoice(c.id, c.number, c.title, c.received_on, c.risk_grade) for c in cases]


def input_for_case(desk: Desk, case_id: str) -> AssessmentInput:
    """A new assessment prefilled from a case (title, description and claims, responsible unit)."""
    with desk.read() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        unit = session.get(Unit, case.unit_id)
        contract = session.exec(select(LeaderContract).where(LeaderContract.case_id == case_id,
                                                            LeaderContract.voided == False)).first()  # noqa: E712
    description = case.description
    if case.claims:
        description = f"{description}\n主要诉求：{case.claims}" if description else f"主要诉求：{case.claims}"
    if case.people_involved:
        description += f"\n涉及人数：{case.people_involved}人。"
    return AssessmentInput(
        title=f"关于“{case.title}”的社会稳定风险评估", matter_type="case", case_id=case.id,
        description=description.strip(), responsible_unit=case.responsible_unit or (unit.name if unit else ""),
        responsible_leader=contract.leader_name if contract else "",
        contact_phone=contract.leader_phone if contract else "", assessed_on=desk.today())


# --------------------------------------------------------------------------- leader contracts


@dataclass
class ContractSuggestion:
    """A high level on a case suggests a leader contract (领导包案); ``existing`` when there is one."""

    assessment_id: str
    case_id: str
    case_number: str
    case_title: str
    leader_id: str | None
    leader_name: str
    leader_post: str
    leader_phone: str
    responsible_unit: str
    task_team: str
    plan: str
    existing: str = ""  # number of the contract already in place
    available: bool = True  # the contracts service is installed

    @property
    def message(self) -> str:
        if self.existing:
            return f"案件 {self.case_number} 已有领导包案（{self.existing}）。"
        who = self.leader_name or "包案领导"
        return f"评估等级为高，建议由{who}对案件 {self.case_number} 实行领导包案。"


def contracts_module():
    """The leader-contract service when it is installed (services/contracts.py with assign_contract)."""
    try:
        from . import contracts  # type: ignore[attr-defined]
    except ImportError:
        return None
    return contracts if callable(getattr(contracts, "assign_contract", None)) else None


def contract_suggestion(desk: Desk, assessment_id: str) -> ContractSuggestion | None:
    """None unless the assessment is on a case and its confirmed level is high."""
    with desk.read() as session:
        row = _get(session, assessment_id)
        if row.voided or row.level != "high" or not row.case_id:
            return None
        case = session.get(Case, row.case_id)
        if case is None:
            return None
        existing = session.exec(select(LeaderContract).where(LeaderContract.case_id == case.id,
                                                            LeaderContract.voided == False)).first()  # noqa: E712
        leader = None
        if row.responsible_leader:
            leader = session.exec(select(Staff).where(Staff.name == row.responsible_leader)).first()
        plan = row.mitigation
    return ContractSuggestion(
        assessment_id=row.id, case_id=case.id, case_number=case.number, case_title=case.title,
        leader_id=leader.id if leader else None, leader_name=row.responsible_leader,
        leader_post=leader.post if leader else "", leader_phone=row.contact_phone or (leader.phone if leader else ""),
        responsible_unit=row.responsible_unit or case.responsible_unit, task_team=row.group_members,
        plan=plan, existing=existing.number if existing else "", available=contracts_module() is not None)


def create_contract(desk: Desk, assessment_id: str):
    """One click: create the suggested leader contract through ``services.contracts.assign_contract``
    (which allocates the number, sets the 3-month deadline, validates and audits it in its own
    transaction). The leader is the assessment's 责任人 (from the staff list when found there), the
    responsible unit and persons are the assessment's, the task team is the assessment group and
    the plan is the mitigation. Returns the new contract."""
    s = contract_suggestion(desk, assessment_id)
    if s is None:
        raise ServiceError("只有确定等级为高、且针对案件的评估才建议建立领导包案。")
    if s.existing:
        raise ServiceError(s.message)
    module = contracts_module()
    if module is None:
        raise ServiceError("领导包案功能尚未安装，暂时不能从这里建立包案。")
    with desk.read() as session:
        row = _get(session, assessment_id)
        number = row.number
    plan = s.plan or f"按照社会稳定风险评估（{number}）提出的防范化解措施落实。"
    values: dict[str, Any] = {
        "leader_id": s.leader_id, "leader_name": s.leader_name,
        # with a staff member the contract takes post and phone from the staff list
        "leader_post": "" if s.leader_id else s.leader_post, "leader_phone": "" if s.leader_id else s.leader_phone,
        "responsible_unit": s.responsible_unit, "responsible_persons": s.leader_name, "task_team": s.task_team,
        "plan": plan, "assigned_on": desk.today(),
    }
    function = module.assign_contract
    input_class = getattr(module, "ContractInput", None)
    try:
        if input_class is not None and dataclasses.is_dataclass(input_class):
            names = {f.name for f in dataclasses.fields(input_class)}
            return function(desk, s.case_id, input_class(**{k: v for k, v in values.items() if k in names}))
        params = inspect.signature(function).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        kwargs = {k: v for k, v in values.items() if (takes_any or k in params) and v not in (None, "")}
        return function(desk, s.case_id, **kwargs)
    except TypeError as error:  # the contracts API differs from what this call expects
        raise ServiceError(f"无法自动建立领导包案（{error}），请到“领导包案”页面手工建立。") from error


# --------------------------------------------------------------------------- what the prints show


@dataclass
class DimensionView:
    code: str
    label: str
    finding: str
    finding_label: str
    severity_label: str
    note: str
    risk_points: str
    optional: bool


@dataclass
class PointView:
    text: str
    likelihood: str
    impact: str
    level: str  # of the matrix
    measure: str


@dataclass
class AssessmentView:
    """Everything the report and the filing form print (labels resolved; no queries in templates)."""

    id: str
    number: str
    title: str
    matter_type: str
    matter_label: str
    case_number: str
    case_title: str
    description: str
    responsible_unit: str
    responsible_leader: str
    contact_phone: str
    group_members: str
    method_labels: list[str]
    surveyed: int
    in_favour: int
    against: int
    neutral: int
    dimensions: list[DimensionView]
    party_views: list[PartyViewInput]
    risk_points: list[PointView]
    mitigation: str
    contingency: str
    suggested_level: str
    suggestion_text: str
    level: str
    override_reason: str
    decision_outcome: str
    decision_label: str
    assessed_on: date | None
    filed_on: date | None
    filing_number: str
    filing_office: str
    follow_up: list[FollowUpInput]
    unit_name: str
    unit_head: str
    unit_phone: str
    today: date
    voided: bool = False

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, "")

    @property
    def suggested_label(self) -> str:
        return LEVEL_LABELS.get(self.suggested_level, "")

    @property
    def overridden(self) -> bool:
        return bool(self.level) and self.level != self.suggested_level

    @property
    def answers(self) -> int:
        return self.in_favour + self.against + self.neutral

    def share(self, n: int) -> str:
        return format_rate(resolution_rate(n, self.answers)) if self.answers else "—"


def report_view(desk: Desk, assessment_id: str) -> AssessmentView:
    with desk.read() as session:
        row = _get(session, assessment_id)
        case = session.get(Case, row.case_id) if row.case_id else None
        unit = desk.current_unit(session)
    labels = vocab_service.all_labels(desk)
    data = input_from_row(row)
    dims = []
    for it in vocab.items("dimension"):
        d = data.dimensions.get(it.code)
        if d is None and it.extra.get("optional"):
            continue
        d = d or DimensionInput()
        dims.append(DimensionView(it.code, it.label, d.finding, rules.DIMENSION_FINDINGS.get(d.finding, ""),
                                  rules.SEVERITIES.get(d.severity, ""), d.note, d.risk_points,
                                  bool(it.extra.get("optional"))))
    points = [PointView(p.text, rules.SEVERITIES.get(p.likelihood, ""), rules.SEVERITIES.get(p.impact, ""),
                        LEVEL_LABELS[rules.risk_point_level(p.likelihood, p.impact)]
                        if (p.likelihood and p.impact) else "", p.measure) for p in data.risk_points]
    return AssessmentView(
        id=row.id, number=row.number, title=row.title, matter_type=data.matter_type,
        matter_label=MATTER_TYPES.get(data.matter_type, data.matter_type), case_number=case.number if case else "",
        case_title=case.title if case else "", description=row.description, responsible_unit=row.responsible_unit,
        responsible_leader=row.responsible_leader, contact_phone=row.contact_phone, group_members=row.group_members,
        method_labels=[labels.get("assessment_method", {}).get(m, m) for m in data.methods],
        surveyed=row.surveyed, in_favour=row.in_favour, against=row.against, neutral=row.neutral, dimensions=dims,
        party_views=data.party_views, risk_points=points, mitigation=row.mitigation, contingency=row.contingency,
        suggested_level=row.suggested_level, suggestion_text=row.suggested_reason, level=row.level,
        override_reason=row.override_reason, decision_outcome=row.decision_outcome,
        decision_label=vocab.label("decision_outcome", row.decision_outcome) if row.decision_outcome else "",
        assessed_on=row.assessed_on, filed_on=row.filed_on, filing_number=data.filing_number,
        filing_office=data.filing_office, follow_up=data.follow_up, unit_name=unit.name, unit_head=unit.head_name,
        unit_phone=unit.phone, today=desk.today(), voided=row.voided)


# --------------------------------------------------------------------------- quarterly statistics


@dataclass
class StatLine:
    code: str
    label: str
    due: int = 0
    assessed: int = 0

    @property
    def rate(self) -> Decimal | None:
        return resolution_rate(self.assessed, self.due)

    @property
    def rate_text(self) -> str:
        return format_rate(self.rate)


@dataclass
class StatItem:
    """One line of the item list (an assessment, or a high case with none)."""

    number: str
    title: str
    matter_label: str
    responsible_unit: str
    assessed_on: date | None
    suggested_label: str
    level_label: str
    overridden: bool
    decision_label: str
    filed_on: date | None
    filing_number: str
    status_label: str
    assessment_id: str = ""
    case_id: str = ""


@dataclass
class QuarterStats:
    quarter: Quarter
    unit_name: str
    filler_unit: str
    filled_on: date
    due: int
    assessed: int
    pending: int
    uncovered: int
    filed: int
    overridden: int
    by_type: list[StatLine]
    by_level: list[tuple[str, str, int, int]]  # (code, label, count, of which overridden)
    by_outcome: list[tuple[str, str, int]]  # (code, label, count); code "" = 未决定
    items: list[StatItem]
    signatures: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.quarter.label}社会稳定风险评估工作统计表"

    @property
    def rate(self) -> Decimal | None:
        return resolution_rate(self.assessed, self.due)

    @property
    def filed_rate(self) -> Decimal | None:
        return resolution_rate(self.filed, self.assessed)

    @property
    def rate_text(self) -> str:
        return format_rate(self.rate)

    @property
    def filed_rate_text(self) -> str:
        return format_rate(self.filed_rate)

    @property
    def summary_line(self) -> str:
        return (f"{self.quarter.label}：应评事项{self.due}件，已评{self.assessed}件，评估率{self.rate_text}；"
                f"未评{self.due - self.assessed}件（其中高风险案件未开展评估{self.uncovered}件）；"
                f"已报备{self.filed}件，报备率{self.filed_rate_text}；改判等级{self.overridden}件。")

    def level_count(self, code: str) -> int:
        return next((n for c, _l, n, _o in self.by_level if c == code), 0)

    def outcome_count(self, code: str) -> int:
        return next((n for c, _l, n in self.by_outcome if c == code), 0)


STATS_NOTE = ("说明：事项按评估日期计入季度（尚未确定评估日期的计入当季）；已评指风险等级已经确定；"
              "应评事项＝本季度评估事项＋本季度受理、风险等级为高而尚未开展评估的案件；评估率＝已评÷应评；"
              "报备率＝已报备÷已评。")


def quarter_stats(desk: Desk, quarter: Quarter | str) -> QuarterStats:
    """The quarter's figures and item list (see the module doc for what counts as due/assessed)."""
    q = parse_quarter(quarter)
    today = desk.today()
    with desk.read() as session:
        unit = desk.current_unit(session)
        rows = [r for r in session.exec(select(RiskAssessment).where(RiskAssessment.voided == False))  # noqa: E712
                if _quarter_of_row(r, today) == q]
        case_ids = {r.case_id for r in rows if r.case_id}
        case_numbers = {c.id: c.number for c in session.exec(select(Case).where(Case.id.in_(case_ids)))} if case_ids else {}
    uncovered = unassessed_high_cases(desk, q)
    by_type = {code: StatLine(code, lab) for code, lab in MATTER_TYPES.items()}
    levels: Counter = Counter()
    overridden_by_level: Counter = Counter()
    outcomes: Counter = Counter()
    items: list[StatItem] = []
    assessed = filed = overridden = 0
    for r in sorted(rows, key=lambda r: (r.assessed_on or today, r.number)):
        matter = r.matter_type if r.matter_type in by_type else ("case" if r.case_id else "decision")
        line = by_type[matter]
        line.due += 1
        done = bool(r.level)
        if done:
            line.assessed += 1
            assessed += 1
            levels[r.level] += 1
            outcomes[r.decision_outcome or ""] += 1
            if r.level != r.suggested_level:
                overridden += 1
                overridden_by_level[r.level] += 1
            if r.filed_on:
                filed += 1
        title = r.title + (f"（{case_numbers[r.case_id]}）" if r.case_id in case_numbers else "")
        items.append(StatItem(
            number=r.number, title=title, matter_label=MATTER_TYPES.get(matter, matter),
            responsible_unit=r.responsible_unit, assessed_on=r.assessed_on,
            suggested_label=LEVEL_LABELS.get(r.suggested_level, ""), level_label=LEVEL_LABELS.get(r.level, ""),
            overridden=done and r.level != r.suggested_level,
            decision_label=vocab.label("decision_outcome", r.decision_outcome) if r.decision_outcome else "",
            filed_on=r.filed_on, filing_number=r.filing_number or "", status_label=STATUS_LABELS[_status(r)],
            assessment_id=r.id, case_id=r.case_id or ""))
    for c in uncovered:
        by_type["case"].due += 1
        items.append(StatItem(number=c.number, title=c.title, matter_label=MATTER_TYPES["case"], responsible_unit="",
                              assessed_on=None, suggested_label="", level_label="", overridden=False,
                              decision_label="", filed_on=None, filing_number="",
                              status_label="未评估", case_id=c.id))
    due = len(rows) + len(uncovered)
    by_level = [(code, LEVEL_LABELS[code], levels[code], overridden_by_level[code]) for code in ("high", "medium", "low")]
    by_outcome = [(it.code, it.label, outcomes[it.code]) for it in vocab.items("decision_outcome")]
    by_outcome.append(("", "未决定", outcomes[""]))
    return QuarterStats(
        quarter=q, unit_name=unit.name, filler_unit=unit.name, filled_on=today, due=due, assessed=assessed,
        pending=len(rows) - assessed, uncovered=len(uncovered), filed=filed, overridden=overridden,
        by_type=list(by_type.values()), by_level=by_level, by_outcome=by_outcome, items=items,
        signatures={"head": unit.head_name} if unit.head_name else {})


# --------------------------------------------------------------------------- exports


@dataclass
class ExportResult:
    path: Path
    pages: int | None
    seconds: float
    record_id: str
    title: str


def _check_suffix(path: Path, allowed: Sequence[str]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        wanted = "、".join(allowed)
        raise ServiceError(f"不支持的输出格式“{suffix or '（无扩展名）'}”：请保存为 {wanted} 文件。")
    return suffix


def _render(document, path: Path, suffix: str) -> int | None:
    from ..documents.docx import render_docx
    from ..documents.pdf import render_pdf
    from .printing import write_atomically

    if suffix == ".pdf":
        return write_atomically(path, lambda tmp: render_pdf(document, tmp))  # type: ignore[return-value]
    write_atomically(path, lambda tmp: render_docx(document, tmp))
    return None


def _register(desk: Desk, case_id: str | None, doc_type: str, number: str, path: Path) -> str:
    from .printing import record_document

    return record_document(desk, case_id, doc_type, number, path, False).id  # type: ignore[arg-type]


def export_report(desk: Desk, assessment_id: str, out_path: str | Path, *, form: str = "report") -> ExportResult:
    """Save the assessment report (评估报告, letter layout) or the filing form (``form="filing"``,
    报备表) as PDF or DOCX, and record it in the register of generated documents (audited)."""
    from ..documents.templates import risk_filing, risk_report

    path = Path(out_path)
    suffix = _check_suffix(path, REPORT_FORMATS)
    if form not in ("report", "filing"):
        raise ServiceError(f"未知的文书：{form}")
    started = time.perf_counter()
    view = report_view(desk, assessment_id)
    document = risk_report.build(view) if form == "report" else risk_filing.build(view)
    pages = _render(document, path, suffix)
    with desk.read() as session:
        case_id = _get(session, assessment_id).case_id
    record = _register(desk, case_id, f"risk_{form}", view.number, path)
    return ExportResult(path, pages, time.perf_counter() - started, record, document.title)


def export_stats(desk: Desk, quarter: Quarter | str, out_path: str | Path) -> ExportResult:
    """The quarterly statistics table as PDF, DOCX or XLSX (by suffix), recorded (audited)."""
    from ..documents.templates import risk_stats
    from ..interop.xlsx_risk import write_risk_stats_xlsx

    path = Path(out_path)
    suffix = _check_suffix(path, STATS_FORMATS)
    started = time.perf_counter()
    stats = quarter_stats(desk, quarter)
    pages = None
    if suffix == ".xlsx":
        try:
            write_risk_stats_xlsx(stats, path)
        except OSError as error:
            raise ServiceError(str(error)) from error
    else:
        pages = _render(risk_stats.build(stats), path, suffix)
    record = _register(desk, None, "risk_stats", stats.quarter.key, path)
    return ExportResult(path, pages, time.perf_counter() - started, record, stats.title)


def default_file_name(kind: str, number_or_quarter: str, suffix: str = ".pdf") -> str:
    from .printing import safe_name

    words = {"report": "社会稳定风险评估报告", "filing": "社会稳定风险评估报备表", "stats": "社会稳定风险评估季度统计表"}
    return safe_name(f"{words[kind]}{number_or_quarter}") + suffix


def documents_folder(desk: Desk) -> Path:
    from .printing import documents_dir

    return documents_dir(desk) / "风险评估"
