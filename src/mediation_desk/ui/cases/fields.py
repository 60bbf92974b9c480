"""Small form widgets for the case editor: dates that may be empty, code combos, checklists,
forms whose rows carry their own error line, scroll areas and Chinese message boxes.

Everything here is plain Qt; values are kept JSON-friendly (ISO date text, codes, lists) so the
editor can put them in a draft as they are.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from typing import Iterable, Iterator, Sequence

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QCalendarWidget, QComboBox, QDialog, QFormLayout, QFrame,
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit,
    QScrollArea, QSizePolicy, QToolButton, QVBoxLayout, QWidget,
)

from .. import widgets

ERROR_COLOUR = "#b00020"
OK_COLOUR = "#1b6e20"
HINT_COLOUR = "#555555"
OVERDUE_COLOUR = "#c00000"
SOON_COLOUR = "#b35c00"

StandardButton = QMessageBox.StandardButton



@contextmanager
def signals_blocked(obj: QObject) -> Iterator[None]:
    """Like `with signals_blocked(obj)`, which must not be used: in PySide6 6.12 its __exit__
    drops a reference to None each time, and Python 3.11 aborts once None's count runs out."""
    previous = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(previous)


# --------------------------------------------------------------------------- dates

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date_text(text: str) -> date | None:
    """Lenient date entry: 2026-11-20, 2026/11/20, 2026.11.20, 20261120, 2026年11月20日.
    Empty → None; anything else → ValueError with a Chinese message."""
    text = (text or "").strip().translate(str.maketrans("０１２３４５６７８９－／．", "0123456789-/."))
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                break
    raise ValueError(f"日期“{text}”不正确，请按 年-月-日 填写，例如 2026-11-20。")


