"""The 今日 (today) dashboard as plain data: what is overdue, what falls due soon, which villages
have not filed this month's screening report, and which cases were edited last.

Fast on 100,000 cases — every query goes through an index and reads only the few rows it needs:

1. the main clock (mediation deadline, current petition stage) is `case.due_on`, which
   `services.deadlines.current_due` (the clock) computed at the last write — so 今日 and the
   register's 已超期 filter always give the same numbers (ix_case_due / ix_case_kind_status);
2. follow-up visits not yet made: the rule (domain.deadlines.followup_due) is exact in SQL;
3. the parties' windows (judicial confirmation, protection-order expiry, divorce cooling-off, the
   petitioner's 30 days to ask for review) — few candidates, picked by an index and a necessary
   date condition (a deadline only moves *later* when rolled over days off), then dated exactly
   by `services.deadlines.clock`.

What counts as *overdue* is work the unit owes: the mediation deadline, the current petition
stage (告知/转送, 办理, 复查答复, 复核答复), a follow-up visit not yet made, a leader contract past its
deadline. Windows that belong to the parties are only listed while they are still ahead: once
passed they are facts, not tasks. (Judicial-confirmation windows are looked for in cases not yet
archived; protection orders and divorce dates in marriage/family cases.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

from sqlalchemy import text

from ..domain import vocabularies as vocab
from ..domain.calendar import month_end, month_start
from ..domain.deadlines import screening_report_due
from . import deadlines as case_deadlines
from . import settings as settings_service
from .context import Desk

#: Chinese labels of every deadline key the dashboard can list.
DEADLINE_LABELS: dict[str, str] = {
    "mediation_due": "调解期限",
    "notice_due": "信访告知/转送期限",
    "handling_due": "信访办理期限",
    "review_answer_due": "复查答复期限",
    "rereview_answer_due": "复核答复期限",
    "review_request_due": "信访人申请复查期限届满",
    "rereview_request_due": "信访人申请复核期限届满",
    "follow_up_due": "回访",
    "judicial_confirmation_due": "申请司法确认期限",
    "protection_order_expires": "人身安全保护令到期",
    "divorce_withdraw_until": "离婚冷静期届满",
    "divorce_collect_until": "离婚领证期限",
    "contract_deadline": "领导包案化解期限",
}

#: Keys that are the unit's own work: listed as overdue once passed.
OWED_KEYS = frozenset({"mediation_due", "notice_due", "handling_due", "review_answer_due",
                       "rereview_answer_due", "follow_up_due", "contract_deadline"})

# The petition stage whose clock runs in each status (the same mapping as `current_due`).
_PETITION_STAGE = {
    "registered": "notice_due",
    "accepted": "handling_due",
    "review_requested": "review_answer_due",
    "rereview_requested": "rereview_answer_due",
    "replied": "review_request_due",
    "reviewed": "rereview_request_due",
}
_FOLLOW_UP_STATUSES = ("agreed", "oral_agreed", "following_up")
# Longest shift of a deadline by the roll-over past days off (Spring Festival plus a weekend).
_ROLL_SLACK_DAYS = 15

# The village of a case recorded at a group or grid (the dashboard's 村 column).
_VILLAGE = "(CASE WHEN a.level IN ('group', 'grid') THEN COALESCE(pa.name, '') ELSE COALESCE(a.name, '') END)"

_DATE_COLUMNS = {
    "received_on", "accepted_on", "replied_on", "review_requested_on", "reviewed_on",
    "rereview_requested_on", "agreement_effective_on", "resolved_on", "performance_deadline",
    "po_ruled_on", "po_expires_on", "divorce_registered_on", "jc_applied_on", "due_on",
}


@dataclass
class DueItem:
    """One deadline of one case (or of its leader contract)."""

    case_id: str
    number: str
    kind: str
    title: str
    key: str
    label: str
    due_on: date
    days_left: int  # 0 = today is the last day, negative = overdue by that many days
    area_name: str = ""
    staff_name: str = ""
    detail: str = ""  # e.g. the leader of a contract
    contract_id: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def when_text(self) -> str:
        """“超期3天” / “今天到期” / “还剩2天”."""
        if self.days_left < 0:
            return f"超期{-self.days_left}天"
        if self.days_left == 0:
            return "今天到期"
        return f"还剩{self.days_left}天"


@dataclass
class MissingScreening:
    """A village with no screening round (report) for the month."""

    area_id: str
    village: str
    township: str
    month: str  # YYYY-MM
    due_on: date
    overdue: bool


@dataclass
class RecentCase:
    case_id: str
    number: str
    kind: str
    title: str
    status: str
    status_label: str
    updated_at: datetime  # local time, naive


@dataclass
class Draft:
    """Unsaved editor input kept after a crash or a “不保存” close (services.drafts)."""

    key: str  # the case id, or "new-…" for a case not saved yet
    kind: str
    title: str
    saved_at: datetime | None
    is_new: bool


@dataclass
class TodaySummary:
    today: date
    overdue: list[DueItem] = field(default_factory=list)
    due_soon: list[DueItem] = field(default_factory=list)
    screening_missing: list[MissingScreening] = field(default_factory=list)
    recent: list[RecentCase] = field(default_factory=list)
    overdue_total: int = 0
    due_soon_total: int = 0
    within_days: int = 7
    drafts: list[Draft] = field(default_factory=list)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_local(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().replace(tzinfo=None)


_JOINS = """
FROM "case" c
LEFT JOIN area a ON a.id = c.area_id
LEFT JOIN area pa ON pa.id = a.parent_id
LEFT JOIN staff s ON s.id = c.mediator_id
"""
_HEAD = f"SELECT c.id, c.number, c.kind, c.title, c.status, {_VILLAGE} AS area_name, COALESCE(s.name, '') AS staff_name"

# 1. The main clock (mediation deadline, current petition stage): `case.due_on` is what
#    services.deadlines.current_due (the clock) computed at the last write, so 今日 and the
#    register's 已超期 filter always agree. Uses ix_case_due.
_MAIN_SQL = _HEAD + ", c.due_on" + _JOINS + """
WHERE c.due_on IS NOT NULL AND c.due_on <= :limit AND c.voided = 0
  AND ((c.kind = 'dispute' AND c.status IN ('registered', 'investigating', 'mediating'))
    OR (c.kind = 'petition' AND c.status IN ('registered', 'accepted', 'review_requested', 'rereview_requested')))
