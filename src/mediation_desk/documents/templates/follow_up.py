"""人民调解回访记录 (archive item 12): one sheet per follow-up visit after the performance
deadline — whether the agreement was performed, changes in the parties' attitude, new risks,
the parties' view of the mediation, and what was done; signed by the visitor and the person
visited (signature or thumbprint)."""

from __future__ import annotations

from ..model import Document, Field, FieldGrid, SignatureBlock, checkboxes
from ._records import RECORD_COLS, sheets, when_text
from .common import CaseView, EventView, dot_date, form, long_field, number_text

TITLE = "人民调解回访记录"
KIND = "follow_up"
PERFORMED = ("已履行", "部分履行", "未履行")
VIEWS = ("满意", "基本满意", "不满意")


def performed_text(view: CaseView) -> str:
    ticked = {True: "已履行", False: "未履行"}.get(view.performed)  # type: ignore[arg-type]
    return checkboxes(PERFORMED, ticked)


def sheet(view: CaseView, e: EventView | None) -> list:
    e_ = e or EventView(kind=KIND, kind_label="回访", occurred_on=None)
    overflow: list = []
    visited = e_.person_questioned or e_.participants
    outcome = view.outcome_label + (f"（{dot_date(view.agreement_effective_on)}）" if view.agreement_effective_on else "")
    grid = FieldGrid(
        rows=[
            [Field("回访时间", when_text(e)), Field("回访地点", e_.place)],
            [Field("回访人", e_.staff_names or (view.mediator_name if e else "")), Field("被回访人", visited)],
            [Field("纠纷事项", view.title, span=3)],
            [Field("调解结果", outcome), Field("履行期限", dot_date(view.performance_deadline))],
            [Field("协议履行情况", performed_text(view), span=3)],
            [long_field("回访情况（履行情况、态度变化、新的风险）", e_.content, span=3, min_height_mm=55, overflow=overflow)],
            [Field("当事人对调解工作的意见", checkboxes(VIEWS), span=3)],
            [long_field("处理意见", e_.result, span=3, min_height_mm=22, overflow=overflow)],
        ],
        col_widths=RECORD_COLS,
    )
    return [grid, *overflow,
            SignatureBlock(lines=[("回访人（签名）", ""), ("被回访人（签名/按指印）", "")], columns=2, line_height_mm=12)]


def build(view: CaseView, events: list[EventView] | None = None) -> Document:
    events = view.events_of(KIND) if events is None else events
    return form(TITLE, sheets(view, events, TITLE, sheet), view, number_line=number_text(view), subject="回访记录")
