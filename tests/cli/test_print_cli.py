"""`print` and `archive` on the command line, run in-process (cli.run(build_parser().parse_args(…)))."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))

from test_templates_cases import APPLICANT, APPLICANT_ID, make_case, make_desk  # noqa: E402

import mediation_desk.cli_print  # noqa: E402,F401  (registers the subcommands)
from mediation_desk import cli  # noqa: E402
from mediation_desk.documents import catalogue  # noqa: E402

TODAY = "2026-11-27"
NUMBER = "（2026）青调字第001号"


def call(capsys, *argv) -> tuple[int, str, str]:
    code = cli.run(cli.build_parser().parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def db(tmp_path) -> Path:
    desk = make_desk(tmp_path)
    make_case(desk, tmp_path)
    path = Path(desk.store.path)
    desk.close()
    return path


def text(path: Path) -> str:
    res = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    return "".join(res.stdout.decode("utf-8").split())


def test_print_list_shows_every_document_with_its_chinese_title(capsys):
    code, out, _err = call(capsys, "print", "--list")
    assert code == 0
    for name, t in catalogue.CATALOGUE.items():
        line = next(ln for ln in out.splitlines() if ln.startswith(name + " "))
        assert t.label in line and t.title in line


def test_print_list_for_a_case_says_what_applies(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "print", "--list", "(2026)青调字第001号")
    assert code == 0 and NUMBER in out
    oral = next(ln for ln in out.splitlines() if ln.startswith("oral_agreement"))
    assert "不可" in oral and "书面协议" in oral
    assert "可以" in next(ln for ln in out.splitlines() if ln.startswith("agreement "))


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_print_writes_the_file_and_registers_it(capsys, db, tmp_path, suffix):
    out_file = tmp_path / f"协议书{suffix}"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "print", "agreement", NUMBER, "--out", out_file)
    assert code == 0, err
    assert out_file.is_file() and "已生成" in out and "人民调解协议书" in out
    if suffix == ".pdf":
        assert len(PdfReader(str(out_file)).pages) == 2
        assert APPLICANT in text(out_file) and APPLICANT_ID in text(out_file)
    from mediation_desk.services import cases, printing
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    desk = Desk(open_store(db))
    try:
        case_id = cases.find_by_number(desk, NUMBER).id
        rows = printing.generated_documents(desk, case_id)
    finally:
        desk.close()
    assert len(rows) == 1 and rows[0].doc_type == "agreement" and rows[0].file_format == suffix[1:]
    assert rows[0].sha256 == hashlib.sha256(out_file.read_bytes()).hexdigest()


def test_print_mask(capsys, db, tmp_path):
    out_file = tmp_path / "masked.pdf"
    code, _out, err = call(capsys, "--db", db, "--today", TODAY, "print", "application", NUMBER, "--out", out_file,
                           "--mask")
    assert code == 0 and "已隐藏" in err
    t = text(out_file)
    assert APPLICANT_ID not in t and f"{APPLICANT_ID[:4]}**********{APPLICANT_ID[-4:]}" in t


def test_print_refusals_are_chinese_with_exit_code_2(capsys, db, tmp_path):
    code, _o, err = call(capsys, "--db", db, "--today", TODAY, "print", "oral_agreement", NUMBER, "--out",
                         tmp_path / "x.pdf")
    assert code == 2 and "本案达成的是书面协议" in err
    code, _o, err = call(capsys, "--db", db, "print", "nosuchdoc", NUMBER, "--out", tmp_path / "x.pdf")
    assert code == 2 and "没有名为“nosuchdoc”的文书" in err
    code, _o, err = call(capsys, "--db", db, "print", "agreement", NUMBER, "--out", tmp_path / "x.odt")
    assert code == 2 and "不支持的输出格式" in err
    code, _o, err = call(capsys, "--db", db, "print", "agreement", "（2026）青调字第999号", "--out", tmp_path / "x.pdf")
    assert code == 2 and "找不到编号为" in err
    code, _o, err = call(capsys, "--db", db, "print", "agreement", NUMBER)
    assert code == 2 and "--out" in err
    assert not list(tmp_path.glob("x.*"))


def test_archive_builds_pdf_and_docx_folder_and_keeps_the_number(capsys, db, tmp_path):
    out_file = tmp_path / "卷宗.pdf"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "archive", NUMBER, "--out", out_file,
                          "--docx-dir", tmp_path / "word")
    assert code == 0, err
    assert "卷号：（2026）青人调字第1号（本次分配）" in out and "人民调解协议书" in out
    assert out_file.is_file() and len(list((tmp_path / "word").glob("*.docx"))) >= 10
    pages = len(PdfReader(str(out_file)).pages)
    assert f"共 {pages} 页" in out
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "archive", "（2026）青人调字第1号", "--out",
                           tmp_path / "again.pdf")
    assert code == 0 and "卷号：（2026）青人调字第1号；" in out  # found by its archive number, not re-allocated
    code, _out, err = call(capsys, "--db", db, "archive", NUMBER, "--out", tmp_path / "卷宗.docx")
    assert code == 2 and "卷宗只能保存为 PDF" in err
