"""Petitions (信访事项): registration, the statutory clock, the workflow, repeat detection, the
notices and the monthly petition ledger (《信访工作条例》2022, DOMAIN.md §6).

The one API the petitions page, the case editor, the 今日 dashboard and the command line call:

* **clock** — :func:`clock_view` / :func:`petition_clock`: every stage of a petition with its last
  day, who owes it (the unit, or the petitioner's own window), and whether it is still running,
  done, passed or not applicable; :func:`list_petitions` and :func:`petitions_by_next_deadline`
  (the 今日 list) give the same for many petitions, sorted by the next deadline.
* **register** — :func:`register_petition` (group visits: every person, at most 5 elected
  representatives); :func:`find_possible_repeats` looks for the same petitioner back about a
  similar matter (rule below) so the caller can offer to link the new visit to the original.
* **workflow** — :func:`accept`, :func:`refuse`, :func:`assign_out`, :func:`object_misroute`,
  :func:`route_to_legal_channel`, :func:`extend`, :func:`reply`, :func:`request_review`,
  :func:`record_review`, :func:`request_rereview`, :func:`record_hearing` (听证 days, not counted in the re-review
  answer period), :func:`record_rereview`, :func:`close`.
  Each is one transaction, refuses invalid jumps of the status chain (``check_transition``) and
  dates that contradict the record, and leaves a timeline entry and audit rows.
* **prints** — the eight notices are registered in the document catalogue (name → builder +
  :func:`notice_view`), so ``print NOTICE CASE_NUMBER`` and the print preview handle them;
  :func:`notice_choices` says which ones apply to a petition and why not;
  :func:`petition_ledger` / :func:`export_petition_ledger` make the monthly ledger.

Repeat petitions and level-skipping visits are registered (every visit is recorded) but linked to
the original and flagged; neither counts as a new petition in :func:`petition_statistics`.
A repeat of a matter already closed by re-review is refused at once as 不再受理.

No Qt here.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlmodel import Session, select

from ..documents import catalogue as _catalogue
from ..documents.templates import petition_notices
from ..documents.templates.petition_common import PetitionerView, PetitionView
from ..domain import vocabularies as vocab
from ..domain.calendar import WorkCalendar, month_end, month_start, parse_date
from ..domain.deadlines import PETITION_TYPES_WITH_CLOCK, DeadlineRules, petition_deadlines
from ..domain.errors import DomainError
from ..domain.idcard import check_id_number
from ..domain.masking import mask_id_number, mask_name, mask_phone
from ..store import audit
from ..store.models import Area, Case, CaseEvent, CaseParty, Party, Staff, Unit, utcnow
from . import cases as case_service
from . import deadlines as deadline_service
from . import settings as settings_service
from .context import Desk, ServiceError
from .parties import FieldError, PartyInput

__all__ = [
    "STAGE_KEYS", "STAGE_LABELS", "LEGAL_CHANNELS", "ASSIGN_WORDS", "Stage", "ClockView", "PetitionRow",
    "RepeatCandidate", "NoticeChoice", "PetitionStats", "PetitionLedger", "LedgerRow", "LedgerExport",
    "clock_view", "petition_clock", "list_petitions", "petition_listing", "PetitionListing", "PAGE_SIZE", "petitions_by_next_deadline", "register_petition",
    "find_possible_repeats", "matter_similarity", "accept", "refuse", "assign_out", "object_misroute",
    "route_to_legal_channel", "extend", "reply", "request_review", "record_review", "request_rereview",
    "record_rereview", "record_hearing", "close", "notice_view", "notice_choices", "print_notice", "petition_statistics",
    "petition_ledger", "export_petition_ledger", "NOTICE_NAMES",
]

# ------------------------------------------------------------------ vocabulary of this area

#: Stages of the statutory clock, in procedural order (the keys of PetitionClock).
STAGE_KEYS: tuple[str, ...] = (
    "notice_due", "misroute_objection_due", "handling_due", "review_request_due", "review_answer_due",
    "rereview_request_due", "rereview_answer_due",
)
STAGE_LABELS: dict[str, str] = {
    "notice_due": "告知/转送期限（登记后15日）",
    "misroute_objection_due": "转送错误提出异议期限（5个工作日）",
    "handling_due": "办理期限（受理后60日）",
    "review_request_due": "信访人申请复查期限（答复后30日）",
    "review_answer_due": "复查答复期限（30日）",
    "rereview_request_due": "信访人申请复核期限（复查后30日）",
    "rereview_answer_due": "复核答复期限（30日）",
}
SHORT_LABELS: dict[str, str] = {
    "notice_due": "告知/转送", "misroute_objection_due": "转送异议", "handling_due": "办理",
    "review_request_due": "申请复查", "review_answer_due": "复查答复", "rereview_request_due": "申请复核",
    "rereview_answer_due": "复核答复",
}
#: Who each stage belongs to: the unit's own work (late = overdue), the petitioner's window
#: (passes without harm), or the unit's option (the misroute objection: after it, just handle it).
STAGE_OWNERS: dict[str, str] = {
    "notice_due": "unit", "misroute_objection_due": "option", "handling_due": "unit",
    "review_request_due": "petitioner", "review_answer_due": "unit", "rereview_request_due": "petitioner",
    "rereview_answer_due": "unit",
}
#: Legal channels a matter is routed to (导入法定途径) — it then leaves the petition clock.
LEGAL_CHANNELS: dict[str, str] = {
    "court": "诉讼", "arbitration": "仲裁", "admin_review": "行政复议",
}
ASSIGN_WORDS = ("转送", "交办")
STATE_LABELS = {
    "running": "进行中", "done": "已完成", "passed": "已届满", "pending": "未到此环节", "n/a": "不适用",
}
#: Petition statuses in which the matter is still in hand (same as vocab.OPEN_STATUSES).
OPEN = vocab.OPEN_STATUSES["petition"]
#: Notices registered in the document catalogue, in procedural order.
NOTICE_NAMES: tuple[str, ...] = tuple(n.name for n in petition_notices.NOTICES)


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# ================================================================== the clock


@dataclass
class Stage:
    key: str
    label: str
    due_on: date | None
    owner: str  # unit | petitioner | option
    state: str  # running | done | passed | pending | n/a
    done_on: date | None = None
    days_left: int | None = None  # for a running stage

    @property
    def overdue(self) -> bool:
        return self.state == "running" and self.owner == "unit" and self.days_left is not None and self.days_left < 0

    @property
    def short_label(self) -> str:
        return SHORT_LABELS[self.key]

    def when_text(self) -> str:
        """"还剩3天" / "今天到期" / "超期2天" / "已完成（2026-11-03）" / "已届满" / "不适用"."""
        if self.state == "running" and self.days_left is not None:
            if self.days_left < 0:
                return f"超期{-self.days_left}天" if self.owner == "unit" else "已届满"
            if self.days_left == 0:
                return "今天到期"
            return f"还剩{self.days_left}天"
        if self.state == "done" and self.done_on:
            return f"已完成（{self.done_on.isoformat()}）"
        return STATE_LABELS[self.state]

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "due_on": self.due_on, "owner": self.owner, "state": self.state,
                "done_on": self.done_on, "days_left": self.days_left, "overdue": self.overdue}


@dataclass
class ClockView:
    stages: list[Stage]
    end_state: str = ""  # e.g. 复核终结：同一事实和理由不再受理
    extension_days: int = 0
    extension_cap: int = 30
    can_extend: bool = False
    runs_handling_clock: bool = True  # False for 建议意见类 / 检举控告类
    error: str = ""  # dates recorded that contradict each other
    hearing_days: int = 0  # 复核听证 days, not counted in the re-review answer period

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)

    @property
    def running(self) -> list[Stage]:
        return [s for s in self.stages if s.state == "running" and s.due_on is not None]

    @property
    def next(self) -> Stage | None:
        """The running stage that falls due first (the unit's work before the petitioner's windows
        on the same day)."""
        running = self.running
        if not running:
            return None
        return min(running, key=lambda s: (s.due_on, s.owner != "unit"))

    @property
    def overdue(self) -> bool:
        return any(s.overdue for s in self.stages)

    def dates(self) -> dict[str, date | None]:
        return {s.key: s.due_on for s in self.stages}


def _is_no_longer(case: Case, original_rereviewed: bool) -> bool:
    return bool(case.is_repeat and original_rereviewed and case.accepted_on is None
                and case.status in ("not_accepted", "closed", "archived"))


def clock_view(case: Any, rules: DeadlineRules, calendar: WorkCalendar, today: date, *,
               original_rereviewed: bool = False) -> ClockView:
    """The stages of one petition (a Case or anything with the same fields) on ``today``."""
    status = case.status
    error = ""
    try:
        pc = petition_deadlines(case.received_on, case.accepted_on, case.extension_days or 0, case.replied_on,
                                case.review_requested_on, case.reviewed_on, case.rereview_requested_on,
                                calendar=calendar, rules=rules, petition_type=case.petition_type or None,
                                hearing_days=_hearing(case))
        dates = {k: getattr(pc, k) for k in STAGE_KEYS}
    except DomainError as exc:
        error = str(exc)
        dates = {k: None for k in STAGE_KEYS}
    runs_clock = not case.petition_type or case.petition_type in PETITION_TYPES_WITH_CLOCK
    accepted_path = case.accepted_on is not None
    left_clock = status in ("not_accepted", "assigned_out", "legal_channel")
    finished = status in ("closed", "archived")

    def stage(key: str, state: str, done_on: date | None = None) -> Stage:
        due = dates[key]
        left = (due - today).days if (due is not None and state == "running") else None
        if state == "running" and due is not None and left is not None and left < 0 and STAGE_OWNERS[key] != "unit":
            state = "passed"  # a window that belongs to the petitioner (or an option) has simply passed
            left = None
        return Stage(key, STAGE_LABELS[key], due, STAGE_OWNERS[key], state, done_on, left)

    stages: list[Stage] = []
    # 1. notice within 15 days
    if status == "registered":
        stages.append(stage("notice_due", "running"))
    else:
        stages.append(stage("notice_due", "done", case.notice_on or case.accepted_on))
    # 2. misroute objection: only for a petition transferred/assigned to this unit
    if case.received_from:
        if status == "registered":
            stages.append(stage("misroute_objection_due", "running"))
        else:
            sent_back = bool(case.assigned_to) and case.assigned_to == case.received_from and not accepted_path
            stages.append(stage("misroute_objection_due", "done" if sent_back else "passed"))
    else:
        stages.append(Stage("misroute_objection_due", STAGE_LABELS["misroute_objection_due"], None, "option", "n/a"))
    # 3. handling within 60 (+30) days
    if not runs_clock:
        stages.append(Stage("handling_due", STAGE_LABELS["handling_due"], None, "unit", "n/a"))
    elif status == "accepted":
        stages.append(stage("handling_due", "running"))
    elif case.replied_on:
        stages.append(stage("handling_due", "done", case.replied_on))
    elif accepted_path and (left_clock or finished):
        stages.append(stage("handling_due", "done"))
    elif left_clock or finished:
        stages.append(Stage("handling_due", STAGE_LABELS["handling_due"], None, "unit", "n/a"))
    else:
        stages.append(stage("handling_due", "pending"))
    # 4-7. review and re-review
    seq = [("review_request_due", "replied", case.review_requested_on),
           ("review_answer_due", "review_requested", case.reviewed_on),
           ("rereview_request_due", "reviewed", case.rereview_requested_on),
           ("rereview_answer_due", "rereview_requested", case.rereviewed_on)]
    for key, running_status, done_on in seq:
        if not runs_clock and not case.replied_on:
            # 复查/复核 follow a 处理意见书, which 申诉求决类 petitions get (建议意见类 and
            # 检举控告类 are answered in their own way)
            stages.append(Stage(key, STAGE_LABELS[key], None, STAGE_OWNERS[key], "n/a"))
            continue
        if status == running_status:
            stages.append(stage(key, "running"))
        elif done_on is not None:
            stages.append(stage(key, "done", done_on))
        elif dates[key] is not None:
            stages.append(stage(key, "passed"))  # e.g. closed after the reply: the window went unused
        elif left_clock or (finished and not case.replied_on):
            stages.append(Stage(key, STAGE_LABELS[key], None, STAGE_OWNERS[key], "n/a"))
        else:
            stages.append(stage(key, "pending"))

    end = ""
    if case.rereviewed_on or status == "rereviewed":
        end = "复核终结：信访人仍以同一事实和理由提出的，不再受理"
    elif _is_no_longer(case, original_rereviewed):
        end = "不再受理（原信访事项已复核终结）"
    elif status == "legal_channel" or (finished and case.legal_channel):
        end = f"已导入法定途径（{LEGAL_CHANNELS.get(case.legal_channel, case.legal_channel or '法定途径')}），不再计算信访期限"
    elif status == "not_accepted":
        end = "不予受理"
    elif status == "assigned_out":
        end = f"已转送/交办{case.assigned_to or '有权处理的机关'}"
    elif finished:
        end = "已办结" if status == "closed" else "已归档"
    cap = rules.petition_extension_max_days
    can_extend = (status == "accepted" and runs_clock and not (case.extension_days or 0)
                  and dates["handling_due"] is not None and today <= dates["handling_due"])
    return ClockView(stages=stages, end_state=end, extension_days=case.extension_days or 0, extension_cap=cap,
                     can_extend=can_extend, runs_handling_clock=runs_clock, error=error,
                     hearing_days=_hearing(case))


def _hearing(case: Any) -> int:
    """Days of re-review hearing recorded on the petition (not counted in the answer period)."""
    return int(getattr(case, "rereview_hearing_days", 0) or 0)


def _rules(desk: Desk) -> tuple[DeadlineRules, WorkCalendar]:
    return deadline_service.rules_and_calendar(desk)


def _family(session: Session, case: Case) -> list[Case]:
    """The original of the case's matter and every repeat petition linked to it."""
    root = _root(session, case)
    linked = list(session.exec(select(Case).where(Case.original_case_id == root.id, Case.voided == False)))  # noqa: E712
    return [root] + [c for c in linked if c.id != root.id]


