"""卷宗封面 — the cover of the bound archive file (DOMAIN.md §8 item 1): the committee, 人民调解卷宗,
then 卷号 "（2026）X人调字第N号", 卷名, the case, the mediator, the dates, 立卷人, 保管期限 and
the number of pages. No page number is printed on the cover."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid, Paragraph, Spacer
from .common import CaseView, dot_date, form

TITLE = "卷宗封面"
HEADING = "人民调解卷宗"


def build(view: CaseView) -> Document:
    pages = f"共{view.archive_pages}页" if view.archive_pages else "共　　页"
    grid = FieldGrid(
        rows=[
            [Field("卷　　号", view.archive_number, span=3)],
            [Field("卷　　名", view.title, span=3)],
            [Field("案件编号", view.number), Field("纠纷类别", view.category_label)],
            [Field("当 事 人", view.party_names, span=3)],
            [Field("调 解 员", view.mediator_name), Field("调解结果", view.outcome_label)],
            [Field("受理日期", dot_date(view.received_on)), Field("结案日期", dot_date(view.closed_on))],
            [Field("立 卷 人", view.archive_keeper), Field("立卷日期", dot_date(view.archived_on))],
            [Field("保管期限", view.retention), Field("本卷页数", pages)],
        ],
        col_widths=[1.15, 2.75, 1.15, 1.85],
        font_size="四号",
        row_min_height_mm=14,
    )
    blocks: list = [
        Spacer(8),
        Paragraph(view.unit_name, indent_first=False, align="center", role="song", size="二号"),
        Spacer(14),
        Paragraph("　".join(HEADING), indent_first=False, align="center", role="xiaobiaosong", size="小初"),
        Spacer(22),
        grid,
    ]
    doc = form("", blocks, view, subject="人民调解卷宗封面", page_numbers=False)
    doc.meta["title"] = f"{HEADING}封面（{view.number}）" if view.number else f"{HEADING}封面"
    return doc
