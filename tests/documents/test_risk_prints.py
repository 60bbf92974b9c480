"""The 稳评 prints read back: the assessment report (letter layout), the filing form (报备表) and the
quarterly statistics table, as PDF (pdftotext / pdfplumber / pdffonts), DOCX (python-docx) and, for
the table, XLSX (openpyxl) — every field and number is found, fonts are embedded."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from mediation_desk.documents.model import text_of
from mediation_desk.documents.templates import risk_report, risk_stats
from mediation_desk.services import cases, organisation, risk
from mediation_desk.services.context import Desk
from mediation_desk.services.risk import (
    ADOPT_SUGGESTED, AssessmentInput, DimensionInput, FollowUpInput, PartyViewInput, RiskPointInput)
from mediation_desk.store.engine import open_store

TODAY = date(2026, 11, 27)
MM = 72 / 25.4


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
    """PDF text without blanks and line breaks (CJK text wraps anywhere)."""
    return re.sub(r"\s+", "", text)


def fonts_embedded(path) -> None:
    res = subprocess.run([need_tool("pdffonts"), str(path)], capture_output=True, text=True, timeout=60)
    lines = [line.split() for line in res.stdout.splitlines()[2:] if line.strip()]
    assert lines and all(parts[-5] == "yes" for parts in lines), res.stdout


def docx_text(path) -> str:
    from docx import Document as open_docx

    doc = open_docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _data() -> AssessmentInput:
    return AssessmentInput(
        title="东山村垃圾中转站建设", matter_type="project",
        description="拟在东山村建设垃圾中转站一座，占地约5亩，周边500米内有农户86户。",
        responsible_unit="青石镇规划建设管理所", responsible_leader="赵建国", contact_phone="13900001111",
        group_members="赵建国（组长）、李明、王芳", methods=["publicity", "questionnaire", "visits", "forum"],
        surveyed=120, in_favour=70, against=30, neutral=15,
        dimensions={"legality": DimensionInput("pass", "用地手续齐全，符合法律法规。"),
                    "reasonableness": DimensionInput("concern", "选址距水源地较近。", "选址争议", "medium"),
                    "feasibility": DimensionInput("pass", "资金已落实。"),
                    "controllability": DimensionInput("concern", "个别农户存在阻工可能。", "施工阻工", "medium"),
                    "safety": DimensionInput("pass", "施工安全措施到位。")},
        party_views=[PartyViewInput("周边农户", "担心臭气影响生活", True, "已纳入除臭设备"),
                     PartyViewInput("个别农户", "要求另行选址", False, "现址为唯一符合规划的地块")],
        risk_points=[RiskPointInput("周边群众担心臭气影响生活", "high", "medium", "设置除臭装置"),
                     RiskPointInput("施工期间可能出现阻工", "medium", "low", "逐户走访")],
        mitigation="一、公开项目信息；\n二、逐户上门做好解释工作。",
        contingency="成立应急处置领导小组，发生群体性聚集时第一时间到场劝导疏散。",
        assessed_on=date(2026, 11, 20), level="high", override_reason="周边农户较多，社会影响面大，上调一级",
        decision_outcome="postpone", filed_on=date(2026, 11, 24), filing_number="临稳备〔2026〕35号",
        filing_office="县委政法委（县维稳办）", follow_up=[FollowUpInput(date(2026, 11, 26), "群众情绪平稳")])


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """One database with a full assessment (overridden medium → high, filed), a pending one, a case
    assessment and an uncovered high case; every print in every format."""
    folder = tmp_path_factory.mktemp("risk-prints")
    desk = Desk(open_store(folder / "r.sqlite"), actor="测试员", today_override=TODAY)
    organisation.init_unit(desk, "青石镇人民调解委员会", "青", "township_committee", township="青石镇", county="临川县")
    organisation.add_staff(desk, "赵建国", ["leader"], post="镇党委副书记", phone="13900001111")
    main = risk.save_assessment(desk, _data()).assessment
    risk.save_assessment(desk, AssessmentInput(title="元旦文艺汇演", matter_type="event", assessed_on=date(2026, 11, 25)))
    covered = cases.register_case(desk, "dispute", {"title": "孙七宅基地纠纷", "category": "neighbour",
                                                    "risk_grade": "high", "received_on": "2026-11-05"})
    data = risk.input_for_case(desk, covered.id)
    data.surveyed, data.in_favour, data.against, data.neutral = 20, 12, 3, 5
    data.assessed_on, data.level, data.decision_outcome = date(2026, 11, 10), ADOPT_SUGGESTED, "implement_adjusted"
    case_assessment = risk.save_assessment(desk, data).assessment
    uncovered = cases.register_case(desk, "petition", {"title": "王五聚集上访", "category": "neighbour",
                                                       "petition_type": "claim", "channel": "visit",
                                                       "risk_grade": "high", "received_on": "2026-10-20"})
    files = {}
    for suffix in (".pdf", ".docx"):
        files[f"report{suffix}"] = risk.export_report(desk, main.id, folder / f"报告{suffix}").path
        files[f"filing{suffix}"] = risk.export_report(desk, main.id, folder / f"报备表{suffix}", form="filing").path
    for suffix in (".pdf", ".docx", ".xlsx"):
        files[f"stats{suffix}"] = risk.export_stats(desk, "2026Q4", folder / f"统计{suffix}").path
    files["case_report.pdf"] = risk.export_report(desk, case_assessment.id, folder / "案件报告.pdf").path
    stats = risk.quarter_stats(desk, "2026Q4")
    yield {"desk": desk, "main": main, "files": files, "stats": stats, "uncovered": uncovered,
           "case_assessment": case_assessment, "covered": covered}
    desk.close()


REPORT_HEADINGS = ["一、评估事项概况", "二、评估工作开展情况", "三、各方意见及采纳情况",
                   "四、合法性、合理性、可行性、可控性、安全性分析", "（一）合法性分析", "（二）合理性分析",
                   "（三）可行性分析", "（四）可控性分析", "（五）安全性分析", "五、主要风险点", "六、风险等级",
                   "七、防范化解措施", "八、应急处置预案", "九、评估结论", "附：跟踪落实情况"]


def report_values(main) -> list[str]:
    return [main.number, "东山村垃圾中转站建设", "重大项目", "青石镇规划建设管理所", "赵建国", "13900001111",
            "赵建国（组长）、李明、王芳", "公示、问卷、走访、座谈", "共调查120人", "支持70人，占60.9%",
            "反对30人，占26.1%", "中立15人，占13.0%", "2026年11月20日", "周边农户：担心臭气影响生活",
            "已采纳（已纳入除臭设备）", "未采纳，理由：现址为唯一符合规划的地块", "用地手续齐全", "存在风险，风险程度为中",
            "选址争议", "周边群众担心臭气影响生活", "设置除臭装置", "建议等级为“中”",
            "确定风险等级为“高”，与建议等级“中”不同", "改判理由：周边农户较多，社会影响面大，上调一级",
            "一、公开项目信息", "成立应急处置领导小组", "社会稳定风险等级为“高”", "评估结论运用：暂缓实施",
            "2026年11月24日报县委政法委（县维稳办）备案", "临稳备〔2026〕35号", "群众情绪平稳",
            "评估小组组长（签名）", "评估责任人（签名）"]


def test_report_pdf_has_every_section_field_and_number(printed):
    path = printed["files"]["report.pdf"]
    text = flat(pdftotext(path))
    assert "关于东山村垃圾中转站建设的社会稳定风险评估报告" in text
    for heading in REPORT_HEADINGS:
        assert flat(heading) in text, heading
    for value in report_values(printed["main"]):
        assert flat(value) in text, value
    # order of the sections as DOMAIN.md §7 lists them
    positions = [text.index(flat(h)) for h in REPORT_HEADINGS]
    assert positions == sorted(positions)
    fonts_embedded(path)


def test_report_pdf_is_a4_letter_layout_with_page_numbers(printed):
    import pdfplumber

    path = printed["files"]["report.pdf"]
    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) >= 2
        for n, page in enumerate(pdf.pages, start=1):
            assert abs(page.width - 210 * MM) < 1 and abs(page.height - 297 * MM) < 1
            words = page.extract_words()
            body = [w for w in words if w["top"] < page.height - 35 * MM and w["bottom"] > 37 * MM]
            assert min(w["x0"] for w in body) >= 28 * MM - 2  # binding margin
            assert f"— {n} —" in (page.extract_text() or "")
        # the signature page carries the seal unit and the date
        last = pdf.pages[-1].extract_text().replace(" ", "")
        assert "青石镇规划建设管理所" in last and "2026年11月20日" in last


def test_report_docx(printed):
    text = flat(docx_text(printed["files"]["report.docx"]))
    for heading in REPORT_HEADINGS:
        assert flat(heading) in text, heading
    for value in report_values(printed["main"]):
        assert flat(value) in text, value


FILING_LABELS = ["填报单位", "编号", "事项名称", "责任主体", "责任人", "联系方式", "事项概况", "主要风险", "化解措施",
                 "评估结论", "结果运用", "报备日期", "备案编号", "填报单位意见", "备案单位意见", "（盖章）",
                 "填表人", "审核人"]


def filing_values(main) -> list[str]:
    return [main.number, "东山村垃圾中转站建设", "青石镇规划建设管理所", "赵建国", "13900001111", "重大项目",
            "2026年11月20日", "拟在东山村建设垃圾中转站一座", "1.周边群众担心臭气影响生活（可能性高、影响中）",
            "2.施工期间可能出现阻工（可能性中、影响低）", "合理性：存在风险，风险程度中，选址争议",
            "一、公开项目信息", "风险等级为“高”（建议等级“中”，改判理由：周边农户较多，社会影响面大，上调一级）",
            "☑暂缓实施", "□实施", "□不实施", "2026年11月24日", "临稳备〔2026〕35号", "县委政法委（县维稳办）",
            "调查120人：支持70人（60.9%），反对30人（26.1%），中立15人（13.0%）"]


def test_the_filing_is_in_its_columns(printed):
    main = risk.get_assessment(printed["desk"], printed["main"].id)
    assert (main.filed_on, main.filing_number, main.filing_office) == (
        date(2026, 11, 24), "临稳备〔2026〕35号", "县委政法委（县维稳办）")
    assert main.follow_up == [{"date": "2026-11-26", "note": "群众情绪平稳"}]  # follow-up notes only
    view = risk.report_view(printed["desk"], main.id)
    assert (view.filing_number, view.filing_office) == (main.filing_number, main.filing_office)
    assert [(f.on, f.note) for f in view.follow_up] == [(date(2026, 11, 26), "群众情绪平稳")]


def test_filing_form_pdf(printed):
    path = printed["files"]["filing.pdf"]
    raw = pdftotext(path)
    text = flat(raw)
    assert "社会稳定风险评估报备表" in text
    for label in FILING_LABELS:
        assert flat(label) in text, label
    for value in filing_values(printed["main"]):
        assert flat(value) in text, value
    assert text.count("（盖章）") == 2
    assert raw.count("\f") == 1  # one page for a filing of this size
    fonts_embedded(path)


def test_filing_form_docx(printed):
    text = flat(docx_text(printed["files"]["filing.docx"]))
    for label in FILING_LABELS:
        assert flat(label) in text, label
    for value in filing_values(printed["main"]):
        assert flat(value) in text, value


def test_quarter_stats_truth(printed):
    s = printed["stats"]
    # main (high, overridden, filed, postponed) + case assessment (low → implement_adjusted) + pending event
    # + the uncovered high petition
    assert (s.due, s.assessed, s.uncovered, s.filed, s.overridden, s.rate_text) == (4, 2, 1, 1, 1, "50.0%")
    assert s.level_count("high") == 1 and s.outcome_count("postpone") == 1


def test_stats_pdf_numbers_and_items(printed):
    import pdfplumber

    s = printed["stats"]
    path = printed["files"]["stats.pdf"]
    layout = pdftotext(path, "-layout")
    text = flat(layout)
    assert "2026年第四季度社会稳定风险评估工作统计表" in text
    assert "填报单位（盖章）：青石镇人民调解委员会" in text and "填报时间：2026年11月27日" in text
    for heading in ("一、总体情况", "二、按事项类型统计", "三、按风险等级统计", "四、按结果运用统计", "五、事项清单"):
        assert heading in text
    # the summary row: 应评 已评 评估率 未评 其中高风险案件未评估 已报备 报备率 改判
    summary = [str(v) for v in risk_stats.summary_row(s)]
    assert any(line.split() == summary for line in layout.splitlines()), summary
    for line in risk_stats.type_rows(s):
        assert any(row.split() == [str(v) for v in line] for row in layout.splitlines()), line
    _titles, level_rows = risk_stats.level_rows(s)
    assert any(row.split() == [str(v) for v in level_rows[0]] for row in layout.splitlines())
    _titles, outcome_rows = risk_stats.outcome_rows(s)
    assert any(row.split() == [str(v) for v in outcome_rows[0]] for row in layout.splitlines())
    assert "制表人：" in text and "说明：" in text
    with pdfplumber.open(str(path)) as pdf:
        assert all(p.width > p.height for p in pdf.pages)
        table_rows = [[flat(c or "") for c in row] for page in pdf.pages for t in page.extract_tables() for row in t]
    # the item list, cell by cell, exactly as the service computed it
    expected = [[flat(str(v)) for v in row] for row in risk_stats.item_rows(s)]
    assert [r for r in table_rows if r and r[0].isdigit() and len(r) == len(risk_stats.ITEM_TITLES)] == expected
    last = expected[-1]
    assert last[1] == flat(printed["uncovered"].number) and last[3] == "案件" and last[-1] == "未评估"
    assert any(r[1] == flat(printed["main"].number) and r[7] == "高（改判）" and r[10] == "临稳备〔2026〕35号"
               for r in expected)
    fonts_embedded(path)


def test_stats_docx(printed):
    s = printed["stats"]
    text = docx_text(printed["files"]["stats.docx"])
    compact = flat(text)
    assert "2026年第四季度社会稳定风险评估工作统计表" in compact
    for item in s.items:
        assert flat(item.number) in compact
    from docx import Document as open_docx

    doc = open_docx(str(printed["files"]["stats.docx"]))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert [str(v) for v in risk_stats.summary_row(s)] in rows
    assert ["合计", str(s.due), str(s.assessed), s.rate_text] in rows


def test_stats_xlsx(printed):
    from openpyxl import load_workbook

    s = printed["stats"]
    wb = load_workbook(str(printed["files"]["stats.xlsx"]))
    assert wb.sheetnames == ["统计表", "事项清单"]
    ws = wb["统计表"]
    assert ws["A1"].value == s.title
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    summary = risk_stats.summary_row(s)
    assert any(list(r[: len(summary)]) == summary for r in rows), summary  # counts stay numbers
    assert any(tuple(r[:4]) == ("合计", s.due, s.assessed, s.rate_text) for r in rows)
    assert any(r[0] == "件数" and r[1] == s.level_count("high") for r in rows)
    items = wb["事项清单"]
    values = [r for r in items.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    numbers = [r[1] for r in values if isinstance(r[0], int)]
    assert numbers == [it.number for it in s.items]
    main = next(r for r in values if r[1] == printed["main"].number)
    assert main[risk_stats.ITEM_TITLES.index("备案编号")] == "临稳备〔2026〕35号"
    assert items.freeze_panes == "A4" and items.print_title_rows.replace("$", "") == "3:3"


def test_case_assessment_report(printed):
    text = flat(pdftotext(printed["files"]["case_report.pdf"]))
    covered = printed["covered"]
    assert flat(f"关联案件：{covered.number}（孙七宅基地纠纷）") in text
    assert "评估小组确认风险等级为“低”（与建议等级一致）" in text or "与建议等级一致" in text


def test_empty_assessment_prints_blanks_not_none(printed):
    desk = printed["desk"]
    pending = next(r for r in risk.list_assessments(desk) if r.title == "元旦文艺汇演")
    view = risk.report_view(desk, pending.id)
    folder = printed["files"]["report.pdf"].parent
    for form in ("report", "filing"):
        path = risk.export_report(desk, pending.id, folder / f"空白{form}.pdf", form=form).path
        text = pdftotext(path)
        assert "None" not in text and "元旦文艺汇演" in text
    assert "风险等级尚未确定" in flat(pdftotext(folder / "空白report.pdf"))
    report = risk_report.build(view)
    headings = [text_of(b.text) for b in report.walk() if type(b).__name__ == "Heading"]
    assert "四、合法性、合理性、可行性、可控性分析" in headings  # 安全性 only when assessed
    assert risk_report.report_title("关于X的社会稳定风险评估") == "关于X的社会稳定风险评估报告"
    assert risk_report.report_title("短") == "关于短的社会稳定风险评估报告"
    assert risk_report.report_title("青石镇老街圩日集市搬迁至新建农贸市场") == \
        "关于青石镇老街圩日集市搬迁至新建农贸市场的\n社会稳定风险评估报告"
