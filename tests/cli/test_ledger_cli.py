"""`mediation-desk ledger` and `mediation-desk screening-status`, run in-process."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import mediation_desk.cli_screening  # noqa: F401  (registers the subcommands until cli.py lists it)
from mediation_desk import cli
from mediation_desk.services import cases, ledger, organisation, screening
from mediation_desk.services.parties import PartyInput

TODAY = "2026-11-27"


def call(capsys, *argv) -> tuple[int, str, str]:
    code = cli.run(cli.build_parser().parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


@pytest.fixture
def db(desk, db_path) -> Path:
    """The `desk` fixture's database with a few cases and one zero report."""
    east = next(v for v in organisation.villages(desk) if v.name == "东山村")
    west = next(v for v in organisation.villages(desk) if v.name == "西河村")
    a = cases.register_case(desk, "dispute", {"title": "张三与李四宅基地纠纷", "category": "homestead",
                                              "area_id": east.id, "received_on": "2026-10-05"},
                            [PartyInput("applicant", fields={"name": "张三", "phone": "13812345678"})])
    b = cases.register_case(desk, "dispute", {"title": "王五借款纠纷", "category": "contract_loan",
                                              "area_id": west.id, "received_on": "2026-11-02"})
    cases.change_status(desk, b.id, "mediating", "2026-11-03")
    cases.change_status(desk, b.id, "agreed", "2026-11-10")
    ledger.close_out(desk, b.id, date(2026, 11, 12), "王芳")
    screening.record_round(desk, screening.RoundInput(area_id=west.id, screened_on=date(2026, 11, 8),
                                                      submitted_on=date(2026, 11, 9), signed_by="刘村长"))
    return db_path


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".xlsx"])
def test_ledger_writes_each_format(capsys, db, tmp_path, suffix):
    out_file = tmp_path / f"台账{suffix}"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "ledger", "--month", "2026-11", "--out", out_file)
    assert code == 0, err
    assert out_file.exists() and out_file.stat().st_size > 1000
    assert f"已生成：{out_file}" in out
    assert "青石镇矛盾纠纷排查化解工作台账（2026年11月）" in out
    assert "上月结转 1，本月新增 1，本月在办 2，本月化解 1，结转下月 1，化解率 50.0%" in out
    assert "未报送排查情况的村（社区）：东山村" in err


def test_ledger_for_one_village_with_masking(capsys, db, tmp_path):
    from openpyxl import load_workbook

    out_file = tmp_path / "东山村.xlsx"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "ledger", "--month", "2026-11", "--area", "东山村",
                          "--out", out_file, "--mask", "--sheets", "ledger,stats")
    assert code == 0, err
    assert "青石镇东山村矛盾纠纷排查化解工作台账（2026年11月）" in out and "已隐藏" in err
    wb = load_workbook(out_file)
    assert wb.sheetnames == ["滚动台账", "统计表"]
    ws = wb["滚动台账"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "张三与李四宅基地纠纷" in values and "王五借款纠纷" not in values


def test_ledger_a3_and_option_order(capsys, db, tmp_path):
    from pypdf import PdfReader

    out_file = tmp_path / "a3.pdf"
    code, _out, err = call(capsys, "ledger", "--db", db, "--today", TODAY, "--month", "2026-11", "--paper", "A3",
                           "--out", out_file)
    assert code == 0, err
    page = PdfReader(str(out_file)).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 420


@pytest.mark.parametrize("args, message", [
    (["--month", "2026-11", "--out", "台账.txt"], "不支持的输出格式"),
    (["--month", "2026-11", "--area", "北山村", "--out", "x.pdf"], "找不到名为“北山村”"),
])
def test_ledger_refusals_exit_2_in_chinese(capsys, db, tmp_path, args, message):
    args = [str(tmp_path / a) if a.endswith((".txt", ".pdf")) else a for a in args]
    code, _out, err = call(capsys, "--db", db, "--today", TODAY, "ledger", *args)
    assert code == 2 and message in err


def test_ledger_bad_month_is_an_argument_error(capsys, db, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        cli.build_parser().parse_args(["--db", str(db), "ledger", "--month", "2026-13", "--out", str(tmp_path / "x.pdf")])
    assert exit_info.value.code == 2
    assert "格式不正确" in capsys.readouterr().err


def test_missing_database_is_refused(capsys, tmp_path):
    code, _out, err = call(capsys, "--db", tmp_path / "none.sqlite", "ledger", "--month", "2026-11",
                           "--out", tmp_path / "x.pdf")
    assert code == 2 and "找不到数据文件" in err


def test_screening_status_table(capsys, db):
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "screening-status", "--month", "2026-11")
    assert code == 0, err
    assert "2026年11月矛盾纠纷排查报送情况" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith(("东山村", "西河村"))}
    assert "未报" in lines["东山村"] and "零报告" in lines["西河村"] and "2026-11-09" in lines["西河村"]
    assert "合计：已报 0，零报告 1，逾期补报 0，未报 1，待报 0。" in out


def test_screening_status_json(capsys, db):
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "screening-status", "--month", "2026-11", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["month"] == "2026-11" and data["counts"]["missing"] == 1 and data["counts"]["zero"] == 1
    by_village = {v["village"]: v for v in data["villages"]}
    assert by_village["东山村"]["status"] == "missing" and by_village["东山村"]["due_on"] == "2026-11-20"
    assert by_village["西河村"]["status"] == "zero" and by_village["西河村"]["zero_report"] is True
    assert data["major_pending"] == []


def test_screening_status_defaults_to_this_month(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", "2026-10-10", "screening-status", "--json")
    assert code == 0 and json.loads(out)["month"] == "2026-10"


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert "ledger" in out and "screening-status" in out
