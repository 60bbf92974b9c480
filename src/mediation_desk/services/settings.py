"""Unit settings: deadline rules, holidays, numbering patterns, backup policy, text size.

Settings live in the `setting` table as JSON values; every change is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from ..domain.calendar import WorkCalendar
from ..domain.deadlines import DeadlineRules
from ..domain.numbering import DEFAULT_PATTERNS, validate_pattern
from ..store import audit
from ..store.models import Setting, utcnow
from .context import Desk

DEADLINES_KEY = "deadline_rules"
HOLIDAYS_KEY = "holidays"  # {"holidays": ["2026-10-01", …], "workdays": ["2026-10-10", …]}
NUMBERING_KEY = "numbering_patterns"
BACKUP_KEY = "backup_policy"
TEXT_SIZE_KEY = "text_size"


def get_value(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None or row.value is None else row.value


def set_value(desk: Desk, session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    before = None if row is None else {"key": key, "value": row.value}
    if row is None:
        row = Setting(key=key, value=value)
    else:
        row.value = value
        row.updated_at = utcnow()
    session.add(row)
    audit.record(session, actor=desk.actor, action="update" if before else "create", entity="setting",
                 entity_id=key, before=before, after={"key": key, "value": value})


def get(desk: Desk, key: str, default: Any = None) -> Any:
    with desk.read() as session:
        return get_value(session, key, default)


def put(desk: Desk, key: str, value: Any) -> None:
    """Validate known keys before saving (a bad value raises with a Chinese message)."""
    if key == DEADLINES_KEY:
        DeadlineRules.from_settings(value)
    elif key == NUMBERING_KEY:
        for pattern in dict(value).values():
            validate_pattern(pattern)
    elif key == HOLIDAYS_KEY:
        _calendar_from(value)
    with desk.tx() as session:
        set_value(desk, session, key, value)
        if key in (DEADLINES_KEY, HOLIDAYS_KEY):
            session.flush()
            recompute_due_dates(session)


def recompute_due_dates(session: Session) -> int:
    """Recompute `case.due_on` of every case whose clock runs, after the rules or holidays change
    (so 今日 and the 已超期 filter agree at once). Returns how many changed."""
    from sqlalchemy import text

    from ..store.models import Case
    from .deadlines import CLOCK_STATUSES, current_due

    rules, calendar = deadline_rules(session), work_calendar(session)
    changed = 0
    for kind, statuses in CLOCK_STATUSES.items():
        names = ", ".join(f"'{s}'" for s in sorted(statuses))
        ids = [r[0] for r in session.execute(text(
            f"SELECT id FROM \"case\" WHERE kind = :k AND voided = 0 AND status IN ({names})"), {"k": kind})]
        for start in range(0, len(ids), 500):
            for case in session.exec(select(Case).where(Case.id.in_(ids[start:start + 500]))):
                due = current_due(case, rules, calendar)
                if due != case.due_on:
                    case.due_on = due
                    session.add(case)
                    changed += 1
    return changed


def deadline_rules(session: Session) -> DeadlineRules:
    return DeadlineRules.from_settings(get_value(session, DEADLINES_KEY, {}) or {})


def _calendar_from(value: dict | None) -> WorkCalendar:
    value = value or {}
    try:
        holidays = [date.fromisoformat(d) for d in value.get("holidays", [])]
        workdays = [date.fromisoformat(d) for d in value.get("workdays", [])]
    except (TypeError, ValueError) as error:
        raise ValueError(f"节假日列表中有无法识别的日期（应为 2026-10-01 这样的格式）：{error}") from error
    return WorkCalendar(holidays=holidays, extra_workdays=workdays)


def work_calendar(session: Session) -> WorkCalendar:
    return _calendar_from(get_value(session, HOLIDAYS_KEY, {}))


def numbering_patterns(session: Session) -> dict[str, str]:
    patterns = dict(DEFAULT_PATTERNS)
    patterns.update(get_value(session, NUMBERING_KEY, {}) or {})
    return patterns
