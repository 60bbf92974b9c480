"""The rolling ledger as an Excel workbook (.xlsx, openpyxl) that prints correctly from Excel or WPS.

Sheets: 滚动台账 (the same columns as the printed ledger), 统计表 (by village and by category,
with year-to-date) and 零报告 (the month's zero reports). Each sheet: title row, 填报单位/填报时间
row, bold header (two rows when columns are grouped under 当事人), frozen below the header,
header rows as print titles, landscape A4/A3, fit to one page wide, page numbers "— N —" in the
footer, thin borders and wrapped text, row heights estimated so that wrapped text shows.

Built from :class:`mediation_desk.services.ledger.Ledger`; no queries here.
"""

from __future__ import annotations

import math
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..services.ledger import Ledger

SHEET_NAMES = {"ledger": "滚动台账", "stats": "统计表", "zero": "零报告"}
FONT_NAME = "仿宋"
TITLE_FONT_NAME = "宋体"
LINE_PT = 13.5  # one line of 10 pt text
BODY_PT = 10


class XlsxWriteError(OSError):
    pass


def save_workbook(wb, path: Path, title: str, temp_prefix: str = ".调解工作台-") -> Path:
    """Save `wb` at `path` through a temporary file in the same folder (never a half-written
    file under the final name); a file open in Excel/WPS gives a Chinese message."""
    wb.properties.title = title
    wb.properties.creator = "调解工作台 Mediation Desk"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=temp_prefix, suffix=".xlsx", dir=str(path.parent))
    os.close(fd)
    try:
        wb.save(temp)
        os.replace(temp, path)
    except PermissionError as error:
        raise XlsxWriteError(f"无法写入“{path.name}”：文件可能正在 Excel 或 WPS 中打开，或文件夹没有写入权限。"
                             "请关闭该文件或换一个位置后再试。") from error
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def _text_width(text: str) -> float:
    """Width in Excel character units (CJK and full-width characters count 2)."""
    w = 0.0
    for ch in text:
        w += 2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.05
    return w


def _lines(text: str, width: float) -> int:
    if not text:
        return 1
    usable = max(1.0, width - 1.2)
    return sum(max(1, math.ceil(_text_width(part) / usable)) for part in str(text).split("\n"))


class XlsxStyles:
    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name=TITLE_FONT_NAME, size=16, bold=True)
        self.info = Font(name=FONT_NAME, size=11)
        self.header = Font(name=TITLE_FONT_NAME, size=10.5, bold=True)
        self.body = Font(name=FONT_NAME, size=BODY_PT)
        self.fill = PatternFill("solid", fgColor="EDEDED")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center", wrap_text=True)
        self.left_top = Alignment(horizontal="left", vertical="center", wrap_text=False)
        self.right_top = Alignment(horizontal="right", vertical="center", wrap_text=False)

    def align(self, name: str):
        return {"left": self.left, "right": self.right}.get(name, self.center)


