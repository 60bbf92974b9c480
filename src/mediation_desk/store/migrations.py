"""Schema versions: one integer and an ordered ladder of migrations.

- A new, empty database is created directly at SCHEMA_VERSION from the current table
  definitions (plus the search index and the default vocabularies).
- An existing database at version N < SCHEMA_VERSION runs MIGRATIONS[N+1], MIGRATIONS[N+2] …
  each in its own transaction; the version number is written inside the same transaction, so a
  failed step leaves the file at the last good version. `open_store` copies the file first.
- Version 1 is the first released schema; tests keep a version-1 file (tests/store/fixtures)
  and open it with every later program.

Why a numbered ladder and not Alembic: the app ships as a frozen desktop program, migrations are
few and must run unattended on a laptop; a ladder of small functions is easy to test from a
stored old file and needs no migration environment in the bundle.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from .errors import StoreError

SCHEMA_VERSION = 1

# MIGRATIONS[n] upgrades a database from version n-1 to n. Version 1 has no step: it is created.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


class MigrationError(StoreError):
    """The upgrade could not finish; the file stays at its last good version."""

    kind = "migration"


def create_fresh(conn: Connection) -> None:
    from . import search, vocab

    SQLModel.metadata.create_all(conn)
    search.create_index(conn)
    vocab.seed_defaults(conn)


def _set_version(conn: Connection, version: int) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"PRAGMA user_version={int(version)}"))
    else:
        conn.execute(text("DELETE FROM setting WHERE key='schema_version'"))
        conn.execute(
            text("INSERT INTO setting (key, value, updated_at) VALUES ('schema_version', :v, CURRENT_TIMESTAMP)"),
            {"v": str(version)},
        )


def _has_tables(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        return conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='case'")).scalar() > 0
    return conn.dialect.has_table(conn, "case")


@contextmanager
def _ddl_transaction(engine: Engine) -> Iterator[Connection]:
    """One real transaction around DDL, DML and the version number.

    Python's sqlite3 driver (legacy transaction control, Python 3.11) opens a transaction only
    before INSERT/UPDATE/DELETE, so under a plain `engine.begin()` CREATE/ALTER and
    `PRAGMA user_version` run in autocommit mode and survive a failed step. On SQLite the driver is
    put in autocommit mode for this connection (SQLAlchemy restores it when the connection goes
    back to the pool) and BEGIN IMMEDIATE / COMMIT / ROLLBACK are issued explicitly.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")


def upgrade(engine: Engine, current: int, *, target: int | None = None,
            ladder: dict[int, Callable[[Connection], None]] | None = None) -> int:
    """Bring the database from `current` to `target` (default SCHEMA_VERSION); returns the new version."""
    target = SCHEMA_VERSION if target is None else target
    ladder = MIGRATIONS if ladder is None else ladder
    if current == 0:
        with _ddl_transaction(engine) as conn:
            if _has_tables(conn):
                raise MigrationError("数据文件缺少版本信息，无法判断如何升级。请联系技术支持。")
            create_fresh(conn)
            _set_version(conn, target)
        return target
    version = current
    while version < target:
        step = ladder.get(version + 1)
        if step is None:
            raise MigrationError(f"缺少从数据版本 {version} 升级到 {version + 1} 的步骤。")
        try:
            with _ddl_transaction(engine) as conn:
                step(conn)
                _set_version(conn, version + 1)
        except StoreError:
            raise
        except Exception as error:
            raise MigrationError(
                f"数据文件从版本 {version} 升级到 {version + 1} 时出错，这一步已撤销，数据仍是版本 {version}。"
                "请把日志文件发给技术支持。", detail=repr(error)) from error
        version += 1
    return version
