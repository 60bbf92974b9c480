"""领导包案: the leader contracts page — each leader's load on the left (click one to see theirs),
the contracts (by status, overdue and due soon first, with 本月工作情况 已报/未报 and the warning
flags), and below them the selected contract's plan and team, its monthly entries and its history.
Double-click a contract to open its case. Buttons: 交办包案, 修改包案 (hand over to another leader),
记录工作情况, 修改工作情况 (or double-click an entry), 延期, 销号, 重新启动, 作废, 预警标记, 打印责任书,
and the monthly 包案台账 as PDF / Word / Excel (optionally with the parties' names masked)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMenu, QPlainTextEdit, QPushButton, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
    QToolButton, QVBoxLayout, QWidget,
)

from ...services import contracts
from ...services.context import Desk
from ...services.desktop import StoreError
from .. import widgets
from .dialogs import (
    AssignDialog, CasePickerDialog, CloseDialog, ExtendDialog, ProgressDialog, ReopenDialog, VoidDialog,
)
from .table_model import COLUMNS, OVERDUE_COLOUR, SOON_COLOUR, ContractsTableModel

log = logging.getLogger(__name__)

ALL_LEADERS = "（全部领导）"
STATUS_CHOICES = (("open", "化解中（在办）"), ("closed", "已销号"), ("", "全部"))
LOAD_HEADERS = ("包案领导", "在办", "超期", "临期", "未报", "销号")
LOAD_TIPS = ("", "化解中的包案", "已超过化解时限", f"{contracts.DUE_SOON_DAYS}天内到期", "本月未报送工作情况", "已销号的包案")
PROGRESS_HEADERS = ("月份", "填报日期", "开展的工作", "接触情况", "当事人态度", "下步打算", "填报人", "签字")
FORMATS = {"pdf": ("PDF 文件 (*.pdf)", ".pdf"), "docx": ("Word 文档 (*.docx)", ".docx"),
           "xlsx": ("Excel 工作簿 (*.xlsx)", ".xlsx")}


def _item(text: str, align_center: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_center:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


def _readonly_table(headers) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


class ContractsPage(QWidget):
    """The 领导包案 area. ``open_case(case_id)`` asks the main window to open a case;
    ``changed()`` tells it that something was saved (今日 refreshes)."""

    open_case = Signal(str)
    changed = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractsPage")
        self._desk = desk
        today = desk.today()

        # ---- filters
        self.leader_combo = QComboBox()
        self.leader_combo.setObjectName("contractsLeader")
        self.leader_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.leader_combo.setMinimumContentsLength(7)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("contractsStatus")
        for code, label in STATUS_CHOICES:
            self.status_combo.addItem(label, code)
        names = contracts.labels(desk)
        for code in contracts.CLOSED_STATUSES:
            self.status_combo.addItem(f"　{contracts.status_label(code, names)}", code)
        self.overdue_check = QCheckBox("已超期")
        self.overdue_check.setObjectName("contractsOverdue")
        self.soon_check = QCheckBox(f"{contracts.DUE_SOON_DAYS}天内到期")
        self.soon_check.setObjectName("contractsDueSoon")
        self.missing_check = QCheckBox("本月未报工作情况")
        self.missing_check.setObjectName("contractsMissing")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("contractsSearch")
        self.search_edit.setPlaceholderText("查找：编号、事由、当事人、责任单位")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 14)
        filters = QWidget()
        flow = widgets.FlowLayout(filters, spacing=6)
        for w in (QLabel("包案领导"), self.leader_combo, QLabel("状态"), self.status_combo, self.overdue_check,
                  self.soon_check, self.missing_check, self.search_edit):
            flow.addWidget(w)

        # ---- actions
        self.assign_button = QPushButton("交办包案…")
        self.assign_button.setObjectName("contractsAssign")
        self.assign_button.setToolTip("选择积案、重复信访、高风险等案件，交由一名领导包案化解")
        self.edit_button = QPushButton("修改包案…")
        self.edit_button.setObjectName("contractsEdit")
        self.edit_button.setToolTip("修改包案领导（移交给另一位领导）、责任单位、责任人、工作专班、化解方案或提前化解时限")
        self.progress_button = QPushButton("记录工作情况…")
        self.progress_button.setObjectName("contractsProgress")
        self.correct_button = QPushButton("修改工作情况…")
        self.correct_button.setObjectName("contractsCorrectProgress")
        self.correct_button.setToolTip("更正“每月工作情况”中选中的一条记录（也可双击该记录）")
        self.void_button = QPushButton("作废…")
        self.void_button.setObjectName("contractsVoid")
        self.void_button.setToolTip("误录的包案作废（须填写原因）；编号不再使用，记录保留备查")
        self.extend_button = QPushButton("延期…")
        self.extend_button.setObjectName("contractsExtend")
        self.close_button = QPushButton("销号…")
        self.close_button.setObjectName("contractsClose")
        self.close_button.setToolTip("符合“五不结案”条件后，经审批销号")
        self.reopen_button = QPushButton("重新启动…")
        self.reopen_button.setObjectName("contractsReopen")
        self.reopen_button.setToolTip("已销号的事项出现反弹：仍由原包案领导负责，重新启动化解")
        self.flags_button = QToolButton()
        self.flags_button.setObjectName("contractsFlags")
        self.flags_button.setText("预警标记")
        self.flags_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.flags_button)
        self.lost_action = QAction("失联", menu, checkable=True)
        self.skipping_action = QAction("越级苗头", menu, checkable=True)
        menu.addAction(self.lost_action)
        menu.addAction(self.skipping_action)
        self.flags_button.setMenu(menu)
        self.letter_button = QPushButton("打印责任书…")
        self.letter_button.setObjectName("contractsLetter")
        self.open_button = QPushButton("打开案件")
        self.open_button.setObjectName("contractsOpenCase")
        self.ledger_year = QSpinBox()
        self.ledger_year.setRange(2000, 2100)
        self.ledger_year.setValue(today.year)
        self.ledger_year.setSuffix("年")
        self.ledger_month = QComboBox()
        self.ledger_month.setObjectName("contractsLedgerMonth")
        for m in range(1, 13):
            self.ledger_month.addItem(f"{m}月", m)
        self.ledger_month.setCurrentIndex(today.month - 1)
        self.ledger_button = QToolButton()
        self.ledger_button.setObjectName("contractsLedger")
        self.ledger_button.setText("导出包案台账")
        self.ledger_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        ledger_menu = QMenu(self.ledger_button)
        for key, word in (("pdf", "PDF…"), ("docx", "Word…"), ("xlsx", "Excel…")):
            action = ledger_menu.addAction(word)
            action.triggered.connect(lambda _checked=False, k=key: self.export_ledger(k))
        self.ledger_button.setMenu(ledger_menu)
        self.ledger_mask_check = QCheckBox("隐藏当事人姓名")
        self.ledger_mask_check.setObjectName("contractsLedgerMask")
        self.ledger_mask_check.setToolTip("台账送出本单位时，信访人、当事人姓名显示为“张*三”")
        # the ledger's month, masking and export stay together when the row wraps
        ledger_group = QWidget()
        ledger_group.setObjectName("contractsLedgerGroup")
        ledger_row = QHBoxLayout(ledger_group)
        ledger_row.setContentsMargins(0, 0, 0, 0)
        ledger_row.setSpacing(6)
        for w in (QLabel("台账月份"), self.ledger_year, self.ledger_month, self.ledger_mask_check, self.ledger_button):
            ledger_row.addWidget(w)
        actions = QWidget()
        flow2 = widgets.FlowLayout(actions, spacing=6)
        for w in (self.assign_button, self.edit_button, self.progress_button, self.correct_button, self.extend_button,
                  self.close_button, self.reopen_button, self.void_button, self.flags_button, self.letter_button,
                  self.open_button, ledger_group):
            flow2.addWidget(w)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("contractsSummary")
        self.summary_label.setWordWrap(True)
        self.reminder_label = QLabel()
        self.reminder_label.setObjectName("contractsReminder")
        self.reminder_label.setWordWrap(True)
        self.reminder_label.setStyleSheet("color: #a00000;")

        # ---- leader loads
        self.loads = _readonly_table(LOAD_HEADERS)
        self.loads.setObjectName("contractsLoads")
        self.loads.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().horizontalAdvance("中")
        for column in range(1, len(LOAD_HEADERS)):
            self.loads.setColumnWidth(column, int(char * 2.6))
            self.loads.horizontalHeaderItem(column).setToolTip(LOAD_TIPS[column])
        self.loads.setMinimumWidth(char * 18)
        self.loads.itemSelectionChanged.connect(self._load_chosen)
        self.loads.setToolTip("点选一位领导，只看他（她）包的案件")

        # ---- contracts
        self.model = ContractsTableModel(self)
        self.table = widgets.record_table(self.model, "contractsTable")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        for column, (key, _title, chars) in enumerate(COLUMNS):
            if key == "number":
                width = metrics.horizontalAdvance("（2026）青包字第023号") + char
            else:
                width = int(chars * metrics.horizontalAdvance("中") + char // 2)
            self.table.setColumnWidth(column, width)
            if key == "case":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())

        # ---- detail
        self.plan_view = QPlainTextEdit()
        self.plan_view.setObjectName("contractPlanView")
        self.plan_view.setReadOnly(True)
        self.progress_table = _readonly_table(PROGRESS_HEADERS)
        self.progress_table.setObjectName("contractProgressTable")
        self.progress_table.setWordWrap(True)
        self.progress_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, chars in enumerate((6.5, 6.5, 14, 9, 9, 9, 4, 3)):
            self.progress_table.setColumnWidth(column, int(chars * char + char // 2))
        self.progress_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history_table = _readonly_table(("时间", "操作人", "内容"))
        self.history_table.setObjectName("contractHistoryTable")
        self.history_table.setColumnWidth(0, char * 9)
        self.history_table.setColumnWidth(1, char * 5)
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.details = QTabWidget()
        self.details.setObjectName("contractDetails")
        self.details.addTab(self.plan_view, "方案与专班")
        self.details.addTab(self.progress_table, "每月工作情况")
        self.details.addTab(self.history_table, "办理经过")

        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        right.addWidget(self.table)
        right.addWidget(self.details)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("各领导包案情况"))
        left_layout.addWidget(self.loads, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([char * 19, char * 73])

        hint = QLabel("双击一行打开案件。红字：已超期或本月未报工作情况；橙字：即将到期；灰字：已销号。")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(filters)
        layout.addWidget(actions)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.reminder_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(hint)

        self.leader_combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.status_combo.currentIndexChanged.connect(lambda *_: self.refresh())
        for box in (self.overdue_check, self.soon_check, self.missing_check):
            box.toggled.connect(lambda *_: self.refresh())
        self.search_edit.returnPressed.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda text: self.refresh() if not text else None)
        self.assign_button.clicked.connect(lambda: self.assign())
        self.progress_button.clicked.connect(lambda: self.log_progress())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.correct_button.clicked.connect(lambda: self.correct_progress())
        self.void_button.clicked.connect(lambda: self.void())
        self.progress_table.itemDoubleClicked.connect(lambda *_: self.correct_progress())
        self.extend_button.clicked.connect(lambda: self.extend())
        self.close_button.clicked.connect(lambda: self.close_out())
        self.reopen_button.clicked.connect(lambda: self.reopen())
        self.letter_button.clicked.connect(lambda: self.print_letter())
        self.open_button.clicked.connect(self._open_current)
        self.lost_action.triggered.connect(lambda checked: self.set_flag("lost_contact", checked))
        self.skipping_action.triggered.connect(lambda checked: self.set_flag("level_skipping", checked))
        self._fill_leaders()
        self.refresh()

    # ------------------------------------------------------------------ loading

    def showEvent(self, event) -> None:  # noqa: N802
        """Coming back to the page shows what changed elsewhere."""
        super().showEvent(event)
        if getattr(self, "_shown_once", False):
            self.refresh()
        self._shown_once = True

    def _fill_leaders(self, loads: list[contracts.LeaderLoad] | None = None) -> None:
        current = self.leader_combo.currentData()
        loads = loads if loads is not None else contracts.leader_loads(self._desk)
        self.leader_combo.blockSignals(True)
        self.leader_combo.clear()
        self.leader_combo.addItem(ALL_LEADERS, None)
        for load in sorted(loads, key=lambda l: l.name):
            self.leader_combo.addItem(load.name, load.name)
        index = self.leader_combo.findData(current) if current else 0
        self.leader_combo.setCurrentIndex(max(0, index))
        self.leader_combo.blockSignals(False)

    def set_leader(self, name: str | None) -> None:
        index = self.leader_combo.findData(name) if name else 0
        if index >= 0:
            self.leader_combo.setCurrentIndex(index)

    def set_status(self, code: str) -> None:
        index = self.status_combo.findData(code)
        if index >= 0:
            self.status_combo.setCurrentIndex(index)

    def current_filter(self) -> contracts.ContractFilter:
        return contracts.ContractFilter(
            leader=self.leader_combo.currentData(), status=self.status_combo.currentData() or None,
            overdue=self.overdue_check.isChecked(), due_soon=self.soon_check.isChecked(),
            missing_progress=self.missing_check.isChecked(), text=self.search_edit.text(),
        )

    def refresh(self, select_id: str | None = None) -> None:
        select_id = select_id or self.current_contract_id()
        try:
            with widgets.busy():
                everything = contracts.list_contracts(self._desk)
                rows = contracts.list_contracts(self._desk, self.current_filter())
                loads = contracts.leader_loads(self._desk, everything)
                gaps = contracts.missing_progress(self._desk)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "无法读取包案")
            return
        self.model.set_rows(rows)
        self._fill_loads(loads)
        if self.leader_combo.count() - 1 != len(loads):
            self._fill_leaders(loads)
        open_rows = [r for r in everything if r.is_open]
        overdue = sum(r.state == "overdue" for r in open_rows)
        soon = sum(r.state == "due_soon" for r in open_rows)
        missing = sum(not r.progress_this_month for r in open_rows)
        flagged = sum(bool(r.flags_text) for r in open_rows)
        self.summary_label.setText(
            f"在办包案 {len(open_rows)} 件：已超期 {overdue} 件，{contracts.DUE_SOON_DAYS}天内到期 {soon} 件，"
            f"本月未报工作情况 {missing} 件，有预警标记 {flagged} 件；已销号 {len(everything) - len(open_rows)} 件。"
            f"　当前列出 {len(rows)} 件。")
        late = [g for g in gaps if g.overdue]
        if late:
            names = "、".join(f"{g.row.leader_name}（{g.row.case_title[:12]}）" for g in late[:4])
            more = f"等{len(late)}件" if len(late) > 4 else ""
            self.reminder_label.setText(f"提醒：{len(late)} 件包案已有整月未报送工作情况：{names}{more}。"
                                        "请督促包案领导按月报送。")
            self.reminder_label.show()
        else:
            self.reminder_label.setText("")
            self.reminder_label.hide()
        row = self.model.find(select_id) if select_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._show_detail()

    def _fill_loads(self, loads: list[contracts.LeaderLoad]) -> None:
        self.loads.blockSignals(True)
        selected = self.leader_combo.currentData()
        self.loads.setRowCount(len(loads))
        for i, load in enumerate(loads):
            name = _item(load.name)
            name.setData(Qt.ItemDataRole.UserRole, load.name)
            name.setToolTip("　".join(x for x in (load.name, load.post, load.phone) if x))
            self.loads.setItem(i, 0, name)
            for column, value in enumerate((load.open, load.overdue, load.due_soon, load.missing_progress,
                                            load.closed), start=1):
                item = _item(str(value) if value else "", True)
                if value and column in (2, 4):
                    item.setForeground(QBrush(OVERDUE_COLOUR))
                elif value and column == 3:
                    item.setForeground(QBrush(SOON_COLOUR))
                self.loads.setItem(i, column, item)
            if load.name == selected:
                self.loads.selectRow(i)
        self.loads.blockSignals(False)

    def _load_chosen(self) -> None:
        items = self.loads.selectedItems()
        if not items:
            return
        name = self.loads.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self.set_leader(name)

    # ------------------------------------------------------------------ selection and detail

    def current_row(self) -> contracts.ContractRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def current_contract_id(self) -> str | None:
        row = self.current_row() if hasattr(self, "model") else None
        return row.id if row else None

    def select_contract(self, contract_id: str) -> bool:
        row = self.model.find(contract_id)
        if row >= 0:
            self.table.selectRow(row)
            self._show_detail()
        return row >= 0

    def _show_detail(self) -> None:
        row = self.current_row()
        for button in (self.edit_button, self.progress_button, self.extend_button, self.close_button,
                       self.flags_button):
            button.setEnabled(row is not None and row.is_open)
        self.correct_button.setEnabled(False)
        self.void_button.setEnabled(row is not None)
        self.reopen_button.setEnabled(row is not None and not row.is_open)
        self.letter_button.setEnabled(row is not None)
        self.open_button.setEnabled(row is not None)
        self.lost_action.setChecked(bool(row and row.flag_lost_contact))
        self.skipping_action.setChecked(bool(row and row.flag_level_skipping))
        if row is None:
            self.plan_view.setPlainText("")
            self.progress_table.setRowCount(0)
            self.history_table.setRowCount(0)
            return
        lines = [f"{row.number}　{row.case_number}　{row.case_title}",
                 f"包案领导：{row.leader_text}" + (f"　电话：{row.leader_phone}" if row.leader_phone else ""),
                 f"责任单位：{row.responsible_unit}　责任人：{row.responsible_persons}",
                 f"工作专班：{row.task_team}",
                 f"交办日期：{row.assigned_on:%Y-%m-%d}　化解时限：{row.deadline_on:%Y-%m-%d}（{row.when_text()}）"
                 + (f"　已延期{row.extension_months}个月" if row.extension_count else ""),
                 f"化解状态：{row.status_label}" + (f"　预警：{row.flags_text}" if row.flags_text else "")]
        if not row.is_open:
            lines.append(f"销号：{row.closed_on:%Y-%m-%d}，满意度{row.satisfaction_label}，审批人{row.close_approver}，"
                         f"销号人{row.closed_by}" + ("，已签订息访协议" if row.withdrawal_agreement else ""))
        if row.claims:
            lines.append(f"主要诉求：{row.claims}")
        lines += ["", "化解方案（一案一策）：", row.plan]
        self.plan_view.setPlainText("\n".join(lines))
        try:
            entries = contracts.progress_entries(self._desk, row.id)
            history = contracts.contract_history(self._desk, row.id)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "无法读取包案")
            return
        self.progress_table.setRowCount(len(entries))
        for i, e in enumerate(reversed(entries)):
            values = (f"{int(e.month[:4])}年{int(e.month[5:])}月", f"{e.entry_on:%Y-%m-%d}", e.work_done, e.contacts,
                      e.attitude, e.next_step, e.author, "已签" if e.signed else "")
            for column, value in enumerate(values):
                item = _item(value)
                item.setToolTip(value if len(value) > 8 else "")
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                self.progress_table.setItem(i, column, item)
        self.correct_button.setEnabled(row.is_open and bool(entries))
        self.history_table.setRowCount(len(history))
        for i, h in enumerate(reversed(history)):
            at = h.at.astimezone() if getattr(h.at, "tzinfo", None) else h.at
            for column, value in enumerate((f"{at:%Y-%m-%d %H:%M}", h.actor, h.text)):
                item = _item(value)
                if column == 2:
                    item.setToolTip(value)
                self.history_table.setItem(i, column, item)

    def _activated(self, index) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_case.emit(row.case_id)

    def _open_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_case.emit(row.case_id)

    # ------------------------------------------------------------------ actions

    def _after_save(self, contract_id: str | None, message: str) -> None:
        self.refresh(select_id=contract_id)
        if contract_id:
            self.select_contract(contract_id)
        self.changed.emit()
        widgets.info(self, message, "已保存")

    def assign(self, case_id: str | None = None):
        """Assign a contract: to ``case_id``, or to a case chosen from the flagged ones / a search."""
        if case_id is None:
            picker = CasePickerDialog(self._desk, self)
            if picker.exec() != QDialog.DialogCode.Accepted:
                return None
            case_id = picker.case_id()
            if case_id is None:
                return None
        dialog = AssignDialog(self._desk, case_id, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        contract = dialog.saved
        self.set_status("open")
        self._after_save(contract.id, f"已交办包案 {contract.number}，包案领导：{contract.leader_name}，"
                                      f"化解时限 {contract.deadline_on:%Y-%m-%d}。")
        return contract

    def _dialog_for_current(self, cls):
        row = self.current_row()
        if row is None:
            widgets.info(self, "请先在列表中选择一件包案。")
            return None, None
        dialog = cls(self._desk, row.id, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return row, None
        return row, dialog.saved

    def edit(self):
        """修改包案: the assign dialog pre-filled; another leader chosen there hands the contract over."""
        row = self.current_row()
        if row is None:
            widgets.info(self, "请先在列表中选择一件包案。")
            return None
        try:
            dialog = AssignDialog(self._desk, row.case_id, self, contract_id=row.id)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "无法修改")
            return None
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        saved = dialog.saved
        if saved.leader_name != row.leader_name:
            message = f"包案 {saved.number} 已由{row.leader_name}移交给{saved.leader_name}负责。"
        else:
            message = f"已保存包案 {saved.number} 的修改。"
        self._after_save(row.id, message)
        return saved

    def void(self):
        """作废 a contract entered by mistake (a reason is required); it leaves the list."""
        row, saved = self._dialog_for_current(VoidDialog)
        if saved is not None:
            self._after_save(None, f"包案 {saved.number} 已作废（编号不再使用）。该案件可以重新交办包案。")
        return saved

    def current_entry_id(self) -> str | None:
        items = self.progress_table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def correct_progress(self, entry_id: str | None = None):
        """修改工作情况: correct the entry selected in 每月工作情况 (or ``entry_id``)."""
        row = self.current_row()
        if row is None:
            widgets.info(self, "请先在列表中选择一件包案。")
            return None
        if not row.is_open:
            widgets.info(self, f"包案 {row.number} 已销号，工作情况记录不能再修改。")
            return None
        entry_id = entry_id or self.current_entry_id()
        if entry_id is None:
            self.details.setCurrentWidget(self.progress_table)
            widgets.info(self, "请先在下方“每月工作情况”中选择要修改的一条记录。")
            return None
        try:
            dialog = ProgressDialog(self._desk, row.id, self, entry_id=entry_id)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "无法修改")
            return None
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        saved = dialog.saved
        self._after_save(row.id, f"已修改{int(saved.month[:4])}年{int(saved.month[5:])}月的工作情况记录。")
        self.details.setCurrentWidget(self.progress_table)
        return saved

    def log_progress(self):
        row, saved = self._dialog_for_current(ProgressDialog)
        if saved is not None:
            self._after_save(row.id, f"已记录{int(saved.month[5:])}月工作情况。")
        return saved

    def extend(self):
        row = self.current_row()
        if row is not None:
            check = contracts.extension_check(self._desk, row.id, 1)
            if not check.allowed:
                widgets.error(self, check.reason, "不能延期")
                return None
        row, saved = self._dialog_for_current(ExtendDialog)
        if saved is not None:
            self._after_save(row.id, f"已延期，化解时限延至 {saved.deadline_on:%Y-%m-%d}。")
        return saved

    def close_out(self):
        row, saved = self._dialog_for_current(CloseDialog)
        if saved is not None:
            self._after_save(row.id, f"包案 {saved.number} 已销号（{contracts.status_label(saved.status)}）。")
        return saved

    def reopen(self):
        row, saved = self._dialog_for_current(ReopenDialog)
        if saved is not None:
            self.set_status("open")
            self._after_save(row.id, f"包案 {saved.number} 已重新启动，仍由{saved.leader_name}负责，"
                                     f"化解时限 {saved.deadline_on:%Y-%m-%d}。")
        return saved

    def set_flag(self, which: str, on: bool):
        row = self.current_row()
        if row is None:
            return None
        try:
            contract = contracts.set_flags(self._desk, row.id, **{which: on})
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "不能保存")
            self._show_detail()
            return None
        self.refresh(select_id=row.id)
        self.changed.emit()
        return contract

    def _save_path(self, title: str, name: str, kind: str) -> Path | None:
        from ...services.printing import documents_dir, safe_name

        pattern, suffix = FORMATS[kind]
        folder = documents_dir(self._desk)
        suggested = str(folder / f"{safe_name(name)}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, pattern)
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        return path

    def print_letter(self, kind: str = "pdf") -> Path | None:
        row = self.current_row()
        if row is None:
            widgets.info(self, "请先在列表中选择一件包案。")
            return None
        path = self._save_path("保存包案责任书", f"包案责任书-{row.number}-{row.leader_name}", kind)
        if path is None:
            return None
        try:
            with widgets.busy():
                result = contracts.print_letter(self._desk, row.id, path)
        except (ValueError, StoreError, OSError) as error:
            widgets.error(self, str(error), "无法生成责任书")
            return None
        widgets.info(self, f"已保存：{result.path}\n请打印后由包案领导、责任单位负责人签字。", "已生成")
        return result.path

    def ledger_month_key(self) -> str:
        return f"{self.ledger_year.value()}-{int(self.ledger_month.currentData()):02d}"

    def export_ledger(self, kind: str) -> Path | None:
        month = self.ledger_month_key()
        leader = self.leader_combo.currentData()
        mask = self.ledger_mask_check.isChecked()
        name = f"领导包案工作台账-{month}" + (f"-{leader}" if leader else "") + ("（隐藏姓名）" if mask else "")
        path = self._save_path("导出包案台账", name, kind)
        if path is None:
            return None
        try:
            with widgets.busy():
                book = contracts.build_ledger(self._desk, month, leader=leader, mask=mask)
                result = contracts.export_ledger(self._desk, book, path)
        except (ValueError, StoreError, OSError) as error:
            widgets.error(self, str(error), "无法导出台账")
            return None
        widgets.info(self, f"已保存：{result.path}\n{book.title}：{book.total_line}", "已导出")
        return result.path
