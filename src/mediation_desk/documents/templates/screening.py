"""The report of one screening round (矛盾纠纷排查情况报告表), or its zero report (零报告表),
printed for the village head's signature and the seal (DOMAIN.md §4).

Built from a :class:`mediation_desk.services.screening.RoundView` (plain data, no queries).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain import vocabularies as vocab
from ..model import Column, Document, Field, FieldGrid, PageSetup, Paragraph, SignatureBlock, Table, date_cn

if TYPE_CHECKING:  # pragma: no cover
    from ...services.screening import RoundView

ZERO_TEXT = "经排查，本期未发现矛盾纠纷，特此报告。"


def round_title(view: "RoundView") -> str:
    kind = "矛盾纠纷排查零报告表" if view.round.is_zero_report else "矛盾纠纷排查情况报告表"
    return f"{view.area_name}{kind}"


def screening_report_document(view: "RoundView") -> Document:
    r = view.round
    from ...services.screening import ESCALATIONS, PERIOD_LABELS

    findings = r.findings or (ZERO_TEXT if r.is_zero_report else "")
    if r.is_zero_report and findings and "未发现" not in findings:
        findings = f"{findings}\n{ZERO_TEXT}"
    grid = FieldGrid(
        rows=[
            [Field("排查单位", f"{view.township_name}{view.area_name}" if view.township_name != view.area_name else view.area_name,
                   span=3)],
            [Field("排查周期", f"{view.period_text}（{PERIOD_LABELS.get(r.period_kind, r.period_kind)}排查）"),
             Field("排查日期", date_cn(r.screened_on))],
            [Field("排查人员", "、".join(view.screener_names), span=3)],
            [Field("排查范围", r.scope, span=3)],
            [Field("排查方式", r.method, span=3)],
            [Field("排查情况", findings, span=3, min_height_mm=30 if r.is_zero_report else 22)],
            [Field("发现事项", "无（零报告）" if r.is_zero_report else f"共{len(view.entries)}项："
                   f"新发现{sum(e.entry.is_new for e in view.entries)}项，"
                   f"复核在办{sum(not e.entry.is_new for e in view.entries)}项", span=3)],
        ],
        col_widths=[1.1, 2.2, 1.1, 2.2],
    )
    blocks: list = [grid]
    if view.entries:
        rows = []
        for i, e in enumerate(view.entries, start=1):
            note = []
            if e.entry.escalation:
                note.append(ESCALATIONS[e.entry.escalation])
            if e.major_reasons:
                reported = e.entry.major_reported_at
                note.append("重大事项" + (f"，{reported.astimezone():%m月%d日%H:%M}已上报" if reported else "，须立即上报"))
            rows.append([i, e.number, e.title, "新发现" if e.entry.is_new else "复核",
                         e.entry.progress, vocab.label("risk_grade", e.risk_grade), "；".join(note)])
        blocks.append(Paragraph("发现及复核事项清单", indent_first=False, align="center", role="hei", size="小四",
                                space_before_mm=2, space_after_mm=1, keep_with_next=True))
        blocks.append(Table(
            columns=[Column("序号", 0.5), Column("编号", 1.6), Column("事件名称", 1.8, "left"), Column("类型", 0.7),
                     Column("本期工作情况", 2.6, "left"), Column("风险等级", 0.7), Column("备注", 1.2, "left")],
            rows=rows, font_size="小五"))
    blocks.append(SignatureBlock(
        lines=[("排查人员（签名）", ""), ("负责人（签名）", r.signed_by)],
        seal_unit=view.area_name, date_text=date_cn(r.submitted_on or r.screened_on), leave_space_mm=8,
        line_height_mm=11))
    title = round_title(view)
    return Document(
        title=title, subtitle=f"（{view.period_text}）", blocks=blocks, page=PageSetup(layout="form"),
        meta={"title": title, "author": view.unit_name, "subject": "矛盾纠纷排查"},
    )
