"""Monthly rolling conflict screening (矛盾纠纷排查), DOMAIN.md §4.

A *round* is one area's screening for one period (a month by default; half-month or daily in
sensitive periods, set per village in Settings → ``screening_schedule``). Each finding of a round
is a :class:`~mediation_desk.store.models.ScreeningEntry`: either a new case registered from the
round (source ``screening`` = 排查发现, through :func:`services.cases.register_case`) or an open
case re-checked this period (本月工作情况, risk grade now, 提级/降级). A round without findings is a
**zero report** (零报告): still recorded and printed for signature.

The month × village grid (:func:`status_grid`) tells for every village and month whether the
report is in (已报), a zero report (零报告), in but after the due day (逾期补报), missing after the
due day (未报), or not yet due (待报). :func:`dashboard_alerts` gives the 今日 page the same facts.

Major items (高/红 grade, group matters, may turn criminal) are flagged for immediate reporting;
:func:`report_major` records the time they were reported.

Atomicity: new cases are registered through ``register_case`` (each its own transaction, as the
brief requires), then the round, its entries and the re-check updates are written in one
transaction. Everything that can be checked is checked before the first write; if a later step
still fails, the cases registered for this round are voided with the reason, so no half-recorded
round is left behind (their numbers stay used, as numbers are never reused).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

from sqlalchemy import text
from sqlmodel import Session, select

from ..domain import vocabularies as vocab
from ..domain.calendar import month_end, month_start
from ..domain.deadlines import screening_report_due
from ..store import audit
from ..store.models import Area, Case, ScreeningEntry, ScreeningRound, Staff, Unit, utcnow
from . import settings as settings_service
from .context import Desk, ServiceError
from .parties import FieldError, PartyInput

SCHEDULE_KEY = "screening_schedule"  # {"default": "month", "areas": {area_id: "half_month" | "day"}}
PERIOD_KINDS = ("month", "half_month", "day")
PERIOD_LABELS = {"month": "每月", "half_month": "半月", "day": "每日"}
ESCALATIONS = {"": "", "raise": "提级", "lower": "降级"}

#: Cell statuses of the month × village grid.
STATUS_LABELS = {
    "done": "已报",
    "zero": "零报告",
    "late": "逾期补报",
    "missing": "未报",
    "pending": "待报",
    "future": "",
}
#: Which statuses are alerts (red in the grid, listed on the 今日 page).
ALERT_STATUSES = frozenset({"missing", "late"})


# --------------------------------------------------------------------------- inputs / outputs


@dataclass
class NewFinding:
    """A dispute (or petition) found in the round, registered as a new case.

    ``fields`` are case fields for ``register_case`` (title, category, description, claims,
    people_involved, risk_grade, risk_colour, may_turn_criminal …); ``area_id`` defaults to the
    round's area, ``received_on`` to the screening date and ``source`` to 排查发现."""

    fields: dict[str, Any]
    parties: Sequence[PartyInput] = ()
    progress: str = ""
    escalation: str = ""
    kind: str = "dispute"
    reported_at: datetime | None = None  # major item already reported (time)


@dataclass
class Recheck:
    """An open case re-checked in this period."""

    case_id: str
    progress: str  # 本月工作情况
    risk_grade: str = ""  # "" keeps the case's grade
    risk_colour: str = ""  # "" keeps the colour (cleared when it contradicts a new grade)
    escalation: str = ""  # raise | lower | ""
    reported_at: datetime | None = None


@dataclass
class RoundInput:
    area_id: str
    screened_on: date
    period_kind: str = "month"
    period_start: date | None = None  # derived from screened_on when None
    screeners: Sequence[str] = ()  # staff ids (or names typed by hand)
    scope: str = ""
    method: str = ""
    findings: str = ""  # 排查情况 in words
    signed_by: str = ""
    submitted_on: date | None = None  # 报送日期; default today
    new_findings: Sequence[NewFinding] = ()
    rechecks: Sequence[Recheck] = ()
    zero_report: bool = False  # the user said "nothing found"


@dataclass
class MajorItem:
    case_id: str
    number: str
    title: str
    area_name: str
    reasons: list[str]
    reported_at: datetime | None = None

    @property
    def reasons_text(self) -> str:
        return "、".join(self.reasons)


@dataclass
class RoundResult:
    round: ScreeningRound
    entries: list[ScreeningEntry]
    new_case_ids: list[str]
    major: list[MajorItem]  # findings that must be reported at once and are not reported yet


@dataclass
class EntryView:
    entry: ScreeningEntry
    number: str
    title: str
    kind: str
    category: str
    status: str
    risk_grade: str
    major_reasons: list[str]


