"""The petition notices and the monthly petition ledger, printed from real petitions through the
shared printing service and read back: every field found by pdftotext, fonts embedded (pdffonts),
A4 (landscape for the ledger), the Word files; 处理意见书 ends with the right to a review within
30 days; a notice that does not apply yet is refused with the reason."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from mediation_desk.documents import catalogue
from mediation_desk.domain.idcard import make_id_number
from mediation_desk.services import organisation, petitions, printing
from mediation_desk.services.context import Desk, ServiceError
from mediation_desk.services.parties import PartyInput
from mediation_desk.store.engine import open_store

TODAY = date(2026, 11, 27)
UNIT = "青石镇人民政府"
MM = 72 / 25.4
GROUP = ["张三丰", "李四", "王五", "赵六", "孙七", "周八", "吴九"]
TITLE = "东山村村民反映征地补偿款未足额发放问题"
CLAIMS = "要求足额发放2025年征地补偿款每亩3.2万元，并公开补偿款收支明细。"
FACTS = "经调查核实，东山村一组2025年被征收土地共计46.3亩，征地补偿款已全额拨付至村集体账户。"
BASIS = "《中华人民共和国土地管理法》第四十八条"


def need_tool(name: str) -> str:
    exe = shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed (poppler-utils)")
    return exe


def pdftotext(path: Path) -> str:
    res = subprocess.run([need_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    return res.stdout.decode("utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_text(path: Path) -> str:
    d = open_docx(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("petition_notices")
    desk = Desk(open_store(folder / "db.sqlite"), actor="测试员", today_override=TODAY)
    organisation.init_unit(desk, UNIT, "青", "township_committee", township="青石镇", county="临川县")
    organisation.update_unit(desk, address="临川县青石镇人民路1号", phone="0794-1234567")
    township = organisation.list_areas(desk, "township")[0]
    east = organisation.add_area(desk, "东山村", "village", township.id)
    handler = organisation.add_staff(desk, "李明", ["mediator"], post="信访干部")

    def p(name, seq, rep=False):
        return PartyInput(role="petitioner", is_representative=rep,
                          fields={"name": name, "id_number": make_id_number("330102", date(1970, 3, 5), seq),
                                  "address": "临川县青石镇东山村一组"})

    ids: dict[str, str] = {}
    group = petitions.register_petition(desk, {
        "title": TITLE, "petition_type": "claim", "channel": "visit", "received_on": "2026-08-03", "claims": CLAIMS,
        "area_id": east.id, "mediator_id": handler.id}, [p(n, i + 1, i < 2) for i, n in enumerate(GROUP)])
    petitions.accept(desk, group.id, "2026-08-05")
    petitions.extend(desk, group.id, 30, "需要核查县自然资源局的征收档案和村集体账目", "赵建国", "2026-09-20")
    petitions.reply(desk, group.id, "explain", BASIS, FACTS, "2026-10-30", review_body="临川县人民政府")
    petitions.request_review(desk, group.id, "2026-11-10")
    petitions.record_review(desk, group.id, "维持青石镇人民政府作出的信访事项处理意见。", "2026-11-25")
    ids["group"] = group.id
    court = petitions.register_petition(desk, {"title": "李某反映邻居借款不还问题", "petition_type": "claim",
                                               "channel": "letter", "received_on": "2026-11-02"}, [p("李小龙", 20)])
    petitions.route_to_legal_channel(desk, court.id, "court", "2026-11-05", body="临川县人民法院",
                                     note="借款纠纷属于民事争议，应当通过诉讼途径解决")
    ids["court"] = court.id
    refused = petitions.register_petition(desk, {"title": "周某反映企业欠薪问题", "petition_type": "claim",
                                                 "channel": "phone", "received_on": "2026-11-03"}, [p("周大福", 21)])
    petitions.refuse(desk, refused.id, "该事项不属于本机关职权范围", "2026-11-04", refer_to="临川县人力资源和社会保障局")
    ids["refused"] = refused.id
    road = petitions.register_petition(desk, {"title": "王某反映县道养护问题", "petition_type": "suggestion",
                                              "channel": "online", "received_on": "2026-11-12"}, [p("王大锤", 22)])
    petitions.assign_out(desk, road.id, "临川县交通运输局", "2026-11-13", word="交办")
    ids["road"] = road.id
    land = petitions.register_petition(desk, {"title": "钱某反映宅基地确权问题", "petition_type": "claim",
                                              "channel": "visit", "received_on": "2026-03-02"}, [p("钱多多", 23)])
    petitions.accept(desk, land.id, "2026-03-03")
    petitions.reply(desk, land.id, "reject", "《中华人民共和国土地管理法》第六十二条", "经查不符合宅基地确权条件。",
                    "2026-04-20", review_body="临川县人民政府")
    petitions.request_review(desk, land.id, "2026-05-10")
    petitions.record_review(desk, land.id, "维持原处理意见。", "2026-06-01")
    petitions.request_rereview(desk, land.id, "2026-06-20", body="抚州市人民政府")
    petitions.record_rereview(desk, land.id, "维持临川县人民政府作出的复查意见。", "2026-07-15")
    ids["land"] = land.id
    again = petitions.register_petition(desk, {"title": "钱某再次反映宅基地确权问题", "petition_type": "claim",
                                               "channel": "visit", "received_on": "2026-11-20"}, [p("钱多多", 23)],
                                        repeat_of=land.id)
    ids["again"] = again.id

    plan = [("petition_accept", "group"), ("petition_extension", "group"), ("petition_opinion", "group"),
            ("petition_review", "group"), ("petition_reject", "court"), ("petition_reject", "refused"),
            ("petition_transfer", "road"), ("petition_rereview", "land"), ("petition_no_longer", "again")]
    out: dict[str, dict] = {}
    for name, who in plan:
        key = f"{name}:{who}"
        pdf = folder / f"{key.replace(':', '-')}.pdf"
        docx = folder / f"{key.replace(':', '-')}.docx"
        result = petitions.print_notice(desk, ids[who], name, pdf)
        printing.print_document(desk, ids[who], name, docx)
        out[key] = {"pdf": pdf, "docx": docx, "pages": result.pages, "case": ids[who]}
    ledger_pdf = folder / "ledger.pdf"
    ledger_docx = folder / "ledger.docx"
    petitions.export_petition_ledger(desk, "2026-11", ledger_pdf)
    petitions.export_petition_ledger(desk, "2026-11", ledger_docx)
    numbers = {k: petitions.notice_view(desk, v).number for k, v in ids.items()}
    yield {"files": out, "ids": ids, "desk": desk, "folder": folder, "ledger": (ledger_pdf, ledger_docx),
           "numbers": numbers}
    desk.close()


PETITIONERS = ["张三丰、李四等7人"]
EXPECTED: dict[str, list[str]] = {
    "petition_accept:group": ["信访事项受理告知书", *PETITIONERS, "2026年8月3日", "以来访形式", TITLE, "2026年8月5日",
                              "60日内办结", "2026年10月5日", "延长期限不超过30日", "特此告知", "分管领导（签名）", UNIT,
                              "承办人：李明", "0794-1234567"],
    "petition_extension:group": ["信访事项延期办理告知书", *PETITIONERS, "2026年8月5日", "原定于2026年10月5日前办结",
                                 "需要核查县自然资源局的征收档案和村集体账目", "（赵建国）批准", "延长30日", "至2026年11月3日",
                                 "2026年9月20日", UNIT],
    "petition_opinion:group": ["信访事项处理意见书", "信访人：张三丰、李四、王五、赵六、孙七等7人", "推选代表：张三丰、李四",
                               "一、信访请求", CLAIMS, "二、事实和理由", FACTS, "三、处理意见", "解释说明",
                               "四、法律政策依据", BASIS, "自收到本意见书之日起30日内", "临川县人民政府请求复查",
                               "2026年10月30日", UNIT],
    "petition_review:group": ["信访事项复查意见书", "2026年10月30日", "2026年11月10日请求复查", "原处理意见为“解释说明”",
                              "维持青石镇人民政府作出的信访事项处理意见。", "30日内", "请求复核", "临川县人民政府",
                              "2026年11月25日"],
    "petition_reject:court": ["信访事项不予受理告知书", "李小龙：", "以来信形式", "李某反映邻居借款不还问题",
                              "借款纠纷属于民事争议，应当通过诉讼途径解决", "不作为信访事项受理", "已导入诉讼程序",
                              "临川县人民法院", "2026年11月5日"],
    "petition_reject:refused": ["信访事项不予受理告知书", "周大福：", "通过电话", "该事项不属于本机关职权范围",
                                "本机关不予受理", "临川县人力资源和社会保障局", "2026年11月4日"],
    "petition_transfer:road": ["信访事项交办告知书", "王大锤：", "通过网上信访", "王某反映县道养护问题",
                               "属地管理、分级负责，谁主管、谁负责", "交办临川县交通运输局处理", "督促",
                               "2026年11月13日"],
    "petition_rereview:land": ["信访事项复核意见书", "信访人：钱多多", "临川县人民政府", "2026年6月1日", "2026年6月20日请求复核",
                               "维持原处理意见。", "维持临川县人民政府作出的复查意见。", "最终处理意见",
                               "第三十六条", "不再受理", "抚州市人民政府", "2026年7月15日"],
    "petition_no_longer:again": ["信访事项不再受理告知书", "钱多多：", "2026年11月20日", "钱某再次反映宅基地确权问题",
                                 "钱某反映宅基地确权问题", "同一事实和理由", "2026年7月15日", "抚州市人民政府",
                                 "第三十六条", "本机关对该信访事项不再受理"],
}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_pdf_has_every_field(printed, key):
    files = printed["files"][key]
    text = squash(pdftotext(files["pdf"]))
    number = printed["numbers"][key.split(":")[1]]
    for value in EXPECTED[key] + [number]:
        assert squash(value) in text, (key, value)
    assert "None" not in text and "\ufffd" not in text


@pytest.mark.parametrize("key", list(EXPECTED))
def test_docx_has_every_field(printed, key):
    text = squash(docx_text(printed["files"][key]["docx"]))
    for value in EXPECTED[key]:
        assert squash(value) in text, (key, value)
    assert "None" not in text


@pytest.mark.parametrize("key", list(EXPECTED))
def test_a4_portrait_fonts_embedded(printed, key):
    path = printed["files"][key]["pdf"]
    reader = PdfReader(str(path))
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 210 * MM) < 1 and abs(h - 297 * MM) < 1
    res = subprocess.run([need_tool("pdffonts"), str(path)], capture_output=True, timeout=60, text=True)
    rows = [ln.split() for ln in res.stdout.splitlines()[2:] if ln.strip()]
    assert rows, "no fonts listed"
    for row in rows:
        emb = row[-5]
        assert emb == "yes", (key, row)


def test_opinion_ends_with_the_right_to_a_review(printed):
    text = squash(pdftotext(printed["files"]["petition_opinion:group"]["pdf"]))
    body_end = text.rindex("分管领导")
    last = text[:body_end]
    tail = last[last.rindex("四、法律政策依据"):]
    assert tail.endswith("你们如对本处理意见不服，可以自收到本意见书之日起30日内，向临川县人民政府请求复查。")


def test_letter_layout_title_and_number(printed):
    import pdfplumber

    with pdfplumber.open(printed["files"]["petition_accept:group"]["pdf"]) as pdf:
        page = pdf.pages[0]
        title_chars = [c for c in page.chars if c["text"] in "信访事项受理告知书" and c["size"] > 20]
        assert title_chars, "title in 2号 (22 pt)"
        body = [c for c in page.chars if abs(c["size"] - 16) < 0.6]
        assert body, "body in 3号 (16 pt)"
        left = min(c["x0"] for c in body)
        assert abs(left - 28 * MM) < 2  # binding margin 28 mm
        top = min(c["top"] for c in title_chars)
        assert top >= 37 * MM - 2  # the text block starts 37 mm down


def test_notices_are_registered_in_the_catalogue_apart_from_the_mediation_documents():
    assert set(petitions.NOTICE_NAMES) <= set(catalogue.all_documents())
    assert not set(petitions.NOTICE_NAMES) & set(catalogue.CATALOGUE)
    t = catalogue.get("petition_opinion")
    assert t.title == "信访事项处理意见书" and t.make_view is petitions.notice_view


def test_a_notice_that_does_not_apply_is_refused_with_the_reason(printed, tmp_path):
    desk, ids = printed["desk"], printed["ids"]
    with pytest.raises(ServiceError) as info:
        petitions.print_notice(desk, ids["road"], "petition_opinion", tmp_path / "x.pdf")
    assert "尚未出具处理意见" in str(info.value)
    with pytest.raises(ServiceError) as info:
        petitions.print_notice(desk, ids["again"], "petition_reject", tmp_path / "x.pdf")
    assert "不再受理告知书" in str(info.value)
    with pytest.raises(ServiceError):
        petitions.print_notice(desk, ids["group"], "agreement", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_printed_notices_are_in_the_register_of_documents(printed):
    rows = printing.generated_documents(printed["desk"], printed["ids"]["group"])
    assert {"petition_accept", "petition_extension", "petition_opinion", "petition_review"} <= {r.doc_type for r in rows}


def test_masked_copy_hides_id_numbers_but_keeps_names(printed, tmp_path):
    view = petitions.notice_view(printed["desk"], printed["ids"]["group"], mask=True)
    assert all("*" in p.id_number for p in view.petitioners)
    assert view.petitioners[0].name == "张三丰"


def test_blank_view_prints_blanks_not_none(tmp_path):
    from mediation_desk.documents.pdf import render_pdf
    from mediation_desk.documents.templates import petition_notices
    from mediation_desk.documents.templates.petition_common import PetitionView

    for spec in petition_notices.NOTICES:
        path = tmp_path / f"{spec.name}.pdf"
        render_pdf(spec.build(PetitionView()), path)
        text = pdftotext(path)
        assert "None" not in text and squash(spec.title[:6]) in squash(text), spec.name
        assert "分管领导（签名）" in squash(text)
        assert all(ch in text for ch in "年月日")  # the date left blank to write by hand


def test_ledger_is_a4_landscape_with_the_figures(printed):
    pdf, docx = printed["ledger"]
    page = PdfReader(str(pdf)).pages[0]
    assert abs(float(page.mediabox.width) - 297 * MM) < 1 and abs(float(page.mediabox.height) - 210 * MM) < 1
    text = squash(pdftotext(pdf))
    for value in ("2026年11月信访事项登记台账", "填报单位（盖章）", UNIT, "信访事项及主要诉求", "期限", "复查/复核",
                  "李某反映邻居借款不还问题", "导入诉讼途径", "不予受理2026.11.4", "转送交办临川县交通运输局",
                  "不再受理2026.11.20", "重复信访", "本月统计", "新信访事项", "不计入新信访事项", "制表人", "审核人",
                  "主要负责人"):
        assert squash(value) in text, value
    assert printed["numbers"]["again"] in text
    assert "钱某反映宅基地确权问题" not in text  # received in March: another month's ledger
    res = subprocess.run([need_tool("pdffonts"), str(pdf)], capture_output=True, timeout=60, text=True)
    assert all(ln.split()[-5] == "yes" for ln in res.stdout.splitlines()[2:] if ln.strip())
    assert "2026年11月信访事项登记台账" in docx_text(docx)
