"""The document model: plain dataclasses that both renderers (pdf.py, docx.py) walk.

A template builds a :class:`Document` out of blocks; nothing here knows about reportlab or Word.
All text that ends up on paper goes through :func:`text_of`, so a missing value prints as an
empty cell or a blank line to fill by hand — never as ``None``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Sequence, Union

# ------------------------------------------------------------------ sizes and helpers

#: Chinese font sizes (字号) in points, DOMAIN.md §8.
FONT_SIZES: dict[str, float] = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
}

MM = 72 / 25.4  # points per millimetre

FULL_SPACE = "\u3000"

#: Footer signature line of ledgers (DOMAIN.md §8).
LEDGER_SIGNATURE_LINE = "制表人：　　　　　　　审核人：　　　　　　　主要负责人："

BLANK_DATE = "　　　　年　　月　　日"

_CN_DIGITS = "零一二三四五六七八九"


def pt(size: float | str) -> float:
    """A size in points from a number or a Chinese size name (``"三号"`` → 16)."""
    if isinstance(size, str):
        try:
            return float(FONT_SIZES[size])
        except KeyError:
            raise ValueError(f"未知的字号：{size}") from None
    return float(size)


def date_cn(d: _dt.date | _dt.datetime | None, blank: str = BLANK_DATE) -> str:
    """``2026年11月27日`` (Arabic numerals, full year, no zero padding); blank form if None."""
    if d is None:
        return blank
    return f"{d.year}年{d.month}月{d.day}日"


def cn_number(n: int) -> str:
    """Chinese numeral for 0 ≤ n < 10000 as used in numbering: 1→一, 10→十, 21→二十一, 105→一百零五."""
    if n < 0 or n >= 10000:
        raise ValueError(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out = []
    rest = n
    zero = False
    for value, name in units:
        q, rest = divmod(rest, value)
        if q:
            if zero:
                out.append("零")
                zero = False
            out.append(_CN_DIGITS[q] + name)
        elif out:
            zero = True
    if rest:
        if zero:
            out.append("零")
        out.append(_CN_DIGITS[rest])
    return "".join(out)


NUMBERING_STYLES = ("一、", "（一）", "1.", "（1）", "第一条")


def numbering(n: int, style: str = "一、") -> str:
    """The number prefix of item ``n`` in one of :data:`NUMBERING_STYLES`."""
    if style == "一、":
        return f"{cn_number(n)}、"
    if style == "（一）":
        return f"（{cn_number(n)}）"
    if style == "1.":
        return f"{n}."
    if style == "（1）":
        return f"（{n}）"
    if style == "第一条":
        return f"第{cn_number(n)}条　"
    raise ValueError(f"未知的编号样式：{style}")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def text_of(value: Any) -> str:
    """What a value prints as. None/"" → "" (an empty cell), dates → 2026年11月27日,
    bools → 是/否, numbers without float noise. Control characters are dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.datetime):
        return f"{date_cn(value)}{value.hour}时{value.minute:02d}分"
    if isinstance(value, _dt.date):
        return date_cn(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        s = f"{value:.2f}".rstrip("0").rstrip(".")
        return s
    if isinstance(value, Decimal):
        s = format(value, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    if isinstance(value, (list, tuple, set)):
        return "、".join(t for t in (text_of(v) for v in value) if t)
    s = str(value)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", s)


def checkboxes(options: Sequence[str], selected: str | Sequence[str] | None = None) -> str:
    """``□是 □否`` with the selected option(s) ticked: ``☑是 □否``."""
    if isinstance(selected, str):
        chosen = {selected}
    else:
        chosen = set(selected or ())
    return "　".join(("☑" if o in chosen else "□") + o for o in options)


def copies_line(
    parties: int,
    keeper: str = "人民调解委员会",
    what: str = "协议",
    each: str = "当事人各执一份",
) -> str:
    """``本协议一式三份，当事人各执一份，人民调解委员会留存一份。``"""
    return f"本{what}一式{cn_number(parties + 1)}份，{each}，{keeper}留存一份。"


def fill_blank(value: Any, min_chars: int = 6) -> "Run":
    """An underlined run: the value, or full-width spaces to write in by hand."""
    text = text_of(value)
    if not text:
        text = FULL_SPACE * min_chars
    elif len(text) < min_chars:
        pad = FULL_SPACE * ((min_chars - len(text) + 1) // 2)
        text = f"{pad}{text}{pad}"
    else:
        text = f" {text} "
    return Run(text, underline=True)


# ------------------------------------------------------------------ page setup

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}

Layout = Literal["letter", "form", "ledger"]
Align = Literal["left", "center", "right", "justify"]

DEFAULT_MARGINS_MM: dict[str, tuple[float, float, float, float]] = {
    # (top, bottom, left, right)
    "letter": (37.0, 35.0, 28.0, 26.0),
    "form": (37.0, 35.0, 28.0, 26.0),
    "ledger": (20.0, 20.0, 20.0, 20.0),
}


@dataclass
class PageSetup:
    size: Literal["A4", "A3"] = "A4"
    orientation: Literal["portrait", "landscape"] | None = None  # None: landscape for ledgers
    margins_mm: tuple[float, float, float, float] | None = None  # (top, bottom, left, right)
    layout: Layout = "letter"

    def __post_init__(self) -> None:
        if self.size not in PAGE_SIZES_MM:
            raise ValueError(f"不支持的纸张：{self.size}（只支持 A4、A3）")
        if self.layout not in DEFAULT_MARGINS_MM:
            raise ValueError(f"未知的版式：{self.layout}")
        if self.orientation is None:
            self.orientation = "landscape" if self.layout == "ledger" else "portrait"
        if self.orientation not in ("portrait", "landscape"):
            raise ValueError(f"未知的纸张方向：{self.orientation}")
        if self.margins_mm is None:
            self.margins_mm = DEFAULT_MARGINS_MM[self.layout]

    @property
    def width_mm(self) -> float:
        w, h = PAGE_SIZES_MM[self.size]
        return h if self.orientation == "landscape" else w

    @property
    def height_mm(self) -> float:
        w, h = PAGE_SIZES_MM[self.size]
        return w if self.orientation == "landscape" else h

    @property
    def frame_mm(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) of the text block in mm, origin bottom-left."""
        top, bottom, left, right = self.margins_mm  # type: ignore[misc]
        return (left, bottom, self.width_mm - left - right, self.height_mm - top - bottom)


# ------------------------------------------------------------------ inline text


@dataclass
class Run:
    """A piece of text with its own look inside a paragraph."""

    text: Any
    role: str | None = None  # font role; None: the paragraph's
    bold: bool | None = None
    underline: bool = False


TextLike = Union[str, Run, Sequence[Union[str, Run]], None]


def runs_of(text: TextLike) -> list[Run]:
    """Normalise str / Run / list into a list of Runs with printable text."""
    if text is None:
        return []
    if isinstance(text, Run):
        return [Run(text_of(text.text), text.role, text.bold, text.underline)]
    if isinstance(text, str):
        return [Run(text_of(text))]
    out: list[Run] = []
    for item in text:
        out.extend(runs_of(item) if isinstance(item, (str, Run)) else [Run(text_of(item))])
    return out


def plain_text(text: TextLike) -> str:
    return "".join(r.text for r in runs_of(text))


# ------------------------------------------------------------------ blocks


@dataclass
class Heading:
    """一、 (黑体) / （一） (楷体) / 1. (仿宋) / （1） (仿宋), per GB/T 9704. Text includes the number."""

    text: TextLike
    level: int = 1
    indent_first: bool = True


@dataclass
class Paragraph:
    text: TextLike
    indent_first: bool = True
    align: Align = "justify"
    role: str | None = None  # default: body font of the layout
    size: float | str | None = None
    bold: bool = False
    keep_with_next: bool = False
    space_before_mm: float = 0.0
    space_after_mm: float = 0.0
    indent_left_chars: float = 0.0
    indent_right_chars: float = 0.0


@dataclass
class NumberedParagraphs:
    """Body paragraphs numbered 一、二、… or （一） or 1. (a numbered list inside body text)."""

    items: Sequence[TextLike]
    style: str = "一、"
    start: int = 1
    indent_first: bool = True

    def paragraphs(self) -> list[Paragraph]:
        out = []
        for i, item in enumerate(self.items):
            runs = runs_of(item)
            out.append(
                Paragraph([Run(numbering(self.start + i, self.style)), *runs], self.indent_first)
            )
        return out


@dataclass
class Cell:
    """One cell of a :class:`FieldGrid`: a label or a value (or any text), possibly spanning."""

    text: Any = None
    span: int = 1
    rowspan: int = 1
    kind: Literal["label", "value"] = "value"
    align: Align | None = None  # default: centred labels, left values
    valign: Literal["top", "middle", "bottom"] | None = None
    min_height_mm: float | None = None
    role: str | None = None
    bold: bool = False


@dataclass
class Field:
    """A label cell followed by its value cell. ``value`` None or "" prints an empty cell."""

    label: str | None
    value: Any = None
    span: int = 1  # grid columns of the value cell
    label_span: int = 1
    rowspan: int = 1
    min_height_mm: float | None = None
    align: Align | None = None
    valign: Literal["top", "middle", "bottom"] | None = None

    def cells(self) -> list[Cell]:
        out = []
        if self.label is not None:
            out.append(Cell(self.label, self.label_span, self.rowspan, "label", min_height_mm=self.min_height_mm))
        if self.span > 0:
            out.append(
                Cell(self.value, self.span, self.rowspan, "value", self.align, self.valign, self.min_height_mm)
            )
        return out


@dataclass
class PlacedCell:
    row: int
    col: int
    cell: Cell


@dataclass
class FieldGrid:
    """A bordered label/value form grid (登记表). Rows hold Fields and/or Cells; spans are in
    grid columns, placed like HTML tables (cells skip columns taken by a rowspan above)."""

    rows: Sequence[Sequence[Field | Cell]]
    col_widths: Sequence[float] | None = None  # relative weights; None: equal
    font_size: float | str | None = None
    row_min_height_mm: float | None = None
    label_bold: bool = False

    def placement(self) -> tuple[list[PlacedCell], int, int]:
        """Place every cell: (cells with row/col, number of rows, number of columns)."""
        taken: set[tuple[int, int]] = set()
        placed: list[PlacedCell] = []
        ncols = 0
        for r, row in enumerate(self.rows):
            c = 0
            for item in row:
                for cell in item.cells() if isinstance(item, Field) else [item]:
                    while (r, c) in taken:
                        c += 1
                    if cell.span < 1 or cell.rowspan < 1:
                        raise ValueError("表格单元的跨列、跨行数必须至少为 1")
                    for dr in range(cell.rowspan):
                        for dc in range(cell.span):
                            taken.add((r + dr, c + dc))
                    placed.append(PlacedCell(r, c, cell))
                    c += cell.span
            ncols = max(ncols, c, *(cc + 1 for (rr, cc) in taken if rr == r))
        nrows = max([len(self.rows)] + [rr + 1 for (rr, _c) in taken])
        if self.col_widths is not None:
            if len(self.col_widths) < ncols:
                raise ValueError(f"表格列宽只有 {len(self.col_widths)} 列，实际需要 {ncols} 列")
            ncols = len(self.col_widths)
        return placed, nrows, ncols

    def weights(self, ncols: int) -> list[float]:
        return list(self.col_widths) if self.col_widths is not None else [1.0] * ncols


@dataclass
class Column:
    title: str
    width_weight: float = 1.0
    align: Align = "center"


@dataclass
class Table:
    """A ruled table with a bold header row that repeats on every page (ledgers, lists).

    ``header_groups`` adds an upper header row: ``[("序号", 1), ("当事人", 3), …]`` — a group
    spanning one column merges with the column title below it (the group's title is used)."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    repeat_header: bool = True
    font_size: float | str | None = None
    header_groups: Sequence[tuple[str, int]] | None = None
    empty_text: str = ""  # printed as a single row when there are no rows; "" → no extra row

    def header_rows(self) -> int:
        return 2 if self.header_groups else 1

    def check(self) -> None:
        n = len(self.columns)
        if self.header_groups and sum(s for _t, s in self.header_groups) != n:
            raise ValueError("表头分组的跨列数之和必须等于列数")
        for i, row in enumerate(self.rows):
            if len(row) > n:
                raise ValueError(f"第 {i + 1} 行有 {len(row)} 个值，表格只有 {n} 列")

    def cell_texts(self) -> list[list[str]]:
        n = len(self.columns)
        return [[text_of(v) for v in row] + [""] * (n - len(row)) for row in self.rows]


@dataclass
class SignatureBlock:
    """Room for signatures / thumbprints, then the unit name and date for the seal.

    ``lines``: (label, value) pairs, e.g. ("当事人（签名/按指印）", "") — a value is printed
    (e.g. a typed name) with room to sign beside it. The seal goes over ``seal_unit`` and
    ``date_text`` (GB/T 9704: date right-aligned four characters from the margin, unit name
    centred over it)."""

    lines: Sequence[tuple[str, Any]] = ()
    seal_unit: str | None = None
    date_text: str | None = None
    leave_space_mm: float = 12.0  # space above the unit name for the seal
    columns: int = 1  # signature lines in 1 or 2 columns
    line_height_mm: float = 14.0  # room for a handwritten signature


@dataclass
class Spacer:
    mm: float


@dataclass
class PageBreak:
    pass


@dataclass
class BlankLines:
    """Space for handwriting: n body lines, optionally ruled."""

    n: int = 3
    ruled: bool = False


@dataclass
class Image:
    path: str | Path
    width_mm: float | None = None  # None: natural size capped to the text block
    max_height_mm: float | None = None
    caption: str | None = None
    align: Align = "center"


@dataclass
class PdfPages:
    """A PDF attachment. Always noted as a line; ``embed=True`` also inserts its pages into PDF
    output, scaled into the text block (DOCX keeps the note only)."""

    path: str | Path
    name: str | None = None  # shown name; default: the file name
    embed: bool = False

    def note(self, pages: int | None) -> str:
        n = f"共{pages}页" if pages else "页数不详"
        return f"（附件：{self.name or Path(self.path).name}，{n}，见纸质卷）"


@dataclass
class Group:
    """Blocks kept on one page when possible (e.g. the last paragraph with the signatures)."""

    blocks: Sequence["Block"]
    keep_together: bool = True


Block = Union[
    Heading,
    Paragraph,
    NumberedParagraphs,
    FieldGrid,
    Table,
    SignatureBlock,
    Spacer,
    PageBreak,
    BlankLines,
    Image,
    PdfPages,
    Group,
]


@dataclass
class Document:
    """One printed document. ``number_line`` (文号/编号) prints under the title, right-aligned;
    ``header_line`` (ledgers: "填报单位（盖章）：…" left, "填报时间：…" right as a tuple) under
    that; ``footer_line`` after the last block (ledgers: :data:`LEDGER_SIGNATURE_LINE`)."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    page: PageSetup = field(default_factory=PageSetup)
    number_line: str | None = None
    header_line: str | tuple[str, str] | None = None
    footer_line: str | None = None
    subtitle: str | None = None
    page_numbers: bool = True
    meta: dict[str, Any] = field(default_factory=dict)

    def walk(self):
        """Every block, with Groups and NumberedParagraphs expanded (Group markers excluded)."""
        def _walk(blocks):
            for b in blocks:
                if isinstance(b, Group):
                    yield from _walk(b.blocks)
                elif isinstance(b, NumberedParagraphs):
                    yield from b.paragraphs()
                else:
                    yield b

        yield from _walk(self.blocks)