@dataclass
class RoundView:
    """A round with the names a list or a printed report needs."""

    round: ScreeningRound
    area_name: str
    township_name: str
    screener_names: list[str]
    entries: list[EntryView]
    due_on: date
    unit_name: str = ""

    @property
    def late(self) -> bool:
        return submitted_of(self.round) > self.due_on

    @property
    def period_text(self) -> str:
        return period_text(self.round.period_kind, self.round.period_start, self.round.period_end)


@dataclass
class GridCell:
    area_id: str
    month: str  # YYYY-MM
    status: str  # see STATUS_LABELS
    due_on: date
    rounds: int = 0
    entries: int = 0
    expected: int = 1  # periods expected in the month (1 month, 2 half-months, n days)
    reported: int = 0  # periods with a report
    late_periods: int = 0
    zero: bool = False  # every report of the month is a zero report
    submitted_on: date | None = None  # earliest submission in the month
    round_ids: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        text_ = STATUS_LABELS[self.status]
        if self.expected > 1 and self.status not in ("future",):
            text_ = f"{text_} {self.reported}/{self.expected}"
        return text_

    @property
    def alert(self) -> bool:
        return self.status in ALERT_STATUSES


@dataclass
class GridRow:
    area_id: str
    village: str
    township: str
    period_kind: str


@dataclass
class StatusGrid:
    year: int
    months: list[str]
    rows: list[GridRow]
    cells: dict[tuple[str, str], GridCell]
    today: date

    def cell(self, area_id: str, month: str) -> GridCell:
        return self.cells[(area_id, month)]

    def counts(self, month: str) -> dict[str, int]:
        out = {k: 0 for k in STATUS_LABELS}
        for row in self.rows:
            out[self.cells[(row.area_id, month)].status] += 1
        return out


@dataclass
class ScreeningAlert:
    """One line for the 今日 page: a missing or late report, or a major item not reported."""

    kind: str  # missing | late | pending | major
    text: str
    area_id: str = ""
    month: str = ""
    due_on: date | None = None
    case_id: str = ""


# --------------------------------------------------------------------------- periods


def parse_month(month: str) -> tuple[int, int]:
    """"2026-11" → (2026, 11); anything else → ServiceError (Chinese)."""
    try:
        y_text, m_text = str(month).strip().split("-")
        year, mon = int(y_text), int(m_text)
        if not (1 <= mon <= 12 and 1900 <= year <= 9999):
            raise ValueError
        return year, mon
    except (ValueError, TypeError):
        raise ServiceError(f"月份“{month}”格式不正确，应为 2026-11 这样的格式。") from None


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def period_bounds(kind: str, on: date) -> tuple[date, date]:
    """The period of kind ``kind`` containing day ``on``."""
    if kind == "month":
        return month_start(on.year, on.month), month_end(on.year, on.month)
    if kind == "half_month":
        if on.day <= 15:
            return date(on.year, on.month, 1), date(on.year, on.month, 15)
        return date(on.year, on.month, 16), month_end(on.year, on.month)
    if kind == "day":
        return on, on
    raise ServiceError(f"未知的排查周期：{kind}（应为每月、半月或每日）")


def expected_periods(kind: str, year: int, month: int) -> list[tuple[date, date]]:
    start, end = month_start(year, month), month_end(year, month)
    if kind == "month":
        return [(start, end)]
    if kind == "half_month":
        return [(start, date(year, month, 15)), (date(year, month, 16), end)]
    if kind == "day":
        return [(start + timedelta(days=i), start + timedelta(days=i)) for i in range((end - start).days + 1)]
    raise ServiceError(f"未知的排查周期：{kind}")


def period_due(kind: str, start: date, end: date, rules) -> date:
    """Last day to hand in the report of a period: the monthly report by the configured day of
    its month (default the 20th); half-month and daily reports by the last day of their period."""
    if kind == "month":
        return screening_report_due(start.year, start.month, rules)
    return end


def period_text(kind: str, start: date, end: date) -> str:
    if kind == "month":
        return f"{start.year}年{start.month}月"
    if kind == "half_month":
        half = "上半月" if start.day == 1 else "下半月"
        return f"{start.year}年{start.month}月{half}"
    return f"{start.year}年{start.month}月{start.day}日"


def submitted_of(r: ScreeningRound) -> date:
    return r.submitted_on or r.screened_on


# --------------------------------------------------------------------------- schedule (settings)


def schedule(desk: Desk) -> dict[str, Any]:
    """``{"default": "month", "areas": {area_id: kind}}`` with defaults filled in."""
    value = settings_service.get(desk, SCHEDULE_KEY, {}) or {}
    default = value.get("default") or "month"
    areas = dict(value.get("areas") or {})
    return {"default": default if default in PERIOD_KINDS else "month",
            "areas": {k: v for k, v in areas.items() if v in PERIOD_KINDS}}


