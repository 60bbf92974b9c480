"""services/printing: saving documents with the register of generated documents, re-opening
them, masking, refusals, and the archive file (卷宗): the 卷号 allocated once, the contents with
the real page numbers, the attachments where DOMAIN.md puts them, the DOCX set."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))

from test_templates_cases import APPLICANT, APPLICANT_ID, make_case  # noqa: E402

from mediation_desk.services import cases, printing  # noqa: E402
from mediation_desk.services.context import ServiceError  # noqa: E402
from mediation_desk.store.models import AuditEntry, Case, GeneratedDocument, NumberSequence  # noqa: E402


def pdftotext(path: Path) -> str:
    res = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    assert res.returncode == 0
    return res.stdout.decode("utf-8")


def pages_text(path: Path) -> list[str]:
    return pdftotext(path).split("\f")[:-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ------------------------------------------------------------------ one document


def test_print_document_saves_and_records_with_sha256(desk, tmp_path):
    cid = make_case(desk, tmp_path, attachments=False)
    pdf = printing.print_document(desk, cid, "agreement", tmp_path / "out" / "协议书.pdf")
    docx = printing.print_document(desk, cid, "agreement", tmp_path / "out" / "协议书.docx", mask=True)
    assert pdf.path.is_file() and pdf.pages == 2 and docx.pages is None
    assert pdf.sha256 == sha(pdf.path) and docx.sha256 == sha(docx.path)
    rows = printing.generated_documents(desk, cid)
    assert {(r.doc_type, r.file_format, r.masked) for r in rows} == {("agreement", "pdf", False), ("agreement", "docx", True)}
    for r in rows:
        assert r.number == "（2026）青调字第001号" and r.doc_date.isoformat() == "2026-11-27"
        assert r.sha256 == sha(Path(r.path))
    with desk.read() as session:
        audited = session.exec(select(AuditEntry).where(AuditEntry.entity == "generated_document")).all()
    assert len(audited) == 2
    assert not list(tmp_path.glob("out/.*part*"))  # no temporary files left behind


def test_reopen_says_ok_changed_or_missing(desk, tmp_path):
    cid = make_case(desk, tmp_path, attachments=False)
    result = printing.print_document(desk, cid, "rights_notice", tmp_path / "告知书.pdf")
    found = printing.reopen(desk, result.record_id)
    assert found.state == "ok" and found.path == result.path.resolve() and found.message == ""
    with open(result.path, "ab") as fh:
        fh.write(b"\n% edited")
    assert printing.reopen(desk, result.record_id).state == "changed"
    result.path.unlink()
    missing = printing.reopen(desk, result.record_id)
    assert missing.state == "missing" and "文件已不在原位置" in missing.message
    with pytest.raises(ServiceError, match="登记簿中没有"):
        printing.reopen(desk, "0" * 32)


def test_masked_copy_hides_id_numbers_and_phones(desk, tmp_path):
    cid = make_case(desk, tmp_path, attachments=False)
    full = printing.print_document(desk, cid, "agreement", tmp_path / "full.pdf")
    masked = printing.print_document(desk, cid, "agreement", tmp_path / "masked.pdf", mask=True)
    full_text, masked_text = squash(pdftotext(full.path)), squash(pdftotext(masked.path))
    assert APPLICANT_ID in full_text and "13812345678" in full_text
    assert APPLICANT_ID not in masked_text and "13812345678" not in masked_text
    assert f"{APPLICANT_ID[:4]}**********{APPLICANT_ID[-4:]}" in masked_text and "138****5678" in masked_text
    assert APPLICANT in masked_text


def test_refusals_and_bad_formats(desk, tmp_path):
    cid = make_case(desk, tmp_path, attachments=False)
    with pytest.raises(ServiceError, match="不能打印口头协议登记表：本案达成的是书面协议"):
        printing.print_document(desk, cid, "oral_agreement", tmp_path / "x.pdf")
    with pytest.raises(ServiceError, match="不支持的输出格式"):
        printing.print_document(desk, cid, "agreement", tmp_path / "x.txt")
    with pytest.raises(ServiceError, match="没有名为“nope”的文书"):
        printing.print_document(desk, cid, "nope", tmp_path / "x.pdf")
    choices = {c.name: c for c in printing.document_choices(desk, cid)}
    assert choices["agreement"].ok and not choices["oral_agreement"].ok
    assert "书面协议" in choices["oral_agreement"].reason
    assert not list(tmp_path.glob("x.*"))


def test_marriage_terms_refuse_judicial_confirmation_with_the_reason(desk, tmp_path):
    cid = make_case(desk, tmp_path, category="divorce", terms="1. 双方自愿离婚；\n2. 男方支付女方经济帮助金2万元。",
                    attachments=False, jc=False)
    choices = {c.name: c for c in printing.document_choices(desk, cid)}
    assert not choices["jc_application"].ok
    assert "婚姻、收养或其他身份关系" in choices["jc_application"].reason
    with pytest.raises(ServiceError, match="依法不能申请司法确认"):
        printing.print_document(desk, cid, "jc_application", tmp_path / "jc.pdf")


# ------------------------------------------------------------------ the archive


@pytest.fixture
def archived(desk, tmp_path):
    cid = make_case(desk, tmp_path, investigations=2, sessions=2, extra_evidence=2)
    result = printing.build_archive(desk, cid, tmp_path / "卷宗" / "卷宗.pdf", tmp_path / "word")
    return desk, cid, result


def test_archive_number_is_allocated_once_and_audited(archived, tmp_path):
    desk, cid, first = archived
    assert first.archive_number == "（2026）青人调字第1号" and first.allocated
    again = printing.build_archive(desk, cid, tmp_path / "again.pdf")
    assert again.archive_number == first.archive_number and not again.allocated
    with desk.read() as session:
        case = session.get(Case, cid)
        assert case.archive_number == first.archive_number and case.archive_seq == 1
        seq = session.get(NumberSequence, (case.unit_id, "archive", 2026))
        assert seq.last_value == 1  # the second build took no number
        trail = session.exec(select(AuditEntry).where(AuditEntry.entity == "case", AuditEntry.entity_id == cid,
                                                      AuditEntry.action == "update")).all()
    assert any((a.after or {}).get("archive_number") == first.archive_number for a in trail)
    # a second case gets the next number
    other = make_case(desk, tmp_path, attachments=False)
    assert printing.build_archive(desk, other, tmp_path / "other.pdf").archive_number == "（2026）青人调字第2号"
    # and find_by_number finds a case by its archive number
    assert cases.find_by_number(desk, first.archive_number).id == cid


def test_archive_order_and_contents_page_numbers_match_the_real_pages(archived):
    _desk, _cid, result = archived
    keys = [e.key for e in result.entries]
    assert keys == [
        "application", "rights_notice", "attachments:id_proof", "attachments:power_of_attorney",
        "investigation", "investigation", "attachments:evidence", "mediation_record", "mediation_record",
        "agreement", "attachments:receipt", "follow_up", "jc_application",
    ]
    pages = pages_text(result.path)
    assert len(pages) == result.pages == result.front_pages + result.numbered_pages + 1
    # cover and contents come first, unnumbered
    assert "人民调解卷宗" in squash(_stream(result.path, 0)) and "卷内目录" in squash(pages[1])
    assert "—" not in pages[0] and not re.search(r"—\s*\d+\s*—", pages[1])
    contents = squash(pages[result.front_pages - 1]) if result.front_pages == 2 else squash("".join(pages[1:result.front_pages]))
    assert result.archive_number in contents
    with pdfplumber.open(result.path) as pdf:
        rows = _contents_rows(pdf, result.front_pages)
    assert [r[0] for r in rows] == [e.title for e in result.entries]
    for (title, first, last), entry in zip(rows, result.entries):
        assert (first, last) == (entry.first_page, entry.last_page), title
        page = pages[result.physical_page(first) - 1]
        assert squash(title) in squash(page), (title, first)  # the document's title is on that page
        assert re.search(rf"—\s*{first}\s*—", page), (title, first)  # which prints that number
    # the last numbered page, then the unnumbered back cover
    assert re.search(rf"—\s*{result.numbered_pages}\s*—", pages[-2])
    assert "卷内备考表" in squash(pages[-1]) and not re.search(r"—\s*\d+\s*—", pages[-1])
    assert f"共{result.numbered_pages}页" in squash(pages[-1]) and f"共{result.numbered_pages}页" in squash(_stream(result.path, 0))


def _stream(path: Path, index: int) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(c["text"] for c in pdf.pages[index].chars)


def _contents_rows(pdf, front_pages: int) -> list[tuple[str, int, int]]:
    """(文书名称, first page, last page) read from the 卷内目录 table."""
    out = []
    for page in pdf.pages[1:front_pages]:
        for table in page.extract_tables():
            for row in table:
                if not row or not row[0] or not row[0].strip().isdigit():
                    continue
                title, pages = squash(row[1]), row[2].strip()
                first, _, last = pages.partition("-")
                out.append((title, int(first), int(last or first)))
    return out


def test_archive_inserts_attachment_images_and_pdf_pages(archived):
    _desk, _cid, result = archived
    entries = {e.key: e for e in result.entries}
    pages = pages_text(result.path)
    receipt = entries["attachments:receipt"]
    receipt_pages = pages[result.physical_page(receipt.first_page) - 1: result.physical_page(receipt.last_page)]
    joined = "".join(receipt_pages)
    assert "RECEIPT PAGE 1" in joined and "RECEIPT PAGE 2" in joined
    assert "POWER OF ATTORNEY PAGE 1" in "".join(
        pages[result.physical_page(entries["attachments:power_of_attorney"].first_page) - 1:
              result.physical_page(entries["attachments:power_of_attorney"].last_page)])
    evidence = entries["attachments:evidence"]
    with pdfplumber.open(result.path) as pdf:
        images = sum(len(pdf.pages[i - 1].images) for i in range(result.physical_page(evidence.first_page),
                                                                  result.physical_page(evidence.last_page) + 1))
        assert images == 3  # 现场照片 + two more
        id_page = pdf.pages[result.physical_page(entries["attachments:id_proof"].first_page) - 1]
        assert len(id_page.images) == 1
        for page in pdf.pages:
            assert page.width == pytest.approx(595.3, abs=1) and page.height == pytest.approx(841.9, abs=1)
    assert evidence.note == "3份"


def test_archive_docx_set(archived):
    _desk, cid, result = archived
    files = result.docx_files
    assert len(files) == len(result.entries) + 3  # cover, contents, back cover
    assert files[0].name == "01_卷宗封面.docx" and files[1].name == "02_卷内目录.docx"
    assert files[-1].name.endswith("卷内备考表.docx")
    for path, entry in zip(files[2:-1], result.entries):
        assert entry.title in path.name
        d = open_docx(str(path))
        start = d.sections[0]._sectPr.find(qn("w:pgNumType"))
        if entry.first_page > 1:  # Word numbers the file from its page in the bound PDF
            assert start is not None and start.get(qn("w:start")) == str(entry.first_page)
    contents = "\n".join(c.text for t in open_docx(str(files[1])).tables for r in t.rows for c in r.cells)
    agreement = next(e for e in result.entries if e.key == "agreement")
    assert f"{agreement.first_page}-{agreement.last_page}" in contents
    registered = {r.path for r in printing.generated_documents(_desk, cid)}
    assert str(result.path.resolve()) in registered
    assert all(str(p.resolve()) in registered for p in files)


def test_archive_refused_for_open_or_voided_cases(desk, tmp_path):
    cid = make_case(desk, tmp_path, agreement=False, attachments=False)
    with pytest.raises(ServiceError, match="尚在办理中"):
        printing.build_archive(desk, cid, tmp_path / "open.pdf")
    with desk.read() as session:
        assert session.get(Case, cid).archive_number == ""
        assert session.get(NumberSequence, (session.get(Case, cid).unit_id, "archive", 2026)) is None
    closed = make_case(desk, tmp_path, attachments=False)
    cases.void_case(desk, closed, "重复登记")
    with pytest.raises(ServiceError, match="已作废"):
        printing.build_archive(desk, closed, tmp_path / "void.pdf")
    with pytest.raises(ServiceError, match="只能保存为|不支持的输出格式"):
        printing.build_archive(desk, make_case(desk, tmp_path, attachments=False), tmp_path / "x.docx")


def test_missing_attachment_is_noted_not_fatal(desk, tmp_path):
    from mediation_desk.services import attachments as att_service

    cid = make_case(desk, tmp_path)
    lost = next(a for a in att_service.list_attachments(desk, cid) if a.kind == "evidence")
    att_service.attachment_path(desk, lost).unlink()
    broken = tmp_path / "坏图.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really a picture")
    att_service.add_attachment(desk, cid, broken, "evidence")
    result = printing.build_archive(desk, cid, tmp_path / "卷宗.pdf")
    text = squash(pdftotext(result.path))
    assert "文件在数据文件夹中缺失" in text and "文件已损坏，无法打印" in text
    assert any("现场照片.png" in n for n in result.notes)
    assert "archive_notes" in [e.key for e in result.entries]  # 卷宗情况说明 explains it
    assert "卷宗情况说明" in text


def test_oral_agreement_archive_binds_the_register(desk, tmp_path):
    cid = make_case(desk, tmp_path, oral=True, attachments=False, follow_ups=0)
    result = printing.build_archive(desk, cid, tmp_path / "卷宗.pdf")
    keys = [e.key for e in result.entries]
    assert "oral_agreement" in keys and "agreement" not in keys and "jc_application" not in keys


def test_intake_register_when_the_case_did_not_start_with_an_application(desk, tmp_path):
    cid = make_case(desk, tmp_path, source="screening", attachments=False)
    result = printing.build_archive(desk, cid, tmp_path / "卷宗.pdf")
    assert result.entries[0].key == "intake" and result.entries[0].title == "人民调解受理登记表"


def test_suggested_path_and_documents_dir(desk, tmp_path):
    cid = make_case(desk, tmp_path, attachments=False)
    p = printing.suggested_path(desk, cid, "agreement", ".docx", mask=True)
    assert p.parent.name == "（2026）青调字第001号" and p.name == "人民调解协议书（隐藏）.docx"
    assert p.parent.parent == printing.documents_dir(desk)
    assert printing.safe_name('a/b:c*?"<>|') == "a_b_c______"


def test_generated_document_rows_are_complete(desk, tmp_path):
    cid = make_case(desk, tmp_path, attachments=False)
    printing.print_document(desk, cid, "follow_up", tmp_path / "回访.pdf")
    with desk.read() as session:
        row = session.exec(select(GeneratedDocument).where(GeneratedDocument.case_id == cid)).one()
    assert row.doc_type == "follow_up" and row.file_format == "pdf" and len(row.sha256) == 64
    assert PdfReader(row.path).pages
