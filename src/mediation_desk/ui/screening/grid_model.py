"""The month × village grid of screening reports as a Qt table model (rows: villages; columns: the
twelve months of a year). Colours: 已报 green, 零报告 blue, 逾期补报 orange, 未报 red, 待报 yellow."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ...services import screening
from ...services.screening import StatusGrid

AREA_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MONTH_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3

STATUS_COLOURS = {
    "done": QColor(214, 238, 214),
    "zero": QColor(214, 228, 245),
    "late": QColor(255, 221, 170),
    "missing": QColor(246, 196, 196),
    "pending": QColor(255, 246, 204),
    "future": QColor(245, 245, 245),
}
STATUS_TEXT_COLOURS = {"missing": QColor(160, 0, 0), "late": QColor(140, 70, 0)}


class StatusGridModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.grid: StatusGrid | None = None

    def set_grid(self, grid: StatusGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.grid is None else len(self.grid.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.grid is None else len(self.grid.months)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.grid is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return f"{int(self.grid.months[section][5:])}月"
            row = self.grid.rows[section]
            return row.village
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Vertical:
            row = self.grid.rows[section]
            return f"{row.township}{row.village}（{screening.PERIOD_LABELS.get(row.period_kind, '')}排查）"
        return None

    def cell_at(self, index: QModelIndex):
        if self.grid is None or not index.isValid():
            return None
        row = self.grid.rows[index.row()]
        return self.grid.cell(row.area_id, self.grid.months[index.column()])

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        cell = self.cell_at(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.label
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(STATUS_COLOURS[cell.status])
        if role == Qt.ItemDataRole.ForegroundRole and cell.status in STATUS_TEXT_COLOURS:
            return QBrush(STATUS_TEXT_COLOURS[cell.status])
        if role == Qt.ItemDataRole.FontRole and cell.alert:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"报送截止：{cell.due_on.month}月{cell.due_on.day}日"]
            if cell.submitted_on:
                lines.append(f"报送日期：{cell.submitted_on.month}月{cell.submitted_on.day}日")
            if cell.rounds:
                lines.append("零报告" if cell.zero else f"发现及复核事项 {cell.entries} 项")
            if cell.expected > 1:
                lines.append(f"应报 {cell.expected} 期，已报 {cell.reported} 期")
            return "\n".join(lines)
        if role == AREA_ID_ROLE:
            return cell.area_id
        if role == MONTH_ROLE:
            return cell.month
        if role == STATUS_ROLE:
            return cell.status
        return None

    def status_text(self, area_id: str, month: str) -> str:
        """The label of one cell (for tests and accessibility)."""
        assert self.grid is not None
        return self.grid.cell(area_id, month).label
