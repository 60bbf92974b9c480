"""人民调解记录 (archive item 9): one sheet per mediation session — time, place, the mediator(s)
and the recorder, the parties and others taking part, the matter, how the session went and its
result; the parties sign or put a thumbprint, the mediator and the recorder sign."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid, Group, Paragraph, Run, SignatureBlock
from ._records import RECORD_COLS, sheets, when_text
from .common import CaseView, EventView, body_paragraphs, form, number_text, party_signature_lines

TITLE = "人民调解记录"
KIND = "mediation_session"


def sheet(view: CaseView, e: EventView | None) -> list:
    e_ = e or EventView(kind=KIND, kind_label="调解", occurred_on=None)
    grid = FieldGrid(
        rows=[
            [Field("调解时间", when_text(e)), Field("调解地点", e_.place)],
            [Field("调解员", e_.staff_names or view.mediator_name), Field("记录人", view.recorder_name)],
            [Field("当事人", view.party_names, span=3)],
            [Field("参加人", e_.participants, span=3)],
            [Field("纠纷事项", view.title, span=3)],
        ],
        col_widths=RECORD_COLS,
    )
    blocks: list = [grid, Paragraph([Run("调解过程：", role="hei")], indent_first=False, keep_with_next=True)]
    blocks += body_paragraphs(e_.content, blank_lines=8)
    blocks.append(Paragraph([Run("调解结果：", role="hei")], indent_first=False, keep_with_next=True))
    blocks += body_paragraphs(e_.result, blank_lines=2)
    lines = party_signature_lines(view.principals) + [("调解员（签名）", ""), ("记录人（签名）", "")]
    blocks.append(Group([
        Paragraph("以上记录已经当事人阅读（或已向当事人宣读），确认无误。", space_before_mm=1),
        SignatureBlock(lines=lines, columns=2, line_height_mm=12),
    ]))
    return blocks


def build(view: CaseView, events: list[EventView] | None = None) -> Document:
    events = view.events_of(KIND) if events is None else events
    return form(TITLE, sheets(view, events, TITLE, sheet), view, number_line=number_text(view), subject="调解记录")
