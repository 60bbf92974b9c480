"""Leader contracts for long-standing and hard cases (领导包案), DOMAIN.md §5.

"One problem, one leader, one team, one plan, pursued to the end": a named leader takes a case on
with a responsible unit, responsible persons, a task team and a plan (一案一策), by a deadline
(default 3 months, ``domain.deadlines.contract_deadline``); reports monthly (本月工作情况); may
get an extension (≤ 1 month, approver and reason, a second one only when Settings allow it); and
is closed out (销号) only when the closure checklist (五不结案) is met. A closed contract whose
problem flares up is reopened — the same row, so the same leader and number — and the audit
trail keeps everything it was before (:func:`contract_history` reads it back).

Rules of this module (beyond the numbers of ``DeadlineRules``):

* one contract per case: a second assignment is refused while a (not voided) contract exists —
  reopen it instead, or void a mistaken one first;
* the contract number is allocated once, at assignment (scope ``contract``), and kept through
  reopening and voiding;
* the deadline given at assignment may be earlier than the default, never later (that is what an
  extension is for); an extension is at most ``contract_extension_max_months`` each time, at most
  ``contract_max_extensions`` times per term; reopening starts a new term (3 months from the
  reopening, extensions counted afresh — the earlier ones stay in the history);
* closing: facts investigated and handling proper are always required; the satisfaction must be
  recorded and an approver named; 已化解 and 息诉罢访 also need "problem solved", and 已化解 is
  refused while the petitioner is 不满意 or 仍有诉求 (choose 稳控 / 终结 / 转入法定途径);
  a signed 息访协议 only goes with 息诉罢访;
* progress entries belong to a month (YYYY-MM, default the month of the entry date); several a
  month are allowed; a contract that is closed takes none.

Every write is one transaction with its audit rows. Messages are Chinese.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlmodel import Session, select

from ..domain.calendar import add_months, month_end, month_start, parse_date
from ..domain.deadlines import DeadlineRules, contract_deadline
from ..domain.errors import DomainError
from ..domain.numbering import format_number
from ..store import audit, numbers
from ..store.models import AuditEntry, Case, ContractProgress, GeneratedDocument, LeaderContract, Staff, utcnow
from . import settings as settings_service
from .context import Desk, ServiceError
from .parties import FieldError

# --------------------------------------------------------------------------- vocabulary

OPEN_STATUS = "in_progress"
#: Statuses a contract may be closed with (vocabulary contract_status, "closed": true).
CLOSED_STATUSES = ("resolved", "petitioner_withdrew", "stabilized", "ended", "legal_channel")
#: Closing statuses that claim the problem is solved (the checklist's 问题已解决 is required).
SOLVED_STATUSES = ("resolved", "petitioner_withdrew")
#: Satisfaction values that count as satisfied (满意 / 基本满意).
SATISFIED = ("satisfied", "basically_satisfied")

#: The closure checklist (五不结案), in print order. ``public_satisfied`` and ``approved`` are
#: derived from the satisfaction and the approver; the other three are ticked by the user.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("facts_investigated", "事实已查清"),
    ("handling_proper", "处理已得当"),
    ("problem_solved", "问题已解决"),
    ("public_satisfied", "群众满意"),
    ("approved", "已经审批"),
)
CHECKLIST_LABELS = dict(CHECKLIST)

#: Contracts whose deadline is at most this many days away are "due soon" ([ours]: half a month
#: gives the leader time to finish or to ask for the extension before the deadline).
DUE_SOON_DAYS = 15

STATE_LABELS = {"overdue": "已超期", "due_soon": "即将到期", "ok": "正常", "closed": "已销号"}
FLAG_LABELS = {"lost_contact": "失联", "level_skipping": "越级苗头"}

_FALLBACK_LABELS = {
    "contract_status": {"in_progress": "化解中", "resolved": "已化解", "petitioner_withdrew": "息诉罢访",
                        "stabilized": "稳控", "ended": "终结", "legal_channel": "转入法定途径"},
    "satisfaction": {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意",
                     "still_claims": "仍有诉求"},
}


def labels(desk: Desk) -> dict[str, dict[str, str]]:
    """Labels of contract_status and satisfaction as the unit has them."""
    from .vocab import all_labels

    found = all_labels(desk)
    return {name: {**default, **found.get(name, {})} for name, default in _FALLBACK_LABELS.items()}


def status_label(code: str, names: dict[str, dict[str, str]] | None = None) -> str:
    return (names or _FALLBACK_LABELS)["contract_status"].get(code, code)


def satisfaction_label(code: str, names: dict[str, dict[str, str]] | None = None) -> str:
    return (names or _FALLBACK_LABELS)["satisfaction"].get(code, code) if code else ""


def month_key(d: date) -> str:
    return f"{d.year}-{d.month:02d}"


def parse_month(text: str) -> tuple[int, int]:
    """``"2026-11"`` → (2026, 11); a Chinese ServiceError otherwise."""
    try:
        year_text, month_text = str(text).strip().split("-")
        year, month = int(year_text), int(month_text)
        if not (1000 <= year <= 9999 and 1 <= month <= 12):
            raise ValueError
    except (ValueError, TypeError):
        raise ServiceError(f"月份“{text}”格式不正确，应为 2026-11 这样的格式。") from None
    return year, month


def _text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _date(value: Any, what: str, field_name: str) -> date:
    try:
        return parse_date(value, what=what)
    except DomainError as error:
        raise FieldError(field_name, str(error)) from None


def _dot(d: date | None) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def _cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


# --------------------------------------------------------------------------- rules


def _rules(session: Session) -> tuple[DeadlineRules, Any]:
    return settings_service.deadline_rules(session), settings_service.work_calendar(session)


def default_deadline(desk: Desk, assigned_on: date | str) -> date:
    """The default deadline of a contract assigned on ``assigned_on`` (3 months, rolled past days off)."""
    assigned_on = _date(assigned_on, "交办日期", "assigned_on")
    with desk.read() as session:
        rules, calendar = _rules(session)
    return contract_deadline(assigned_on, 0, rules, calendar)


def _deadline(start: date, extension_months: int, extensions: int, rules: DeadlineRules, calendar) -> date:
    """The deadline of a term that started on ``start`` after ``extensions`` extensions adding up
    to ``extension_months``. Each extension has already been checked against the per-extension cap;
    ``contract_deadline`` caps the *total* at ``contract_extension_max_months``, which would forbid
    the second extension a unit's settings allow — so the cap passed to it is the allowed total."""
    total_cap = max(rules.contract_extension_max_months, extension_months)
    capped = rules.with_overrides(contract_extension_max_months=min(total_cap, 120))
    return contract_deadline(start, extension_months, capped, calendar, extensions=extensions)


def _term_start(session: Session, contract: LeaderContract) -> date:
    """The start of the current term: the assignment, or the last reopening (from the audit)."""
    if not contract.reopened_count:
        return contract.assigned_on
    rows = session.exec(select(AuditEntry).where(AuditEntry.entity == "leader_contract",
                                                 AuditEntry.entity_id == contract.id,
                                                 AuditEntry.action == "reopen")
                        .order_by(AuditEntry.at.desc())).all()
    for row in rows:
        value = (row.after or {}).get("reopened_on")
        if value:
            return date.fromisoformat(str(value)[:10])
    return contract.assigned_on


def _get(session: Session, contract_id: str) -> LeaderContract:
    contract = session.get(LeaderContract, contract_id)
    if contract is None:
        raise ServiceError("包案记录不存在。")
    return contract


def _ensure_live(contract: LeaderContract) -> None:
    if contract.voided:
        raise ServiceError(f"包案 {contract.number} 已作废，不能再办理。")