def set_period_kind(desk: Desk, kind: str, area_id: str | None = None) -> None:
    """Set the screening period of one village (``area_id``) or the default for all."""
    if kind not in PERIOD_KINDS:
        raise ServiceError(f"未知的排查周期：{kind}（应为每月、半月或每日）")
    current = schedule(desk)
    if area_id is None:
        current["default"] = kind
    else:
        with desk.read() as session:
            if session.get(Area, area_id) is None:
                raise ServiceError("所选村（社区）不存在。")
        current["areas"][area_id] = kind
    settings_service.put(desk, SCHEDULE_KEY, current)


def period_kind_for(sched: dict[str, Any], area_id: str) -> str:
    return sched["areas"].get(area_id, sched["default"])


# --------------------------------------------------------------------------- helpers


def _areas(session: Session) -> dict[str, Area]:
    return {a.id: a for a in session.exec(select(Area))}


def area_path_names(areas: dict[str, Area], area_id: str | None) -> tuple[str, str, str]:
    """(village name, township name, full path below the county) of an area id."""
    village = township = ""
    parts: list[str] = []
    node = areas.get(area_id) if area_id else None
    while node is not None:
        if node.level != "county":
            parts.insert(0, node.name)
        if node.level == "village" and not village:
            village = node.name
        if node.level == "township" and not township:
            township = node.name
        node = areas.get(node.parent_id) if node.parent_id else None
    return village, township, "".join(parts)


def major_reasons(case: Case) -> list[str]:
    """Why a case must be reported at once (DOMAIN.md §4): 高/红 grade, group matter, 民转刑 risk."""
    reasons = []
    if case.risk_colour == "red":
        reasons.append("红色风险")
    elif case.risk_grade == "high":
        reasons.append("高风险")
    if case.is_group:
        reasons.append("群体性")
    if case.may_turn_criminal:
        reasons.append("可能民转刑")
    return reasons


def _staff_names(session: Session, ids: Iterable[str]) -> list[str]:
    out = []
    for value in ids:
        staff = session.get(Staff, value) if value else None
        out.append(staff.name if staff is not None else str(value))
    return [n for n in out if n]


def _case_open_for_recheck(case: Case) -> str | None:
    if case.voided:
        return f"案件 {case.number} 已作废，不能复核。"
    if case.closed_out_on is not None:
        return f"案件 {case.number} 已于{case.closed_out_on.isoformat()}销号，不能再复核。"
    return None


def _clean_text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _check_escalation(value: str) -> str:
    value = (value or "").strip()
    if value not in ESCALATIONS:
        raise FieldError("escalation", f"提级/降级只能填“提级”或“降级”，不能是“{value}”。")
    return value


def _check_grade(grade: str, colour: str) -> tuple[str, str]:
    grade, colour = (grade or "").strip(), (colour or "").strip()
    if grade and vocab.item("risk_grade", grade) is None:
        raise FieldError("risk_grade", f"“{grade}”不是有效的风险等级（高、中、低）。")
    if colour and vocab.item("risk_colour", colour) is None:
        raise FieldError("risk_colour", f"“{colour}”不是有效的风险颜色（红、橙、黄、蓝）。")
    if colour and not grade:
        grade = vocab.risk_colour_grade(colour)
    return grade, colour


# --------------------------------------------------------------------------- recording a round


