"""Guards against a Qt binding that corrupts the interpreter.

PySide6 6.12.0 on CPython 3.11 drops one reference to None on every call of a C++ method that
returns void; after a few thousand edits the app aborts with "none_dealloc". pyproject.toml pins
PySide6 below 6.12; this test fails if a broken build slips back in.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_do_not_leak_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("调解")
    after = sys.getrefcount(None)
    assert after - before < 100, f"Qt binding leaks references to None ({after - before} per 2000 calls)"
