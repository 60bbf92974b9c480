"""The printed 包案责任书 and the monthly 包案台账 read back: PDF (pdftotext / pdfplumber /
pdffonts), DOCX (python-docx) and XLSX (openpyxl) contain the fields; A4 portrait letter with the
signature blocks, A4 landscape ledger with every column, the header row on every page, embedded
fonts and the footer signatures."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta

import pdfplumber
import pytest

from mediation_desk.documents.templates.contracts_ledger import TITLES
from mediation_desk.services import cases, contracts, ledger, organisation
from mediation_desk.services.context import Desk
from mediation_desk.services.contracts import CloseInput, ContractInput, ProgressInput
from mediation_desk.services.parties import PartyInput
from mediation_desk.store.engine import open_store

TODAY = date(2026, 11, 27)
MM = 72 / 25.4
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭"


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


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts_embedded(path) -> list[str]:
    res = subprocess.run([need_tool("pdffonts"), str(path)], capture_output=True, timeout=60)
    assert res.returncode == 0
    lines = res.stdout.decode("utf-8", errors="replace").splitlines()[2:]
    assert lines, "no fonts listed"
    return [ln for ln in lines if ln.split()[-5] != "yes"]  # the "emb" column


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """16 contracts over three leaders since June: November progress for most, one closed out in
    November (息诉罢访 with 息访协议), one extended, one flagged 失联/越级苗头, one reopened, one
    closed in September (not in November's ledger)."""
    folder = tmp_path_factory.mktemp("contract-prints")
    desk = Desk(open_store(folder / "c.sqlite"), actor="王芳", today_override=TODAY)
    organisation.init_unit(desk, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    organisation.update_unit(desk, head_name="周建华")
    township = organisation.list_areas(desk, "township")[0]
    village = organisation.add_area(desk, "东山村", "village", township.id)
    leaders = [organisation.add_staff(desk, n, ["leader"], post=p, phone=ph) for n, p, ph in (
        ("赵建国", "镇党委副书记", "13900001111"), ("钱丽华", "副镇长", "13900002222"),
        ("孙立新", "镇党委委员、政法委员", "13900003333"))]
    ledger.set_ledger_options(desk, preparer="王芳", reviewer="赵建国")
    made = {}
    for i in range(16):
        name = SURNAMES[i] + "某" + "甲乙丙丁"[i % 4]
        received = date(2026, 6, 1) + timedelta(days=i * 9)
        case = cases.register_case(desk, "petition" if i % 3 == 0 else "dispute", {
            "title": f"{name}反映{['宅基地边界', '土地征收补偿', '拖欠工资', '山林权属'][i % 4]}问题",
            "category": "homestead", "area_id": village.id, "received_on": received,
            "description": f"{name}与邻居因{['宅基地边界', '征地补偿款分配', '工程款', '山林界址'][i % 4]}发生争议，多次上访。",
            "claims": f"要求{['确认边界', '足额补偿', '支付工资', '确认林权'][i % 4]}（第{i + 1}件）",
            "is_backlog": True, **({"petition_type": "claim", "channel": "visit"} if i % 3 == 0 else {}),
        }, [PartyInput("petitioner" if i % 3 == 0 else "applicant", fields={"name": name})])
        leader = leaders[i % 3]
        c = contracts.assign_contract(desk, case.id, ContractInput(
            leader_id=leader.id, responsible_unit=["青石镇司法所", "青石镇信访办", "青石镇综治中心"][i % 3],
            responsible_persons=f"李明、{name[0]}村书记", task_team=f"{leader.name}（组长）、李明",
            plan=f"一、基本情况：{name}反映的问题。\n二、化解目标：依法解决。\n三、工作措施：1．入户走访第{i + 1}户；"
                 f"2．召开协调会。\n四、时限要求：按期化解。",
            assigned_on=received + timedelta(days=3)))
        made[i] = c
        if i % 5 != 4:
            contracts.add_progress(desk, c.id, ProgressInput(
                work_done=f"{leader.name}带队第{i + 1}次走访{name}", contacts=f"面谈{name}", attitude="态度缓和",
                next_step="召开协调会", entry_on="2026-11-20", author=leader.name, signed=True))
    contracts.extend_contract(desk, made[0].id, 1, "当事人外出务工", "周建华", on="2026-09-01")
    contracts.set_flags(desk, made[1].id, lost_contact=True, level_skipping=True)
    contracts.close_contract(desk, made[2].id, CloseInput(
        status="petitioner_withdrew", satisfaction="basically_satisfied", approver="周建华", facts_investigated=True,
        handling_proper=True, problem_solved=True, withdrawal_agreement=True, closed_on="2026-11-18"))
    contracts.close_contract(desk, made[3].id, CloseInput(
        status="resolved", satisfaction="satisfied", approver="周建华", facts_investigated=True, handling_proper=True,
        problem_solved=True, closed_on="2026-09-28"))
    contracts.close_contract(desk, made[6].id, CloseInput(
        status="resolved", satisfaction="satisfied", approver="周建华", facts_investigated=True, handling_proper=True,
        problem_solved=True, closed_on="2026-10-10"))
    contracts.reopen_contract(desk, made[6].id, "当事人再次上访", on="2026-11-02")
    out = {"desk": desk, "made": made, "folder": folder, "leaders": leaders}
    out["letter_pdf"] = folder / "责任书.pdf"
    out["letter_docx"] = folder / "责任书.docx"
    contracts.print_letter(desk, made[0].id, out["letter_pdf"])
    contracts.print_letter(desk, made[0].id, out["letter_docx"])
    out["ledger"] = contracts.build_ledger(desk, "2026-11")
    for suffix in ("pdf", "docx", "xlsx"):
        out[f"ledger_{suffix}"] = folder / f"包案台账.{suffix}"
        contracts.export_ledger(desk, out["ledger"], out[f"ledger_{suffix}"])
    yield out
    desk.close()


LETTER_FIELDS = ["领导包案责任书", "（2026）青包字第001号", "张某甲反映宅基地边界问题", "（2026）青信字第001号",
                 "张某甲与邻居因宅基地边界发生争议", "要求确认边界（第1件）", "赵建国", "镇党委副书记", "13900001111",
                 "青石镇司法所", "李明、张村书记", "赵建国（组长）、李明", "入户走访第1户", "2026年6月4日",
                 "2026年10月5日", "经周建华批准延期1个月", "五不结案", "一案一策", "包案领导（签字）",
                 "责任单位负责人（签字）", "单位主要负责人（签字）", "青石镇人民调解委员会"]


def test_contract_letter_pdf_has_the_fields_and_embedded_fonts(book):
    text = flat(pdftotext(book["letter_pdf"]))
    for value in LETTER_FIELDS:
        assert flat(value) in text, value
    assert fonts_embedded(book["letter_pdf"]) == []
    with pdfplumber.open(book["letter_pdf"]) as pdf:
        first = pdf.pages[0]
        assert round(first.width / MM) == 210 and round(first.height / MM) == 297  # A4 portrait
        last = flat(pdf.pages[-1].extract_text() or "")
    # the signatures never stand alone on a page: the closing paragraph goes with them
    assert "包案领导（签字）" in last and "本责任书一式三份" in last


def test_contract_letter_docx_has_the_fields(book):
    from docx import Document as Docx

    doc = Docx(str(book["letter_docx"]))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    text = flat("\n".join(parts))
    for value in LETTER_FIELDS:
        assert flat(value) in text, value
    section = doc.sections[0]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1


def _ledger_expectations(book):
    made, lines = book["made"], book["ledger"].lines
    assert book["ledger"].title == "青石镇领导包案工作台账（2026年11月）"
    numbers = [line.number for line in lines]
    assert made[3].number not in numbers  # closed out in September
    assert made[2].number in numbers and made[6].number in numbers
    assert len(lines) == 15
    return {line.number: line for line in lines}


def test_ledger_rows_carry_the_month(book):
    by_number = _ledger_expectations(book)
    made = book["made"]
    closed = by_number[made[2].number]
    assert closed.status == "息诉罢访" and closed.satisfaction == "基本满意"
    assert "11月18日销号（审批：周建华）" in closed.note and "已签订息访协议" in closed.note
    flagged = by_number[made[1].number]
    assert flagged.status == "化解中\n【失联】\n【越级苗头】"
    assert "经周建华批准延期1个月" in by_number[made[0].number].note
    assert "反弹后重新启动1次" in by_number[made[6].number].note
    assert by_number[made[4].number].progress == "本月未报送工作情况"
    assert by_number[made[0].number].progress.startswith("11月20日：赵建国带队第1次走访张某甲")
    assert by_number[made[0].number].measures == "1．入户走访第1户；2．召开协调会。"
    assert by_number[made[0].number].leader == "赵建国\n（镇党委副书记）"
    assert by_number[made[0].number].case == "张某甲反映宅基地边界问题\n（2026）青信字第001号"
    total = book["ledger"].total_line
    assert "本月在册包案15件" in total and "本月销号1件（息诉罢访1件）" in total
    assert "本月未报送工作情况3件" in total  # made[4], [9] and [14]


def test_ledger_pdf_landscape_every_column_header_on_every_page_fonts_embedded(book):
    path = book["ledger_pdf"]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2, "the sample should run over more than one page"
        for page in pdf.pages:
            assert round(page.width / MM) == 297 and round(page.height / MM) == 210  # A4 landscape
    pages = pdftotext(path).split("\f")[:-1]
    for page_text in pages:
        flat_page = flat(page_text)
        for title in ("序号", "诉求", "化解措施", "化解时限", "本月工作情况", "化解状态", "满意度", "备注"):
            assert title in flat_page
    text = flat("".join(pages))
    for title in TITLES:
        assert flat(title) in text, title
    for line in book["ledger"].lines:
        assert flat(line.case) in text  # the case name and its number
    for value in ("青石镇领导包案工作台账（2026年11月）", "填报单位（盖章）：青石镇人民调解委员会", "填报时间：2026年11月27日",
                  "赵建国带队第1次走访张某甲", "息诉罢访", "基本满意", "【失联】", "本月在册包案15件",
                  "制表人：王芳", "审核人：赵建国", "主要负责人：周建华"):
        assert flat(value) in text, value
    assert fonts_embedded(path) == []
    last = flat(pages[-1])
    assert "制表人" in last and "主要负责人" in last and "—" in pages[-1]


def test_ledger_docx_has_the_table_and_the_signatures(book):
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT

    doc = Docx(str(book["ledger_docx"]))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = doc.tables[-1]
    header = [flat(c.text) for c in table.rows[0].cells]
    assert header == [flat(t) for t in TITLES]
    body = flat("\n".join(c.text for row in table.rows[1:] for c in row.cells))
    for line in book["ledger"].lines:
        assert flat(line.case) in body and flat(line.claims) in body
    paragraphs = flat("\n".join(p.text for p in doc.paragraphs))
    assert "制表人：王芳" in paragraphs and "主要负责人：周建华" in paragraphs
    assert "青石镇领导包案工作台账（2026年11月）" in paragraphs


def test_ledger_xlsx_prints_like_the_paper(book):
    from openpyxl import load_workbook

    wb = load_workbook(book["ledger_xlsx"])
    ws = wb["包案台账"]
    assert ws["A1"].value == "青石镇领导包案工作台账（2026年11月）"
    assert "填报单位（盖章）：青石镇人民调解委员会" in ws["A2"].value
    assert [ws.cell(3, c).value for c in range(1, 14)] == list(TITLES)
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.freeze_panes == "A4"
    rows = [[ws.cell(r, c).value for c in range(1, 14)] for r in range(4, 4 + len(book["ledger"].lines))]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert {line.case for line in book["ledger"].lines} == {r[1] for r in rows}
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("本月在册包案15件") for v in values)
    assert any("制表人：王芳" in v and "主要负责人：周建华" in v for v in values)


def test_the_prints_are_registered_and_audited(book):
    from sqlmodel import select

    from mediation_desk.store.models import GeneratedDocument

    with book["desk"].read() as session:
        rows = list(session.exec(select(GeneratedDocument)))
    kinds = sorted((r.doc_type, r.file_format) for r in rows)
    assert kinds == [("contract_letter", "docx"), ("contract_letter", "pdf"), ("contracts_ledger", "docx"),
                     ("contracts_ledger", "pdf"), ("contracts_ledger", "xlsx")]
    assert all(r.sha256 and len(r.sha256) == 64 for r in rows)


def test_a_leader_s_own_ledger_and_an_empty_month(book, tmp_path):
    desk = book["desk"]
    own = contracts.build_ledger(desk, "2026-11", leader="钱丽华")
    assert own.lines and all("钱丽华" in line.leader for line in own.lines)
    assert own.title == "青石镇领导包案工作台账（钱丽华，2026年11月）"
    empty = contracts.build_ledger(desk, "2026-03")
    assert empty.lines == []
    path = tmp_path / "空.pdf"
    contracts.export_ledger(desk, empty, path)
    assert "2026年3月无在册包案事项" in flat(pdftotext(path))
    with pytest.raises(ValueError, match="不支持的台账格式"):
        contracts.export_ledger(desk, empty, tmp_path / "x.txt")


def test_a_long_plan_continues_below_the_grid_and_an_empty_letter_has_blanks(tmp_path):
    from mediation_desk.documents.pdf import render_pdf
    from mediation_desk.documents.templates.contract_letter import ContractLetterView, build

    plan = "\n".join(f"{n}、第{n}项措施：" + "组织工作专班入户走访，逐户核实诉求并登记造册。" * 3 for n in "一二三四五")
    path = tmp_path / "长方案.pdf"
    render_pdf(build(ContractLetterView(number="（2026）青包字第009号", case_title="某某反映征地补偿问题", plan=plan,
                                        leader_name="赵建国", max_extensions=2, extension_max_months=1)), path)
    text = flat(pdftotext(path))
    assert "见本表后“化解方案（续表）”" in text and "化解方案（续表）" in text
    assert "五、第五项措施" in text
    assert "最多二次，每次延期不超过一个月" in text
    empty = tmp_path / "空白.pdf"
    render_pdf(build(ContractLetterView()), empty)
    text = flat(pdftotext(empty))
    assert "None" not in text and "包案领导（签字）" in text and "年月日" in text


def test_the_masked_ledger_hides_the_parties_names(book, tmp_path):
    from mediation_desk.domain.masking import mask_name

    desk = book["desk"]
    masked = contracts.build_ledger(desk, "2026-11", mask=True)
    plain = book["ledger"]
    assert masked.masked and not plain.masked and len(masked.lines) == len(plain.lines)
    for m, p in zip(masked.lines, plain.lines):
        assert m.parties == "、".join(mask_name(n) for n in p.parties.split("、"))
        for name in p.parties.split("、"):
            assert all(name not in cell for cell in m.cells()), name
    assert masked.lines[0].parties == "张*甲" and masked.lines[0].case.startswith("张*甲反映宅基地边界问题")
    path = tmp_path / "隐藏.pdf"
    contracts.export_ledger(desk, masked, path)
    text = flat(pdftotext(path))
    assert "张*甲" in text and "张某甲" not in text and "注：信访人、当事人姓名已作隐藏处理。" in text
    assert "赵建国" in text  # leaders are not parties
