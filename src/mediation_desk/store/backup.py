"""Backups and restore of the local SQLite data file.

- Every copy goes through SQLite's online backup API (`sqlite3.Connection.backup`), so it is
  consistent even while the program keeps the file open in WAL mode. A plain file copy of a
  WAL database can miss committed data or catch a half-written page.
- A backup is written under a temporary name, checked with `PRAGMA integrity_check`, switched to
  a self-contained rollback journal (no -wal/-shm beside it), and only then renamed to its final
  name `调解工作台备份-YYYYMMDD-HHMMSS.sqlite`. A crash or a full disk never leaves a half-written
  file under a backup name.
- Each backup folder keeps a small manifest `backups.json` (file, time, reason, size and a change
  marker: newest audit time and row counts). Automatic backups are made only when the marker
  differs from the newest backup's, and are thinned to daily / weekly / monthly (as Anki does).
  Manual backups are never thinned.
- `restore` refuses a backup that fails `verify_backup`, keeps a safety copy of the current file
  and copies the backup *into* the live file through the backup API.

Times in this module (file names, manifest, `made_at`, `now`) are local wall-clock times as naive
`datetime` values: backups are a matter of the user's calendar days. Aware values passed in are
converted to local time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import CorruptError, LockedError, NewerSchemaError, ReadOnlyError, StoreError, translate

log = logging.getLogger(__name__)

BACKUP_PREFIX = "调解工作台备份-"
BACKUP_SUFFIX = ".sqlite"
MANIFEST_NAME = "backups.json"
MANIFEST_VERSION = 1
PAGES_PER_STEP = 1024  # 4 MB per step with 4 KB pages: a few progress updates for a typical file

REASON_MANUAL = "manual"
REASON_AUTO = "auto"
REASON_EXIT = "auto-exit"
#: Reasons of backups that `thin` may delete. Backups whose reason is unknown (found by file name
#: only, manifest lost) are treated as automatic so that the folder cannot grow without limit.
AUTO_REASONS = frozenset({REASON_AUTO, REASON_EXIT, ""})

_NAME_RE = re.compile(r"^调解工作台备份-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite$")
_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Mediation Desk database has had since schema version 1.
_REQUIRED_TABLES = ("case", "unit", "audit_entry", "setting")

ProgressCallback = Callable[[float], None]


# --------------------------------------------------------------------------- policy and info


@dataclass(frozen=True)
class BackupPolicy:
    """How many automatic backups to keep, and where (None: `<data folder>/backups`)."""

    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12
    folder: Path | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> "BackupPolicy":
        """Build a policy from settings, tolerating missing or malformed values.

        Accepts either flat keys (`keep_daily`, `backup_keep_daily`, `backup.keep_daily`) or a
        nested `{"backup": {...}}` dict; `folder` / `backup_folder` / `backup_dir` name the folder.
        """
        settings = dict(settings or {})
        nested = settings.get("backup")
        if isinstance(nested, dict):
            settings = {**settings, **nested}

        def pick(*keys: str) -> Any:
            for key in keys:
                for candidate in (key, f"backup_{key}", f"backup.{key}"):
                    if candidate in settings and settings[candidate] not in (None, ""):
                        return settings[candidate]
            return None

        def count(key: str, default: int) -> int:
            value = pick(key)
            if value is None or isinstance(value, bool):
                return default
            try:
                return max(0, int(value))
            except (TypeError, ValueError):
                return default

        folder_value = pick("folder", "dir")
        folder = Path(str(folder_value)).expanduser() if folder_value else None
        return cls(
            keep_daily=count("keep_daily", cls.keep_daily),
            keep_weekly=count("keep_weekly", cls.keep_weekly),
            keep_monthly=count("keep_monthly", cls.keep_monthly),
            folder=folder,
        )


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime  # local time, naive
    size: int
    reason: str  # manual | auto | auto-exit | before-restore … ("" when only the file was found)


# --------------------------------------------------------------------------- helpers


def _local_naive(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now().replace(microsecond=0)
    if moment.tzinfo is not None:
        return moment.astimezone().replace(tzinfo=None)
    return moment


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S")


def _raise_translated(error: BaseException, what: str) -> None:
    """Re-raise an environmental error as a StoreError with a Chinese message."""
    if isinstance(error, StoreError):
        raise error
    translated = translate(error)
    if translated is not None:
        raise translated from error
    if isinstance(error, PermissionError):
        raise ReadOnlyError(
            f"没有权限{what}。请检查文件夹权限，或换一个文件夹（例如“文档”下的文件夹）。",
            detail=str(error),
        ) from error
    if isinstance(error, FileNotFoundError):
        raise StoreError(f"{what}失败：找不到文件或文件夹。", detail=str(error)) from error
    if isinstance(error, (OSError, sqlite3.Error)):
        raise StoreError(f"{what}失败：{error}", detail=str(error)) from error
    raise error


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name == "nt":
        return
    try:
        fd = os.open(str(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:  # pragma: no cover - best effort
            log.warning("could not remove %s: %s", path, error)


def _sidecars(path: Path) -> tuple[Path, Path, Path]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
            path.with_name(path.name + "-journal"))


def _ro_uri(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


@contextmanager
def _open_read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection; removes the empty -wal/-shm a WAL-mode file makes it create."""
    wal, shm, _journal = _sidecars(path)
    had = {side: side.exists() for side in (wal, shm)}
    try:
        with closing(sqlite3.connect(_ro_uri(path), uri=True)) as conn:
            yield conn
    finally:
        if not wal.exists() or wal.stat().st_size == 0:
            _remove_quietly(*(side for side, existed in had.items() if not existed))


