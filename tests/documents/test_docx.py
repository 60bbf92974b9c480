import zipfile

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm

from samples import LEDGER_LABELS, LETTER_LABELS, LETTER_VALUES, RARE

from mediation_desk.documents import Document, Image, Paragraph, PdfPages
from mediation_desk.documents.docx import render_docx
from mediation_desk.documents.fonts import get_registry

THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _all_text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _runs(d):
    body = d.element.body
    yield from body.iter(qn("w:r"))
    for s in d.sections:
        for part in (s.footer, s.even_page_footer):
            yield from part._element.iter(qn("w:r"))


def test_letter_page_setup_is_a4_with_gb9704_margins(letter_docx):
    d = open_docx(str(letter_docx))
    s = d.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.1) and abs(s.page_height - Mm(297)) < Mm(0.1)
    assert abs(s.top_margin - Mm(37)) < Mm(0.1)
    assert abs(s.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(s.left_margin - Mm(28)) < Mm(0.1)
    assert abs(s.right_margin - Mm(26)) < Mm(0.1)
    assert s.orientation == 0  # portrait
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines


def test_ledger_is_landscape_with_swapped_size(ledger_docx):
    s = open_docx(str(ledger_docx)).sections[0]
    assert s.orientation == 1  # WD_ORIENT.LANDSCAPE
    assert abs(s.page_width - Mm(297)) < Mm(0.1) and abs(s.page_height - Mm(210)) < Mm(0.1)


def test_text_values_labels_and_no_none(letter_docx, ledger_docx):
    text = _all_text(open_docx(str(letter_docx)))
    for v in LETTER_VALUES + LETTER_LABELS:
        assert v in text, v
    for ch in RARE:
        assert ch in text
    assert "None" not in text
    ltext = _all_text(open_docx(str(ledger_docx)))
    for label in LEDGER_LABELS:
        assert label in ltext, label
    assert "填报单位（盖章）：青山镇综治中心" in ltext and "制表人" in ltext
    assert "None" not in ltext


def test_every_run_names_an_east_asian_font(letter_docx, ledger_docx, form_docx):
    for path in (letter_docx, ledger_docx, form_docx):
        d = open_docx(str(path))
        n = 0
        for r in _runs(d):
            rpr = r.find(qn("w:rPr"))
            assert rpr is not None
            fonts = rpr.find(qn("w:rFonts"))
            assert fonts is not None and fonts.get(qn("w:eastAsia")), path.name
            for a in THEME_ATTRS:
                assert fonts.get(qn(f"w:{a}")) is None
            n += 1
        assert n > 20


def test_normal_style_defaults_and_no_theme_fonts(letter_docx):
    d = open_docx(str(letter_docx))
    normal = d.styles["Normal"].element
    fonts = normal.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    assert normal.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    with zipfile.ZipFile(letter_docx) as z:
        styles = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    for a in THEME_ATTRS:
        assert f"w:{a}=" not in styles and f"w:{a}=" not in document
    assert 'w:eastAsia="zh-CN"' in styles
    assert "ja-JP" not in settings and "ja-JP" not in styles
    assert "<w:evenAndOddHeaders" in settings


def test_heading_and_title_fonts(letter_docx):
    d = open_docx(str(letter_docx))
    reg = get_registry()

    def para_font(text):
        p = next(p for p in d.paragraphs if p.text.startswith(text))
        return p.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")), p

    assert para_font("人民调解协议书")[0] == reg.docx_name("xiaobiaosong")
    assert para_font("一、纠纷主要事实")[0] == "黑体"
    assert para_font("（一）被申请人的责任")[0] == "楷体"
    name, p = para_font("申请人吉")
    assert name == "仿宋"
    assert p.paragraph_format.first_line_indent is not None
    assert p.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)


def test_rare_character_runs_use_a_face_that_has_them(letter_docx):
    reg = get_registry()
    d = open_docx(str(letter_docx))
    primary = reg.resolve("fangsong")
    for ch in RARE:
        expected = reg.docx_name("fangsong") if primary.has(ch) else reg.font_for_char("fangsong", ch).family
        runs = [r for r in _runs(d) if ch in "".join(t.text or "" for t in r.iter(qn("w:t")))]
        assert runs, ch
        assert any(r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == expected for r in runs), ch


def test_table_header_rows_repeat(letter_docx, ledger_docx):
    d = open_docx(str(letter_docx))
    detail = next(t for t in d.tables if t.rows[0].cells[0].text == "序号")
    assert detail.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert detail.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    ledger = open_docx(str(ledger_docx)).tables[0]
    for i in (0, 1):  # grouped header: two header rows
        assert ledger.rows[i]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert ledger.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    assert ledger.rows[0].cells[3].text == "当事人" and ledger.rows[1].cells[3].text == "姓名"


def test_field_grid_empty_values_are_empty_cells(letter_docx):
    d = open_docx(str(letter_docx))
    grid = d.tables[0]
    cells = [c.text for c in grid.rows[3].cells]
    assert "王喆" in cells
    assert cells[-1] == ""  # 年龄 left empty
    assert grid.rows[0]._tr.trPr.find(qn("w:trHeight")) is not None  # room to write by hand


def test_footers_have_page_field_odd_right_even_left(letter_docx):
    d = open_docx(str(letter_docx))
    s = d.sections[0]
    for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and "—" in xml
        p = footer.paragraphs[0]
        assert p.alignment is not None and align in str(p.alignment).lower()


def test_docx_attachments_are_noted_and_images_inserted(tmp_path):
    from PIL import Image as PILImage
    from reportlab.pdfgen.canvas import Canvas

    img = tmp_path / "photo.png"
    PILImage.new("RGB", (1200, 800), (10, 120, 200)).save(img)
    att = tmp_path / "鉴定意见.pdf"
    c = Canvas(str(att))
    c.showPage()
    c.showPage()
    c.save()
    p = tmp_path / "a.docx"
    render_docx(Document("证据", [Image(img, caption="图1"), PdfPages(att, embed=True), Paragraph("")]), p)
    d = open_docx(str(p))
    assert len(d.inline_shapes) == 1
    assert d.inline_shapes[0].width <= Mm(156) + 1
    assert "（附件：鉴定意见.pdf，共2页，见纸质卷）" in _all_text(d)


def test_property_children_follow_the_schema_order(letter_docx, ledger_docx, form_docx):
    """Word refuses files whose pPr/rPr/tblPr children are out of order."""
    from lxml import etree

    from mediation_desk.documents.docx import SCHEMA_ORDER

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for path in (letter_docx, ledger_docx, form_docx):
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
            for name in parts:
                root = etree.fromstring(z.read(name))
                for parent_tag, order in SCHEMA_ORDER.items():
                    tag = W + parent_tag.split(":")[1]
                    for el in root.iter(tag):
                        idx = [order.index(c.tag[len(W):]) for c in el if c.tag.startswith(W) and c.tag[len(W):] in order]
                        unknown = [c.tag for c in el if c.tag.startswith(W) and c.tag[len(W):] not in order]
                        assert not unknown, (path.name, name, parent_tag, unknown)
                        assert idx == sorted(idx), (path.name, name, parent_tag, [c.tag[len(W):] for c in el])
