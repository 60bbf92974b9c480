"""Append-only audit trail: every write leaves a row (who, when, what, before → after)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from .models import AuditEntry, utcnow

_SKIP = {"created_at", "updated_at"}


def to_jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    return value


def snapshot(obj: SQLModel) -> dict:
    """The row's column values as JSON-safe data."""
    return {k: to_jsonable(getattr(obj, k)) for k in obj.__class__.model_fields if k not in _SKIP}


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys that changed (both sides), so the trail stays readable."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: str = "",
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    b, a = diff(before, after) if action == "update" else (before, after)
    entry = AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id,
                       before=b, after=a, at=utcnow())
    session.add(entry)
    return entry