def _integrity_problems(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    return [] if rows == ["ok"] else rows


def _change_marker(conn: sqlite3.Connection) -> dict[str, Any]:
    """What `has_changed_since_last_backup` compares: newest audit time and row counts."""
    last_at, audit_count = conn.execute("SELECT max(at), count(*) FROM audit_entry").fetchone()
    case_count = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return {
        "last_audit_at": None if last_at is None else str(last_at),
        "audit_count": int(audit_count),
        "case_count": int(case_count),
        "schema_version": int(version),
    }


def _store_path(store) -> Path:
    path = getattr(store, "path", None)
    if not path:
        raise StoreError("只有本机上的数据文件可以这样备份；服务器数据库请由管理员备份。")
    return Path(path)


def _copy_with_backup_api(source: sqlite3.Connection, target_path: Path,
                          progress: ProgressCallback | None = None) -> None:
    """Copy `source` into a new file at `target_path` and make it a self-contained file."""
    target = sqlite3.connect(str(target_path))
    try:
        if progress is None:
            source.backup(target)
        else:
            def report(_status: int, remaining: int, total: int) -> None:
                if total > 0:
                    progress(max(0.0, min(1.0, (total - remaining) / total)))

            progress(0.0)
            source.backup(target, pages=PAGES_PER_STEP, progress=report)
        # The copy carries the source's WAL flag; a backup must be one file on its own.
        target.execute("PRAGMA journal_mode=DELETE")
        target.commit()
    finally:
        target.close()


def _fsync_file(path: Path) -> None:
    try:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
    except OSError:  # pragma: no cover - best effort
        pass


# --------------------------------------------------------------------------- manifest


def _read_manifest(folder: Path) -> list[dict[str, Any]]:
    path = Path(folder) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        log.warning("backup manifest %s unreadable, falling back to file names: %s", path, error)
        return []
    entries = data.get("backups") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("file"), str)]


def _write_manifest(folder: Path, entries: list[dict[str, Any]]) -> None:
    folder = Path(folder)
    path = folder / MANIFEST_NAME
    temp = folder / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    payload = {"version": MANIFEST_VERSION, "program": "调解工作台", "backups": entries}
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        _remove_quietly(temp)
        raise


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _local_naive(datetime.fromisoformat(value))
    except ValueError:
        return None


