"""The list of assessments as a Qt table model (rows are ``services.risk.AssessmentRow``)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...services.risk import AssessmentRow

ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("编号", "事项名称", "类型", "评估日期", "建议", "确定等级", "结果运用", "状态")
LEVEL_BACKGROUND = {"high": QColor(251, 224, 224), "medium": QColor(255, 240, 217), "low": QColor(227, 243, 227)}
LEVEL_FOREGROUND = {"high": QColor(160, 0, 0), "medium": QColor(150, 75, 0), "low": QColor(30, 110, 40)}


def _date(d) -> str:
    return d.isoformat() if d else ""


class AssessmentTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AssessmentRow] = []

    def set_rows(self, rows: list[AssessmentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AssessmentRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def find(self, assessment_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == assessment_id), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def text(self, r: AssessmentRow, column: int) -> str:
        if column == 0:
            return r.number
        if column == 1:
            return r.title + (f"（{r.case_number}）" if r.case_number else "")
        if column == 2:
            return "案件" if r.matter_type == "case" else r.matter_label
        if column == 3:
            return _date(r.assessed_on)
        if column == 4:
            return r.suggested_label
        if column == 5:
            return r.level_label + ("（改判）" if r.overridden else "") if r.level else "未确定"
        if column == 6:
            return r.decision_label
        if column == 7:
            return r.status_label + ("·待包案" if r.needs_contract else "")
        return ""

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        r = self.row_at(index.row())
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, col)
        if role == ID_ROLE:
            return r.id
        level = r.suggested_level if col == 4 else r.level if col == 5 else ""
        if role == Qt.ItemDataRole.BackgroundRole and level in LEVEL_BACKGROUND:
            return QBrush(LEVEL_BACKGROUND[level])
        if role == Qt.ItemDataRole.ForegroundRole:
            if level in LEVEL_FOREGROUND:
                return QBrush(LEVEL_FOREGROUND[level])
            if col == 7 and r.needs_contract:
                return QBrush(QColor(160, 0, 0))
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (1,):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 5 and r.overridden:
                return f"建议等级为“{r.suggested_label}”，评估小组改判为“{r.level_label}”（理由见详情）"
            if col == 1:
                return self.text(r, 1)
            if col == 7 and r.filed_on:
                return (f"{_date(r.filed_on)} " + (f"报{r.filing_office}备案" if r.filing_office else "报备")
                        + (f"，备案编号 {r.filing_number}" if r.filing_number else ""))
        return None
