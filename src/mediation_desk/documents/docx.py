"""DOCX renderer (python-docx) for the document model — walks the same blocks as pdf.py.

Word specifics handled here: A4 set explicitly (python-docx's template is US Letter), landscape
with swapped width/height, East-Asian font names on every run and in the Normal style and
defaults, ``w:lang w:eastAsia="zh-CN"`` (the template says ja-JP for theme fonts), theme-font
attributes removed so the named faces are used, the GB/T 9704 document grid (22 lines × 28
characters) for letters, repeating table header rows (``w:tblHeader``), and odd/even footers
with a ``— PAGE —`` field.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, Twips

from . import model as m
from .fonts import FontRegistry, get_registry
from .layout import (
    LABEL_SHRINK_MIN,
    TABLE_SPACE_AFTER_MM,
    LayoutSpec,
    column_widths,
    grid_text_spec,
    image_box,
    page_number_text,
    pdf_page_count_safe,
    seal_indents,
    shrink_factor,
    spec_for,
    table_header_cells,
    table_text_spec,
)

MM = m.MM

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_VALIGN = {
    "top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "middle": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _tw(points: float) -> int:
    return int(round(points * 20))


# Child order of the property elements we touch (ECMA-376 part 1, CT_PPr / CT_RPr / CT_TblPr);
# Word rejects files whose property children are out of order.
SCHEMA_ORDER: dict[str, tuple[str, ...]] = {
    "w:pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
        "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
        "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
        "rPr sectPr pPrChange"
    ).split(),
    "w:rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
        "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
        "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
    ).split(),
    "w:tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
    ).split(),
}
_ORDER_BY_TAG = {qn(k): [qn(f"w:{t}") for t in v] for k, v in SCHEMA_ORDER.items()}


def _insert_ordered(parent, child) -> None:
    """Insert (or replace) ``child`` in a property element, respecting the schema's order."""
    existing = parent.find(child.tag)
    if existing is not None:
        parent.replace(existing, child)
        return
    order = _ORDER_BY_TAG.get(parent.tag)
    if order and child.tag in order:
        successors = set(order[order.index(child.tag) + 1 :])
        for el in parent:
            if el.tag in successors:
                el.addprevious(child)
                return
    parent.append(child)


def _el(tag: str, **attrs) -> OxmlElement:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), str(v))
    return e


