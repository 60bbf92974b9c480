"""PDF renderer (reportlab platypus) for the document model.

Text is set by our own flowable, :class:`CnText`, instead of reportlab's Paragraph: it breaks
lines per character with the Chinese line-breaking rules (no closing punctuation at a line
start, no opening punctuation at a line end, Latin words and numbers kept whole), applies the
GB/T 9704 character grid (28 characters of 16 pt across 156 mm, i.e. a small negative character
spacing), justifies lines by spreading the remainder over the character gaps, and switches font
per character run for rare characters (see fonts.py). It needs no markup escaping and is fast.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Sequence

from reportlab.lib.colors import black
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, LongTable, NextPageTemplate
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import PageTemplate
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from . import model as m
from .fonts import FontRegistry, get_registry
from .layout import (
    LABEL_SHRINK_MIN,
    TABLE_SPACE_AFTER_MM,
    LayoutSpec,
    column_widths,
    grid_text_spec,
    image_box,
    page_number_side,
    page_number_text,
    pdf_page_count_safe,
    seal_indents,
    shrink_factor,
    spec_for,
    table_header_cells,
    table_text_spec,
)

MM = m.MM
log = logging.getLogger(__name__)

# ------------------------------------------------------------------ reportlab fix


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap writes code points as 4 hex digits, so 𠮷 (U+20BB7) is read
    back as U+20BB; write UTF-16BE (surrogate pairs) as the PDF specification requires."""
    entries = []
    for i, v in enumerate(subset):
        hexcode = chr(v).encode("utf-16-be", "surrogatepass").hex().upper() if v else "0000"
        entries.append(f"<{i:02X}> <{hexcode}>")
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
    ]
    # bfchar blocks hold at most 100 entries
    for k in range(0, len(entries), 100):
        chunk = entries[k : k + 100]
        cmap.append(f"{len(chunk)} beginbfchar")
        cmap.extend(chunk)
        cmap.append("endbfchar")
    cmap += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(cmap)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap

# ------------------------------------------------------------------ text setting

NO_START = set("，。、；：？！）》」』】〕〗〉”’…·％%,.;:?!)]}～｝］〙〛﹞")
NO_END = set("（《「『【〔〖〈“‘([{｛［〘〚﹝")
_WORD_EXTRA = set("._-/@:%+#&")
_FUZZ = 0.01
_ASC = 0.86  # baseline position inside the em box of CJK faces


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in _WORD_EXTRA)


class _Widths:
    """Per-face character advance widths in 1/1000 em (cached)."""

    cache: dict[str, dict[str, float]] = {}

    @classmethod
    def of(cls, rl_name: str) -> tuple[dict[str, float], Callable[[int], float]]:
        d = cls.cache.setdefault(rl_name, {})
        return d, pdfmetrics.getFont(rl_name).face.getCharWidth


@dataclass
class _Line:
    start: int
    end: int  # exclusive, trailing spaces excluded
    forced: bool  # ends at a hard break / the end of the text
    para_start: bool  # first line of a paragraph (gets the first-line indent)


