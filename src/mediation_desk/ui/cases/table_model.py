"""The case register as a Qt table model that fetches on demand.

Only the rows scrolled into view are loaded, a page of 200 at a time (`canFetchMore` /
`fetchMore` → `services.register.query_cases(offset, limit)`), so 100,000 cases never sit in
memory. Filtering and sorting happen in SQL; the total (`count_cases`) is computed right after the
first page is shown, so typing a query shows rows first and the count a moment later.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...services import register
from ...services.context import Desk
from ...services.register import CaseFilter, CaseRow

log = logging.getLogger(__name__)

#: (column title, sort key in services.register.SORT_KEYS)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("编号", "number"),
    ("类型", "kind"),
    ("类别", "category"),
    ("标题/事由", "title"),
    ("当事人", "parties"),
    ("村", "area"),
    ("受理日期", "received_on"),
    ("状态", "status"),
    ("风险", "risk"),
    ("期限", "due_on"),
    ("调解员/承办人", "mediator"),
)
COL_NUMBER, COL_KIND, COL_CATEGORY, COL_TITLE, COL_PARTIES, COL_AREA, COL_RECEIVED, COL_STATUS, \
    COL_RISK, COL_DUE, COL_MEDIATOR = range(len(COLUMNS))

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
DAYS_LEFT_ROLE = Qt.ItemDataRole.UserRole + 3

OVERDUE_COLOUR = QColor(200, 0, 0)
DUE_SOON_COLOUR = QColor(176, 96, 0)
VOIDED_COLOUR = QColor(140, 140, 140)
RISK_COLOURS = {"high": QColor(200, 0, 0), "medium": QColor(176, 96, 0)}


def days_left_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"超期{-days}天"
    if days == 0:
        return "今天到期"
    return f"剩{days}天"


class CaseTableModel(QAbstractTableModel):
    """Rows of `CaseRow`, loaded page by page for the current filter and sort."""

    PAGE_SIZE = 200

    #: total number of cases matching the filter (emitted once it is known)
    countChanged = Signal(int)
    #: emitted after the first page of a new filter/sort has been loaded
    reloaded = Signal()
    #: a query failed (the message is for the user)
    failed = Signal(str)

    def __init__(self, desk: Desk, labels: dict[str, dict[str, str]] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._labels = labels or {}
        self._rows: list[CaseRow] = []
        self._has_more = False
        self._filter = CaseFilter()
        self._sort = "received_on"
        self._descending = True
        self._total: int | None = None
        self._generation = 0
        self._today = desk.today()
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------------ state

    @property
    def case_filter(self) -> CaseFilter:
        return replace(self._filter, statuses=list(self._filter.statuses))

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def total(self) -> int | None:
        return self._total

    def loaded_count(self) -> int:
        return len(self._rows)

    def set_labels(self, labels: dict[str, dict[str, str]]) -> None:
        self._labels = labels
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    def set_filter(self, filt: CaseFilter) -> None:
        self._filter = replace(filt, statuses=list(filt.statuses))
        self.reload()

    def set_sort(self, key: str, descending: bool) -> None:
        if key not in register.SORT_KEYS:
            raise ValueError(key)
        self._sort, self._descending = key, descending
        self.reload()

    def reload(self) -> None:
        """Drop the loaded rows and fetch the first page of the current filter and sort."""
        self._generation += 1
        self._today = self._desk.today()
        self.beginResetModel()
        self._rows = []
        self._has_more = False
        self._total = None
        try:
            self._append_page()
        except Exception as error:  # noqa: BLE001 — shown to the user, logged for support
            log.exception("register query failed")
            self._rows, self._has_more = [], False
            self.endResetModel()
            self.failed.emit(_user_message(error))
            return
        self.endResetModel()
        self.reloaded.emit()
        if not self._has_more:
            self._set_total(len(self._rows))
        else:
            generation = self._generation
            QTimer.singleShot(0, lambda: self._count_later(generation))

    def _count_later(self, generation: int) -> None:
        if generation != self._generation:
            return  # a newer filter replaced this one
        try:
            self._set_total(register.count_cases(self._desk, self._filter))
        except Exception as error:  # noqa: BLE001
            log.exception("register count failed")
            self.failed.emit(_user_message(error))

    def _set_total(self, total: int) -> None:
        self._total = total
        self.countChanged.emit(total)

    def _append_page(self) -> list[CaseRow]:
        page = register.query_cases(self._desk, self._filter, sort=self._sort, descending=self._descending,
                                    offset=len(self._rows), limit=self.PAGE_SIZE + 1)
        self._has_more = len(page) > self.PAGE_SIZE
        page = page[: self.PAGE_SIZE]
        self._rows.extend(page)
        return page

    # ------------------------------------------------------------------ fetching on demand

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._has_more:
            return
        try:
            page = register.query_cases(self._desk, self._filter, sort=self._sort, descending=self._descending,
                                        offset=len(self._rows), limit=self.PAGE_SIZE + 1)
        except Exception as error:  # noqa: BLE001
            log.exception("register fetch failed")
            self._has_more = False
            self.failed.emit(_user_message(error))
            return
        more = len(page) > self.PAGE_SIZE
        page = page[: self.PAGE_SIZE]
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self._has_more = more
            self.endInsertRows()
        else:
            self._has_more = False

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_DUE:
                return "距期限还剩的天数；红色为已超期"
        elif role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def row_at(self, row: int) -> CaseRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def case_id(self, row: int) -> str | None:
        item = self.row_at(row)
        return item.id if item else None

    def row_of(self, case_id: str) -> int:
        for i, item in enumerate(self._rows):
            if item.id == case_id:
                return i
        return -1

    def _label(self, vocab: str, code: str) -> str:
        if not code:
            return ""
        return self._labels.get(vocab, {}).get(code, code)

    def display(self, row: CaseRow, column: int) -> str:
        if column == COL_NUMBER:
            return row.number
        if column == COL_KIND:
            return "纠纷" if row.kind == "dispute" else "信访"
        if column == COL_CATEGORY:
            return self._label("category", row.subcategory) if row.subcategory else self._label("category", row.category)
        if column == COL_TITLE:
            return row.title
        if column == COL_PARTIES:
            return row.party_names
        if column == COL_AREA:
            return row.area_name
        if column == COL_RECEIVED:
            return row.received_on.isoformat() if row.received_on else ""
        if column == COL_STATUS:
            text = self._label(f"{row.kind}_status", row.status)
            return f"{text}（已作废）" if row.voided else text
        if column == COL_RISK:
            grade = self._label("risk_grade", row.risk_grade)
            if row.risk_colour:
                colour = self._label("risk_colour", row.risk_colour)
                return f"{grade}·{colour}" if grade else colour
            return grade
        if column == COL_DUE:
            return days_left_text(row.days_left(self._today))
        if column == COL_MEDIATOR:
            return row.mediator_name
        return ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.voided:
                return QBrush(VOIDED_COLOUR)
            if column == COL_DUE:
                left = row.days_left(self._today)
                if left is not None and left < 0:
                    return QBrush(OVERDUE_COLOUR)
                if left is not None and left <= 3:
                    return QBrush(DUE_SOON_COLOUR)
            if column == COL_RISK and row.risk_grade in RISK_COLOURS:
                return QBrush(RISK_COLOURS[row.risk_grade])
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_DUE:
                left = row.days_left(self._today)
                if left is not None and left < 0:
                    return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_DUE and row.due_on:
                return f"期限：{row.due_on.isoformat()}（{days_left_text(row.days_left(self._today))}）"
            if column == COL_CATEGORY and row.subcategory:
                return f"{self._label('category', row.category)} · {self._label('category', row.subcategory)}"
            text = self.display(row, column)
            return text if len(text) > 6 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (COL_KIND, COL_RECEIVED, COL_RISK, COL_DUE):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == CASE_ID_ROLE:
            return row.id
        if role == DAYS_LEFT_ROLE:
            return row.days_left(self._today)
        if role == ROW_ROLE:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._sort and descending == self._descending:
            return
        self.set_sort(key, descending)


def _user_message(error: Exception) -> str:
    if isinstance(error, ValueError) and str(error):
        return str(error)
    message = getattr(error, "message", "")
    if message:
        return message
    return f"查询案件时出错：{error}"

