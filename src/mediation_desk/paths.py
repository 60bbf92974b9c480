"""Where the application finds its bundled resources (source tree, installed or frozen)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: beside the executable when frozen, else at the repository root."""
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "resources"
        if (candidate / "vocabularies.json").exists():
            return candidate
    raise FileNotFoundError("找不到程序资源目录 resources/，安装可能不完整。")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