def _set_fonts(rPr, name: str) -> None:
    rFonts = rPr.find(qn("w:rFonts"))
    if rFonts is None:
        rFonts = _el("w:rFonts")
        _insert_ordered(rPr, rFonts)
    for a in _THEME_ATTRS:
        rFonts.attrib.pop(qn(a), None)
    for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rFonts.set(qn(a), name)
    rFonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rPr) -> None:
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        _insert_ordered(rPr, lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


class _DocxBuilder:
    def __init__(self, doc: m.Document, registry: FontRegistry) -> None:
        self.doc = doc
        self.reg = registry
        self.spec: LayoutSpec = spec_for(doc.page)
        fx, fy, fw, fh = doc.page.frame_mm
        self.fw, self.fh = fw * MM, fh * MM
        self.cs = self.spec.char_space(self.fw)
        self.pitch = self.spec.body.size + self.cs
        self.d = new_docx()
        self.grid = self.spec.chars_per_line is not None

    # -------------------------------------------------------------- document setup
    def setup(self) -> None:
        d, spec, page = self.d, self.spec, self.doc.page
        styles = d.styles.element
        for rFonts in styles.iter(qn("w:rFonts")):
            for a in _THEME_ATTRS:
                rFonts.attrib.pop(qn(a), None)
        body_name = self.reg.docx_name(spec.body.role)
        defaults = styles.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr_default, body_name)
        _set_lang(rpr_default)
        # the document grid's character pitch is derived from the default font size
        for tag in ("w:sz", "w:szCs"):
            el = rpr_default.find(qn(tag))
            if el is None:
                el = _el(tag)
                _insert_ordered(rpr_default, el)
            el.set(qn("w:val"), str(int(round(spec.body.size * 2))))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is not None:
            ppr = ppr_default.find(qn("w:pPr"))
            sp = ppr.find(qn("w:spacing")) if ppr is not None else None
            if sp is not None:
                sp.set(qn("w:after"), "0")
                sp.set(qn("w:line"), "240")
                sp.set(qn("w:lineRule"), "auto")
        normal = d.styles["Normal"]
        normal.font.size = Pt(spec.body.size)
        rPr = normal.element.get_or_add_rPr()
        _set_fonts(rPr, body_name)
        _set_lang(rPr)
        szCs = rPr.find(qn("w:szCs"))
        if szCs is None:
            szCs = _el("w:szCs")
            _insert_ordered(rPr, szCs)
        szCs.set(qn("w:val"), str(int(round(spec.body.size * 2))))
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        # no automatic gap between Chinese and Latin/digits: it would break the character grid
        # and differ from the PDF
        ppr = normal.element.get_or_add_pPr()
        _insert_ordered(ppr, _el("w:autoSpaceDE", val=0))
        _insert_ordered(ppr, _el("w:autoSpaceDN", val=0))
        # theme fonts language: the template says ja-JP, which picks Japanese glyph forms
        tfl = d.settings.element.find(qn("w:themeFontLang"))
        if tfl is not None:
            tfl.set(qn("w:eastAsia"), "zh-CN")
        # page
        sec = d.sections[0]
        sec.orientation = WD_ORIENT.LANDSCAPE if page.orientation == "landscape" else WD_ORIENT.PORTRAIT
        sec.page_width = Emu(int(round(page.width_mm * 36000)))
        sec.page_height = Emu(int(round(page.height_mm * 36000)))
        top, bottom, left, right = page.margins_mm  # type: ignore[misc]
        sec.top_margin = Emu(int(round(top * 36000)))
        sec.bottom_margin = Emu(int(round(bottom * 36000)))
        sec.left_margin = Emu(int(round(left * 36000)))
        sec.right_margin = Emu(int(round(right * 36000)))
        sec.gutter = Emu(0)
        sec.header_distance = Emu(int(round(min(15.0, top / 2) * 36000)))
        ps = spec.page_number
        footer_mm = bottom - spec.page_number_gap_mm - ps.size * 1.3 / MM
        sec.footer_distance = Emu(int(round(max(5.0, footer_mm) * 36000)))
        grid = sec._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = _el("w:docGrid")
            sec._sectPr.append(grid)
        if self.grid:
            # A line grid only: the 28-characters-per-line pitch is set as character spacing on
            # the body runs (w:spacing), which Word, WPS and LibreOffice all honour, whereas a
            # "linesAndChars" grid with a negative charSpace makes LibreOffice put each
            # character on two grid cells.
            grid.set(qn("w:type"), "lines")
            grid.set(qn("w:linePitch"), str(_tw(spec.body.leading)))
        else:
            grid.set(qn("w:linePitch"), "312")
        meta = self.doc.meta or {}
        cp = d.core_properties
        cp.title = str(meta.get("title", self.doc.title))
        cp.author = str(meta.get("author", "调解工作台"))
        cp.subject = str(meta.get("subject", ""))
        cp.language = "zh-CN"
        cp.comments = "调解工作台 Mediation Desk"
        if self.doc.page_numbers:
            self.footers(sec)

    def footers(self, sec) -> None:
        spec = self.spec
        ps = spec.page_number
        inset = Pt(spec.page_number_inset_chars * ps.size)
        sec.footer.is_linked_to_previous = False
        if spec.page_number_placement == "center":
            self._page_field(sec.footer.paragraphs[0], "center", None)
            return
        self.d.settings.odd_and_even_pages_header_footer = True
        self._page_field(sec.footer.paragraphs[0], "right", inset)
        self._page_field(sec.even_page_footer.paragraphs[0], "left", inset)

    def _page_field(self, p, align: str, inset) -> None:
        ps = self.spec.page_number
        p.alignment = _ALIGN[align]
        if inset is not None:
            if align == "right":
                p.paragraph_format.right_indent = inset
            else:
                p.paragraph_format.left_indent = inset
        self._snap_off(p)
        before, after = page_number_text(0).split("0")
        name = self.reg.docx_name(ps.role)
        self._run(p, before, name, ps.size)
        r = self._run(p, "", name, ps.size)
        r._r.append(_el("w:fldChar", fldCharType="begin"))
        r = self._run(p, "", name, ps.size)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = " PAGE "
        r._r.append(instr)
        r = self._run(p, "", name, ps.size)
        r._r.append(_el("w:fldChar", fldCharType="separate"))
        self._run(p, "1", name, ps.size)
        r = self._run(p, "", name, ps.size)
        r._r.append(_el("w:fldChar", fldCharType="end"))
        self._run(p, after, name, ps.size)

    # -------------------------------------------------------------- text
    def _run(
        self, p, text: str, name: str, size: float, bold: bool = False, underline: bool = False,
        char_space: float = 0.0,
    ):
        r = p.add_run(text) if text else p.add_run()
        rPr = r._r.get_or_add_rPr()
        _set_fonts(rPr, name)
        r.font.size = Pt(size)
        szCs = _el("w:szCs", val=int(round(size * 2)))
        _insert_ordered(rPr, szCs)
        if char_space:
            # twentieths of a point, rounded towards tighter so the 28 characters still fit
            _insert_ordered(rPr, _el("w:spacing", val=math.floor(char_space * 20)))
        if bold:
            r.bold = True
        if underline:
            r.underline = True
        return r

    def _add_runs(
        self, p, runs: list[m.Run], role: str, size: float, bold: bool = False, char_space: float = 0.0
    ) -> None:
        for run in runs:
            if not run.text:
                continue
            rrole = run.role or role
            rbold = bold if run.bold is None else run.bold
            primary_name = self.reg.docx_name(rrole)
            synth = self.reg.docx_bold(rrole)
            for face, text, fallback in self.reg.runs(run.text, rrole):
                name = face.family if fallback else primary_name
                self._run(
                    p, text, name, size, bold=rbold or synth, underline=run.underline,
                    char_space=char_space,
                )

    @staticmethod
    def _split_lines(runs: list[m.Run]) -> list[list[m.Run]]:
        out: list[list[m.Run]] = [[]]
        for r in runs:
            parts = r.text.split("\n")
            for k, part in enumerate(parts):
                if k:
                    out.append([])
                if part:
                    out[-1].append(m.Run(part, r.role, r.bold, r.underline))
        return out

    def _snap_off(self, p) -> None:
        if self.grid:
            _insert_ordered(p._p.get_or_add_pPr(), _el("w:snapToGrid", val=0))

    def _fmt(
        self,
        p,
        *,
        align: str = "justify",
        leading: float | None = None,
        first_indent: float = 0.0,
        left: float = 0.0,
        right: float = 0.0,
        before: float = 0.0,
        after: float = 0.0,
        keep_next: bool = False,
        snap: bool = True,
    ) -> None:
        pf = p.paragraph_format
        p.alignment = _ALIGN.get(align, WD_ALIGN_PARAGRAPH.JUSTIFY)
        if leading:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(leading)
        pf.first_line_indent = Pt(first_indent) if first_indent else None
        if left:
            pf.left_indent = Pt(left)
        if right:
            pf.right_indent = Pt(right)
        pf.space_before = Pt(before)
        pf.space_after = Pt(after)
        if keep_next:
            pf.keep_with_next = True
        if not snap:
            self._snap_off(p)

    def paragraphs(
        self,
        container,
        text: m.TextLike,
        role: str,
        size: float,
        leading: float,
        *,
        bold: bool = False,
        first_p=None,
        char_space: float = 0.0,
        **fmt,
    ) -> list:
        """Add one Word paragraph per text line (a hard line break starts a new paragraph, as in
        the PDF) and return them."""
        out = []
        lines = self._split_lines(m.runs_of(text)) or [[]]
        for k, line in enumerate(lines):
            if k == 0 and first_p is not None:
                p = first_p
            else:
                p = container.add_paragraph()
            self._fmt(p, leading=leading, **fmt)
            self._add_runs(p, line, role, size, bold, char_space)
            out.append(p)
        return out

    # -------------------------------------------------------------- build
    def build(self):
        self.setup()
        d, doc, spec = self.d, self.doc, self.spec
        t = spec.title
        tail = spec.title_space_after
        has_more = bool(doc.subtitle or doc.number_line or doc.header_line)
        if m.plain_text(doc.title).strip():
            self.paragraphs(d, doc.title, t.role, t.size, t.leading, align="center", after=0 if has_more else tail, snap=False)
        if doc.subtitle:
            s = spec.subtitle
            self.paragraphs(d, doc.subtitle, s.role, s.size, s.leading, align="center", snap=False)
        last_after = tail / 2 if spec.name != "letter" else tail
        if doc.number_line:
            s = spec.number_line
            self.paragraphs(d, doc.number_line, s.role, s.size, s.leading, align="right", after=0 if doc.header_line else last_after)
        if doc.header_line:
            s = spec.header_line
            if isinstance(doc.header_line, tuple):
                left, right = doc.header_line
                p = d.add_paragraph()
                self._fmt(p, align="left", leading=s.leading, after=last_after, snap=False)
                p.paragraph_format.tab_stops.add_tab_stop(Pt(self.fw), WD_TAB_ALIGNMENT.RIGHT)
                self._add_runs(p, [*m.runs_of(left), m.Run("\t"), *m.runs_of(right)], s.role, s.size)
            else:
                self.paragraphs(d, doc.header_line, s.role, s.size, s.leading, align="left", after=last_after, snap=False)
        for b in doc.blocks:
            self.block(b)
        if doc.footer_line:
            s = spec.signature
            self.paragraphs(d, doc.footer_line, s.role, s.size, s.leading, align="left", before=4 * MM, snap=False)
        return d

    def block(self, b, keep_next: bool = False) -> None:
        d, spec = self.d, self.spec
        if isinstance(b, m.Heading):
            hs = spec.heading(b.level)
            ps = self.paragraphs(
                d, b.text, hs.role, hs.size, hs.leading, bold=hs.bold, char_space=self.cs,
                first_indent=2 * self.pitch if b.indent_first else 0, keep_next=True,
            )
            for p in ps:
                _insert_ordered(p._p.get_or_add_pPr(), _el("w:outlineLvl", val=max(0, min(8, b.level - 1))))
        elif isinstance(b, m.Paragraph):
            self.paragraph(b, keep_next)
        elif isinstance(b, m.NumberedParagraphs):
            for p in b.paragraphs():
                self.paragraph(p, keep_next)
        elif isinstance(b, m.FieldGrid):
            self.field_grid(b)
        elif isinstance(b, m.Table):
            self.table(b)
        elif isinstance(b, m.SignatureBlock):
            self.signature(b)
        elif isinstance(b, m.Spacer):
            self._spacer(b.mm * MM, keep_next)
        elif isinstance(b, m.PageBreak):
            d.add_page_break()
        elif isinstance(b, m.BlankLines):
            for _ in range(b.n):
                p = d.add_paragraph()
                self._fmt(p, leading=spec.body.leading, keep_next=keep_next)
                if b.ruled:
                    pbdr = _el("w:pBdr")
                    pbdr.append(_el("w:bottom", val="single", sz=4, space=1, color="000000"))
                    _insert_ordered(p._p.get_or_add_pPr(), pbdr)
        elif isinstance(b, m.Image):
            w, _h = image_box(b.path, self.fw, self.fh, b.width_mm, b.max_height_mm)
            d.add_picture(str(b.path), width=Emu(int(w * 12700)))
            p = d.paragraphs[-1]
            self._fmt(p, align=b.align, keep_next=bool(b.caption) or keep_next, snap=False)
            if b.caption:
                self.paragraphs(d, b.caption, spec.body.role, spec.table.size, spec.table.leading, align="center", snap=False)
        elif isinstance(b, m.PdfPages):
            self.paragraphs(
                d, b.note(pdf_page_count_safe(b.path)), spec.body.role, spec.body.size, spec.body.leading,
                char_space=self.cs, align="left", first_indent=2 * self.pitch, keep_next=keep_next,
            )
        elif isinstance(b, m.Group):
            n = len(b.blocks)
            for i, x in enumerate(b.blocks):
                self.block(x, keep_next=b.keep_together and i < n - 1)
        else:
            raise TypeError(f"不支持的文书内容块：{type(b).__name__}")

    def _spacer(self, height_pt: float, keep_next: bool = False) -> None:
        p = self.d.add_paragraph()
        self._fmt(p, leading=max(1.0, height_pt), keep_next=keep_next, snap=False)
        # an empty run with a tiny font so the exact line height is not raised by the mark
        p.paragraph_format.line_spacing = Pt(max(1.0, height_pt))
        rPr = _el("w:rPr")
        rPr.append(_el("w:sz", val=2))
        _insert_ordered(p._p.get_or_add_pPr(), rPr)

    def paragraph(self, p: m.Paragraph, keep_next: bool = False) -> None:
        spec = self.spec
        size = m.pt(p.size) if p.size is not None else spec.body.size
        leading = spec.body.leading * size / spec.body.size
        cs = self.cs if size == spec.body.size else 0.0
        pitch = size + cs
        self.paragraphs(
            self.d,
            p.text,
            p.role or spec.body.role,
            size,
            leading,
            bold=p.bold,
            char_space=cs,
            align=p.align,
            first_indent=2 * pitch if p.indent_first else 0,
            left=p.indent_left_chars * pitch,
            right=p.indent_right_chars * pitch,
            before=p.space_before_mm * MM,
            after=p.space_after_mm * MM,
            keep_next=p.keep_with_next or keep_next,
            snap=size == spec.body.size,
        )

    # -------------------------------------------------------------- tables
    def _new_table(self, nrows: int, ncols: int, widths: list[float], borders: bool = True):
        t = self.d.add_table(rows=nrows, cols=ncols)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        tblPr = t._tbl.tblPr
        _insert_ordered(tblPr, _el("w:tblW", w=sum(_tw(w) for w in widths), type="dxa"))
        spec = self.spec
        b = _el("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            if borders:
                b.append(_el(f"w:{edge}", val="single", sz=max(2, int(round(spec.rule_width * 8))), space=0, color="000000"))
            else:
                b.append(_el(f"w:{edge}", val="nil"))
        _insert_ordered(tblPr, b)
        mar = _el("w:tblCellMar")
        pad_h = spec.cell_pad_h if borders else 0
        for side, v in (("top", 0), ("left", pad_h), ("bottom", 0), ("right", pad_h)):
            mar.append(_el(f"w:{side}", w=_tw(v), type="dxa"))
        _insert_ordered(tblPr, mar)
        for gc, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
            gc.set(qn("w:w"), str(_tw(w)))
        for row in t.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Twips(_tw(w))
        return t

    @staticmethod
    def _row_flags(row, header: bool, min_height_pt: float | None = None) -> None:
        if min_height_pt:
            row.height = Pt(min_height_pt)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        trPr = row._tr.get_or_add_trPr()
        if trPr.find(qn("w:cantSplit")) is None:
            trPr.insert(0, _el("w:cantSplit"))
        if header and trPr.find(qn("w:tblHeader")) is None:
            trPr.append(_el("w:tblHeader"))

    def _cell_text(
        self, cell, text, role, size, leading, align, bold=False, valign="middle", shrink_in: float | None = None
    ) -> None:
        """Fill a cell; ``shrink_in``: the cell's text width, to shrink a one-line label like the PDF."""
        cell.vertical_alignment = _VALIGN.get(valign, WD_CELL_VERTICAL_ALIGNMENT.CENTER)
        first = cell.paragraphs[0]
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        if shrink_in and text and "\n" not in text:
            f = shrink_factor(self.reg.text_width(text, role, size), shrink_in, LABEL_SHRINK_MIN)
            size = math.floor(size * f * 2) / 2 if f < 1.0 else size
        self.paragraphs(cell, text, role, size, leading, bold=bold, first_p=first, align=align, snap=False)

    def field_grid(self, g: m.FieldGrid) -> None:
        spec = self.spec
        ts = grid_text_spec(spec, g.font_size)
        placed, nrows, ncols = g.placement()
        widths = column_widths(g.weights(ncols), self.fw)
        t = self._new_table(nrows, ncols, widths)
        row_min = (g.row_min_height_mm if g.row_min_height_mm is not None else spec.grid_row_min_mm) * MM
        extra_min: dict[int, float] = {}
        for pc in placed:
            c = pc.cell
            if c.min_height_mm:
                per_row = c.min_height_mm * MM / c.rowspan
                for r in range(pc.row, pc.row + c.rowspan):
                    extra_min[r] = max(extra_min.get(r, 0.0), per_row)
        for r, row in enumerate(t.rows):
            self._row_flags(row, False, max(row_min, extra_min.get(r, 0.0)))
        grid_rows = list(t.rows)
        for pc in placed:
            c = pc.cell
            cell = grid_rows[pc.row].cells[pc.col]
            if c.span > 1 or c.rowspan > 1:
                cell = cell.merge(grid_rows[pc.row + c.rowspan - 1].cells[pc.col + c.span - 1])
            label = c.kind == "label"
            valign = c.valign or ("top" if not label and (c.min_height_mm or 0) * MM > 2.5 * row_min else "middle")
            self._cell_text(
                cell,
                m.text_of(c.text),
                c.role or (spec.grid_label_role if label else ts.role),
                ts.size,
                ts.leading,
                c.align or ("center" if label else "left"),
                bold=c.bold or (label and g.label_bold),
                valign=valign,
                shrink_in=(sum(widths[pc.col : pc.col + c.span]) - 2 * spec.cell_pad_h) if label else None,
            )
        self._after_table()

    def table(self, tb: m.Table) -> None:
        tb.check()
        spec = self.spec
        ts = table_text_spec(spec, tb.font_size)
        n = len(tb.columns)
        widths = column_widths([c.width_weight for c in tb.columns], self.fw)
        hr = tb.header_rows()
        rows = tb.cell_texts()
        empty = not rows and bool(tb.empty_text)
        t = self._new_table(hr + len(rows) + (1 if empty else 0), n, widths)
        all_rows = list(t.rows)
        for r in range(hr):
            self._row_flags(all_rows[r], tb.repeat_header)
        for hc in table_header_cells(tb):
            # row.cells instead of table.cell(): the latter rescans the whole table each call
            cell = all_rows[hc.row].cells[hc.col]
            if hc.rowspan > 1 or hc.colspan > 1:
                cell = cell.merge(all_rows[hc.row + hc.rowspan - 1].cells[hc.col + hc.colspan - 1])
            self._cell_text(
                cell, hc.text, spec.table_header_role, ts.size, ts.leading, "center",
                shrink_in=sum(widths[hc.col : hc.col + hc.colspan]) - 2 * spec.cell_pad_h,
            )
        for values, row in zip(rows, all_rows[hr:]):
            self._row_flags(row, False)
            for v, cell, col in zip(values, row.cells, tb.columns):
                self._cell_text(cell, v, ts.role, ts.size, ts.leading, col.align)
        if empty:
            row = all_rows[hr]
            cell = row.cells[0].merge(row.cells[n - 1])
            self._cell_text(cell, tb.empty_text, ts.role, ts.size, ts.leading, "center")
        self._after_table()

    def _after_table(self) -> None:
        # a small paragraph after each table so consecutive tables do not fuse in Word
        self._spacer(TABLE_SPACE_AFTER_MM * MM)

    def signature(self, s: m.SignatureBlock) -> None:
        spec = self.spec
        ss = spec.signature
        cs = self.cs if ss.size == spec.body.size else 0.0
        em = ss.size + cs
        lh = max(s.line_height_mm * MM, ss.leading)
        has_seal = bool(s.seal_unit or s.date_text)
        texts = [f"{label}：{m.text_of(v)}" if label else m.text_of(v) for label, v in s.lines]
        if texts:
            cols = max(1, s.columns)
            if cols == 1:
                for i, txt in enumerate(texts):
                    self.paragraphs(
                        self.d, txt, ss.role, ss.size, lh, align="left", char_space=cs,
                        keep_next=has_seal or i < len(texts) - 1, snap=False,
                    )
            else:
                nrows = (len(texts) + cols - 1) // cols
                t = self._new_table(nrows, cols, [self.fw / cols] * cols, borders=False)
                for i, txt in enumerate(texts):
                    cell = t.cell(i // cols, i % cols)
                    self._cell_text(cell, txt, ss.role, ss.size, ss.leading, "left")
                for row in t.rows:
                    self._row_flags(row, False, lh)
                    for p in (p for c in row.cells for p in c.paragraphs):
                        p.paragraph_format.keep_with_next = True
        if has_seal:
            self._spacer(s.leave_space_mm * MM, keep_next=True)
            unit_r, date_r = seal_indents(s.seal_unit, s.date_text)
            if s.seal_unit:
                self.paragraphs(self.d, s.seal_unit, ss.role, ss.size, ss.leading, align="right", char_space=cs,
                                right=unit_r * em, keep_next=bool(s.date_text), snap=False)
            if s.date_text:
                self.paragraphs(self.d, s.date_text, ss.role, ss.size, ss.leading, align="right", char_space=cs,
                                right=date_r * em, snap=False)


def render_docx(doc: m.Document, path, *, registry: FontRegistry | None = None) -> None:
    """Render one document to a Word file (path or binary stream)."""
    builder = _DocxBuilder(doc, registry or get_registry())
    d = builder.build()
    if isinstance(path, (str, os.PathLike)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    d.save(path)
