"""The printed rolling ledger read back: PDF (pdftotext / pdfplumber / pdffonts), DOCX (python-docx)
and XLSX (openpyxl) contain every case of the month, the summary numbers of the domain computation,
the header row on every page, embedded fonts, landscape pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta

import pdfplumber
import pytest

from mediation_desk.domain.idcard import make_id_number
from mediation_desk.domain.ledger import LedgerItem, format_rate, month_summary
from mediation_desk.services import cases, ledger, organisation, screening
from mediation_desk.services.context import Desk
from mediation_desk.services.parties import PartyInput
from mediation_desk.store.engine import open_store

TODAY = date(2026, 11, 27)
MM = 72 / 25.4
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"


def need_tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed (poppler-utils); skipping this check")
    return exe


def pdftotext(path, *args: str) -> str:
    res = subprocess.run([need_tool("pdftotext"), "-enc", "UTF-8", *args, str(path), "-"], capture_output=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    return res.stdout.decode("utf-8")


def pdf_pages_text(path) -> list[str]:
    return pdftotext(path).split("\f")[:-1]


@pytest.fixture(scope="module")
def book_desk(tmp_path_factory):
    """75 disputes over two villages since August: some closed out, some closed and rolling, a
    zero report for one village in November; ``truth`` = (received, closed_out) per case."""
    folder = tmp_path_factory.mktemp("ledger-print")
    desk = Desk(open_store(folder / "l.sqlite"), actor="测试员", today_override=TODAY)
    organisation.init_unit(desk, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    township = organisation.list_areas(desk, "township")[0]
    villages = [organisation.add_area(desk, n, "village", township.id) for n in ("东山村", "西河村")]
    staff = organisation.add_staff(desk, "李明", ["mediator", "grid_worker"])
    truth: dict[str, tuple[date, date | None, str]] = {}
    categories = ["homestead", "neighbour", "divorce", "contract_loan", "land_contracting"]
    for i in range(75):
        received = date(2026, 8, 1) + timedelta(days=(i * 37) % 118)
        village = villages[i % 2]
        name = SURNAMES[i % len(SURNAMES)] + "某" + "甲乙丙丁"[i % 4]
        case = cases.register_case(desk, "dispute", {
            "title": f"{name}与邻居{['宅基地', '相邻通行', '婚姻', '借款', '土地承包'][i % 5]}纠纷",
            "category": categories[i % 5], "area_id": village.id, "received_on": received,
            "mediator_id": staff.id, "description": "双方因琐事发生争执，经多次协商未果。" * (1 + i % 3),
            "risk_grade": ["high", "medium", "low"][i % 3],
        }, [PartyInput("applicant", fields={"name": name, "phone": f"138{i:08d}",
                                            "id_number": make_id_number("330102", date(1970 + i % 30, 1 + i % 12, 1 + i % 27), 300 + i)})])
        out = None
        if i % 3 == 0:
            closed = min(TODAY, received + timedelta(days=10))
            cases.change_status(desk, case.id, "mediating", received)
            cases.change_status(desk, case.id, "agreed" if i % 2 else "failed", closed)
            if i % 6 == 0:
                out = min(TODAY, closed + timedelta(days=5))
                ledger.close_out(desk, case.id, out, "王芳")
        elif i % 4 == 1 and received < date(2026, 11, 20):
            cases.add_event(desk, case.id, "mediation_session", max(received, date(2026, 11, 20)),
                            content="组织双方调解，达成初步意向")
        truth[case.id] = (received, out, case.number)
    screening.record_round(desk, screening.RoundInput(area_id=villages[1].id, screened_on=date(2026, 11, 12),
                                                      submitted_on=date(2026, 11, 13), signed_by="刘村长",
                                                      screeners=[staff.id]))
    yield desk, truth
    desk.close()


def _expected(truth, year=2026, month=11):
    start, end = date(year, month, 1), date(year, month, 30)
    rows = {cid for cid, (r, o, _n) in truth.items() if r <= end and (o is None or o >= start)}
    open_at_end = {cid for cid, (r, o, _n) in truth.items() if r <= end and (o is None or o > end)}
    return rows, open_at_end


@pytest.fixture(scope="module")
def book(book_desk):
    desk, _truth = book_desk
    return ledger.build_ledger(desk, 2026, 11)


@pytest.fixture(scope="module")
def ledger_pdf(book_desk, book, tmp_path_factory):
    desk, _ = book_desk
    path = tmp_path_factory.mktemp("out") / "台账.pdf"
    result = ledger.export_ledger(desk, book, path)
    assert result.pages and result.pages >= 3
    return path


def _domain_figures(book, truth):
    """The domain computation from what the test recorded (not from the service's items)."""
    village_of = {r.case_id: r.village for r in book.rows}
    items = [LedgerItem(cid, r, o, area=village_of.get(cid, "")) for cid, (r, o, _n) in truth.items()]
    return month_summary(items, 2026, 11)[None]


def _ledger_pages(path) -> list[str]:
    pages = pdf_pages_text(path)
    out = []
    for text in pages:
        if "统计表" in text.splitlines()[0] if text.strip() else False:
            break
        out.append(text)
    return out


def test_pdf_has_every_case_of_the_month_in_the_number_column(book_desk, book, ledger_pdf):
    from mediation_desk.documents.templates.ledger import LEDGER_MARGINS_MM, fit_columns

    _desk, truth = book_desk
    rows, open_at_end = _expected(truth)
    assert {r.case_id for r in book.rows} == rows
    _font, widths = fit_columns(book.columns, "A4")
    index = [c.key for c in book.columns].index("number")
    x0 = LEDGER_MARGINS_MM[2] * MM + sum(widths[:index])
    x1 = x0 + widths[index]
    ledger_page_count = len(_ledger_pages(ledger_pdf))
    assert ledger_page_count >= 2
    column_text = ""
    with pdfplumber.open(ledger_pdf) as pdf:
        for page in pdf.pages[:ledger_page_count]:
            column_text += (page.within_bbox((x0, 0, x1, page.height)).extract_text() or "").replace("\n", "")
    for cid in rows:
        assert truth[cid][2] in column_text, truth[cid][2]
    # the open ones, and the ones closed out this month, and nothing closed out before
    gone = {cid for cid, (_r, o, _n) in truth.items() if o is not None and o < date(2026, 11, 1)}
    assert gone and open_at_end
    for cid in gone:
        assert truth[cid][2] not in column_text


def test_pdf_header_row_is_repeated_on_every_ledger_page(ledger_pdf):
    pages = _ledger_pages(ledger_pdf)
    assert len(pages) >= 2
    for text in pages:
        flat = text.replace(" ", "")
        for word in ("序号", "编号", "事件名称", "本月工作情况", "化解状态"):
            assert word in flat, word
    assert "青石镇矛盾纠纷排查化解工作台账（2026年11月）" in pages[0]
    assert "填报单位（盖章）：青石镇人民调解委员会" in pages[0] and "填报时间：2026年11月27日" in pages[0]


def test_pdf_summary_numbers_equal_the_domain_computation(book_desk, book, ledger_pdf):
    _desk, truth = book_desk
    f = _domain_figures(book, truth)
    assert book.total == f
    text = pdftotext(ledger_pdf).replace("\n", "")
    assert (f"本月合计：上月结转{f.carried_in}件，本月新增{f.new}件，本月在办{f.in_hand}件，本月化解{f.resolved}件") in text
    assert f"结转下月{f.carried_out}件，化解率{format_rate(f.rate)}" in text
    layout = pdftotext(ledger_pdf, "-layout")
    totals = [line.split() for line in layout.splitlines() if line.strip().startswith("合计")]
    expected = ["合计", str(f.carried_in), str(f.new), str(f.in_hand), str(f.resolved), str(f.carried_out),
                format_rate(f.rate), str(f.ytd_new), str(f.ytd_resolved), format_rate(f.ytd_rate)]
    assert totals == [expected, expected]  # by village and by category
    by_village = month_summary([LedgerItem(c, r, o, area=v) for c, (r, o, _n) in truth.items()
                                for v in [next((x.village for x in book.rows if x.case_id == c), "?")]
                                if v != "?"], 2026, 11, group_by="area")
    for name in ("东山村", "西河村"):
        g = by_village[name]
        line = next(line.split() for line in layout.splitlines() if line.strip().startswith(name))
        assert line[:6] == [name, str(g.carried_in), str(g.new), str(g.in_hand), str(g.resolved), str(g.carried_out)]


def test_pdf_fonts_are_embedded_and_pages_are_landscape_with_numbers(ledger_pdf):
    from pypdf import PdfReader

    exe = need_tool("pdffonts")
    res = subprocess.run([exe, str(ledger_pdf)], capture_output=True, text=True, timeout=60)
    lines = [line.split() for line in res.stdout.splitlines()[2:] if line.strip()]
    assert lines and all(parts[-5] == "yes" for parts in lines), res.stdout  # emb column
    reader = PdfReader(str(ledger_pdf))
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)
        assert abs(float(page.mediabox.width) - 297 * MM) < 1
    texts = pdf_pages_text(ledger_pdf)
    for n, text in enumerate(texts, start=1):
        assert f"— {n} —" in text
    assert "制表人：" in texts[-1] and "审核人：" in texts[-1] and "主要负责人：" in texts[-1]
    assert any("零报告汇总表" in t and "西河村" in t and "刘村长" in t for t in texts)