def _rereviewed_node(session: Session, case: Case, *, include_self: bool = False) -> Case | None:
    """The petition of the same matter (its original or another repeat of it) that was closed by
    re-review — the earliest one; None when the matter never was."""
    done = [c for c in _family(session, case) if (include_self or c.id != case.id) and not c.voided
            and (c.rereviewed_on is not None or c.status == "rereviewed")]
    if not done:
        return None
    return min(done, key=lambda c: (c.rereviewed_on or date.max, c.received_on))


def _original_rereviewed(session: Session, case: Case) -> bool:
    return _rereviewed_node(session, case) is not None


def _chain_rereviewed(session: Session, case: Case) -> bool:
    """Whether the matter of ``case`` (itself included) was closed by re-review."""
    return _rereviewed_node(session, case, include_self=True) is not None


def _root(session: Session, case: Case) -> Case:
    """The original of a chain of repeat petitions (the case itself when it is not a repeat)."""
    seen = {case.id}
    node = case
    while node.original_case_id and node.original_case_id not in seen:
        parent = session.get(Case, node.original_case_id)
        if parent is None:
            break
        seen.add(parent.id)
        node = parent
    return node


def petition_clock(desk: Desk, case_id: str) -> ClockView:
    """The clock of one petition as it stands today."""
    rules, calendar = _rules(desk)
    with desk.read() as session:
        case = _get_petition(session, case_id)
        rr = _original_rereviewed(session, case) if case.is_repeat else False
    return clock_view(case, rules, calendar, desk.today(), original_rereviewed=rr)


# ================================================================== lists


@dataclass
class PetitionRow:
    case_id: str
    number: str
    title: str
    status: str
    status_label: str
    petition_type: str
    petition_type_label: str
    channel: str
    channel_label: str
    received_on: date
    petitioners: str  # names, representatives marked ★ first
    representatives: str
    people_involved: int
    area_name: str
    handler_name: str
    received_from: str
    is_group: bool
    is_repeat: bool
    is_level_skipping: bool
    original_number: str
    legal_channel: str
    clock: ClockView
    today: date

    @property
    def next(self) -> Stage | None:
        return self.clock.next

    @property
    def next_due(self) -> date | None:
        n = self.clock.next
        return n.due_on if n else None

    @property
    def overdue(self) -> bool:
        return self.clock.overdue

    @property
    def flags(self) -> str:
        words = []
        if self.is_group:
            words.append("集体访")
        if self.is_repeat:
            words.append("重复信访")
        if self.is_level_skipping:
            words.append("越级访")
        return "、".join(words)

    def as_json(self) -> dict[str, Any]:
        n = self.next
        return {
            "number": self.number, "title": self.title, "status": self.status, "status_label": self.status_label,
            "petition_type": self.petition_type, "petition_type_label": self.petition_type_label,
            "channel": self.channel, "channel_label": self.channel_label, "received_on": self.received_on,
            "received_from": self.received_from, "petitioners": self.petitioners,
            "representatives": self.representatives, "people_involved": self.people_involved,
            "area": self.area_name, "handler": self.handler_name, "is_group": self.is_group,
            "is_repeat": self.is_repeat, "is_level_skipping": self.is_level_skipping,
            "original_number": self.original_number or None, "legal_channel": self.legal_channel or None,
            "next_deadline": None if n is None else {"stage": n.key, "label": n.label, "due_on": n.due_on,
                                                     "days_left": n.days_left, "overdue": n.overdue},
            "overdue": self.overdue, "end_state": self.clock.end_state or None,
            "extension_days": self.clock.extension_days,
            "rereview_hearing_days": self.clock.hearing_days,
            "stages": {s.key: s.as_json() for s in self.clock.stages},
        }


def _village_names(session: Session) -> dict[str, str]:
    """area id → the village it belongs to (groups and grids report their village)."""
    areas = {a.id: a for a in session.exec(select(Area))}
    out = {}
    for a in areas.values():
        if a.level in ("group", "grid") and a.parent_id in areas:
            out[a.id] = areas[a.parent_id].name
        else:
            out[a.id] = a.name
    return out


