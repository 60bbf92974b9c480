"""The rolling ledger's rows as a Qt table model (the same columns as the printed ledger)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...services.ledger import Ledger, LedgerRow

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_KEY_ROLE = Qt.ItemDataRole.UserRole + 2

CLOSED_OUT_COLOUR = QColor(128, 128, 128)
CLOSED_BACKGROUND = QColor(226, 242, 226)
NEW_COLOUR = QColor(0, 90, 170)


class LedgerTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ledger: Ledger | None = None

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.beginResetModel()
        self.ledger = ledger
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.ledger is None else len(self.ledger.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.ledger is None else len(self.ledger.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.ledger is None or orientation != Qt.Orientation.Horizontal:
            return None
        col = self.ledger.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{col.group}{col.title}" if col.group else col.title
        return None

    def row_at(self, row: int) -> LedgerRow | None:
        if self.ledger is None or not 0 <= row < len(self.ledger.rows):
            return None
        return self.ledger.rows[row]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.ledger is None:
            return None
        row = self.ledger.rows[index.row()]
        col = self.ledger.columns[index.column()]
        text = row.cell(col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return text.replace("\n", "；")
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > 12 or "\n" in text else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status_key == "closed_out":
                return QBrush(CLOSED_OUT_COLOUR)
            if col.key == "note" and row.is_new:
                return QBrush(NEW_COLOUR)
        if role == Qt.ItemDataRole.BackgroundRole and row.status_key == "closed":
            return QBrush(CLOSED_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = {"left": Qt.AlignmentFlag.AlignLeft, "right": Qt.AlignmentFlag.AlignRight}.get(
                col.align, Qt.AlignmentFlag.AlignHCenter)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == CASE_ID_ROLE:
            return row.case_id
        if role == STATUS_KEY_ROLE:
            return row.status_key
        return None
