"""The monthly leader-contract ledger (领导包案工作台账), DOMAIN.md §5 and §8.

A4 landscape, ledger layout: title 小标宋, "填报单位（盖章）/ 填报时间" line, the header row repeated
on every page, a total line, signatures 制表人 / 审核人 / 主要负责人 at the end, page numbers
"— N —". Columns: 序号, 案件名称/编号, 信访人/当事人, 诉求, 包案领导（职务）, 责任单位, 责任人,
化解措施, 化解时限, 本月工作情况, 化解状态, 满意度, 备注.

Built from a :class:`ContractsLedger` (plain data made by ``services/contracts.build_ledger``);
the page geometry and the signature line are the rolling ledger's (``templates/ledger.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..model import Column, Document, Paragraph, Table, date_cn
from .ledger import fit_columns, page_setup, signature_line

FULL = "\u3000"


@dataclass(frozen=True)
class ContractColumn:
    """A printed column: width in characters (the minimum for the flexible ones), its share of
    the spare width, alignment and the Excel width (a Chinese character ≈ 2 units)."""

    key: str
    title: str
    em: float
    align: str = "center"
    flex: float = 0.0
    xlsx_width: float = 10.0
    group: str = ""


COLUMNS: tuple[ContractColumn, ...] = (
    ContractColumn("seq", "序号", 2.0, xlsx_width=5),
    ContractColumn("case", "案件名称/编号", 7.0, "left", 1.0, 20),
    ContractColumn("parties", "信访人/当事人", 5.0, flex=0.2, xlsx_width=11),
    ContractColumn("claims", "诉求", 6.0, "left", 1.0, 20),
    ContractColumn("leader", "包案领导（职务）", 5.0, xlsx_width=13.5),
    ContractColumn("unit", "责任单位", 4.5, flex=0.3, xlsx_width=11),
    ContractColumn("persons", "责任人", 4.0, flex=0.2, xlsx_width=9),
    ContractColumn("measures", "化解措施", 7.0, "left", 1.5, 24),
    ContractColumn("deadline", "化解时限", 5.2, xlsx_width=10),
    ContractColumn("progress", "本月工作情况", 8.0, "left", 2.4, 32),
    ContractColumn("status", "化解状态", 4.0, xlsx_width=9),
    ContractColumn("satisfaction", "满意度", 4.2, xlsx_width=9),
    ContractColumn("note", "备注", 5.0, "left", 0.7, 14),
)
TITLES = tuple(c.title for c in COLUMNS)


@dataclass
class LedgerLine:
    seq: int
    case: str
    parties: str
    claims: str
    leader: str
    unit: str
    persons: str
    measures: str
    deadline: str
    progress: str
    status: str
    satisfaction: str
    note: str
    contract_id: str = ""
    case_id: str = ""
    number: str = ""

    def cells(self) -> list[str]:
        return [str(self.seq) if c.key == "seq" else getattr(self, c.key) for c in COLUMNS]


@dataclass
class ContractsLedger:
    year: int
    month: int
    area_label: str  # "青石镇"
    unit_name: str
    filler_unit: str
    filled_on: date
    lines: list[LedgerLine] = field(default_factory=list)
    total_line: str = ""
    signatures: dict[str, str] = field(default_factory=dict)  # preparer / reviewer / head
    counts: dict[str, int] = field(default_factory=dict)
    paper: str = "A4"
    columns: tuple[ContractColumn, ...] = COLUMNS
    leader: str = ""  # a ledger of one leader's contracts
    masked: bool = False  # the parties' names are masked ("张*三"): a copy that leaves the office

    MASK_NOTE = "注：信访人、当事人姓名已作隐藏处理。"

    @property
    def month_text(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def month_key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def title(self) -> str:
        who = f"{self.leader}，" if self.leader else ""
        return f"{self.area_label}领导包案工作台账（{who}{self.month_text}）"

    def rows(self) -> list[list[str]]:
        return [line.cells() for line in self.lines]


def ledger_table(ledger: ContractsLedger) -> Table:
    font, widths = fit_columns(ledger.columns, ledger.paper)
    cols = [Column(c.title, w, c.align) for c, w in zip(ledger.columns, widths)]  # type: ignore[arg-type]
    return Table(columns=cols, rows=ledger.rows(), repeat_header=True, font_size=font,
                 empty_text=f"{ledger.month_text}无在册包案事项")


def ledger_document(ledger: ContractsLedger) -> Document:
    blocks: list = [ledger_table(ledger)]
    if ledger.total_line:
        blocks.append(Paragraph(ledger.total_line, indent_first=False, align="left", size="小四", space_before_mm=1))
    if ledger.masked:
        blocks.append(Paragraph(ledger.MASK_NOTE, indent_first=False, align="left", size="小四", space_before_mm=1))
    blocks.append(Paragraph(signature_line(ledger.signatures), indent_first=False, align="left", size="小四",
                            space_before_mm=3))
    return Document(
        title=ledger.title,
        blocks=blocks,
        page=page_setup(ledger.paper),
        header_line=(f"填报单位（盖章）：{ledger.filler_unit}", f"填报时间：{date_cn(ledger.filled_on)}"),
        meta={"title": ledger.title, "author": ledger.unit_name, "subject": "领导包案工作台账"},
    )