def _validate(desk: Desk, data: RoundInput) -> tuple[date, date, date]:
    today = desk.today()
    if data.period_kind not in PERIOD_KINDS:
        raise FieldError("period_kind", f"未知的排查周期：{data.period_kind}（应为每月、半月或每日）")
    if not isinstance(data.screened_on, date):
        raise FieldError("screened_on", "请填写排查日期。")
    if data.screened_on > today:
        raise FieldError("screened_on", "排查日期不能晚于今天。")
    start, end = period_bounds(data.period_kind, data.period_start or data.screened_on)
    if data.period_start is not None and data.period_start != start:
        raise FieldError("period_start", f"排查周期应从{start.isoformat()}开始。")
    if not start <= data.screened_on <= end:
        raise FieldError("screened_on", f"排查日期应在排查周期（{period_text(data.period_kind, start, end)}）之内。")
    submitted = data.submitted_on or today
    if submitted < data.screened_on:
        raise FieldError("submitted_on", "报送日期不能早于排查日期。")
    if submitted > today:
        raise FieldError("submitted_on", "报送日期不能晚于今天。")
    has_findings = bool(data.new_findings) or bool(data.rechecks)
    if data.zero_report and has_findings:
        raise ServiceError("零报告表示本期没有发现矛盾纠纷，不能同时登记发现或复核的事项。"
                           "请取消“零报告”，或删除所列事项。")
    seen: set[str] = set()
    for r in data.rechecks:
        if r.case_id in seen:
            raise ServiceError("同一案件在一次排查中只能复核一次。")
        seen.add(r.case_id)
        if not _clean_text(r.progress):
            raise FieldError("progress", "请填写复核事项的本月工作情况。")
        _check_escalation(r.escalation)
        _check_grade(r.risk_grade, r.risk_colour)
    for f in data.new_findings:
        if f.kind not in vocab.CASE_KINDS:
            raise ServiceError(f"未知的案件类型：{f.kind}")
        if not _clean_text(f.fields.get("title")):
            raise FieldError("title", "请填写新发现事项的事件名称。")
        category = f.fields.get("category")
        if category and vocab.item("category", category) is None:
            raise FieldError("category", f"“{category}”不是有效的纠纷类别。")
        _check_escalation(f.escalation)
        _check_grade(f.fields.get("risk_grade", ""), f.fields.get("risk_colour", ""))
    with desk.read() as session:
        area = session.get(Area, data.area_id) if data.area_id else None
        if area is None:
            raise FieldError("area_id", "请选择排查的村（社区）。")
        if area.level == "county":
            raise FieldError("area_id", "排查单位应为镇（街道）、村（社区）或网格。")
        clash = session.exec(select(ScreeningRound).where(
            ScreeningRound.area_id == data.area_id, ScreeningRound.period_kind == data.period_kind,
            ScreeningRound.period_start == start, ScreeningRound.voided == False)).first()  # noqa: E712
        if clash is not None:
            raise ServiceError(f"{area.name}{period_text(data.period_kind, start, end)}的排查已经登记过"
                               f"（排查日期 {clash.screened_on.isoformat()}）。如需更正，请先作废原记录。")
        for r in data.rechecks:
            case = session.get(Case, r.case_id)
            if case is None:
                raise ServiceError("要复核的案件不存在。")
            problem = _case_open_for_recheck(case)
            if problem:
                raise ServiceError(problem)
            if case.received_on > data.screened_on:
                raise ServiceError(f"案件 {case.number} 的受理日期晚于本次排查日期，不能在本次排查中复核。")
    return start, end, submitted


def record_round(desk: Desk, data: RoundInput) -> RoundResult:
    """Record a screening round with its findings (see the module docstring)."""
    from . import cases as case_service

    start, end, submitted = _validate(desk, data)
    new_ids: list[str] = []
    try:
        for finding in data.new_findings:
            fields = dict(finding.fields)
            fields.setdefault("area_id", data.area_id)
            fields.setdefault("received_on", data.screened_on)
            fields.setdefault("source", "screening")
            case = case_service.register_case(desk, finding.kind, fields, finding.parties)
            new_ids.append(case.id)
        result = _write_round(desk, data, start, end, submitted, new_ids)
    except BaseException:
        for case_id in new_ids:
            try:
                case_service.void_case(desk, case_id, "排查记录未能保存，随之登记的事项自动作废")
            except Exception:  # noqa: BLE001 — best effort; the original error matters
                pass
        raise
    return result