class CnText(Flowable):
    """A block of Chinese text with fixed line pitch, character grid and font fallback."""

    def __init__(
        self,
        text: m.TextLike,
        role: str,
        size: float,
        leading: float,
        *,
        registry: FontRegistry,
        align: str = "justify",
        char_space: float = 0.0,
        first_indent: float = 0.0,  # pt
        left_indent: float = 0.0,
        right_indent: float = 0.0,
        bold: bool = False,
        min_height: float = 0.0,
        valign: str = "top",
        empty_line: bool = False,
        starts_para: bool = True,
        ends_para: bool = True,
        shrink_min: float = 1.0,
        _prepared: tuple | None = None,
    ) -> None:
        super().__init__()
        self.role, self.size, self.leading = role, size, leading
        self.registry = registry
        self.align = align
        self.cs = char_space
        self.first_indent, self.left_indent, self.right_indent = first_indent, left_indent, right_indent
        self.bold = bold
        self.min_height = min_height
        self.valign = valign
        self.empty_line = empty_line
        self.starts_para, self.ends_para = starts_para, ends_para
        self.shrink_min = shrink_min
        self.scale = 1.0
        if _prepared is not None:
            self.chars, self.widths, self.segs, self.seginfo = _prepared
        else:
            self._prepare(m.runs_of(text))
        self._wrapped: tuple[float, list[_Line], float] | None = None

    # -------------------------------------------------------------- preparation
    def _prepare(self, runs: list[m.Run]) -> None:
        chars: list[str] = []
        widths: list[float] = []
        segs: list[int] = []
        seginfo: list[tuple[str, bool, bool]] = []
        seg_ids: dict[tuple[str, bool, bool], int] = {}
        size = self.size
        for run in runs:
            if not run.text:
                continue
            role = run.role or self.role
            bold = self.bold if run.bold is None else run.bold
            # a role printed heavier (宋体 standing in for 小标宋) stays heavy in fallback runs
            bold = bold or self.registry.resolve(role).synthetic_bold
            for face, text, _fb in self.registry.runs(run.text, role):
                key = (face.rl_name, bold, run.underline)
                sid = seg_ids.get(key)
                if sid is None:
                    sid = seg_ids[key] = len(seginfo)
                    seginfo.append(key)
                cache, getw = _Widths.of(face.rl_name)
                for ch in text:
                    w = cache.get(ch)
                    if w is None:
                        w = cache[ch] = 0.0 if ch == "\n" else getw(ord(ch))
                    chars.append(ch)
                    widths.append(w * size / 1000.0)
                    segs.append(sid)
        self.chars, self.widths, self.segs, self.seginfo = chars, widths, segs, seginfo

    # -------------------------------------------------------------- line breaking
    def _can_break(self, k: int) -> bool:
        c, p = self.chars[k], self.chars[k - 1]
        if c in NO_START or p in NO_END:
            return False
        if _is_word(p) and _is_word(c):
            return False
        return True

    def _break(self, width: float, scale: float = 1.0) -> list[_Line]:
        chars, cs = self.chars, self.cs * scale
        widths = self.widths if scale == 1.0 else [w * scale for w in self.widths]
        n = len(chars)
        lines: list[_Line] = []
        i = 0
        para_start = self.starts_para
        while i < n:
            if not para_start:
                while i < n and chars[i] == " ":
                    i += 1
                if i >= n:
                    break
            avail = width - self.left_indent - self.right_indent
            if para_start:
                avail -= self.first_indent
            w = 0.0
            j = i
            limit = avail + _FUZZ * self.size * scale
            while j < n:
                ch = chars[j]
                if ch == "\n":
                    break
                cw = widths[j] + cs
                if w + cw > limit and j > i:
                    break
                w += cw
                j += 1
            if j >= n or chars[j] == "\n":
                lines.append(_Line(i, self._trim(i, j), True, para_start))
                i = j + 1
                para_start = True
                continue
            k = j
            while k > i and j - k < 24 and not self._can_break(k):
                k -= 1
            if k <= i or j - k >= 24:
                k = j
            lines.append(_Line(i, self._trim(i, k), False, para_start))
            i = k
            para_start = False
        return lines

    def _trim(self, s: int, e: int) -> int:
        while e > s and self.chars[e - 1] == " ":
            e -= 1
        return e

    def _lines(self, width: float) -> list[_Line]:
        if self._wrapped is None or abs(self._wrapped[0] - width) > 1e-6:
            scale = 1.0
            if self.shrink_min < 1.0 and "\n" not in self.chars:
                avail = width - self.left_indent - self.right_indent - (self.first_indent if self.starts_para else 0)
                natural = sum(self.widths) + len(self.chars) * self.cs
                scale = shrink_factor(natural, avail, self.shrink_min)
            self._wrapped = (width, self._break(width, scale), scale)
            self.scale = scale
        return self._wrapped[1]

    def _text_height(self, width: float) -> float:
        n = len(self._lines(width))
        if n == 0 and self.empty_line:
            n = 1
        return n * self.leading

    # -------------------------------------------------------------- flowable API
    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = max(self._text_height(availWidth), self.min_height)
        return availWidth, self.height

    def minWidth(self):
        return self.size * 2

    def split(self, availWidth, availHeight):
        lines = self._lines(availWidth)
        nfit = int((availHeight + 1e-6) // self.leading)
        if nfit <= 0 or not lines:
            return []
        if nfit >= len(lines):
            return [self]
        head_end = lines[nfit - 1].end
        tail = lines[nfit]
        first = self._part(0, head_end, self.starts_para, lines[nfit - 1].forced)
        second = self._part(tail.start, len(self.chars), tail.para_start, self.ends_para)
        first.spaceBefore = getattr(self, "spaceBefore", 0)
        second.spaceAfter = getattr(self, "spaceAfter", 0)
        return [first, second]

    def _part(self, s: int, e: int, starts: bool, ends: bool) -> "CnText":
        prepared = (self.chars[s:e], self.widths[s:e], self.segs[s:e], self.seginfo)
        return CnText(
            None,
            self.role,
            self.size,
            self.leading,
            registry=self.registry,
            align=self.align,
            char_space=self.cs,
            first_indent=self.first_indent,
            left_indent=self.left_indent,
            right_indent=self.right_indent,
            bold=self.bold,
            starts_para=starts,
            ends_para=ends,
            _prepared=prepared,
        )

    def draw(self):
        self.draw_at(self.canv, 0.0, 0.0, self.width, self.height)

    def draw_at(self, canv, x0: float, y0: float, width: float, height: float) -> None:
        lines = self._lines(width)
        if not lines:
            return
        text_h = len(lines) * self.leading
        top = y0 + height
        if height > text_h + 0.01:
            if self.valign == "middle":
                top -= (height - text_h) / 2
            elif self.valign == "bottom":
                top -= height - text_h
        chars, segs, seginfo = self.chars, self.segs, self.seginfo
        scale = self.scale
        widths = self.widths if scale == 1.0 else [w * scale for w in self.widths]
        size, cs = self.size * scale, self.cs * scale
        base_off = (self.leading - size) / 2 + _ASC * size
        underlines: list[tuple[float, float, float]] = []
        canv.saveState()
        canv.setFillColor(black)
        canv.setStrokeColor(black)
        canv.setLineWidth(size * 0.035)
        tx = canv.beginText()
        cur_font = None
        cur_cs = None
        cur_mode = None
        last_index = len(lines) - 1
        for li, line in enumerate(lines):
            s, e = line.start, line.end
            y = top - li * self.leading - base_off
            avail = width - self.left_indent - self.right_indent
            x = x0 + self.left_indent
            if line.para_start:
                avail -= self.first_indent
                x += self.first_indent
            count = e - s
            natural = sum(widths[s:e]) + count * cs
            extra = 0.0
            align = self.align
            is_last = line.forced and (li < last_index or self.ends_para)
            if align == "justify":
                if not is_last and count > 1:
                    extra = (avail - natural) / (count - 1)
                    if extra > size * 0.8 or extra < -size * 0.2:
                        extra = 0.0
            elif align == "center":
                x += (avail - natural) / 2
            elif align == "right":
                x += avail - natural
            k = s
            while k < e:
                sid = segs[k]
                j = k + 1
                while j < e and segs[j] == sid:
                    j += 1
                text = "".join(chars[k:j]).replace("\n", "")
                rl_name, bold, underline = seginfo[sid]
                run_w = sum(widths[k:j]) + (j - k) * (cs + extra)
                if text:
                    if rl_name != cur_font:
                        tx.setFont(rl_name, size)
                        cur_font = rl_name
                    if cs + extra != cur_cs:
                        tx.setCharSpace(cs + extra)
                        cur_cs = cs + extra
                    mode = 2 if bold else 0
                    if mode != cur_mode:
                        tx.setTextRenderMode(mode)
                        cur_mode = mode
                    # One positioned string per font subset: reportlab emits one Tj per 256-glyph
                    # subset, and readers disagree on the character spacing after the last glyph
                    # of a string, so anchoring each piece keeps extracted positions exact.
                    px = x
                    kk = k
                    for piece in _subset_pieces(rl_name, text, canv._doc):
                        tx.setTextOrigin(px, y)
                        tx.textOut(piece)
                        n_piece = len(piece)
                        px += sum(widths[kk : kk + n_piece]) + n_piece * (cs + extra)
                        kk += n_piece
                if underline:
                    underlines.append((x, x + run_w - (cs + extra), y - size * 0.14))
                x += run_w
                k = j
        canv.drawText(tx)
        if underlines:
            canv.setLineWidth(0.6)
            for xa, xb, yy in underlines:
                canv.line(xa, yy, xb, yy)
        canv.restoreState()


def _subset_pieces(rl_name: str, text: str, pdfdoc) -> list[str]:
    """Split ``text`` where reportlab switches to another 256-glyph subset of a TrueType font."""
    font = pdfmetrics.getFont(rl_name)
    split = getattr(font, "splitString", None)
    if split is None:
        return [text]
    chunks = split(text, pdfdoc)
    if len(chunks) <= 1:
        return [text]
    out, pos = [], 0
    for _subset, data in chunks:
        out.append(text[pos : pos + len(data)])
        pos += len(data)
    return out


class _TwoSides(Flowable):
    """One line with text on the left and text on the right (填报单位 … 填报时间 …)."""

    def __init__(self, left: CnText, right: CnText) -> None:
        super().__init__()
        self.left, self.right = left, right

    def wrap(self, aw, ah):
        _w1, h1 = self.left.wrap(aw, ah)
        _w2, h2 = self.right.wrap(aw, ah)
        self.width, self.height = aw, max(h1, h2)
        return aw, self.height

    def draw(self):
        self.left.draw_at(self.canv, 0, self.height - self.left.height, self.width, self.left.height)
        self.right.draw_at(self.canv, 0, self.height - self.right.height, self.width, self.right.height)


class _BlankLines(Flowable):
    def __init__(self, n: int, leading: float, ruled: bool) -> None:
        super().__init__()
        self.n, self.leading, self.ruled = n, leading, ruled

    def wrap(self, aw, ah):
        self.width, self.height = aw, self.n * self.leading
        return aw, self.height

    def split(self, aw, ah):
        k = int((ah + 1e-6) // self.leading)
        if k <= 0 or k >= self.n:
            return [] if k <= 0 else [self]
        return [_BlankLines(k, self.leading, self.ruled), _BlankLines(self.n - k, self.leading, self.ruled)]

    def draw(self):
        if not self.ruled:
            return
        c = self.canv
        c.saveState()
        c.setLineWidth(0.5)
        for i in range(self.n):
            y = self.height - (i + 1) * self.leading + self.leading * 0.15
            c.line(0, y, self.width, y)
        c.restoreState()


class _Marker(Flowable):
    """Zero-size flowable recording the page it lands on."""

    def __init__(self, sink: list, index: int) -> None:
        super().__init__()
        self.sink, self.index = sink, index

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.sink[self.index] = self.canv.getPageNumber()


class _AttachmentPage(Flowable):
    """Placeholder for one page of an embedded PDF attachment (merged in after the build)."""

    def __init__(self, ctx: "_BuildContext", path: Path, index: int, frame: tuple) -> None:
        super().__init__()
        self.ctx, self.path, self.index, self.frame = ctx, path, index, frame

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.ctx.attachments.append((self.canv.getPageNumber(), self.path, self.index, self.frame))


# ------------------------------------------------------------------ document → flowables


@dataclass
class _BuildContext:
    registry: FontRegistry
    attachments: list = field(default_factory=list)
    last_page: int = 0
    first_number: int = 1  # printed number of the first numbered page
    number_from: int = 0  # index of the first document whose pages are counted
    starts: list = field(default_factory=list)  # physical first page of each document

    def printed_number(self, physical: int) -> int | None:
        """The page number printed on a physical page (None: front matter, e.g. a contents page)."""
        if self.number_from <= 0:
            return physical + self.first_number - 1
        start = self.starts[self.number_from] if self.number_from < len(self.starts) else 0
        if not start or physical < start:
            return None
        return physical - start + self.first_number


class _DocBuilder:
    def __init__(self, doc: m.Document, ctx: _BuildContext) -> None:
        self.doc, self.ctx, self.reg = doc, ctx, ctx.registry
        self.spec: LayoutSpec = spec_for(doc.page)
        fx, fy, fw, fh = doc.page.frame_mm
        self.frame = (fx * MM, fy * MM, fw * MM, fh * MM)
        self.fw, self.fh = fw * MM, fh * MM
        self.cs = self.spec.char_space(self.fw)
        self.pitch = self.spec.body.size + self.cs

    def text(self, text, role, size, leading, **kw) -> CnText:
        return CnText(text, role, size, leading, registry=self.reg, **kw)

    def story(self) -> list[Flowable]:
        doc, spec = self.doc, self.spec
        out: list[Flowable] = []
        if m.plain_text(doc.title).strip():
            t = self.text(doc.title, spec.title.role, spec.title.size, spec.title.leading, align="center")
            t.spaceAfter = 0 if (doc.subtitle or doc.number_line or doc.header_line) else spec.title_space_after
            out.append(t)
        if doc.subtitle:
            st = self.text(doc.subtitle, spec.subtitle.role, spec.subtitle.size, spec.subtitle.leading, align="center")
            out.append(st)
        if doc.number_line:
            nl = self.text(doc.number_line, spec.number_line.role, spec.number_line.size, spec.number_line.leading, align="right")
            out.append(nl)
        if doc.header_line:
            hs = spec.header_line
            if isinstance(doc.header_line, tuple):
                left, right = doc.header_line
                out.append(
                    _TwoSides(
                        self.text(left, hs.role, hs.size, hs.leading, align="left"),
                        self.text(right, hs.role, hs.size, hs.leading, align="right"),
                    )
                )
            else:
                out.append(self.text(doc.header_line, hs.role, hs.size, hs.leading, align="left"))
        if len(out) > 1 or (out and not m.plain_text(doc.title).strip()):
            out[-1].spaceAfter = spec.title_space_after / 2 if spec.name != "letter" else spec.title_space_after
        pending: list[Flowable] = []  # consecutive headings, kept with what follows
        for block in doc.blocks:
            if isinstance(block, m.Heading):
                pending.extend(self.block(block))
                continue
            if pending:
                out.extend(self._keep_headings(pending))
                pending = []
            out.extend(self.block(block))
        if pending:
            out.extend(pending)
        if doc.footer_line:
            ft = self.text(doc.footer_line, spec.signature.role, spec.signature.size, spec.signature.leading, align="left")
            ft.spaceBefore = 4 * MM
            out.append(ft)
        while out and isinstance(out[-1], RLPageBreak):
            out.pop()
        return out

    def _keep_headings(self, headings: list[Flowable]) -> list[Flowable]:
        """Headings must not end a page: start a new page unless the headings and two more
        lines fit (unlike keepWithNext, this does not push a long table to the next page)."""
        need = sum(f.wrap(self.fw, self.fh)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in headings)
        return [CondPageBreak(need + 2 * self.spec.body.leading), *headings]

    # -------------------------------------------------------------- blocks
    def block(self, b) -> list[Flowable]:
        spec = self.spec
        if isinstance(b, m.Heading):
            hs = spec.heading(b.level)
            f = self.text(
                b.text,
                hs.role,
                hs.size,
                hs.leading,
                char_space=self.cs,
                first_indent=2 * self.pitch if b.indent_first else 0,
                bold=hs.bold,
            )
            return [f]
        if isinstance(b, m.Paragraph):
            return [self.paragraph(b)]
        if isinstance(b, m.NumberedParagraphs):
            return [self.paragraph(p) for p in b.paragraphs()]
        if isinstance(b, m.FieldGrid):
            return [self.field_grid(b)]
        if isinstance(b, m.Table):
            return [self.table(b)]
        if isinstance(b, m.SignatureBlock):
            return [KeepTogether(self.signature(b))]
        if isinstance(b, m.Spacer):
            return [RLSpacer(0, b.mm * MM)]
        if isinstance(b, m.PageBreak):
            return [RLPageBreak()]
        if isinstance(b, m.BlankLines):
            return [_BlankLines(b.n, spec.body.leading, b.ruled)]
        if isinstance(b, m.Image):
            return self.image(b)
        if isinstance(b, m.PdfPages):
            return self.pdf_pages(b)
        if isinstance(b, m.Group):
            inner: list[Flowable] = []
            for x in b.blocks:
                for f in self.block(x):
                    # a nested KeepTogether reports an "infinite" height, so flatten them
                    inner.extend(f._content if isinstance(f, KeepTogether) else [f])
            return [KeepTogether(inner)] if b.keep_together else inner
        raise TypeError(f"不支持的文书内容块：{type(b).__name__}")

    def paragraph(self, p: m.Paragraph) -> CnText:
        spec = self.spec
        size = m.pt(p.size) if p.size is not None else spec.body.size
        leading = spec.body.leading * size / spec.body.size
        cs = self.cs if size == spec.body.size else 0.0
        pitch = size + cs
        f = self.text(
            p.text,
            p.role or spec.body.role,
            size,
            leading,
            align=p.align,
            char_space=cs,
            first_indent=2 * pitch if p.indent_first else 0,
            left_indent=p.indent_left_chars * pitch,
            right_indent=p.indent_right_chars * pitch,
            bold=p.bold,
            empty_line=True,
        )
        if p.keep_with_next:
            f.keepWithNext = 1
        f.spaceBefore = p.space_before_mm * MM
        f.spaceAfter = p.space_after_mm * MM
        return f

    def _cell_style(self, ts_pad_v: float, ts_pad_h: float) -> list:
        spec = self.spec
        return [
            ("GRID", (0, 0), (-1, -1), spec.rule_width, black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), ts_pad_h),
            ("RIGHTPADDING", (0, 0), (-1, -1), ts_pad_h),
            ("TOPPADDING", (0, 0), (-1, -1), ts_pad_v),
            ("BOTTOMPADDING", (0, 0), (-1, -1), ts_pad_v),
            ("FONTNAME", (0, 0), (-1, -1), self.reg.resolve("fangsong").rl_name),
        ]

    def field_grid(self, g: m.FieldGrid) -> RLTable:
        spec = self.spec
        ts = grid_text_spec(spec, g.font_size)
        placed, nrows, ncols = g.placement()
        widths = column_widths(g.weights(ncols), self.fw)
        pad_v, pad_h = spec.cell_pad_v, spec.cell_pad_h
        data: list[list] = [["" for _ in range(ncols)] for _ in range(nrows)]
        cmds = self._cell_style(pad_v, pad_h)
        row_min = (g.row_min_height_mm if g.row_min_height_mm is not None else spec.grid_row_min_mm) * MM
        for pc in placed:
            cell = pc.cell
            label = cell.kind == "label"
            role = cell.role or (spec.grid_label_role if label else ts.role)
            align = cell.align or ("center" if label else "left")
            min_h = max(row_min * cell.rowspan, (cell.min_height_mm or 0) * MM) - 2 * pad_v
            valign = cell.valign or (
                "top" if not label and (cell.min_height_mm or 0) * MM > 2.5 * row_min else "middle"
            )
            data[pc.row][pc.col] = self.text(
                m.text_of(cell.text),
                role,
                ts.size,
                ts.leading,
                align=align,
                bold=cell.bold or (label and g.label_bold),
                min_height=max(0.0, min_h),
                valign=valign,
                shrink_min=LABEL_SHRINK_MIN if label else 1.0,
            )
            c2, r2 = pc.col + cell.span - 1, pc.row + cell.rowspan - 1
            if c2 > pc.col or r2 > pc.row:
                cmds.append(("SPAN", (pc.col, pc.row), (c2, r2)))
            cmds.append(("VALIGN", (pc.col, pc.row), (pc.col, pc.row), valign.upper()))
        t = RLTable(data, colWidths=widths, style=TableStyle(cmds), hAlign="CENTER")
        t.spaceAfter = TABLE_SPACE_AFTER_MM * MM
        return t

    def table(self, tb: m.Table) -> RLTable:
        tb.check()
        spec = self.spec
        ts = table_text_spec(spec, tb.font_size)
        n = len(tb.columns)
        widths = column_widths([c.width_weight for c in tb.columns], self.fw)
        hr = tb.header_rows()
        data: list[list] = [["" for _ in range(n)] for _ in range(hr)]
        cmds = self._cell_style(spec.cell_pad_v, spec.cell_pad_h)
        for hc in table_header_cells(tb):
            data[hc.row][hc.col] = self.text(
                hc.text, spec.table_header_role, ts.size, ts.leading, align="center", shrink_min=LABEL_SHRINK_MIN
            )
            if hc.rowspan > 1 or hc.colspan > 1:
                cmds.append(("SPAN", (hc.col, hc.row), (hc.col + hc.colspan - 1, hc.row + hc.rowspan - 1)))
        rows = tb.cell_texts()
        for row in rows:
            data.append(
                [
                    self.text(v, ts.role, ts.size, ts.leading, align=col.align)
                    for v, col in zip(row, tb.columns)
                ]
            )
        if not rows and tb.empty_text:
            data.append([self.text(tb.empty_text, ts.role, ts.size, ts.leading, align="center")] + [""] * (n - 1))
            cmds.append(("SPAN", (0, hr), (n - 1, hr)))
        t = LongTable(
            data,
            colWidths=widths,
            repeatRows=hr if tb.repeat_header else 0,
            style=TableStyle(cmds),
            hAlign="CENTER",
        )
        t.spaceAfter = TABLE_SPACE_AFTER_MM * MM
        return t

    def signature(self, s: m.SignatureBlock) -> list[Flowable]:
        spec = self.spec
        ss = spec.signature
        out: list[Flowable] = []
        cs = self.cs if ss.size == spec.body.size else 0.0
        em = ss.size + cs
        lh = s.line_height_mm * MM
        cells = []
        for label, value in s.lines:
            txt = f"{label}：{m.text_of(value)}" if label else m.text_of(value)
            cells.append(self.text(txt, ss.role, ss.size, ss.leading, align="left", char_space=cs, min_height=lh, valign="middle"))
        if cells:
            cols = max(1, s.columns)
            if cols == 1:
                for c in cells:
                    out.append(c)
            else:
                rows = [cells[i : i + cols] + [""] * (cols - len(cells[i : i + cols])) for i in range(0, len(cells), cols)]
                t = RLTable(
                    rows,
                    colWidths=[self.fw / cols] * cols,
                    style=TableStyle(
                        [
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                            ("TOPPADDING", (0, 0), (-1, -1), 0),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                            ("FONTNAME", (0, 0), (-1, -1), self.reg.resolve("fangsong").rl_name),
                        ]
                    ),
                )
                out.append(t)
        if s.seal_unit or s.date_text:
            out.append(RLSpacer(0, s.leave_space_mm * MM))
            unit_r, date_r = seal_indents(s.seal_unit, s.date_text)
            if s.seal_unit:
                out.append(self.text(s.seal_unit, ss.role, ss.size, ss.leading, align="right", char_space=cs, right_indent=unit_r * em))
            if s.date_text:
                out.append(self.text(s.date_text, ss.role, ss.size, ss.leading, align="right", char_space=cs, right_indent=date_r * em))
        return out

    def image(self, b: m.Image) -> list[Flowable]:
        w, h = image_box(b.path, self.fw, self.fh, b.width_mm, b.max_height_mm)
        img = RLImage(str(b.path), width=w, height=h)
        img.hAlign = {"left": "LEFT", "right": "RIGHT"}.get(b.align, "CENTER")
        out: list[Flowable] = [img]
        if b.caption:
            spec = self.spec
            out.append(self.text(b.caption, spec.body.role, spec.table.size, spec.table.leading, align="center"))
            return [KeepTogether(out)]
        return out

    def pdf_pages(self, b: m.PdfPages) -> list[Flowable]:
        spec = self.spec
        count = pdf_page_count_safe(b.path)
        note = self.text(b.note(count), spec.body.role, spec.body.size, spec.body.leading, align="left", char_space=self.cs, first_indent=2 * self.pitch)
        out: list[Flowable] = [note]
        if b.embed and count:
            for i in range(count):
                out.append(RLPageBreak())
                out.append(_AttachmentPage(self.ctx, Path(b.path), i, self.frame))
            out.append(RLPageBreak())
        return out


class _PageDecor:
    """onPageEnd callback: GB/T 9704 page numbers (odd right, even left, 7 mm below the block).
    Run at the end of the page, after the document markers on it have been drawn."""

    def __init__(self, builder: _DocBuilder, ctx: _BuildContext) -> None:
        self.b, self.ctx = builder, ctx

    def __call__(self, canv, _doc) -> None:
        n = canv.getPageNumber()
        self.ctx.last_page = max(self.ctx.last_page, n)
        b = self.b
        if not b.doc.page_numbers:
            return
        spec = b.spec
        ps = spec.page_number
        number = self.ctx.printed_number(n)
        if number is None:
            return
        side = page_number_side(spec, number)
        inset = spec.page_number_inset_chars * ps.size
        t = CnText(
            page_number_text(number),
            ps.role,
            ps.size,
            ps.leading,
            registry=b.reg,
            align=side,
            left_indent=inset if side == "left" else 0,
            right_indent=inset if side == "right" else 0,
        )
        fx, fy, fw, _fh = b.frame
        t.wrap(fw, ps.leading)
        line_top = fy - spec.page_number_gap_mm * MM + (ps.leading - ps.size) / 2
        t.draw_at(canv, fx, line_top - ps.leading, fw, ps.leading)


def _build(
    docs: Sequence[m.Document],
    out: str | os.PathLike | IO[bytes],
    registry: FontRegistry | None = None,
    first_page_number: int = 1,
    number_from: int = 0,
) -> tuple[list[int], int]:
    if not docs:
        raise ValueError("没有要输出的文书")
    reg = registry or get_registry()
    if isinstance(out, os.PathLike):
        out = os.fspath(out)
    if not 0 <= number_from < len(docs):
        raise ValueError("number_from 超出文书范围")
    starts: list[int] = [0] * len(docs)
    ctx = _BuildContext(reg, first_number=first_page_number, number_from=number_from, starts=starts)
    templates: list[PageTemplate] = []
    story: list[Flowable] = []
    for i, doc in enumerate(docs):
        b = _DocBuilder(doc, ctx)
        fx, fy, fw, fh = b.frame
        frame = Frame(fx, fy, fw, fh, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=f"f{i}")
        pagesize = (doc.page.width_mm * MM, doc.page.height_mm * MM)
        templates.append(PageTemplate(id=f"t{i}", frames=[frame], onPageEnd=_PageDecor(b, ctx), pagesize=pagesize))
        if i > 0:
            story += [NextPageTemplate(f"t{i}"), RLPageBreak()]
        story.append(_Marker(starts, i))
        story += b.story()
    first = docs[0]
    meta = first.meta or {}
    needs_post = any(isinstance(x, m.PdfPages) and x.embed for d in docs for x in d.walk())
    target = io.BytesIO() if needs_post else out
    dt = BaseDocTemplate(
        target,
        pagesize=(first.page.width_mm * MM, first.page.height_mm * MM),
        pageTemplates=templates,
        initialFontName=reg.resolve("fangsong").rl_name,
        title=str(meta.get("title", first.title)),
        author=str(meta.get("author", "")),
        subject=str(meta.get("subject", "")),
        creator="调解工作台 Mediation Desk",
        producer="调解工作台 Mediation Desk (reportlab)",
        lang="zh-CN",
    )
    dt.build(story)
    if needs_post:
        assert isinstance(target, io.BytesIO)
        _merge_attachments(target, ctx.attachments, out)
    return [ctx.printed_number(s) for s in starts], ctx.last_page


def _merge_attachments(src: io.BytesIO, attachments: list, out) -> None:
    from pypdf import PdfReader, PdfWriter, Transformation

    src.seek(0)
    writer = PdfWriter(clone_from=PdfReader(src))
    readers: dict[Path, PdfReader] = {}
    for page_no, path, index, (fx, fy, fw, fh) in attachments:
        try:
            rd = readers.get(path) or readers.setdefault(path, PdfReader(str(path)))
            att = rd.pages[index]
            if att.rotation:
                tmp = PdfWriter()
                att = tmp.add_page(att)
                att.transfer_rotation_to_content()
        except Exception as exc:  # unreadable attachment: the page keeps only the number
            log.warning("附件无法并入 PDF：%s 第%d页（%s）", path, index + 1, exc)
            continue
        box = att.mediabox
        aw, ah = float(box.width), float(box.height)
        if aw <= 0 or ah <= 0:
            continue
        s = min(fw / aw, fh / ah)
        tx = fx + (fw - aw * s) / 2 - float(box.left) * s
        ty = fy + (fh - ah * s) / 2 - float(box.bottom) * s
        writer.pages[page_no - 1].merge_transformed_page(att, Transformation().scale(s).translate(tx, ty))
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as fh:
            writer.write(fh)
    else:
        writer.write(out)


# ------------------------------------------------------------------ public API


def render_pdf(doc: m.Document, path_or_stream, *, registry: FontRegistry | None = None) -> int:
    """Render one document to PDF; returns the number of pages."""
    _starts, pages = _build([doc], path_or_stream, registry)
    return pages


def render_pdf_bundle(
    docs: Sequence[m.Document],
    path_or_stream,
    *,
    first_page_number: int = 1,
    number_from: int = 0,
    registry: FontRegistry | None = None,
) -> list[int | None]:
    """Render documents into ONE PDF with continuous page numbers (each document starts on a
    new page, with its own page setup). Returns each document's first page number as printed.

    ``number_from``: documents before this index are front matter (e.g. the 卷内目录): their
    pages print no number and are not counted, and their start is returned as None."""
    starts, _pages = _build(docs, path_or_stream, registry, first_page_number, number_from)
    return starts


def render_pdf_bundle_with_contents(
    make_contents: Callable[[list[int]], m.Document],
    docs: Sequence[m.Document],
    path_or_stream,
    *,
    number_contents: bool = False,
    registry: FontRegistry | None = None,
    max_passes: int = 4,
) -> list[int]:
    """Render a contents page (卷内目录) followed by ``docs``, with real page numbers:
    ``make_contents(start_pages_of_docs)`` builds the contents document; passes repeat until the
    numbers are stable. By default the contents pages are not numbered and the first document
    starts at page 1. Returns the printed start pages of ``docs``."""
    guess: list[int] = [0] * len(docs)
    nf = 0 if number_contents else 1
    buf = io.BytesIO()
    for _ in range(max_passes):
        buf = io.BytesIO()
        starts = render_pdf_bundle([make_contents(guess), *docs], buf, number_from=nf, registry=registry)[1:]
        if starts == guess:
            break
        guess = starts  # type: ignore[assignment]
    else:
        buf = io.BytesIO()
        render_pdf_bundle([make_contents(guess), *docs], buf, number_from=nf, registry=registry)
    data = buf.getvalue()
    if isinstance(path_or_stream, (str, os.PathLike)):
        Path(path_or_stream).write_bytes(data)
    else:
        path_or_stream.write(data)
    return guess


def page_count(pdf_path) -> int:
    """Number of pages of a PDF file (or stream)."""
    from pypdf import PdfReader

    if hasattr(pdf_path, "seek"):
        pdf_path.seek(0)
        return len(PdfReader(pdf_path).pages)
    return len(PdfReader(str(pdf_path)).pages)
