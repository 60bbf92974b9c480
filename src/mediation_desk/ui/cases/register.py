"""案件登记簿: one table for disputes and petitions, instant search, combinable filters, sorting,
export of the current view to Excel. Double-click or Enter opens the case."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QTableView, QVBoxLayout, QWidget,
)

from ...domain import vocabularies as domain_vocab
from ...services import export_xlsx, organisation
from ...services import vocab as vocab_service
from ...services.context import Desk
from ...services.register import CaseFilter
from .. import appearance, widgets
from .table_model import COL_DUE, COL_NUMBER, COL_TITLE, COLUMNS, CaseTableModel

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250
OPEN_ALL = "__open__"
CLOSED_ALL = "__closed__"

# Default column widths in characters (the table scrolls sideways on narrow screens).
_COLUMN_CHARS = (12, 2, 6, 14, 7, 4, 6, 5, 3, 5, 4)


class RegisterPage(QWidget):
    """The case register page."""

    open_case = Signal(str)
    new_case = Signal(str)  # "dispute" | "petition"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registerPage")
        self._desk = desk
        self._labels = vocab_service.all_labels(desk)
        self._loaded = False
        self._updating = False

        self.model = CaseTableModel(desk, self._labels, self)
        self.model.countChanged.connect(self._update_count)
        self.model.reloaded.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.failed.connect(self._show_failure)

        # --- search row
        self.search = QLineEdit()
        self.search.setObjectName("registerSearch")
        self.search.setPlaceholderText("搜索：姓名、拼音首字母（如 zs）、身份证号、电话、编号、事由……")
        self.search.setClearButtonEnabled(True)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("搜索：姓名、拼音首字母"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._search_now)

        self.new_dispute_button = QPushButton("新建纠纷案件")
        self.new_dispute_button.setToolTip("登记一件新的矛盾纠纷（Ctrl+N）")
        self.new_dispute_button.clicked.connect(lambda: self.new_case.emit("dispute"))
        self.new_petition_button = QPushButton("新建信访事项")
        self.new_petition_button.clicked.connect(lambda: self.new_case.emit("petition"))
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("把当前列表（按当前筛选和排序）导出为 Excel 表格")
        self.export_button.clicked.connect(self.export)

        self.filters_button = QPushButton("筛选")
        self.filters_button.setCheckable(True)
        self.filters_button.setToolTip("显示或收起筛选条件（屏幕小时可以收起，让列表多显示几行）")
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.filters_button)
        search_row.addWidget(self.new_dispute_button)
        search_row.addWidget(self.new_petition_button)
        search_row.addWidget(self.export_button)

        # --- filters (wrap onto more lines when the window is narrow)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("全部类型", None)
        self.kind_combo.addItem("矛盾纠纷", "dispute")
        self.kind_combo.addItem("信访事项", "petition")
        self.category_combo = QComboBox()
        self.status_combo = QComboBox()
        self.village_combo = QComboBox()
        self.risk_combo = QComboBox()
        self.staff_combo = QComboBox()
        self.overdue_check = QCheckBox("已超期")
        self.due_soon_check = QCheckBox("7日内到期")
        self.date_check = QCheckBox("受理日期")
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        today = desk.today()
        self.date_from.setDate(QDate(today.year, 1, 1))
        self.date_to.setDate(QDate(today.year, today.month, today.day))
        date_box = QWidget()
        date_layout = QHBoxLayout(date_box)
        date_layout.setContentsMargins(0, 0, 0, 0)
        date_layout.setSpacing(4)
        date_layout.addWidget(self.date_check)
        date_layout.addWidget(self.date_from)
        date_layout.addWidget(QLabel("至"))
        date_layout.addWidget(self.date_to)
        self._fill_choices()

        filters = QWidget()
        self.filter_flow = widgets.FlowLayout(filters, spacing=6)
        for widget in (self.kind_combo, self.category_combo, self.status_combo, self.village_combo,
                       self.risk_combo, self.staff_combo, self.overdue_check, self.due_soon_check, date_box):
            self.filter_flow.addWidget(widget)
        for combo in (self.kind_combo, self.category_combo, self.status_combo, self.village_combo,
                      self.risk_combo, self.staff_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._filter_widget_changed)
        # Long category names would make the box very wide: keep it short, the list shows them whole.
        for combo, chars in ((self.category_combo, 7), (self.status_combo, 6)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        self.filters = filters
        self.filters_button.toggled.connect(self._show_filters)
        shown = appearance.settings().value("register/filters_shown", True)
        self.filters_button.setChecked(shown not in (False, "false", "0", 0))
        filters.setVisible(self.filters_button.isChecked())
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        for check in (self.overdue_check, self.due_soon_check, self.date_check):
            check.toggled.connect(self._filter_widget_changed)
        self.date_check.toggled.connect(self.date_from.setEnabled)
        self.date_check.toggled.connect(self.date_to.setEnabled)
        self.date_from.dateChanged.connect(self._date_changed)
        self.date_to.dateChanged.connect(self._date_changed)

        # --- current filter + count
        self.filter_label = QLabel()
        self.filter_label.setObjectName("filterDescription")
        self.filter_label.setWordWrap(True)
        self.filter_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        self.count_label = QLabel()
        self.count_label.setObjectName("registerCount")
        info_row = QHBoxLayout()
        info_row.addWidget(self.filter_label, 1)
        info_row.addWidget(self.count_label)
        info_row.addWidget(self.clear_button)

        # --- table
        self.table = QTableView()
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)  # the title takes the rest
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("中") * 2)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(6, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # the model sorts in SQL (CaseTableModel.sort)
        self.table.activated.connect(self._activated)
        self._size_columns()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(search_row)
        layout.addWidget(filters)
        layout.addLayout(info_row)
        layout.addWidget(self.table, 1)

        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search, activated=self.search.clear)
        self._describe()

    # ------------------------------------------------------------------ setup

    def _fill_choices(self) -> None:
        self._updating = True
        try:
            self.category_combo.clear()
            self.category_combo.addItem("全部类别", None)
            entries = vocab_service.entries(self._desk, "category")
            top = [e for e in entries if not e.parent]
            for entry in top:
                self.category_combo.addItem(entry.label, entry.code)
                for child in (e for e in entries if e.parent == entry.code):
                    self.category_combo.addItem("　　" + child.label, child.code)
            self._fill_statuses()
            self.village_combo.clear()
            self.village_combo.addItem("全部村（社区）", None)
            for area in organisation.villages(self._desk):
                self.village_combo.addItem(area.name, area.id)
            self.risk_combo.clear()
            self.risk_combo.addItem("全部风险等级", None)
            for item in domain_vocab.items("risk_grade"):
                self.risk_combo.addItem(f"风险{item.label}", item.code)
            self.staff_combo.clear()
            self.staff_combo.addItem("全部调解员/承办人", None)
            for staff in organisation.list_staff(self._desk):
                self.staff_combo.addItem(staff.name, staff.id)
        finally:
            self._updating = False

    def _fill_statuses(self) -> None:
        kind = self.kind_combo.currentData()
        previous = self.status_combo.currentData()
        self.status_combo.clear()
        self.status_combo.addItem("全部状态", None)
        self.status_combo.addItem("在办（未办结）", OPEN_ALL)
        self.status_combo.addItem("已办结", CLOSED_ALL)
        kinds = [kind] if kind else list(domain_vocab.CASE_KINDS)
        seen: set[str] = set()
        for k in kinds:
            order = domain_vocab.DISPUTE_STATUSES if k == "dispute" else domain_vocab.PETITION_STATUSES
            for code in order:
                if code in seen:
                    continue
                seen.add(code)
                self.status_combo.addItem(domain_vocab.status_label(k, code), code)
        index = self.status_combo.findData(previous)
        self.status_combo.setCurrentIndex(max(index, 0))

    def _show_filters(self, shown: bool) -> None:
        self.filters.setVisible(shown)
        self.filters_button.setText("筛选" if shown else "筛选…")
        appearance.settings().setValue("register/filters_shown", shown)

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        char = metrics.horizontalAdvance("中")
        for column, chars in enumerate(_COLUMN_CHARS):
            title_width = metrics.horizontalAdvance(COLUMNS[column][0]) + char * 2
            self.table.setColumnWidth(column, max(chars * char + char, title_width))
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + max(8, metrics.height() // 2))

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._size_columns()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._loaded:
            self.load()

    # ------------------------------------------------------------------ filter

    def load(self) -> None:
        """First load (done lazily when the page is first shown)."""
        self._loaded = True
        self.apply_filter()

    def refresh(self) -> None:
        """Reload labels, choices and rows (after a save, F5, or a settings change)."""
        self._labels = vocab_service.all_labels(self._desk)
        self.model.set_labels(self._labels)
        state = self.current_filter()
        self._fill_choices()
        self._select_data(self.category_combo, state.category)
        self._select_data(self.village_combo, state.area_id)
        self._select_data(self.staff_combo, state.staff_id)
        self._select_data(self.risk_combo, state.risk_grade)
        self._loaded = True
        self.apply_filter()

    @staticmethod
    def _select_data(combo: QComboBox, value) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def current_filter(self) -> CaseFilter:
        status = self.status_combo.currentData()
        statuses: list[str] = []
        kind = self.kind_combo.currentData()
        kinds = [kind] if kind else list(domain_vocab.CASE_KINDS)
        if status == OPEN_ALL:
            statuses = sorted({s for k in kinds for s in domain_vocab.OPEN_STATUSES[k]})
        elif status == CLOSED_ALL:
            statuses = sorted({s for k in kinds for s in domain_vocab.CLOSED_STATUSES[k]})
        elif status:
            statuses = [status]
        received_from = received_to = None
        if self.date_check.isChecked():
            received_from = self.date_from.date().toPython()
            received_to = self.date_to.date().toPython()
        return CaseFilter(
            text=self.search.text().strip(),
            kind=kind,
            category=self.category_combo.currentData(),
            statuses=statuses,
            area_id=self.village_combo.currentData(),
            risk_grade=self.risk_combo.currentData(),
            overdue=self.overdue_check.isChecked(),
            due_within_days=7 if self.due_soon_check.isChecked() else None,
            staff_id=self.staff_combo.currentData(),
            received_from=received_from,
            received_to=received_to,
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self._loaded = True
        self._describe()
        self.model.set_filter(self.current_filter())
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.scrollToTop()

    def _search_now(self) -> None:
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _filter_widget_changed(self, *_args) -> None:
        if not self._updating:
            self.apply_filter()

    def _kind_changed(self, *_args) -> None:
        self._updating = True
        try:
            self._fill_statuses()
        finally:
            self._updating = False

    def _date_changed(self, *_args) -> None:
        if self.date_check.isChecked():
            self._filter_widget_changed()

    def set_quick_filter(self, *, overdue: bool = False, due_soon: bool = False) -> None:
        """Used by the 今日 page: “show all of them in the register”."""
        self._updating = True
        try:
            self._reset_widgets()
            self.overdue_check.setChecked(overdue)
            self.due_soon_check.setChecked(due_soon)
            self.status_combo.setCurrentIndex(max(self.status_combo.findData(OPEN_ALL), 0))
        finally:
            self._updating = False
        self.apply_filter()

    def _reset_widgets(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for combo in (self.kind_combo, self.category_combo, self.village_combo, self.risk_combo, self.staff_combo):
            combo.setCurrentIndex(0)
        self._fill_statuses()
        self.status_combo.setCurrentIndex(0)
        for check in (self.overdue_check, self.due_soon_check, self.date_check):
            check.setChecked(False)

    def clear_filters(self) -> None:
        self._updating = True
        try:
            self._reset_widgets()
        finally:
            self._updating = False
        self.apply_filter()

    def describe(self) -> str:
        """The current filter in words, as shown on the page and written into exports."""
        parts: list[str] = []
        text = self.search.text().strip()
        if text:
            parts.append(f"搜索“{text}”")
        for combo in (self.kind_combo, self.category_combo, self.status_combo, self.village_combo,
                      self.risk_combo, self.staff_combo):
            if combo.currentData() is not None:
                parts.append(combo.currentText().strip())
        if self.overdue_check.isChecked():
            parts.append("已超期")
        if self.due_soon_check.isChecked():
            parts.append("7日内到期")
        if self.date_check.isChecked():
            parts.append(f"受理日期 {self.date_from.date().toString('yyyy-MM-dd')} 至 "
                         f"{self.date_to.date().toString('yyyy-MM-dd')}")
        return "；".join(parts)

    def _describe(self) -> None:
        text = self.describe()
        self.filter_label.setText(f"当前筛选：{text}" if text else "当前筛选：无（显示全部案件）")
        self.clear_button.setEnabled(bool(text))

    def _update_count(self, *_args) -> None:
        total = self.model.total
        shown = self.model.loaded_count()
        if total is None:
            self.count_label.setText(f"已显示 {shown} 件")
        elif total == 0:
            self.count_label.setText("没有符合条件的案件")
        elif shown >= total:
            self.count_label.setText(f"共 {total} 件")
        else:
            self.count_label.setText(f"共 {total} 件（已显示 {shown} 件）")
            self.count_label.setToolTip("向下滚动会接着显示后面的案件")

    def _show_failure(self, message: str) -> None:
        self.count_label.setText("查询出错")
        widgets.error(self, message, "查询出错")

    # ------------------------------------------------------------------ actions

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _activated(self, index) -> None:
        case_id = self.model.case_id(index.row())
        if case_id:
            self.open_case.emit(case_id)

    def selected_case_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.case_id(index.row()) if index.isValid() else None

    def default_export_path(self) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return Path(folder) / f"案件登记簿-{date.today():%Y%m%d}.xlsx"

    def export(self) -> Path | None:
        path, _selected = QFileDialog.getSaveFileName(
            self, "导出到 Excel", str(self.default_export_path()), "Excel 工作簿 (*.xlsx)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        try:
            unit_name = organisation.get_unit(self._desk).name
        except ValueError:
            unit_name = ""
        started = datetime.now()
        try:
            with widgets.busy():
                count = export_xlsx.export_cases(
                    self._desk, target, self.model.case_filter, sort=self.model.sort_key,
                    descending=self.model.descending, description=self.describe(), unit_name=unit_name)
        except ValueError as error:
            widgets.error(self, str(error), "导出失败")
            return None
        except OSError as error:
            widgets.error(self, f"导出失败：{error}", "导出失败")
            return None
        log.info("exported %d cases to %s in %s", count, target, datetime.now() - started)
        self.export_done = (target, count)
        widgets.info(self, f"已导出 {count} 件案件到：\n{target}", "导出完成")
        return target

    def column_of(self, title: str) -> int:
        for i, (name, _key) in enumerate(COLUMNS):
            if name == title:
                return i
        raise KeyError(title)


__all__ = ["RegisterPage", "COL_DUE", "COL_NUMBER", "COL_TITLE"]