def _ensure_open(contract: LeaderContract, what: str) -> None:
    _ensure_live(contract)
    if contract.status != OPEN_STATUS:
        raise ServiceError(f"包案 {contract.number} 已于{_cn(contract.closed_on)}销号（{status_label(contract.status)}），"
                           f"不能再{what}。如问题反弹，请先“重新启动包案”。")


def _case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise ServiceError("案件不存在。")
    return case


def _record(desk: Desk, session: Session, action: str, obj, before: dict | None, extra: dict | None = None) -> None:
    """An audit row with only what changed (plus ``extra`` facts such as the reason)."""
    after = audit.snapshot(obj)
    b, a = audit.diff(before, after) if before is not None else (None, after)
    if extra:
        a = {**(a or {}), **audit.to_jsonable(extra)}
    audit.record(session, actor=desk.actor, action=action, entity=obj.__tablename__, entity_id=obj.id,
                 before=b, after=a)


# --------------------------------------------------------------------------- assign / edit


@dataclass
class ContractInput:
    """What the assign dialog (or a script) gives. With ``leader_id`` the name, post and phone
    default to the staff member's; ``deadline_on`` None means the default (3 months)."""

    leader_id: str | None = None
    leader_name: str = ""
    leader_post: str = ""
    leader_phone: str = ""
    responsible_unit: str = ""
    responsible_persons: str = ""
    task_team: str = ""
    plan: str = ""
    assigned_on: date | str | None = None
    deadline_on: date | str | None = None


EDITABLE = ("leader_id", "leader_name", "leader_post", "leader_phone", "responsible_unit", "responsible_persons",
            "task_team", "plan")


def _clean_people(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """Leader from the staff list (defaults for name/post/phone) and the required fields."""
    from ..domain.phone import check_phone

    out = {k: (_text(v) if k != "leader_id" else (v or None)) for k, v in data.items()}
    if out.get("leader_id"):
        staff = session.get(Staff, out["leader_id"])
        if staff is None:
            raise FieldError("leader_id", "所选的包案领导不在工作人员名单中。")
        out["leader_name"] = out.get("leader_name") or staff.name
        out["leader_post"] = out.get("leader_post") or staff.post
        out["leader_phone"] = out.get("leader_phone") or staff.phone
    if "leader_name" in out and not out["leader_name"]:
        raise FieldError("leader_name", "请填写包案领导。")
    if out.get("leader_phone"):
        check = check_phone(out["leader_phone"])
        if not check.valid:
            raise FieldError("leader_phone", f"包案领导电话：{check.error or '格式不正确'}")
        out["leader_phone"] = check.normalized
    required = {"responsible_unit": "请填写责任单位。", "responsible_persons": "请填写责任人。",
                "plan": "请填写化解方案（一案一策：化解措施、步骤和分工）。"}
    for key, message in required.items():
        if key in out and not out[key]:
            raise FieldError(key, message)
    return out


def assign_contract(desk: Desk, case_id: str, data: ContractInput) -> LeaderContract:
    """Assign a leader contract to a case: allocates the contract number (once) and sets the
    deadline (default 3 months from the assignment)."""
    today = desk.today()
    assigned = _date(data.assigned_on, "交办日期", "assigned_on") if data.assigned_on else today
    if assigned > today:
        raise FieldError("assigned_on", "交办日期不能晚于今天。")
    with desk.tx() as session:
        case = _case(session, case_id)
        if case.voided:
            raise ServiceError(f"案件 {case.number} 已作废，不能交办包案。")
        existing = session.exec(select(LeaderContract).where(LeaderContract.case_id == case_id,
                                                             LeaderContract.voided == False)).first()  # noqa: E712
        if existing is not None:
            if existing.status == OPEN_STATUS:
                raise ServiceError(f"案件 {case.number} 已由{existing.leader_name}包案（{existing.number}），"
                                   "不能重复交办。")
            raise ServiceError(f"案件 {case.number} 的包案（{existing.number}）已销号。问题反弹的，"
                               f"请“重新启动包案”，仍由{existing.leader_name}负责。")
        if assigned < case.received_on:
            raise FieldError("assigned_on", f"交办日期不能早于案件受理日期（{_cn(case.received_on)}）。")
        people = _clean_people(session, {k: getattr(data, k) for k in EDITABLE})
        rules, calendar = _rules(session)
        default = contract_deadline(assigned, 0, rules, calendar)
        deadline = default
        if data.deadline_on:
            deadline = _date(data.deadline_on, "化解时限", "deadline_on")
            if deadline > default:
                raise FieldError("deadline_on", f"化解时限不能超过交办之日起{rules.contract_months}个月"
                                                f"（{_cn(default)}）；确需更长时间的，到期前办理延期。")
            if deadline <= assigned:
                raise FieldError("deadline_on", "化解时限应晚于交办日期。")
        unit = desk.current_unit(session)
        seq = numbers.allocate(session, unit.id, "contract", assigned.year)
        pattern = settings_service.numbering_patterns(session)["contract"]
        number = format_number(pattern, assigned.year, unit.short_name, seq)
        contract = LeaderContract(case_id=case.id, number=number, assigned_on=assigned, deadline_on=deadline,
                                  status=OPEN_STATUS, **people)
        session.add(contract)
        session.flush()
        _record(desk, session, "create", contract, None, {"case_number": case.number})
        return contract


def max_deadline(desk: Desk, contract_id: str) -> date:
    """The latest deadline an edit may give: the default of the current term (assignment or last
    reopening) plus the extensions granted in it — a later one needs an extension."""
    with desk.read() as session:
        contract = _get(session, contract_id)
        rules, calendar = _rules(session)
        return _deadline(_term_start(session, contract), contract.extension_months, contract.extension_count,
                         rules, calendar)


def update_contract(desk: Desk, contract_id: str, **changes: Any) -> LeaderContract:
    """Edit the leader (a hand-over), the unit, the persons, the team or the plan of an open
    contract, or bring its deadline forward (``deadline_on``: after the start of the term, never
    later than the term's default plus the extensions granted — a later one is an extension)."""
    bad = set(changes) - set(EDITABLE) - {"deadline_on"}
    if bad:
        raise ServiceError(f"不能直接修改包案的这些内容：{'、'.join(sorted(bad))}（编号和状态请用对应的操作）。")
    deadline_value = changes.pop("deadline_on", None)
    with desk.tx() as session:
        contract = _get(session, contract_id)
        _ensure_open(contract, "修改")
        deadline = None
        if deadline_value:
            deadline = _date(deadline_value, "化解时限", "deadline_on")
            if deadline != contract.deadline_on:
                rules, calendar = _rules(session)
                start = _term_start(session, contract)
                latest = _deadline(start, contract.extension_months, contract.extension_count, rules, calendar)
                if deadline > latest:
                    raise FieldError("deadline_on", f"化解时限不能晚于{_cn(latest)}（交办或重新启动之日起"
                                                    f"{rules.contract_months}个月，含已批准的延期）；"
                                                    "确需更长时间的，请办理延期。")
                if deadline <= start:
                    raise FieldError("deadline_on", f"化解时限应晚于{'重新启动' if contract.reopened_count else '交办'}"
                                                    f"日期（{_cn(start)}）。")
            else:
                deadline = None
        if "leader_id" in changes and changes["leader_id"] != contract.leader_id:
            # a new leader from the list: their own post and phone unless given
            for key in ("leader_name", "leader_post", "leader_phone"):
                changes.setdefault(key, "")
        data = _clean_people(session, changes)
        before = audit.snapshot(contract)
        for key, value in data.items():
            setattr(contract, key, value)
        if deadline is not None:
            contract.deadline_on = deadline
        if audit.snapshot(contract) == before:
            return contract  # nothing changed: nothing to record
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "update", contract, before)
        return contract


