"""Layout rules shared by the PDF and DOCX renderers: sizes, line pitches, fonts per block kind,
and the small geometric decisions (seal block, table header cells, image boxes) that both
renderers must take the same way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import MM, PageSetup, Table, pt


@dataclass(frozen=True)
class TextSpec:
    role: str
    size: float
    leading: float
    bold: bool = False


@dataclass(frozen=True)
class LayoutSpec:
    name: str
    body: TextSpec
    title: TextSpec
    subtitle: TextSpec
    number_line: TextSpec
    header_line: TextSpec
    grid: TextSpec
    grid_label_role: str
    table: TextSpec
    table_header_role: str
    signature: TextSpec
    page_number: TextSpec
    chars_per_line: int | None  # letter: 28 characters fill the 156 mm line
    title_space_after: float  # pt
    grid_row_min_mm: float
    cell_pad_h: float  # pt, left/right padding inside table/grid cells
    cell_pad_v: float  # pt, top/bottom
    rule_width: float  # pt, table lines
    page_number_gap_mm: float  # distance from the text block to the page number
    page_number_placement: str  # "outside" (odd right, even left, GB/T 9704) | "center"
    page_number_inset_chars: float  # 空一字 for the outside placement

    def heading(self, level: int) -> TextSpec:
        role = {1: "hei", 2: "kai"}.get(level, "fangsong")
        return TextSpec(role, self.body.size, self.body.leading)

    def char_space(self, frame_width_pt: float) -> float:
        """Extra spacing between body characters so ``chars_per_line`` fill the line exactly
        (GB/T 9704: 28 characters of 16 pt in 156 mm → −0.207 pt)."""
        if not self.chars_per_line:
            return 0.0
        return frame_width_pt / self.chars_per_line - self.body.size

    def char_pitch(self, frame_width_pt: float) -> float:
        return self.body.size + self.char_space(frame_width_pt)


LETTER = LayoutSpec(
    name="letter",
    body=TextSpec("fangsong", 16, 28.95),
    title=TextSpec("xiaobiaosong", 22, 28.95 * 1.25),
    subtitle=TextSpec("kai", 16, 28.95),
    number_line=TextSpec("fangsong", 16, 28.95),
    header_line=TextSpec("fangsong", 14, 24),
    grid=TextSpec("fangsong", 14, 20),
    grid_label_role="fangsong",
    table=TextSpec("fangsong", 12, 17),
    table_header_role="hei",
    signature=TextSpec("fangsong", 16, 28.95),
    page_number=TextSpec("song", 14, 16),
    chars_per_line=28,
    title_space_after=28.95,
    grid_row_min_mm=10,
    cell_pad_h=4,
    cell_pad_v=3,
    rule_width=0.75,
    page_number_gap_mm=7,
    page_number_placement="outside",
    page_number_inset_chars=1,
)

FORM = LayoutSpec(
    name="form",
    body=TextSpec("fangsong", 14, 24),
    title=TextSpec("xiaobiaosong", 22, 30),
    subtitle=TextSpec("kai", 14, 24),
    number_line=TextSpec("fangsong", 12, 20),
    header_line=TextSpec("fangsong", 12, 20),
    grid=TextSpec("fangsong", 12, 17),
    grid_label_role="fangsong",
    table=TextSpec("fangsong", 12, 17),
    table_header_role="hei",
    signature=TextSpec("fangsong", 14, 24),
    page_number=TextSpec("song", 14, 16),
    chars_per_line=None,
    title_space_after=14,
    grid_row_min_mm=10,
    cell_pad_h=4,
    cell_pad_v=3,
    rule_width=0.75,
    page_number_gap_mm=7,
    page_number_placement="outside",
    page_number_inset_chars=1,
)

LEDGER = LayoutSpec(
    name="ledger",
    body=TextSpec("fangsong", 12, 18),
    title=TextSpec("xiaobiaosong", 22, 30),
    subtitle=TextSpec("kai", 14, 22),
    number_line=TextSpec("fangsong", 12, 18),
    header_line=TextSpec("fangsong", 12, 20),
    grid=TextSpec("fangsong", 10.5, 14),
    grid_label_role="fangsong",
    table=TextSpec("fangsong", 10.5, 14),
    table_header_role="hei",
    signature=TextSpec("fangsong", 12, 20),
    page_number=TextSpec("song", 12, 14),
    chars_per_line=None,
    title_space_after=6,
    grid_row_min_mm=8,
    cell_pad_h=2.5,
    cell_pad_v=2,
    rule_width=0.6,
    page_number_gap_mm=4,
    page_number_placement="center",
    page_number_inset_chars=0,
)

SPECS = {"letter": LETTER, "form": FORM, "ledger": LEDGER}


def spec_for(page: PageSetup) -> LayoutSpec:
    return SPECS[page.layout]


def table_text_spec(spec: LayoutSpec, font_size) -> TextSpec:
    if font_size is None:
        return spec.table
    size = pt(font_size)
    return TextSpec(spec.table.role, size, round(size * 1.35, 2))


def grid_text_spec(spec: LayoutSpec, font_size) -> TextSpec:
    if font_size is None:
        return spec.grid
    size = pt(font_size)
    return TextSpec(spec.grid.role, size, round(size * 1.4, 2))


#: Labels and table headers may shrink to this fraction of their size to stay on one line.
LABEL_SHRINK_MIN = 0.78

#: Space after tables and grids.
TABLE_SPACE_AFTER_MM = 3.0


def shrink_factor(natural: float, avail: float, min_ratio: float) -> float:
    """Scale for a one-line label: 1 when it fits, ``avail/natural`` when shrinking to no less
    than ``min_ratio`` makes it fit, else 1 (it wraps at full size instead)."""
    if natural <= avail + 0.01 or natural <= 0:
        return 1.0
    f = avail / natural
    return f if f >= min_ratio else 1.0


def page_number_text(n: int) -> str:
    """GB/T 9704 page number: 一字线, number, 一字线."""
    return f"— {n} —"


def page_number_side(spec: LayoutSpec, page_no: int) -> str:
    """"right" on odd pages, "left" on even pages (GB/T 9704), or "center" for ledgers."""
    if spec.page_number_placement == "center":
        return "center"
    return "right" if page_no % 2 else "left"


def text_em_width(text: str) -> float:
    """Width in ems assuming full-width CJK and half-width ASCII (for indents both renderers share)."""
    w = 0.0
    for ch in text:
        w += 0.5 if ord(ch) < 0x2E80 and ch not in "—…“”‘’" else 1.0
    return w


def seal_indents(unit: str | None, date_text: str | None) -> tuple[float, float]:
    """Right indents, in ems, of the unit name and the date under the seal (GB/T 9704 7.3.5.1):
    the date is set four characters in from the right; the unit name is centred over the date,
    but never closer than one character to the margin."""
    date_w = text_em_width(date_text or "")
    unit_w = text_em_width(unit or "")
    date_right = 4.0
    if not date_text:
        return (max(2.0, 0.0), date_right)
    centre_from_right = date_right + date_w / 2
    unit_right = centre_from_right - unit_w / 2
    return (max(1.0, unit_right), date_right)


@dataclass(frozen=True)
class HeaderCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def table_header_cells(table: Table) -> list[HeaderCell]:
    """The header cells of a Table, with merges for ``header_groups``."""
    cols = table.columns
    if not table.header_groups:
        return [HeaderCell(0, i, 1, 1, c.title) for i, c in enumerate(cols)]
    out: list[HeaderCell] = []
    c = 0
    for title, span in table.header_groups:
        if span == 1:
            out.append(HeaderCell(0, c, 2, 1, title or cols[c].title))
        else:
            out.append(HeaderCell(0, c, 1, span, title))
            for k in range(span):
                out.append(HeaderCell(1, c + k, 1, 1, cols[c + k].title))
        c += span
    return out


def column_widths(weights, total: float) -> list[float]:
    s = float(sum(weights)) or 1.0
    return [total * w / s for w in weights]


def image_box(
    path: str | Path,
    frame_w_pt: float,
    frame_h_pt: float,
    width_mm: float | None,
    max_height_mm: float | None,
) -> tuple[float, float]:
    """(width, height) in points for an image: natural size at 96 dpi (or ``width_mm``), scaled
    down to fit the text block and ``max_height_mm``, aspect ratio kept."""
    from PIL import Image as PILImage

    with PILImage.open(path) as im:
        px_w, px_h = im.size
        dpi = im.info.get("dpi")
    try:
        dpi_x = float(dpi[0]) if dpi and float(dpi[0]) > 10 else 96.0
    except (TypeError, ValueError, IndexError):
        dpi_x = 96.0
    w = width_mm * MM if width_mm else px_w * 72.0 / dpi_x
    h = w * px_h / px_w
    max_h = min(frame_h_pt * 0.9, max_height_mm * MM if max_height_mm else frame_h_pt * 0.9)
    scale = min(1.0, frame_w_pt / w, max_h / h)
    return w * scale, h * scale


def pdf_page_count_safe(path: str | Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    except Exception:
        return None
