"""人民调解调查记录 (archive item 7): time, place, the investigators and the recorder, the person
questioned, who else was present, the questions and answers; the person questioned confirms the
record and signs or puts a thumbprint, the investigators and the recorder sign. One sheet per
investigation in the case's timeline (a blank sheet when there is none yet)."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid, Group, Paragraph, Run, SignatureBlock
from ._records import RECORD_COLS, sheets, when_text
from .common import CaseView, EventView, body_paragraphs, form, number_text

TITLE = "人民调解调查记录"
KIND = "investigation"


def sheet(view: CaseView, e: EventView | None) -> list:
    e_ = e or EventView(kind=KIND, kind_label="调查", occurred_on=None)
    grid = FieldGrid(
        rows=[
            [Field("调查时间", when_text(e)), Field("调查地点", e_.place)],
            [Field("调查人", e_.staff_names or (view.mediator_name if e else "")), Field("记录人", view.recorder_name if e else "")],
            [Field("被调查人", e_.person_questioned), Field("在场人", e_.participants)],
            [Field("调查事项", view.title, span=3)],
        ],
        col_widths=RECORD_COLS,
    )
    blocks: list = [grid, Paragraph([Run("调查内容：", role="hei")], indent_first=False, keep_with_next=True)]
    blocks += body_paragraphs(e_.content, blank_lines=12)
    if e_.result:
        blocks.append(Paragraph([Run("调查结论：", role="hei")], indent_first=False, keep_with_next=True))
        blocks += body_paragraphs(e_.result, blank_lines=0)
    blocks.append(Group([
        Paragraph("被调查人核对意见：以上记录已经本人阅读（或已向本人宣读），与本人所述一致。", space_before_mm=1),
        SignatureBlock(lines=[("被调查人（签名/按指印）", ""), ("调查人（签名）", ""), ("记录人（签名）", "")],
                       columns=2, line_height_mm=12),
    ]))
    return blocks


def build(view: CaseView, events: list[EventView] | None = None) -> Document:
    events = view.events_of(KIND) if events is None else events
    return form(TITLE, sheets(view, events, TITLE, sheet), view, number_line=number_text(view), subject="调查记录")
