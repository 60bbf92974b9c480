import datetime as dt
from decimal import Decimal

import pytest

from mediation_desk.documents import (
    FONT_SIZES,
    Cell,
    Column,
    Document,
    Field,
    FieldGrid,
    PageSetup,
    Table,
    checkboxes,
    cn_number,
    copies_line,
    date_cn,
    fill_blank,
    numbering,
    pt,
    text_of,
)
from mediation_desk.documents.layout import seal_indents, shrink_factor, table_header_cells


def test_font_sizes_table():
    assert FONT_SIZES["初号"] == 42
    assert FONT_SIZES["二号"] == 22
    assert FONT_SIZES["三号"] == 16
    assert FONT_SIZES["四号"] == 14
    assert FONT_SIZES["小四"] == 12
    assert FONT_SIZES["五号"] == 10.5
    assert FONT_SIZES["小五"] == 9
    assert list(FONT_SIZES.values()) == sorted(FONT_SIZES.values(), reverse=True)
    assert pt("三号") == 16 and pt(11) == 11.0
    with pytest.raises(ValueError):
        pt("七号")


def test_date_cn_has_no_zero_padding():
    assert date_cn(dt.date(2026, 11, 27)) == "2026年11月27日"
    assert date_cn(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert date_cn(dt.datetime(2026, 3, 9, 8, 30)) == "2026年3月9日"
    assert "None" not in date_cn(None) and "年" in date_cn(None)


@pytest.mark.parametrize(
    "n,expected",
    [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (100, "一百"), (105, "一百零五"), (110, "一百一十")],
)
def test_cn_number(n, expected):
    assert cn_number(n) == expected


def test_numbering_styles():
    assert numbering(3, "一、") == "三、"
    assert numbering(2, "（一）") == "（二）"
    assert numbering(4, "1.") == "4."
    assert numbering(5, "（1）") == "（5）"
    assert numbering(12, "第一条").startswith("第十二条")


def test_text_of_never_prints_none():
    assert text_of(None) == ""
    assert text_of("") == ""
    assert text_of(True) == "是" and text_of(False) == "否"
    assert text_of(dt.date(2026, 11, 27)) == "2026年11月27日"
    assert text_of(3600.0) == "3600"
    assert text_of(12.50) == "12.5"
    assert text_of(Decimal("3600.00")) == "3600"
    assert text_of(["甲", None, "乙"]) == "甲、乙"
    assert text_of("a\x00b\r\nc") == "ab\nc"


def test_checkboxes_and_copies_line():
    assert checkboxes(["是", "否"], "是") == "☑是　□否"
    assert checkboxes(["是", "否"]) == "□是　□否"
    assert copies_line(2) == "本协议一式三份，当事人各执一份，人民调解委员会留存一份。"
    assert copies_line(3, keeper="调解委员会") == "本协议一式四份，当事人各执一份，调解委员会留存一份。"


def test_fill_blank_is_underlined_space_when_empty():
    r = fill_blank(None, 4)
    assert r.underline and r.text == "　" * 4
    assert "张三" in fill_blank("张三").text


def test_page_setup_defaults():
    letter = PageSetup()
    assert (letter.width_mm, letter.height_mm) == (210, 297)
    assert letter.margins_mm == (37, 35, 28, 26)
    assert letter.frame_mm == (28, 35, 156, 225)  # GB/T 9704 text block 156 × 225 mm
    ledger = PageSetup(layout="ledger")
    assert ledger.orientation == "landscape" and (ledger.width_mm, ledger.height_mm) == (297, 210)
    a3 = PageSetup(size="A3", layout="ledger")
    assert (a3.width_mm, a3.height_mm) == (420, 297)
    with pytest.raises(ValueError):
        PageSetup(size="B5")


def test_field_grid_placement_with_rowspan():
    g = FieldGrid(
        rows=[
            [Cell("当事人", rowspan=2, kind="label"), Field("姓名", "甲"), Field("性别", None)],
            [Field("住址", None, span=3)],
        ]
    )
    placed, nrows, ncols = g.placement()
    assert (nrows, ncols) == (2, 5)
    pos = {(p.row, p.col): p.cell.text for p in placed}
    assert pos[(0, 0)] == "当事人"
    assert pos[(1, 1)] == "住址"  # skips the column taken by the rowspan
    assert pos[(1, 2)] is None


def test_field_grid_col_widths_must_cover_columns():
    g = FieldGrid(rows=[[Field("a", 1), Field("b", 2)]], col_widths=[1, 1, 1])
    with pytest.raises(ValueError):
        g.placement()


def test_table_checks_and_header_groups():
    t = Table(columns=[Column("序号"), Column("姓名"), Column("电话")], rows=[[1, "甲", None]],
              header_groups=[("序号", 1), ("当事人", 2)])
    t.check()
    cells = table_header_cells(t)
    assert any(c.text == "序号" and c.rowspan == 2 for c in cells)
    assert any(c.text == "当事人" and c.colspan == 2 for c in cells)
    assert t.cell_texts() == [["1", "甲", ""]]
    with pytest.raises(ValueError):
        Table(columns=[Column("a")], rows=[[1, 2]]).check()
    with pytest.raises(ValueError):
        Table(columns=[Column("a"), Column("b")], rows=[], header_groups=[("x", 1)]).check()


def test_seal_indents_follow_gb9704():
    unit_r, date_r = seal_indents("青山村人民调解委员会", "2026年11月27日")
    assert date_r == 4.0  # date four characters in from the right
    assert unit_r >= 1.0


def test_shrink_factor():
    assert shrink_factor(50, 60, 0.78) == 1.0
    assert shrink_factor(60, 50, 0.78) == pytest.approx(50 / 60)
    assert shrink_factor(100, 50, 0.78) == 1.0  # would be too small: wrap instead


def test_document_walk_expands_groups():
    from mediation_desk.documents import Group, NumberedParagraphs, Paragraph

    d = Document("标题", [Group([Paragraph("甲"), NumberedParagraphs(["一", "二"])])])
    assert [type(b).__name__ for b in d.walk()] == ["Paragraph", "Paragraph", "Paragraph"]
