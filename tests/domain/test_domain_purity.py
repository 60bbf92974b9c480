"""The domain layer stays pure: no Qt, no SQL, no document or network libraries, no upward imports."""

from __future__ import annotations

import ast
from pathlib import Path

import mediation_desk.domain as domain_pkg

DOMAIN_DIR = Path(domain_pkg.__file__).parent
FORBIDDEN = {"PySide6", "PyQt5", "PyQt6", "sqlalchemy", "sqlmodel", "sqlite3", "reportlab", "docx", "openpyxl",
             "requests", "urllib", "socket", "subprocess"}
ALLOWED_INTERNAL = {"mediation_desk.paths", "mediation_desk.domain"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_domain_modules_import_nothing_impure():
    files = sorted(DOMAIN_DIR.glob("*.py"))
    assert len(files) >= 9
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in FORBIDDEN, f"{path.name} imports {name}"
            if top == "mediation_desk":
                assert any(name == a or name.startswith(a + ".") for a in ALLOWED_INTERNAL), f"{path.name}: {name}"


def test_detector_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QDate\nimport mediation_desk.store\n", encoding="utf-8")
    assert list(_imports(bad)) == ["PySide6.QtCore", "mediation_desk.store"]
