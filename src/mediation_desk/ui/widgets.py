"""Small shared widgets and helpers: a wrapping flow layout, Chinese message boxes, busy cursor."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QLayout, QLayoutItem, QMessageBox, QScrollArea, QSizePolicy, QWidget, QWidgetItem,
)


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps to the next line when the width runs out, so a
    filter bar stays whole at 1366×768 with 150 % scaling."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._do_layout(QRect(0, 0, width, 0), test_only=True)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._do_layout(rect, test_only=False)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m: QMargins = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _do_layout(self, rect: QRect, test_only: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and not widget.isVisibleTo(widget.parentWidget()):
                continue
            hint = item.sizeHint()
            next_x = x + hint.width() + self._spacing
            if next_x - self._spacing > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                next_x = x + hint.width() + self._spacing
                line_height = 0
            if not test_only:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = next_x
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()


def dialog_buttons(dialog, ok_text: str = "确定", *, save: bool = False, on_accept=None, parent=None):
    """The 确定/取消 row of a dialog with Chinese labels: `save` uses the Save role (保存),
    `on_accept` replaces `dialog.accept` (e.g. a save method that validates first)."""
    from PySide6.QtWidgets import QDialogButtonBox

    ok = QDialogButtonBox.StandardButton.Save if save else QDialogButtonBox.StandardButton.Ok
    cancel = QDialogButtonBox.StandardButton.Cancel
    buttons = QDialogButtonBox(ok | cancel, parent) if parent is not None else QDialogButtonBox(ok | cancel)
    buttons.button(ok).setText(ok_text)
    buttons.button(cancel).setText("取消")
    buttons.accepted.connect(on_accept or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def record_table(model, object_name: str = ""):
    """A read-only table of records: whole-row single selection, alternating rows, no wrapping,
    no row numbers, columns resizable by the user."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

    table = QTableView()
    if object_name:
        table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def scrolling(widget: QWidget) -> QScrollArea:
    """Wrap a form in a scroll area so nothing is cut off on small screens or with large text."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


def expanding(widget: QWidget) -> QWidget:
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return widget


#: Set by the self-test: no modal boxes (nobody can click them); errors are raised instead.
HEADLESS = False


class HeadlessError(RuntimeError):
    """A message box that would have been shown in the self-test."""


def error(parent: QWidget | None, message: str, title: str = "出错了", detail: str = "") -> None:
    if HEADLESS:
        raise HeadlessError(f"{title}：{message}")
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    if detail:
        box.setDetailedText(detail)
    box.button(QMessageBox.StandardButton.Ok).setText("知道了")
    box.exec()


def info(parent: QWidget | None, message: str, title: str = "提示") -> None:
    if HEADLESS:
        return
    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("知道了")
    box.exec()


def confirm(parent: QWidget | None, message: str, title: str = "请确认", yes: str = "确定", no: str = "取消") -> bool:
    if HEADLESS:
        return False
    box = QMessageBox(QMessageBox.Icon.Question, title, message,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(yes)
    box.button(QMessageBox.StandardButton.No).setText(no)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


@contextmanager
def busy() -> Iterator[None]:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
