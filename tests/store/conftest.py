"""Store-level fixtures: a fresh file per test and small helpers to put rows in it."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "x.sqlite"


@pytest.fixture
def store(store_path: Path):
    from mediation_desk.store.engine import open_store

    s = open_store(store_path)
    yield s
    s.close()


def make_unit(store, name: str = "青石镇人民调解委员会") -> str:
    from mediation_desk.store import audit
    from mediation_desk.store.models import Unit

    with store.transaction() as session:
        unit = Unit(name=name, short_name="青", unit_type="township_committee")
        session.add(unit)
        session.flush()
        audit.record(session, actor="测试员", action="create", entity="unit", entity_id=unit.id,
                     after=audit.snapshot(unit))
        return unit.id


def add_cases(store, unit_id: str, count: int, *, start: int = 1, title: str = "宅基地纠纷") -> list[str]:
    """`count` dispute cases numbered from `start`, each with its audit row, in one transaction."""
    from mediation_desk.store import audit
    from mediation_desk.store.models import Case

    ids = []
    with store.transaction() as session:
        for seq in range(start, start + count):
            case = Case(unit_id=unit_id, kind="dispute", number=f"（2026）青调字第{seq:03d}号",
                        number_year=2026, number_seq=seq, title=f"{title}{seq}",
                        received_on=date(2026, 3, 1))
            session.add(case)
            session.flush()
            audit.record(session, actor="测试员", action="create", entity="case", entity_id=case.id,
                         after=audit.snapshot(case))
            ids.append(case.id)
    return ids


def rename_case(store, case_id: str, title: str) -> None:
    from mediation_desk.store import audit
    from mediation_desk.store.models import Case

    with store.transaction() as session:
        case = session.get(Case, case_id)
        before = audit.snapshot(case)
        case.title = title
        case.version += 1
        session.add(case)
        session.flush()
        audit.record(session, actor="测试员", action="update", entity="case", entity_id=case.id,
                     before=before, after=audit.snapshot(case))


def sql(path: Path, query: str, *args) -> list[tuple]:
    """Run one query on a file through a separate plain sqlite3 connection."""
    with closing(sqlite3.connect(str(path))) as conn:
        rows = conn.execute(query, args).fetchall()
        conn.commit()
        return rows


def case_titles(path: Path) -> list[str]:
    return [r[0] for r in sql(path, 'SELECT title FROM "case" ORDER BY number_seq')]


def integrity(path: Path) -> list[str]:
    return [r[0] for r in sql(path, "PRAGMA integrity_check")]


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def set_user_version(path: Path, version: int) -> None:
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute(f"PRAGMA user_version={int(version)}")
        conn.commit()


class _Helpers:
    """The helpers above, handed to tests as the `dbh` fixture (no imports from conftest)."""

    make_unit = staticmethod(make_unit)
    add_cases = staticmethod(add_cases)
    rename_case = staticmethod(rename_case)
    sql = staticmethod(sql)
    case_titles = staticmethod(case_titles)
    integrity = staticmethod(integrity)
    file_digest = staticmethod(file_digest)
    set_user_version = staticmethod(set_user_version)
    fixtures = FIXTURES


@pytest.fixture
def dbh() -> type[_Helpers]:
    return _Helpers