def _names_by_case(session: Session, case_ids: Sequence[str]) -> dict[str, tuple[list[str], list[str]]]:
    """case id → (petitioner names with the representatives first, representative names)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for start in range(0, len(case_ids), 500):
        chunk = list(case_ids[start:start + 500])
        rows = session.exec(select(CaseParty.case_id, CaseParty.role, CaseParty.is_representative, Party.name)
                            .join(Party, Party.id == CaseParty.party_id)
                            .where(CaseParty.case_id.in_(chunk),
                                   CaseParty.role.in_(["petitioner", "representative"]))
                            .order_by(CaseParty.sort)).all()
        for case_id, role, is_rep, name in rows:
            names, reps = out.setdefault(case_id, ([], []))
            if is_rep or role == "representative":
                reps.append(name)
            names.append(name)
    for cid, (names, reps) in out.items():
        ordered = reps + [n for n in names if n not in reps]
        out[cid] = (list(dict.fromkeys(ordered)), list(dict.fromkeys(reps)))
    return out


class _RereviewIndex:
    """Which matters were closed by re-review, for many petitions at once: one light query for
    the petitions re-reviewed (few), then the links of the petitions asked about, by primary key
    — no pass over every petition."""

    def __init__(self, session: Session) -> None:
        from sqlalchemy import or_

        self.session = session
        self.parent: dict[str, str | None] = {}
        self.number: dict[str, str] = {}
        self._absent: set[str] = set()  # not a (non-voided) petition
        rows = session.exec(select(Case.id, Case.original_case_id, Case.number).where(
            Case.kind == "petition", Case.voided == False,  # noqa: E712
            or_(Case.rereviewed_on != None, Case.status == "rereviewed"))).all()  # noqa: E711
        for cid, orig, number in rows:
            self.parent[cid], self.number[cid] = orig, number
        self.load_chains(orig for _c, orig, _n in rows)
        self.done: dict[str, set[str]] = {}
        for cid, _orig, _n in rows:
            self.done.setdefault(self.root(cid), set()).add(cid)

    def load(self, case_ids: Iterable[str | None]) -> None:
        """Read the links of these petitions (those not read yet)."""
        missing = [c for c in dict.fromkeys(case_ids) if c and c not in self.parent and c not in self._absent]
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            # by primary key only (a condition on kind would make SQLite scan its kind index)
            for cid, orig, number, kind, voided in self.session.exec(select(
                    Case.id, Case.original_case_id, Case.number, Case.kind, Case.voided).where(Case.id.in_(chunk))):
                if kind == "petition" and not voided:
                    self.parent[cid], self.number[cid] = orig, number
            self._absent.update(c for c in chunk if c not in self.parent)

    def load_chains(self, case_ids: Iterable[str | None]) -> None:
        """Read these petitions and their originals up the chain (a few queries, by level)."""
        wanted = list(case_ids)
        for _level in range(20):
            self.load(wanted)
            wanted = [self.parent.get(c) for c in wanted if c in self.parent]
            wanted = [c for c in wanted if c and c not in self.parent and c not in self._absent]
            if not wanted:
                break

    def known(self, case_id: str) -> bool:
        self.load([case_id])
        return case_id in self.parent

    def root(self, case_id: str) -> str:
        seen = {case_id}
        node = case_id
        while self.known(node) and self.parent[node] and self.parent[node] not in seen and self.known(self.parent[node]):
            node = self.parent[node]  # type: ignore[assignment]
            seen.add(node)
        return node

    def others_rereviewed(self, case_id: str) -> bool:
        return bool(self.done.get(self.root(case_id), set()) - {case_id})


def _rows(desk: Desk, session: Session, cases: list[Case], rules, calendar, today, labels) -> list[PetitionRow]:
    villages = _village_names(session)
    staff = {s.id: s.name for s in session.exec(select(Staff))}
    names = _names_by_case(session, [c.id for c in cases])
    index = _RereviewIndex(session) if any(c.is_repeat for c in cases) else None
    if index is not None:
        index.load_chains([c.id for c in cases] + [c.original_case_id for c in cases])
    rows = []
    for c in cases:
        rr = False
        original_number = ""
        if c.original_case_id:
            if index is not None:
                original_number = index.number.get(c.original_case_id, "")
                rr = index.others_rereviewed(c.id) if c.is_repeat else False
            else:
                o = session.get(Case, c.original_case_id)
                original_number = o.number if o is not None else ""
        people, reps = names.get(c.id, ([], []))
        rows.append(PetitionRow(
            case_id=c.id, number=c.number, title=c.title, status=c.status,
            status_label=vocab.status_label("petition", c.status),
            petition_type=c.petition_type or "", petition_type_label=_label(labels, "petition_type", c.petition_type),
            channel=c.channel or "", channel_label=_label(labels, "petition_channel", c.channel),
            received_on=c.received_on, petitioners="、".join(people), representatives="、".join(reps),
            people_involved=max(c.people_involved or 0, len(people)), area_name=villages.get(c.area_id or "", ""),
            handler_name=staff.get(c.mediator_id or "", ""), received_from=c.received_from or "",
            is_group=bool(c.is_group), is_repeat=bool(c.is_repeat), is_level_skipping=bool(c.is_level_skipping),
            original_number=original_number, legal_channel=c.legal_channel or "",
            clock=clock_view(c, rules, calendar, today, original_rereviewed=rr), today=today,
        ))
    return rows


def _label(labels: dict[str, dict[str, str]], vocabulary: str, code: str | None) -> str:
    if not code:
        return ""
    return labels.get(vocabulary, {}).get(code) or vocab.label(vocabulary, code)


def _labels(desk: Desk) -> dict[str, dict[str, str]]:
    from . import vocab as vocab_service

    return vocab_service.all_labels(desk)


#: Statuses in which a stage of the clock can be running (see :func:`clock_view`): only these
#: petitions need their clock worked out to be put in order; any other one has no next deadline
#: and goes after them, newest first.
_MAY_RUN = frozenset({"registered", "accepted", "replied", "review_requested", "reviewed", "rereview_requested"})
#: The columns :func:`clock_view` reads (a light row instead of a whole Case, for ordering).
_CLOCK_COLUMNS = (
    Case.id, Case.number, Case.status, Case.received_on, Case.accepted_on, Case.notice_on, Case.extension_days,
    Case.replied_on, Case.review_requested_on, Case.reviewed_on, Case.rereview_requested_on, Case.rereviewed_on,
    Case.rereview_hearing_days, Case.petition_type, Case.received_from, Case.assigned_to, Case.legal_channel,
    Case.is_repeat, Case.original_case_id,
)
#: Rows built per page by the list on the 信访 page.
PAGE_SIZE = 200


@dataclass
class PetitionListing:
    """A list of petitions in its order (next deadline first — overdue, then the nearest; those
    with no running stage last, newest first) with its counts; the rows themselves are built a
    page at a time by :meth:`fetch`, so 25,000 petitions open as fast as 200."""

    desk: Desk
    ids: list[str]
    overdue: int
    context: tuple[Any, Any, date, dict[str, dict[str, str]]]  # rules, calendar, today, labels

    @property
    def total(self) -> int:
        return len(self.ids)

    def index_of(self, case_id: str) -> int:
        try:
            return self.ids.index(case_id)
        except ValueError:
            return -1

    def fetch(self, start: int = 0, count: int | None = PAGE_SIZE) -> list[PetitionRow]:
        """Rows ``start`` … ``start + count - 1`` of the list (all the rest when ``count`` is None);
        a petition deleted or voided since the list was made is left out."""
        ids = self.ids[start:] if count is None else self.ids[start:start + count]
        if not ids:
            return []
        rules, calendar, today, labels = self.context
        with self.desk.read() as session:
            found: dict[str, Case] = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                found.update((c.id, c) for c in session.exec(select(Case).where(Case.id.in_(chunk))) if not c.voided)
            cases = [found[cid] for cid in ids if cid in found]
            return _rows(self.desk, session, cases, rules, calendar, today, labels)


def _text_clause(text: str):
    """SQL for the search box: the text in the number, title, claims, description or a
    petitioner's (representative's) name; ASCII brackets also match the full-width ones."""
    from sqlalchemy import func, or_

    conds = []
    for t in dict.fromkeys([text, text.replace("(", "（").replace(")", "）")]):
        named = (select(CaseParty.id).join(Party, Party.id == CaseParty.party_id)
                 .where(CaseParty.case_id == Case.id, CaseParty.role.in_(["petitioner", "representative"]),
                        func.instr(Party.name, t) > 0))
        conds += [func.instr(Case.number, t) > 0, func.instr(Case.title, t) > 0,
                  func.instr(func.coalesce(Case.claims, ""), t) > 0,
                  func.instr(func.coalesce(Case.description, ""), t) > 0, named.exists()]
    return or_(*conds)


def petition_listing(desk: Desk, *, due_within: int | None = None, include_closed: bool = False,
                     statuses: Iterable[str] | None = None, text: str = "", month: str | None = None,
                     overdue_only: bool = False) -> PetitionListing:
    """The order and counts of a list of petitions (not voided), without building its rows.

    The filters are SQL; only petitions in a status where a stage can be running get their clock
    worked out (from a few columns), the others are ordered by the day received. Filters as
    :func:`list_petitions`; ``overdue_only`` keeps those with a stage of the unit past its day."""
    if due_within is not None and due_within < 0:
        raise ServiceError("天数不能为负数。")
    rules, calendar = _rules(desk)
    labels = _labels(desk)
    today = desk.today()
    conds = [Case.kind == "petition", Case.voided == False]  # noqa: E712
    wanted = set(statuses or ())
    if wanted:
        conds.append(Case.status.in_(sorted(wanted)))
    elif not include_closed:
        conds.append(Case.status.in_(sorted(OPEN)))
    if month:
        start, end = _month_range(month)
        conds += [Case.received_on >= start, Case.received_on <= end]
    if text and text.strip():
        conds.append(_text_clause(text.strip()))
    with_tail = due_within is None and not overdue_only
    with desk.read() as session:
        head = session.exec(select(*_CLOCK_COLUMNS).where(*conds, Case.status.in_(sorted(_MAY_RUN)))).all()
        tail = [(1, 0, -r[1].toordinal(), r[2], r[0]) for r in session.exec(
            select(Case.id, Case.received_on, Case.number).where(*conds, Case.status.not_in(sorted(_MAY_RUN))))
        ] if with_tail else []
    limit_day = today + timedelta(days=due_within) if due_within is not None else None
    keyed = []
    overdue = 0
    for c in head:
        clock = clock_view(c, rules, calendar, today)
        n = clock.next
        if overdue_only and not clock.overdue:
            continue
        if limit_day is not None and (n is None or n.due_on > limit_day):
            continue
        overdue += clock.overdue
        if n is None:
            tail.append((1, 0, -c.received_on.toordinal(), c.number, c.id))
        else:
            keyed.append((0, n.due_on.toordinal(), 0 if n.owner == "unit" else 1, c.number, c.id))
    keyed.sort()
    tail.sort()
    return PetitionListing(desk=desk, ids=[k[-1] for k in keyed] + [k[-1] for k in tail], overdue=overdue,
                           context=(rules, calendar, today, labels))


def list_petitions(desk: Desk, *, due_within: int | None = None, include_closed: bool = False,
                   statuses: Iterable[str] | None = None, text: str = "", month: str | None = None,
                   limit: int | None = None) -> list[PetitionRow]:
    """Petitions (not voided) with their clocks, sorted by the next deadline (overdue first, then
    the nearest; petitions with no running stage last, newest first).

    ``due_within=N`` keeps the petitions whose next deadline falls on or before today + N days
    (overdue ones included — they are the most urgent); ``include_closed`` adds closed and
    archived ones (by default only those still in hand); ``statuses`` limits to those statuses;
    ``text`` matches number, title, claims, description or a petitioner's name; ``month``
    ("2026-11") the month received. (:func:`petition_listing` gives the same list a page at a
    time.)"""
    listing = petition_listing(desk, due_within=due_within, include_closed=include_closed, statuses=statuses,
                               text=text, month=month)
    return listing.fetch(0, limit)


def _sort_key(r: PetitionRow):
    n = r.next
    if n is None:
        return (1, 0, -r.received_on.toordinal(), r.number)
    return (0, n.due_on.toordinal(), 0 if n.owner == "unit" else 1, r.number)


def petitions_by_next_deadline(desk: Desk, within_days: int | None = None, limit: int | None = None) -> list[PetitionRow]:
    """For the 今日 dashboard: petitions still in hand that have a running stage, by their next
    deadline — overdue first, then the nearest. ``within_days`` keeps those due within that many
    days (overdue included); ``limit`` cuts the list."""
    rows = [r for r in list_petitions(desk, due_within=within_days) if r.next is not None]
    return rows[:limit] if limit is not None else rows


def _month_range(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(p) for p in str(month).strip().split("-"))
        return month_start(year, mon), month_end(year, mon)
    except (ValueError, TypeError) as error:
        raise ServiceError(f"月份“{month}”格式不正确，应为 2026-11 这样的格式。") from error


# ================================================================== registering


def _get_petition(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise ServiceError("信访事项不存在。")
    if case.kind != "petition":
        raise ServiceError(f"{case.number} 是矛盾纠纷，不是信访事项。")
    return case


def register_petition(desk: Desk, fields: dict[str, Any], petitioners: Iterable[PartyInput], *,
                      repeat_of: str | None = None, level_skipping: bool = False) -> Case:
    """Register a petition with its petitioner(s).

    ``fields``: title (事由, required), petition_type and channel (required), received_on,
    received_from, claims, description, area_id, mediator_id (承办人), people_involved … (the
    editable Case fields). ``petitioners``: everyone who came (role ``petitioner``); a group visit
    (走访 by ``group_min_people`` or more) must elect 1–5 representatives (``is_representative``).
    ``repeat_of``: link to an earlier petition (the chain's original is used) and flag it 重复信访;
    when that matter was already closed by re-review, the new petition is refused at once as
    不再受理 (two transactions: the registration, then the refusal). ``level_skipping`` flags 越级访.
    """
    data = dict(fields)
    people = [p for p in petitioners]
    rules, _calendar = _rules(desk)
    if not (data.get("petition_type") or "").strip():
        raise FieldError("petition_type", "请选择信访类型（建议意见类、检举控告类或申诉求决类）。")
    if not (data.get("channel") or "").strip():
        raise FieldError("channel", "请选择信访形式（来信、来访、网上或电话）。")
    if not people:
        raise FieldError("petitioners", "请至少登记一名信访人。")
    for p in people:
        if p.role not in ("petitioner", "representative", "agent", "third_party"):
            raise FieldError("role", f"信访事项的当事人身份应为信访人（或代理人），不能是“{vocab.label('party_role', p.role)}”。")
    petitioner_count = sum(1 for p in people if p.role in ("petitioner", "representative"))
    if petitioner_count == 0:
        raise FieldError("petitioners", "请至少登记一名信访人。")
    reps = sum(1 for p in people if p.is_representative or p.role == "representative")
    if reps > rules.petition_max_representatives:
        raise FieldError("is_representative", f"多人走访推选的代表不得超过{rules.petition_max_representatives}人，"
                                              f"现在选了{reps}人。")
    try:
        people_involved = int(data.get("people_involved") or 0)
    except (TypeError, ValueError) as error:
        raise FieldError("people_involved", "涉及人数应为整数。") from error
    people_involved = max(people_involved, petitioner_count)
    if data.get("channel") == "visit" and people_involved >= rules.group_min_people and reps == 0:
        raise FieldError("is_representative", f"{people_involved}人走访反映共同的信访事项，应当推选代表"
                                              f"（不超过{rules.petition_max_representatives}人），请勾选代表。")
    data["people_involved"] = people_involved
    data["representatives_count"] = reps
    data["is_level_skipping"] = bool(level_skipping or data.get("is_level_skipping"))
    no_longer = False
    if repeat_of:
        with desk.read() as session:
            original = _get_petition(session, repeat_of)
            if original.voided:
                raise ServiceError(f"原信访事项 {original.number} 已作废，不能关联。")
            root = _root(session, original)
            no_longer = _chain_rereviewed(session, original)
        data["is_repeat"] = True
        data["original_case_id"] = root.id
    case = case_service.register_case(desk, "petition", data, people)
    if no_longer:
        case = refuse(desk, case.id, "该信访事项已经复核终结，信访人仍以同一事实和理由提出投诉请求",
                      on=case.received_on)
    return case


# ------------------------------------------------------------------ repeat detection

_FILLER = re.compile(r"反映|问题|要求|请求|诉求|信访|关于|有关|事项|情况|的|了|和|与|及|等|人")
_NOT_TEXT = re.compile(r"[^\w]|_", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")

#: Two matters are "similar" when the Dice coefficient of their character bigrams reaches this.
SIMILARITY_THRESHOLD = 0.3


def _bigrams(text: str, drop: Sequence[str] = ()) -> set[str]:
    s = text or ""
    for word in drop:
        if word:
            s = s.replace(word, "")
    s = _DIGITS.sub("#", s)
    s = _NOT_TEXT.sub("", s)
    s = _FILLER.sub("", s)
    if len(s) == 1:
        return {s}
    return {s[i:i + 2] for i in range(len(s) - 1)}


def matter_similarity(a: str, b: str, drop: Sequence[str] = ()) -> float:
    """How alike two matters are, 0…1: the Dice coefficient of their character bigrams
    (2·|A∩B| / (|A|+|B|)) after dropping punctuation, filler words (反映、问题、要求、信访 …),
    the petitioners' own names (``drop``) and turning numbers into one token (amounts change
    between visits)."""
    x, y = _bigrams(a, drop), _bigrams(b, drop)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


@dataclass
class RepeatCandidate:
    """An earlier petition the new one may repeat; link to ``original_id`` (the chain's start)."""

    case_id: str  # the earlier petition that matched best
    number: str
    title: str
    received_on: date
    status: str
    status_label: str
    matched_by: str  # 身份证号相同 | 姓名和村相同
    person: str
    similarity: float
    original_id: str
    original_number: str
    original_title: str
    no_longer_accepted: bool  # the matter was closed by re-review: 不再受理

    @property
    def reason(self) -> str:
        s = f"{self.matched_by}（{self.person}），事由相似度 {self.similarity:.0%}"
        if self.no_longer_accepted:
            s += "；原事项已复核终结，同一事实和理由不再受理"
        return s


def _village_of(session: Session, area_id: str | None) -> str | None:
    if not area_id:
        return None
    area = session.get(Area, area_id)
    if area is None:
        return None
    if area.level in ("group", "grid") and area.parent_id:
        return area.parent_id
    return area.id


def find_possible_repeats(desk: Desk, party_fields: dict[str, Any] | Sequence[dict[str, Any]], matter_text: str, *,
                          exclude_case_id: str | None = None, threshold: float = SIMILARITY_THRESHOLD,
                          limit: int = 10) -> list[RepeatCandidate]:
    """Earlier petitions that the new one may repeat (重复信访), best first.

    The rule (both must hold):

    1. **same person** — a petitioner (or representative) of the earlier petition has the same
       ID number (a valid one, normalised; legacy 15-digit numbers included), or, when no ID
       number matches, the same name *and* the same village: the village of the earlier
       petition or of the person, compared with ``area_id`` (a group/grid counts as its village)
       or a village name (``village``) or a village name found in ``address``;
    2. **similar matter** — :func:`matter_similarity` of ``matter_text`` with the earlier
       petition's title, claims or title+claims reaches ``threshold`` (default 0.3).

    ``party_fields``: one person's fields (name, id_number, area_id, village, address) or a list
    of them (a group: any person may match). Voided petitions and ``exclude_case_id`` are left
    out. Candidates of one chain are reported once, with the chain's original to link to.
    """
    people = [party_fields] if isinstance(party_fields, dict) else list(party_fields)
    if not (matter_text or "").strip():
        return []
    with desk.read() as session:
        villages_by_name: dict[str, list[str]] = {}
        for a in session.exec(select(Area).where(Area.level == "village")):
            villages_by_name.setdefault(a.name, []).append(a.id)
        found: dict[str, tuple[str, str]] = {}  # case id → (matched_by, person)
        drop_names: list[str] = []
        for person in people:
            name = (person.get("name") or "").strip()
            if name:
                drop_names.append(name)
            raw_id = (person.get("id_number") or "").strip()
            id_match = False
            if raw_id:
                check = check_id_number(raw_id)
                number = check.normalized if check.valid else raw_id.upper()
                party_ids = [p.id for p in session.exec(select(Party).where(Party.id_number == number))]
                for cid in _petition_case_ids(session, party_ids):
                    found.setdefault(cid, ("身份证号相同", name or number))
                    id_match = True
            if id_match or not name:
                continue
            wanted_villages: set[str] = set()
            v = _village_of(session, person.get("area_id"))
            if v:
                wanted_villages.add(v)
            if person.get("village"):
                wanted_villages.update(villages_by_name.get(person["village"].strip(), []))
            address = person.get("address") or ""
            for vname, ids in villages_by_name.items():
                if vname and vname in address:
                    wanted_villages.update(ids)
            if not wanted_villages:
                continue
            parties = list(session.exec(select(Party).where(Party.name == name)))
            for party in parties:
                party_villages = {_village_of(session, party.area_id)} if party.area_id else set()
                party_villages |= {vid for vname, ids in villages_by_name.items() if vname and vname in (party.address or "")
                                   for vid in ids}
                for cid in _petition_case_ids(session, [party.id]):
                    case = session.get(Case, cid)
                    case_village = _village_of(session, case.area_id) if case is not None else None
                    if wanted_villages & (party_villages | {case_village}):
                        found.setdefault(cid, ("姓名和村相同", name))
        best: dict[str, RepeatCandidate] = {}
        for cid, (matched_by, who) in found.items():
            if cid == exclude_case_id:
                continue
            case = session.get(Case, cid)
            if case is None or case.voided or case.kind != "petition":
                continue
            score = max(matter_similarity(matter_text, case.title, drop_names),
                        matter_similarity(matter_text, case.claims or "", drop_names),
                        matter_similarity(matter_text, f"{case.title}{case.claims or ''}", drop_names))
            if score < threshold:
                continue
            root = _root(session, case)
            cand = RepeatCandidate(
                case_id=case.id, number=case.number, title=case.title, received_on=case.received_on,
                status=case.status, status_label=vocab.status_label("petition", case.status), matched_by=matched_by,
                person=who, similarity=round(score, 3), original_id=root.id, original_number=root.number,
                original_title=root.title, no_longer_accepted=_chain_rereviewed(session, case),
            )
            prev = best.get(root.id)
            if prev is None or (cand.matched_by == "身份证号相同", cand.similarity) > (
                    prev.matched_by == "身份证号相同", prev.similarity):
                best[root.id] = cand
    out = sorted(best.values(), key=lambda c: (c.matched_by != "身份证号相同", -c.similarity, -c.received_on.toordinal()))
    return out[:limit]


def _petition_case_ids(session: Session, party_ids: Sequence[str]) -> list[str]:
    if not party_ids:
        return []
    rows = session.exec(select(CaseParty.case_id).join(Case, Case.id == CaseParty.case_id)
                        .where(CaseParty.party_id.in_(list(party_ids)), Case.kind == "petition",
                               Case.voided == False,  # noqa: E712
                               CaseParty.role.in_(["petitioner", "representative"]))).all()
    return list(dict.fromkeys(rows))


# ================================================================== the workflow


def _on(desk: Desk, on: date | str | None, what: str = "日期") -> date:
    return parse_date(on, what=what) if on else desk.today()


def _check_on(desk: Desk, case: Case, on: date, *, after: date | None = None, after_what: str = "") -> None:
    if on > desk.today():
        raise FieldError("on", "日期不能晚于今天。")
    if on < case.received_on:
        raise FieldError("on", f"日期不能早于收到（登记）日期 {case.received_on.isoformat()}。")
    if after is not None and on < after:
        raise FieldError("on", f"日期不能早于{after_what} {after.isoformat()}。")


class _Edit:
    """One workflow step on one petition inside one transaction (audit before → after)."""

    def __init__(self, desk: Desk, session: Session, case_id: str) -> None:
        self.desk, self.session = desk, session
        self.case = _get_petition(session, case_id)
        if self.case.voided:
            raise ServiceError(f"信访事项 {self.case.number} 已作废，不能再办理。")
        self.before = audit.snapshot(self.case)

    def move(self, to_status: str, on: date, note: str = "") -> None:
        case = self.case
        try:
            vocab.check_transition("petition", case.status, to_status)
        except DomainError as error:
            raise ServiceError(str(error)) from error
        old = case.status
        case_service._apply_status_dates(case, to_status, on)
        case.status = to_status
        text = f"{vocab.status_label('petition', old)} → {vocab.status_label('petition', to_status)}"
        case_service._add_event(self.desk, self.session, case, "status_change", on, content=text, result=note)

    def event(self, kind: str, on: date, **fields) -> None:
        case_service._add_event(self.desk, self.session, self.case, kind, on, **fields)

    def finish(self) -> Case:
        case = self.case
        case_service._recompute_due(self.session, case)
        case.version += 1
        case.updated_at = utcnow()
        self.session.add(case)
        self.desk.audit(self.session, "update", case, self.before)
        self.session.flush()
        return case


def _clock_now(desk: Desk, session: Session, case: Case) -> ClockView:
    rules = settings_service.deadline_rules(session)
    calendar = settings_service.work_calendar(session)
    return clock_view(case, rules, calendar, desk.today())


def accept(desk: Desk, case_id: str, on: date | str | None = None, *, notice_on: date | str | None = None,
           handler_id: str | None = None) -> Case:
    """受理: registered → accepted; the 60-day clock (申诉求决类) starts the next day.
    ``notice_on``: when the 受理告知书 was given (default: the day of acceptance)."""
    day = _on(desk, on, "受理日期")
    notice = _on(desk, notice_on, "告知日期") if notice_on else day
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day)
        _check_on(desk, e.case, notice, after=day, after_what="受理日期")
        if e.case.is_repeat and _original_rereviewed(session, e.case):
            raise ServiceError("原信访事项已经复核终结，信访人以同一事实和理由再次提出的，不再受理。"
                               "请出具不再受理告知书。")
        if handler_id:
            if session.get(Staff, handler_id) is None:
                raise FieldError("mediator_id", "所选承办人不存在。")
            e.case.mediator_id = handler_id
        e.move("accepted", day)
        e.case.accepted_on = day
        e.case.notice_on = notice
        return e.finish()


