"""A window around one case editor (`ui.cases.editor.CaseEditor`), with 保存 (Ctrl+S) and 关闭.

The editor itself is written separately; this host only relies on its interface:
``CaseEditor(desk, case_id=None, kind="dispute", parent=None)`` with signals ``saved(str)`` and
``closed()`` and methods ``save() -> bool`` and ``maybe_close() -> bool``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QWidget

from . import appearance

log = logging.getLogger(__name__)


def editor_class():
    """The CaseEditor class, or None while the editor module is not installed."""
    try:
        from .cases.editor import CaseEditor
    except ImportError as error:
        if getattr(error, "name", "") not in ("mediation_desk.ui.cases.editor",):
            raise
        return None
    return CaseEditor


def _has_save_shortcut(widget: QWidget) -> bool:
    save = QKeySequence(QKeySequence.StandardKey.Save)
    wanted = {save.toString(), QKeySequence("Ctrl+S").toString()}
    for action in widget.findChildren(QAction) + list(widget.actions()):
        if any(seq.toString() in wanted for seq in action.shortcuts()):
            return True
    for shortcut in widget.findChildren(QShortcut):
        if shortcut.key().toString() in wanted:
            return True
    return False


class CaseWindow(QMainWindow):
    """Top-level window (owned by the main window, so it stays in front of it) for one case."""

    saved = Signal(str)
    window_closed = Signal(object)

    def __init__(self, editor: QWidget, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.editor = editor
        self.key = key
        self._closing_from_editor = False
        self.setCentralWidget(editor)
        self.setWindowTitle(editor.windowTitle() or "案件")
        editor.windowTitleChanged.connect(self.setWindowTitle)
        if hasattr(editor, "saved"):
            editor.saved.connect(self._on_saved)
        if hasattr(editor, "closed"):
            editor.closed.connect(self._on_editor_closed)
        menu = self.menuBar().addMenu("案件(&C)")
        self.save_action = QAction("保存", self)
        if not _has_save_shortcut(editor):  # the editor may bring its own Ctrl+S
            self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_action.triggered.connect(self.save)
        menu.addAction(self.save_action)
        close_action = QAction("关闭", self)
        close_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close_action.triggered.connect(self.close)
        menu.addAction(close_action)
        self._restore_size()

    def _restore_size(self) -> None:
        geometry = appearance.settings().value("case_window/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            return
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(min(1100, int(screen.width() * 0.9)), min(820, int(screen.height() * 0.9)))

    def save(self) -> bool:
        return bool(self.editor.save())

    def _on_saved(self, case_id: str) -> None:
        self.key = case_id
        self.saved.emit(case_id)

    def _on_editor_closed(self) -> None:
        self._closing_from_editor = True
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self._closing_from_editor and hasattr(self.editor, "maybe_close"):
            if not self.editor.maybe_close():
                event.ignore()
                return
        appearance.settings().setValue("case_window/geometry", self.saveGeometry())
        self.window_closed.emit(self)
        event.accept()
