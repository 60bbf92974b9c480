"""The contracts list as a Qt table model (rows are ``services.contracts.ContractRow``)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...services.contracts import ContractRow

CONTRACT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 2

OVERDUE_COLOUR = QColor(200, 0, 0)
SOON_COLOUR = QColor(176, 96, 0)
CLOSED_COLOUR = QColor(120, 120, 120)
MISSING_BACKGROUND = QColor(255, 236, 230)

#: (key, header, width in characters on screen; the case title takes what is left)
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("number", "包案编号", 11),
    ("case", "案件名称", 14),
    ("parties", "当事人", 5.5),
    ("leader", "包案领导", 4.5),
    ("deadline", "化解时限", 6),
    ("when", "期限", 5),
    ("status", "化解状态", 4),
    ("progress", "本月情况", 4),
    ("flags", "预警", 7),
)


def _dot(d) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


class ContractsTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ContractRow] = []

    def set_rows(self, rows: list[ContractRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def row_at(self, row: int) -> ContractRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def find(self, contract_id: str) -> int:
        for i, r in enumerate(self.rows):
            if r.id == contract_id:
                return i
        return -1

    @staticmethod
    def text(r: ContractRow, key: str) -> str:
        if key == "number":
            return r.number
        if key == "case":
            return r.case_title
        if key == "parties":
            return r.parties
        if key == "leader":
            return r.leader_name
        if key == "unit":
            return r.responsible_unit
        if key == "assigned":
            return _dot(r.assigned_on)
        if key == "deadline":
            return _dot(r.deadline_on) + ("*" if r.extension_count else "")
        if key == "when":
            return r.when_text()
        if key == "status":
            return r.status_label + (f"（重启{r.reopened_count}次）" if r.reopened_count and r.is_open else "")
        if key == "progress":
            if not r.is_open:
                return ""
            return "已报" if r.progress_this_month else "未报"
        if key == "flags":
            return r.flags_text
        return ""

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, key)
        if role == CONTRACT_ID_ROLE:
            return r.id
        if role == CASE_ID_ROLE:
            return r.case_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "case":
                return f"{r.case_number}\n{r.case_title}"
            if key == "leader":
                return (r.leader_text + (f"\n电话：{r.leader_phone}" if r.leader_phone else "")
                        + (f"\n责任单位：{r.responsible_unit}" if r.responsible_unit else ""))
            if key == "deadline":
                text = f"交办日期：{_dot(r.assigned_on)}\n化解时限：{_dot(r.deadline_on)}"
                return text + (f"\n已延期{r.extension_months}个月（*）" if r.extension_count else "")
            if key == "progress" and r.is_open:
                last = f"最近一次：{r.last_progress_on:%Y-%m-%d}" if r.last_progress_on else "尚未记录过工作情况"
                return last
            text = self.text(r, key)
            return text if len(text) > 10 else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not r.is_open:
                return QBrush(CLOSED_COLOUR)
            if key in ("when", "deadline") and r.state == "overdue":
                return QBrush(OVERDUE_COLOUR)
            if key in ("when", "deadline") and r.state == "due_soon":
                return QBrush(SOON_COLOUR)
            if key == "flags" and r.flags_text:
                return QBrush(OVERDUE_COLOUR)
            if key == "progress" and not r.progress_this_month:
                return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.BackgroundRole and key == "progress" and r.is_open and not r.progress_this_month:
            return QBrush(MISSING_BACKGROUND)
        return None