def _write_round(desk: Desk, data: RoundInput, start: date, end: date, submitted: date,
                 new_ids: list[str]) -> RoundResult:
    from .cases import _add_event

    is_zero = not data.new_findings and not data.rechecks
    with desk.tx() as session:
        screeners = [s.strip() for s in data.screeners if s and s.strip()]
        names = _staff_names(session, screeners)
        rnd = ScreeningRound(
            area_id=data.area_id, period_kind=data.period_kind, period_start=start, period_end=end,
            screened_on=data.screened_on, screeners=screeners, scope=_clean_text(data.scope),
            method=_clean_text(data.method),
            findings=_clean_text(data.findings) or ("经排查，本期未发现矛盾纠纷。" if is_zero else ""),
            is_zero_report=is_zero, signed_by=_clean_text(data.signed_by), submitted_on=submitted,
        )
        session.add(rnd)
        session.flush()
        desk.audit(session, "create", rnd)
        entries: list[ScreeningEntry] = []
        major: list[MajorItem] = []
        areas = _areas(session)
        for finding, case_id in zip(data.new_findings, new_ids):
            case = session.get(Case, case_id)
            entry = ScreeningEntry(round_id=rnd.id, case_id=case_id, is_new=True,
                                   progress=_clean_text(finding.progress) or "本期排查发现，已登记受理。",
                                   risk_grade=case.risk_grade, escalation=_check_escalation(finding.escalation))
            if _clean_text(finding.progress):
                _add_event(desk, session, case, "screening_check", data.screened_on,
                           content=_clean_text(finding.progress), result="排查发现", participants="、".join(names))
            _major(desk, session, case, entry, finding.reported_at, areas, major)
            session.add(entry)
            entries.append(entry)
        for r in data.rechecks:
            case = session.get(Case, r.case_id)
            before = audit.snapshot(case)
            grade, colour = _check_grade(r.risk_grade, r.risk_colour)
            changed = False
            if colour and colour != case.risk_colour:
                case.risk_colour, changed = colour, True
            if grade and grade != case.risk_grade:
                case.risk_grade, changed = grade, True
                if case.risk_colour and vocab.risk_colour_grade(case.risk_colour) != grade:
                    case.risk_colour = ""  # the old colour contradicts the new grade
            escalation = _check_escalation(r.escalation)
            if changed:
                case.version += 1
                case.updated_at = utcnow()
                session.add(case)
                desk.audit(session, "update", case, before)
            result_text = [f"风险等级：{vocab.label('risk_grade', case.risk_grade) or '未评定'}"]
            if escalation:
                result_text.append(ESCALATIONS[escalation])
            _add_event(desk, session, case, "screening_check", data.screened_on, content=_clean_text(r.progress),
                       result="；".join(result_text), participants="、".join(names))
            entry = ScreeningEntry(round_id=rnd.id, case_id=case.id, is_new=False, progress=_clean_text(r.progress),
                                   risk_grade=case.risk_grade, escalation=escalation)
            _major(desk, session, case, entry, r.reported_at, areas, major)
            session.add(entry)
            entries.append(entry)
        session.flush()
        for entry in entries:
            desk.audit(session, "create", entry)
        return RoundResult(round=rnd, entries=entries, new_case_ids=list(new_ids), major=major)


def _major(desk: Desk, session: Session, case: Case, entry: ScreeningEntry, reported_at: datetime | None,
           areas: dict[str, Area], out: list[MajorItem]) -> None:
    reasons = major_reasons(case)
    if not reasons:
        return
    if reported_at is not None:
        at = _utc(reported_at)
        entry.major_reported_at = at
        if case.major_reported_at is None:
            before = audit.snapshot(case)
            case.is_major = True
            case.major_reported_at = at
            case.version += 1
            session.add(case)
            desk.audit(session, "update", case, before)
        return
    if case.major_reported_at is not None:
        entry.major_reported_at = case.major_reported_at
        return
    village, _t, _p = area_path_names(areas, case.area_id)
    out.append(MajorItem(case.id, case.number, case.title, village, reasons))


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        at = at.astimezone()  # naive = local time of this computer
    return at.astimezone(timezone.utc)


def void_round(desk: Desk, round_id: str, reason: str) -> ScreeningRound:
    """Void a wrongly recorded round (kept with the reason in the audit trail). Cases registered
    from it stay — void them on their own if they were mistakes too."""
    if not _clean_text(reason):
        raise FieldError("reason", "作废排查记录必须填写理由。")
    with desk.tx() as session:
        rnd = session.get(ScreeningRound, round_id)
        if rnd is None:
            raise ServiceError("排查记录不存在。")
        if rnd.voided:
            raise ServiceError("这条排查记录已经作废。")
        before = audit.snapshot(rnd)
        rnd.voided = True
        rnd.updated_at = utcnow()
        session.add(rnd)
        after = audit.snapshot(rnd)
        after["void_reason"] = reason.strip()
        audit.record(session, actor=desk.actor, action="void", entity=rnd.__tablename__, entity_id=rnd.id,
                     before=before, after=after)
        return rnd


# --------------------------------------------------------------------------- major items


def report_major(desk: Desk, case_id: str, reported_at: datetime | None = None, to: str = "") -> Case:
    """Record that a major item was reported (time, and to whom) — flags the case as major."""
    at = _utc(reported_at) if reported_at is not None else utcnow()
    from .cases import _add_event

    with desk.tx() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在。")
        if case.voided:
            raise ServiceError(f"案件 {case.number} 已作废。")
        before = audit.snapshot(case)
        case.is_major = True
        case.major_reported_at = at
        case.version += 1
        case.updated_at = utcnow()
        session.add(case)
        desk.audit(session, "update", case, before)
        for entry in session.exec(select(ScreeningEntry).where(ScreeningEntry.case_id == case_id,
                                                               ScreeningEntry.major_reported_at == None)):  # noqa: E711
            entry_before = audit.snapshot(entry)
            entry.major_reported_at = at
            entry.updated_at = utcnow()
            session.add(entry)
            desk.audit(session, "update", entry, entry_before)
        local = at.astimezone()
        on = min(local.date(), desk.today())
        on = max(on, case.received_on)
        _add_event(desk, session, case, "note", on,
                   content=f"重大事项已上报{('（报送：' + to.strip() + '）') if to.strip() else ''}",
                   result=f"上报时间：{local:%Y-%m-%d %H:%M}")
        return case


