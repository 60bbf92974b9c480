"""Every mediation document, printed from a real case and read back: the filled fields and the
Chinese labels (pdftotext, pdfplumber), embedded fonts (pdffonts), rare name characters, A4 and
the text block inside the margins; the Word files (python-docx): A4, margins, East-Asian fonts.
A case that lacks everything prints blanks to fill by hand, never "None"."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from test_templates_cases import (
    APPLICANT, APPLICANT_ID, APPLICANT_PHONE, COURT, FACTS, PLACE, RESPONDENT, RESPONDENT_ID, THIRD, TITLE,
    make_case, make_desk,
)

from mediation_desk.documents import catalogue
from mediation_desk.documents.docx import render_docx
from mediation_desk.documents.pdf import render_pdf

MM = 72 / 25.4


def need_tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed (poppler-utils); skipping this check")
    return exe


def pdftotext(path: Path) -> str:
    res = subprocess.run([need_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    return res.stdout.decode("utf-8")


UNIT = "青石镇人民调解委员会"
NUMBER = "（2026）青调字第001号"
ADDRESS = "临川县青石镇东山村一组17号"
PARTY_LABELS = ["申请人", "被申请人", "第三人", "姓名", "性别", "民族", "出生日期", "身份证号", "联系电话", "住址"]
PARTY_VALUES = [APPLICANT, RESPONDENT, THIRD, APPLICANT_ID, RESPONDENT_ID, APPLICANT_PHONE, ADDRESS, "汉族", "畲族",
                "1981.3.5", "45岁"]

#: name → (values from the case, labels) that must be on the printed document
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "application": (
        PARTY_VALUES + ["请求被申请人拆除占用部分围墙并赔偿损失。", FACTS, UNIT, "2026年11月3日"],
        PARTY_LABELS + ["申请事项", "事实和理由", "此致", "申请人（签名/按指印）"],
    ),
    "intake": (
        PARTY_VALUES + [NUMBER, "2026.11.3", "当事人申请", "宅基地", TITLE, "东山村一组", FACTS, "李明", "王芳",
                        "予以受理"],
        PARTY_LABELS + ["受理日期", "案件来源", "纠纷类别", "纠纷名称", "发生地点", "纠纷简要情况", "当事人申请事项",
                        "受理意见", "调解员", "登记人", "登记日期", "签名/按指印"],
    ),
    "rights_notice": (
        [f"{APPLICANT}、{RESPONDENT}、{THIRD}", NUMBER, TITLE, "李明", UNIT, "2026年11月3日"],
        ["当事人享有下列权利", "选择或者接受人民调解员", "要求调解公开进行或者不公开进行", "当事人应当履行下列义务",
         "如实陈述纠纷事实", "不收取任何费用", "三十日内", "申请人（签收/按指印）", "第三人（签收/按指印）"],
    ),
    "investigation": (
        [NUMBER, "2026年11月5日", "9:30—10:30", PLACE, "李明", "王芳", APPLICANT, "东山村村委委员张三", TITLE,
         "问：围墙是什么时候修建的？", "答：大约3平方米。"],
        ["调查时间", "调查地点", "调查人", "记录人", "被调查人", "在场人", "调查事项", "调查内容",
         "被调查人（签名/按指印）", "调查人（签名）", "记录人（签名）"],
    ),
    "mediation_record": (
        [NUMBER, "2026年11月12日", "14:00—16:30", PLACE, "李明、王芳", f"{APPLICANT}、{RESPONDENT}、{THIRD}",
         "东山村党支部书记赵大山", TITLE, "调解员向双方释明相邻关系的法律规定", "双方初步同意由被申请人拆除占用部分并补偿。"],
        ["调解时间", "调解地点", "调解员", "记录人", "当事人", "参加人", "纠纷事项", "调解过程", "调解结果",
         "申请人（签名/按指印）", "被申请人（签名/按指印）", "调解员（签名）"],
    ),
    "agreement": (
        PARTY_VALUES + [NUMBER, FACTS, "被申请人应承担主要责任。", "1.被申请人于2026年12月15日前拆除占用部分围墙；",
                        "2.被申请人一次性补偿申请人损失人民币3600元。", "现金当面交付", PLACE, "2026年12月15日",
                        "本协议一式四份，当事人各执一份，人民调解委员会留存一份。", UNIT, "2026年11月20日"],
        PARTY_LABELS + ["纠纷主要事实、争议事项及各方责任", "协议内容", "履行方式、地点和期限", "履行方式", "履行地点",
                        "履行期限", "申请人（签名/按指印）", "被申请人（签名/按指印）", "第三人（签名/按指印）",
                        "人民调解员（签名）", "申请司法确认"],
    ),
    "follow_up": (
        [NUMBER, "2026年11月26日", "申请人家中", "李明", APPLICANT, TITLE, "书面协议", "2026.12.15", "已履行",
         "补偿款已付清", "协议已履行完毕，可以结案。"],
        ["回访时间", "回访地点", "回访人", "被回访人", "纠纷事项", "协议履行情况", "回访情况", "态度变化", "新的风险",
         "当事人对调解工作的意见", "处理意见", "被回访人（签名/按指印）"],
    ),
    "jc_application": (
        [APPLICANT, RESPONDENT, THIRD, APPLICANT_ID, "2026年11月20日", NUMBER, UNIT, FACTS, COURT,
         "被申请人一次性补偿申请人损失人民币3600元。", "2026年11月25日"],
        ["司法确认申请书", "请求事项", "事实和理由", "申请人承诺", "没有恶意串通、规避法律的行为", "此致", "附：",
         "人民调解协议书一份", "申请人（签名/按指印）"],
    ),
    "archive_cover": (
        [UNIT, TITLE, NUMBER, "宅基地", f"{APPLICANT}、{RESPONDENT}、{THIRD}", "李明", "书面协议", "2026.11.3",
         "2026.11.20", "王芳", "长期"],
        ["人民调解卷宗", "卷号", "卷名", "案件编号", "纠纷类别", "当事人", "调解员", "调解结果", "受理日期", "结案日期",
         "立卷人", "立卷日期", "保管期限", "本卷页数"],
    ),
    "archive_contents": (
        ["人民调解申请书", "人民调解当事人权利义务告知书", "当事人身份证明", "授权委托书", "人民调解调查记录", "证据材料",
         "人民调解记录", "人民调解协议书", "履行凭证", "人民调解回访记录", "司法确认申请书"],
        ["卷内目录", "序号", "文书名称", "页号", "备注", "卷号"],
    ),
    "archive_notes": (
        [UNIT, TITLE, NUMBER, "2026年11月3日", "当事人申请", "李明", "开展调查1次", "组织调解1次", "达成书面调解协议",
         COURT, "王芳"],
        ["卷宗情况说明", "一、办理情况", "二、需要说明的情况", "立卷人（签名）"],
    ),
    "back_cover": (
        ["王芳", "本卷共有文书材料11件"],
        ["卷内备考表", "本卷情况说明", "立卷人", "立卷日期", "检查人", "检查日期"],
    ),
}
ORAL_EXPECTED = (
    PARTY_VALUES + [NUMBER, TITLE, "宅基地", "2026.11.20", "李明", "王芳", "1.被申请人于2026年12月15日前拆除占用部分围墙；",
                    "履行方式：现金当面交付", "2026.12.15前", "已履行", UNIT, "2026年11月20日"],
    PARTY_LABELS + ["纠纷名称", "达成日期", "调解员", "记录人", "纠纷简要情况", "口头协议内容", "履行方式、地点和期限",
                    "履行情况", "人民调解员（签名）"],
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every template of the catalogue for one full case (plus the oral register of an oral
    case and every template of an empty case), as PDF and DOCX."""
    from mediation_desk.services import printing

    folder = tmp_path_factory.mktemp("templates")
    desk = make_desk(folder)
    full = make_case(desk, folder)
    oral = make_case(desk, folder, oral=True, attachments=False)
    from mediation_desk.services import cases

    empty = cases.register_case(desk, "dispute", {"title": "无当事人信息的纠纷"}).id
    out: dict[str, dict[str, Path]] = {}
    for label, cid, names in (("full", full, [n for n in catalogue.CATALOGUE if n != "oral_agreement"]),
                              ("oral", oral, ["oral_agreement"]),
                              ("empty", empty, list(catalogue.CATALOGUE))):
        view = printing.case_view(desk, cid)
        for name in names:
            t = catalogue.get(name)
            if t.applicable(view)[0] or label != "empty":
                doc = printing.render_document(desk, cid, name)
            else:  # refused for this case (no agreement yet): the template still prints blanks
                doc = t.build(view)
            pdf = folder / f"{label}-{name}.pdf"
            docx = folder / f"{label}-{name}.docx"
            render_pdf(doc, pdf)
            render_docx(doc, docx)
            out[f"{label}:{name}"] = {"pdf": pdf, "docx": docx}
    desk.close()
    return out