def void_contract(desk: Desk, contract_id: str, reason: str) -> LeaderContract:
    """Void a contract entered by mistake (kept, with the reason; its number is never reused)."""
    reason = _text(reason)
    if not reason:
        raise FieldError("reason", "请填写作废原因。")
    with desk.tx() as session:
        contract = _get(session, contract_id)
        _ensure_live(contract)
        before = audit.snapshot(contract)
        contract.voided = True
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "void", contract, before, {"reason": reason})
        return contract


# --------------------------------------------------------------------------- progress


@dataclass
class ProgressInput:
    """One 本月工作情况 entry. ``month`` defaults to the month of ``entry_on`` (today)."""

    work_done: str = ""
    contacts: str = ""
    attitude: str = ""
    next_step: str = ""
    entry_on: date | str | None = None
    month: str | None = None
    author: str = ""
    signed: bool = False


def _clean_progress(desk: Desk, contract: LeaderContract, data: ProgressInput) -> dict[str, Any]:
    today = desk.today()
    entry_on = _date(data.entry_on, "填报日期", "entry_on") if data.entry_on else today
    if entry_on > today:
        raise FieldError("entry_on", "填报日期不能晚于今天。")
    if entry_on < contract.assigned_on:
        raise FieldError("entry_on", f"填报日期不能早于交办日期（{_cn(contract.assigned_on)}）。")
    if data.month:
        year, mon = parse_month(data.month)
        month = f"{year}-{mon:02d}"
    else:
        month = month_key(entry_on)
    if month > month_key(entry_on):
        raise FieldError("month", "不能提前填报以后月份的工作情况。")
    if month < month_key(contract.assigned_on):
        raise FieldError("month", f"包案于{_cn(contract.assigned_on)}交办，不能填报更早月份的工作情况。")
    work = _text(data.work_done)
    if not work:
        raise FieldError("work_done", "请填写本月开展的工作。")
    author = _text(data.author) or desk.actor
    return {"month": month, "entry_on": entry_on, "work_done": work, "contacts": _text(data.contacts),
            "attitude": _text(data.attitude), "next_step": _text(data.next_step), "author": author,
            "signed": bool(data.signed)}


def add_progress(desk: Desk, contract_id: str, data: ProgressInput) -> ContractProgress:
    """Record a monthly progress entry (本月工作情况: work done, contacts, attitude, next step)."""
    with desk.tx() as session:
        contract = _get(session, contract_id)
        _ensure_open(contract, "记录工作情况")
        values = _clean_progress(desk, contract, data)
        entry = ContractProgress(contract_id=contract.id, **values)
        session.add(entry)
        session.flush()
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "create", entry, None, {"contract_number": contract.number})
        return entry


def update_progress(desk: Desk, entry_id: str, data: ProgressInput) -> ContractProgress:
    """Correct a progress entry (audited; entries are never deleted)."""
    with desk.tx() as session:
        entry = session.get(ContractProgress, entry_id)
        if entry is None:
            raise ServiceError("工作情况记录不存在。")
        contract = _get(session, entry.contract_id)
        _ensure_open(contract, "修改工作情况")
        values = _clean_progress(desk, contract, data)
        before = audit.snapshot(entry)
        for key, value in values.items():
            setattr(entry, key, value)
        if audit.snapshot(entry) == before:
            return entry  # nothing changed: nothing to record
        entry.updated_at = utcnow()
        session.add(entry)
        _record(desk, session, "update", entry, before)
        return entry


def progress_entries(desk: Desk, contract_id: str) -> list[ContractProgress]:
    with desk.read() as session:
        return list(session.exec(select(ContractProgress).where(ContractProgress.contract_id == contract_id)
                                 .order_by(ContractProgress.month, ContractProgress.entry_on,
                                           ContractProgress.created_at)))


# --------------------------------------------------------------------------- extension


@dataclass
class ExtensionCheck:
    """Whether an extension may be asked for now, and the deadline it would give."""

    allowed: bool
    reason: str  # why not (Chinese), "" when allowed
    max_months: int
    used: int
    max_count: int
    current_deadline: date
    new_deadline: date | None = None


def extension_check(desk: Desk, contract_id: str, months: int = 1) -> ExtensionCheck:
    with desk.read() as session:
        contract = _get(session, contract_id)
        rules, calendar = _rules(session)
        return _extension_check(session, contract, months, rules, calendar)


def _extension_check(session: Session, contract: LeaderContract, months: int, rules: DeadlineRules,
                     calendar) -> ExtensionCheck:
    check = ExtensionCheck(True, "", rules.contract_extension_max_months, contract.extension_count,
                           rules.contract_max_extensions, contract.deadline_on)
    if contract.voided:
        check.allowed, check.reason = False, "包案已作废。"
    elif contract.status != OPEN_STATUS:
        check.allowed, check.reason = False, "包案已销号，不能延期。"
    elif rules.contract_extension_max_months < 1 or rules.contract_max_extensions < 1:
        check.allowed, check.reason = False, "按本单位设置，领导包案不允许延期。"
    elif contract.extension_count >= rules.contract_max_extensions:
        check.allowed = False
        check.reason = (f"这件包案已延期{contract.extension_count}次，按本单位设置最多延期"
                        f"{rules.contract_max_extensions}次，不能再次延期。确需再延期的，"
                        "请由单位在“设置—期限规则”中调整“包案最多延期次数”。")
    elif not isinstance(months, int) or isinstance(months, bool) or months < 1:
        check.allowed, check.reason = False, "延期月数应至少为1个月。"
    elif months > rules.contract_extension_max_months:
        check.allowed = False
        check.reason = f"包案每次延期不得超过{rules.contract_extension_max_months}个月。"
    if check.allowed:
        start = _term_start(session, contract)
        check.new_deadline = _deadline(start, contract.extension_months + months, contract.extension_count + 1,
                                       rules, calendar)
    return check


def extend_contract(desk: Desk, contract_id: str, months: int, reason: str, approver: str,
                    on: date | str | None = None) -> LeaderContract:
    """Extend the deadline by ``months`` (≤ 1 by default) with the approver and the reason; a
    second extension is refused unless Settings allow more than one."""
    reason, approver = _text(reason), _text(approver)
    on = _date(on, "批准日期", "on") if on else desk.today()
    if on > desk.today():
        raise FieldError("on", "批准日期不能晚于今天。")
    if not reason:
        raise FieldError("reason", "请填写延期理由。")
    if not approver:
        raise FieldError("approver", "请填写批准延期的负责人。")
    with desk.tx() as session:
        contract = _get(session, contract_id)
        rules, calendar = _rules(session)
        check = _extension_check(session, contract, months, rules, calendar)
        if not check.allowed:
            raise ServiceError(check.reason)
        if on < contract.assigned_on:
            raise FieldError("on", "批准日期不能早于交办日期。")
        before = audit.snapshot(contract)
        previous = contract.deadline_on
        contract.extension_months += months
        contract.extension_count += 1
        contract.deadline_on = check.new_deadline  # type: ignore[assignment]
        stamp = f"{_cn(on)}批准延期{months}个月：{reason}"
        contract.extension_reason = f"{contract.extension_reason}；{stamp}" if contract.extension_reason else stamp
        approvers = [a for a in contract.extension_approver.split("、") if a]
        contract.extension_approver = "、".join(approvers + ([approver] if approver not in approvers else []))
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "extend", contract, before,
                {"months": months, "reason": reason, "approver": approver, "approved_on": on,
                 "previous_deadline": previous})
        return contract


