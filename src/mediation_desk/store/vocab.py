"""Vocabularies in the database: seeded from resources/vocabularies.json, extendable per unit."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..domain.vocabularies import load_default_vocabularies


def seed_defaults(conn: Connection) -> int:
    """Insert the default vocabulary entries that are not there yet; returns how many were added."""
    existing = {(r[0], r[1]) for r in conn.execute(text("SELECT vocab, code FROM vocab_entry"))}
    rows = []
    for vocab, items in load_default_vocabularies().items():
        for item in items:
            if (vocab, item.code) in existing:
                continue
            rows.append({
                "vocab": vocab, "code": item.code, "label": item.label,
                "parent": item.parent or "", "stats_code": item.stats_code or "",
                "sort": item.sort, "active": True, "builtin": True,
            })
    if rows:
        conn.execute(
            text("INSERT INTO vocab_entry (vocab, code, label, parent, stats_code, sort, active, builtin) "
                 "VALUES (:vocab, :code, :label, :parent, :stats_code, :sort, :active, :builtin)"),
            rows,
        )
    return len(rows)
