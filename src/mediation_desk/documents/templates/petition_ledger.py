"""The monthly petition ledger (信访事项登记台账): A4 landscape, ledger layout (DOMAIN.md §8).

Built from a :class:`mediation_desk.services.petitions.PetitionLedger` (plain data; no queries
here): title 小标宋, "填报单位（盖章）/ 填报时间" line, one row per petition received in the month
with its clock (the next deadline, or how it ended), the header repeated on every page, then the
month's figures — repeat petitions and level-skipping visits counted apart, never as new
petitions — and the signatures 制表人 / 审核人 / 主要负责人.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import LEDGER_SIGNATURE_LINE, Column, Document, PageSetup, Paragraph, Table, date_cn

if TYPE_CHECKING:  # pragma: no cover
    from ...services.petitions import PetitionLedger

#: Ledger margins (top, bottom, left, right) in mm, as the rolling ledger: 16 columns on A4.
MARGINS_MM = (15.0, 15.0, 15.0, 15.0)

COLUMNS = (
    Column("序号", 0.45),
    Column("编号", 2.1),
    Column("登记日期", 1.3),
    Column("信访形式", 0.7),
    Column("信访人", 1.5, "left"),
    Column("人数", 0.5),
    Column("村（社区）", 0.9),
    Column("信访事项及主要诉求", 2.7, "left"),
    Column("类型", 0.9),
    Column("转来单位", 1.0, "left"),
    Column("办理情况", 1.4, "left"),
    Column("期限", 1.3, "left"),
    Column("处理意见", 1.0),
    Column("复查/复核", 1.2, "left"),
    Column("状态", 0.9),
    Column("备注", 1.2, "left"),
)

STAT_TITLES = ("登记总数", "新信访事项", "重复信访", "越级访", "集体访（批/人次）", "受理", "不予（不再）受理",
               "转送交办", "导入法定途径", "按期告知", "按期出具意见", "超期未办")


def _dot(d) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def rows_of(ledger: "PetitionLedger") -> list[list[str]]:
    out = []
    for r in ledger.rows:
        matter = r.title + (f"\n诉求：{r.claims}" if r.claims else "")
        out.append([str(r.seq), r.number, _dot(r.received_on), r.channel, r.petitioners, str(r.people), r.area,
                    matter, r.petition_type, r.received_from, r.handling, r.due, r.replied, r.review, r.status,
                    r.remarks])
    return out


def stats_row(ledger: "PetitionLedger") -> list[str]:
    s = ledger.stats
    return [str(s.total), str(s.new), str(s.repeat), str(s.level_skipping), f"{s.group_batches}/{s.group_people}",
            str(s.accepted), str(s.not_accepted), str(s.assigned_out), str(s.legal_channel),
            f"{s.noticed_on_time}/{s.noticed}", f"{s.replied_on_time}/{s.replied}", str(s.overdue_open)]


def build(ledger: "PetitionLedger") -> Document:
    table = Table(columns=list(COLUMNS), rows=rows_of(ledger), repeat_header=True, font_size="小五",
                  empty_text=f"{ledger.month_text}未登记信访事项")
    stats = Table(columns=[Column(t, 1.4 if len(t) > 6 else 1.0) for t in STAT_TITLES], rows=[stats_row(ledger)], repeat_header=True,
                  font_size="小五")
    s = ledger.stats
    blocks: list = [
        table,
        Paragraph("本月统计", indent_first=False, align="left", role="hei", size="小四", space_before_mm=3,
                  space_after_mm=1, keep_with_next=True),
        stats,
        Paragraph(s.line(), indent_first=False, align="left", size="小五", space_before_mm=1),
    ]
    if s.by_type or s.by_channel:
        parts = []
        if s.by_type:
            parts.append("新信访事项按类型：" + "，".join(f"{k}{v}件" for k, v in s.by_type.items()))
        if s.by_channel:
            parts.append("按形式：" + "，".join(f"{k}{v}件" for k, v in s.by_channel.items()))
        blocks.append(Paragraph("；".join(parts) + "。", indent_first=False, align="left", size="小五"))
    blocks.append(Paragraph("说明：重复信访、越级访照常登记并关联原信访事项，不计入新信访事项；“期限”栏为下一个法定期限"
                            "（已办结的为办理结果）；按期告知、按期出具意见为“按期件数/已办件数”。",
                            indent_first=False, align="left", size="小五"))
    if ledger.masked:
        blocks.append(Paragraph("注：信访人姓名已作隐藏处理。", indent_first=False, align="left", size="小五"))
    blocks.append(Paragraph(LEDGER_SIGNATURE_LINE, indent_first=False, align="left", size="小四", space_before_mm=3))
    return Document(
        title=ledger.title,
        blocks=blocks,
        page=PageSetup(size="A4", orientation="landscape", layout="ledger", margins_mm=MARGINS_MM),
        header_line=(f"填报单位（盖章）：{ledger.unit_name}", f"填报时间：{date_cn(ledger.filled_on)}"),
        meta={"title": ledger.title, "author": ledger.unit_name, "subject": "信访事项登记台账"},
    )
