"""Opening the store: engine with safe pragmas, integrity check, schema version and migrations.

Schema versions are one integer kept in SQLite's `PRAGMA user_version` (and in the `setting`
table under `schema_version` for non-SQLite URLs). Upgrades run an ordered ladder of
migration functions in `store.migrations`, each in its own transaction, after a copy of the file
has been made with the online backup API. A database newer than this program is refused.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from . import models  # noqa: F401  (registers the tables)
from .errors import CorruptError, NewerSchemaError, StoreError, translate

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
#: Files larger than this are opened without waiting for `PRAGMA quick_check` (it reads every page:
#: ~1 s warm, 5–16 s cold for a 1 GB file); the desktop runs the check in the background instead.
DEFER_CHECK_BYTES = 256 * 1024 * 1024


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    kwargs: dict = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


@dataclass
class Store:
    """An open database: the engine plus facts the UI shows (path, warnings)."""

    engine: Engine
    url: str
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    migrated_from: int | None = None
    pre_migration_copy: Path | None = None
    check_deferred: bool = False  # quick_check still to run (see `open_store(check=...)`)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def data_dir(self) -> Path | None:
        return self.path.parent if self.path else None

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error (re-raised, translated)."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException as error:
            session.rollback()
            translated = translate(error)
            if translated is not None and translated is not error:
                raise translated from error
            raise
        finally:
            session.close()

    def raw_connection(self) -> sqlite3.Connection:
        """A plain sqlite3 connection to the same file (backup API, FTS maintenance)."""
        if not self.path:
            raise StoreError("只有本地数据文件支持这项操作。")
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
        _set_sqlite_pragmas(conn, None)
        return conn

    def close(self) -> None:
        self.engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve().as_posix()}"


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return int(conn.execute(text("PRAGMA user_version")).scalar() or 0)
        row = conn.execute(text("SELECT value FROM setting WHERE key='schema_version'")).first()
        return int(row[0]) if row else 0


def set_schema_version(conn, version: int) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"PRAGMA user_version={int(version)}"))


def quick_check(engine: Engine) -> list[str]:
    """`PRAGMA quick_check`; returns the problems found (empty list when fine)."""
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
    return [] if rows == ["ok"] else rows


def integrity_check(engine: Engine) -> list[str]:
    """Full `PRAGMA integrity_check` plus foreign-key check; empty list when fine."""
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        problems = [] if rows == ["ok"] else rows
        for fk in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"外键不一致：表 {fk[0]} 第 {fk[1]} 行引用了不存在的 {fk[2]}")
    return problems


def location_warning(path: Path) -> str | None:
    """A warning when the file sits on a network share or a removable drive."""
    resolved = str(Path(path).resolve())
    if os.name == "nt":
        if resolved.startswith("\\\\"):
            return "数据文件放在网络共享上，断网或多人同时打开可能损坏数据。建议放在本机硬盘上。"
        try:
            import ctypes

            drive = os.path.splitdrive(resolved)[0] + "\\"
            kind = ctypes.windll.kernel32.GetDriveTypeW(drive)  # type: ignore[attr-defined]
            if kind == 4:
                return "数据文件放在网络驱动器上，断网或多人同时打开可能损坏数据。建议放在本机硬盘上。"
            if kind == 2:
                return "数据文件放在U盘等可移动磁盘上，拔出前请先关闭程序，并定期备份到本机。"
        except Exception:  # pragma: no cover - best effort on Windows only
            return None
        return None
    try:
        best, fstype = "", ""
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3 and resolved.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, fstype = parts[1], parts[2]
        if fstype in {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p"}:
            return "数据文件放在网络共享上，断网或多人同时打开可能损坏数据。建议放在本机硬盘上。"
        if best.startswith(("/media/", "/run/media/")):
            return "数据文件放在U盘等可移动磁盘上，拔出前请先关闭程序，并定期备份到本机。"
    except OSError:
        return None
    return None


def copy_database(source: sqlite3.Connection, target_path: Path) -> Path:
    """Consistent, self-contained copy through SQLite's online backup API.

    Written under a temporary name, switched out of WAL mode (one file on its own), checked with
    `PRAGMA integrity_check`, then renamed: a failure never leaves a half copy under the name.
    """
    target_path.parent.mkdir(parents=True, exist_ok=True)
    temp = target_path.with_name(f".{target_path.name}.part{os.getpid()}")
    try:
        target = sqlite3.connect(str(temp))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            rows = [r[0] for r in target.execute("PRAGMA integrity_check")]
            target.commit()
        finally:
            target.close()
        if rows != ["ok"]:
            raise CorruptError("复制数据文件时校验失败，原文件未做任何改动。", detail="; ".join(rows[:5]))
        os.replace(temp, target_path)
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            if leftover.exists():
                leftover.unlink()
    return target_path


def open_store(path: Path | str | None = None, *, url: str | None = None, create: bool = True,
               check: str = "always") -> Store:
    """Open (and create or upgrade) the store at `path` or an SQLAlchemy `url`.

    `check`: "always" runs `PRAGMA quick_check` before anything else; "auto" does so only for
    files up to DEFER_CHECK_BYTES and otherwise sets `Store.check_deferred` so the caller runs
    `quick_check(store.engine)` in the background. A file that is about to be migrated is always
    checked first. Raises StoreError subclasses with Chinese messages for environmental problems.
    """
    from .migrations import SCHEMA_VERSION, MigrationError, upgrade

    db_path: Path | None = None
    if url is None:
        if path is None:
            raise ValueError("path or url required")
        db_path = Path(path)
        if not db_path.exists() and not create:
            raise StoreError(f"找不到数据文件：{db_path}")
        if db_path.exists() and db_path.is_dir():
            raise StoreError(f"“{db_path}”是一个文件夹，请选择数据文件。")
        db_path.parent.mkdir(parents=True, exist_ok=True)
        url = sqlite_url(db_path)
    engine: Engine | None = None
    try:
        engine = make_engine(url)
        store = Store(engine=engine, url=url, path=db_path)
        current = schema_version(engine)
        if store.is_sqlite:
            large = db_path is not None and db_path.exists() and db_path.stat().st_size > DEFER_CHECK_BYTES
            if check == "auto" and large and current == SCHEMA_VERSION:
                store.check_deferred = True
            else:
                problems = quick_check(engine)
                if problems:
                    raise CorruptError(
                        "数据文件完整性检查未通过，可能已损坏。请使用“从备份恢复”。",
                        detail="; ".join(problems[:5]),
                    )
        if current > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"这个数据文件由更新版本的调解工作台创建（数据版本 {current}，本程序支持到 {SCHEMA_VERSION}）。"
                "请升级程序后再打开，以免数据损坏。"
            )
        if current < SCHEMA_VERSION:
            if current > 0 and db_path is not None:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                copy_path = db_path.with_name(f"{db_path.stem}.before-v{SCHEMA_VERSION}-{stamp}{db_path.suffix}")
                with closing(store.raw_connection()) as raw:
                    copy_database(raw, copy_path)
                store.pre_migration_copy = copy_path
            try:
                upgrade(engine, current)
            except MigrationError as error:
                if store.pre_migration_copy is not None:
                    error.message += f"升级前的副本保存在：{store.pre_migration_copy}"
                    error.args = (error.message,)
                raise
            store.migrated_from = current
        if db_path is not None:
            warning = location_warning(db_path)
            if warning:
                store.warnings.append(warning)
        return store
    except BaseException as error:
        # Release the file: a refused open must not keep it locked (restore comes next).
        if engine is not None:
            engine.dispose()
        if isinstance(error, StoreError):
            raise
        translated = translate(error)
        if translated is not None:
            raise translated from error
        raise


def create_all(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
