"""矛盾排查: the month × village grid of screening reports (已报 / 零报告 / 逾期补报 / 未报 / 待报),
the rounds of the chosen month, and the major items still to be reported.

Record a round (登记排查…), a zero report (登记零报告…), print a round's report for signature,
void a wrong round, and record that a major item was reported. Double-click a grid cell: a village
with no report opens the dialog for it; otherwise its rounds are shown below."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
    QPushButton, QSizePolicy, QSpinBox, QSplitter, QTableView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ...services import screening
from ...services.context import Desk
from ...services.desktop import StoreError
from .. import widgets
from .grid_model import AREA_ID_ROLE, MONTH_ROLE, STATUS_COLOURS, StatusGridModel
from .round_dialog import RoundDialog

log = logging.getLogger(__name__)

ROUND_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class ScreeningPage(QWidget):
    open_case = Signal(str)
    #: a round was recorded or voided (the 今日 page may want to refresh)
    changed = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screeningPage")
        self._desk = desk
        today = desk.today()

        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("screeningYear")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix("年")
        self.month_combo = QComboBox()
        self.month_combo.setObjectName("screeningMonth")
        for m in range(1, 13):
            self.month_combo.addItem(f"{m}月", m)
        self.month_combo.setCurrentIndex(today.month - 1)
        self.record_button = QPushButton("登记排查…")
        self.record_button.setObjectName("recordRound")
        self.record_button.setToolTip("登记一次矛盾纠纷排查：新发现的纠纷、复核的在办事项")
        self.zero_button = QPushButton("登记零报告…")
        self.zero_button.setObjectName("recordZero")
        self.zero_button.setToolTip("本期没有发现矛盾纠纷，也要登记并打印零报告签字报送")
        self.refresh_button = QPushButton("刷新")
        top = QHBoxLayout()
        top.addWidget(QLabel("年份"))
        top.addWidget(self.year_spin)
        top.addWidget(QLabel("月份"))
        top.addWidget(self.month_combo)
        top.addStretch(1)
        top.addWidget(self.record_button)
        top.addWidget(self.zero_button)
        top.addWidget(self.refresh_button)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("screeningSummary")
        self.summary_label.setWordWrap(True)
        legend = QHBoxLayout()
        legend.setSpacing(4)
        for status in ("done", "zero", "late", "missing", "pending"):
            swatch = QLabel(f" {screening.STATUS_LABELS[status]} ")
            colour = STATUS_COLOURS[status]
            swatch.setStyleSheet(f"background-color: {colour.name()}; border: 1px solid #bbb; padding: 1px 4px;")
            legend.addWidget(swatch)
        legend.addStretch(1)

        self.grid_model = StatusGridModel(self)
        self.grid = QTableView()
        self.grid.setObjectName("screeningGrid")
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 1.7))
        self.grid.setWordWrap(False)
        self.grid.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.grid.clicked.connect(self._cell_clicked)
        self.grid.doubleClicked.connect(self._cell_double_clicked)

        # --- rounds of the month
        self.rounds_list = QTreeWidget()
        self.rounds_list.setObjectName("screeningRounds")
        self.rounds_list.setRootIsDecorated(True)
        self.rounds_list.setHeaderLabels(["村（社区）/事项", "周期", "排查日期", "报送日期", "情况", "排查人员", "签字"])
        self.rounds_list.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.rounds_list.itemActivated.connect(self._round_activated)
        self.print_button = QPushButton("打印排查表…")
        self.print_button.setObjectName("printRound")
        self.print_button.setToolTip("把所选的排查记录（零报告表或排查情况报告表）保存为 PDF 或 Word，打印签字盖章")
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("登记错了的排查记录可以作废（保留记录和理由），然后重新登记")
        rounds_box = QGroupBox("本月排查记录")
        self.rounds_box = rounds_box
        rl = QVBoxLayout(rounds_box)
        rl.addWidget(self.rounds_list, 1)
        rb = QHBoxLayout()
        rb.addWidget(self.print_button)
        rb.addWidget(self.void_button)
        rb.addStretch(1)
        rl.addLayout(rb)

        # --- major items
        self.major_list = QTreeWidget()
        self.major_list.setObjectName("majorPending")
        self.major_list.setRootIsDecorated(False)
        self.major_list.setHeaderLabels(["编号", "事件名称", "村", "原因"])
        self.major_list.itemActivated.connect(
            lambda item, _c: self.open_case.emit(item.data(0, CASE_ID_ROLE)) if item.data(0, CASE_ID_ROLE) else None)
        self.report_button = QPushButton("登记已上报…")
        self.report_button.setObjectName("reportMajor")
        self.report_button.setToolTip("记录所选重大事项已向上级报告（记下报告时间和报送对象）")
        major_box = QGroupBox("重大事项待上报")
        self.major_box = major_box
        ml = QVBoxLayout(major_box)
        hint = QLabel("高风险（红色）、群体性、可能民转刑的事项应立即上报，不等月底。")
        hint.setWordWrap(True)
        ml.addWidget(hint)
        ml.addWidget(self.major_list, 1)
        mb = QHBoxLayout()
        mb.addWidget(self.report_button)
        mb.addStretch(1)
        ml.addLayout(mb)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(rounds_box)
        lower.addWidget(major_box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        outer = QSplitter(Qt.Orientation.Vertical)
        grid_box = QWidget()
        gl = QVBoxLayout(grid_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addLayout(legend)
        gl.addWidget(self.grid, 1)
        outer.addWidget(grid_box)
        outer.addWidget(lower)
        outer.setStretchFactor(0, 1)
        outer.setStretchFactor(1, 1)
        outer.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(outer, 1)

        self.year_spin.valueChanged.connect(lambda *_: self.refresh())
        self.month_combo.currentIndexChanged.connect(lambda *_: self._load_month())
        self.record_button.clicked.connect(lambda: self.record_round())
        self.zero_button.clicked.connect(lambda: self.record_round(zero=True))
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(lambda: self.print_round())
        self.void_button.clicked.connect(lambda: self.void_round())
        self.report_button.clicked.connect(lambda: self.report_major())
        self._selected_area: str | None = None
        self.refresh()

    # ------------------------------------------------------------------ loading

    def showEvent(self, event) -> None:  # noqa: N802
        """Coming back to the page shows what changed elsewhere (cases closed, rounds recorded)."""
        super().showEvent(event)
        if getattr(self, "_shown_once", False):
            self.refresh()
        self._shown_once = True

    def month_key(self) -> str:
        return f"{self.year_spin.value()}-{self.month_combo.currentData():02d}"

    def refresh(self) -> None:
        try:
            grid = screening.status_grid(self._desk, self.year_spin.value())
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "无法读取排查情况")
            return
        self.grid_model.set_grid(grid)
        self._load_month()
        self._load_major()

    def _load_month(self) -> None:
        grid = self.grid_model.grid
        month = self.month_key()
        if grid is not None and month in grid.months:
            counts = grid.counts(month)
            y, m = month.split("-")
            parts = [f"{screening.STATUS_LABELS[k]} {counts[k]} 个" for k in ("done", "zero", "late", "missing", "pending")
                     if counts[k]]
            total = len(grid.rows)
            self.summary_label.setText(
                f"{int(y)}年{int(m)}月：共 {total} 个村（社区）" + ("，" + "，".join(parts) if parts else "")
                + "。每月排查情况须在报送截止日前签字报送，没有发现问题也要报零报告。")
            col = grid.months.index(month)
            if self.grid.currentIndex().column() != col:
                self.grid.selectColumn(col)
        self._load_rounds()

    def _load_rounds(self) -> None:
        self.rounds_list.clear()
        views = screening.rounds_in_month(self._desk, self.month_key(), self._selected_area)
        for v in views:
            r = v.round
            state = "零报告" if r.is_zero_report else (f"发现及复核 {len(v.entries)} 项" if v.entries else "已报")
            if v.late:
                state += "（逾期）"
            item = QTreeWidgetItem([v.area_name, v.period_text, r.screened_on.isoformat(),
                                    (r.submitted_on or r.screened_on).isoformat(), state,
                                    "、".join(v.screener_names), r.signed_by])
            item.setData(0, ROUND_ID_ROLE, r.id)
            for e in v.entries:
                what = "新发现" if e.entry.is_new else "复核"
                child = QTreeWidgetItem([f"{e.number} {e.title}", what, "", "", e.entry.progress, "",
                                         screening.ESCALATIONS.get(e.entry.escalation, "")])
                child.setData(0, CASE_ID_ROLE, e.entry.case_id)
                child.setData(0, ROUND_ID_ROLE, r.id)
                item.addChild(child)
            self.rounds_list.addTopLevelItem(item)
        where = ""
        if self._selected_area and views:
            where = f"（{views[0].area_name}）"
        self.rounds_box.setTitle(f"本月排查记录{where}（{len(views)} 次）")
        for col in range(self.rounds_list.columnCount()):
            self.rounds_list.resizeColumnToContents(col)

    def _load_major(self) -> None:
        self.major_list.clear()
        items = screening.pending_major(self._desk)
        for m in items:
            item = QTreeWidgetItem([m.number, m.title, m.area_name, m.reasons_text])
            item.setData(0, CASE_ID_ROLE, m.case_id)
            self.major_list.addTopLevelItem(item)
        self.major_box.setTitle(f"重大事项待上报（{len(items)}）")
        for col in range(3):
            self.major_list.resizeColumnToContents(col)

    # ------------------------------------------------------------------ grid

    def _cell_clicked(self, index) -> None:
        month = index.data(MONTH_ROLE)
        self._selected_area = index.data(AREA_ID_ROLE)
        if month and month != self.month_key():
            y, m = month.split("-")
            self.month_combo.setCurrentIndex(int(m) - 1)  # reloads the rounds
        else:
            self._load_rounds()

    def _cell_double_clicked(self, index) -> None:
        cell = self.grid_model.cell_at(index)
        if cell is None:
            return
        self._cell_clicked(index)
        if not cell.rounds and cell.status in ("missing", "pending"):
            self.record_round(area_id=cell.area_id, month=cell.month)

    def show_all_villages(self) -> None:
        self._selected_area = None
        self._load_rounds()

    # ------------------------------------------------------------------ actions

    def make_round_dialog(self, area_id: str | None, month: str, zero: bool) -> RoundDialog:
        """The dialog (a method so tests and callers can inspect or replace it)."""
        return RoundDialog(self._desk, area_id, month, zero=zero, parent=self)

    def record_round(self, zero: bool = False, area_id: str | None = None, month: str | None = None):
        dialog = self.make_round_dialog(area_id or self._selected_area, month or self.month_key(), zero)
        if dialog.exec() != RoundDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        result = dialog.saved
        self.refresh()
        self.changed.emit()
        if result.major:
            lines = "\n".join(f"· {m.number} {m.title}（{m.reasons_text}）" for m in result.major)
            if widgets.confirm(self, f"以下事项属于重大事项，应当立即上报：\n{lines}\n\n现在已经上报了吗？"
                                     "选择“已上报”将记下当前时间为上报时间。", "重大事项须立即上报",
                               yes="已上报", no="稍后登记"):
                for m in result.major:
                    screening.report_major(self._desk, m.case_id)
                self._load_major()
        else:
            word = "零报告" if result.round.is_zero_report else "排查情况"
            widgets.info(self, f"已登记{word}。可以点“打印排查表…”打印后签字报送。", "已保存")
        return result

    def selected_round_id(self) -> str | None:
        item = self.rounds_list.currentItem()
        return item.data(0, ROUND_ID_ROLE) if item is not None else None

    def select_round(self, round_id: str) -> None:
        for i in range(self.rounds_list.topLevelItemCount()):
            item = self.rounds_list.topLevelItem(i)
            if item.data(0, ROUND_ID_ROLE) == round_id:
                self.rounds_list.setCurrentItem(item)
                return

    def _round_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        case_id = item.data(0, CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(case_id)

    def default_print_path(self, round_id: str) -> Path:
        view = screening.round_view(self._desk, round_id)
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        kind = "零报告表" if view.round.is_zero_report else "排查情况报告表"
        return Path(folder) / f"{view.area_name}{kind}-{view.round.period_start:%Y%m}.pdf"

    def print_round(self, round_id: str | None = None) -> Path | None:
        round_id = round_id or self.selected_round_id()
        if not round_id:
            widgets.info(self, "请先在“本月排查记录”中选择一次排查。", "打印排查表")
            return None
        path, _selected = QFileDialog.getSaveFileName(
            self, "保存排查表", str(self.default_print_path(round_id)), "PDF 文件 (*.pdf);;Word 文档 (*.docx)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() not in (".pdf", ".docx"):
            target = target.with_suffix(".pdf")
        try:
            with widgets.busy():
                screening.print_round(self._desk, round_id, target)
        except (ValueError, StoreError, OSError) as error:
            widgets.error(self, str(error), "打印失败")
            return None
        widgets.info(self, f"已保存：\n{target}\n请打印后由负责人签字、加盖公章。", "已保存")
        return target

    def void_round(self, round_id: str | None = None) -> bool:
        round_id = round_id or self.selected_round_id()
        if not round_id:
            widgets.info(self, "请先在“本月排查记录”中选择要作废的排查。", "作废")
            return False
        reason, ok = QInputDialog.getText(self, "作废排查记录", "作废理由（必填）：")
        if not ok:
            return False
        try:
            screening.void_round(self._desk, round_id, reason)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "不能作废")
            return False
        self.refresh()
        self.changed.emit()
        return True

    def report_major(self, case_id: str | None = None) -> bool:
        if case_id is None:
            item = self.major_list.currentItem()
            case_id = item.data(0, CASE_ID_ROLE) if item is not None else None
        if not case_id:
            widgets.info(self, "请先在“重大事项待上报”中选择一件。", "登记已上报")
            return False
        to, ok = QInputDialog.getText(self, "登记已上报", f"已于 {datetime.now():%Y-%m-%d %H:%M} 上报。报送对象（可不填）：")
        if not ok:
            return False
        try:
            screening.report_major(self._desk, case_id, to=to)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "不能登记")
            return False
        self._load_major()
        return True