def test_masked_pdf_hides_id_numbers_and_phones(book_desk, tmp_path):
    desk, _ = book_desk
    masked = ledger.build_ledger(desk, 2026, 11, mask=True,
                                 columns=["seq", "number", "party_names", "party_ids", "party_phones", "status"])
    path = tmp_path / "masked.pdf"
    ledger.export_ledger(desk, masked, path, sheets=["ledger"])
    text = pdftotext(path)
    assert re.search(r"3301\*{10}\d{3}[\dX]", text)
    assert re.search(r"138\*{4}\d{4}", text)
    assert not re.search(r"330102\d{12}", text) and not re.search(r"138\d{8}", text)
    assert "已作隐藏处理" in text
    plain = ledger.build_ledger(desk, 2026, 11, columns=["seq", "number", "party_names", "party_ids", "party_phones"])
    ledger.export_ledger(desk, plain, tmp_path / "plain.pdf", sheets=["ledger"])
    assert re.search(r"330102\d{11}[\dX]", pdftotext(tmp_path / "plain.pdf"))


def test_a3_option(book_desk, tmp_path):
    from pypdf import PdfReader

    desk, _ = book_desk
    wide = ledger.build_ledger(desk, 2026, 11, columns=list(ledger.ALL_COLUMNS), paper="A3")
    path = tmp_path / "a3.pdf"
    ledger.export_ledger(desk, wide, path, sheets=["ledger"])
    page = PdfReader(str(path)).pages[0]
    assert abs(float(page.mediabox.width) - 420 * MM) < 1 and abs(float(page.mediabox.height) - 297 * MM) < 1
    text = pdftotext(path).replace(" ", "")
    for title in ("身份证号", "包案领导", "化解措施", "办结日期"):
        assert title in text