"""

# 2. Follow-up visits not yet made: the rule (domain.deadlines.followup_due: 15 days after the
#    later of the agreement and the performance deadline, no roll-over) is exact in SQL, so
#    thousands of old agreements cost one indexed query (ix_case_kind_status), not a Python loop.
_FOLLOW_UP_SQL = _HEAD + """,
       date(MAX(c.resolved_on, COALESCE(c.performance_deadline, c.resolved_on)), '+' || :followup || ' days') AS due
""" + _JOINS + """
WHERE c.kind = 'dispute' AND c.status IN ('agreed', 'oral_agreed', 'following_up') AND c.voided = 0
  AND c.resolved_on IS NOT NULL
  AND date(MAX(c.resolved_on, COALESCE(c.performance_deadline, c.resolved_on)), '+' || :followup || ' days') <= :limit
  AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.kind = 'follow_up'
                  AND e.voided = 0 AND e.occurred_on >= c.resolved_on)
"""

# 3. The parties' windows, still ahead: few candidates, each picked through an index with a
#    necessary date condition, then the exact dates come from services.deadlines.clock.
_WINDOW_COLUMNS = [
    "id", "kind", "status", "received_on", "accepted_on", "extension_days", "replied_on",
    "review_requested_on", "reviewed_on", "rereview_requested_on", "petition_type", "agreement_effective_on",
    "outcome", "resolved_on", "performance_deadline", "po_ruled_on", "po_expires_on", "divorce_registered_on",
    "jc_applied_on",
]
_WINDOW_DATES = _DATE_COLUMNS & set(_WINDOW_COLUMNS)
_WINDOW_SQL = _HEAD + ", " + ", ".join(f"c.{n} AS w_{n}" for n in _WINDOW_COLUMNS) + _JOINS + """
WHERE c.id IN (
  SELECT id FROM "case" WHERE kind = 'dispute' AND status IN ('agreed', 'oral_agreed', 'following_up')
    AND outcome = 'written_agreement' AND jc_applied_on IS NULL AND agreement_effective_on IS NOT NULL
    AND julianday(agreement_effective_on) + :jc BETWEEN julianday(:today) - :slack AND julianday(:limit)
  UNION
  SELECT id FROM "case" WHERE category = 'marriage_family' AND (
        (po_ruled_on IS NOT NULL AND po_expires_on BETWEEN :today AND :limit)
     OR (divorce_registered_on IS NOT NULL
         AND julianday(divorce_registered_on) + :cooling <= julianday(:limit)
         AND julianday(divorce_registered_on) + :cooling + :collect + 2 * :slack >= julianday(:today)))
  UNION
  SELECT id FROM "case" WHERE kind = 'petition' AND status = 'replied' AND replied_on IS NOT NULL
    AND julianday(replied_on) + :review_request BETWEEN julianday(:today) - :slack AND julianday(:limit)
  UNION
  SELECT id FROM "case" WHERE kind = 'petition' AND status = 'reviewed' AND reviewed_on IS NOT NULL
    AND julianday(reviewed_on) + :rereview_request BETWEEN julianday(:today) - :slack AND julianday(:limit)
) AND c.voided = 0
"""
_WINDOW_KEYS = {
    "dispute": ("judicial_confirmation_due", "protection_order_expires", "divorce_withdraw_until",
                "divorce_collect_until"),
    "petition": ("review_request_due", "rereview_request_due"),
}


def _item(row, key: str, due: date, today: date) -> DueItem:
    return DueItem(case_id=row.id, number=row.number, kind=row.kind, title=row.title, key=key,
                   label=DEADLINE_LABELS[key], due_on=due, days_left=(due - today).days,
                   area_name=row.area_name, staff_name=row.staff_name)


def _case_items(desk: Desk, today: date, limit: date) -> list[DueItem]:
    with desk.read() as session:
        rules = settings_service.deadline_rules(session)
        calendar = settings_service.work_calendar(session)
        base = {"today": today.isoformat(), "limit": limit.isoformat()}
        main = session.execute(text(_MAIN_SQL), base).all()
        follow = session.execute(text(_FOLLOW_UP_SQL), {**base, "followup": rules.followup_after_days}).all()
        windows = session.execute(text(_WINDOW_SQL), {
            **base, "slack": _ROLL_SLACK_DAYS, "jc": rules.judicial_confirmation_apply_days,
            "cooling": rules.divorce_cooling_off_days, "collect": rules.divorce_collect_days,
            "review_request": rules.petition_review_request_days,
            "rereview_request": rules.petition_rereview_request_days,
        }).all()
    items: list[DueItem] = []
    for row in main:
        key = "mediation_due" if row.kind == "dispute" else _PETITION_STAGE[row.status]
        items.append(_item(row, key, _as_date(row.due_on), today))
    for row in follow:
        items.append(_item(row, "follow_up_due", _as_date(row.due), today))
    for row in windows:
        values = {n: getattr(row, f"w_{n}") for n in _WINDOW_COLUMNS}
        for name in _WINDOW_DATES:
            values[name] = _as_date(values[name])
        values["extension_days"] = values["extension_days"] or 0
        case = SimpleNamespace(**values)
        stages = case_deadlines.clock(case, rules, calendar)  # type: ignore[arg-type]
        for key in _WINDOW_KEYS[case.kind]:
            if key == "judicial_confirmation_due" and case.jc_applied_on:
                continue
            if key == "review_request_due" and case.status != "replied":
                continue
            if key == "rereview_request_due" and case.status != "reviewed":
                continue
            due = stages.get(key)
            if due is not None and today <= due <= limit:
                items.append(_item(row, key, due, today))
    return items


def _contract_items(desk: Desk, today: date, limit: date) -> list[DueItem]:
    sql = f"""