# --------------------------------------------------------------------------- flags, close, reopen


def set_flags(desk: Desk, contract_id: str, *, lost_contact: bool | None = None,
              level_skipping: bool | None = None) -> LeaderContract:
    """Warning flags of an open contract: 失联 (lost contact), 越级苗头 (signs of level-skipping)."""
    with desk.tx() as session:
        contract = _get(session, contract_id)
        _ensure_open(contract, "更改预警标记")
        before = audit.snapshot(contract)
        if lost_contact is not None:
            contract.flag_lost_contact = bool(lost_contact)
        if level_skipping is not None:
            contract.flag_level_skipping = bool(level_skipping)
        if audit.snapshot(contract) == before:
            return contract  # nothing changed: nothing to record
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "flag", contract, before)
        return contract


@dataclass
class CloseInput:
    """The close-out (销号) of a contract: the outcome, the closure checklist, the satisfaction,
    the approver, who closed it out and when."""

    status: str
    satisfaction: str
    approver: str
    facts_investigated: bool = False
    handling_proper: bool = False
    problem_solved: bool = False
    withdrawal_agreement: bool = False  # 息访协议 signed (息诉罢访 only)
    closed_on: date | str | None = None
    closed_by: str = ""  # 销号人; default: who is working


def closure_problems(data: CloseInput) -> list[str]:
    """Why the checklist is not met (empty when the contract may be closed) — the dialog shows
    these before saving; :func:`close_contract` refuses with the same sentences."""
    problems = []
    if data.status not in CLOSED_STATUSES:
        problems.append("请选择化解结果（已化解、息诉罢访、稳控、终结或转入法定途径）。")
    if not data.facts_investigated:
        problems.append("事实未查清的不得销号。")
    if not data.handling_proper:
        problems.append("处理不得当的不得销号。")
    if data.status in SOLVED_STATUSES and not data.problem_solved:
        problems.append(f"问题未解决的不能以“{status_label(data.status)}”销号，可选择“稳控”“终结”或“转入法定途径”。")
    if data.satisfaction not in _FALLBACK_LABELS["satisfaction"]:
        problems.append("请记录信访人（当事人）的满意度。")
    elif data.status == "resolved" and data.satisfaction not in SATISFIED:
        problems.append(f"信访人（当事人）{satisfaction_label(data.satisfaction)}的，不能以“已化解”销号，"
                        "可选择“稳控”“终结”或“转入法定途径”。")
    if not _text(data.approver):
        problems.append("请填写审批（同意销号）的负责人。")
    if data.withdrawal_agreement and data.status != "petitioner_withdrew":
        problems.append("只有“息诉罢访”才签订息访协议。")
    return problems


def close_contract(desk: Desk, contract_id: str, data: CloseInput) -> LeaderContract:
    """Close a contract out (销号) when the closure checklist (五不结案) is met."""
    problems = closure_problems(data)
    if problems:
        raise ServiceError("不符合销号条件：" + "".join(problems))
    closed_on = _date(data.closed_on, "销号日期", "closed_on") if data.closed_on else desk.today()
    if closed_on > desk.today():
        raise FieldError("closed_on", "销号日期不能晚于今天。")
    with desk.tx() as session:
        contract = _get(session, contract_id)
        _ensure_open(contract, "销号")
        if closed_on < contract.assigned_on:
            raise FieldError("closed_on", f"销号日期不能早于交办日期（{_cn(contract.assigned_on)}）。")
        before = audit.snapshot(contract)
        contract.status = data.status
        contract.satisfaction = data.satisfaction
        contract.checklist = {
            "facts_investigated": True, "handling_proper": True, "problem_solved": bool(data.problem_solved),
            "public_satisfied": data.satisfaction in SATISFIED, "approved": True,
        }
        contract.withdrawal_agreement = bool(data.withdrawal_agreement)
        contract.closed_on = closed_on
        contract.closed_by = _text(data.closed_by) or desk.actor
        contract.close_approver = _text(data.approver)
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "close", contract, before)
        return contract


def reopen_contract(desk: Desk, contract_id: str, reason: str, on: date | str | None = None,
                    deadline_on: date | str | None = None) -> LeaderContract:
    """A closed case flared up again: the contract goes back to the same leader, in progress, with
    a new term (default 3 months from ``on``); its former close-out stays in the history."""
    reason = _text(reason)
    if not reason:
        raise FieldError("reason", "请填写重新启动的原因（问题反弹的情况）。")
    on = _date(on, "重新启动日期", "on") if on else desk.today()
    if on > desk.today():
        raise FieldError("on", "重新启动日期不能晚于今天。")
    with desk.tx() as session:
        contract = _get(session, contract_id)
        _ensure_live(contract)
        if contract.status == OPEN_STATUS:
            raise ServiceError(f"包案 {contract.number} 仍在化解中，不需要重新启动。")
        case = _case(session, contract.case_id)
        if case.voided:
            raise ServiceError(f"案件 {case.number} 已作废，不能重新启动包案。")
        if contract.closed_on and on < contract.closed_on:
            raise FieldError("on", f"重新启动日期不能早于销号日期（{_cn(contract.closed_on)}）。")
        rules, calendar = _rules(session)
        default = contract_deadline(on, 0, rules, calendar)
        deadline = default
        if deadline_on:
            deadline = _date(deadline_on, "化解时限", "deadline_on")
            if deadline > default or deadline <= on:
                raise FieldError("deadline_on", f"化解时限应在重新启动之后、{_cn(default)}之前。")
        before = audit.snapshot(contract)
        contract.status = OPEN_STATUS
        contract.reopened_count += 1
        contract.deadline_on = deadline
        contract.extension_months = 0
        contract.extension_count = 0
        contract.extension_reason = ""
        contract.extension_approver = ""
        contract.satisfaction = ""
        contract.checklist = {}
        contract.withdrawal_agreement = False
        contract.closed_on = None
        contract.closed_by = ""
        contract.close_approver = ""
        contract.updated_at = utcnow()
        session.add(contract)
        _record(desk, session, "reopen", contract, before, {"reason": reason, "reopened_on": on})
        return contract


# --------------------------------------------------------------------------- queries


@dataclass
class ContractRow:
    """One contract with its case, as the page, the CLI and the dashboard list it."""

    id: str
    number: str
    case_id: str
    case_number: str
    case_title: str
    case_kind: str
    parties: str
    claims: str
    leader_id: str | None
    leader_name: str
    leader_post: str
    leader_phone: str
    responsible_unit: str
    responsible_persons: str
    task_team: str
    plan: str
    assigned_on: date
    deadline_on: date
    extension_months: int
    extension_count: int
    status: str
    status_label: str
    flag_lost_contact: bool
    flag_level_skipping: bool
    satisfaction: str
    satisfaction_label: str
    withdrawal_agreement: bool
    closed_on: date | None
    closed_by: str
    close_approver: str
    reopened_count: int
    voided: bool
    days_left: int | None  # None when closed
    state: str  # overdue | due_soon | ok | closed
    last_progress_on: date | None = None
    last_progress_month: str = ""
    progress_this_month: bool = False

    @property
    def is_open(self) -> bool:
        return self.status == OPEN_STATUS

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    @property
    def leader_text(self) -> str:
        return self.leader_name + (f"（{self.leader_post}）" if self.leader_post else "")

    @property
    def flags_text(self) -> str:
        return "、".join(label for key, label in FLAG_LABELS.items() if getattr(self, f"flag_{key}"))

    def when_text(self) -> str:
        """“超期3天” / “今天到期” / “还剩12天” / “已销号”."""
        if self.days_left is None:
            return "已销号"
        if self.days_left < 0:
            return f"超期{-self.days_left}天"
        if self.days_left == 0:
            return "今天到期"
        return f"还剩{self.days_left}天"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["state_label"] = STATE_LABELS[self.state]
        data["flags"] = [label for key, label in FLAG_LABELS.items() if getattr(self, f"flag_{key}")]
        return data