def apply_page_setup(ws, paper: str, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = 0.7
    ws.page_margins.bottom = 0.8
    ws.page_margins.footer = 0.35
    ws.oddFooter.center.text = "— &P —"
    ws.oddFooter.center.font = TITLE_FONT_NAME
    ws.oddFooter.center.size = 12


def write_title_rows(ws, st: XlsxStyles, title: str, ledger: "Ledger", ncols: int) -> None:
    from openpyxl.utils import get_column_letter

    last = get_column_letter(ncols)
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = st.title
    ws["A1"].alignment = st.center
    ws.row_dimensions[1].height = 30
    from ..documents.model import date_cn

    half = max(1, ncols // 2)
    row = [f"填报单位（盖章）：{ledger.filler_unit}"] + [None] * (ncols - 1)
    row[half] = f"填报时间：{date_cn(ledger.filled_on)}"
    ws.append(row)
    ws.merge_cells(f"A2:{get_column_letter(half)}2")
    if half + 1 <= ncols:
        ws.merge_cells(f"{get_column_letter(half + 1)}2:{last}2")
    ws.cell(2, 1).font = st.info
    ws.cell(2, 1).alignment = st.left_top
    ws.cell(2, half + 1).font = st.info
    ws.cell(2, half + 1).alignment = st.right_top
    ws.row_dimensions[2].height = 20


def write_header(ws, st: XlsxStyles, first_row: int, titles: Sequence[str], groups: Sequence[tuple[str, int]] | None,
            widths: Sequence[float]) -> int:
    """Write the header (1 or 2 rows) at ``first_row``; returns the number of header rows."""
    from openpyxl.utils import get_column_letter

    n = len(titles)
    rows = 2 if groups else 1
    for r in range(rows):
        for c in range(n):
            cell = ws.cell(first_row + r, c + 1)
            cell.font, cell.alignment, cell.border, cell.fill = st.header, st.center, st.border, st.fill
    if groups:
        c = 1
        for title, span in groups:
            if span == 1:
                ws.cell(first_row, c).value = title
                ws.merge_cells(start_row=first_row, start_column=c, end_row=first_row + 1, end_column=c)
            else:
                ws.cell(first_row, c).value = title
                ws.merge_cells(start_row=first_row, start_column=c, end_row=first_row, end_column=c + span - 1)
                for k in range(span):
                    ws.cell(first_row + 1, c + k).value = titles[c - 1 + k]
            c += span
    else:
        for c, title in enumerate(titles, start=1):
            ws.cell(first_row, c).value = title
    height = max(_lines(t, w) for t, w in zip(titles, widths)) * 14 + 6
    for r in range(rows):
        ws.row_dimensions[first_row + r].height = max(20, height if (r == rows - 1 or not groups) else 20)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    return rows


def write_body(ws, st: XlsxStyles, first_row: int, rows: Sequence[Sequence], aligns: Sequence[str],
          widths: Sequence[float]) -> int:
    r = first_row
    aligned = [st.align(a) for a in aligns]
    for values in rows:
        lines = 1
        for c, (value, align, width) in enumerate(zip(values, aligned, widths), start=1):
            cell = ws.cell(r, c)
            if isinstance(value, str) and value.isdigit() and len(value) < 10 and c == 1:
                value = int(value)
            cell.value = value if value != "" else None
            cell.font, cell.alignment, cell.border = st.body, align, st.border
            if isinstance(value, str):
                lines = max(lines, _lines(value, width))
        ws.row_dimensions[r].height = max(18, lines * LINE_PT + 4)
        r += 1
    return r


def write_line(ws, st: XlsxStyles, row: int, text: str, ncols: int) -> None:
    from openpyxl.utils import get_column_letter

    ws.cell(row, 1).value = text
    ws.merge_cells(f"A{row}:{get_column_letter(ncols)}{row}")
    ws.cell(row, 1).font = st.info
    ws.cell(row, 1).alignment = st.left
    total_width = sum((ws.column_dimensions[get_column_letter(c)].width or 10) for c in range(1, ncols + 1))
    ws.row_dimensions[row].height = max(20, _lines(text, total_width) * 16 + 4)


def _ledger_sheet(wb, st: XlsxStyles, ledger: "Ledger") -> None:
    from ..documents.templates.ledger import _column_title, _header_groups, signature_line

    ws = wb.create_sheet(SHEET_NAMES["ledger"])
    cols = ledger.columns
    groups = _header_groups(cols)
    titles = [c.title if groups else _column_title(c, cols) for c in cols]
    widths = [c.xlsx_width for c in cols]
    write_title_rows(ws, st, ledger.title, ledger, len(cols))
    head = write_header(ws, st, 3, titles, groups, widths)
    first = 3 + head
    rows = [[row.cell(c.key) for c in cols] for row in ledger.rows]
    if not rows:
        rows = [[f"{ledger.month_text}无在办事项"] + [""] * (len(cols) - 1)]
    end = write_body(ws, st, first, rows, [c.align for c in cols], widths)
    write_line(ws, st, end + 1, ledger.total_line(), len(cols))
    next_row = end + 2
    if ledger.masked:
        write_line(ws, st, next_row, "注：当事人身份证号、联系电话已作隐藏处理。", len(cols))
        next_row += 1
    write_line(ws, st, next_row + 1, signature_line(ledger.signatures), len(cols))
    ws.freeze_panes = ws.cell(first, 1)
    apply_page_setup(ws, ledger.paper, f"{3}:{first - 1}")


def _stats_sheet(wb, st: XlsxStyles, ledger: "Ledger") -> None:
    from ..documents.templates.ledger import SUMMARY_TITLES, signature_line, summary_cells

    ws = wb.create_sheet(SHEET_NAMES["stats"])
    ncols = 1 + len(SUMMARY_TITLES)
    widths = [16] + [11] * len(SUMMARY_TITLES)
    write_title_rows(ws, st, ledger.stats_title, ledger, ncols)
    row = 3
    first_header = None
    for heading, first_title, lines in (("一、按村（社区）统计", "村（社区）", ledger.by_area),
                                        ("二、按纠纷类别统计", "类别", ledger.by_category)):
        ws.cell(row, 1).value = heading
        ws.cell(row, 1).font = st.header
        ws.row_dimensions[row].height = 20
        row += 1
        titles = [first_title, *SUMMARY_TITLES]
        head = write_header(ws, st, row, titles, [(first_title, 1), ("本月", 6), ("年度累计", 3)], widths)
        if first_header is None:
            first_header = row
        row += head
        data = [summary_cells(line.label, line.figures) for line in lines] + [summary_cells("合计", ledger.total)]
        data = [[_num(v) for v in r] for r in data]
        row = write_body(ws, st, row, data, ["center"] * ncols, widths) + 1
    write_line(ws, st, row, "说明：本月化解指本月销号的事项；化解率＝本月化解÷本月在办；"
                       "年度化解率＝年度累计化解÷（年初结转＋年度累计新增）。", ncols)
    write_line(ws, st, row + 2, signature_line(ledger.signatures), ncols)
    apply_page_setup(ws, "A4", "1:2")


def _num(value: str):
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _zero_sheet(wb, st: XlsxStyles, ledger: "Ledger") -> None:
    from ..documents.templates.ledger import signature_line

    ws = wb.create_sheet(SHEET_NAMES["zero"])
    titles = ["序号", "村（社区）", "排查周期", "排查日期", "排查人员", "排查情况", "签字负责人", "报送日期", "备注"]
    widths = [6, 12, 14, 12, 16, 36, 11, 12, 10]
    write_title_rows(ws, st, ledger.zero_title, ledger, len(titles))
    head = write_header(ws, st, 3, titles, None, widths)
    first = 3 + head

    def dot(d):
        return f"{d.year}.{d.month}.{d.day}" if d else ""

    rows = [[i, z.village, z.period, dot(z.screened_on), z.screeners, z.findings, z.signed_by,
             dot(z.submitted_on), "逾期补报" if z.late else ""] for i, z in enumerate(ledger.zero_reports, start=1)]
    if not rows:
        rows = [[f"{ledger.month_text}无零报告"] + [""] * (len(titles) - 1)]
    end = write_body(ws, st, first, rows, ["center"] * 5 + ["left"] + ["center"] * 3, widths)
    row = end + 1
    if ledger.missing_villages:
        write_line(ws, st, row, f"截至填报时间，{ledger.month_text}未报送排查情况的村（社区）："
                           f"{'、'.join(ledger.missing_villages)}（共{len(ledger.missing_villages)}个）。", len(titles))
        row += 1
    if ledger.late_villages:
        write_line(ws, st, row, f"逾期补报的村（社区）：{'、'.join(ledger.late_villages)}。", len(titles))
        row += 1
    write_line(ws, st, row + 1, signature_line(ledger.signatures), len(titles))
    ws.freeze_panes = ws.cell(first, 1)
    apply_page_setup(ws, "A4", f"3:{first - 1}")


def write_ledger_xlsx(ledger: "Ledger", path: str | os.PathLike, sheets: Sequence[str] = ("ledger", "stats", "zero")
                      ) -> Path:
    """Write the workbook; it is saved under a temporary name and renamed, so a failure never
    leaves half a workbook under the chosen name. Returns the path."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    st = XlsxStyles()
    wanted = [s for s in ("ledger", "stats", "zero") if s in sheets] or ["ledger"]
    for sheet in wanted:
        {"ledger": _ledger_sheet, "stats": _stats_sheet, "zero": _zero_sheet}[sheet](wb, st, ledger)
    return save_workbook(wb, path, ledger.title, ".台账-")
