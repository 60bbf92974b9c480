"""Backups through the SQLite backup API, automatic backups, thinning and restore."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_desk.store import backup as bk
from mediation_desk.store.backup import BackupPolicy, plan_thinning
from mediation_desk.store.errors import (
    CorruptError, DiskFullError, LockedError, NewerSchemaError, ReadOnlyError, StoreError,
)

NAME_RE = re.compile(r"^调解工作台备份-\d{8}-\d{6}(-\d+)?\.sqlite$")
CJK = re.compile(r"[\u4e00-\u9fff]")
DAY1 = datetime(2026, 11, 27, 9, 0, 0)


def _has_chinese(text: str) -> bool:
    return bool(CJK.search(text))


# --------------------------------------------------------------------------- backup_now


def test_backup_now_makes_a_verified_self_contained_copy(store, dbh, tmp_path):
    unit = dbh.make_unit(store)
    dbh.add_cases(store, unit, 30)
    fractions: list[float] = []

    path = bk.backup_now(store, progress=fractions.append)

    assert path.parent == tmp_path / "backups" == bk.default_backup_dir(store)
    assert NAME_RE.match(path.name)
    assert dbh.integrity(path) == ["ok"]
    assert len(dbh.case_titles(path)) == 30
    # A backup is one file: rollback-journal mode, no -wal/-shm beside it, no temporary left.
    assert dbh.sql(path, "PRAGMA journal_mode")[0][0] == "delete"
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, "backups.json"])
    assert fractions and fractions[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions)

    manifest = json.loads((path.parent / "backups.json").read_text(encoding="utf-8"))
    (entry,) = manifest["backups"]
    assert entry["file"] == path.name and entry["reason"] == "manual"
    assert entry["marker"]["case_count"] == 30 and entry["marker"]["audit_count"] == 31
    assert entry["marker"]["last_audit_at"]
    assert bk.verify_backup(path) == []


def test_backup_file_passes_the_sqlite_cli_check(store, dbh):
    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 command-line tool not installed")
    dbh.add_cases(store, dbh.make_unit(store), 5)
    path = bk.backup_now(store)
    out = subprocess.run(["sqlite3", str(path), "PRAGMA integrity_check;"], capture_output=True,
                         text=True, timeout=30)
    assert out.stdout.strip() == "ok"


def test_backup_names_get_a_counter_and_to_dir_is_honoured(store, dbh, tmp_path):
    dbh.make_unit(store)
    elsewhere = tmp_path / "U盘" / "备份"
    first = bk.backup_now(store, elsewhere, now=DAY1)
    second = bk.backup_now(store, elsewhere, now=DAY1)
    assert first.name == "调解工作台备份-20261127-090000.sqlite"
    assert second.name == "调解工作台备份-20261127-090000-2.sqlite"
    infos = bk.list_backups(elsewhere)
    assert [i.path for i in infos] == [second, first]
    assert all(i.reason == "manual" and i.size > 0 for i in infos)
    assert not (tmp_path / "backups").exists()


def test_backup_failure_leaves_no_file_and_says_why_in_chinese(store, dbh, monkeypatch):
    dbh.make_unit(store)

    def disk_full(source, target_path, progress=None):
        Path(target_path).write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # half written
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(bk, "_copy_with_backup_api", disk_full)
    with pytest.raises(DiskFullError) as info:
        bk.backup_now(store)
    assert _has_chinese(str(info.value)) and "磁盘" in str(info.value)
    folder = bk.default_backup_dir(store)
    assert list(folder.iterdir()) == []
    assert bk.list_backups(folder) == []


def test_backup_rename_failure_keeps_final_name_free(store, dbh, monkeypatch):
    dbh.make_unit(store)

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(bk.os, "replace", refuse)
    with pytest.raises(ReadOnlyError) as info:
        bk.backup_now(store)
    assert _has_chinese(str(info.value))
    assert list(bk.default_backup_dir(store).iterdir()) == []


# --------------------------------------------------------------------------- restore


def test_backup_modify_restore_round_trip(store, dbh, store_path):
    unit = dbh.make_unit(store)
    ids = dbh.add_cases(store, unit, 3)
    made = bk.backup_now(store)
    dbh.add_cases(store, unit, 2, start=4)
    dbh.rename_case(store, ids[0], "改过的名称")
    assert len(dbh.case_titles(store_path)) == 5
    store.close()  # the caller closes its Store before restoring

    safety = bk.restore(store_path, made)

    assert safety is not None and safety.parent == store_path.parent
    assert re.match(r"^x\.before-restore-\d{8}-\d{6}(-\d+)?\.sqlite$", safety.name)
    assert dbh.case_titles(store_path) == ["宅基地纠纷1", "宅基地纠纷2", "宅基地纠纷3"]
    assert dbh.case_titles(safety) == ["改过的名称", "宅基地纠纷2", "宅基地纠纷3", "宅基地纠纷4", "宅基地纠纷5"]
    assert dbh.integrity(store_path) == ["ok"] and dbh.integrity(safety) == ["ok"]
    assert dbh.sql(store_path, "PRAGMA journal_mode")[0][0] == "wal"
    assert dbh.sql(store_path, "SELECT count(*) FROM audit_entry WHERE action='restore'")[0][0] == 1

    from mediation_desk.store.engine import open_store

    reopened = open_store(store_path)
    try:
        from mediation_desk.store.models import Case
        from sqlmodel import select

        with reopened.session() as session:
            assert len(session.exec(select(Case)).all()) == 3
        # the restore changed the data (audit row), so the next automatic backup will run
        assert bk.has_changed_since_last_backup(reopened, bk.default_backup_dir(reopened))
    finally:
        reopened.close()


def test_restore_refuses_a_corrupt_file_and_leaves_live_file_untouched(store, dbh, store_path, tmp_path):
    dbh.add_cases(store, dbh.make_unit(store), 3)
    store.close()
    before = dbh.file_digest(store_path)
    garbage = tmp_path / "调解工作台备份-20260101-000000.sqlite"
    garbage.write_bytes(bytes(range(256)) * 64)

    assert bk.verify_backup(garbage) and _has_chinese(bk.verify_backup(garbage)[0])
    with pytest.raises(CorruptError) as info:
        bk.restore(store_path, garbage)
    assert _has_chinese(str(info.value)) and "没有改动" in str(info.value)
    assert dbh.file_digest(store_path) == before
    assert not list(tmp_path.glob("x.before-restore-*"))


def test_restore_refuses_a_damaged_sqlite_file(store, dbh, store_path, tmp_path):
    dbh.add_cases(store, dbh.make_unit(store), 200)
    made = bk.backup_now(store)
    store.close()
    data = bytearray(made.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for offset in range(2 * page, len(data) - page, page):  # trash every page but the first
        data[offset + 8: offset + 200] = b"\xa5" * 192
    made.write_bytes(bytes(data))
    before = dbh.file_digest(store_path)
    with pytest.raises(CorruptError):
        bk.restore(store_path, made)
    assert dbh.file_digest(store_path) == before


def test_restore_refuses_a_newer_schema(store, dbh, store_path, tmp_path):
    from mediation_desk.store.migrations import SCHEMA_VERSION

    dbh.add_cases(store, dbh.make_unit(store), 2)
    made = bk.backup_now(store)
    dbh.set_user_version(made, SCHEMA_VERSION + 5)
    store.close()
    before = dbh.file_digest(store_path)

    problems = bk.verify_backup(made)
    assert len(problems) == 1 and "更新版本" in problems[0]
    with pytest.raises(NewerSchemaError) as info:
        bk.restore(store_path, made)
    assert "更新版本" in str(info.value)
    assert dbh.file_digest(store_path) == before
    assert not list(tmp_path.glob("x.before-restore-*"))


def test_restore_refuses_a_foreign_sqlite_file(store, store_path, tmp_path, dbh):
    store.close()
    other = tmp_path / "other.sqlite"
    dbh.sql(other, "CREATE TABLE notes (x TEXT)")
    problems = bk.verify_backup(other)
    assert problems and "不是调解工作台" in problems[0]
    with pytest.raises(StoreError):
        bk.restore(store_path, other)
    assert bk.verify_backup(tmp_path / "missing.sqlite")


def test_restore_stops_while_the_file_is_still_open(store, dbh, store_path):
    dbh.add_cases(store, dbh.make_unit(store), 2)
    made = bk.backup_now(store)
    dbh.add_cases(store, dbh.sql(store_path, "SELECT id FROM unit")[0][0], 1, start=3)
    with store.engine.connect() as conn:  # the Store was not closed
        conn.exec_driver_sql('SELECT count(*) FROM "case"').all()
        with pytest.raises(LockedError) as info:
            bk.restore(store_path, made)
    assert _has_chinese(str(info.value))
    assert len(dbh.case_titles(store_path)) == 3
    assert not list(store_path.parent.glob("x.before-restore-*"))  # checked before copying
    store.close()


def test_restore_over_a_corrupt_live_file_keeps_its_bytes(store, dbh, store_path):
    dbh.add_cases(store, dbh.make_unit(store), 4)
    made = bk.backup_now(store)
    store.close()
    ruined = b"\x00garbage\xff" * 5000
    store_path.write_bytes(ruined)

    safety = bk.restore(store_path, made)

    assert safety.read_bytes() == ruined
    assert len(dbh.case_titles(store_path)) == 4
    assert dbh.integrity(store_path) == ["ok"]


def test_restore_into_an_empty_file_keeps_it_as_safety_copy(store, dbh, store_path, tmp_path):
    dbh.add_cases(store, dbh.make_unit(store), 2)
    made = bk.backup_now(store)
    empty = tmp_path / "空.sqlite"
    empty.touch()
    safety = bk.restore(empty, made)
    assert safety is not None and safety.exists()
    assert len(dbh.case_titles(empty)) == 2


def test_restore_to_a_missing_file(dbh, store, tmp_path):
    dbh.add_cases(store, dbh.make_unit(store), 2)
    made = bk.backup_now(store)
    target = tmp_path / "新电脑" / "data.sqlite"
    assert bk.restore(target, made) is None
    assert len(dbh.case_titles(target)) == 2


# --------------------------------------------------------------------------- automatic backups


def test_has_changed_since_last_backup(store, dbh):
    folder = bk.default_backup_dir(store)
    assert bk.has_changed_since_last_backup(store, folder)  # no backup yet
    unit = dbh.make_unit(store)
    bk.backup_now(store)
    assert not bk.has_changed_since_last_backup(store, folder)
    ids = dbh.add_cases(store, unit, 1)
    assert bk.has_changed_since_last_backup(store, folder)
    bk.backup_now(store)
    assert not bk.has_changed_since_last_backup(store, folder)
    dbh.rename_case(store, ids[0], "新名称")  # same counts, newer audit row
    assert bk.has_changed_since_last_backup(store, folder)


def test_auto_backup_only_when_changed_and_once_a_day(store, dbh):
    policy = BackupPolicy()
    folder = bk.default_backup_dir(store)
    unit = dbh.make_unit(store)

    first = bk.auto_backup(store, policy, now=DAY1)
    assert first is not None and first.parent == folder
    assert bk.auto_backup(store, policy, now=DAY1 + timedelta(hours=1)) is None  # nothing changed
    assert bk.auto_backup(store, policy, now=DAY1 + timedelta(days=1), on_exit=True) is None

    dbh.add_cases(store, unit, 2)
    assert bk.auto_backup(store, policy, now=DAY1 + timedelta(hours=2)) is None  # already one today
    on_exit = bk.auto_backup(store, policy, now=DAY1 + timedelta(hours=3), on_exit=True)
    assert on_exit is not None
    assert bk.auto_backup(store, policy, now=DAY1 + timedelta(hours=4), on_exit=True) is None

    dbh.add_cases(store, unit, 1, start=3)
    next_day = bk.auto_backup(store, policy, now=DAY1 + timedelta(days=1, hours=1))
    assert next_day is not None
    infos = bk.list_backups(folder)
    # thinning kept the newest of each day: the exit backup replaced the morning one
    assert [i.path for i in infos] == [next_day, on_exit] and not first.exists()
    assert [i.reason for i in infos] == ["auto", "auto-exit"]
    assert bk.last_backup_time(store) == DAY1 + timedelta(days=1, hours=1)


def test_auto_backup_thins_but_never_touches_manual_backups(store, dbh, tmp_path):
    unit = dbh.make_unit(store)
    folder = tmp_path / "auto"
    policy = BackupPolicy(keep_daily=2, keep_weekly=0, keep_monthly=0, folder=folder)
    manual = bk.backup_now(store, folder, now=DAY1 - timedelta(days=30))
    outside = bk.backup_now(store, tmp_path / "elsewhere", now=DAY1 - timedelta(days=30))
    stray = folder / "说明.txt"
    stray.write_text("不是备份", encoding="utf-8")
    made = []
    for day in range(5):
        dbh.add_cases(store, unit, 1, start=day + 1)
        made.append(bk.auto_backup(store, policy, now=DAY1 + timedelta(days=day)))
    assert all(made)
    left = {i.path for i in bk.list_backups(folder)}
    assert left == {manual, made[-1], made[-2]}
    assert outside.exists() and stray.exists()
    names = {e["file"] for e in json.loads((folder / "backups.json").read_text("utf-8"))["backups"]}
    assert names == {p.name for p in left}


def test_list_backups_falls_back_to_file_names(store, dbh):
    dbh.make_unit(store)
    folder = bk.default_backup_dir(store)
    a = bk.backup_now(store, now=DAY1)
    b = bk.backup_now(store, now=DAY1 + timedelta(minutes=5))
    (folder / "backups.json").write_text("{ not json", encoding="utf-8")
    (folder / "随便.sqlite").write_bytes(b"x")
    infos = bk.list_backups(folder)
    assert [(i.path, i.made_at, i.reason) for i in infos] == [
        (b, DAY1 + timedelta(minutes=5), ""), (a, DAY1, "")]
    (folder / "backups.json").unlink()
    assert [i.path for i in bk.list_backups(folder)] == [b, a]
    assert bk.has_changed_since_last_backup(store, folder)  # no marker known: back up again
    assert bk.list_backups(folder / "nope") == []


def test_policy_from_settings():
    assert BackupPolicy.from_settings({}) == BackupPolicy()
    assert BackupPolicy.from_settings(None) == BackupPolicy()
    p = BackupPolicy.from_settings({"backup_keep_daily": "3", "keep_weekly": 2, "backup_folder": "/tmp/b"})
    assert (p.keep_daily, p.keep_weekly, p.keep_monthly, p.folder) == (3, 2, 12, Path("/tmp/b"))
    p = BackupPolicy.from_settings({"backup": {"keep_monthly": -4, "keep_daily": "很多", "folder": ""}})
    assert (p.keep_daily, p.keep_monthly, p.folder) == (7, 0, None)


# --------------------------------------------------------------------------- thinning


def _bucket_keys(moment: datetime):
    return {
        "day": moment.date(),
        "week": moment.isocalendar()[:2],
        "month": (moment.year, moment.month),
    }


def _newest_per_recent_bucket(history, kind, limit):
    """The newest backup of each of the `limit` most recent buckets that have backups."""
    chosen, seen = [], []
    for path, moment in sorted(history, key=lambda item: (item[1], str(item[0])), reverse=True):
        key = _bucket_keys(moment)[kind]
        if key in seen:
            continue
        if len(seen) >= limit:
            break
        seen.append(key)
        chosen.append(path)
    return chosen


histories = st.lists(
    st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 12, 31)),
    min_size=0, max_size=60,
).map(lambda moments: [(Path(f"b{i:03d}.sqlite"), m) for i, m in enumerate(moments)])
policies = st.builds(BackupPolicy, keep_daily=st.integers(0, 8), keep_weekly=st.integers(0, 6),
                     keep_monthly=st.integers(0, 13))


@settings(max_examples=300, deadline=None)
@given(history=histories, policy=policies, later=st.timedeltas(timedelta(0), timedelta(days=400)))
def test_plan_thinning_properties(history, policy, later):
    now = max((m for _, m in history), default=datetime(2026, 1, 1)) + later
    doomed = plan_thinning(history, policy, now)
    paths = [p for p, _ in history]
    kept = [item for item in history if item[0] not in doomed]

    assert set(doomed) <= set(paths) and len(doomed) == len(set(doomed))
    if history:
        newest = max(history, key=lambda item: (item[1], str(item[0])))[0]
        assert newest not in doomed
    assert len(kept) <= policy.keep_daily + policy.keep_weekly + policy.keep_monthly + 1
    for kind, limit in (("day", policy.keep_daily), ("week", policy.keep_weekly),
                        ("month", policy.keep_monthly)):
        for path in _newest_per_recent_bucket(history, kind, limit):
            assert path not in doomed, (kind, path)
    # Stable: thinning what is left deletes nothing more (no creeping loss run after run).
    assert plan_thinning(kept, policy, now) == []


@settings(max_examples=100, deadline=None)
@given(history=histories, policy=policies)
def test_plan_thinning_keeps_backups_dated_in_the_future(history, policy):
    now = datetime(2025, 6, 1)
    doomed = set(plan_thinning(history, policy, now))
    assert all(path not in doomed for path, moment in history if moment > now)


def test_plan_thinning_example():
    base = datetime(2026, 11, 27, 18, 0)
    history = [(Path(f"d{i}-{h}"), base - timedelta(days=i, hours=h)) for i in range(60) for h in (0, 5)]
    policy = BackupPolicy(keep_daily=3, keep_weekly=2, keep_monthly=2)
    doomed = set(plan_thinning(history, policy, base))
    kept = sorted((m for p, m in history if p not in doomed), reverse=True)
    assert kept[:3] == [base, base - timedelta(days=1), base - timedelta(days=2)]
    # 2026-11-27 is a Friday: last week's newest is Sunday 22nd; October's newest is the 31st.
    assert base.replace(day=22) in kept and base.replace(month=10, day=31) in kept
    assert len(kept) == 5
    assert plan_thinning([], policy, base) == []
    only = [(Path("one"), base - timedelta(days=900))]
    assert plan_thinning(only, BackupPolicy(0, 0, 0), base) == []