SELECT lc.id, lc.deadline_on, lc.leader_name, lc.leader_post, c.id, c.number, c.kind, c.title,
       {_VILLAGE}
FROM leader_contract lc
JOIN "case" c ON c.id = lc.case_id
LEFT JOIN area a ON a.id = c.area_id
LEFT JOIN area pa ON pa.id = a.parent_id
WHERE lc.voided = 0 AND lc.status = 'in_progress' AND c.voided = 0 AND lc.deadline_on <= :limit
"""
    with desk.read() as session:
        rows = session.execute(text(sql), {"limit": limit.isoformat()}).all()
    items = []
    for r in rows:
        due = _as_date(r[1])
        leader = r[2] + (f"（{r[3]}）" if r[3] else "")
        items.append(DueItem(
            case_id=r[4], number=r[5], kind=r[6], title=r[7], key="contract_deadline",
            label=DEADLINE_LABELS["contract_deadline"], due_on=due, days_left=(due - today).days,
            area_name=r[8], staff_name=r[2], detail=f"包案领导：{leader}", contract_id=r[0],
        ))
    return items


def due_items(desk: Desk, within_days: int = 7) -> tuple[list[DueItem], list[DueItem]]:
    """``(overdue, due_soon)``: overdue with the most recently passed first (the ones that can still
    be caught up on; long-standing ones follow), due-soon sorted by date, nearest first."""
    today = desk.today()
    limit = today + timedelta(days=within_days)
    items = _case_items(desk, today, limit) + _contract_items(desk, today, limit)
    overdue = sorted((i for i in items if i.overdue), key=lambda i: (-i.due_on.toordinal(), i.number, i.key))
    soon = sorted((i for i in items if not i.overdue), key=lambda i: (i.due_on, i.number, i.key))
    return overdue, soon


def missing_screening(desk: Desk, month: date | None = None) -> list[MissingScreening]:
    """Active villages with no (non-voided) screening round covering the month of ``month``
    (default: this month) — the dashboard's 本月排查未报."""
    ref = month or desk.today()
    start, end = month_start(ref.year, ref.month), month_end(ref.year, ref.month)
    sql = """
SELECT v.id, v.name, COALESCE(t.name, '')
FROM area v
LEFT JOIN area t ON t.id = v.parent_id
WHERE v.level = 'village' AND v.active = 1
  AND NOT EXISTS (SELECT 1 FROM screening_round r WHERE r.area_id = v.id AND r.voided = 0
                  AND r.period_start <= :end AND r.period_end >= :start)
ORDER BY t.name, v.sort, v.name
"""
    with desk.read() as session:
        rules = settings_service.deadline_rules(session)
        rows = session.execute(text(sql), {"start": start.isoformat(), "end": end.isoformat()}).all()
    due = screening_report_due(ref.year, ref.month, rules)
    today = desk.today()
    return [MissingScreening(area_id=r[0], village=r[1], township=r[2], month=f"{ref.year}-{ref.month:02d}",
                             due_on=due, overdue=today > due) for r in rows]


