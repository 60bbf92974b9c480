"""`mediation-desk contracts`, `contracts-ledger` and `contract-letter`, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mediation_desk.cli_contracts  # noqa: F401  (registers the subcommands; cli.py also finds it itself)
from mediation_desk import cli
from mediation_desk.services import cases, contracts, organisation
from mediation_desk.services.contracts import CloseInput, ContractInput, ProgressInput
from mediation_desk.services.parties import PartyInput

TODAY = "2026-11-27"


def call(capsys, *argv) -> tuple[int, str, str]:
    code = cli.run(cli.build_parser().parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


@pytest.fixture
def db(desk, db_path) -> Path:
    """Three contracts: 赵建国's overdue one (with November's report) and his due-soon one,
    钱副镇长's closed one."""
    village = organisation.villages(desk)[0]
    zhao = next(s for s in organisation.list_staff(desk) if s.name == "赵建国")
    qian = organisation.add_staff(desk, "钱副镇长", ["leader"], post="副镇长")

    def contract(title, received, assigned, leader):
        case = cases.register_case(desk, "dispute", {"title": title, "category": "homestead", "area_id": village.id,
                                                     "received_on": received, "claims": f"{title}的诉求"},
                                   [PartyInput("applicant", fields={"name": title[:2]})])
        return case, contracts.assign_contract(desk, case.id, ContractInput(
            leader_id=leader.id, responsible_unit="青石镇司法所", responsible_persons="李明",
            plan="三、工作措施：走访；协调。", assigned_on=assigned))

    _c1, late = contract("张三宅基地纠纷", "2026-05-01", "2026-05-10", zhao)
    contracts.add_progress(desk, late.id, ProgressInput(work_done="赵建国约谈张三", entry_on="2026-11-20"))
    _c2, soon = contract("李四土地纠纷", "2026-08-20", "2026-09-08", zhao)
    _c3, done = contract("王五山林纠纷", "2026-08-01", "2026-08-05", qian)
    contracts.close_contract(desk, done.id, CloseInput(status="resolved", satisfaction="satisfied", approver="周镇长",
                                                       facts_investigated=True, handling_proper=True,
                                                       problem_solved=True, closed_on="2026-11-10"))
    return db_path


def test_contracts_lists_the_open_ones_with_loads(capsys, db):
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "contracts")
    assert code == 0, err
    assert "化解中的领导包案（统计日 2026-11-27）：共 2 件" in out
    assert "张三宅基地纠纷" in out and "李四土地纠纷" in out and "王五山林纠纷" not in out
    assert "超期109天" in out and "还剩11天" in out
    lines = out.splitlines()
    row = next(ln for ln in lines if "张三宅基地纠纷" in ln)
    assert "已报" in row and "赵建国（镇党委副书记）" in row
    assert "未报" in next(ln for ln in lines if "李四土地纠纷" in ln)
    load = next(ln for ln in lines if ln.startswith("钱副镇长"))
    assert load.split()[-1] == "1"  # one closed


def test_contracts_by_leader_overdue_and_json(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "contracts", "--leader", "赵建国", "--overdue")
    assert code == 0
    assert "赵建国的已超期的领导包案" in out and "张三宅基地纠纷" in out and "李四土地纠纷" not in out
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "contracts", "--json", "--all")
    assert code == 0
    data = json.loads(out)
    assert {d["case_title"]: d["state"] for d in data} == {
        "张三宅基地纠纷": "overdue", "李四土地纠纷": "due_soon", "王五山林纠纷": "closed"}
    first = data[0]
    assert first["number"] == "（2026）青包字第001号" and first["deadline_on"] == "2026-08-10"
    assert first["days_left"] == -109 and first["progress_this_month"] is True and first["state_label"] == "已超期"
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "contracts", "--leader", "钱副镇长", "--json")
    assert code == 0 and json.loads(out) == []


def test_contracts_unknown_leader_is_refused(capsys, db):
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "contracts", "--leader", "无此人")
    assert code == 2
    assert "没有名为“无此人”的包案领导" in err and "赵建国" in err


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".xlsx"])
def test_contracts_ledger_writes_each_format(capsys, db, tmp_path, suffix):
    out_file = tmp_path / f"包案台账{suffix}"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "contracts-ledger", "--month", "2026-11",
                          "--out", out_file)
    assert code == 0, err
    assert out_file.exists() and out_file.stat().st_size > 1000
    assert f"已生成：{out_file}" in out
    assert "青石镇领导包案工作台账（2026年11月）（3 件" in out
    assert "本月在册包案3件，其中本月交办0件；本月销号1件（已化解1件）；结转下月2件，其中超期1件；本月未报送工作情况1件。" in out


def test_contracts_ledger_refusals(capsys, db, tmp_path):
    code, _out, err = call(capsys, "--db", db, "contracts-ledger", "--month", "2026-11", "--out", tmp_path / "a.txt")
    assert code == 2 and "不支持的输出格式“.txt”" in err
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--db", str(db), "contracts-ledger", "--month", "2026-13", "--out", "a.pdf"])
    capsys.readouterr()


def test_contract_letter(capsys, db, tmp_path):
    out_file = tmp_path / "责任书.pdf"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "contract-letter", "(2026)青调字第001号",
                          "--out", out_file)
    assert code == 0, err
    assert out_file.stat().st_size > 1000 and "领导包案责任书 （2026）青包字第001号（包案领导：赵建国）" in out
    code, _out, err = call(capsys, "--db", db, "contract-letter", "（2026）青调字第099号", "--out", out_file)
    assert code == 2 and "找不到编号" in err


def test_contracts_ledger_with_the_names_masked(capsys, db, tmp_path):
    from openpyxl import load_workbook

    out_file = tmp_path / "包案台账-隐藏.xlsx"
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "contracts-ledger", "--month", "2026-11",
                          "--out", out_file, "--mask")
    assert code == 0, err
    assert "信访人、当事人姓名已作隐藏处理。" in out
    cells = [str(c.value) for row in load_workbook(out_file).active.iter_rows() for c in row if c.value]
    text = "\n".join(cells)
    assert "张*宅基地纠纷" in text and "张三" not in text and "李四" not in text
    assert "注：信访人、当事人姓名已作隐藏处理。" in cells
