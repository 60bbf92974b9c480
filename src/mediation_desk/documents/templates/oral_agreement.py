"""人民调解口头协议登记表 (archive item 10 when the agreement was oral, 《人民调解法》 art. 28:
the committee records the oral agreement; it takes effect the day it is reached). Form layout."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid
from .common import (
    PARTY_COLS, CaseView, dot_date, form, join_nonempty, long_field, number_text, ordered_parties,
    party_grid_rows, party_signature_lines, unit_signature,
)
from .follow_up import performed_text

TITLE = "人民调解口头协议登记表"


def performance_text(view: CaseView) -> str:
    return join_nonempty([
        f"履行方式：{view.performance_manner}" if view.performance_manner else "",
        f"履行地点：{view.performance_place}" if view.performance_place else "",
        f"履行期限：{dot_date(view.performance_deadline)}前" if view.performance_deadline else "",
    ], "；")


def build(view: CaseView) -> Document:
    overflow: list = []
    rows = [
        [Field("纠纷名称", view.title, span=6)],
        [Field("纠纷类别", view.category_label, span=2), Field("达成日期", dot_date(view.agreement_effective_on), span=3)],
        [Field("调解员", view.mediator_name, span=2), Field("记录人", view.recorder_name, span=3)],
        *party_grid_rows(ordered_parties(view)),
        [long_field("纠纷简要情况", view.agreement_facts or view.description, span=6, min_height_mm=35, overflow=overflow)],
        [long_field("口头协议内容", view.agreement_terms, span=6, min_height_mm=35, overflow=overflow)],
        [Field("履行方式、地点和期限", performance_text(view), span=6, min_height_mm=14)],
        [Field("履行情况", performed_text(view), span=6)],
    ]
    blocks: list = [FieldGrid(rows=rows, col_widths=PARTY_COLS), *overflow]
    lines = party_signature_lines(view.principals) + [("人民调解员（签名）", ""), ("记录人（签名）", "")]
    blocks.append(unit_signature(view, lines, view.agreement_effective_on, leave_space_mm=8, line_height_mm=12))
    return form(TITLE, blocks, view, number_line=number_text(view), subject="口头协议登记")
