"""What the desktop front end needs around the store: opening a data file, the unit check, and
backups (status-bar time, 备份, 从备份恢复, the backup on exit) — so that ui/ calls services only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ..store import backup as _backup
from ..store.engine import open_store
from ..store.errors import StoreError
from ..store.models import Unit
from . import settings as settings_service
from .context import Desk, ServiceError

__all__ = [
    "StoreError", "ServiceError", "open_desk", "deferred_check", "has_unit", "backup_policy", "backup_folder",
    "last_backup_time", "backup_now", "auto_backup_on_exit", "list_backups", "verify_backup",
    "restore", "set_backup_policy", "BackupInfo", "FirstRunData", "parse_villages", "apply_first_run",
]

BackupInfo = _backup.BackupInfo


def open_desk(path: Path | str, actor: str = "本机用户", *, create: bool = True) -> Desk:
    """Open (create, upgrade) the data file; StoreError with a Chinese message on failure.

    A large file opens without waiting for its integrity check (`desk.store.check_deferred`);
    the window then runs `deferred_check` in the background."""
    return Desk(open_store(Path(path), create=create, check="auto"), actor=actor or "本机用户")


def deferred_check(desk: Desk) -> str | None:
    """Run the integrity check an `open_desk` deferred; a Chinese warning when it fails, else None."""
    from ..store.engine import quick_check

    if not desk.store.check_deferred:
        return None
    problems = quick_check(desk.store.engine)
    desk.store.check_deferred = False
    if not problems:
        return None
    return ("数据文件完整性检查未通过，可能已损坏。请不要继续录入，先用“文件 → 从备份恢复”找回最近的备份。\n\n"
            + "；".join(problems[:3]))


def has_unit(desk: Desk) -> bool:
    from sqlmodel import select

    with desk.read() as session:
        return session.exec(select(Unit).where(Unit.is_current == True)).first() is not None  # noqa: E712


def backup_policy(desk: Desk) -> _backup.BackupPolicy:
    value = settings_service.get(desk, settings_service.BACKUP_KEY, {}) or {}
    return _backup.BackupPolicy.from_settings(value if isinstance(value, dict) else {})


def backup_folder(desk: Desk) -> Path | None:
    policy = backup_policy(desk)
    if policy.folder is not None:
        return Path(policy.folder)
    try:
        return _backup.default_backup_dir(desk.store)
    except StoreError:
        return None


def last_backup_time(desk: Desk) -> datetime | None:
    folder = backup_folder(desk)
    if folder is None:
        return None
    return _backup.last_backup_time(desk.store, folder)


def backup_now(desk: Desk, progress: Callable[[float], None] | None = None) -> Path:
    folder = backup_folder(desk)
    if folder is None:
        raise ServiceError("只有本机数据文件才能在这里备份。")
    return _backup.backup_now(desk.store, folder, progress=progress)


def auto_backup_on_exit(desk: Desk) -> Path | None:
    """The automatic backup when the program closes (only when data changed since the last one)."""
    if desk.store.path is None:
        return None
    return _backup.auto_backup(desk.store, backup_policy(desk), on_exit=True)


def list_backups(desk: Desk) -> list[_backup.BackupInfo]:
    folder = backup_folder(desk)
    return _backup.list_backups(folder) if folder is not None else []


def list_backups_in(folder: Path) -> list[_backup.BackupInfo]:
    return _backup.list_backups(Path(folder))


def verify_backup(path: Path | str) -> list[str]:
    return _backup.verify_backup(Path(path))


def restore(db_path: Path | str, backup_file: Path | str, actor: str = "") -> Path | None:
    """Restore `backup_file` into `db_path` (the caller closed its Desk first)."""
    return _backup.restore(Path(db_path), Path(backup_file), actor=actor)


def set_backup_policy(desk: Desk, *, folder: str | None, keep_daily: int, keep_weekly: int,
                      keep_monthly: int) -> dict[str, Any]:
    """Save where backups go and how many to keep (audited like every setting)."""
    for value, what in ((keep_daily, "每日备份"), (keep_weekly, "每周备份"), (keep_monthly, "每月备份")):
        if not isinstance(value, int) or value < 0 or value > 366:
            raise ServiceError(f"{what}保留份数应为0到366之间的整数。")
    if keep_daily + keep_weekly + keep_monthly == 0:
        raise ServiceError("至少要保留一份自动备份。")
    folder = (folder or "").strip()
    if folder:
        path = Path(folder).expanduser()
        if desk.store.path is not None and path.resolve() == desk.store.path.parent.resolve():
            raise ServiceError("备份文件夹不要和数据文件放在同一个文件夹里，请另选一个（最好在另一个磁盘或U盘上）。")
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".写入测试"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise ServiceError(f"备份文件夹“{folder}”无法写入：{error}") from error
    value = {"folder": folder, "keep_daily": keep_daily, "keep_weekly": keep_weekly, "keep_monthly": keep_monthly}
    settings_service.put(desk, settings_service.BACKUP_KEY, value)
    return value


def data_file(desk: Desk) -> Path | None:
    return desk.store.path


def store_warnings(desk: Desk) -> list[str]:
    return list(desk.store.warnings)


# --------------------------------------------------------------------------- first run


@dataclass
class FirstRunData:
    """The answers of the first-run wizard."""

    name: str
    short_name: str
    unit_type: str = "village_committee"
    township: str = ""
    county: str = ""
    villages: list[tuple[str, list[str]]] = field(default_factory=list)
    staff: list[dict[str, Any]] = field(default_factory=list)  # name, roles, post, phone


_GROUP_SPLIT = re.compile(r"[、，,；;\s]+")


def parse_villages(text: str) -> list[tuple[str, list[str]]]:
    """“东山村：一组、二组” per line → [("东山村", ["一组", "二组"])]; duplicates refused."""
    result: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _sep, rest = line.replace(":", "：").partition("：")
        name = name.strip()
        if not name:
            raise ServiceError(f"第{number}行缺少村（社区）名称。")
        if len(name) > 30:
            raise ServiceError(f"第{number}行的村名太长了，每行只写一个村。")
        if name in seen:
            raise ServiceError(f"“{name}”写了两次。")
        seen.add(name)
        groups = [g for g in _GROUP_SPLIT.split(rest.strip()) if g]
        if len(set(groups)) != len(groups):
            raise ServiceError(f"“{name}”下面有重复的组名。")
        result.append((name, groups))
    return result


def apply_first_run(desk: Desk, data: FirstRunData) -> None:
    """Create the unit, its township/county, villages with their groups and the first staff
    (each through the audited organisation services). Phones are checked before anything is written."""
    from ..domain.phone import check_phone
    from . import organisation

    for person in data.staff:
        if person.get("phone"):
            check = check_phone(person["phone"])
            if not check.valid:
                raise ServiceError(f"“{person.get('name', '')}”的电话号码不正确：{check.error}")
    organisation.init_unit(desk, data.name, data.short_name, data.unit_type, township=data.township,
                           county=data.county)
    townships = organisation.list_areas(desk, "township")
    parent_id = townships[0].id if townships else None
    for village, groups in data.villages:
        area = organisation.add_area(desk, village, "village", parent_id)
        for group in groups:
            organisation.add_area(desk, group, "group", area.id)
    for person in data.staff:
        organisation.add_staff(desk, person["name"], list(person.get("roles") or ["mediator"]),
                               post=person.get("post", ""), phone=person.get("phone", ""))
