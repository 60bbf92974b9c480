"""Schema versions: the stored version-1 file opens with this program; the ladder is atomic."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from mediation_desk.store import migrations
from mediation_desk.store.engine import open_store, schema_version
from mediation_desk.store.migrations import SCHEMA_VERSION, MigrationError

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.sqlite"
# Tables of the search index are derived data a migration may rebuild; everything else is kept.
DERIVED_PREFIXES = ("case_search", "party_search", "sqlite_")


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _rows(conn: sqlite3.Connection, table: str) -> dict[tuple, dict]:
    """Rows keyed by primary key (rowid when none), as column → value dicts."""
    info = list(conn.execute(f'PRAGMA table_info("{table}")'))
    pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or ["rowid"]
    cols = [r[1] for r in info]
    select_cols = ", ".join(f'"{c}"' for c in (pk if pk == ["rowid"] else []) + cols)
    out = {}
    for values in conn.execute(f'SELECT {select_cols} FROM "{table}"'):
        row = dict(zip((pk if pk == ["rowid"] else []) + cols, values))
        out[tuple(row[k] for k in pk)] = row
    return out


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE, target)
    return target


def test_fixture_is_a_small_version_1_file():
    assert FIXTURE.stat().st_size < 300_000
    with closing(sqlite3.connect(f"{FIXTURE.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1, "never regenerate the fixture"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute('SELECT count(*) FROM "case"').fetchone()[0] == 2


def test_version_1_file_opens_and_keeps_every_row(v1_copy: Path):
    with closing(sqlite3.connect(str(FIXTURE))) as old:
        before = {t: _rows(old, t) for t in _tables(old) if not t.startswith(DERIVED_PREFIXES)}
    assert sum(len(rows) for rows in before.values()) > 200

    store = open_store(v1_copy)
    try:
        assert schema_version(store.engine) == SCHEMA_VERSION
        if SCHEMA_VERSION > 1:
            assert store.migrated_from == 1
            assert store.pre_migration_copy is not None and store.pre_migration_copy.exists()
            with closing(sqlite3.connect(str(store.pre_migration_copy))) as copy:
                assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
        else:
            assert store.migrated_from is None
        # the ORM reads every old row with the current models
        from mediation_desk.store.models import ALL_TABLES

        with store.session() as session:
            for model in ALL_TABLES:
                session.exec(select(model)).all()
        # and the search index answers for the old rows
        from mediation_desk.store import search

        with store.engine.connect() as conn:
            assert search.index_is_complete(conn)
    finally:
        store.close()

    with closing(sqlite3.connect(str(v1_copy))) as new:
        for table, rows in before.items():
            now = _rows(new, table)
            for key, row in rows.items():
                assert key in now, f"{table} row {key} lost"
                for column, value in row.items():
                    if column in now[key]:
                        assert now[key][column] == value, f"{table}.{column} of {key} changed"


def test_party_with_id_number_survives(v1_copy: Path):
    store = open_store(v1_copy)
    try:
        from mediation_desk.store.models import Party

        with store.session() as session:
            party = session.exec(select(Party).where(Party.id_number == "11010519491231002X")).one()
            assert party.name == "王秀英" and party.birth_date.isoformat() == "1949-12-31"
    finally:
        store.close()


# --------------------------------------------------------------------------- the ladder itself


def _add_flag(conn):
    conn.execute(text('ALTER TABLE "case" ADD COLUMN flag2 INTEGER NOT NULL DEFAULT 0'))
    conn.execute(text('UPDATE "case" SET flag2 = 1 WHERE kind = \'petition\''))


def _fake_ladder(monkeypatch, steps: dict):
    top = max([1, *steps])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", top)
    monkeypatch.setattr(migrations, "MIGRATIONS", dict(steps))


def test_ladder_runs_a_step_bumps_version_and_copies_first(v1_copy: Path, monkeypatch):
    _fake_ladder(monkeypatch, {2: _add_flag})
    store = open_store(v1_copy)
    try:
        assert schema_version(store.engine) == 2 and store.migrated_from == 1
        copy = store.pre_migration_copy
        assert copy is not None and copy.exists() and "before-v2" in copy.name
        with store.engine.connect() as conn:
            flags = dict(conn.execute(text('SELECT kind, flag2 FROM "case"')).all())
        assert flags == {"dispute": 0, "petition": 1}
    finally:
        store.close()
    with closing(sqlite3.connect(str(copy))) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "flag2" not in _columns(old, "case")
        assert old.execute('SELECT count(*) FROM "case"').fetchone()[0] == 2
        assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # opening again runs nothing
    again = open_store(v1_copy)
    try:
        assert again.migrated_from is None and again.pre_migration_copy is None
    finally:
        again.close()


def test_failing_step_rolls_back_completely(v1_copy: Path, monkeypatch):
    def half_done(conn):
        _add_flag(conn)
        conn.execute(text("CREATE TABLE case_tag (id TEXT PRIMARY KEY, tag TEXT)"))
        conn.execute(text("INSERT INTO case_tag VALUES ('a', '重点')"))
        conn.execute(text('UPDATE "case" SET title = \'被改坏\''))
        raise RuntimeError("step 2 failed")

    with closing(sqlite3.connect(str(v1_copy))) as conn:
        titles = sorted(r[0] for r in conn.execute('SELECT title FROM "case"'))
    _fake_ladder(monkeypatch, {2: half_done})
    with pytest.raises(MigrationError) as caught:
        open_store(v1_copy)
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "已撤销" in str(caught.value) and "升级前的副本" in str(caught.value)
    assert list(v1_copy.parent.glob("old.before-v2-*.sqlite")), "copy made before migrating"

    with closing(sqlite3.connect(str(v1_copy))) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "flag2" not in _columns(conn, "case")
        assert "case_tag" not in _tables(conn)
        assert sorted(r[0] for r in conn.execute('SELECT title FROM "case"')) == titles
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    _fake_ladder(monkeypatch, {})  # the version-1 program still opens the file
    store = open_store(v1_copy)
    try:
        assert schema_version(store.engine) == 1 and store.migrated_from is None
    finally:
        store.close()


def test_failure_in_a_later_step_keeps_the_last_good_version(v1_copy: Path, monkeypatch):
    def broken(conn):
        conn.execute(text("CREATE TABLE half (x)"))
        raise RuntimeError("step 3 failed")

    _fake_ladder(monkeypatch, {2: _add_flag, 3: broken})
    with pytest.raises(MigrationError):
        open_store(v1_copy)
    with closing(sqlite3.connect(str(v1_copy))) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert "flag2" in _columns(conn, "case") and "half" not in _tables(conn)


def test_missing_step_is_refused(v1_copy: Path, monkeypatch):
    _fake_ladder(monkeypatch, {3: _add_flag})
    with pytest.raises(MigrationError) as info:
        open_store(v1_copy)
    assert "缺少" in str(info.value)
    with closing(sqlite3.connect(str(v1_copy))) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_creating_a_new_file_is_all_or_nothing(tmp_path: Path, monkeypatch):
    from mediation_desk.store import vocab

    def broken_seed(conn):
        raise RuntimeError("vocabulary file unreadable")

    path = tmp_path / "new.sqlite"
    monkeypatch.setattr(vocab, "seed_defaults", broken_seed)
    with pytest.raises(RuntimeError):
        open_store(path)
    with closing(sqlite3.connect(str(path))) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert _tables(conn) == []
    monkeypatch.undo()
    store = open_store(path)  # a later start creates it properly
    try:
        assert schema_version(store.engine) == SCHEMA_VERSION
    finally:
        store.close()


def test_unversioned_file_with_tables_is_refused(v1_copy: Path):
    with closing(sqlite3.connect(str(v1_copy))) as conn:
        conn.execute("PRAGMA user_version=0")
        conn.commit()
    with pytest.raises(MigrationError) as info:
        open_store(v1_copy)
    assert "版本" in str(info.value)


def _schema(path: Path) -> dict[tuple[str, str], str]:
    with closing(sqlite3.connect(str(path))) as conn:
        return {(kind, name): " ".join((sql or "").split())
                for kind, name, sql in conn.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")}


def test_upgraded_old_file_has_exactly_the_schema_of_a_new_file(v1_copy: Path, tmp_path: Path):
    """Changing a table without writing a migration step fails here: the released version-1 file,
    brought up to date by the ladder, must look exactly like a file created by this program."""
    open_store(v1_copy).close()
    fresh = tmp_path / "fresh.sqlite"
    open_store(fresh).close()
    old, new = _schema(v1_copy), _schema(fresh)
    assert sorted(old) == sorted(new), "tables/indexes differ: add a migration to store/migrations.py"
    for key, sql in new.items():
        assert old[key] == sql, f"{key[0]} {key[1]} differs from a new file: add a migration"