def iso(value: date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def days_text(due: date, today: date) -> tuple[str, str]:
    """('还剩 5 天' / '今天到期' / '已超期 3 天', colour)."""
    left = (due - today).days
    if left < 0:
        return f"已超期 {-left} 天", OVERDUE_COLOUR
    if left == 0:
        return "今天到期", SOON_COLOUR
    if left <= 3:
        return f"还剩 {left} 天", SOON_COLOUR
    return f"还剩 {left} 天", ""


def deadline_html(label: str, due: date, today: date, *, counts: bool = True) -> str:
    """One read-only deadline line; red when overdue (only when ``counts``)."""
    text, colour = days_text(due, today)
    if not counts:
        return f"{label}：{due.isoformat()}"
    style = f' style="color:{colour}; font-weight:bold"' if colour else ""
    return f"{label}：{due.isoformat()}（<span{style}>{text}</span>）"


class DateField(QWidget):
    """A date that may be empty: typed (lenient) or picked from a calendar."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, placeholder: str = "年-月-日") -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaxLength(20)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026-11-20") + 24)
        self.edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.button = QToolButton(self)
        self.button.setText("选日期")
        self.button.setToolTip("从日历中选择日期")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.changed)
        self.edit.editingFinished.connect(self._tidy)
        self.button.clicked.connect(self.pick)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt style)
        self.edit.setText(text or "")

    def set_value(self, value: date | str | None) -> None:
        self.edit.setText(iso(value))

    def value(self) -> date | None:
        """The date, None when empty; ValueError (Chinese) when not a date."""
        return parse_date_text(self.edit.text())

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    def _tidy(self) -> None:
        try:
            value = self.value()
        except ValueError:
            return
        if value is not None and self.edit.text() != value.isoformat():
            self.edit.setText(value.isoformat())

    def pick(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("选择日期")
        calendar = QCalendarWidget(dialog)
        calendar.setGridVisible(True)
        try:
            current = self.value()
        except ValueError:
            current = None
        if current is not None:
            calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        buttons = widgets.dialog_buttons(dialog, "确定", parent=dialog)
        calendar.activated.connect(dialog.accept)
        layout = QVBoxLayout(dialog)
        layout.addWidget(calendar)
        layout.addWidget(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            picked = calendar.selectedDate()
            self.edit.setText(date(picked.year(), picked.month(), picked.day()).isoformat())
        dialog.deleteLater()


# --------------------------------------------------------------------------- choices


class CodeCombo(QComboBox):
    """Choice of a vocabulary code; `code()` is "" for the empty entry. Unknown codes found in
    the data are kept (shown as they are) rather than silently dropped."""

    def __init__(self, parent: QWidget | None = None, empty_label: str | None = "（未选）") -> None:
        super().__init__(parent)
        self._empty_label = empty_label
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(6)
        self.setMaxVisibleItems(20)

    def _widest(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)

    def sizeHint(self):  # noqa: N802 — some styles under-measure full-width brackets （…）
        hint = super().sizeHint()
        hint.setWidth(max(hint.width(), self._widest() + 3 * self.fontMetrics().height()))
        return hint

    def minimumSizeHint(self):  # noqa: N802
        hint = super().minimumSizeHint()
        hint.setWidth(max(hint.width(), min(self._widest(), 12 * self.fontMetrics().height())
                          + 3 * self.fontMetrics().height()))
        return hint

    def set_items(self, items: Iterable[tuple[str, str]], keep: bool = True) -> None:
        current = self.code() if keep else ""
        with signals_blocked(self):
            self.clear()
            if self._empty_label is not None:
                self.addItem(self._empty_label, "")
            for code, label in items:
                self.addItem(label, code)
        self.set_code(current, quiet=True)

    def code(self) -> str:
        data = self.currentData()
        return "" if data is None else str(data)

    def codes(self) -> list[str]:
        return [str(self.itemData(i)) for i in range(self.count())]

    def set_code(self, code: str | None, quiet: bool = False) -> None:
        code = code or ""
        index = self.findData(code)
        if index < 0 and code:
            self.addItem(code, code)
            index = self.count() - 1
        if index < 0:
            index = 0 if self.count() else -1
        if quiet:
            with signals_blocked(self):
                self.setCurrentIndex(index)
        else:
            self.setCurrentIndex(index)


class CheckList(QListWidget):
    """A short list of checkable choices (referrals, staff present …)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, rows: int = 4) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)
        self._rows = rows
        self.itemChanged.connect(lambda _item: self.changed.emit())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit()

    def _fit(self) -> None:
        line = self.fontMetrics().height() + 12
        rows = max(1, min(self._rows, (self.count() + 2) // 3 or 1))
        self.setFixedHeight(rows * line + 8)

    def set_items(self, items: Iterable[tuple[str, str]]) -> None:
        checked = set(self.codes())
        with signals_blocked(self):
            self.clear()
            for code, label in items:
                item = QListWidgetItem(label, self)
                item.setData(Qt.ItemDataRole.UserRole, code)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if code in checked else Qt.CheckState.Unchecked)
        self._fit()

    def codes(self) -> list[str]:
        return [str(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def set_codes(self, codes: Sequence[str]) -> None:
        wanted = list(codes or [])
        known = {str(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())}
        with signals_blocked(self):
            for code in wanted:
                if code not in known:  # keep values we have no label for
                    item = QListWidgetItem(code, self)
                    item.setData(Qt.ItemDataRole.UserRole, code)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            for i in range(self.count()):
                item = self.item(i)
                on = str(item.data(Qt.ItemDataRole.UserRole)) in wanted
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._fit()

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802
        self.setEnabled(not read_only)


class TextBox(QPlainTextEdit):
    """Multi-line text that grows a little but never swallows the whole form."""

    def __init__(self, parent: QWidget | None = None, lines: int = 3, placeholder: str = "") -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        line = self.fontMetrics().lineSpacing()
        self.setMinimumHeight(line * lines + 14)
        self.setMaximumHeight(line * (lines + 2) + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802
        if self.toPlainText() != (text or ""):
            self.setPlainText(text or "")


# --------------------------------------------------------------------------- forms with error lines


def hint_label(text: str = "", colour: str = HINT_COLOUR) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(f"color:{colour};")
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
    return label


class Form(QWidget):
    """A QFormLayout whose rows each have a red error line (hidden until needed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.setMaximumWidth(1000)  # long lines are hard to read on a wide screen
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout_.setContentsMargins(8, 8, 8, 8)
        self.rows: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def add(self, name: str, label: str, widget: QWidget, hint: str | QWidget = "") -> QWidget:
        box = QWidget(self)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # rows span the form
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        grows = widget.sizePolicy().horizontalPolicy() in (
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Ignored,
        ) or isinstance(widget, QLabel)
        if grows:
            column.addWidget(widget)
        else:  # combos, spin boxes, dates keep their natural width
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        if isinstance(hint, QWidget):
            column.addWidget(hint)
        elif hint:
            column.addWidget(hint_label(hint))
        error = hint_label("", ERROR_COLOUR)
        error.setObjectName(f"error_{name}")
        error.hide()
        column.addWidget(error)
        caption = QLabel(label + "：" if label else "")
        caption.setBuddy(widget)
        self.layout_.addRow(caption, box)
        self.rows[name] = box
        self.labels[name] = caption
        self.errors[name] = error
        self.widgets[name] = widget
        return box

    def add_full(self, widget: QWidget) -> None:
        self.layout_.addRow(widget)

    def add_heading(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        label.setContentsMargins(0, 8, 0, 0)
        self.layout_.addRow(label)
        return label

    def set_row_visible(self, name: str, visible: bool) -> None:
        self.layout_.setRowVisible(self.rows[name], visible)

    def set_label(self, name: str, text: str) -> None:
        self.labels[name].setText(text + "：")

    def show_error(self, name: str, message: str) -> bool:
        label = self.errors.get(name)
        if label is None:
            return False
        label.setText(message)
        label.show()
        return True

    def clear_error(self, name: str) -> None:
        label = self.errors.get(name)
        if label is not None:
            label.clear()
            label.hide()

    def clear_errors(self) -> None:
        for name in self.errors:
            self.clear_error(name)

    def error_text(self, name: str) -> str:
        label = self.errors.get(name)
        return label.text() if label is not None and not label.isHidden() else ""


def scrolled(widget: QWidget) -> QScrollArea:
    """Tab contents scroll, so nothing is cut off at 1366×768 with 150 % scaling or large text."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(widget)
    area.setBackgroundRole(QPalette.ColorRole.Base)
    return area


def enclosing_scroll_area(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


# --------------------------------------------------------------------------- message boxes


def ask(parent: QWidget | None, title: str, text: str, buttons: Sequence[tuple[StandardButton, str]],
        default: StandardButton | None = None, icon: QMessageBox.Icon = QMessageBox.Icon.Question) -> StandardButton:
    """A message box with Chinese button texts; returns the standard button chosen."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    for which, label in buttons:
        box.addButton(which)
        box.button(which).setText(label)
    if default is not None:
        box.setDefaultButton(default)
    escape = next((b for b, _l in buttons if b in (StandardButton.Cancel, StandardButton.No)), None)
    if escape is not None:
        box.setEscapeButton(escape)
    result = box.exec()
    clicked = box.clickedButton()
    if clicked is not None:
        chosen = box.standardButton(clicked)
    else:  # exec() patched in tests, or closed with the window button
        try:
            chosen = StandardButton(int(result))
        except (TypeError, ValueError):
            chosen = escape or StandardButton.Cancel
    box.deleteLater()
    return chosen


def warn(parent: QWidget | None, text: str, title: str = "不能这样操作") -> None:
    ask(parent, title, text, [(StandardButton.Ok, "知道了")], icon=QMessageBox.Icon.Warning)


def inform(parent: QWidget | None, text: str, title: str = "提示") -> None:
    ask(parent, title, text, [(StandardButton.Ok, "知道了")], icon=QMessageBox.Icon.Information)


def money_text(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def clean_money(text: str) -> str:
    """'1,200 元' → '1200' (the service checks it is a number)."""
    return re.sub(r"[,，\s元¥￥]", "", text or "")
