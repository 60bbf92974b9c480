"""Opening the store: pragmas, refusals with Chinese messages, error translation."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from mediation_desk.store import engine as eng
from mediation_desk.store.engine import BUSY_TIMEOUT_MS, open_store
from mediation_desk.store.errors import (
    CorruptError, DiskFullError, LockedError, NewerSchemaError, ReadOnlyError, StoreError, translate,
)
from mediation_desk.store.migrations import SCHEMA_VERSION

CJK = re.compile(r"[\u4e00-\u9fff]")


def _pragmas(conn) -> dict:
    return {name: conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


def _nobody_holds(path: Path) -> bool:
    """True when no other connection has the file open (leaving WAL needs exclusive access)."""
    with closing(sqlite3.connect(str(path), timeout=0.2)) as conn:
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            return False
        conn.execute("PRAGMA journal_mode=WAL")
        return mode == "delete"


def test_pragmas_are_in_force_on_every_connection(store, store_path):
    with store.engine.connect() as conn:
        assert _pragmas(conn) == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                                  "busy_timeout": BUSY_TIMEOUT_MS}
    with closing(store.raw_connection()) as raw:
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert eng.schema_version(store.engine) == SCHEMA_VERSION
    assert eng.quick_check(store.engine) == [] and eng.integrity_check(store.engine) == []
    assert store.migrated_from == 0 and store.pre_migration_copy is None


def test_foreign_keys_are_enforced_and_transactions_roll_back(store, dbh, store_path):
    from mediation_desk.store.models import Case

    with pytest.raises(sa_exc.IntegrityError):
        with store.transaction() as session:
            session.add(Case(unit_id="0" * 32, kind="dispute", number="X", number_year=2026,
                             number_seq=1, title="外键", received_on=date(2026, 1, 1)))
    unit = dbh.make_unit(store)
    with pytest.raises(RuntimeError):
        with store.transaction() as session:
            session.add(Case(unit_id=unit, kind="dispute", number="Y", number_year=2026,
                             number_seq=2, title="回滚", received_on=date(2026, 1, 1)))
            session.flush()
            raise RuntimeError("boom")
    assert dbh.case_titles(store_path) == []


def test_reopening_keeps_data_and_does_not_migrate(store, dbh, store_path):
    dbh.add_cases(store, dbh.make_unit(store), 3)
    store.close()
    again = open_store(store_path)
    try:
        assert again.migrated_from is None and again.pre_migration_copy is None
        assert len(dbh.case_titles(store_path)) == 3
    finally:
        again.close()


def test_newer_schema_is_refused_and_the_file_released(store, dbh, store_path):
    store.close()
    dbh.set_user_version(store_path, SCHEMA_VERSION + 1)
    before = dbh.file_digest(store_path)
    with pytest.raises(NewerSchemaError) as info:
        open_store(store_path)
    assert "更新版本" in str(info.value) and str(SCHEMA_VERSION + 1) in str(info.value)
    assert dbh.file_digest(store_path) == before
    assert _nobody_holds(store_path)  # a refused open must not keep the file locked


def test_a_non_database_file_is_refused_in_chinese(tmp_path, dbh):
    path = tmp_path / "报表.sqlite"
    content = "这不是数据库，是一份报表。\n".encode("utf-8") * 400
    path.write_bytes(content)
    with pytest.raises(CorruptError) as info:
        open_store(path)
    assert CJK.search(str(info.value))
    assert path.read_bytes() == content


def test_a_damaged_database_fails_the_check_at_open(store, dbh, store_path):
    dbh.add_cases(store, dbh.make_unit(store), 300)
    store.close()  # last connection: WAL checkpointed into the main file
    data = bytearray(store_path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 8: offset + 300] = b"\x5a" * 292
    store_path.write_bytes(bytes(data))
    with pytest.raises(CorruptError) as info:
        open_store(store_path)
    assert CJK.search(str(info.value))


def test_open_refuses_a_folder_and_a_missing_file(tmp_path):
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert "文件夹" in str(info.value)
    with pytest.raises(StoreError) as info:
        open_store(tmp_path / "nope.sqlite", create=False)
    assert "找不到" in str(info.value)
    assert not (tmp_path / "nope.sqlite").exists()


def test_writes_to_a_read_only_file_raise_read_only_error(store, dbh, store_path):
    """chmod 444 first; as root (or where chmod does not stop writes) open the file ?mode=ro."""
    unit = dbh.make_unit(store)
    store.close()
    os.chmod(store_path, 0o444)
    try:
        root_can_write = os.access(store_path, os.W_OK)
        if not root_can_write:
            ro = open_store(store_path)
        else:
            ro = open_store(url=f"sqlite:///file:{store_path.resolve().as_posix()}?mode=ro&uri=true")
        try:
            assert len(dbh.case_titles(store_path)) == 0
            with pytest.raises(ReadOnlyError) as info:
                dbh.add_cases(ro, unit, 1)
            assert "只读" in str(info.value)
        finally:
            ro.close()
    finally:
        os.chmod(store_path, 0o644)
    assert dbh.integrity(store_path) == ["ok"]


def test_location_warning_is_quiet_for_a_local_path(tmp_path, store):
    assert eng.location_warning(tmp_path / "x.sqlite") is None
    assert store.warnings == []


@pytest.mark.parametrize("error, kind", [
    (sqlite3.OperationalError("database or disk is full"), DiskFullError),
    (sqlite3.OperationalError("database is locked"), LockedError),
    (sqlite3.DatabaseError("file is not a database"), CorruptError),
    (sqlite3.DatabaseError("database disk image is malformed"), CorruptError),
    (sqlite3.OperationalError("attempt to write a readonly database"), ReadOnlyError),
    (OSError(errno.ENOSPC, "No space left on device"), DiskFullError),
    (OSError(errno.EROFS, "Read-only file system"), ReadOnlyError),
])
def test_translate_maps_environmental_errors(error, kind):
    translated = translate(error)
    assert type(translated) is kind
    assert CJK.search(str(translated)) and translated.detail
    wrapped = sa_exc.OperationalError("INSERT ...", {}, error) if isinstance(error, sqlite3.Error) else None
    if wrapped is not None:
        assert type(translate(wrapped)) is kind


def test_translate_leaves_bugs_alone():
    assert translate(ValueError("database is locked")) is None
    assert translate(sqlite3.OperationalError("no such table: casez")) is None
    own = LockedError("已占用")
    assert translate(own) is own


def test_store_transaction_translates_locked(store, dbh, store_path, monkeypatch):
    """A write blocked by another program's lock surfaces as LockedError (busy timeout shortened)."""
    unit = dbh.make_unit(store)
    store.close()
    monkeypatch.setattr(eng, "BUSY_TIMEOUT_MS", 200)
    short = open_store(store_path)
    blocker = sqlite3.connect(str(store_path), isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(LockedError) as info:
            dbh.add_cases(short, unit, 1)
        assert CJK.search(str(info.value))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        short.close()


def test_large_files_defer_the_integrity_check_to_the_caller(tmp_path, monkeypatch):
    """The desktop opens a big file at once and runs the integrity check afterwards."""
    from mediation_desk.services import desktop
    from mediation_desk.store import engine as engine_mod

    path = tmp_path / "big.sqlite"
    engine_mod.open_store(path).close()
    monkeypatch.setattr(engine_mod, "DEFER_CHECK_BYTES", 0)
    desk = desktop.open_desk(path)
    try:
        assert desk.store.check_deferred
        assert desktop.deferred_check(desk) is None
        assert not desk.store.check_deferred
    finally:
        desk.close()
    store = engine_mod.open_store(path)  # the default still checks before opening
    try:
        assert not store.check_deferred
    finally:
        store.close()
