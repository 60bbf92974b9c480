"""信访: the petitions in hand by their next statutory deadline, the clock of the selected one with
every stage, the next steps of the procedure, its notices, and the monthly ledger.

Interface used by the main window::

    page = PetitionsPage(desk, parent=None)
    page.open_case -> Signal(str)   open the petition in the case editor
    page.changed   -> Signal()      a petition was registered or moved on (今日 may refresh)
    page.refresh()

Every step goes through services.petitions (which refuses invalid jumps and dates with the
reason); nothing here touches the database.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
    QLineEdit, QMenu, QPushButton, QSplitter, QTableView, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout,
    QWidget,
)
from PySide6.QtGui import QBrush, QColor

from ...domain import vocabularies as vocab
from ...services import deadlines as deadline_service
from ...services import organisation
from ...services import petitions
from ...services import vocab as vocab_service
from ...services.context import Desk, ServiceError
from ...services.parties import FieldError, PartyInput
from .. import widgets
from ..widgets import FlowLayout
from .dialogs import ActionDialog, ActionSpec, FieldSpec, RegisterPetitionDialog, choose_repeat
from .table_model import CASE_ID_ROLE, CHARS, COL_TITLE, PetitionTableModel

log = logging.getLogger(__name__)

FILTERS = (
    ("open", "在办的信访事项"),
    ("due7", "7日内到期（含超期）"),
    ("overdue", "已超期"),
    ("all", "全部（含已办结）"),
)
STATE_COLOURS = {"overdue": QColor(200, 0, 0), "soon": QColor(176, 96, 0), "done": QColor(110, 110, 110),
                 "muted": QColor(140, 140, 140)}


class PetitionsPage(QWidget):
    open_case = Signal(str)
    changed = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("petitionsPage")
        self._desk = desk
        self._current: str | None = None
        self._labels = vocab_service.all_labels(desk)
        self._rules, _calendar = deadline_service.rules_and_calendar(desk)

        # ---- toolbar
        self.new_button = QPushButton("登记信访事项…")
        self.new_button.setObjectName("newPetition")
        self.new_button.clicked.connect(self.new_petition)
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("petitionFilter")
        for key, label in FILTERS:
            self.filter_combo.addItem(label, key)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("petitionSearch")
        self.search_edit.setPlaceholderText("编号、事由、信访人")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.refresh)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.ledger_button = QPushButton("信访台账…")
        self.ledger_button.setObjectName("petitionLedger")
        self.ledger_button.setToolTip("生成某月信访事项登记台账（A4横向，PDF或Word）")
        self.ledger_button.clicked.connect(self.export_ledger)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addSpacing(12)
        bar.addWidget(QLabel("显示："))
        bar.addWidget(self.filter_combo)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.ledger_button)
        self.count_label = QLabel()
        self.count_label.setObjectName("petitionCount")

        # ---- the list
        self.model = PetitionTableModel(self)
        self.model.soon_days = self._rules.due_soon_days
        self.table = QTableView()
        self.table.setObjectName("petitionTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._select_row(cur.row()))
        self.table.doubleClicked.connect(lambda idx: self._open(idx.data(CASE_ID_ROLE)))
        self._size_columns()

        # ---- the detail of the selected petition
        self.detail = QWidget()
        self.detail.setObjectName("petitionDetail")
        dl = QVBoxLayout(self.detail)
        dl.setContentsMargins(6, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setObjectName("petitionTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label = QLabel()
        self.info_label.setObjectName("petitionInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clock_table = QTableWidget(0, 3)
        self.clock_table.setObjectName("clockTable")
        self.clock_table.setHorizontalHeaderLabels(["法定环节", "期限", "情况"])
        self.clock_table.verticalHeader().setVisible(False)
        self.clock_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.clock_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.clock_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clock_table.setWordWrap(True)
        head = self.clock_table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.end_label = QLabel()
        self.end_label.setObjectName("petitionEndState")
        self.end_label.setWordWrap(True)
        self.actions_box = QWidget()
        self.actions_box.setObjectName("petitionActions")
        self.actions_flow = FlowLayout(self.actions_box, spacing=6)
        self.action_buttons: dict[str, QPushButton] = {}
        for spec in self._action_specs():
            b = QPushButton(spec.button)
            b.setObjectName(f"action_{spec.key}")
            b.clicked.connect(lambda _c=False, key=spec.key: self.run_action(key))
            self.action_buttons[spec.key] = b
            self.actions_flow.addWidget(b)
        self.print_button = QToolButton()
        self.print_button.setObjectName("printNotice")
        self.print_button.setText("打印文书")
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.print_menu = QMenu(self.print_button)
        self.print_button.setMenu(self.print_menu)
        self.open_button = QPushButton("打开案件")
        self.open_button.setObjectName("openPetition")
        self.open_button.setToolTip("在案件窗口中查看和修改全部信息、信访人和工作记录")
        self.open_button.clicked.connect(lambda: self._open(self._current))
        tools = QHBoxLayout()
        tools.addWidget(self.print_button)
        tools.addWidget(self.open_button)
        tools.addStretch(1)
        self.placeholder = QLabel("请在左侧选择一件信访事项。")
        self.placeholder.setObjectName("petitionPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        dl.addWidget(self.title_label)
        dl.addWidget(self.info_label)
        dl.addWidget(self.clock_table)
        dl.addWidget(self.end_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        dl.addWidget(line)
        next_label = QLabel("下一步：")
        dl.addWidget(next_label)
        dl.addWidget(self.actions_box)
        dl.addLayout(tools)
        dl.addWidget(self.placeholder)
        dl.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table, 1)
        ll.addWidget(self.count_label)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.splitter = split
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addLayout(bar)
        outer.addWidget(split, 1)
        self._show_detail(None)
        self.refresh()

    # ================================================================== list

    def _size_columns(self) -> None:
        em = self.fontMetrics().horizontalAdvance("中")
        header = self.table.horizontalHeader()
        for col, chars in enumerate(CHARS):
            header.resizeSection(col, int(em * chars) + 10)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        em = self.fontMetrics().horizontalAdvance("中")
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total > 0 and not getattr(self, "_split_done", False):
            self._split_done = True
            right = max(em * 26, int(total * 0.36))
            self.splitter.setSizes([total - right, right])

    def filter_key(self) -> str:
        return self.filter_combo.currentData() or "open"

    def set_filter(self, key: str) -> None:
        index = self.filter_combo.findData(key)
        if index >= 0:
            self.filter_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        key = self.filter_key()
        try:
            # filtered and ordered by the service; the model builds the rows a page at a time
            listing = petitions.petition_listing(
                self._desk, include_closed=key == "all", text=self.search_edit.text().strip(),
                due_within=self._rules.due_soon_days + 4 if key == "due7" else None, overdue_only=key == "overdue")
        except ServiceError as error:
            widgets.error(self, str(error))
            return
        keep = self._current
        self.model.set_listing(listing)
        text = f"共 {listing.total} 件"
        if listing.overdue:
            text += f"，其中 <span style='color:#c00000; font-weight:bold'>已超期 {listing.overdue} 件</span>"
        self.count_label.setText(text)
        row = self.model.locate(keep) if keep else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.select_row(row)
        else:
            self._show_detail(None)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._select_row(row)

    def select_case(self, case_id: str) -> bool:
        row = self.model.locate(case_id)
        if row < 0:
            self.set_filter("all")
            row = self.model.locate(case_id)
        if row >= 0:
            self.select_row(row)
            return True
        return False

    def _select_row(self, row: int) -> None:
        r = self.model.row_at(row)
        self._show_detail(r)

    def current_row(self) -> petitions.PetitionRow | None:
        return self.model.row_at(self.model.row_of(self._current)) if self._current else None

    def _open(self, case_id: str | None) -> None:
        if case_id:
            self.open_case.emit(case_id)

    # ================================================================== detail

    def _show_detail(self, r: petitions.PetitionRow | None) -> None:
        self._current = r.case_id if r else None
        has = r is not None
        for w in (self.title_label, self.info_label, self.clock_table, self.end_label, self.actions_box,
                  self.print_button, self.open_button):
            w.setVisible(has)
        self.placeholder.setVisible(not has)
        if r is None:
            return
        self.title_label.setText(f"<b>{r.number}</b>　{r.title}")
        info = [f"信访人：{r.petitioners or '（未登记）'}"]
        if r.representatives:
            info.append(f"推选代表：{r.representatives}")
        info.append(f"{r.petition_type_label or '类型未填'} · {r.channel_label or '形式未填'} · 收到 {r.received_on.isoformat()}"
                    + (f" · 转来：{r.received_from}" if r.received_from else ""))
        if r.handler_name:
            info.append(f"承办人：{r.handler_name}")
        if r.flags:
            info.append(f"<span style='color:#b35c00'>{r.flags}</span>"
                        + (f"（原信访事项 {r.original_number}）" if r.original_number else ""))
        info.append(f"状态：<b>{r.status_label}</b>")
        self.info_label.setText("<br>".join(info))
        self._fill_clock(r)
        end = r.clock.end_state
        if r.clock.extension_days:
            end = (end + "；" if end else "") + f"已延期 {r.clock.extension_days} 日（只能延期一次）"
        if r.clock.error:
            end = (end + "；" if end else "") + f"日期有误：{r.clock.error}"
        self.end_label.setText(end)
        self.end_label.setVisible(bool(end))
        allowed = set(vocab.allowed_next("petition", r.status))
        for key, button in self.action_buttons.items():
            button.setVisible(self._action_applies(key, r, allowed))
        self._fill_print_menu(r)

    def _fill_clock(self, r: petitions.PetitionRow) -> None:
        stages = [s for s in r.clock.stages if s.state != "n/a"]
        self.clock_table.setRowCount(len(stages))
        for i, s in enumerate(stages):
            name = deadline_service.CLOCK_LABELS.get(s.key, s.label)
            if s.owner == "petitioner":
                name += "（信访人）"
            if s.key == "rereview_answer_due" and r.clock.hearing_days:
                name += f"（不含听证{r.clock.hearing_days}日）"
            items = [QTableWidgetItem(name), QTableWidgetItem(s.due_on.isoformat() if s.due_on else "—"),
                     QTableWidgetItem(s.when_text())]
            items[0].setToolTip(s.label)
            colour = None
            if s.overdue:
                colour = STATE_COLOURS["overdue"]
            elif s.state == "running" and s.days_left is not None and s.days_left <= self._rules.due_soon_days:
                colour = STATE_COLOURS["soon"]
            elif s.state in ("done", "passed", "pending"):
                colour = STATE_COLOURS["done"]
            for col, item in enumerate(items):
                item.setData(Qt.ItemDataRole.UserRole, s.key)
                if colour is not None:
                    item.setForeground(QBrush(colour))
                if s.state == "running":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.clock_table.setItem(i, col, item)
        self.clock_table.resizeRowsToContents()
        height = self.clock_table.horizontalHeader().height() + 2 * self.clock_table.frameWidth()
        height += sum(self.clock_table.rowHeight(i) for i in range(self.clock_table.rowCount()))
        self.clock_table.setFixedHeight(height)

    def clock_texts(self) -> dict[str, tuple[str, str]]:
        """stage key → (date text, state text) as shown (for tests and screen readers)."""
        out = {}
        for row in range(self.clock_table.rowCount()):
            item = self.clock_table.item(row, 0)
            out[item.data(Qt.ItemDataRole.UserRole)] = (self.clock_table.item(row, 1).text(),
                                                        self.clock_table.item(row, 2).text())
        return out

    def _fill_print_menu(self, r: petitions.PetitionRow) -> None:
        self.print_menu.clear()
        try:
            choices = petitions.notice_choices(self._desk, r.case_id)
        except ServiceError as error:
            log.warning("notice choices: %s", error)
            choices = []
        usable = 0
        for c in choices:
            action = self.print_menu.addAction(c.label)
            action.setObjectName(c.name)
            action.setEnabled(c.ok)
            action.setToolTip(c.reason)
            action.setData(c.name)
            if c.ok:
                usable += 1
                action.triggered.connect(lambda _c=False, name=c.name: self.print_notice(name))
        self.print_menu.setToolTipsVisible(True)
        self.print_button.setEnabled(usable > 0)
        self.print_button.setToolTip("打印告知书、意见书（A4公文格式）" if usable else "该信访事项目前没有可打印的文书")

    def print_notice(self, name: str) -> None:
        """Open the print preview of a notice (print, save as PDF/Word)."""
        if not self._current:
            return
        from ..printing.preview import PrintPreviewDialog

        try:
            dialog = PrintPreviewDialog(self._desk, self._current, name, self)
        except ServiceError as error:
            widgets.error(self, str(error))
            return
        dialog.open()

    # ================================================================== actions

    def _action_specs(self) -> list[ActionSpec]:
        today = self._desk.today()
        decisions = [(i.code, i.label) for i in vocab.items("petition_decision")]
        channels = list(petitions.LEGAL_CHANNELS.items())
        cap = self._rules.petition_extension_max_days
        return [
            ActionSpec("accept", "受理…", "受理信访事项", [
                FieldSpec("on", "受理日期", "date", today, required=True),
                FieldSpec("notice_on", "告知日期", "date", today, hint="向信访人出具受理告知书的日期"),
            ], intro="受理后，申诉求决类信访事项应在60日内办结并出具处理意见。"),
            ActionSpec("refuse", "不予受理…", "不予受理", [
                FieldSpec("on", "告知日期", "date", today, required=True),
                FieldSpec("reason", "不予受理的理由", "text", required=True),
                FieldSpec("refer_to", "告知信访人向何处提出", "line", hint="如：临川县人力资源和社会保障局"),
            ]),
            ActionSpec("assign_out", "转送/交办…", "转送或交办", [
                FieldSpec("on", "转送（交办）日期", "date", today, required=True),
                FieldSpec("word", "方式", "combo", "转送", items=[("转送", "转送"), ("交办", "交办")]),
                FieldSpec("body", "转送（交办）给", "line", required=True, hint="有权处理的机关、单位"),
                FieldSpec("note", "说明", "line"),
            ]),
            ActionSpec("object_misroute", "转送异议…", "对转送、交办提出异议", [
                FieldSpec("on", "异议日期", "date", today, required=True),
                FieldSpec("reason", "异议理由", "text", required=True),
            ], intro="不属于本机关职权范围的，应自收到之日起5个工作日内向转送机关提出异议，退回材料。"),
            ActionSpec("legal_channel", "导入法定途径…", "导入法定途径", [
                FieldSpec("on", "日期", "date", today, required=True),
                FieldSpec("channel", "法定途径", "combo", "court", items=channels),
                FieldSpec("body", "告知信访人向何处提出", "line", hint="如：临川县人民法院"),
                FieldSpec("note", "理由", "text"),
            ], intro="应当通过诉讼、仲裁、行政复议等法定途径解决的，导入相应程序，不再计算信访办理期限。"),
            ActionSpec("extend", "延期办理…", "延期办理", [
                FieldSpec("on", "批准日期", "date", today, required=True),
                FieldSpec("days", "延长天数", "spin", cap, minimum=1, maximum=max(cap, 1), suffix=" 日"),
                FieldSpec("reason", "延期理由", "text", required=True, hint="将写入延期办理告知书，告知信访人"),
                FieldSpec("approver", "批准人（本机关负责人）", "line", required=True),
            ], intro=f"情况复杂的，经本机关负责人批准可以延期一次，最多{cap}日，并告知信访人延期理由。"),
            ActionSpec("reply", "出具处理意见…", "出具信访事项处理意见书", [
                FieldSpec("on", "答复日期", "date", today, required=True),
                FieldSpec("decision", "处理意见", "combo", None, items=decisions, required=True, empty="（请选择）",
                          hint="支持：请求事实清楚、符合规定；解释说明：事由合理但缺乏法律依据；不予支持：缺乏事实根据或不符合规定"),
                FieldSpec("text", "事实和理由", "text", required=True, hint="经调查核实的情况，写入处理意见书"),
                FieldSpec("legal_basis", "法律政策依据", "text", required=True),
                FieldSpec("review_body", "复查机关", "line", hint="信访人不服可在30日内向其请求复查（本机关的上一级机关）"),
            ]),
            ActionSpec("request_review", "申请复查…", "信访人申请复查", [
                FieldSpec("on", "申请日期", "date", today, required=True),
                FieldSpec("body", "复查机关", "line"),
            ], intro="信访人可以自收到处理意见书之日起30日内请求复查；复查机关应在30日内答复。"),
            ActionSpec("record_review", "复查意见…", "记录复查意见", [
                FieldSpec("on", "复查意见日期", "date", today, required=True),
                FieldSpec("result", "复查意见", "text", required=True, hint="如：维持原处理意见。……"),
            ]),
            ActionSpec("request_rereview", "申请复核…", "信访人申请复核", [
                FieldSpec("on", "申请日期", "date", today, required=True),
                FieldSpec("body", "复核机关", "line"),
            ], intro="信访人可以自收到复查意见之日起30日内请求复核；复核机关应在30日内答复（听证时间不计入）。"),
            ActionSpec("record_hearing", "记录听证时间…", "记录复核听证时间", [
                FieldSpec("days", "听证天数", "line", "0", required=True,
                          hint="举行听证所用的天数（整数，日）；没有听证的填0"),
                FieldSpec("on", "记录日期", "date", today, required=True),
                FieldSpec("note", "说明", "line", hint="如：2026年12月3日至12日举行听证"),
            ], intro="复核需要举行听证的，听证所需时间不计算在复核答复的30日期限内。"),
            ActionSpec("record_rereview", "复核意见…", "记录复核意见", [
                FieldSpec("on", "复核意见日期", "date", today, required=True),
                FieldSpec("result", "复核意见", "text", required=True),
            ], intro="复核后，信访人仍以同一事实和理由提出的，不再受理。"),
            ActionSpec("close", "办结…", "办结", [
                FieldSpec("on", "办结日期", "date", today, required=True),
                FieldSpec("note", "说明", "line"),
            ]),
        ]

    @staticmethod
    def _action_applies(key: str, r: petitions.PetitionRow, allowed: set[str]) -> bool:
        target = {"accept": "accepted", "refuse": "not_accepted", "assign_out": "assigned_out",
                  "object_misroute": "assigned_out", "legal_channel": "legal_channel", "reply": "replied",
                  "request_review": "review_requested", "record_review": "reviewed",
                  "request_rereview": "rereview_requested", "record_rereview": "rereviewed", "close": "closed"}
        if key == "extend":
            return r.status == "accepted" and r.clock.runs_handling_clock
        if key == "object_misroute":
            return r.status == "registered" and r.clock.stage("misroute_objection_due").state == "running"
        if key == "record_hearing":
            return r.status in ("rereview_requested", "rereviewed")
        return target[key] in allowed

    def action_spec(self, key: str) -> ActionSpec:
        return next(s for s in self._action_specs() if s.key == key)

    def run_action(self, key: str) -> bool:
        """Open the dialog of one step for the selected petition and carry it out."""
        if not self._current:
            return False
        r = self.current_row()
        if key == "extend" and r is not None and r.clock.extension_days:
            widgets.error(self, f"信访事项只能延期一次（已延长{r.clock.extension_days}日）。", "不能再延期")
            return False
        case_id = self._current
        spec = self.action_spec(key)
        if key == "request_review" and r is not None:
            spec.fields[1].default = ""
        if key == "record_hearing" and r is not None:
            spec.fields[0].default = str(r.clock.hearing_days)
        dialog = ActionDialog(spec, self, submit=lambda values: self._perform(dialog, key, case_id, values))
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _perform(self, dialog: ActionDialog, key: str, case_id: str, v: dict[str, Any]) -> bool:
        calls: dict[str, Callable[[], Any]] = {
            "accept": lambda: petitions.accept(self._desk, case_id, v["on"], notice_on=v.get("notice_on")),
            "refuse": lambda: petitions.refuse(self._desk, case_id, v["reason"], v["on"], refer_to=v.get("refer_to", "")),
            "assign_out": lambda: petitions.assign_out(self._desk, case_id, v["body"], v["on"], word=v["word"] or "转送",
                                                       note=v.get("note", "")),
            "object_misroute": lambda: petitions.object_misroute(self._desk, case_id, v["reason"], v["on"]),
            "legal_channel": lambda: petitions.route_to_legal_channel(self._desk, case_id, v["channel"], v["on"],
                                                                      body=v.get("body", ""), note=v.get("note", "")),
            "extend": lambda: petitions.extend(self._desk, case_id, v["days"], v["reason"], v["approver"], v["on"]),
            "reply": lambda: petitions.reply(self._desk, case_id, v["decision"], v["legal_basis"], v["text"], v["on"],
                                             review_body=v.get("review_body", "")),
            "request_review": lambda: petitions.request_review(self._desk, case_id, v["on"], body=v.get("body", "")),
            "record_review": lambda: petitions.record_review(self._desk, case_id, v["result"], v["on"]),
            "request_rereview": lambda: petitions.request_rereview(self._desk, case_id, v["on"], body=v.get("body", "")),
            "record_hearing": lambda: petitions.record_hearing(self._desk, case_id, v["days"], v["on"],
                                                               note=v.get("note", "")),
            "record_rereview": lambda: petitions.record_rereview(self._desk, case_id, v["result"], v["on"]),
            "close": lambda: petitions.close(self._desk, case_id, v["on"], note=v.get("note", "")),
        }
        try:
            calls[key]()
        except ServiceError as error:  # FieldError too: the reason in Chinese, the dialog stays open
            dialog.show_error(str(error))
            return False
        self.changed.emit()
        self.refresh()
        self.select_case(case_id)
        return True

    # ================================================================== registering

    def _register_choices(self) -> dict[str, list[tuple[str, str]]]:
        def items(name: str) -> list[tuple[str, str]]:
            return [(e.code, e.label) for e in vocab_service.entries(self._desk, name)]

        villages = [(v.id, v.name) for v in organisation.villages(self._desk)]
        staff = [(s.id, s.name + (f"（{s.post}）" if s.post else "")) for s in organisation.list_staff(self._desk)]
        return {"types": items("petition_type"), "channels": items("petition_channel"), "villages": villages,
                "staff": staff}

    def new_petition(self) -> str | None:
        """登记信访事项: the dialog, the repeat-petition check, then the registration."""
        choices = self._register_choices()
        self._registered: str | None = None
        dialog = RegisterPetitionDialog(self._desk.today(), max_representatives=self._rules.petition_max_representatives,
                                        parent=self, submit=lambda values: self._register(dialog, values), **choices)
        dialog.exec()
        return self._registered

    def _register(self, dialog: RegisterPetitionDialog, v: dict[str, Any]) -> bool:
        people = v["people"]
        matter = f"{v['title']} {v.get('claims', '')}"
        try:
            candidates = petitions.find_possible_repeats(
                self._desk, [{**p, "area_id": v.get("area_id")} for p in people], matter)
        except ServiceError as error:
            dialog.show_error(str(error))
            return False
        repeat_of = None
        if candidates:
            answer = choose_repeat(self, candidates)
            if answer is None:
                return False
            if answer == "link":
                repeat_of = candidates[0].original_id
        fields = {k: v[k] for k in ("title", "petition_type", "channel", "received_on", "claims", "description",
                                    "received_from", "area_id", "mediator_id", "people_involved") if v.get(k) not in (None, "")}
        inputs = [PartyInput(role="petitioner", is_representative=p["is_representative"], sort=i,
                             fields={k: p[k] for k in ("name", "id_number", "phone", "address") if p.get(k)}
                             | ({"area_id": v["area_id"]} if v.get("area_id") else {}))
                  for i, p in enumerate(people)]
        try:
            case = petitions.register_petition(self._desk, fields, inputs, repeat_of=repeat_of,
                                               level_skipping=bool(v.get("is_level_skipping")))
        except FieldError as error:
            dialog.show_error(str(error))
            return False
        except ServiceError as error:
            dialog.show_error(str(error))
            return False
        self._registered = case.id
        self.changed.emit()
        if self.filter_key() in ("overdue",):
            self.set_filter("open")
        self.refresh()
        self.select_case(case.id)
        if case.status == "not_accepted":
            widgets.info(self, f"{case.number} 已登记为重复信访。原信访事项已经复核终结，按规定不再受理，"
                               "请打印“不再受理告知书”交信访人。", "不再受理")
        return True

    # ================================================================== ledger

    def export_ledger(self) -> Path | None:
        today = self._desk.today()
        months = []
        y, m = today.year, today.month
        for _ in range(24):
            months.append(f"{y}-{m:02d}")
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        month, ok = QInputDialog.getItem(self, "信访台账", "台账月份：", months, 0, False)
        if not ok or not month:
            return None
        from ...services import printing

        default = printing.documents_dir(self._desk) / f"{month}信访事项登记台账.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, "保存信访台账", str(default), "PDF 文件 (*.pdf);;Word 文件 (*.docx)")
        if not path:
            return None
        try:
            with widgets.busy():
                result = petitions.export_petition_ledger(self._desk, month, path)
        except ServiceError as error:
            widgets.error(self, str(error))
            return None
        widgets.info(self, f"已生成信访台账（{result.rows} 件）：\n{result.path}", "信访台账")
        return result.path