def pending_major(desk: Desk, area_id: str | None = None) -> list[MajorItem]:
    """Open cases that are major items (高/红, group, 民转刑) and have not been reported yet."""
    sql = """
SELECT c.id FROM "case" c
WHERE c.voided = 0 AND c.major_reported_at IS NULL AND c.closed_out_on IS NULL AND c.closed_on IS NULL
  AND (c.risk_grade = 'high' OR c.risk_colour = 'red' OR c.is_group = 1 OR c.may_turn_criminal = 1)
ORDER BY c.received_on, c.number
"""
    with desk.read() as session:
        ids = [r[0] for r in session.execute(text(sql))]
        areas = _areas(session)
        keep = _area_filter(areas, area_id)
        out = []
        for case_id in ids:
            case = session.get(Case, case_id)
            if vocab.is_closed(case.kind, case.status):
                continue
            if keep is not None and case.area_id not in keep:
                continue
            village, _t, _p = area_path_names(areas, case.area_id)
            out.append(MajorItem(case.id, case.number, case.title, village, major_reasons(case)))
        return out


def _area_filter(areas: dict[str, Area], area_id: str | None) -> set[str] | None:
    """The ids of ``area_id`` and everything below it (None = no filter)."""
    if not area_id:
        return None
    children: dict[str, list[str]] = defaultdict(list)
    for a in areas.values():
        if a.parent_id:
            children[a.parent_id].append(a.id)
    out, stack = set(), [area_id]
    while stack:
        node = stack.pop()
        if node in out:
            continue
        out.add(node)
        stack.extend(children.get(node, ()))
    return out


# --------------------------------------------------------------------------- reading


def open_cases_for_recheck(desk: Desk, area_id: str | None, on: date | None = None) -> list[Case]:
    """Cases in the rolling ledger at ``on`` (not closed out, not voided) in the area (and below),
    oldest first — what a screening round re-checks."""
    on = on or desk.today()
    with desk.read() as session:
        areas = _areas(session)
        keep = _area_filter(areas, area_id)
        query = select(Case).where(Case.voided == False, Case.closed_out_on == None,  # noqa: E711,E712
                                   Case.received_on <= on)
        if keep is not None:
            query = query.where(Case.area_id.in_(sorted(keep)))
        return list(session.exec(query.order_by(Case.received_on, Case.number)))


def _round_view(session: Session, rnd: ScreeningRound, areas: dict[str, Area], rules, unit: Unit | None) -> RoundView:
    village, township, path = area_path_names(areas, rnd.area_id)
    entries = []
    for entry in session.exec(select(ScreeningEntry).where(ScreeningEntry.round_id == rnd.id)
                              .order_by(ScreeningEntry.is_new.desc(), ScreeningEntry.created_at)):
        case = session.get(Case, entry.case_id)
        entries.append(EntryView(entry, case.number, case.title, case.kind, case.category, case.status,
                                 entry.risk_grade or case.risk_grade, major_reasons(case)))
    area = areas.get(rnd.area_id)
    name = area.name if area is not None else ""
    return RoundView(rnd, name or village, township, _staff_names(session, rnd.screeners or []), entries,
                     period_due(rnd.period_kind, rnd.period_start, rnd.period_end, rules),
                     unit.name if unit is not None else "")


def round_view(desk: Desk, round_id: str) -> RoundView:
    with desk.read() as session:
        rnd = session.get(ScreeningRound, round_id)
        if rnd is None:
            raise ServiceError("排查记录不存在。")
        unit = session.exec(select(Unit).where(Unit.is_current == True)).first()  # noqa: E712
        return _round_view(session, rnd, _areas(session), settings_service.deadline_rules(session), unit)


def rounds_in_month(desk: Desk, month: str, area_id: str | None = None) -> list[RoundView]:
    """Non-voided rounds whose period overlaps the month, by village then date."""
    year, mon = parse_month(month)
    start, end = month_start(year, mon), month_end(year, mon)
    with desk.read() as session:
        areas = _areas(session)
        keep = _area_filter(areas, area_id)
        rules = settings_service.deadline_rules(session)
        unit = session.exec(select(Unit).where(Unit.is_current == True)).first()  # noqa: E712
        rounds = session.exec(select(ScreeningRound).where(
            ScreeningRound.voided == False, ScreeningRound.period_start <= end,  # noqa: E712
            ScreeningRound.period_end >= start).order_by(ScreeningRound.screened_on)).all()
        views = [_round_view(session, r, areas, rules, unit) for r in rounds if keep is None or r.area_id in keep]
    views.sort(key=lambda v: (_area_sort(areas, v.round.area_id), v.round.period_start, v.round.screened_on))
    return views