def recent_cases(desk: Desk, limit: int = 20) -> list[RecentCase]:
    """The cases edited most recently (not voided), newest first."""
    sql = """
SELECT id, number, kind, title, status, updated_at FROM "case"
WHERE voided = 0 ORDER BY updated_at DESC LIMIT :limit
"""
    with desk.read() as session:
        rows = session.execute(text(sql), {"limit": int(limit)}).all()
    return [RecentCase(case_id=r[0], number=r[1], kind=r[2], title=r[3], status=r[4],
                       status_label=vocab.status_label(r[2], r[4]), updated_at=_as_local(r[5]))
            for r in rows]


def unsaved_drafts(desk: Desk) -> list[Draft]:
    """Drafts of this database, newest first (an unreadable drafts folder gives none)."""
    from . import drafts as draft_service

    try:
        listed = draft_service.list_drafts(desk)
    except (OSError, ValueError):
        return []
    result = []
    for entry in listed:
        key = str(entry.get("key") or "")
        if not key:
            continue
        try:
            saved = datetime.fromisoformat(str(entry.get("saved_at"))) if entry.get("saved_at") else None
        except ValueError:
            saved = None
        result.append(Draft(key=key, kind=str(entry.get("kind") or "dispute"),
                            title=str(entry.get("title") or "（未填写事由）"), saved_at=saved,
                            is_new=key.startswith("new-")))
    return result


def summary(desk: Desk, within_days: int = 7, limit: int = 300, recent: int = 20) -> TodaySummary:
    """Everything the 今日 page shows; each list is cut to ``limit`` lines (totals kept)."""
    overdue, soon = due_items(desk, within_days)
    return TodaySummary(
        today=desk.today(), overdue=overdue[:limit], due_soon=soon[:limit],
        screening_missing=missing_screening(desk), recent=recent_cases(desk, recent),
        overdue_total=len(overdue), due_soon_total=len(soon), within_days=within_days,
        drafts=unsaved_drafts(desk),
    )
