"""The monthly rolling ledger (滚动台账), its statistics sheet (统计表) and the zero-report sheet
(零报告汇总表) as one printable document (DOMAIN.md §4, §8).

Built from a :class:`mediation_desk.services.ledger.Ledger` (plain data; this module does no
queries). A4 or A3 landscape, ledger layout: title 小标宋, "填报单位（盖章）/ 填报时间" line, the
header row repeated on every page, signatures 制表人 / 审核人 / 主要负责人 after each sheet, page
numbers "— N —". The sheets follow one another in one file so a township hands up one printout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..model import (
    MM, Column, Document, PageBreak, PageSetup, Paragraph, Table, date_cn,
)

if TYPE_CHECKING:  # pragma: no cover
    from ...services.ledger import Ledger

from ...domain.ledger import MonthFigures, format_rate

SHEETS = ("ledger", "stats", "zero")
#: Titles of the summary columns (统计表), in the order of :func:`summary_cells`.
SUMMARY_TITLES = ("上月结转", "本月新增", "本月在办", "本月化解", "结转下月", "化解率",
                  "年度累计新增", "年度累计化解", "年度化解率")
SHEET_LABELS = {"ledger": "滚动台账", "stats": "统计表", "zero": "零报告汇总表"}
FULL = "\u3000"


def signature_line(signatures: dict[str, str] | None = None) -> str:
    """制表人 / 审核人 / 主要负责人 with the printed names where set, room to sign otherwise."""
    s = signatures or {}

    def slot(name: str | None) -> str:
        name = (name or "").strip()
        return name + FULL * max(2, 7 - len(name)) if name else FULL * 7

    return f"制表人：{slot(s.get('preparer'))}审核人：{slot(s.get('reviewer'))}主要负责人：{slot(s.get('head'))}"


def _header_groups(columns) -> list[tuple[str, int]] | None:
    """Upper header row: adjacent columns of one group (当事人) share a spanning title; a lone
    column of a group prints as "当事人姓名"; None when no column belongs to a group."""
    runs: list[list] = []
    for col in columns:
        if col.group and runs and runs[-1][0] and runs[-1][0] == col.group:
            runs[-1][1].append(col)
        else:
            runs.append([col.group, [col]])
    if not any(group and len(cols) > 1 for group, cols in runs):
        return None
    out = []
    for group, cols in runs:
        if group and len(cols) > 1:
            out.append((group, len(cols)))
        else:
            c = cols[0]
            out.append((f"{c.group}{c.title}" if c.group else c.title, 1))
    return out


def _column_title(col, columns) -> str:
    """Title of a column when there is no upper header row."""
    return f"{col.group}{col.title}" if col.group else col.title


#: Ledger margins (top, bottom, left, right) in mm: narrower than the engine's default so that a
#: ledger of 15 columns stays readable on A4 landscape.
LEDGER_MARGINS_MM = (15.0, 15.0, 15.0, 15.0)


def page_setup(paper: str) -> PageSetup:
    return PageSetup(size=paper, orientation="landscape", layout="ledger", margins_mm=LEDGER_MARGINS_MM)


_PAD_PT = 2 * 2.5 + 0.6  # cell padding left + right and the rule (ledger layout)


def fit_columns(columns, paper: str) -> tuple[str | None, list[float]]:
    """(table font, column widths in pt) for the chosen columns on ``paper`` landscape: every
    column gets its width in characters (dates, numbers and ID numbers stay on one or two lines)
    and the free-text columns share what is left. 五号 when it fits, else 小五; when even 小五
    does not fit, everything is scaled down (cells wrap more) — choose A3 or fewer columns then."""
    frame = page_setup(paper).frame_mm[2] * MM
    for name, size in (("五号", 10.5), ("小五", 9.0)):
        base = [c.em * size + _PAD_PT for c in columns]
        spare = frame - sum(base)
        flex = sum(c.flex for c in columns)
        roomy = spare >= 0.3 * frame and (paper == "A3" or len(columns) <= 10)
        if spare >= 0 and (name == "小五" or roomy):
            if flex:
                widths = [b + spare * c.flex / flex for b, c in zip(base, columns)]
            else:
                widths = [b * frame / sum(base) for b in base]
            return (None if name == "五号" else name), widths
    scale = frame / sum(base)
    return "小五", [b * scale for b in base]


def fits(columns, paper: str) -> bool:
    """Whether the columns fit ``paper`` without squeezing (for the "use A3" hint)."""
    frame = page_setup(paper).frame_mm[2] * MM
    return sum(c.em * 9.0 + _PAD_PT for c in columns) <= frame


def ledger_table(ledger: "Ledger") -> Table:
    groups = _header_groups(ledger.columns)
    font, widths = fit_columns(ledger.columns, ledger.paper)
    cols = [Column(c.title if groups else _column_title(c, ledger.columns), w, c.align)
            for c, w in zip(ledger.columns, widths)]
    rows = [[r.cell(c.key) for c in ledger.columns] for r in ledger.rows]
    return Table(columns=cols, rows=rows, repeat_header=True, font_size=font,
                 header_groups=groups, empty_text=f"{ledger.month_text}无在办事项")


def summary_cells(label: str, f: MonthFigures) -> list[str]:
    """One line of the 统计表: label, the month's figures, then year-to-date."""
    return [label, str(f.carried_in), str(f.new), str(f.in_hand), str(f.resolved), str(f.carried_out),
            format_rate(f.rate), str(f.ytd_new), str(f.ytd_resolved), format_rate(f.ytd_rate)]


