"""卷内目录 (DOMAIN.md §8 item 2): 序号, 文书名称, 页号, 备注 for every document bound after it.
Page numbers are the real ones of the archive PDF (the archive builder renders until they are
stable); printed alone, the 页号 column is left for the hand when no numbers are given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..model import Column, Document, Paragraph, Table
from .common import CaseView, form

TITLE = "卷内目录"


@dataclass
class ContentsRow:
    title: str  # 文书名称
    first_page: int | None = None
    last_page: int | None = None
    note: str = ""  # 备注

    @property
    def pages(self) -> str:
        if self.first_page is None:
            return ""
        if self.last_page is None or self.last_page <= self.first_page:
            return str(self.first_page)
        return f"{self.first_page}-{self.last_page}"


def build(view: CaseView, rows: Sequence[ContentsRow] = ()) -> Document:
    table = Table(
        columns=[Column("序号", 0.7), Column("文书名称", 4.2, "left"), Column("页号", 1.1), Column("备注", 1.6, "left")],
        rows=[[i, r.title, r.pages, r.note] for i, r in enumerate(rows, start=1)],
        font_size="四号",
        empty_text="（尚无卷内文书）",
    )
    blocks: list = [table]
    if view.archive_pages:
        blocks.append(Paragraph(f"本卷共{len(rows)}件，{view.archive_pages}页。", indent_first=False, align="right",
                                size="小四"))
    number = f"卷号：{view.archive_number}" if view.archive_number else "卷号：" + "　" * 10
    doc = form(TITLE, blocks, view, number_line=number, subject="卷内目录", page_numbers=False)
    return doc
