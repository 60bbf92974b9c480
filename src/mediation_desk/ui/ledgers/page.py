"""台账与报表: the monthly rolling ledger (滚动台账) of a month and an area, with the summary by
village and by category, drill-down to the case (double-click), close-out (销号) of closed items,
and export to PDF / Word / Excel (A4 or A3 landscape, optional masking of ID numbers and phones)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHeaderView, QInputDialog, QLabel,
    QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from ...domain.ledger import format_rate
from ...services import ledger as ledger_service
from ...services import organisation, screening
from ...services.context import Desk
from ...services.desktop import StoreError
from .. import widgets
from .settings_dialog import LedgerSettingsDialog
from .table_model import CASE_ID_ROLE, LedgerTableModel

log = logging.getLogger(__name__)

SUMMARY_TITLES = ("上月结转", "本月新增", "本月在办", "本月化解", "结转下月", "化解率",
                  "年度累计新增", "年度累计化解", "年度化解率")
#: On-screen column widths in characters (one line per row; the full text is in the tooltip).
SCREEN_CHARS = {
    "seq": 2, "number": 11, "received_on": 6, "area": 6, "screeners": 5, "source": 5, "title": 14, "category": 5,
    "party_names": 5, "party_ids": 10, "party_phones": 7, "party_addresses": 10, "people": 3, "amount": 5,
    "description": 18, "risk": 4, "responsible_unit": 6, "mediator": 4, "leader": 4, "deadline": 5, "measures": 12,
    "progress": 18, "status": 7, "closed_on": 5, "note": 8,
}
FORMATS = {"pdf": ("PDF 文件 (*.pdf)", ".pdf"), "docx": ("Word 文档 (*.docx)", ".docx"),
           "xlsx": ("Excel 工作簿 (*.xlsx)", ".xlsx")}


class LedgerPage(QWidget):
    open_case = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledgerPage")
        self._desk = desk
        self.ledger: ledger_service.Ledger | None = None
        today = desk.today()

        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("ledgerYear")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix("年")
        self.month_combo = QComboBox()
        self.month_combo.setObjectName("ledgerMonth")
        for m in range(1, 13):
            self.month_combo.addItem(f"{m}月", m)
        self.month_combo.setCurrentIndex(today.month - 1)
        self.area_combo = QComboBox()
        self.area_combo.setObjectName("ledgerArea")
        self.area_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_areas()
        self.mask_check = QCheckBox("隐藏身份证号和电话")
        self.mask_check.setObjectName("ledgerMask")
        self.mask_check.setToolTip("台账送出本单位时，身份证号和电话只显示首尾几位")
        self.paper_combo = QComboBox()
        self.paper_combo.addItem("A4 横向", "A4")
        self.paper_combo.addItem("A3 横向", "A3")
        self.refresh_button = QPushButton("刷新")
        self.pdf_button = QPushButton("导出PDF…")
        self.pdf_button.setObjectName("ledgerExportPdf")
        self.docx_button = QPushButton("导出Word…")
        self.xlsx_button = QPushButton("导出Excel…")
        self.settings_button = QPushButton("台账设置…")
        self.settings_button.setToolTip("选择台账打印的栏目和顺序、默认纸张、签字人姓名")
        self.close_out_button = QPushButton("销号…")
        self.close_out_button.setObjectName("ledgerCloseOut")
        self.close_out_button.setToolTip("核实已办结的事项后销号：销号后从下月台账中移出")

        bar = QWidget()
        flow = widgets.FlowLayout(bar, spacing=6)
        for w in (QLabel("月份"), self.year_spin, self.month_combo, QLabel("地区"), self.area_combo, self.paper_combo,
                  self.mask_check, self.refresh_button, self.close_out_button, self.pdf_button, self.docx_button,
                  self.xlsx_button, self.settings_button):
            flow.addWidget(w)

        self.title_label = QLabel()
        self.title_label.setObjectName("ledgerTitle")
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title_label.setFont(font)
        self.total_label = QLabel()
        self.total_label.setObjectName("ledgerTotals")
        self.total_label.setWordWrap(True)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet("color: #a00000;")

        self.model = LedgerTableModel(self)
        self.table = widgets.record_table(self.model, "ledgerTable")
        self.table.activated.connect(self._activated)
        self.by_area = self._summary_table("村（社区）")
        self.by_area.setObjectName("ledgerByArea")
        self.by_category = self._summary_table("类别")
        self.by_category.setObjectName("ledgerByCategory")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "滚动台账")
        self.tabs.addTab(self.by_area, "按村（社区）统计")
        self.tabs.addTab(self.by_category, "按类别统计")
        hint = QLabel("双击一行打开案件。绿色底色：已办结、待核实销号；灰色字：本月已销号，下月不再列入。")
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(bar)
        layout.addWidget(self.title_label)
        layout.addWidget(self.total_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(hint)

        self.year_spin.valueChanged.connect(lambda *_: self.refresh())
        self.month_combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.area_combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.mask_check.toggled.connect(lambda *_: self.refresh())
        self.paper_combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.docx_button.clicked.connect(lambda: self.export("docx"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.settings_button.clicked.connect(self.edit_settings)
        self.close_out_button.clicked.connect(lambda: self.close_out())
        options = ledger_service.ledger_options(desk)
        self.paper_combo.blockSignals(True)
        self.paper_combo.setCurrentIndex(0 if options["paper"] == "A4" else 1)
        self.paper_combo.blockSignals(False)
        self.refresh()

    # ------------------------------------------------------------------ building

    def _summary_table(self, first: str) -> QTableWidget:
        table = QTableWidget(0, 1 + len(SUMMARY_TITLES))
        table.setHorizontalHeaderLabels([first, *SUMMARY_TITLES])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def _fill_areas(self) -> None:
        self.area_combo.clear()
        self.area_combo.addItem("全部（本单位）", None)
        for town in organisation.list_areas(self._desk, "township"):
            self.area_combo.addItem(town.name, town.id)
        for row in screening.villages(self._desk):
            self.area_combo.addItem(f"　{row.village}", row.area_id)

    def month(self) -> tuple[int, int]:
        return self.year_spin.value(), int(self.month_combo.currentData())

    def set_month(self, year: int, month: int) -> None:
        self.year_spin.blockSignals(True)
        self.year_spin.setValue(year)
        self.year_spin.blockSignals(False)
        self.month_combo.setCurrentIndex(month - 1)
        self.refresh()

    def set_area(self, area_id: str | None) -> None:
        index = self.area_combo.findData(area_id)
        if index >= 0:
            self.area_combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ loading

    def showEvent(self, event) -> None:  # noqa: N802
        """Coming back to the page shows what changed elsewhere (cases closed, rounds recorded)."""
        super().showEvent(event)
        if getattr(self, "_shown_once", False):
            self.refresh()
        self._shown_once = True

    def refresh(self) -> None:
        year, month = self.month()
        try:
            with widgets.busy():
                book = ledger_service.build_ledger(self._desk, year, month, self.area_combo.currentData(),
                                                   mask=self.mask_check.isChecked(),
                                                   paper=self.paper_combo.currentData())
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "无法生成台账")
            return
        self.ledger = book
        self.model.set_ledger(book)
        self._size_columns()
        self.title_label.setText(book.title)
        t = book.total
        self.total_label.setText(
            f"上月结转 {t.carried_in} 件，本月新增 {t.new} 件，本月在办 {t.in_hand} 件，本月化解（销号）{t.resolved} 件，"
            f"结转下月 {t.carried_out} 件，化解率 {format_rate(t.rate)}；年度累计新增 {t.ytd_new} 件，"
            f"累计化解 {t.ytd_resolved} 件，年度化解率 {format_rate(t.ytd_rate)}。")
        notices = []
        waiting = sum(1 for r in book.rows if r.status_key == "closed")
        if waiting:
            notices.append(f"有 {waiting} 件已办结、尚未销号，核实后请销号，否则会一直结转。")
        if book.missing_villages:
            notices.append(f"{book.month_text}未报送排查情况：{'、'.join(book.missing_villages)}。")
        self.notice_label.setText(" ".join(notices))
        self.notice_label.setVisible(bool(notices))
        self._fill_summary(self.by_area, book.by_area, book.total)
        self._fill_summary(self.by_category, book.by_category, book.total)

    def _size_columns(self) -> None:
        if self.ledger is None:
            return
        char = self.fontMetrics().horizontalAdvance("中")
        for i, col in enumerate(self.ledger.columns):
            self.table.setColumnWidth(i, int((SCREEN_CHARS.get(col.key, 6) + 1) * char))

    def _fill_summary(self, table: QTableWidget, lines, total) -> None:
        rows = [(line.label, line.figures) for line in lines] + [("合计", total)]
        table.setRowCount(len(rows))
        for r, (label, f) in enumerate(rows):
            values = [label, f.carried_in, f.new, f.in_hand, f.resolved, f.carried_out, format_rate(f.rate),
                      f.ytd_new, f.ytd_resolved, format_rate(f.ytd_rate)]
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if label == "合计":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)

    # ------------------------------------------------------------------ actions

    def _activated(self, index) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(case_id)

    def selected_row(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_case(self, case_id: str) -> bool:
        if self.ledger is None:
            return False
        for i, row in enumerate(self.ledger.rows):
            if row.case_id == case_id:
                self.table.selectRow(i)
                return True
        return False

    def close_out(self, case_id: str | None = None) -> bool:
        row = None
        if case_id is None:
            row = self.selected_row()
            case_id = row.case_id if row is not None else None
        elif self.ledger is not None:
            row = next((r for r in self.ledger.rows if r.case_id == case_id), None)
        if not case_id:
            widgets.info(self, "请先在台账中选择已办结（绿色底色）的事项。", "销号")
            return False
        if row is not None and row.status_key == "closed_out":
            widgets.info(self, "该事项已经销号。", "销号")
            return False
        label = f"{row.number} {row.cell('title')}" if row is not None else ""
        by, ok = QInputDialog.getText(self, "销号", f"{label}\n核实人（销号后从下月台账中移出）：", text=self._desk.actor)
        if not ok:
            return False
        try:
            ledger_service.close_out(self._desk, case_id, self._desk.today(), by)
        except (ValueError, StoreError) as error:
            widgets.error(self, str(error), "不能销号")
            return False
        self.refresh()
        self.select_case(case_id)
        return True

    def default_path(self, kind: str) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        year, month = self.month()
        area = self.area_combo.currentText().strip() if self.area_combo.currentData() else ""
        return Path(folder) / f"矛盾纠纷排查化解工作台账{area}-{year}年{month}月{FORMATS[kind][1]}"

    def export(self, kind: str = "pdf") -> Path | None:
        if self.ledger is None:
            return None
        filt, suffix = FORMATS[kind]
        path, _selected = QFileDialog.getSaveFileName(self, "导出台账", str(self.default_path(kind)), filt)
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_suffix(suffix)
        try:
            with widgets.busy():
                result = ledger_service.export_ledger(self._desk, self.ledger, target)
        except (ValueError, StoreError, OSError) as error:
            widgets.error(self, str(error), "导出失败")
            return None
        extra = "" if result.fits_paper else "\n提示：栏目较多，字会挤得较小，可改用 A3 或在“台账设置”中减少栏目。"
        pages = f"（共 {result.pages} 页）" if result.pages else ""
        widgets.info(self, f"已导出{pages}：\n{target}{extra}", "导出完成")
        return target

    def edit_settings(self) -> bool:
        dialog = LedgerSettingsDialog(self._desk, self)
        if dialog.exec() != LedgerSettingsDialog.DialogCode.Accepted:
            return False
        options = ledger_service.ledger_options(self._desk)
        self.paper_combo.blockSignals(True)
        self.paper_combo.setCurrentIndex(0 if options["paper"] == "A4" else 1)
        self.paper_combo.blockSignals(False)
        self.refresh()
        return True