def _principal_names(parties: list[dict[str, Any]], limit: int = 3) -> str:
    names = [p["name"] for p in parties if p["role"] != "agent" and p["name"]]
    if len(names) > limit + 1:
        return "、".join(names[:limit]) + f"等{len(names)}人"
    return "、".join(names)


def _rows(desk: Desk, pairs: Sequence[tuple[LeaderContract, Case]], today: date,
          names: dict[str, dict[str, str]], due_soon_days: int) -> list[ContractRow]:
    from .register import parties_of

    ids = [c.id for c, _case_ in pairs]
    parties = parties_of(desk, [case.id for _c, case in pairs])
    last: dict[str, tuple[date, str]] = {}
    this_month: set[str] = set()
    current = month_key(today)
    with desk.read() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for entry in session.exec(select(ContractProgress).where(ContractProgress.contract_id.in_(chunk))):
                prev = last.get(entry.contract_id)
                if prev is None or (entry.month, entry.entry_on) > (prev[1], prev[0]):
                    last[entry.contract_id] = (entry.entry_on, entry.month)
                if entry.month == current:
                    this_month.add(entry.contract_id)
    out = []
    for contract, case in pairs:
        open_ = contract.status == OPEN_STATUS
        days = (contract.deadline_on - today).days if open_ else None
        if not open_:
            state = "closed"
        elif days < 0:  # type: ignore[operator]
            state = "overdue"
        elif days <= due_soon_days:  # type: ignore[operator]
            state = "due_soon"
        else:
            state = "ok"
        lp = last.get(contract.id)
        out.append(ContractRow(
            id=contract.id, number=contract.number, case_id=case.id, case_number=case.number, case_title=case.title,
            case_kind=case.kind, parties=_principal_names(parties.get(case.id, [])), claims=case.claims or "",
            leader_id=contract.leader_id, leader_name=contract.leader_name, leader_post=contract.leader_post,
            leader_phone=contract.leader_phone, responsible_unit=contract.responsible_unit,
            responsible_persons=contract.responsible_persons, task_team=contract.task_team, plan=contract.plan,
            assigned_on=contract.assigned_on, deadline_on=contract.deadline_on,
            extension_months=contract.extension_months, extension_count=contract.extension_count,
            status=contract.status, status_label=status_label(contract.status, names),
            flag_lost_contact=contract.flag_lost_contact, flag_level_skipping=contract.flag_level_skipping,
            satisfaction=contract.satisfaction, satisfaction_label=satisfaction_label(contract.satisfaction, names),
            withdrawal_agreement=contract.withdrawal_agreement, closed_on=contract.closed_on,
            closed_by=contract.closed_by, close_approver=contract.close_approver,
            reopened_count=contract.reopened_count, voided=contract.voided, days_left=days, state=state,
            last_progress_on=lp[0] if lp else None, last_progress_month=lp[1] if lp else "",
            progress_this_month=contract.id in this_month,
        ))
    return out


@dataclass
class ContractFilter:
    leader: str | None = None  # a leader's name (or staff id)
    status: str | None = None  # "open" | "closed" | a contract_status code | None (all)
    overdue: bool = False
    due_soon: bool = False
    missing_progress: bool = False  # open, nothing recorded for this month
    text: str = ""  # in the case number/title, the contract number, the parties, the leader
    include_voided: bool = False


def list_contracts(desk: Desk, filt: ContractFilter | None = None, *, due_soon_days: int = DUE_SOON_DAYS
                   ) -> list[ContractRow]:
    """Contracts with their case, overdue ones first, then by deadline (closed ones last)."""
    filt = filt or ContractFilter()
    today = desk.today()
    with desk.read() as session:
        query = select(LeaderContract, Case).join(Case, Case.id == LeaderContract.case_id)
        if not filt.include_voided:
            query = query.where(LeaderContract.voided == False, Case.voided == False)  # noqa: E712
        if filt.leader:
            who = filt.leader.strip()
            query = query.where((LeaderContract.leader_name == who) | (LeaderContract.leader_id == who))
        if filt.status == "open" or filt.overdue or filt.due_soon or filt.missing_progress:
            query = query.where(LeaderContract.status == OPEN_STATUS)
        elif filt.status == "closed":
            query = query.where(LeaderContract.status != OPEN_STATUS)
        elif filt.status:
            query = query.where(LeaderContract.status == filt.status)
        if filt.overdue and not filt.due_soon:
            query = query.where(LeaderContract.deadline_on < today)
        pairs = list(session.exec(query))
    rows = _rows(desk, pairs, today, labels(desk), due_soon_days)
    if filt.overdue and filt.due_soon:
        rows = [r for r in rows if r.state in ("overdue", "due_soon")]
    elif filt.due_soon:
        rows = [r for r in rows if r.state == "due_soon"]
    if filt.missing_progress:
        rows = [r for r in rows if not r.progress_this_month]
    words = filt.text.strip().split() if filt.text else []
    for word in words:
        rows = [r for r in rows if any(word in s for s in (r.number, r.case_number, r.case_title, r.parties,
                                                            r.leader_name, r.responsible_unit, r.responsible_persons))]
    order = {"overdue": 0, "due_soon": 1, "ok": 2, "closed": 3}
    rows.sort(key=lambda r: (order[r.state], r.deadline_on if r.is_open else date.max,
                             -(r.closed_on or date.min).toordinal(), r.number))
    return rows


def get_row(desk: Desk, contract_id: str) -> ContractRow:
    with desk.read() as session:
        contract = _get(session, contract_id)
        case = _case(session, contract.case_id)
    return _rows(desk, [(contract, case)], desk.today(), labels(desk), DUE_SOON_DAYS)[0]


def get_contract(desk: Desk, contract_id: str) -> LeaderContract:
    with desk.read() as session:
        return _get(session, contract_id)


def contract_for_case(desk: Desk, case_id: str) -> LeaderContract | None:
    """The case's contract (not voided), or None."""
    with desk.read() as session:
        return session.exec(select(LeaderContract).where(LeaderContract.case_id == case_id,
                                                         LeaderContract.voided == False)  # noqa: E712
                            .order_by(LeaderContract.assigned_on.desc())).first()


@dataclass
class LeaderLoad:
    """One leader's load: open contracts, overdue, due soon, no report this month, closed."""

    name: str
    post: str = ""
    phone: str = ""
    leader_id: str | None = None
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    missing_progress: int = 0
    flagged: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.closed


def leader_loads(desk: Desk, rows: Iterable[ContractRow] | None = None, *,
                 include_idle: bool = True) -> list[LeaderLoad]:
    """Each leader's load, busiest first; staff with the leader role and no contract are listed
    too (``include_idle``) so that the next case can go to whoever has room."""
    from .organisation import list_staff

    rows = list_contracts(desk) if rows is None else list(rows)
    loads: dict[str, LeaderLoad] = {}
    for r in rows:
        load = loads.get(r.leader_name)
        if load is None:
            load = loads[r.leader_name] = LeaderLoad(r.leader_name, r.leader_post, r.leader_phone, r.leader_id)
        if r.is_open:
            load.open += 1
            load.overdue += r.state == "overdue"
            load.due_soon += r.state == "due_soon"
            load.missing_progress += not r.progress_this_month
            load.flagged += bool(r.flag_lost_contact or r.flag_level_skipping)
        else:
            load.closed += 1
    if include_idle:
        for staff in list_staff(desk, "leader"):
            if staff.name not in loads:
                loads[staff.name] = LeaderLoad(staff.name, staff.post, staff.phone, staff.id)
    return sorted(loads.values(), key=lambda l: (-l.open, -l.overdue, -l.total, l.name))


