"""Shared shape of the record sheets (调查记录, 调解记录, 回访记录): one sheet per timeline event,
or one blank sheet when the case has none yet, each sheet after the first on a new page."""

from __future__ import annotations

from typing import Callable, Sequence

from ..model import PageBreak, Paragraph
from .common import CaseView, EventView

RECORD_COLS = [1.15, 2.25, 1.15, 2.25]


def when_text(e: EventView | None) -> str:
    if e is None or e.occurred_on is None:
        return ""
    d = e.occurred_on
    return f"{d.year}年{d.month}月{d.day}日" + (f" {e.time_text}" if e.time_text else "")


def sheets(view: CaseView, events: Sequence[EventView], title: str,
           one: Callable[[CaseView, EventView | None], list]) -> list:
    """The blocks of every sheet: the first under the document title, the next ones on new pages
    under a repeated title line ("…（第2份）")."""
    if not events:
        return one(view, None)
    blocks: list = []
    for i, e in enumerate(events):
        if i:
            blocks.append(PageBreak())
            blocks.append(Paragraph(f"{title}（第{i + 1}份）", indent_first=False, align="center",
                                    role="xiaobiaosong", size="二号", space_after_mm=4))
        blocks += one(view, e)
    return blocks