def _time_from_name(name: str) -> datetime | None:
    match = _NAME_RE.match(name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def _newest_marker(folder: Path) -> dict[str, Any] | None:
    """The change marker of the newest backup in `folder` whose file still exists."""
    folder = Path(folder)
    best: tuple[datetime, dict] | None = None
    for entry in _read_manifest(folder):
        marker = entry.get("marker")
        made_at = _parse_time(entry.get("time")) or _time_from_name(entry["file"])
        if not isinstance(marker, dict) or made_at is None:
            continue
        if not (folder / entry["file"]).is_file():
            continue
        if best is None or made_at >= best[0]:
            best = (made_at, marker)
    return best[1] if best else None


# --------------------------------------------------------------------------- public API


def default_backup_dir(store) -> Path:
    """`<data folder>/backups` for a store opened from a local file."""
    return _store_path(store).parent / "backups"


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in `folder`, newest first: manifest entries whose file exists, plus files named
    like backups that the manifest does not know (time taken from the name)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    infos: dict[str, BackupInfo] = {}
    for entry in _read_manifest(folder):
        name = entry["file"]
        if "/" in name or "\\" in name:
            continue
        path = folder / name
        if not path.is_file():
            continue
        made_at = _parse_time(entry.get("time")) or _time_from_name(name)
        if made_at is None:
            made_at = datetime.fromtimestamp(path.stat().st_mtime)
        reason = entry.get("reason") if isinstance(entry.get("reason"), str) else ""
        infos[name] = BackupInfo(path=path, made_at=made_at, size=path.stat().st_size, reason=reason)
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        names = []
    for name in names:
        if name in infos:
            continue
        made_at = _time_from_name(name)
        if made_at is None:
            continue
        path = folder / name
        if not path.is_file():
            continue
        infos[name] = BackupInfo(path=path, made_at=made_at, size=path.stat().st_size, reason="")
    return sorted(infos.values(), key=_order_key, reverse=True)


def _name_counter(path: Path) -> int:
    """1 for a plain backup name, n for its `-n` twin made in the same second, 0 for others."""
    match = _NAME_RE.match(Path(path).name)
    return int(match.group(3) or 1) if match else 0


def _order_key(info: BackupInfo) -> tuple:
    """Oldest → newest: time, then the name's counter (…-2, …-3 come after the plain name)."""
    return (info.made_at, _name_counter(info.path), info.path.name)


def last_backup_time(store, folder: Path | None = None) -> datetime | None:
    """When the newest backup in `folder` (default: the store's backup folder) was made."""
    try:
        folder = Path(folder) if folder is not None else default_backup_dir(store)
    except StoreError:
        return None
    backups = list_backups(folder)
    return backups[0].made_at if backups else None


def current_marker(store) -> dict[str, Any]:
    """The store's change marker (see `_change_marker`)."""
    try:
        with closing(store.raw_connection()) as conn:
            return _change_marker(conn)
    except (sqlite3.Error, OSError) as error:
        _raise_translated(error, "读取数据文件")
        raise  # pragma: no cover


def has_changed_since_last_backup(store, folder: Path) -> bool:
    """True when the data differs from the newest backup recorded in `folder` (or there is none)."""
    previous = _newest_marker(Path(folder))
    if previous is None:
        return True
    return current_marker(store) != previous


def _unique_target(folder: Path, moment: datetime) -> Path:
    base = f"{BACKUP_PREFIX}{_stamp(moment)}"
    candidate = folder / f"{base}{BACKUP_SUFFIX}"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{base}-{counter}{BACKUP_SUFFIX}"
        counter += 1
    return candidate


def _clean_stale_temps(folder: Path, max_age_s: float = 24 * 3600) -> None:
    """Remove temporary files of backups interrupted long ago (a crash or power cut)."""
    now = time.time()
    try:
        for path in folder.glob(f".{BACKUP_PREFIX}*.part*"):
            try:
                if now - path.stat().st_mtime > max_age_s:
                    path.unlink()
            except OSError:
                pass
    except OSError:
        pass


def backup_now(store, to_dir: Path | None = None, *, reason: str = REASON_MANUAL,
               progress: ProgressCallback | None = None, now: datetime | None = None) -> Path:
    """Make a verified, consistent backup of the store's file; returns the backup's path.

    `progress(fraction)` is called with values from 0.0 to 1.0 while pages are copied.
    `now` (local time) names and dates the backup; the real clock when omitted.
    Raises StoreError subclasses with Chinese messages (disk full, read-only folder …).
    """
    db_path = _store_path(store)
    folder = Path(to_dir) if to_dir is not None else default_backup_dir(store)
    moment = _local_naive(now).replace(microsecond=0)
    temp: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _clean_stale_temps(folder)
        target = _unique_target(folder, moment)
        temp = folder / f".{target.name}.part{os.getpid()}"
        _remove_quietly(temp, *_sidecars(temp))
        with closing(store.raw_connection()) as source:
            _copy_with_backup_api(source, temp, progress)
        with closing(sqlite3.connect(str(temp))) as check:
            problems = _integrity_problems(check)
            marker = _change_marker(check) if not problems else None
        if problems:
            raise CorruptError(
                "备份副本没有通过完整性检查，备份未完成。数据文件本身可能有问题，请联系技术支持。",
                detail="; ".join(problems[:5]),
            )
        _fsync_file(temp)
        if target.exists():  # another backup took the name meanwhile
            target = _unique_target(folder, moment)
        os.replace(temp, target)
        temp = None
        _fsync_dir(folder)
        size = target.stat().st_size
        entries = [e for e in _read_manifest(folder) if e.get("file") != target.name]
        entries.append({
            "file": target.name,
            "time": moment.astimezone().isoformat(),
            "reason": reason,
            "size": size,
            "source": str(db_path),
            "marker": marker,
        })
        try:
            _write_manifest(folder, entries)
        except OSError as error:  # the backup itself is complete and found by its name
            log.warning("could not update %s: %s", folder / MANIFEST_NAME, error)
        if progress is not None:
            progress(1.0)
        log.info("backup made: %s (%s, %d bytes)", target, reason, size)
        return target
    except BaseException as error:
        if temp is not None:
            _remove_quietly(temp, *_sidecars(temp))
        _raise_translated(error, "写入备份")
        raise  # pragma: no cover


def auto_backup(store, policy: BackupPolicy | None = None, *, now: datetime | None = None,
                on_exit: bool = False) -> Path | None:
    """Back up when the data changed since the newest backup in the policy's folder.

    Except on exit, at most one automatic backup per calendar day. After a backup the folder is
    thinned by the policy. Returns the new backup's path, or None when none was needed.
    """
    policy = policy or BackupPolicy()
    folder = Path(policy.folder) if policy.folder is not None else default_backup_dir(store)
    moment = _local_naive(now)
    if not has_changed_since_last_backup(store, folder):
        return None
    if not on_exit:
        today = moment.date()
        for info in list_backups(folder):
            if info.reason in (REASON_AUTO, REASON_EXIT) and info.made_at.date() == today:
                return None
    made = backup_now(store, folder, reason=REASON_EXIT if on_exit else REASON_AUTO, now=moment)
    try:
        thin(folder, policy, now=moment)
    except StoreError as error:  # thinning is housekeeping: never fail a good backup over it
        log.warning("thinning %s failed: %s", folder, error)
    return made


def plan_thinning(backups: list[tuple[Path, datetime]], policy: BackupPolicy,
                  now: datetime | None = None) -> list[Path]:
    """Which backups to delete (pure; nothing is touched).

    Keeps the newest backup of each of the last `keep_daily` days that have backups, of each of
    the last `keep_weekly` ISO weeks and of each of the last `keep_monthly` months, and always the
    newest backup overall. Backups dated after `now` (a clock that was wrong) are kept and left
    out of the counting. Returns the paths to delete, oldest first.
    """
    moment = _local_naive(now)
    unique: dict[Path, datetime] = {}
    for path, made_at in backups:
        made_at = _local_naive(made_at)
        if path not in unique or made_at > unique[path]:
            unique[path] = made_at
    ordered = sorted(unique.items(), key=lambda item: (item[1], _name_counter(item[0]), str(item[0])),
                     reverse=True)
    if not ordered:
        return []
    keep: set[Path] = {ordered[0][0]}
    past = [(path, made_at) for path, made_at in ordered if made_at <= moment]
    keep.update(path for path, made_at in ordered if made_at > moment)

    def keep_newest_per_bucket(key: Callable[[datetime], Any], limit: int) -> None:
        seen: list[Any] = []
        for path, made_at in past:  # newest first, so the first of a bucket is its newest
            bucket = key(made_at)
            if bucket in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(bucket)
            keep.add(path)

    if past:
        keep.add(past[0][0])
    keep_newest_per_bucket(lambda m: m.date(), policy.keep_daily)
    keep_newest_per_bucket(lambda m: m.isocalendar()[:2], policy.keep_weekly)
    keep_newest_per_bucket(lambda m: (m.year, m.month), policy.keep_monthly)
    return [path for path, _ in reversed(ordered) if path not in keep]


def thin(folder: Path, policy: BackupPolicy | None = None, now: datetime | None = None) -> list[Path]:
    """Delete the automatic backups in `folder` that `plan_thinning` gives up; returns them.

    Manual backups are never deleted, and only files that `list_backups(folder)` lists are
    considered (nothing outside the folder is ever touched).
    """
    folder = Path(folder)
    policy = policy or BackupPolicy()
    candidates = [info for info in list_backups(folder) if info.reason in AUTO_REASONS]
    plan = plan_thinning([(info.path, info.made_at) for info in candidates], policy, now)
    deleted: list[Path] = []
    for path in plan:
        try:
            path.unlink()
            deleted.append(path)
        except FileNotFoundError:
            deleted.append(path)
        except OSError as error:
            log.warning("could not delete old backup %s: %s", path, error)
    if deleted:
        gone = {p.name for p in deleted}
        entries = [e for e in _read_manifest(folder) if e.get("file") not in gone]
        try:
            _write_manifest(folder, entries)
        except OSError as error:
            log.warning("could not update %s: %s", folder / MANIFEST_NAME, error)
    return deleted


def verify_backup(path: Path) -> list[str]:
    """Problems that make `path` unfit to restore from, as Chinese sentences (empty when fine)."""
    from .migrations import SCHEMA_VERSION

    path = Path(path)
    if not path.is_file():
        return [f"找不到备份文件：{path}"]
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        return [f"无法读取备份文件：{error}"]
    if header != _SQLITE_HEADER:
        return ["这个文件不是调解工作台的备份（不是 SQLite 数据文件），或者已经损坏。"]
    problems: list[str] = []
    try:
        with _open_read_only(path) as conn:
            found = _integrity_problems(conn)
            if found:
                problems.append("备份文件已损坏，没有通过完整性检查：" + "；".join(found[:3]))
                return problems
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in _REQUIRED_TABLES if t not in tables]
        if missing or version <= 0:
            problems.append("这个文件不是调解工作台的数据文件或备份（缺少必要的数据表或版本信息）。")
        elif version > SCHEMA_VERSION:
            problems.append(
                f"这个备份由更新版本的调解工作台制作（数据版本 {version}，本程序支持到 {SCHEMA_VERSION}）。"
                "请先升级程序再恢复。"
            )
    except sqlite3.Error as error:
        text = str(error).lower()
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            problems.append("备份文件已损坏，无法读取。请换一个备份。")
        else:
            problems.append(f"无法读取备份文件：{error}")
    return problems