@dataclass
class ProgressGap:
    """An open contract with no 本月工作情况 for ``month``."""

    row: ContractRow
    month: str
    missing_months: list[str] = field(default_factory=list)  # every month without an entry, up to ``month``

    @property
    def overdue(self) -> bool:
        """A whole month passed without an entry (not only the month still running)."""
        return len(self.missing_months) > 1 or (bool(self.missing_months) and self.missing_months[-1] != self.month)

    def text(self) -> str:
        months = "、".join(f"{int(m[5:])}月" for m in self.missing_months[-4:])
        return f"{months}未报送包案工作情况" if months else ""


def missing_progress(desk: Desk, month: str | None = None) -> list[ProgressGap]:
    """Open contracts lacking a progress entry for ``month`` (default: this month), with every
    earlier month of the term that lacks one too — the reminder of the page and of 今日."""
    today = desk.today()
    key = month or month_key(today)
    year, mon = parse_month(key)
    end = month_end(year, mon)
    rows = [r for r in list_contracts(desk, ContractFilter(status="open")) if r.assigned_on <= end]
    if not rows:
        return []
    months: dict[str, set[str]] = {r.id: set() for r in rows}
    with desk.read() as session:
        ids = list(months)
        for start in range(0, len(ids), 500):
            for entry in session.exec(select(ContractProgress).where(
                    ContractProgress.contract_id.in_(ids[start:start + 500]), ContractProgress.month <= key)):
                months[entry.contract_id].add(entry.month)
    gaps = []
    for r in rows:
        if key in months[r.id]:
            continue
        missing = []
        d = month_start(r.assigned_on.year, r.assigned_on.month)
        last_entry = max(months[r.id]) if months[r.id] else ""
        while d <= end:
            m = month_key(d)
            if m > last_entry:
                missing.append(m)
            d = add_months(d, 1)
        gaps.append(ProgressGap(r, key, missing))
    gaps.sort(key=lambda g: (-len(g.missing_months), g.row.leader_name, g.row.number))
    return gaps


@dataclass
class CandidateCase:
    """A case that may be given to a leader, with why it qualifies (积案, 重复信访, 高风险 …)."""

    id: str
    number: str
    title: str
    kind: str
    received_on: date
    reasons: list[str]

    @property
    def reasons_text(self) -> str:
        return "、".join(self.reasons)


def _reasons(case: Case) -> list[str]:
    out = []
    if case.is_backlog:
        out.append("积案")
    if case.is_repeat:
        out.append("重复信访")
    if case.is_level_skipping:
        out.append("越级访")
    if case.risk_grade == "high" or case.risk_colour == "red":
        out.append("高风险" if case.risk_colour != "red" else "红色风险")
    if case.is_group:
        out.append("群体性")
    if case.is_major:
        out.append("重大事项")
    return out


def candidate_cases(desk: Desk, text: str = "", limit: int = 200) -> list[CandidateCase]:
    """Cases without a contract that may be assigned one: with ``text``, any matching case of the
    register (search index); without, the open cases flagged backlog, repeat petition,
    level-skipping, high/red risk, group or major — flagged ones first."""
    from .register import CaseFilter, query_cases

    with desk.read() as session:
        taken = set(session.exec(select(LeaderContract.case_id).where(LeaderContract.voided == False)))  # noqa: E712
        if text.strip():
            ids = [r.id for r in query_cases(desk, CaseFilter(text=text), limit=limit + len(taken))]
            ids = [i for i in ids if i not in taken][:limit]
            found = {c.id: c for c in session.exec(select(Case).where(Case.id.in_(ids)))} if ids else {}
            cases = [found[i] for i in ids if i in found]
        else:
            flagged = ((Case.is_backlog == True) | (Case.is_repeat == True)  # noqa: E712
                       | (Case.is_level_skipping == True) | (Case.is_group == True)  # noqa: E712
                       | (Case.risk_grade == "high") | (Case.risk_colour == "red") | (Case.is_major == True))  # noqa: E712
            query = (select(Case).where(Case.voided == False, Case.closed_on == None, flagged)  # noqa: E711,E712
                     .order_by(Case.received_on.desc()).limit(limit + len(taken)))
            cases = [c for c in session.exec(query) if c.id not in taken][:limit]
    out = [CandidateCase(c.id, c.number, c.title, c.kind, c.received_on, _reasons(c)) for c in cases]
    if not text.strip():
        out.sort(key=lambda c: (-len(c.reasons), -c.received_on.toordinal()))
    return out


@dataclass
class HistoryItem:
    at: Any  # datetime (UTC)
    actor: str
    action: str
    text: str


def contract_history(desk: Desk, contract_id: str) -> list[HistoryItem]:
    """What happened to a contract, oldest first, read from the audit trail: assignment, edits,
    progress entries, extensions, flags, close-outs and reopenings (with the former values)."""
    names = labels(desk)
    with desk.read() as session:
        entries = list(session.exec(select(AuditEntry).where(AuditEntry.entity == "leader_contract",
                                                             AuditEntry.entity_id == contract_id)))
        months = dict(session.exec(select(ContractProgress.id, ContractProgress.month).where(
            ContractProgress.contract_id == contract_id)).all())
        progress_ids = list(months)
        if progress_ids:
            entries += list(session.exec(select(AuditEntry).where(AuditEntry.entity == "contract_progress",
                                                                  AuditEntry.entity_id.in_(progress_ids))))
    entries.sort(key=lambda e: e.at)
    return [HistoryItem(e.at, e.actor, e.action, _history_text(e, names, months.get(e.entity_id, "")))
            for e in entries]


_FIELD_WORDS = {
    "leader_name": "包案领导", "leader_post": "职务", "leader_phone": "电话", "responsible_unit": "责任单位",
    "responsible_persons": "责任人", "task_team": "工作专班", "plan": "化解方案", "leader_id": "包案领导",
    "deadline_on": "化解时限",
}
_PROGRESS_WORDS = {"month": "月份", "entry_on": "填报日期", "work_done": "开展的工作", "contacts": "接触情况",
                   "attitude": "当事人态度", "next_step": "下步打算", "author": "填报人", "signed": "签字"}