def _area_sort(areas: dict[str, Area], area_id: str) -> tuple:
    a = areas.get(area_id)
    return (a.sort, a.name) if a is not None else (0, "")


def villages(desk: Desk) -> list[GridRow]:
    """Active villages (rows of the grid), by township then sort order and name."""
    sched = schedule(desk)
    with desk.read() as session:
        areas = _areas(session)
    rows = []
    for a in areas.values():
        if a.level != "village" or not a.active:
            continue
        parent = areas.get(a.parent_id) if a.parent_id else None
        rows.append((parent.name if parent else "", a.sort, a.name, a.id))
    rows.sort()
    return [GridRow(aid, name, township, period_kind_for(sched, aid)) for township, _s, name, aid in rows]


def status_grid(desk: Desk, year: int, months: Sequence[int] | None = None,
                area_ids: Sequence[str] | None = None) -> StatusGrid:
    """The month × village grid of screening reports for ``year`` (all 12 months by default)."""
    months = list(months or range(1, 13))
    rows = villages(desk)
    if area_ids is not None:
        wanted = set(area_ids)
        rows = [r for r in rows if r.area_id in wanted]
    first, last = month_start(year, min(months)), month_end(year, max(months))
    with desk.read() as session:
        rules = settings_service.deadline_rules(session)
        rounds = session.exec(select(ScreeningRound).where(
            ScreeningRound.voided == False, ScreeningRound.period_start <= last,  # noqa: E712
            ScreeningRound.period_end >= first)).all()
        counts = dict(session.execute(text(
            "SELECT e.round_id, count(*) FROM screening_entry e JOIN screening_round r ON r.id = e.round_id "
            "WHERE r.voided = 0 AND r.period_start <= :last AND r.period_end >= :first GROUP BY e.round_id"),
            {"first": first.isoformat(), "last": last.isoformat()}).all())
    by_area: dict[str, list[ScreeningRound]] = defaultdict(list)
    for r in rounds:
        by_area[r.area_id].append(r)
    today = desk.today()
    cells: dict[tuple[str, str], GridCell] = {}
    for row in rows:
        for mon in months:
            cells[(row.area_id, month_key(year, mon))] = _cell(row, year, mon, by_area.get(row.area_id, []),
                                                               counts, rules, today)
    return StatusGrid(year, [month_key(year, m) for m in months], rows, cells, today)


def _cell(row: GridRow, year: int, mon: int, rounds: list[ScreeningRound], counts: dict, rules,
          today: date) -> GridCell:
    m_start, m_end = month_start(year, mon), month_end(year, mon)
    in_month = [r for r in rounds if r.period_start <= m_end and r.period_end >= m_start]
    kind = row.period_kind
    # a finer schedule is satisfied by coarser rounds (a monthly round covers both half-months)
    periods = expected_periods(kind, year, mon)
    month_due = period_due("month", m_start, m_end, rules)
    cell = GridCell(row.area_id, month_key(year, mon), "future", due_on=month_due if kind == "month" else
                    period_due(kind, *periods[-1], rules), expected=len(periods))
    cell.rounds = len(in_month)
    cell.round_ids = [r.id for r in in_month]
    cell.entries = sum(int(counts.get(r.id, 0)) for r in in_month)
    cell.zero = bool(in_month) and all(r.is_zero_report for r in in_month)
    if in_month:
        cell.submitted_on = min(submitted_of(r) for r in in_month)
    states = []
    for p_start, p_end in periods:
        due = period_due(kind, p_start, p_end, rules)
        covering = [r for r in in_month if r.period_start <= p_end and r.period_end >= p_start]
        if covering:
            submitted = min(submitted_of(r) for r in covering)
            states.append("late" if submitted > due else "ok")
        elif today > due:
            states.append("missing")
        elif today >= p_start:
            states.append("pending")
        else:
            states.append("future")
    cell.reported = sum(s in ("ok", "late") for s in states)
    cell.late_periods = states.count("late")
    if "missing" in states:
        cell.status = "missing"
    elif "late" in states:
        cell.status = "late"
    elif cell.reported and cell.reported == len(states):
        cell.status = "zero" if cell.zero else "done"
    elif cell.reported or "pending" in states:
        # partly reported with the rest not yet due, or nothing due yet
        cell.status = "pending" if not cell.reported else ("zero" if cell.zero else "done")
    else:
        cell.status = "future"
    return cell


