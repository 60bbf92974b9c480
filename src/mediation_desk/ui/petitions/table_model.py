"""The petitions of the 信访 page as a Qt table model (a services.petitions.PetitionListing, already
sorted by the next statutory deadline; its rows are built a page at a time as the view scrolls —
``canFetchMore``/``fetchMore`` — so a list of 25,000 petitions opens at once)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ...services.petitions import PAGE_SIZE, PetitionListing, PetitionRow

COLUMNS = ("编号", "信访人", "事由", "下一环节", "期限", "情况", "状态", "标记", "类型", "形式", "登记日期")
(COL_NUMBER, COL_PEOPLE, COL_TITLE, COL_STAGE, COL_DUE, COL_WHEN, COL_STATUS, COL_FLAGS, COL_TYPE, COL_CHANNEL,
 COL_RECEIVED) = range(len(COLUMNS))
#: width of each column in characters of the current font
CHARS = (12.5, 7, 15, 5, 6.5, 6.5, 6.5, 5, 6, 3, 6.5)

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

OVERDUE = QColor(200, 0, 0)
SOON = QColor(176, 96, 0)
MUTED = QColor(110, 110, 110)


class PetitionTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[PetitionRow] = []
        self._listing: PetitionListing | None = None
        self._fetched = 0  # positions of the listing read so far
        self.soon_days = 3
        self.page_size = PAGE_SIZE

    def set_rows(self, rows: list[PetitionRow]) -> None:
        self.beginResetModel()
        self._listing = None
        self._rows = list(rows)
        self._fetched = len(self._rows)
        self.endResetModel()

    def set_listing(self, listing: PetitionListing) -> None:
        """Show a listing: its first page now, the rest as the view asks for it."""
        self.beginResetModel()
        self._listing = listing
        self._rows = listing.fetch(0, self.page_size)
        self._fetched = min(self.page_size, listing.total)
        self.endResetModel()

    def total(self) -> int:
        """Rows of the whole list (loaded or not)."""
        return self._listing.total if self._listing is not None else len(self._rows)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._listing is not None and self._fetched < self._listing.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        assert self._listing is not None
        more = self._listing.fetch(self._fetched, self.page_size)
        self._fetched = min(self._fetched + self.page_size, self._listing.total)
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def locate(self, case_id: str) -> int:
        """The row of a petition, reading pages up to it when it is further down the list; -1 when
        it is not in the list."""
        row = self.row_of(case_id)
        if row >= 0 or self._listing is None:
            return row
        position = self._listing.index_of(case_id)
        if position < 0:
            return -1
        while self._fetched <= position and self.canFetchMore():
            self.fetchMore()
        return self.row_of(case_id)

    def row_at(self, row: int) -> PetitionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, case_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.case_id == case_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        n = r.next
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (COL_STAGE, COL_DUE, COL_WHEN):
                lines = [f"{s.label}：{s.due_on.isoformat() if s.due_on else '—'}（{s.when_text()}）"
                         for s in r.clock.stages if s.state != "n/a"]
                if r.clock.end_state:
                    lines.append(r.clock.end_state)
                return "\n".join(lines)
            if col == COL_PEOPLE and r.representatives:
                return f"{r.petitioners}\n推选代表：{r.representatives}"
            if col == COL_FLAGS and r.original_number:
                return f"原信访事项：{r.original_number}"
            if col == COL_TITLE:
                return r.title
            return None
        if role == CASE_ID_ROLE:
            return r.case_id
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_STAGE, COL_DUE, COL_WHEN):
            if n is None:
                return QBrush(MUTED)
            if n.overdue:
                return QBrush(OVERDUE)
            if n.days_left is not None and n.days_left <= self.soon_days:
                return QBrush(SOON)
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_WHEN and n is not None and n.overdue:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _text(r: PetitionRow, col: int) -> str:
        n = r.next
        if col == COL_NUMBER:
            return r.number
        if col == COL_PEOPLE:
            return r.petitioners + (f"（{r.people_involved}人）" if r.people_involved > 2 else "")
        if col == COL_TITLE:
            return r.title
        if col == COL_TYPE:
            return r.petition_type_label
        if col == COL_CHANNEL:
            return r.channel_label
        if col == COL_RECEIVED:
            return r.received_on.isoformat()
        if col == COL_STATUS:
            return r.status_label
        if col == COL_STAGE:
            return n.short_label if n else "—"
        if col == COL_DUE:
            return n.due_on.isoformat() if n else ""
        if col == COL_WHEN:
            return n.when_text() if n else (r.clock.end_state.split("：")[0].split("（")[0] if r.clock.end_state else "")
        if col == COL_FLAGS:
            return r.flags
        return ""