def _history_text(e: AuditEntry, names: dict[str, dict[str, str]], entry_month: str = "") -> str:
    a, b = e.after or {}, e.before or {}

    def d(value: Any) -> str:
        return _cn(date.fromisoformat(str(value)[:10])) if value else ""

    if e.entity == "contract_progress":
        month = a.get("month", "")
        word = f"{int(month[:4])}年{int(month[5:])}月" if len(month) == 7 else ""
        if e.action == "create":
            return f"记录{word}工作情况（{a.get('author', '')}）"
        month = b.get("month") or entry_month  # the month the entry was for (before a correction of it)
        word = f"{int(month[:4])}年{int(month[5:])}月" if len(month) == 7 else ""
        words = "、".join(w for k, w in _PROGRESS_WORDS.items() if k in a)
        return f"修改{word}工作情况记录" + (f"（{words}）" if words else "")
    if e.action == "create":
        return (f"交办包案 {a.get('number', '')}：包案领导{a.get('leader_name', '')}，"
                f"交办日期{d(a.get('assigned_on'))}，化解时限{d(a.get('deadline_on'))}")
    if e.action == "extend":
        return (f"延期{a.get('months', '')}个月，化解时限由{d(a.get('previous_deadline'))}延至{d(a.get('deadline_on'))}"
                f"（批准人：{a.get('approver', '')}；理由：{a.get('reason', '')}）")
    if e.action == "close":
        sat = satisfaction_label(a.get("satisfaction", ""), names)
        extra = "，已签订息访协议" if a.get("withdrawal_agreement") else ""
        return (f"销号：{status_label(a.get('status', ''), names)}，满意度{sat}{extra}，"
                f"审批人{a.get('close_approver', '')}，销号人{a.get('closed_by', '')}，销号日期{d(a.get('closed_on'))}")
    if e.action == "reopen":
        was = status_label(b.get("status", ""), names)
        return (f"问题反弹，重新启动包案（第{a.get('reopened_count', '')}次）：{a.get('reason', '')}。"
                f"原于{d(b.get('closed_on'))}以“{was}”销号（审批人{b.get('close_approver', '')}），"
                f"新的化解时限{d(a.get('deadline_on'))}")
    if e.action == "flag":
        parts = []
        for key, label in FLAG_LABELS.items():
            if f"flag_{key}" in a:
                parts.append(("标记" if a[f"flag_{key}"] else "取消") + f"“{label}”")
        return "预警：" + "、".join(parts) if parts else "预警标记未变"
    if e.action == "void":
        return f"作废：{a.get('reason', '')}"
    if e.action == "update":
        changed = [w for k, w in _FIELD_WORDS.items() if k in a]
        words = "、".join(dict.fromkeys(changed))
        if "leader_name" in a:
            return f"修改包案信息（{words}）：包案领导由{b.get('leader_name', '')}改为{a['leader_name']}"
        if "deadline_on" in a:
            return f"修改包案信息（{words}）：化解时限由{d(b.get('deadline_on'))}改为{d(a['deadline_on'])}"
        return f"修改包案信息（{words}）" if words else "修改包案信息"
    return e.action


# --------------------------------------------------------------------------- prints


def _unit_and_case(session: Session, contract: LeaderContract):
    from ..store.models import Unit

    case = _case(session, contract.case_id)
    unit = session.get(Unit, case.unit_id)
    if unit is None:
        unit = session.exec(select(Unit).where(Unit.is_current == True)).first()  # noqa: E712
    return case, unit


def letter_view(desk: Desk, contract_id: str):
    """The plain data the 包案责任书 prints (documents.templates.contract_letter.ContractLetterView)."""
    from ..documents.templates.contract_letter import ContractLetterView
    from .register import parties_of

    names = labels(desk)
    with desk.read() as session:
        contract = _get(session, contract_id)
        _ensure_live(contract)
        case, unit = _unit_and_case(session, contract)
        rules, _cal = _rules(session)
    parties = parties_of(desk, [case.id]).get(case.id, [])
    from .vocab import all_labels

    role_labels = all_labels(desk).get("party_role", {})
    by_role: dict[str, list[str]] = {}
    for p in parties:
        if p["role"] != "agent" and p["name"]:
            by_role.setdefault(role_labels.get(p["role"], p["role"]), []).append(p["name"])
    party_lines = [f"{role}：{'、'.join(names)}" for role, names in by_role.items()]
    return ContractLetterView(
        number=contract.number, case_number=case.number, case_title=case.title,
        case_kind_label="信访事项" if case.kind == "petition" else "矛盾纠纷",
        parties="；".join(party_lines), description=case.description or "", claims=case.claims or "",
        leader_name=contract.leader_name, leader_post=contract.leader_post, leader_phone=contract.leader_phone,
        responsible_unit=contract.responsible_unit, responsible_persons=contract.responsible_persons,
        task_team=contract.task_team, plan=contract.plan, assigned_on=contract.assigned_on,
        deadline_on=contract.deadline_on, contract_months=rules.contract_months,
        extension_max_months=rules.contract_extension_max_months, max_extensions=rules.contract_max_extensions,
        extension_text=(f"经{contract.extension_approver}批准延期{contract.extension_months}个月"
                        if contract.extension_count else ""),
        status_label=status_label(contract.status, names),
        unit_name=unit.name if unit else "", unit_head=unit.head_name if unit else "",
        reopened_count=contract.reopened_count,
    )


@dataclass
class PrintResult:
    path: Path
    pages: int | None = None
    seconds: float = 0.0


def _write(doc, path: Path) -> int | None:
    """Render to a temporary name beside ``path`` and rename: never half a file under the name."""
    from ..documents import render

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.part{path.suffix}")
    pages = None
    try:
        if path.suffix.lower() == ".pdf":
            from ..documents.pdf import render_pdf

            pages = render_pdf(doc, tmp)
        else:
            render(doc, tmp)
        os.replace(tmp, path)
    except PermissionError as error:
        raise ServiceError(f"无法写入“{path.name}”：文件可能正在其他程序中打开，或文件夹没有写入权限。"
                           "请关闭该文件或换一个位置后再试。") from error
    finally:
        if tmp.exists():
            tmp.unlink()
    return pages


def _register_file(desk: Desk, *, case_id: str | None, doc_type: str, number: str, path: Path,
                   masked: bool = False) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with desk.tx() as session:
        row = GeneratedDocument(case_id=case_id, doc_type=doc_type, number=number, doc_date=desk.today(),
                                path=str(path), file_format=path.suffix.lower().lstrip("."), sha256=digest,
                                masked=masked)
        session.add(row)
        session.flush()
        desk.audit(session, "create", row)


LETTER_FORMATS = (".pdf", ".docx")
LEDGER_FORMATS = (".pdf", ".docx", ".xlsx")


def print_letter(desk: Desk, contract_id: str, path: str | Path) -> PrintResult:
    """Write the 包案责任书 (PDF or DOCX by the suffix) and register the file."""
    from ..documents.templates.contract_letter import build

    path = Path(path)
    if path.suffix.lower() not in LETTER_FORMATS:
        raise ServiceError(f"不支持的格式“{path.suffix or '（无扩展名）'}”：包案责任书请保存为 .pdf 或 .docx 文件。")
    started = time.perf_counter()
    view = letter_view(desk, contract_id)
    pages = _write(build(view), path)
    contract = get_contract(desk, contract_id)
    _register_file(desk, case_id=contract.case_id, doc_type="contract_letter", number=contract.number, path=path)
    return PrintResult(path, pages, time.perf_counter() - started)


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def measures_of(plan: str) -> str:
    """The measures part of a plan for the ledger's 化解措施 column: the section whose heading
    mentions 措施 (工作措施 / 化解措施), without its heading, up to the next section; the whole
    plan when it has no such section."""
    text = " ".join((plan or "").split())
    match = re.search(r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)?[^，。；：:、\s]{0,6}措施[：:]", text)
    if not match:
        return text
    rest = text[match.end():].strip()
    nxt = re.search(r"[一二三四五六七八九十]+、", rest)
    return (rest[:nxt.start()] if nxt else rest).strip(" ；;") or text


def _progress_text(entries: list[ContractProgress]) -> str:
    parts = []
    for p in entries:
        bits = [_short(p.work_done, 70)]
        if p.contacts:
            bits.append(f"接触：{_short(p.contacts, 30)}")
        if p.attitude:
            bits.append(f"态度：{_short(p.attitude, 30)}")
        if p.next_step:
            bits.append(f"下步：{_short(p.next_step, 40)}")
        parts.append(f"{_md(p.entry_on)}：" + "；".join(bits))
    return "\n".join(parts)


def _masker(parties: list[dict[str, Any]]):
    """A function that replaces the parties' names (not agents') in a text by their masked form
    ("张小三" → "张*三"), longest names first so "欧阳小明" is not half-replaced by "欧阳"."""
    from ..domain.masking import mask_name

    names = sorted({_text(p["name"]) for p in parties if p["role"] != "agent" and len(_text(p["name"])) >= 2},
                   key=len, reverse=True)
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(n) for n in names))
    return lambda text: pattern.sub(lambda m: mask_name(m.group(0)), text or "")


