"""The monthly leader-contract ledger (领导包案工作台账) as an Excel workbook (.xlsx, openpyxl).

One sheet, laid out like the rolling ledger's workbook (``xlsx_ledger``, whose sheet-building
helpers are reused here): title row, 填报单位/填报时间 row, bold header frozen and repeated as the
print title, landscape A4 fitted to one page wide, page numbers "— N —", thin borders, wrapped
text with estimated row heights, the total line and the 制表人 / 审核人 / 主要负责人 line.

Built from :class:`mediation_desk.documents.templates.contracts_ledger.ContractsLedger`; no queries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

# The rolling ledger's workbook helpers (private there; see the note in the report of issue 6).
from .xlsx_ledger import save_workbook, write_body, write_header, write_line, apply_page_setup, XlsxStyles, write_title_rows

if TYPE_CHECKING:  # pragma: no cover
    from ..documents.templates.contracts_ledger import ContractsLedger

SHEET_NAME = "包案台账"


def write_contracts_xlsx(ledger: "ContractsLedger", path: str | os.PathLike) -> Path:
    """Write the workbook under a temporary name and rename it (never half a workbook under the
    chosen name). Returns the path."""
    from openpyxl import Workbook

    from ..documents.templates.ledger import signature_line

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    st = XlsxStyles()
    cols = ledger.columns
    widths = [c.xlsx_width for c in cols]
    write_title_rows(ws, st, ledger.title, ledger, len(cols))
    head = write_header(ws, st, 3, [c.title for c in cols], None, widths)
    first = 3 + head
    rows = ledger.rows() or [[f"{ledger.month_text}无在册包案事项"] + [""] * (len(cols) - 1)]
    end = write_body(ws, st, first, rows, [c.align for c in cols], widths)
    row = end + 1
    if ledger.total_line:
        write_line(ws, st, row, ledger.total_line, len(cols))
        row += 1
    if getattr(ledger, "masked", False):
        write_line(ws, st, row, ledger.MASK_NOTE, len(cols))
        row += 1
    write_line(ws, st, row + 1, signature_line(ledger.signatures), len(cols))
    ws.freeze_panes = ws.cell(first, 1)
    apply_page_setup(ws, ledger.paper, f"3:{first - 1}")
    return save_workbook(wb, path, ledger.title, ".包案台账-")