def summary_table(first_title: str, lines, total=None) -> Table:
    cols = [Column(first_title, 1.6)] + [Column(t, 1.0) for t in SUMMARY_TITLES]
    rows = [summary_cells(line.label, line.figures) for line in lines]
    if total is not None:
        rows.append(summary_cells("合计", total))
    return Table(columns=cols, rows=rows, repeat_header=True,
                 header_groups=[(first_title, 1), ("本月", 6), ("年度累计", 3)], empty_text="本月无数据")


def _sheet_title(text: str) -> Paragraph:
    return Paragraph(text, indent_first=False, align="center", role="xiaobiaosong", size="二号",
                     space_after_mm=1.5)


def _sheet_header(ledger: "Ledger") -> Paragraph:
    return Paragraph(f"填报单位（盖章）：{ledger.filler_unit}{FULL * 8}填报时间：{date_cn(ledger.filled_on)}",
                     indent_first=False, align="left", size="小四", space_after_mm=1.5)


def _signatures(ledger: "Ledger") -> Paragraph:
    return Paragraph(signature_line(ledger.signatures), indent_first=False, align="left", size="小四",
                     space_before_mm=3)


def ledger_document(ledger: "Ledger", sheets: Sequence[str] = SHEETS) -> Document:
    """The printable ledger: the sheets in ``sheets`` (ledger, stats, zero), each from a new page."""
    sheets = [s for s in SHEETS if s in sheets] or ["ledger"]
    blocks: list = []
    first = sheets[0]
    titles = {"ledger": ledger.title, "stats": ledger.stats_title, "zero": ledger.zero_title}
    for i, sheet in enumerate(sheets):
        if i > 0:
            blocks += [PageBreak(), _sheet_title(titles[sheet]), _sheet_header(ledger)]
        if sheet == "ledger":
            blocks.append(ledger_table(ledger))
            blocks.append(Paragraph(ledger.total_line(), indent_first=False, align="left", size="小四"))
            if ledger.masked:
                blocks.append(Paragraph("注：当事人身份证号、联系电话已作隐藏处理。", indent_first=False,
                                        align="left", size="小五"))
        elif sheet == "stats":
            blocks.append(Paragraph("一、按村（社区）统计", indent_first=False, align="left", role="hei",
                                    size="小四", space_after_mm=1))
            blocks.append(summary_table("村（社区）", ledger.by_area, ledger.total))
            blocks.append(Paragraph("二、按纠纷类别统计", indent_first=False, align="left", role="hei",
                                    size="小四", space_after_mm=1))
            blocks.append(summary_table("类别", ledger.by_category, ledger.total))
            blocks.append(Paragraph("说明：本月化解指本月销号的事项；化解率＝本月化解÷本月在办；"
                                    "年度化解率＝年度累计化解÷（年初结转＋年度累计新增）。",
                                    indent_first=False, align="left", size="小五"))
        elif sheet == "zero":
            blocks.append(zero_table(ledger))
            notes = []
            if ledger.missing_villages:
                notes.append(f"截至填报时间，{ledger.month_text}未报送排查情况的村（社区）：{'、'.join(ledger.missing_villages)}"
                             f"（共{len(ledger.missing_villages)}个）。")
            if ledger.late_villages:
                notes.append(f"逾期补报的村（社区）：{'、'.join(ledger.late_villages)}。")
            for n in notes:
                blocks.append(Paragraph(n, indent_first=False, align="left", size="小四"))
        blocks.append(_signatures(ledger))
    return Document(
        title=titles[first],
        blocks=blocks,
        page=page_setup(ledger.paper),
        header_line=(f"填报单位（盖章）：{ledger.filler_unit}", f"填报时间：{date_cn(ledger.filled_on)}"),
        footer_line=None,
        meta={"title": titles[first], "author": ledger.unit_name, "subject": "矛盾纠纷排查化解工作台账"},
    )


def zero_table(ledger: "Ledger") -> Table:
    cols = [Column("序号", 0.5), Column("村（社区）", 1.2), Column("排查周期", 1.3), Column("排查日期", 1.1),
            Column("排查人员", 1.5), Column("排查情况", 3.0, "left"), Column("签字负责人", 1.0),
            Column("报送日期", 1.1), Column("备注", 1.0)]
    rows = []
    for i, z in enumerate(ledger.zero_reports, start=1):
        rows.append([i, z.village, z.period, _dot(z.screened_on), z.screeners, z.findings, z.signed_by,
                     _dot(z.submitted_on), "逾期补报" if z.late else ""])
    return Table(columns=cols, rows=rows, repeat_header=True, empty_text=f"{ledger.month_text}无零报告")


def _dot(d) -> str:
    return f"{d.year}.{d.month}.{d.day}" if d else ""