def _stream_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(c["text"] for page in pdf.pages for c in page.chars)


def _docx_text(path: Path) -> str:
    d = open_docx(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _all_cases() -> list[str]:
    return [f"full:{n}" for n in EXPECTED] + ["oral:oral_agreement"]


def _expected(key: str) -> tuple[list[str], list[str]]:
    if key == "oral:oral_agreement":  # the second case registered
        values, labels = ORAL_EXPECTED
        return [v.replace(NUMBER, "（2026）青调字第002号") for v in values], labels
    return EXPECTED[key.split(":")[1]]


def test_every_template_is_covered():
    assert set(EXPECTED) | {"oral_agreement"} == set(catalogue.CATALOGUE)


@pytest.mark.parametrize("key", _all_cases())
def test_pdf_has_every_filled_field_and_label(printed, key):
    values, labels = _expected(key)
    text = squash(pdftotext(printed[key]["pdf"]))
    stream = squash(_stream_text(printed[key]["pdf"]))
    for v in values + labels:
        assert squash(v) in text or squash(v) in stream, (key, v)
    assert "None" not in text and "None" not in stream
    assert "\ufffd" not in text


@pytest.mark.parametrize("key", _all_cases())
def test_docx_has_every_filled_field_and_label(printed, key):
    values, labels = _expected(key)
    text = squash(_docx_text(printed[key]["docx"]))
    for v in values + labels:
        assert squash(v) in text, (key, v)
    assert "None" not in text


def test_titles_are_printed(printed):
    for name, t in catalogue.CATALOGUE.items():
        key = "oral:oral_agreement" if name == "oral_agreement" else f"full:{name}"
        title = "人民调解卷宗" if name == "archive_cover" else t.title
        assert title in squash(_stream_text(printed[key]["pdf"])), name


def test_rare_name_characters_come_out_as_themselves(printed):
    for name in ("application", "agreement", "intake", "jc_application", "archive_cover"):
        path = printed[f"full:{name}"]["pdf"]
        text = pdftotext(path)
        for ch in ("𠮷", "喆", "堃"):
            assert ch in text, (name, ch)
        assert APPLICANT in squash(text)
        assert "𠮷" in _stream_text(path)
        d = _docx_text(printed[f"full:{name}"]["docx"])
        assert APPLICANT in d and "王喆" in d and "李堃" in d


def _pdffonts(path: Path) -> list[tuple[str, str]]:
    exe = need_tool("pdffonts")
    res = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    rows = []
    for line in res.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 6:
            rows.append((parts[0], parts[-5]))
    return rows


def test_every_font_is_embedded(printed):
    for key, files in printed.items():
        rows = _pdffonts(files["pdf"])
        assert rows, key
        for name, emb in rows:
            assert emb == "yes", (key, name)


def test_pages_are_a4_and_text_stays_inside_the_margins(printed):
    for key, files in printed.items():
        with pdfplumber.open(files["pdf"]) as pdf:
            for n, page in enumerate(pdf.pages, 1):
                assert page.width == pytest.approx(595.3, abs=1) and page.height == pytest.approx(841.9, abs=1)
                below = []
                for c in page.chars:
                    assert c["x0"] >= 28 * MM - 2, (key, n, c["text"], c["x0"])
                    assert c["x1"] <= page.width - 26 * MM + 2, (key, n, c["text"], c["x1"])
                    assert c["top"] >= 37 * MM - 2, (key, n, c["text"], c["top"])
                    if c["bottom"] > page.height - 35 * MM + 2:
                        below.append(c["text"])
                # only the page number "— n —" may sit below the text block
                assert re.fullmatch(r"—\d+—", "".join(below).replace(" ", "")) or not below, (key, n, below)
                for rect in page.rects + page.lines:  # the ruled grids, too
                    assert rect["x0"] >= 28 * MM - 2 and rect["x1"] <= page.width - 26 * MM + 2, (key, n)


def test_letters_use_the_gb9704_body_and_title_sizes(printed):
    with pdfplumber.open(printed["full:agreement"]["pdf"]) as pdf:
        chars = pdf.pages[0].chars
    title = [c for c in chars if c["text"] in "人民调解协议书" and c["top"] < 37 * MM + 30]
    assert title and all(c["size"] == pytest.approx(22, abs=0.1) for c in title)
    body = [c for c in chars if c["text"] == "经"]
    assert body and all(c["size"] == pytest.approx(16, abs=0.1) for c in body)


def test_cover_contents_and_back_cover_carry_no_page_number(printed):
    for name in ("archive_cover", "archive_contents", "back_cover"):
        assert "—" not in pdftotext(printed[f"full:{name}"]["pdf"]).replace("9:30—10:30", "")


def test_standalone_contents_has_real_page_numbers(printed):
    text = pdftotext(printed["full:archive_contents"]["pdf"])
    line = next(ln for ln in text.splitlines() if "人民调解申请书" in ln or ln.strip() == "1-2")
    assert line
    assert re.search(r"\b1-2\b", text) and "本卷共11件" in squash(text)


def test_docx_is_a4_with_margins_and_east_asian_fonts(printed):
    for key, files in printed.items():
        d = open_docx(str(files["docx"]))
        s = d.sections[0]
        assert abs(s.page_width - Mm(210)) < Mm(0.1) and abs(s.page_height - Mm(297)) < Mm(0.1), key
        assert abs(s.top_margin - Mm(37)) < Mm(0.1) and abs(s.bottom_margin - Mm(35)) < Mm(0.1), key
        assert abs(s.left_margin - Mm(28)) < Mm(0.1) and abs(s.right_margin - Mm(26)) < Mm(0.1), key
        n = 0
        for r in d.element.body.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            assert rpr is not None, key
            fonts = rpr.find(qn("w:rFonts"))
            assert fonts is not None and fonts.get(qn("w:eastAsia")), key
            assert fonts.get(qn("w:eastAsiaTheme")) is None
            n += 1
        assert n > 5, key
        langs = [el.get(qn("w:eastAsia")) for el in d.styles.element.iter(qn("w:lang"))]
        assert "zh-CN" in langs, key  # document defaults: East-Asian language zh-CN
        names = {f.get(qn("w:eastAsia")) for f in d.element.body.iter(qn("w:rFonts"))}
        assert names & {"仿宋", "宋体", "黑体", "楷体", "方正小标宋简体"}, (key, names)


# ------------------------------------------------------------------ a case that lacks everything


@pytest.mark.parametrize("name", list(catalogue.CATALOGUE))
def test_empty_case_prints_blanks_never_none(printed, name):
    files = printed[f"empty:{name}"]
    text = pdftotext(files["pdf"])
    assert "None" not in text and "None" not in _docx_text(files["docx"])
    t = catalogue.CATALOGUE[name]
    title = "人民调解卷宗" if name == "archive_cover" else t.title
    stream = squash(_stream_text(files["pdf"]))
    assert title in stream
    assert "无当事人信息的纠纷" in stream or name in ("application", "agreement", "oral_agreement",
                                                     "jc_application", "back_cover", "archive_contents")
    with pdfplumber.open(files["pdf"]) as pdf:
        page = pdf.pages[0]
        ruled = len(page.lines) + len(page.rects)
    # something to write on: grid cells, ruled blank lines or underlined blanks
    assert ruled > 0 or "年月日" in stream, name


def test_empty_case_has_blank_party_rows_and_dates(printed):
    text = squash(_stream_text(printed["empty:agreement"]["pdf"]))
    for label in ("申请人", "被申请人", "姓名", "身份证号", "住址", "联系电话", "履行期限", "年月日"):
        assert label in text, label
    assert "本协议一式三份" in text  # two parties to be written in, plus the committee
    assert len(PdfReader(str(printed["empty:agreement"]["pdf"])).pages) <= 3