def build_ledger(desk: Desk, month: str, *, leader: str | None = None, mask: bool = False):
    """The monthly 包案台账 of ``month`` ("2026-11"): every contract assigned by the end of the month
    and not closed out before it began — its status at the end of the month, the month's progress
    entries, the satisfaction, and remarks (new, closed out, extended, flags, reopened, overdue).
    ``mask``: for a copy that leaves the office, the parties' names are masked wherever they appear
    (信访人/当事人, the case name, the claims, the measures, the month's work: "张*三")."""
    from ..documents.templates.contracts_ledger import ContractsLedger, LedgerLine
    from . import ledger as ledger_service
    from .register import parties_of

    year, mon = parse_month(month)
    key = f"{year}-{mon:02d}"
    start, end = month_start(year, mon), month_end(year, mon)
    names = labels(desk)
    today = desk.today()
    options = ledger_service.ledger_options(desk)
    with desk.read() as session:
        unit = desk.current_unit(session)
        query = (select(LeaderContract, Case).join(Case, Case.id == LeaderContract.case_id)
                 .where(LeaderContract.voided == False, Case.voided == False,  # noqa: E712
                        LeaderContract.assigned_on <= end)
                 .where((LeaderContract.closed_on == None) | (LeaderContract.closed_on >= start)))  # noqa: E711
        if leader:
            query = query.where(LeaderContract.leader_name == leader.strip())
        pairs = sorted(session.exec(query), key=lambda p: (p[0].assigned_on, p[0].number))
        ids = [c.id for c, _ in pairs]
        entries: dict[str, list[ContractProgress]] = {i: [] for i in ids}
        for s in range(0, len(ids), 500):
            for p in session.exec(select(ContractProgress).where(ContractProgress.contract_id.in_(ids[s:s + 500]),
                                                                 ContractProgress.month == key)
                                  .order_by(ContractProgress.entry_on, ContractProgress.created_at)):
                entries[p.contract_id].append(p)
        from ..store.models import Area

        township = session.get(Area, unit.area_id) if unit.area_id else None
    from ..domain.masking import mask_name

    parties = parties_of(desk, [case.id for _c, case in pairs])
    lines: list[LedgerLine] = []
    counts = {"in_hand": 0, "new": 0, "closed": 0, "overdue": 0, "missing": 0}
    by_status: dict[str, int] = {}
    as_of = min(end, today)
    for seq, (c, case) in enumerate(pairs, start=1):
        closed = c.closed_on is not None and c.closed_on <= end and c.status != OPEN_STATUS
        status = status_label(c.status, names) if closed else status_label(OPEN_STATUS, names)
        flags = [label for k, label in FLAG_LABELS.items() if getattr(c, f"flag_{k}")] if not closed else []
        notes = []
        if start <= c.assigned_on <= end:
            notes.append("本月交办")
            counts["new"] += 1
        if closed:
            notes.append(f"{_md(c.closed_on)}销号（审批：{c.close_approver}）")  # type: ignore[arg-type]
            counts["closed"] += 1
            by_status[status] = by_status.get(status, 0) + 1
            if c.withdrawal_agreement:
                notes.append("已签订息访协议")
        if c.extension_count:
            notes.append(f"经{c.extension_approver}批准延期{c.extension_months}个月")
        if c.reopened_count:
            notes.append(f"反弹后重新启动{c.reopened_count}次")
        if not closed and c.deadline_on < as_of:
            notes.append(f"已超期{(as_of - c.deadline_on).days}天")
            counts["overdue"] += 1
        if not entries[c.id] and not closed:
            counts["missing"] += 1
        counts["in_hand"] += 1
        claims = case.claims or _short(case.description, 60)
        own = parties.get(case.id, [])
        hide = _masker(own) if mask else (lambda text: text)
        party_text = _principal_names([{**p, "name": mask_name(p["name"])} for p in own] if mask else own)
        lines.append(LedgerLine(
            seq=seq, case=f"{hide(case.title)}\n{case.number}", parties=party_text,
            claims=_short(hide(claims), 80), leader=c.leader_name + (f"\n（{c.leader_post}）" if c.leader_post else ""),
            unit=c.responsible_unit, persons=c.responsible_persons, measures=_short(hide(measures_of(c.plan)), 110),
            deadline=_dot(c.deadline_on),
            progress=hide(_progress_text(entries[c.id])) or ("本月未报送工作情况" if not closed else ""),
            status=status + ("".join(f"\n【{f}】" for f in flags)),
            satisfaction=satisfaction_label(c.satisfaction, names) if closed else "",
            note="；".join(notes), contract_id=c.id, case_id=case.id, number=c.number,
        ))
    area_label = township.name if township is not None and township.level != "county" else unit.name
    closed_text = "、".join(f"{k}{v}件" for k, v in by_status.items())
    total = (f"本月在册包案{counts['in_hand']}件，其中本月交办{counts['new']}件；本月销号{counts['closed']}件"
             + (f"（{closed_text}）" if closed_text else "")
             + f"；结转下月{counts['in_hand'] - counts['closed']}件，其中超期{counts['overdue']}件；"
             f"本月未报送工作情况{counts['missing']}件。")
    signatures = {"preparer": options["preparer"], "reviewer": options["reviewer"],
                  "head": options["head"] or (unit.head_name or "")}
    return ContractsLedger(
        year=year, month=mon, area_label=area_label, leader=(leader or "").strip(),
        unit_name=unit.name, filler_unit=options["filler_unit"] or unit.name, filled_on=today, lines=lines,
        total_line=total, signatures=signatures, counts=counts, masked=mask,
    )


def export_ledger(desk: Desk, ledger, path: str | Path) -> PrintResult:
    """Write the 包案台账 as PDF, DOCX or XLSX (by the suffix) and register the file."""
    from ..documents.templates.contracts_ledger import ledger_document
    from ..interop.xlsx_contracts import write_contracts_xlsx
    from ..interop.xlsx_ledger import XlsxWriteError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in LEDGER_FORMATS:
        raise ServiceError(f"不支持的台账格式“{suffix or '（无扩展名）'}”：请保存为 .pdf、.docx 或 .xlsx 文件。")
    started = time.perf_counter()
    pages = None
    if suffix == ".xlsx":
        try:
            write_contracts_xlsx(ledger, path)
        except XlsxWriteError as error:
            raise ServiceError(str(error)) from error
    else:
        pages = _write(ledger_document(ledger), path)
    _register_file(desk, case_id=None, doc_type="contracts_ledger", number=ledger.month_key, path=path,
                   masked=bool(getattr(ledger, "masked", False)))
    return PrintResult(path, pages, time.perf_counter() - started)


__all__ = [
    "add_progress", "assign_contract", "build_ledger", "candidate_cases", "CandidateCase", "CHECKLIST",
    "close_contract", "CLOSED_STATUSES", "CloseInput", "closure_problems", "contract_for_case", "contract_history",
    "ContractFilter", "ContractInput", "ContractRow", "default_deadline", "DUE_SOON_DAYS", "export_ledger",
    "extend_contract", "extension_check", "ExtensionCheck", "get_contract", "get_row", "HistoryItem",
    "leader_loads", "LeaderLoad", "letter_view", "list_contracts", "max_deadline", "measures_of", "missing_progress",
    "print_letter", "progress_entries", "ProgressGap", "ProgressInput", "reopen_contract", "set_flags",
    "update_contract", "update_progress", "void_contract",
]