def test_docx_ledger(book_desk, book, tmp_path):
    from docx import Document as open_docx
    from docx.oxml.ns import qn

    desk, truth = book_desk
    path = tmp_path / "台账.docx"
    ledger.export_ledger(desk, book, path)
    doc = open_docx(str(path))
    section = doc.sections[0]
    assert section.page_width > section.page_height
    assert abs(section.page_width.mm - 297) < 1
    body_text = "\n".join(p.text for p in doc.paragraphs)
    assert "青石镇矛盾纠纷排查化解工作台账（2026年11月）" in body_text
    assert "制表人：" in body_text
    table = doc.tables[0]
    header = table.rows[0]
    assert header._tr.trPr is not None and header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells][:3] == ["序号", "编号", "排查/受理日期"]
    numbers = {row.cells[1].text for row in table.rows[1:]}
    rows, _open = _expected(truth)
    assert numbers == {truth[cid][2] for cid in rows}
    f = _domain_figures(book, truth)
    totals = [[c.text for c in row.cells] for t in doc.tables[1:3] for row in t.rows if row.cells[0].text == "合计"]
    assert totals and all(t[1:6] == [str(f.carried_in), str(f.new), str(f.in_hand), str(f.resolved),
                                      str(f.carried_out)] for t in totals)


