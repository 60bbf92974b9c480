"""Imports flow one way (docs: DESIGN.md): no Qt outside ui/ and app.py; no SQL or sessions in ui/."""

from __future__ import annotations

import ast
from pathlib import Path

import mediation_desk

PACKAGE = Path(mediation_desk.__file__).parent
QT_ALLOWED = {"app.py"}
UI_FORBIDDEN = ("sqlmodel", "sqlalchemy", "sqlite3")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__" and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def _sources():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20, "the package sources were not found"
    return files


def _top(name: str) -> str:
    return name.split(".")[0]


def test_pyside6_only_in_ui_and_app():
    offenders = []
    for path in _sources():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui" or relative.as_posix() in QT_ALLOWED:
            continue
        qt = sorted(n for n in _imports(path) if _top(n) in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
        if qt:
            offenders.append(f"{relative}: {', '.join(qt)}")
    assert not offenders, "Qt imported outside ui/ and app.py:\n" + "\n".join(offenders)


def test_ui_has_no_sql_or_sessions():
    offenders = []
    for path in _sources():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] != "ui":
            continue
        bad = sorted(n for n in _imports(path) if _top(n) in UI_FORBIDDEN)
        if bad:
            offenders.append(f"{relative}: {', '.join(bad)}")
    assert not offenders, "ui/ must call services, not the database:\n" + "\n".join(offenders)


def test_the_check_itself_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import PySide6.QtCore\nfrom sqlalchemy import text\nx = __import__('sqlite3')\n",
                      encoding="utf-8")
    assert {"PySide6.QtCore", "sqlalchemy", "sqlite3"} <= _imports(sample)