def _unique_sibling(path: Path, label: str, moment: datetime) -> Path:
    base = f"{path.stem}.{label}-{_stamp(moment)}"
    candidate = path.with_name(f"{base}.sqlite")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{base}-{counter}.sqlite")
        counter += 1
    return candidate


def _finish_copy(temp: Path, target: Path) -> Path:
    os.replace(temp, target)
    _fsync_file(target)
    _fsync_dir(target.parent)
    return target


def _safety_copy_from(live: sqlite3.Connection, store_path: Path, moment: datetime) -> Path:
    """Copy the current data (through the connection that holds the file) beside the file."""
    target = _unique_sibling(store_path, "before-restore", moment)
    temp = target.with_name(f".{target.name}.part{os.getpid()}")
    _remove_quietly(temp, *_sidecars(temp))
    try:
        _copy_with_backup_api(live, temp)
        return _finish_copy(temp, target)
    finally:
        _remove_quietly(temp, *_sidecars(temp))


def _raw_safety_copy(store_path: Path, moment: datetime) -> Path:
    """Byte copy of a file too damaged for SQLite to read (and of its -wal, kept beside it)."""
    import shutil

    target = _unique_sibling(store_path, "before-restore", moment)
    temp = target.with_name(f".{target.name}.part{os.getpid()}")
    try:
        shutil.copyfile(store_path, temp)
        for side, suffix in zip(_sidecars(store_path), ("-wal", "-shm", "-journal")):
            if side.exists() and suffix != "-shm":
                shutil.copyfile(side, target.with_name(target.name + suffix))
        return _finish_copy(temp, target)
    finally:
        _remove_quietly(temp)


