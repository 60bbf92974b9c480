"""封底 / 卷内备考表 (DOMAIN.md §8 item 15): how many documents and pages the file holds, notes
on its state (missing or unreadable attachments …), 立卷人 and 检查人 with their dates."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid
from .common import CaseView, dot_date, form

TITLE = "卷内备考表"


def build(view: CaseView, notes: list[str] | None = None) -> Document:
    if view.archive_pages is not None:
        summary = (f"本卷共有文书材料{view.archive_items or 0}件，共{view.archive_pages}页"
                   "（不含卷宗封面、卷内目录和本备考表）。")
    else:
        summary = "本卷共有文书材料　　件，共　　页（不含卷宗封面、卷内目录和本备考表）。"
    text = "\n".join([summary, *(notes or [])])
    grid = FieldGrid(
        rows=[
            [Field("本卷\n情况\n说明", text, span=3, min_height_mm=110, valign="top")],
            [Field("立 卷 人", view.archive_keeper), Field("立卷日期", dot_date(view.archived_on))],
            [Field("检 查 人", ""), Field("检查日期", "")],
        ],
        col_widths=[1.15, 2.3, 1.15, 2.3],
        font_size="四号",
        row_min_height_mm=16,
    )
    number = f"卷号：{view.archive_number}" if view.archive_number else None
    return form(TITLE, [grid], view, number_line=number, subject="卷内备考表", page_numbers=False)
