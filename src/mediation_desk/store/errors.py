"""Environmental store errors turned into plain Chinese messages for the user."""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc


class StoreError(Exception):
    """An error the user can act on; `str(err)` is a Chinese sentence saying what to do."""

    kind = "store"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class DiskFullError(StoreError):
    kind = "disk_full"


class ReadOnlyError(StoreError):
    kind = "read_only"


class LockedError(StoreError):
    kind = "locked"


class CorruptError(StoreError):
    kind = "corrupt"


class NewerSchemaError(StoreError):
    kind = "newer_schema"


class NotFoundError(StoreError):
    kind = "not_found"


_PATTERNS: list[tuple[str, type[StoreError], str]] = [
    ("disk is full", DiskFullError,
     "磁盘空间已满，数据没有写入。请清理磁盘或把数据文件移到空间充足的位置后再试，已保存的数据不受影响。"),
    ("readonly", ReadOnlyError,
     "数据文件是只读的，无法保存。请检查文件属性或文件夹权限（不要直接从光盘或压缩包里打开）。"),
    ("read-only", ReadOnlyError,
     "数据文件是只读的，无法保存。请检查文件属性或文件夹权限（不要直接从光盘或压缩包里打开）。"),
    ("locked", LockedError,
     "数据文件正被另一个程序占用（可能另开了一个调解工作台窗口）。请关闭其他窗口后再试。"),
    ("busy", LockedError,
     "数据文件正被另一个程序占用（可能另开了一个调解工作台窗口）。请关闭其他窗口后再试。"),
    ("not a database", CorruptError,
     "这个文件不是调解工作台的数据文件，或者已经损坏。请从备份恢复。"),
    ("malformed", CorruptError,
     "数据文件已损坏。请不要继续写入，使用“从备份恢复”找回最近一次的备份。"),
    ("unable to open database", StoreError,
     "无法打开数据文件。请检查文件路径是否存在、是否有权限访问。"),
]


def translate(error: BaseException) -> StoreError | None:
    """Map a sqlite3/SQLAlchemy/OS error to a StoreError with a Chinese message, or None."""
    if isinstance(error, StoreError):
        return error
    original = error
    if isinstance(error, sa_exc.DBAPIError) and error.orig is not None:
        original = error.orig
    text = str(original).lower()
    if isinstance(original, (sqlite3.Error, OSError)):
        if isinstance(original, OSError) and getattr(original, "errno", None) == 28:
            return DiskFullError(_PATTERNS[0][2], detail=str(original))
        for needle, cls, message in _PATTERNS:
            if needle in text:
                return cls(message, detail=str(original))
    return None