def month_status(desk: Desk, month: str) -> list[tuple[GridRow, GridCell]]:
    """One month's column of the grid: ``[(village, cell), …]``."""
    year, mon = parse_month(month)
    grid = status_grid(desk, year, [mon])
    key = month_key(year, mon)
    return [(row, grid.cell(row.area_id, key)) for row in grid.rows]


def dashboard_alerts(desk: Desk, on: date | None = None) -> list[ScreeningAlert]:
    """What the 今日 page shows about screening: villages whose report for this month (and last
    month) is missing or was handed in late, reports still due this month, and major items not
    yet reported."""
    today = on or desk.today()
    prev = month_start(today.year, today.month) - timedelta(days=1)
    out: list[ScreeningAlert] = []
    for ref in (prev, today):
        for row, cell in month_status(desk, month_key(ref.year, ref.month)):
            label = f"{ref.year}年{ref.month}月"
            if cell.status == "missing":
                out.append(ScreeningAlert("missing", f"{row.village}{label}排查情况未报（截止{cell.due_on.month}月{cell.due_on.day}日）",
                                          row.area_id, cell.month, cell.due_on))
            elif cell.status == "late" and ref == today:
                out.append(ScreeningAlert("late", f"{row.village}{label}排查情况逾期补报", row.area_id, cell.month,
                                          cell.due_on))
            elif cell.status == "pending" and ref == today:
                left = (cell.due_on - today).days
                out.append(ScreeningAlert("pending", f"{row.village}{label}排查情况待报（还剩{left}天）", row.area_id,
                                          cell.month, cell.due_on))
    for item in pending_major(desk):
        out.append(ScreeningAlert("major", f"重大事项待上报：{item.number} {item.title}（{item.reasons_text}）",
                                  case_id=item.case_id))
    return out


def status_records(desk: Desk, month: str) -> list[dict[str, Any]]:
    """JSON-ready rows of :func:`month_status` (the ``screening-status --json`` shape)."""
    out = []
    for row, cell in month_status(desk, month):
        out.append({
            "area_id": row.area_id, "village": row.village, "township": row.township, "month": cell.month,
            "period": row.period_kind, "status": cell.status, "status_label": STATUS_LABELS[cell.status],
            "due_on": cell.due_on.isoformat(), "submitted_on": cell.submitted_on.isoformat() if cell.submitted_on else None,
            "rounds": cell.rounds, "entries": cell.entries, "zero_report": cell.zero,
            "expected_periods": cell.expected, "reported_periods": cell.reported,
        })
    return out


def print_round(desk: Desk, round_id: str, path) -> "Path":
    """Print one round's report (零报告表 / 排查情况报告表) for signature as PDF or DOCX (by suffix);
    the file is recorded in the register of generated documents."""
    import hashlib
    from pathlib import Path

    from ..documents import render
    from ..documents.templates.screening import screening_report_document
    from ..store.models import GeneratedDocument

    path = Path(path)
    if path.suffix.lower() not in (".pdf", ".docx"):
        raise ServiceError(f"不支持的格式“{path.suffix or '（无扩展名）'}”：请保存为 .pdf 或 .docx 文件。")
    view = round_view(desk, round_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        render(screening_report_document(view), path)
    except PermissionError as error:
        raise ServiceError(f"无法写入“{path.name}”：文件可能正在其他程序中打开，或文件夹没有写入权限。") from error
    with desk.tx() as session:
        row = GeneratedDocument(doc_type="screening_zero_report" if view.round.is_zero_report else "screening_report",
                                number=f"{view.round.period_start:%Y-%m}", doc_date=desk.today(), path=str(path),
                                file_format=path.suffix.lower().lstrip("."),
                                sha256=hashlib.sha256(path.read_bytes()).hexdigest())
        session.add(row)
        session.flush()
        desk.audit(session, "create", row)
    return path


__all__ = [
    "ALERT_STATUSES", "ESCALATIONS", "GridCell", "GridRow", "MajorItem", "NewFinding", "PERIOD_KINDS",
    "PERIOD_LABELS", "Recheck", "RoundInput", "RoundResult", "RoundView", "STATUS_LABELS", "ScreeningAlert",
    "StatusGrid", "dashboard_alerts", "major_reasons", "month_status", "open_cases_for_recheck", "parse_month",
    "pending_major", "period_bounds", "print_round", "period_text", "record_round", "report_major", "round_view",
    "rounds_in_month", "schedule", "set_period_kind", "status_grid", "status_records", "void_round",
]
