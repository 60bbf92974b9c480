"""社会稳定风险评估工作统计表 (quarterly; [ours], DOMAIN.md §7 — no national template):
一、总体情况 (应评 / 已评 / 评估率 / 未评 / 已报备 / 报备率 / 改判), 二、按事项类型, 三、按风险等级,
四、按结果运用, 五、事项清单, the note on what is counted, and the ledger signatures.

A4 landscape, ledger layout (title 小标宋, 填报单位（盖章）/填报时间 line, header rows repeated on
every page, 制表人 / 审核人 / 主要负责人, page numbers). Built from
:class:`mediation_desk.services.risk.QuarterStats` (plain data, no queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...domain.ledger import format_rate, resolution_rate
from ..model import Column, Document, Paragraph, Table, date_cn
from .ledger import fit_columns, page_setup, signature_line

if TYPE_CHECKING:  # pragma: no cover
    from ...services.risk import QuarterStats

SUMMARY_TITLES = ("应评事项", "已评事项", "评估率", "未评事项", "其中：高风险案件未评估", "已报备", "报备率", "改判等级")
TYPE_TITLES = ("事项类型", "应评事项", "已评事项", "评估率")


@dataclass(frozen=True)
class ItemColumn:
    """A column of the item list: its width in characters of the table font (the minimum when it
    is flexible) and its share of the width left over (see ``templates.ledger.fit_columns``)."""

    title: str
    em: float
    align: str = "center"
    flex: float = 0.0


ITEM_COLUMNS: tuple[ItemColumn, ...] = (
    ItemColumn("序号", 2.2), ItemColumn("编号", 12.0), ItemColumn("事项名称", 8.0, "left", 3.0),
    ItemColumn("事项类型", 4.4), ItemColumn("责任主体", 6.0, "left", 1.0), ItemColumn("评估日期", 5.4),
    ItemColumn("建议等级", 2.4), ItemColumn("确定等级", 5.4), ItemColumn("结果运用", 5.4),
    ItemColumn("报备日期", 5.4), ItemColumn("备案编号", 7.0, "center", 1.0), ItemColumn("状态", 3.4),
)
ITEM_TITLES = tuple(c.title for c in ITEM_COLUMNS)
#: Short type words for the item list (the by-type table keeps the full labels).
SHORT_TYPES = {"矛盾纠纷（信访）案件": "案件"}


def dot(d) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def summary_row(s: "QuarterStats") -> list:
    return [s.due, s.assessed, s.rate_text, s.due - s.assessed, s.uncovered, s.filed, s.filed_rate_text, s.overridden]


def type_rows(s: "QuarterStats") -> list[list]:
    rows = [[line.label, line.due, line.assessed, line.rate_text] for line in s.by_type]
    rows.append(["合计", s.due, s.assessed, s.rate_text])
    return rows


def level_rows(s: "QuarterStats") -> tuple[list[str], list[list]]:
    titles = [f"{label}风险" for _c, label, _n, _o in s.by_level] + ["合计"]
    counts = [n for _c, _l, n, _o in s.by_level]
    over = [o for _c, _l, _n, o in s.by_level]
    return titles, [["件数", *counts, sum(counts)], ["其中：改判", *over, sum(over)],
                    ["占已评比例", *[format_rate(resolution_rate(n, s.assessed)) for n in counts],
                     format_rate(resolution_rate(sum(counts), s.assessed))]]


def outcome_rows(s: "QuarterStats") -> tuple[list[str], list[list]]:
    titles = [label for _c, label, _n in s.by_outcome] + ["合计"]
    counts = [n for _c, _l, n in s.by_outcome]
    return titles, [["件数", *counts, sum(counts)]]


def item_rows(s: "QuarterStats") -> list[list]:
    rows = []
    for i, it in enumerate(s.items, start=1):
        level = it.level_label + ("（改判）" if it.overridden else "")
        rows.append([i, it.number, it.title, SHORT_TYPES.get(it.matter_label, it.matter_label), it.responsible_unit,
                     dot(it.assessed_on),
                     it.suggested_label, level, it.decision_label, dot(it.filed_on), it.filing_number, it.status_label])
    return rows


def _heading(text: str) -> Paragraph:
    return Paragraph(text, indent_first=False, align="left", role="hei", size="小四", space_before_mm=2,
                     space_after_mm=1, keep_with_next=True)


def build(s: "QuarterStats", paper: str = "A4") -> Document:
    from ...services.risk import STATS_NOTE

    blocks: list = [_heading("一、总体情况")]
    blocks.append(Table(columns=[Column(t, 1.3 if i == 4 else 1.0) for i, t in enumerate(SUMMARY_TITLES)],
                        rows=[summary_row(s)]))
    blocks.append(_heading("二、按事项类型统计"))
    blocks.append(Table(columns=[Column(TYPE_TITLES[0], 2.0)] + [Column(t, 1.0) for t in TYPE_TITLES[1:]],
                        rows=type_rows(s)))
    titles, rows = level_rows(s)
    blocks.append(_heading("三、按风险等级统计（已评事项）"))
    blocks.append(Table(columns=[Column("项目", 1.4)] + [Column(t, 1.0) for t in titles], rows=rows))
    titles, rows = outcome_rows(s)
    blocks.append(_heading("四、按结果运用统计（已评事项）"))
    blocks.append(Table(columns=[Column("项目", 1.4)] + [Column(t, 1.0) for t in titles], rows=rows))
    blocks.append(_heading("五、事项清单"))
    font, widths = fit_columns(ITEM_COLUMNS, paper)
    blocks.append(Table(columns=[Column(c.title, w, c.align) for c, w in zip(ITEM_COLUMNS, widths)],
                        rows=item_rows(s), font_size=font, empty_text=f"{s.quarter.label}无应评事项"))
    blocks.append(Paragraph(s.summary_line, indent_first=False, align="left", size="小四", space_before_mm=2))
    blocks.append(Paragraph(STATS_NOTE, indent_first=False, align="left", size="小五"))
    blocks.append(Paragraph(signature_line(s.signatures), indent_first=False, align="left", size="小四",
                            space_before_mm=3))
    return Document(
        title=s.title, blocks=blocks, page=page_setup(paper),
        header_line=(f"填报单位（盖章）：{s.filler_unit}", f"填报时间：{date_cn(s.filled_on)}"),
        meta={"title": s.title, "author": s.unit_name, "subject": "社会稳定风险评估季度统计", "quarter": s.quarter.key},
    )
