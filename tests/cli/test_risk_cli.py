"""`mediation-desk risk`, `risk-report` and `risk-stats`, run in-process."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

import mediation_desk.cli_risk  # noqa: F401  (registers the subcommands; cli.py also finds cli_*.py itself)
from mediation_desk import cli
from mediation_desk.services import cases, risk
from mediation_desk.services.risk import ADOPT_SUGGESTED, AssessmentInput, DimensionInput

TODAY = "2026-11-27"
PASS_ALL = {c: DimensionInput("pass") for c in ("legality", "reasonableness", "feasibility", "controllability")}


def call(capsys, *argv) -> tuple[int, str, str]:
    code = cli.run(cli.build_parser().parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def parse_error(capsys, *argv) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        cli.build_parser().parse_args([str(a) for a in argv])
    return info.value.code, capsys.readouterr().err


@pytest.fixture
def db(desk, db_path) -> Path:
    """Q4: one assessment overridden to high and filed, one pending; Q3: one low; one high case
    received in Q4 without an assessment."""
    risk.save_assessment(desk, AssessmentInput(
        title="青石镇圩日集市搬迁", matter_type="decision", responsible_unit="青石镇党政综合办公室",
        surveyed=200, in_favour=120, against=60, neutral=20, dimensions=dict(PASS_ALL), level="high",
        override_reason="涉及摊贩较多，上调一级", decision_outcome="postpone", assessed_on=date(2026, 10, 15),
        filed_on=date(2026, 10, 20), filing_number="临稳备〔2026〕30号", filing_office="临川县委政法委（维稳办）"))
    risk.save_assessment(desk, AssessmentInput(title="元旦文艺汇演", matter_type="event", assessed_on=date(2026, 11, 25)))
    risk.save_assessment(desk, AssessmentInput(
        title="河道综合治理工程", matter_type="project", surveyed=50, in_favour=45, against=3, neutral=2,
        dimensions=dict(PASS_ALL), level=ADOPT_SUGGESTED, decision_outcome="implement", assessed_on=date(2026, 8, 3)))
    cases.register_case(desk, "dispute", {"title": "王五聚集上访", "category": "neighbour", "risk_grade": "high",
                                          "received_on": "2026-10-20"})
    return db_path


def test_risk_lists_a_quarter_with_its_figures(capsys, db):
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "risk", "--quarter", "2026Q4")
    assert code == 0, err
    assert "（2026）青稳评字第001号" in out and "青石镇圩日集市搬迁" in out and "高（改判）" in out
    assert "元旦文艺汇演" in out and "未定级" in out and "河道综合治理工程" not in out
    assert "2026年第四季度：应评事项3件，已评1件，评估率33.3%" in out
    assert "已报备1件，报备率100.0%；改判等级1件" in out


def test_risk_all_and_json(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "risk")
    assert code == 0 and "河道综合治理工程" in out and "共 3 件" in out
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "risk", "--quarter", "2026q4", "--json")
    data = json.loads(out)
    assert data["quarter"] == "2026Q4" and data["count"] == 2
    first = next(a for a in data["assessments"] if a["title"] == "青石镇圩日集市搬迁")
    assert (first["suggested_level"], first["level"], first["overridden"]) == ("medium", "high", True)
    assert first["override_reason"] == "涉及摊贩较多，上调一级" and first["filing_number"] == "临稳备〔2026〕30号"
    assert first["assessed_on"] == "2026-10-15" and first["decision_label"] == "暂缓实施"
    assert first["filing_office"] == "临川县委政法委（维稳办）" and first["filed_on"] == "2026-10-20"
    assert first["follow_up"] == [] and first["void_reason"] == "" and first["status"] == "filed"
    pending = next(a for a in data["assessments"] if a["title"] == "元旦文艺汇演")
    assert (pending["filed_on"], pending["filing_number"], pending["filing_office"]) == (None, "", "")
    stats = data["stats"]
    assert (stats["due"], stats["assessed"], stats["rate"], stats["uncovered_high_cases"]) == (3, 1, "33.3%", 1)
    assert {x["level"]: x["count"] for x in stats["by_level"]} == {"high": 1, "medium": 0, "low": 0}


@pytest.mark.parametrize("bad", ["2026Q5", "2026-10", "四季度", "Q4"])
def test_bad_quarter_is_refused_in_chinese(capsys, db, bad):
    code, err = parse_error(capsys, "--db", db, "risk", "--quarter", bad)
    assert code == 2 and "2026Q4 这样的形式" in err and f"季度“{bad}”无法识别" in err
    code, err = parse_error(capsys, "--db", db, "risk-stats", "--quarter", bad, "--out", "x.pdf")
    assert code == 2 and "无法识别" in err


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_risk_report_by_number_or_id(capsys, db, tmp_path, suffix):
    out_file = tmp_path / f"报告{suffix}"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "risk-report", "(2026)青稳评字第001号", "--out", out_file)
    assert code == 0, err
    assert out_file.stat().st_size > 1000 and f"已生成：{out_file}" in out
    assert "关于青石镇圩日集市搬迁的社会稳定风险评估报告" in out
    desk_id = json.loads(call(capsys, "--db", db, "--today", TODAY, "risk", "--json")[1])["assessments"][-1]["id"]
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "risk-report", desk_id, "--out",
                          tmp_path / f"报备表{suffix}", "--filing")
    assert code == 0, err
    assert "社会稳定风险评估报备表" in out


def test_risk_report_pdf_text(capsys, db, tmp_path):
    exe = shutil.which("pdftotext")
    if not exe:
        pytest.skip("pdftotext is not installed")
    out_file = tmp_path / "报告.pdf"
    call(capsys, "--db", db, "--today", TODAY, "risk-report", "（2026）青稳评字第001号", "--out", out_file)
    text = subprocess.run([exe, "-enc", "UTF-8", str(out_file), "-"], capture_output=True).stdout.decode()
    compact = "".join(text.split())
    assert "改判理由：涉及摊贩较多，上调一级" in compact and "临稳备〔2026〕30号" in compact
    filing = tmp_path / "报备表.pdf"
    call(capsys, "--db", db, "--today", TODAY, "risk-report", "（2026）青稳评字第001号", "--out", filing, "--filing")
    text = subprocess.run([exe, "-enc", "UTF-8", str(filing), "-"], capture_output=True).stdout.decode()
    compact = "".join(text.split())
    assert "临稳备〔2026〕30号" in compact and "临川县委政法委（维稳办）" in compact


def test_risk_report_refusals(capsys, db, tmp_path):
    code, _out, err = call(capsys, "--db", db, "risk-report", "（2026）青稳评字第099号", "--out", tmp_path / "x.pdf")
    assert code == 2 and "找不到编号为“（2026）青稳评字第099号”的风险评估" in err
    code, _out, err = call(capsys, "--db", db, "risk-report", "（2026）青稳评字第001号", "--out", tmp_path / "x.txt")
    assert code == 2 and "--out 应以 .pdf 或 .docx 结尾" in err
    code, _out, err = call(capsys, "--db", db, "--today", TODAY, "risk-report", "（2026）青稳评字第002号",
                           "--out", tmp_path / "pending.pdf")
    assert code == 0 and "风险等级尚未确定" in err
    code, err = parse_error(capsys, "--db", db, "risk-report", "（2026）青稳评字第001号")
    assert code == 2 and "缺少必需的参数" in err


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".xlsx"])
def test_risk_stats_each_format(capsys, db, tmp_path, suffix):
    out_file = tmp_path / f"统计{suffix}"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "risk-stats", "--quarter", "2026Q4", "--out", out_file)
    assert code == 0, err
    assert out_file.stat().st_size > 1000
    assert "2026年第四季度社会稳定风险评估工作统计表（3 个事项" in out
    assert "应评事项3件，已评1件，评估率33.3%" in out


def test_risk_stats_refuses_other_formats(capsys, db, tmp_path):
    code, _out, err = call(capsys, "--db", db, "risk-stats", "--quarter", "2026Q4", "--out", tmp_path / "x.csv")
    assert code == 2 and "--out 应以 .pdf、.docx 或 .xlsx 结尾" in err


def test_commands_are_registered_without_importing_the_module_first():
    parser = cli.build_parser()
    help_text = parser.format_help()
    for name in ("risk", "risk-report", "risk-stats"):
        assert name in cli.COMMANDS and name in help_text
