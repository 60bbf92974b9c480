"""Export the case register (the current filter and sort) to an .xlsx workbook.

The first rows say what was exported (unit, filter in words, date, count), so a sheet printed or
mailed later still tells what it shows. Header bold, panes frozen below the header, columns sized
for Chinese text, dates as real Excel dates.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from . import register
from .context import Desk, ServiceError
from .register import CaseFilter, CaseRow


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float  # Excel character units (a Chinese character is about 2)


COLUMNS: tuple[Column, ...] = (
    Column("number", "编号", 24),
    Column("kind", "类型", 10),
    Column("category", "类别", 16),
    Column("title", "标题/事由", 40),
    Column("parties", "当事人", 24),
    Column("area", "村", 12),
    Column("received_on", "受理日期", 12),
    Column("status", "状态", 14),
    Column("risk", "风险", 8),
    Column("due_on", "期限", 12),
    Column("days_left", "剩余天数", 10),
    Column("mediator", "调解员/承办人", 14),
)


def _cell_values(row: CaseRow, labels: dict[str, dict[str, str]], today: date) -> list:
    def lab(vocab: str, code: str) -> str:
        return labels.get(vocab, {}).get(code, code) if code else ""

    category = lab("category", row.subcategory) if row.subcategory else lab("category", row.category)
    risk = lab("risk_grade", row.risk_grade)
    if row.risk_colour:
        risk = f"{risk}（{lab('risk_colour', row.risk_colour)}）" if risk else lab("risk_colour", row.risk_colour)
    left = row.days_left(today)
    return [
        row.number, lab("case_kind", row.kind), category, row.title, row.party_names, row.area_name,
        row.received_on, lab(f"{row.kind}_status", row.status) + ("（已作废）" if row.voided else ""),
        risk, row.due_on, left, row.mediator_name,
    ]


def export_cases(desk: Desk, path: Path | str, filt: CaseFilter | None = None, *, sort: str = "received_on",
                 descending: bool = True, description: str = "", unit_name: str = "",
                 progress: Callable[[int], None] | None = None) -> int:
    """Write every case matching ``filt`` (in the given order) to ``path``; returns the row count.

    ``description`` is the filter in words (the register's “当前筛选：…”). The file is written under a
    temporary name and renamed, so a failure never leaves half a workbook under the chosen name.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .vocab import all_labels

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    labels = all_labels(desk)
    today = desk.today()
    total = register.count_cases(desk, filt)
    # Write-only mode streams rows to disk: 100,000 cases do not sit in memory as cell objects.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("案件登记簿")
    title_font = Font(name="宋体", bold=True, size=14)
    info_font = Font(name="宋体", size=10)
    header_font = Font(name="宋体", bold=True, size=11)
    body_font = Font(name="宋体", size=10.5)
    red_font = Font(name="宋体", size=10.5, color="C00000", bold=True)
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    header_row = 5
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"B{header_row + 1}"
    last_row = header_row + max(total, 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    def text_cell(value, font):
        cell = WriteOnlyCell(ws, value=value)
        cell.font = font
        return cell

    ws.append([text_cell(f"{unit_name}案件登记簿" if unit_name else "案件登记簿", title_font)])
    ws.append([text_cell("筛选条件：" + (description or "全部案件（未筛选）"), info_font)])
    ws.append([text_cell(f"导出时间：{datetime.now():%Y年%m月%d日 %H:%M}    统计日：{today:%Y-%m-%d}", info_font)])
    ws.append([text_cell(f"共 {total} 件", info_font)])
    header = []
    for column in COLUMNS:
        cell = text_cell(column.title, header_font)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    count = 0
    for row in register.iter_cases(desk, filt, sort=sort, descending=descending):
        count += 1
        values = _cell_values(row, labels, today)
        overdue = values[10] is not None and values[10] < 0
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(ws, value=value)
            cell.font = red_font if overdue and index in (9, 10) else body_font
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)
        if progress is not None and count % 500 == 0:
            progress(count)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=".导出-", suffix=".xlsx", dir=str(path.parent))
        os.close(fd)
        try:
            wb.save(temp_name)
            os.replace(temp_name, path)
        finally:
            if os.path.exists(temp_name):
                os.unlink(temp_name)
    except PermissionError as error:
        raise ServiceError(f"无法写入“{path.name}”：文件可能正在 Excel 中打开，或文件夹没有写入权限。"
                           "请关闭该文件或换一个位置后再试。") from error
    except OSError as error:
        raise ServiceError(f"导出失败：{error}") from error
    return count
