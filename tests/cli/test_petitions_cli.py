"""`petitions`, `petition-ledger` and `print NOTICE` on the command line, run in-process
(cli.run(build_parser().parse_args(…))) on a fresh temporary database."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

import mediation_desk.cli_petitions  # noqa: F401  (registers the subcommands)
import mediation_desk.cli_print  # noqa: F401
from mediation_desk import cli
from mediation_desk.domain.idcard import make_id_number
from mediation_desk.services import organisation, petitions
from mediation_desk.services.context import Desk
from mediation_desk.services.parties import PartyInput
from mediation_desk.store.engine import open_store

TODAY = "2026-11-27"
STAGES = {"notice_due", "misroute_objection_due", "handling_due", "review_request_due", "review_answer_due",
          "rereview_request_due", "rereview_answer_due"}


def call(capsys, *argv) -> tuple[int, str, str]:
    code = cli.run(cli.build_parser().parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "调解工作台.sqlite"
    desk = Desk(open_store(path), actor="测试员", today_override=date(2026, 11, 27))
    organisation.init_unit(desk, "青石镇人民政府", "青", "township_committee", township="青石镇", county="临川县")

    def reg(title, received, name, seq, **extra):
        data = {"title": title, "petition_type": "claim", "channel": "visit", "received_on": received, **extra}
        people = [PartyInput(role="petitioner", fields={"name": name, "id_number": make_id_number(
            "330102", date(1970, 1, 1), seq)})]
        return petitions.register_petition(desk, data, people)

    a = reg("张某反映征地补偿问题", "2026-11-01", "张三", 1)  # notice due 16 Nov: overdue
    b = reg("李某反映宅基地问题", "2026-11-20", "李四", 2)  # notice due 5 Dec (Sat) → 7 Dec
    c = reg("王某反映拖欠工资问题", "2026-10-01", "王五", 3)
    petitions.accept(desk, c.id, "2026-10-08")  # handling due 7 Dec (Mon)
    petitions.extend(desk, c.id, 30, "需要调取劳动合同", "赵建国", "2026-11-20")  # → 6 Jan
    d = reg("赵某反映借款问题", "2026-11-02", "赵六", 4)
    petitions.route_to_legal_channel(desk, d.id, "court", "2026-11-03", body="临川县人民法院")
    desk.close()
    return path


def test_petitions_table_sorted_by_next_deadline(capsys, db):
    code, out, err = call(capsys, "--db", db, "--today", TODAY, "petitions")
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.startswith("（2026）")]
    assert [ln.split()[0] for ln in lines] == ["（2026）青信字第001号", "（2026）青信字第002号", "（2026）青信字第003号",
                                             "（2026）青信字第004号"]
    assert "超期11天" in lines[0] and "2026-12-07" in lines[1] and "2027-01-06" in lines[2]
    assert "已超期 1 件" in err


def test_petitions_json_has_every_stage_due_date(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "petitions", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["today"] == TODAY and data["count"] == 4
    by_number = {p["number"]: p for p in data["petitions"]}
    for p in data["petitions"]:
        assert set(p["stages"]) == STAGES
        assert all("due_on" in s for s in p["stages"].values())
    first = by_number["（2026）青信字第001号"]
    assert first["stages"]["notice_due"]["due_on"] == "2026-11-16"
    assert first["next_deadline"] == {"stage": "notice_due", "label": petitions.STAGE_LABELS["notice_due"],
                                      "due_on": "2026-11-16", "days_left": -11, "overdue": True}
    third = by_number["（2026）青信字第003号"]
    assert third["stages"]["handling_due"]["due_on"] == "2027-01-06"
    assert third["stages"]["notice_due"]["state"] == "done" and third["extension_days"] == 30
    assert third["stages"]["review_request_due"]["due_on"] is None
    fourth = by_number["（2026）青信字第004号"]
    assert fourth["next_deadline"] is None and fourth["legal_channel"] == "court"
    assert "导入法定途径" in fourth["end_state"]


def test_due_within_keeps_overdue_and_near_ones(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "petitions", "--due-within", "10", "--json")
    assert code == 0
    assert [p["number"] for p in json.loads(out)["petitions"]] == ["（2026）青信字第001号", "（2026）青信字第002号"]
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "petitions", "--due-within", "0")
    assert code == 0 and "（2026）青信字第001号" in out and "（2026）青信字第002号" not in out


def test_due_within_must_not_be_negative(capsys, db):
    with pytest.raises(SystemExit) as info:
        call(capsys, "--db", db, "petitions", "--due-within", "-3")
    assert info.value.code == 2
    assert "不能是负数" in capsys.readouterr().err


def test_print_notice_through_the_shared_print_command(capsys, db, tmp_path):
    out_file = tmp_path / "延期办理告知书.pdf"
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "print", "petition_extension",
                           "(2026)青信字第003号", "--out", out_file)
    assert code == 0 and "已生成" in out and "信访事项延期办理告知书" in out
    assert len(PdfReader(str(out_file)).pages) == 1
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out_file), "-"], capture_output=True).stdout.decode()
    squashed = "".join(text.split())
    for value in ("王五：", "需要调取劳动合同", "延长30日", "至2027年1月6日", "原定于2026年12月7日前办结"):
        assert value in squashed, value
    code, _out, err = call(capsys, "--db", db, "--today", TODAY, "print", "petition_opinion",
                           "（2026）青信字第003号", "--out", tmp_path / "x.pdf")
    assert code == 2 and "尚未出具处理意见" in err
    code, out, _err = call(capsys, "print", "--list")
    assert code == 0 and all(name in out for name in petitions.NOTICE_NAMES)
    assert "信访事项处理意见书" in out
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "print", "--list", "(2026)青信字第003号")
    assert code == 0
    lines = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith("petition_")}
    assert set(lines) == set(petitions.NOTICE_NAMES)
    assert "可以" in lines["petition_extension"] and "可以" in lines["petition_accept"]
    assert "尚未出具处理意见" in lines["petition_opinion"]


def test_petition_ledger_command(capsys, db, tmp_path):
    out_file = tmp_path / "信访台账.pdf"
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "petition-ledger", "--month", "2026-11",
                           "--out", out_file)
    assert code == 0 and "3 件" in out and "新信访事项3件" in out
    page = PdfReader(str(out_file)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    code, _out, err = call(capsys, "--db", db, "petition-ledger", "--month", "2026-11", "--out", tmp_path / "x.xlsx")
    assert code == 2 and ".pdf" in err


def test_petitions_json_gives_the_rereview_hearing_days(capsys, tmp_path):
    path = tmp_path / "听证.sqlite"
    desk = Desk(open_store(path), actor="测试员", today_override=date(2026, 11, 27))
    organisation.init_unit(desk, "青石镇人民政府", "青", "township_committee", township="青石镇", county="临川县")
    case = petitions.register_petition(desk, {"title": "钱某反映宅基地确权问题", "petition_type": "claim", "channel": "letter",
                                              "received_on": "2026-08-03"},
                                       [PartyInput(role="petitioner", fields={"name": "钱多多"})])
    petitions.accept(desk, case.id, "2026-08-04")
    petitions.reply(desk, case.id, "explain", "依据", "事实", "2026-09-01")
    petitions.request_review(desk, case.id, "2026-09-10")
    petitions.record_review(desk, case.id, "维持。", "2026-10-20")
    petitions.request_rereview(desk, case.id, "2026-11-04")
    petitions.record_hearing(desk, case.id, 10, "2026-11-26")
    desk.close()
    code, out, _err = call(capsys, "--db", path, "--today", TODAY, "petitions", "--json")
    assert code == 0
    (p,) = json.loads(out)["petitions"]
    assert p["rereview_hearing_days"] == 10 and p["extension_days"] == 0
    assert p["stages"]["rereview_answer_due"]["due_on"] == "2026-12-14"
    assert p["next_deadline"]["due_on"] == "2026-12-14"


def test_every_petition_in_the_json_has_hearing_days(capsys, db):
    code, out, _err = call(capsys, "--db", db, "--today", TODAY, "petitions", "--json", "--all")
    assert code == 0 and all(p["rereview_hearing_days"] == 0 for p in json.loads(out)["petitions"])