def _record_restore(conn: sqlite3.Connection, backup_file: Path, safety: Path | None, actor: str) -> None:
    """An audit row in the restored data, so the history shows the restore (best effort)."""
    import uuid

    try:
        at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        after = {"backup": backup_file.name, "safety_copy": safety.name if safety else None}
        conn.execute(
            "INSERT INTO audit_entry (id, at, actor, action, entity, entity_id, before, after) "
            "VALUES (?, ?, ?, 'restore', 'database', '', NULL, ?)",
            (uuid.uuid4().hex, at, actor, json.dumps(after, ensure_ascii=False)),
        )
        conn.commit()
    except sqlite3.Error as error:
        conn.rollback()
        log.warning("could not record the restore in the audit trail: %s", error)


def restore(store_path: Path, backup_file: Path, *, actor: str = "") -> Path | None:
    """Replace the data in `store_path` with `backup_file`; returns the safety copy's path.

    The caller must close its Store first (`store.close()`): while another connection holds the
    file, the restore stops with LockedError and nothing is changed. Steps:

    1. `verify_backup(backup_file)`; any problem → StoreError (CorruptError / NewerSchemaError)
       with a Chinese message, and the current file is not touched.
    2. The current file is switched out of WAL mode, which needs exclusive access (this is the
       check that no one else has it open, and it folds the -wal into the file).
    3. A safety copy `<name>.before-restore-YYYYMMDD-HHMMSS.sqlite` beside the current file
       (backup API; a byte copy when the current file is too damaged for SQLite to read).
    4. The backup is copied *into* the current file with the backup API, WAL mode is switched
       back on, an audit row "restore" is added, and `PRAGMA integrity_check` is run.

    Returns None only when there was no current file (nothing needed a safety copy).
    """
    store_path = Path(store_path)
    backup_file = Path(backup_file)
    problems = verify_backup(backup_file)
    if problems:
        text = "无法从这个备份恢复：" + problems[0]
        cls: type[StoreError] = StoreError
        if "更新版本" in problems[0]:
            cls = NewerSchemaError
        elif "损坏" in problems[0]:
            cls = CorruptError
        raise cls(text + " 当前数据没有改动。", detail="; ".join(problems))
    if store_path.exists() and store_path.resolve() == backup_file.resolve():
        raise StoreError("所选备份就是当前正在使用的数据文件，不能用它恢复自己。")
    moment = datetime.now().replace(microsecond=0)
    safety: Path | None = None

    def keep_safety_copy(live: sqlite3.Connection) -> None:
        nonlocal safety
        safety = _safety_copy_from(live, store_path, moment)

    try:
        if store_path.exists():  # may be 0 bytes with all its data still in the -wal
            try:
                _restore_into(store_path, backup_file, keep_safety_copy)
            except sqlite3.DatabaseError as error:
                if not isinstance(translate(error), CorruptError):
                    raise
                # The current file is too damaged to read or write into: keep its bytes, then
                # start from an empty file (its -wal/-shm belong to the old file: drop them).
                log.warning("current file unusable (%s); replacing it", error)
                if safety is None:
                    safety = _raw_safety_copy(store_path, moment)
                _remove_quietly(store_path, *_sidecars(store_path))
                _restore_into(store_path, backup_file, None)
        else:
            store_path.parent.mkdir(parents=True, exist_ok=True)
            for side in _sidecars(store_path):  # left without their file: set aside, never apply
                if side.exists():
                    os.replace(side, side.with_name(f"{side.name}.orphan-{_stamp(moment)}"))
            _restore_into(store_path, backup_file, None)
        with closing(sqlite3.connect(str(store_path), timeout=5)) as conn:
            _record_restore(conn, backup_file, safety, actor)
            problems = _integrity_problems(conn)
        if problems:
            raise CorruptError(
                "恢复后的数据没有通过完整性检查。原来的数据保存在："
                f"{safety.name if safety else '（无）'}。请联系技术支持。",
                detail="; ".join(problems[:5]),
            )
    except BaseException as error:
        if isinstance(error, LockedError):
            raise
        _raise_translated(error, "恢复数据")
        raise  # pragma: no cover
    log.info("restored %s from %s (safety copy %s)", store_path, backup_file, safety)
    return safety