def test_xlsx_ledger(book_desk, book, tmp_path):
    from openpyxl import load_workbook

    desk, truth = book_desk
    path = tmp_path / "台账.xlsx"
    ledger.export_ledger(desk, book, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["滚动台账", "统计表", "零报告"]
    ws = wb["滚动台账"]
    assert ws["A1"].value == "青石镇矛盾纠纷排查化解工作台账（2026年11月）"
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text
    titles = [ws.cell(3, c).value for c in range(1, len(book.columns) + 1)]
    assert titles == [c.title if not c.group else c.group + c.title for c in book.columns]
    numbers = {ws.cell(r, 2).value for r in range(4, 4 + len(book.rows))}
    rows, _open = _expected(truth)
    assert numbers == {truth[cid][2] for cid in rows}
    assert ws.cell(3, 1).font.b
    stats = wb["统计表"]
    f = _domain_figures(book, truth)
    totals = [[stats.cell(r, c).value for c in range(1, 7)] for r in range(1, stats.max_row + 1)
              if stats.cell(r, 1).value == "合计"]
    assert totals == [["合计", f.carried_in, f.new, f.in_hand, f.resolved, f.carried_out]] * 2
    zero = wb["零报告"]
    values = [zero.cell(r, 2).value for r in range(1, zero.max_row + 1)]
    assert "西河村" in values


def test_xlsx_with_groups_has_two_header_rows(book_desk, tmp_path):
    from openpyxl import load_workbook

    desk, _ = book_desk
    book = ledger.build_ledger(desk, 2026, 11, columns=["seq", "number", "party_names", "party_ids", "party_phones",
                                                          "status"], paper="A3")
    path = tmp_path / "g.xlsx"
    ledger.export_ledger(desk, book, path, sheets=["ledger"])
    ws = load_workbook(path)["滚动台账"]
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$3:$4"
    assert ws.cell(3, 3).value == "当事人" and ws.cell(4, 3).value == "姓名" and ws.cell(4, 4).value == "身份证号"
    assert str(ws.page_setup.paperSize) == "8"


def test_empty_month_prints_a_line_saying_so(tmp_path):
    desk = Desk(open_store(tmp_path / "e.sqlite"), actor="测试员", today_override=TODAY)
    organisation.init_unit(desk, "青石镇人民调解委员会", "青", "township_committee", township="青石镇")
    book = ledger.build_ledger(desk, 2026, 11)
    ledger.export_ledger(desk, book, tmp_path / "e.pdf")
    text = pdftotext(tmp_path / "e.pdf")
    assert "2026年11月无在办事项" in text and "本月合计：上月结转0件" in text.replace("\n", "")
    desk.close()


def test_screening_report_sheet_for_signature(book_desk, tmp_path):
    from mediation_desk.documents import render
    from mediation_desk.documents.templates.screening import screening_report_document

    desk, _ = book_desk
    view = screening.rounds_in_month(desk, "2026-11")[0]
    assert view.round.is_zero_report
    path = tmp_path / "zero.pdf"
    render(screening_report_document(view), path)
    text = pdftotext(path)
    for needle in ("西河村矛盾纠纷排查零报告表", "（2026年11月）", "未发现矛盾纠纷", "负责人（签名）：刘村长",
                   "排查人员", "李明", "2026年11月13日"):
        assert needle in text, needle
