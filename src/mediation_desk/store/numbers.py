"""Allocation of human numbers: per unit, per scope (dispute, petition, archive …), per year.

A number once handed out is never handed out again, even if the record is voided, because the
sequence row only ever increases. As a second guard the allocator never returns a value at or
below the highest sequence already used by a case of that scope and year (e.g. after an import).
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlmodel import Session

from .models import Case, NumberSequence

CASE_SCOPES = {"dispute", "petition"}


def allocate(session: Session, unit_id: str, scope: str, year: int) -> int:
    seq = session.get(NumberSequence, (unit_id, scope, year))
    if seq is None:
        seq = NumberSequence(unit_id=unit_id, scope=scope, year=year, last_value=0)
        session.add(seq)
    floor = 0
    if scope in CASE_SCOPES:
        floor = session.execute(
            select(func.max(Case.number_seq)).where(
                Case.unit_id == unit_id, Case.kind == scope, Case.number_year == year)
        ).scalar() or 0
    seq.last_value = max(seq.last_value, floor) + 1
    session.add(seq)
    session.flush()
    return seq.last_value


def peek(session: Session, unit_id: str, scope: str, year: int) -> int:
    """The number the next allocation would return (for showing, never for saving)."""
    row = session.execute(
        text("SELECT last_value FROM number_sequence WHERE unit_id=:u AND scope=:s AND year=:y"),
        {"u": unit_id, "s": scope, "y": year},
    ).first()
    return (row[0] if row else 0) + 1