def refuse(desk: Desk, case_id: str, reason: str, on: date | str | None = None, *, refer_to: str = "") -> Case:
    """不予受理 (or 不再受理 for a repeat of a matter closed by re-review): registered →
    not_accepted with the reason told to the petitioner; ``refer_to``: where to turn instead."""
    day = _on(desk, on, "告知日期")
    if not (reason or "").strip():
        raise FieldError("reason", "请填写不予受理的理由。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day)
        e.move("not_accepted", day, note=reason.strip())
        e.case.notice_on = day
        e.case.outcome_note = reason.strip()
        if refer_to.strip():
            e.case.assigned_to = refer_to.strip()
        return e.finish()


def assign_out(desk: Desk, case_id: str, body: str, on: date | str | None = None, *, word: str = "转送",
               note: str = "") -> Case:
    """转送 / 交办 to the body with the power to handle it (and tell the petitioner)."""
    day = _on(desk, on, "转送日期")
    if word not in ASSIGN_WORDS:
        raise FieldError("word", "只能选择“转送”或“交办”。")
    if not (body or "").strip():
        raise FieldError("assigned_to", f"请填写{word}给哪个机关、单位。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.accepted_on, after_what="受理日期")
        e.move("assigned_out", day, note=note.strip())
        e.case.assigned_to = body.strip()
        e.case.notice_on = e.case.notice_on or day
        e.event("transfer", day, content=f"{word}：{body.strip()}", result=note.strip())
        return e.finish()


def object_misroute(desk: Desk, case_id: str, reason: str, on: date | str | None = None) -> Case:
    """A petition transferred/assigned to this unit that is not within its powers: object within
    5 working days (holiday list) and send it back to the body it came from."""
    day = _on(desk, on, "异议日期")
    if not (reason or "").strip():
        raise FieldError("reason", "请填写提出异议的理由。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        case = e.case
        if not case.received_from:
            raise ServiceError("只有其他机关转送、交办来的信访事项才能提出转送异议；请先填写“转来/交办单位”。")
        _check_on(desk, case, day)
        clock = _clock_now(desk, session, case)
        due = clock.stage("misroute_objection_due").due_on
        if case.status == "registered" and due is not None and day > due:
            raise ServiceError(f"已超过提出异议的期限（收到后5个工作日，即 {due.isoformat()} 前），应当依法办理。")
        e.move("assigned_out", day, note=f"异议：{reason.strip()}")
        e.case.assigned_to = case.received_from
        e.case.notice_on = e.case.notice_on or day
        e.event("transfer", day, content=f"异议退回：{case.received_from}", result=reason.strip())
        return e.finish()


def route_to_legal_channel(desk: Desk, case_id: str, channel: str, on: date | str | None = None, *,
                           body: str = "", note: str = "") -> Case:
    """导入法定途径: a matter for a court, arbitration or administrative review leaves the
    petition clock (status legal_channel); ``body`` is where the petitioner should turn."""
    day = _on(desk, on, "日期")
    if channel not in LEGAL_CHANNELS:
        raise FieldError("legal_channel", "法定途径应为：" + "、".join(LEGAL_CHANNELS.values()) + "。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.accepted_on, after_what="受理日期")
        label = LEGAL_CHANNELS[channel]
        reason = note.strip() or f"该事项应当通过{label}途径解决"
        e.move("legal_channel", day, note=reason)
        e.case.legal_channel = channel
        e.case.outcome_note = reason
        e.case.notice_on = e.case.notice_on or day
        if body.strip():
            e.case.assigned_to = body.strip()
        return e.finish()


def extend(desk: Desk, case_id: str, days: int, reason: str, approver: str, on: date | str | None = None) -> Case:
    """延期办理: once, at most 30 days (Settings), approved by the head of the unit, decided
    before the 60 days are over, reason told to the petitioner (延期办理告知书)."""
    day = _on(desk, on, "延期日期")
    try:
        days = int(days)
    except (TypeError, ValueError) as error:
        raise FieldError("extension_days", "延长天数应为整数。") from error
    with desk.read() as session:
        case = _get_petition(session, case_id)
        clock = _clock_now(desk, session, case)
    if case.extension_days:
        raise ServiceError(f"信访事项只能延期一次（已于此前延长{case.extension_days}日）。")
    if case.status != "accepted":
        raise ServiceError("只有已受理、尚未出具处理意见的信访事项才能延期办理。")
    if not clock.runs_handling_clock:
        raise ServiceError(f"{vocab.label('petition_type', case.petition_type)}信访事项不适用60日办理期限，无需延期。")
    due = clock.stage("handling_due").due_on
    if due is not None and day > due:
        raise ServiceError(f"办理期限已于 {due.isoformat()} 届满，不能再延期；请尽快出具处理意见。")
    if day < (case.accepted_on or case.received_on):
        raise FieldError("on", "延期日期不能早于受理日期。")
    if day > desk.today():
        raise FieldError("on", "日期不能晚于今天。")
    return case_service.extend_deadline(desk, case_id, days, reason or "", approver=approver or "", on=day)


def reply(desk: Desk, case_id: str, decision: str, legal_basis: str, text: str, on: date | str | None = None, *,
          review_body: str = "") -> Case:
    """出具处理意见书: accepted → replied with the decision (support / explain / reject), the facts
    and reasons and the legal basis; the petitioner's 30 days to ask for a review start.
    ``review_body``: the body one level up named in the notice (the review goes there)."""
    day = _on(desk, on, "答复日期")
    if vocab.item("petition_decision", decision) is None:
        raise FieldError("decision", "请选择处理意见：支持、解释说明或不予支持。")
    if not (legal_basis or "").strip():
        raise FieldError("legal_basis", "请填写处理意见的法律、法规或政策依据。")
    if not (text or "").strip():
        raise FieldError("reply_text", "请填写经调查核实的事实和理由。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.accepted_on, after_what="受理日期")
        e.move("replied", day, note=vocab.label("petition_decision", decision))
        e.case.replied_on = day
        e.case.decision = decision
        e.case.legal_basis = legal_basis.strip()
        e.case.reply_text = text.strip()
        if review_body.strip():
            e.case.review_body = review_body.strip()
        return e.finish()


def request_review(desk: Desk, case_id: str, on: date | str | None = None, *, body: str = "") -> Case:
    """The petitioner asked for a review (复查) within 30 days of the reply; the review body has
    30 days to answer."""
    day = _on(desk, on, "申请复查日期")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.replied_on, after_what="出具处理意见日期")
        due = _clock_now(desk, session, e.case).stage("review_request_due").due_on
        if e.case.status == "replied" and due is not None and day > due:
            raise ServiceError(f"已超过申请复查的期限（收到处理意见书后30日，即 {due.isoformat()} 前），不能再请求复查。")
        e.move("review_requested", day)
        e.case.review_requested_on = day
        if body.strip():
            e.case.review_body = body.strip()
        return e.finish()


def record_review(desk: Desk, case_id: str, result: str, on: date | str | None = None) -> Case:
    """The review opinion (复查意见) was given; the petitioner's 30 days for a re-review start."""
    day = _on(desk, on, "复查意见日期")
    if not (result or "").strip():
        raise FieldError("review_result", "请填写复查意见。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.review_requested_on, after_what="申请复查日期")
        e.move("reviewed", day)
        e.case.reviewed_on = day
        e.case.review_result = result.strip()
        return e.finish()


def request_rereview(desk: Desk, case_id: str, on: date | str | None = None, *, body: str = "") -> Case:
    """The petitioner asked for a re-review (复核) within 30 days of the review opinion."""
    day = _on(desk, on, "申请复核日期")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.reviewed_on, after_what="复查意见日期")
        due = _clock_now(desk, session, e.case).stage("rereview_request_due").due_on
        if e.case.status == "reviewed" and due is not None and day > due:
            raise ServiceError(f"已超过申请复核的期限（收到复查意见后30日，即 {due.isoformat()} 前），不能再请求复核。")
        e.move("rereview_requested", day)
        e.case.rereview_requested_on = day
        if body.strip():
            e.case.rereview_body = body.strip()
        return e.finish()


#: Upper bound of the hearing days one can record (a typo guard; a hearing takes days or weeks).
MAX_HEARING_DAYS = 365


def _hearing_days_value(days: Any) -> int:
    """The hearing days entered (int or text), or FieldError in Chinese."""
    if isinstance(days, bool):
        raise FieldError("rereview_hearing_days", "听证天数应为整数。")
    if isinstance(days, str):
        import unicodedata

        days = unicodedata.normalize("NFKC", days).strip()  # full-width digits (１０) too
        if not days:
            raise FieldError("rereview_hearing_days", "请填写听证天数（没有听证的填0）。")
        if not (days.isascii() and days.lstrip("-").isdigit()):
            raise FieldError("rereview_hearing_days", f"听证天数应为整数，“{days}”不是整数。")
        days = int(days)
    elif isinstance(days, float):
        if not days.is_integer():
            raise FieldError("rereview_hearing_days", "听证天数应为整数。")
        days = int(days)
    elif not isinstance(days, int):
        raise FieldError("rereview_hearing_days", "听证天数应为整数。")
    if days < 0:
        raise FieldError("rereview_hearing_days", "听证天数不能为负数。")
    if days > MAX_HEARING_DAYS:
        raise FieldError("rereview_hearing_days", f"听证天数不能超过{MAX_HEARING_DAYS}日，请核对。")
    return days


def record_hearing(desk: Desk, case_id: str, days: int | str, on: date | str | None = None, *,
                   note: str = "") -> Case:
    """记录听证时间: the re-review involved a hearing (听证); its ``days`` are not counted in the
    30-day re-review answer period (《信访工作条例》), so the answer is due that many days later.
    Only once a re-review has been requested; ``days`` replaces what was recorded before (0
    clears it). One transaction: the case (audited, its due date recomputed) and a note on the
    timeline."""
    value = _hearing_days_value(days)
    day = _on(desk, on, "记录日期")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        case = e.case
        if case.rereview_requested_on is None or case.status not in ("rereview_requested", "rereviewed"):
            raise ServiceError("只有已申请复核的信访事项才能记录复核听证时间。")
        _check_on(desk, case, day, after=case.rereview_requested_on, after_what="申请复核日期")
        old = case.rereview_hearing_days or 0
        if value == old:
            raise ServiceError(f"听证时间已记录为{old}日，没有变化。")
        case.rereview_hearing_days = value
        text = (f"复核听证：{value}日（不计入复核答复期限）" if value
                else f"撤销复核听证时间记录（原{old}日）")
        e.event("note", day, content=text, result=note.strip())
        return e.finish()


def record_rereview(desk: Desk, case_id: str, result: str, on: date | str | None = None) -> Case:
    """The re-review opinion (复核意见): the end of the procedure — the same matter on the same
    facts and reasons is not accepted again."""
    day = _on(desk, on, "复核意见日期")
    if not (result or "").strip():
        raise FieldError("rereview_result", "请填写复核意见。")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day, after=e.case.rereview_requested_on, after_what="申请复核日期")
        e.move("rereviewed", day, note="复核终结")
        e.case.rereviewed_on = day
        e.case.rereview_result = result.strip()
        return e.finish()


def close(desk: Desk, case_id: str, on: date | str | None = None, note: str = "") -> Case:
    """办结 (from not accepted, transferred, routed, replied, reviewed or re-reviewed)."""
    day = _on(desk, on, "办结日期")
    with desk.tx() as session:
        e = _Edit(desk, session, case_id)
        _check_on(desk, e.case, day)
        e.move("closed", day, note=note.strip())
        return e.finish()


# ================================================================== notices

SEX = {"male": "男", "female": "女"}


def _age(birth: date | None, on: date) -> int | None:
    if birth is None or birth > on:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def notice_view(desk: Desk, case_id: str, *, mask: bool = False) -> PetitionView:
    """Everything the petition notices print about one petition, as plain data."""
    detail = case_service.case_detail(desk, case_id)
    case = detail.case
    if case.kind != "petition":
        raise ServiceError(f"{case.number} 是矛盾纠纷，不能打印信访文书。")
    labels = _labels(desk)
    rules, calendar = _rules(desk)
    with desk.read() as session:
        unit = session.get(Unit, case.unit_id)
        original = _root(session, case) if case.original_case_id else None
        if original is not None and original.id == case.id:
            original = None
        rr_node = _rereviewed_node(session, case) if case.is_repeat else None
        original_rr = rr_node is not None
    clock = clock_view(case, rules, calendar, desk.today(), original_rereviewed=original_rr)
    people = []
    for link, p in detail.parties:
        if link.role not in ("petitioner", "representative"):
            continue
        id_number, phone = p.id_number or "", p.phone or ""
        if mask:
            id_number = mask_id_number(id_number) if p.kind == "person" else id_number
            phone = mask_phone(phone)
        people.append(PetitionerView(name=p.name, role_label=vocab.label("party_role", link.role),
                                     is_representative=bool(link.is_representative or link.role == "representative"),
                                     sex=SEX.get(p.sex, ""), age=_age(p.birth_date, case.received_on),
                                     id_number=id_number, phone=phone, address=p.address or ""))
    transfers = [ev for ev in detail.events if ev.kind == "transfer"]
    extensions = [ev for ev in detail.events if ev.kind == "extension"]
    word = "交办" if transfers and (transfers[-1].content or "").startswith("交办") else "转送"
    handling = clock.stage("handling_due").due_on
    original_handling = None
    if case.accepted_on and clock.runs_handling_clock:
        try:
            original_handling = petition_deadlines(case.received_on, case.accepted_on, 0, calendar=calendar,
                                                   rules=rules, petition_type=case.petition_type or None).handling_due
        except DomainError:
            original_handling = None
    return PetitionView(
        case_id=case.id, number=case.number, title=case.title, status=case.status,
        status_label=vocab.status_label("petition", case.status), petition_type=case.petition_type or "",
        petition_type_label=_label(labels, "petition_type", case.petition_type), channel=case.channel or "",
        channel_label=_label(labels, "petition_channel", case.channel), received_on=case.received_on,
        received_from=case.received_from or "", notice_on=case.notice_on, accepted_on=case.accepted_on,
        assigned_to=case.assigned_to or "", assign_word=word, description=case.description or "",
        claims=case.claims or "", people_involved=case.people_involved or 0, area_name=detail.area_name,
        handler_name=detail.mediator_name, handling_due=handling, original_handling_due=original_handling,
        extension_days=case.extension_days or 0, extension_reason=case.extension_reason or "",
        extension_approver=case.extension_approver or "",
        extended_on=extensions[-1].occurred_on if extensions else None,
        replied_on=case.replied_on, decision=case.decision or "",
        decision_label=_label(labels, "petition_decision", case.decision), legal_basis=case.legal_basis or "",
        reply_text=case.reply_text or "", review_body=case.review_body or "",
        review_requested_on=case.review_requested_on, review_request_due=clock.stage("review_request_due").due_on,
        review_answer_due=clock.stage("review_answer_due").due_on, reviewed_on=case.reviewed_on,
        review_result=case.review_result or "", rereview_body=case.rereview_body or "",
        rereview_requested_on=case.rereview_requested_on,
        rereview_request_due=clock.stage("rereview_request_due").due_on, rereviewed_on=case.rereviewed_on,
        rereview_result=case.rereview_result or "", legal_channel=case.legal_channel or "",
        legal_channel_label=LEGAL_CHANNELS.get(case.legal_channel or "", case.legal_channel or ""),
        refusal_reason=case.outcome_note or "", is_repeat=bool(case.is_repeat),
        is_level_skipping=bool(case.is_level_skipping), original_number=original.number if original else "",
        original_title=original.title if original else "",
        original_rereviewed_on=rr_node.rereviewed_on if rr_node else None,
        original_rereview_body=(rr_node.rereview_body if rr_node else "") or "",
        no_longer_accepted=_is_no_longer(case, original_rr),
        unit_name=unit.name if unit else detail.unit_name, unit_address=unit.address if unit else "",
        unit_phone=unit.phone if unit else "", unit_head=unit.head_name if unit else "",
        petitioners=people, masked=mask, today=desk.today(),
    )


def _register_notices() -> None:
    """Put the notices in the document catalogue (idempotent)."""
    for spec in petition_notices.NOTICES:
        _catalogue.register(_catalogue.DocumentType(spec.name, spec.label, spec.title, spec.build, spec.refusal,
                                                    make_view=notice_view))


_register_notices()


@dataclass
class NoticeChoice:
    name: str
    label: str
    title: str
    ok: bool
    reason: str = ""


def notice_choices(desk: Desk, case_id: str, view: PetitionView | None = None) -> list[NoticeChoice]:
    """Every petition notice, with whether it can be printed for this petition and why not."""
    view = view or notice_view(desk, case_id)
    out = []
    for spec in petition_notices.NOTICES:
        reason = spec.refusal(view)
        out.append(NoticeChoice(spec.name, spec.label, spec.title, reason is None, reason or ""))
    return out


def print_notice(desk: Desk, case_id: str, name: str, out_path: str | Path, *, mask: bool = False):
    """Save a notice as PDF or DOCX and record it (the shared printing service does the work)."""
    if name not in NOTICE_NAMES:
        raise ServiceError(f"没有名为“{name}”的信访文书，可选：{'、'.join(NOTICE_NAMES)}")
    from . import printing

    return printing.print_document(desk, case_id, name, out_path, mask=mask)


# ================================================================== statistics and the ledger


@dataclass
class PetitionStats:
    """Figures of the petitions received in a period. Repeat petitions and level-skipping visits
    are counted apart and never as new petitions (DOMAIN.md §6)."""

    total: int = 0  # every petition registered (every visit)
    new: int = 0  # neither repeat nor level-skipping
    repeat: int = 0
    level_skipping: int = 0
    group_batches: int = 0  # 集体访 (批次)
    group_people: int = 0  # 集体访 (人次)
    people: int = 0  # 人次 of all petitions
    by_type: dict[str, int] = field(default_factory=dict)  # labels → new petitions
    by_channel: dict[str, int] = field(default_factory=dict)  # labels → new petitions
    accepted: int = 0
    not_accepted: int = 0
    assigned_out: int = 0
    legal_channel: int = 0
    replied: int = 0
    replied_on_time: int = 0
    noticed: int = 0
    noticed_on_time: int = 0
    overdue_open: int = 0  # still in hand with a stage of the unit's past its last day

    def line(self) -> str:
        parts = [f"本月登记信访事项{self.total}件（{self.people}人次），其中新信访事项{self.new}件"]
        extra = []
        if self.repeat:
            extra.append(f"重复信访{self.repeat}件")
        if self.level_skipping:
            extra.append(f"越级访{self.level_skipping}件")
        if extra:
            parts[0] += "，" + "、".join(extra) + "（不计入新信访事项）"
        if self.group_batches:
            parts.append(f"集体访{self.group_batches}批{self.group_people}人次")
        parts.append(f"受理{self.accepted}件，不予（不再）受理{self.not_accepted}件，转送交办{self.assigned_out}件，"
                     f"导入法定途径{self.legal_channel}件")
        parts.append(f"按期告知{self.noticed_on_time}/{self.noticed}件，按期出具处理意见{self.replied_on_time}/{self.replied}件")
        if self.overdue_open:
            parts.append(f"超期未办{self.overdue_open}件")
        return "；".join(parts) + "。"


def _route(c: Case, transferred: bool) -> str:
    """How the petition left the registration step: accepted | not_accepted | assigned_out |
    legal_channel | "" (still registered)."""
    if c.legal_channel:
        return "legal_channel"
    if transferred:
        return "assigned_out"
    if c.accepted_on:
        return "accepted"
    if c.status == "not_accepted" or (c.status in ("closed", "archived") and c.notice_on):
        return "not_accepted"
    return ""


def _transferred_ids(session: Session, case_ids: Sequence[str]) -> set[str]:
    out: set[str] = set()
    ids = list(case_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out.update(session.exec(select(CaseEvent.case_id).where(
            CaseEvent.case_id.in_(chunk), CaseEvent.kind == "transfer", CaseEvent.voided == False)).all())  # noqa: E712
    return out


def _stats(rows: list[PetitionRow], cases: dict[str, Case], transferred: set[str]) -> PetitionStats:
    s = PetitionStats()
    for r in rows:
        c = cases[r.case_id]
        s.total += 1
        s.people += r.people_involved or 1
        if r.is_repeat:
            s.repeat += 1
        if r.is_level_skipping:
            s.level_skipping += 1
        if not r.is_repeat and not r.is_level_skipping:
            s.new += 1
            s.by_type[r.petition_type_label or "未分类"] = s.by_type.get(r.petition_type_label or "未分类", 0) + 1
            s.by_channel[r.channel_label or "未填"] = s.by_channel.get(r.channel_label or "未填", 0) + 1
        if r.is_group:
            s.group_batches += 1
            s.group_people += r.people_involved
        route = _route(c, c.id in transferred)
        if c.accepted_on:
            s.accepted += 1
        if route == "not_accepted":
            s.not_accepted += 1
        elif route == "assigned_out":
            s.assigned_out += 1
        elif route == "legal_channel":
            s.legal_channel += 1
        notice = r.clock.stage("notice_due")
        if notice.state == "done" and notice.done_on and notice.due_on:
            s.noticed += 1
            s.noticed_on_time += notice.done_on <= notice.due_on
        handling = r.clock.stage("handling_due")
        if c.replied_on:
            s.replied += 1
            s.replied_on_time += handling.due_on is None or c.replied_on <= handling.due_on
        if r.overdue and c.status in OPEN:
            s.overdue_open += 1
    return s


def petition_statistics(desk: Desk, month: str) -> PetitionStats:
    """Figures of the petitions received in ``month`` ("2026-11")."""
    return petition_ledger(desk, month).stats


@dataclass
class LedgerRow:
    seq: int
    number: str
    received_on: date
    channel: str
    petitioners: str
    people: int
    area: str
    title: str
    claims: str
    petition_type: str
    received_from: str
    handling: str  # 受理 / 转送 / 不予受理 … with the date
    due: str  # the clock: the next deadline, or the end state
    replied: str  # 答复日期 + decision
    review: str  # 复查 / 复核
    status: str
    remarks: str  # 重复信访（原…）, 越级访, 集体访, 延期


@dataclass
class PetitionLedger:
    month: str
    month_text: str  # 2026年11月
    title: str
    unit_name: str
    filled_on: date
    rows: list[LedgerRow]
    stats: PetitionStats
    masked: bool = False


def _dot(d: date | None) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def petition_ledger(desk: Desk, month: str, *, mask: bool = False) -> PetitionLedger:
    """The petitions received in ``month``, one row each, with the month's figures. With
    ``mask`` the petitioners' names are masked (张* / 欧**明) for copies that leave the office."""
    start, _end = _month_range(month)
    rows = list_petitions(desk, include_closed=True, month=month)
    rows.sort(key=lambda r: (r.received_on, r.number))
    with desk.read() as session:
        cases = {c.id: c for c in session.exec(select(Case).where(Case.id.in_([r.case_id for r in rows])))} if rows else {}
        unit = desk.current_unit(session)
        unit_name = unit.name
        transferred = _transferred_ids(session, list(cases))
    out = []
    for i, r in enumerate(rows, start=1):
        c = cases[r.case_id]
        names = r.petitioners
        if mask:
            names = "、".join(mask_name(n) for n in names.split("、") if n)
        if r.representatives and r.people_involved > 1:
            reps = r.representatives if not mask else "、".join(mask_name(n) for n in r.representatives.split("、"))
            names = f"{names}（代表：{reps}）"
        route = _route(c, c.id in transferred)
        handling = f"受理 {_dot(c.accepted_on)}" if c.accepted_on else ""
        if route == "not_accepted":
            word = "不再受理" if r.clock.end_state.startswith("不再受理") else "不予受理"
            handling = f"{word} {_dot(c.notice_on)}"
        elif route == "assigned_out":
            handling = (handling + "；" if handling else "") + f"转送交办{c.assigned_to}"
        elif route == "legal_channel":
            handling = (handling + "；" if handling else "") + f"导入{LEGAL_CHANNELS.get(c.legal_channel, '')}途径"
        n = r.next
        if n is not None:
            due = f"{n.short_label} {_dot(n.due_on)}" + ("（超期）" if n.overdue else "")
        else:
            h = r.clock.stage("handling_due")
            due = f"办理 {_dot(h.due_on)}" if h.due_on else "—"
        replied = ""
        if c.replied_on:
            replied = f"{_dot(c.replied_on)} {vocab.label('petition_decision', c.decision) if c.decision else ''}".strip()
        review = []
        if c.review_requested_on:
            review.append(f"复查申请 {_dot(c.review_requested_on)}")
        if c.reviewed_on:
            review.append(f"复查意见 {_dot(c.reviewed_on)}")
        if c.rereview_requested_on:
            review.append(f"复核申请 {_dot(c.rereview_requested_on)}")
        if c.rereviewed_on:
            review.append(f"复核意见 {_dot(c.rereviewed_on)}")
        remarks = []
        if r.is_repeat:
            remarks.append(f"重复信访（原{r.original_number}）" if r.original_number else "重复信访")
        if r.is_level_skipping:
            remarks.append("越级访")
        if r.is_group:
            remarks.append("集体访")
        if c.extension_days:
            remarks.append(f"延期{c.extension_days}日")
        out.append(LedgerRow(
            seq=i, number=r.number, received_on=r.received_on, channel=r.channel_label, petitioners=names,
            people=r.people_involved, area=r.area_name, title=r.title, claims=c.claims or "",
            petition_type=r.petition_type_label, received_from=r.received_from, handling=handling, due=due,
            replied=replied, review="；".join(review), status=r.status_label, remarks="；".join(remarks),
        ))
    stats = _stats(rows, cases, transferred)
    month_text = f"{start.year}年{start.month}月"
    return PetitionLedger(month=f"{start.year}-{start.month:02d}", month_text=month_text,
                          title=f"{month_text}信访事项登记台账", unit_name=unit_name, filled_on=desk.today(),
                          rows=out, stats=stats, masked=mask)


@dataclass
class LedgerExport:
    path: Path
    pages: int | None
    seconds: float
    rows: int


def export_petition_ledger(desk: Desk, month: str, out_path: str | Path, *, mask: bool = False) -> LedgerExport:
    """Save the month's petition ledger as PDF or DOCX (A4 landscape, header repeated on every page)."""
    from ..documents.templates import petition_ledger as ledger_template
    from . import printing

    started = time.perf_counter()
    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        raise ServiceError(f"不支持的输出格式“{path.suffix or '（无扩展名）'}”：请保存为 .pdf 或 .docx 文件。")
    ledger = petition_ledger(desk, month, mask=mask)
    document = ledger_template.build(ledger)
    if suffix == ".pdf":
        from ..documents.pdf import render_pdf

        pages = printing.write_atomically(path, lambda tmp: render_pdf(document, tmp))
    else:
        from ..documents.docx import render_docx

        printing.write_atomically(path, lambda tmp: render_docx(document, tmp))
        pages = None
    return LedgerExport(path=path, pages=int(pages) if pages else None, seconds=time.perf_counter() - started,
                        rows=len(ledger.rows))
