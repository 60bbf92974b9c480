"""人民调解受理登记表 — the committee's intake register of a dispute (archive item 3 when the
case did not start from a written application). Form layout: the case's dates, source and
category, every party's particulars, the brief facts, the claims, the acceptance, the mediator
and the registrar; the parties confirm with signature and thumbprint."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid, Paragraph
from .common import (
    PARTY_COLS, CaseView, dot_date, form, long_field, number_text, ordered_parties,
    party_grid_rows, party_signature_lines, unit_signature,
)

TITLE = "人民调解受理登记表"


def build(view: CaseView) -> Document:
    overflow: list = []
    accepted = view.accepted_on or view.received_on
    place = view.location or view.area_path or view.area_name
    rows = [
        [Field("受理日期", dot_date(accepted), span=2), Field("纠纷类别", view.category_label, span=3)],
        [Field("案件来源", view.source_label, span=2), Field("发生地点", place, span=3)],
        [Field("纠纷名称", view.title, span=6)],
        *party_grid_rows(ordered_parties(view)),
        [long_field("纠纷简要情况", view.description, span=6, min_height_mm=40, overflow=overflow)],
        [long_field("当事人申请事项", view.claims, span=6, min_height_mm=22, overflow=overflow)],
        [Field("受理意见", "符合人民调解受理条件，予以受理。" if view.accepted_on else "", span=6, min_height_mm=16)],
        [Field("调解员", view.mediator_name, span=2), Field("登记人", view.recorder_name),
         Field("登记日期", dot_date(view.received_on))],
    ]
    grid = FieldGrid(rows=rows, col_widths=PARTY_COLS)
    blocks: list = [grid, *overflow]
    blocks.append(Paragraph("当事人对以上登记内容核对无误。", indent_first=True, space_before_mm=2))
    lines = party_signature_lines(view.principals) + [("登记人（签名）", "")]
    blocks.append(unit_signature(view, lines, view.received_on, leave_space_mm=6, line_height_mm=12))
    return form(TITLE, blocks, view, number_line=number_text(view), subject="人民调解受理登记")
