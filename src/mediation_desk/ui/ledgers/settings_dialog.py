"""台账设置: which columns the ledger prints and in which order, the default paper, the 填报单位 and
the names printed on the signature line (制表人 / 审核人 / 主要负责人)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from ...services import ledger as ledger_service
from ...services.context import Desk
from ...services.desktop import StoreError
from .. import widgets

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def _column_text(col) -> str:
    return f"{col.group}{col.title}" if col.group else col.title


class LedgerSettingsDialog(QDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerSettingsDialog")
        self.setWindowTitle("台账设置")
        self._desk = desk
        options = ledger_service.ledger_options(desk)

        self.columns = QListWidget()
        self.columns.setObjectName("ledgerColumns")
        self._fill(ledger_service.ledger_columns(desk))
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.default_button = QPushButton("恢复默认")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.default_button.clicked.connect(lambda: self._fill(list(ledger_service.DEFAULT_COLUMNS)))
        move = QVBoxLayout()
        move.addWidget(self.up_button)
        move.addWidget(self.down_button)
        move.addStretch(1)
        move.addWidget(self.default_button)
        columns_box = QGroupBox("台账栏目（勾选要打印的栏目，用“上移/下移”调整顺序）")
        cl = QHBoxLayout(columns_box)
        cl.addWidget(self.columns, 1)
        cl.addLayout(move)

        self.paper = QComboBox()
        self.paper.addItem("A4 横向", "A4")
        self.paper.addItem("A3 横向（栏目多时）", "A3")
        self.paper.setCurrentIndex(0 if options["paper"] == "A4" else 1)
        self.include_petitions = QCheckBox("台账包括信访事项")
        self.include_petitions.setChecked("petition" in options["kinds"])
        self.filler = QLineEdit(options["filler_unit"])
        self.filler.setPlaceholderText("不填则用本单位名称")
        self.preparer = QLineEdit(options["preparer"])
        self.reviewer = QLineEdit(options["reviewer"])
        self.head = QLineEdit(options["head"])
        for edit in (self.preparer, self.reviewer, self.head):
            edit.setPlaceholderText("不填则留空，打印后手写签名")
        form = QFormLayout()
        form.addRow("默认纸张", self.paper)
        form.addRow("", self.include_petitions)
        form.addRow("填报单位", self.filler)
        form.addRow("制表人", self.preparer)
        form.addRow("审核人（分管领导）", self.reviewer)
        form.addRow("主要负责人", self.head)
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        self.columns.itemChanged.connect(lambda *_: self._update_fit())
        self.paper.currentIndexChanged.connect(lambda *_: self._update_fit())

        box = widgets.dialog_buttons(self, "保存", save=True)
        layout = QVBoxLayout(self)
        layout.addWidget(columns_box, 1)
        layout.addWidget(self.fit_label)
        layout.addLayout(form)
        layout.addWidget(box)
        self._update_fit()
        self.resize(self.fontMetrics().horizontalAdvance("中") * 40, self.fontMetrics().height() * 36)

    def _fill(self, chosen: list[str]) -> None:
        self.columns.blockSignals(True)
        self.columns.clear()
        order = chosen + [k for k in ledger_service.ALL_COLUMNS if k not in chosen]
        for key in order:
            item = QListWidgetItem(_column_text(ledger_service.COLUMNS[key]))
            item.setData(KEY_ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in chosen else Qt.CheckState.Unchecked)
            self.columns.addItem(item)
        self.columns.blockSignals(False)
        self._update_fit()

    def _move(self, step: int) -> None:
        row = self.columns.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.columns.count():
            return
        item = self.columns.takeItem(row)
        self.columns.insertItem(target, item)
        self.columns.setCurrentRow(target)

    def chosen_columns(self) -> list[str]:
        return [self.columns.item(i).data(KEY_ROLE) for i in range(self.columns.count())
                if self.columns.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, key: str, checked: bool) -> None:
        for i in range(self.columns.count()):
            item = self.columns.item(i)
            if item.data(KEY_ROLE) == key:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _update_fit(self) -> None:
        if not hasattr(self, "fit_label"):
            return
        keys = self.chosen_columns()
        paper = self.paper.currentData()
        if keys and not ledger_service.columns_fit(keys, paper):
            self.fit_label.setText(f"已选 {len(keys)} 栏：在 {paper} 纸上会挤得较小，建议减少栏目或改用 A3。")
        else:
            self.fit_label.setText(f"已选 {len(keys)} 栏。")

    def accept(self) -> None:
        try:
            ledger_service.set_ledger_columns(self._desk, self.chosen_columns())
            kinds = ["dispute", "petition"] if self.include_petitions.isChecked() else ["dispute"]
            ledger_service.set_ledger_options(self._desk, paper=self.paper.currentData(), kinds=kinds,
                                              filler_unit=self.filler.text(), preparer=self.preparer.text(),
                                              reviewer=self.reviewer.text(), head=self.head.text())
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "不能保存")
            return
        super().accept()
