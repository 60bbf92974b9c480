"""Drafts of unsaved editor input, so nothing a user typed is lost (no Qt here).

One JSON file per draft in ``<data folder>/drafts/<key>.json``, written atomically (a temporary
file in the same folder, flushed to disk, then ``os.replace``), so a crash or a power cut leaves
either the old draft or the new one, never half a file.

``key`` is the case id for an existing case, or ``"new-<uuid hex>"`` for a case not yet saved.
Each file records the database it belongs to (the demo database sits in the same data folder as
the real one), when it was saved, and the case ``version`` it was based on, so the editor can
tell the user when the case changed after the draft was made.

File shape (``format`` 1)::

    {"format": 1, "key": "...", "database": "调解工作台.sqlite", "saved_at": "2026-11-27T14:03:05",
     "base_version": 3, "kind": "dispute", "title": "...", "data": {...}}
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from .context import Desk, ServiceError

DRAFTS_FOLDER = "drafts"
FORMAT = 1
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,99}$")


def drafts_dir(desk: Desk) -> Path:
    """``<data folder>/drafts`` — beside the database file (or the default data folder for a
    database on a server)."""
    base = desk.store.data_dir
    if base is None:
        from ..datadir import data_dir

        base = data_dir()
    return Path(base) / DRAFTS_FOLDER


def _database_name(desk: Desk) -> str:
    return desk.store.path.name if desk.store.path is not None else desk.store.url


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ServiceError(f"草稿标识“{key}”不正确。")
    return key


def _file(desk: Desk, key: str) -> Path:
    return drafts_dir(desk) / f"{_check_key(key)}.json"


def new_key() -> str:
    """A key for the draft of a case that has no id yet."""
    import uuid

    return f"new-{uuid.uuid4().hex}"


def save_draft(desk: Desk, key: str, data: dict[str, Any], *, base_version: int | None = None,
               kind: str = "", title: str = "") -> Path:
    """Write (or overwrite) the draft ``key`` atomically; returns its path.

    ``data`` must be JSON-serialisable (dates as ISO text). ``base_version`` is the version of
    the case the draft was based on (None for a new case); ``kind`` and ``title`` are kept for
    lists of drafts.
    """
    path = _file(desk, key)
    envelope = {
        "format": FORMAT, "key": key, "database": _database_name(desk),
        "saved_at": datetime.now().isoformat(timespec="seconds"),
        "base_version": base_version, "kind": kind, "title": title, "data": data,
    }
    text = json.dumps(envelope, ensure_ascii=False, indent=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    return path


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as fh:
            envelope = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        # Unreadable (e.g. a disk error mid-write on an old file system): keep it aside for
        # support instead of offering garbage or deleting what may still be rescued by hand.
        try:
            os.replace(path, path.with_suffix(".corrupt"))
        except OSError:
            pass
        return None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("data"), dict):
        return None
    return envelope


def load_draft(desk: Desk, key: str) -> dict[str, Any] | None:
    """The draft ``key`` of this database (the whole envelope, input under ``"data"``), or None."""
    envelope = _read(_file(desk, key))
    if envelope is None or envelope.get("database") != _database_name(desk):
        return None
    return envelope


def discard_draft(desk: Desk, key: str) -> None:
    """Remove the draft ``key`` (no error when there is none)."""
    try:
        _file(desk, key).unlink()
    except FileNotFoundError:
        pass


def list_drafts(desk: Desk, *, new_only: bool = False, kind: str | None = None) -> list[dict[str, Any]]:
    """Drafts of this database, newest first, without their input: key, saved_at,
    base_version, kind, title (``new_only``: only drafts of cases not yet saved)."""
    folder = drafts_dir(desk)
    if not folder.is_dir():
        return []
    database = _database_name(desk)
    found: list[dict[str, Any]] = []
    for path in folder.glob("*.json"):
        if new_only and not path.stem.startswith("new-"):
            continue
        envelope = _read(path)
        if envelope is None or envelope.get("database") != database:
            continue
        if kind and envelope.get("kind") != kind:
            continue
        found.append({k: v for k, v in envelope.items() if k != "data"})
    found.sort(key=lambda e: str(e.get("saved_at") or ""), reverse=True)
    return found
