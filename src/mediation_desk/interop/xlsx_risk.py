"""The quarterly 稳评 statistics table as an Excel workbook (.xlsx, openpyxl), in the same look as
the rolling ledger workbook (interop/xlsx_ledger.py, whose sheet helpers are reused): sheet 统计表
(一、总体情况 … 四、按结果运用, the note and the signatures) and sheet 事项清单 (the item list, header
frozen and repeated when printed). Counts are numbers; rates are text as printed ("66.7%", "—").

Built from :class:`mediation_desk.services.risk.QuarterStats`; no queries here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .xlsx_ledger import save_workbook, write_body, write_header, write_line, apply_page_setup, XlsxStyles, write_title_rows

if TYPE_CHECKING:  # pragma: no cover
    from ..services.risk import QuarterStats

SHEET_STATS = "统计表"
SHEET_ITEMS = "事项清单"


def _section(ws, st: XlsxStyles, row: int, text: str) -> int:
    ws.cell(row, 1).value = text
    ws.cell(row, 1).font = st.header
    ws.row_dimensions[row].height = 20
    return row + 1


def _table(ws, st: XlsxStyles, row: int, titles, rows, widths) -> int:
    head = write_header(ws, st, row, list(titles), None, widths)
    return write_body(ws, st, row + head, rows, ["center"] * len(titles), widths) + 1


def _stats_sheet(wb, st: XlsxStyles, s: "QuarterStats") -> None:
    from ..documents.templates.ledger import signature_line
    from ..documents.templates.risk_stats import (
        SUMMARY_TITLES, TYPE_TITLES, level_rows, outcome_rows, summary_row, type_rows)
    from ..services.risk import STATS_NOTE

    ws = wb.create_sheet(SHEET_STATS)
    ncols = len(SUMMARY_TITLES)
    widths = [16] + [12] * (ncols - 1)
    write_title_rows(ws, st, s.title, s, ncols)
    row = _section(ws, st, 3, "一、总体情况")
    row = _table(ws, st, row, SUMMARY_TITLES, [summary_row(s)], widths)
    row = _section(ws, st, row, "二、按事项类型统计")
    row = _table(ws, st, row, TYPE_TITLES, type_rows(s), widths[: len(TYPE_TITLES)])
    titles, rows = level_rows(s)
    row = _section(ws, st, row, "三、按风险等级统计（已评事项）")
    row = _table(ws, st, row, ["项目", *titles], rows, widths[: len(titles) + 1])
    titles, rows = outcome_rows(s)
    row = _section(ws, st, row, "四、按结果运用统计（已评事项）")
    row = _table(ws, st, row, ["项目", *titles], rows, widths[: len(titles) + 1])
    write_line(ws, st, row, s.summary_line, ncols)
    write_line(ws, st, row + 1, STATS_NOTE, ncols)
    write_line(ws, st, row + 3, signature_line(s.signatures), ncols)
    apply_page_setup(ws, "A4", "1:2")


def _items_sheet(wb, st: XlsxStyles, s: "QuarterStats") -> None:
    from ..documents.templates.ledger import signature_line
    from ..documents.templates.risk_stats import ITEM_TITLES, item_rows

    ws = wb.create_sheet(SHEET_ITEMS)
    widths = [6, 22, 34, 14, 18, 11, 8, 10, 11, 11, 16, 12]
    write_title_rows(ws, st, f"{s.quarter.label}社会稳定风险评估事项清单", s, len(ITEM_TITLES))
    head = write_header(ws, st, 3, list(ITEM_TITLES), None, widths)
    first = 3 + head
    rows = item_rows(s) or [[f"{s.quarter.label}无应评事项"] + [""] * (len(ITEM_TITLES) - 1)]
    aligns = ["left" if t in ("事项名称", "责任主体") else "center" for t in ITEM_TITLES]
    end = write_body(ws, st, first, rows, aligns, widths)
    write_line(ws, st, end + 1, signature_line(s.signatures), len(ITEM_TITLES))
    ws.freeze_panes = ws.cell(first, 1)
    apply_page_setup(ws, "A4", f"3:{first - 1}")


def write_risk_stats_xlsx(stats: "QuarterStats", path: str | os.PathLike) -> Path:
    """Write the workbook under a temporary name, then rename (never half a workbook)."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    st = XlsxStyles()
    _stats_sheet(wb, st, stats)
    _items_sheet(wb, st, stats)
    return save_workbook(wb, path, stats.title, ".稳评统计-")
