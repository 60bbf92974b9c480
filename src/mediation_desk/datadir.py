"""Where the data lives: platformdirs by default, `--db PATH`, or portable mode beside the program."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_FILENAME = "调解工作台.sqlite"
DEMO_FILENAME = "演示数据.sqlite"
PORTABLE_MARKER = "portable.txt"  # put this file beside the executable to keep data beside it


def program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parents[2]


def is_portable(flag: bool = False) -> bool:
    return flag or os.environ.get("MEDIATION_DESK_PORTABLE") == "1" or (program_dir() / PORTABLE_MARKER).exists()


def data_dir(portable: bool = False) -> Path:
    override = os.environ.get("MEDIATION_DESK_DATA")
    if override:
        return Path(override)
    if is_portable(portable):
        return program_dir() / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("MediationDesk", appauthor=False, roaming=False))


def default_db_path(portable: bool = False) -> Path:
    return data_dir(portable) / DB_FILENAME


def demo_db_path(portable: bool = False) -> Path:
    return data_dir(portable) / DEMO_FILENAME


def attachments_dir(db_path: Path) -> Path:
    """Attachments sit beside the database file, in `<stem>-附件/ab/<sha256>`."""
    return db_path.parent / f"{db_path.stem}-附件"