def _restore_into(store_path: Path, backup_file: Path,
                  before: Callable[[sqlite3.Connection], None] | None) -> None:
    """Copy `backup_file` into `store_path` through the backup API.

    Leaving WAL mode needs exclusive access, so it doubles as the check that nobody else has the
    file open; `before(live)` (the safety copy) runs only once that is certain.
    """
    with closing(sqlite3.connect(str(store_path), timeout=2)) as live:
        try:
            mode = live.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError as error:
            if "locked" in str(error).lower() or "busy" in str(error).lower():
                raise LockedError(
                    "数据文件还在被使用（可能另开了一个调解工作台窗口），无法恢复。"
                    "请关闭其他窗口后再试，当前数据没有改动。",
                    detail=str(error),
                ) from error
            raise
        if str(mode).lower() != "delete":
            raise LockedError(
                "数据文件还在被使用，无法恢复。请关闭其他窗口后再试，当前数据没有改动。",
                detail=f"journal_mode={mode}",
            )
        if before is not None:
            before(live)
        with _open_read_only(backup_file) as source:
            source.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
        live.commit()


__all__ = [
    "AUTO_REASONS", "BackupInfo", "BackupPolicy", "auto_backup", "backup_now", "current_marker",
    "default_backup_dir", "has_changed_since_last_backup", "last_backup_time", "list_backups",
    "plan_thinning", "restore", "thin", "verify_backup",
]
