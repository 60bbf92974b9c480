"""附件 tab: files and scans of a case, copied into the data folder, opened with the system viewer."""

from __future__ import annotations

from datetime import timezone
from typing import Any, Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ...services import attachments as att_service
from ...services.context import Desk
from .fields import CodeCombo, Form, hint_label, warn

FILE_FILTER = "扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp *.doc *.docx *.xls *.xlsx *.txt);;所有文件 (*)"


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


class AttachmentsPanel(QWidget):
    changed = Signal()
    added = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.read_only = False
        self.ensure_saved: Callable[[], str | None] = lambda: None
        self.items: list[Any] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        listed = QGroupBox("本案附件")
        listed_layout = QVBoxLayout(listed)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("attachments_table")
        self.table.setHorizontalHeaderLabels(["文件名", "类型", "大小", "说明", "添加时间"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.fontMetrics().height() * 6 + 20)
        self.table.itemDoubleClicked.connect(lambda _i: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        listed_layout.addWidget(self.table)
        row = QHBoxLayout()
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.void_button = QPushButton("作废所选…")
        self.void_button.clicked.connect(self.void_selected)
        row.addWidget(self.open_button)
        row.addWidget(self.void_button)
        row.addStretch(1)
        listed_layout.addLayout(row)
        self.message = hint_label("")
        listed_layout.addWidget(self.message)
        outer.addWidget(listed)

        self.add_box = QGroupBox("添加文件或扫描件")
        add_layout = QVBoxLayout(self.add_box)
        self.form = Form()
        self.form.layout_.setContentsMargins(0, 0, 0, 0)
        self.kind_combo = CodeCombo(empty_label=None)
        self.kind_combo.set_items(att_service.KINDS.items())
        self.kind_combo.set_code("evidence")
        self.form.add("kind", "类型", self.kind_combo)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("如：现场照片、借条复印件")
        self.form.add("note", "说明", self.note_edit)
        add_layout.addWidget(self.form)
        add_row = QHBoxLayout()
        self.add_button = QPushButton("选择文件并添加…")
        self.add_button.setObjectName("attachment_add")
        self.add_button.clicked.connect(self.add_files)
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        add_layout.addLayout(add_row)
        add_layout.addWidget(hint_label("文件会复制到数据文件夹中保存，原文件移走或删除也不影响。"))
        outer.addWidget(self.add_box)
        outer.addStretch(1)
        self.note_edit.textChanged.connect(lambda _t: self.changed.emit())
        self._update_buttons()

    def load(self, attachments: list[Any]) -> None:
        self.items = list(attachments)
        self.table.setRowCount(len(self.items))
        for row, att in enumerate(self.items):
            added = att.created_at
            if added is not None and added.tzinfo is None:
                added = added.replace(tzinfo=timezone.utc)
            when = added.astimezone().strftime("%Y-%m-%d %H:%M") if added else ""
            values = [att.filename, att_service.KINDS.get(att.kind, att.kind), size_text(att.size), att.note, when]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self._update_buttons()

    def _selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        selected = self._selected() is not None
        self.open_button.setEnabled(selected)
        self.void_button.setEnabled(selected and not self.read_only)

    def add_files(self) -> list[Any]:
        if self.read_only:
            return []
        paths, _filter = QFileDialog.getOpenFileNames(self, "选择要添加的文件或扫描件", "", FILE_FILTER)
        if not paths:
            return []
        case_id = self.ensure_saved()
        if not case_id:
            return []
        added = []
        for path in paths:
            try:
                added.append(att_service.add_attachment(self.desk, case_id, path, kind=self.kind_combo.code() or "other",
                                                        note=self.note_edit.text()))
            except ValueError as error:
                warn(self, str(error), "无法添加附件")
        if added:
            self.note_edit.clear()
            self.message.setText(f"已添加 {len(added)} 个文件。")
            self.added.emit()
        return added

    def open_selected(self) -> bool:
        att = self._selected()
        if att is None:
            return False
        path = att_service.attachment_path(self.desk, att)
        if not path.exists():
            warn(self, f"找不到附件文件“{att.filename}”，它可能被手工删除了。请从备份中恢复数据文件夹。", "无法打开")
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            warn(self, f"没有能打开“{att.filename}”的程序。文件位置：{path}", "无法打开")
            return False
        return True

    def void_selected(self) -> bool:
        att = self._selected()
        if att is None or self.read_only:
            return False
        reason, ok = QInputDialog.getText(self, "作废附件", f"作废“{att.filename}”的理由（必填）：")
        if not ok:
            return False
        if not reason.strip():
            warn(self, "作废附件必须填写理由。")
            return False
        try:
            att_service.void_attachment(self.desk, att.id, reason)
        except ValueError as error:
            warn(self, str(error))
            return False
        self.message.setText(f"已作废“{att.filename}”（文件仍保留在数据文件夹中）。")
        self.added.emit()
        return True

    def has_input(self) -> bool:
        return False  # the note alone is not worth a draft

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.add_box.setEnabled(not read_only)
        self._update_buttons()

    def setEnabledForNew(self, saved: bool) -> None:  # noqa: N802
        self.message.setText("" if saved else "保存案件后即可添加附件（选择文件时会先自动保存）。")
        self.message.setStyleSheet("")
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft)
