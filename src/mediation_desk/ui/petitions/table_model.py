"""The petitions of the 信访 page as a Qt table model (rows from services.petitions.list_petitions,
already sorted by the next statutory deadline)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ...services.petitions import PetitionRow

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
        self.soon_days = 3

    def set_rows(self, rows: list[PetitionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

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
