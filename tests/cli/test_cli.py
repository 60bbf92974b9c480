"""The command line, run in-process: `cli.run(cli.build_parser().parse_args([...]))`."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from mediation_desk import cli

TODAY = "2026-11-27"
UNIT = "青石镇人民调解委员会"


def call(capsys, *argv: str) -> tuple[int, str, str]:
    """Run one command line in-process; returns (exit code, stdout, stderr)."""
    code = cli.run(cli.build_parser().parse_args([str(a) for a in argv]))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def cases_json(capsys, db: Path, *options: str) -> list[dict]:
    code, out, err = call(capsys, "cases", "--db", db, "--today", TODAY, "--json", *options)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """init → demo --cases 200 once for the module (tests that change data work on a copy)."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "调解工作台.sqlite"
    parser = cli.build_parser()
    assert cli.run(parser.parse_args(["init", "--db", str(db), "--unit", UNIT, "--short", "青",
                                      "--type", "township_committee", "--township", "青石镇",
                                      "--county", "临川县", "--village", "东山村", "西河村"])) == 0
    assert cli.run(parser.parse_args(["--db", str(db), "--today", TODAY, "demo", "--cases", "200",
                                      "--seed", "7"])) == 0
    return db


@pytest.fixture(scope="module")
def all_cases(demo_db) -> list[dict]:
    parser = cli.build_parser()
    buffer = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(buffer):
        assert cli.run(parser.parse_args(["cases", "--db", str(demo_db), "--today", TODAY, "--json",
                                          "--include-voided"])) == 0
    return json.loads(buffer.getvalue())


@pytest.fixture
def work_db(demo_db, tmp_path) -> Path:
    copy = tmp_path / "副本.sqlite"
    shutil.copyfile(demo_db, copy)
    return copy


# --------------------------------------------------------------------------- parser


def test_global_options_before_or_after_the_command(tmp_path):
    parser = cli.build_parser()
    a = parser.parse_args(["cases", "--db", str(tmp_path / "a.sqlite"), "--actor", "李明"])
    b = parser.parse_args(["--db", str(tmp_path / "a.sqlite"), "--actor", "李明", "cases"])
    c = parser.parse_args(["--db", str(tmp_path / "x.sqlite"), "cases", "--db", str(tmp_path / "a.sqlite")])
    for args in (a, b, c):
        assert args.command == "cases"
        assert args.db == tmp_path / "a.sqlite"
    assert a.actor == b.actor == "李明"
    assert c.actor  # the OS user name (or 本机用户)


def test_defaults_without_a_command(monkeypatch, tmp_path):
    from mediation_desk import datadir

    monkeypatch.setenv("MEDIATION_DESK_DATA", str(tmp_path))
    args = cli.build_parser().parse_args([])
    assert args.command is None
    assert args.db == datadir.default_db_path(False)
    assert args.db_explicit is False
    demo = cli.build_parser().parse_args(["--demo", "--self-test"])
    assert demo.demo and demo.self_test and demo.db == datadir.demo_db_path(False)


def test_help_and_argument_errors_are_chinese(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "用法" in out and "调解工作台" in out and "cases" in out
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["cases", "--kind", "lawsuit"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "错误" in err and "无效" in err and "lawsuit" in err
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["cases", "--limit", "many"])
    assert caught.value.code == 2
    assert "不是整数" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["init"])
    assert "缺少必需的参数" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["frobnicate"])
    assert "frobnicate" in capsys.readouterr().err


def test_version(capsys):
    from mediation_desk import __version__

    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(["--version"])
    assert caught.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_registry_accepts_new_commands(capsys, tmp_path):
    seen = {}

    def configure(p):
        p.add_argument("--month", required=True)

    def handler(args):
        seen["args"] = args
        print(f"台账 {args.month}")
        return 0

    cli.register_command("ledger-test", configure, handler, help="测试命令")
    try:
        with pytest.raises(ValueError):
            cli.register_command("ledger-test", configure, handler, help="重复")
        code, out, _ = call(capsys, "ledger-test", "--month", "2026-11", "--db", tmp_path / "x.sqlite")
        assert code == 0 and out.strip() == "台账 2026-11"
        assert seen["args"].db == tmp_path / "x.sqlite"
    finally:
        del cli.COMMANDS["ledger-test"]


# --------------------------------------------------------------------------- init and demo


def test_init_is_idempotent(capsys, tmp_path):
    db = tmp_path / "新建.sqlite"
    code, out, _ = call(capsys, "init", "--db", db, "--unit", UNIT, "--short", "青", "--type",
                        "township_committee", "--township", "青石镇", "--village", "东山村", "--village", "西河村")
    assert code == 0 and "已创建" in out and "东山村、西河村" in out
    code, out, _ = call(capsys, "--db", db, "init", "--unit", UNIT, "--village", "东山村", "南岭村")
    assert code == 0 and "已更新" in out
    assert "乡镇调委会" in out  # the type given the first time is kept
    from mediation_desk.services import organisation
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    desk = Desk(open_store(db))
    try:
        names = Counter(a.name for a in organisation.list_areas(desk, active_only=False))
        unit = organisation.get_unit(desk)
    finally:
        desk.close()
    assert names == Counter({"青石镇": 1, "东山村": 1, "西河村": 1, "南岭村": 1})
    assert (unit.name, unit.short_name, unit.unit_type) == (UNIT, "青", "township_committee")


def test_demo_refuses_a_database_with_cases(capsys, work_db):
    code, out, err = call(capsys, "demo", "--db", work_db, "--cases", "5")
    assert code == 2
    assert "已经有" in err and "--force" in err


def test_ensure_demo_db_generates_once(tmp_path):
    path = tmp_path / "演示数据.sqlite"
    assert cli.ensure_demo_db(path, cases=20, seed=3) == path
    stamp = path.stat().st_mtime_ns
    assert cli.ensure_demo_db(path, cases=20, seed=3) == path
    assert path.stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*.part*"))


# --------------------------------------------------------------------------- cases


def test_cases_json_fields_and_types(all_cases):
    assert len(all_cases) >= 200
    iso = lambda v: v is None or (isinstance(v, str) and date.fromisoformat(v).isoformat() == v)  # noqa: E731
    kinds = Counter(c["kind"] for c in all_cases)
    assert set(kinds) <= {"dispute", "petition"}
    for case in all_cases:
        for key in ("id", "number", "kind", "category", "status", "title", "kind_label", "status_label"):
            assert isinstance(case[key], str) and case[key], key
        assert case["area"] is None or isinstance(case["area"], str)
        for key in ("received_on", "accepted_on", "due_on", "closed_on"):
            assert iso(case[key]), (key, case[key])
        assert case["received_on"] is not None
        assert case["risk_level"] in (None, "high", "medium", "low")
        assert isinstance(case["overdue"], bool)
        assert case["days_left"] is None or isinstance(case["days_left"], int)
        assert isinstance(case["parties"], list)
        for party in case["parties"]:
            assert isinstance(party["role"], str) and isinstance(party["name"], str)
            assert party["id_number"] is None or isinstance(party["id_number"], str)
        leader = case["leader"]
        if leader is not None:
            assert isinstance(leader["name"], str)
            assert set(leader) >= {"name", "post", "status", "deadline_on"}
            assert iso(leader["deadline_on"])
        assert isinstance(case["deadlines"], dict)
        assert all(iso(v) for v in case["deadlines"].values())
    assert any(c["parties"] for c in all_cases)
    assert any(c["leader"] for c in all_cases), "the demo should have leader contracts"


def test_cases_text_table(capsys, demo_db):
    code, out, _ = call(capsys, "cases", "--db", demo_db, "--today", TODAY, "--limit", "15")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["编号", "类型", "类别", "事由", "当事人", "村", "受理日期", "状态", "期限"]
    assert len(lines) == 2 + 15 + 1
    assert "列出 15 件" in lines[-1]
    body = lines[2:17]
    assert all(("纠纷" in line or "信访" in line) for line in body)
    widths = {cli.display_width(line.split("  ")[0]) for line in body}
    assert len(widths) == 1, "the number column is aligned"


def test_filter_by_kind(capsys, demo_db, all_cases):
    for kind in ("dispute", "petition"):
        got = cases_json(capsys, demo_db, "--kind", kind)
        expected = {c["id"] for c in all_cases if c["kind"] == kind and not c["voided"]}
        assert {c["id"] for c in got} == expected and expected


def test_filter_by_status(capsys, demo_db, all_cases):
    counts = Counter(c["status"] for c in all_cases if not c["voided"])
    first, second = [s for s, _ in counts.most_common(2)]
    got = cases_json(capsys, demo_db, "--status", first, "--status", second)
    assert {c["status"] for c in got} == {first, second}
    assert len(got) == counts[first] + counts[second]
    label = next(c["status_label"] for c in all_cases if c["status"] == first)
    kind = next(c["kind"] for c in all_cases if c["status"] == first)
    by_label = cases_json(capsys, demo_db, "--kind", kind, "--status", label)
    assert by_label and all(c["status"] == first for c in by_label)


def test_filter_overdue(capsys, demo_db, all_cases):
    got = cases_json(capsys, demo_db, "--overdue")
    expected = {c["id"] for c in all_cases if not c["voided"] and c["due_on"] and c["due_on"] < TODAY}
    assert {c["id"] for c in got} == expected
    assert all(c["overdue"] and c["days_left"] < 0 for c in got)


def test_filter_due_within(capsys, demo_db, all_cases):
    got = cases_json(capsys, demo_db, "--due-within", "10")
    assert all(c["due_on"] and TODAY <= c["due_on"] and 0 <= c["days_left"] <= 10 for c in got)
    expected = {c["id"] for c in all_cases if not c["voided"] and c["days_left"] is not None and 0 <= c["days_left"] <= 10}
    assert {c["id"] for c in got} == expected


def test_filter_month(capsys, demo_db, all_cases):
    month = Counter(c["received_on"][:7] for c in all_cases if not c["voided"]).most_common(1)[0][0]
    got = cases_json(capsys, demo_db, "--month", month)
    assert got and all(c["received_on"].startswith(month) for c in got)
    assert len(got) == sum(1 for c in all_cases if not c["voided"] and c["received_on"].startswith(month))


def test_filter_category_area_and_limit(capsys, demo_db, all_cases):
    category = Counter(c["category"] for c in all_cases).most_common(1)[0][0]
    got = cases_json(capsys, demo_db, "--category", category)
    assert got and all(category in (c["category"], c["subcategory"]) for c in got)
    area = Counter(c["area"] for c in all_cases if c["area"]).most_common(1)[0][0]
    got = cases_json(capsys, demo_db, "--area", area, "--limit", "3")
    assert 0 < len(got) <= 3


def test_voided_cases_only_on_request(capsys, demo_db, all_cases):
    default = cases_json(capsys, demo_db)
    assert not any(c["voided"] for c in default)
    assert len(default) == sum(1 for c in all_cases if not c["voided"])


def _case_texts(demo_db: Path) -> dict[str, str]:
    """Everything the search index covers for each case, as one text (from the database)."""
    import sqlite3

    conn = sqlite3.connect(demo_db)
    try:
        texts = {r[0]: " ".join(str(v or "") for v in r[1:]) for r in conn.execute(
            'SELECT c.id, c.number, c.title, c.location, c.description, c.claims, a.name '
            'FROM "case" c LEFT JOIN area a ON a.id = c.area_id')}
        for case_id, name, id_number, phone in conn.execute(
                "SELECT cp.case_id, p.name, p.id_number, p.phone FROM case_party cp JOIN party p ON p.id = cp.party_id"):
            texts[case_id] += f" {name} {id_number or ''} {phone or ''}"
    finally:
        conn.close()
    return texts


@pytest.mark.parametrize("length", [1, 2])
def test_search_chinese_one_and_two_characters(capsys, demo_db, all_cases, length):
    names = Counter(p["name"] for c in all_cases for p in c["parties"] if len(p["name"]) >= 2)
    name = names.most_common(1)[0][0]
    query = name[:length]
    got = cases_json(capsys, demo_db, "--search", query)
    texts = _case_texts(demo_db)
    ids = {c["id"] for c in got}
    with_party = {c["id"] for c in all_cases if not c["voided"] and any(query in p["name"] for p in c["parties"])}
    assert with_party and with_party <= ids, "every case with a matching party is found"
    assert all(query in texts[i] for i in ids), "only cases containing the text are found"
    assert len(ids) < len(all_cases)


def test_search_pinyin_initials(capsys, demo_db, all_cases):
    from mediation_desk.store.search import name_initials

    names = Counter(p["name"] for c in all_cases for p in c["parties"]
                    if len(p["name"]) in (2, 3) and p["role"] != "organisation")
    name = next(n for n, _ in names.most_common() if name_initials(n).isalpha())
    initials = name_initials(name)
    got = cases_json(capsys, demo_db, "--search", initials)
    ids = {c["id"] for c in got}
    expected = {c["id"] for c in all_cases if not c["voided"] and any(p["name"] == name for p in c["parties"])}
    assert expected and expected <= ids
    assert len(ids) < len(all_cases)


# --------------------------------------------------------------------------- check, backup, restore


def test_check_good_database(capsys, demo_db):
    code, out, _ = call(capsys, "check", "--db", demo_db)
    assert code == 0
    assert "完整性检查：通过" in out and "数据版本：1" in out and "搜索索引：正常" in out
    assert "结论：未发现问题" in out


def test_check_corrupted_database(capsys, work_db):
    size = work_db.stat().st_size
    assert size > 64 * 1024
    with open(work_db, "r+b") as handle:  # overwrite pages in the middle with garbage
        handle.seek(4096 * 3)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(4096 * 6)))
    code, out, err = call(capsys, "check", "--db", work_db)
    assert code == 1
    assert "发现" in out and "问题" in out and "restore" in out


def test_check_missing_file(capsys, tmp_path):
    code, _, err = call(capsys, "check", "--db", tmp_path / "nope.sqlite")
    assert code == 2 and "找不到数据文件" in err


def test_backup_then_restore(capsys, work_db, tmp_path):
    before = cases_json(capsys, work_db, "--include-voided")
    folder = tmp_path / "备份"
    code, out, err = call(capsys, "backup", "--db", work_db, "--to", folder)
    assert code == 0, err
    backup_file = Path(out.splitlines()[0].split("：", 1)[1])
    assert backup_file.parent == folder and backup_file.exists()
    assert err == "", "no progress bar when stderr is not a terminal"

    from mediation_desk.services import cases
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    desk = Desk(open_store(work_db), actor="测试员", today_override=date(2026, 11, 27))
    try:
        cases.register_case(desk, "dispute", {"title": "备份之后登记的纠纷", "received_on": date(2026, 11, 26)})
    finally:
        desk.close()
    assert len(cases_json(capsys, work_db, "--include-voided")) == len(before) + 1

    code, out, err = call(capsys, "restore", str(backup_file), "--db", work_db)
    assert code == 0, err
    assert "已从备份恢复" in out and "恢复前的数据已另存为" in out
    safety = Path(out.splitlines()[-1].split("：", 1)[1])
    assert safety.exists()
    after = cases_json(capsys, work_db, "--include-voided")
    assert [c["id"] for c in after] == [c["id"] for c in before]


def test_restore_refuses_bad_backups(capsys, work_db, tmp_path):
    code, _, err = call(capsys, "restore", tmp_path / "nope.sqlite", "--db", work_db)
    assert code == 2 and "找不到备份文件" in err
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    code, _, err = call(capsys, "restore", junk, "--db", work_db)
    assert code == 2 and "无法从这个备份恢复" in err


# --------------------------------------------------------------------------- export / import


def test_export_import_through_the_cli(capsys, demo_db, tmp_path):
    exported = tmp_path / "交换.json"
    code, out, err = call(capsys, "export", exported, "--db", demo_db)
    assert code == 0 and exported.exists() and "已导出到" in out
    assert err == ""
    target = tmp_path / "新库.sqlite"
    code, out, err = call(capsys, "import", exported, "--db", target, "--today", TODAY)
    assert code == 0, err
    assert "导入完成" in out and "新增" in out
    assert err == ""
    code, out, _ = call(capsys, "import", exported, "--db", target)
    assert code == 0 and "新增 0 条" in out
    original = cases_json(capsys, demo_db, "--include-voided")
    copied = cases_json(capsys, target, "--include-voided")
    assert copied == original


def test_import_bad_file_reports_rows(capsys, demo_db, tmp_path):
    exported = tmp_path / "交换.json"
    assert call(capsys, "export", exported, "--db", demo_db)[0] == 0
    doc = json.loads(exported.read_text(encoding="utf-8"))
    doc["tables"]["case"][4]["received_on"] = "2026-13-01"
    exported.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "新库.sqlite"
    code, out, err = call(capsys, "import", exported, "--db", target)
    assert code == 2
    assert "没有导入任何数据" in err and "案件（case）第 5 条" in err and "received_on" in err
    code, out, _ = call(capsys, "cases", "--db", target)
    assert "没有符合条件的案件" in out


# --------------------------------------------------------------------------- errors and progress


@pytest.mark.parametrize("argv, needle", [
    (["cases", "--month", "2026-13"], "月份“2026-13”格式不正确"),
    (["cases", "--month", "十一月"], "格式不正确"),
    (["cases", "--status", "lost"], "状态“lost”无效"),
    (["cases", "--kind", "petition", "--status", "mediating"], "状态“mediating”无效"),
    (["cases", "--category", "星际纠纷"], "类别“星际纠纷”无效"),
    (["cases", "--area", "火星村"], "找不到名为“火星村”"),
    (["restore", "没有这个备份.sqlite"], "找不到备份文件"),
    (["import", "没有这个文件.json"], "找不到要导入的文件"),
    (["export", "没有这个文件夹/交换.json"], "不存在"),
    (["init", "--unit", "  "], "请填写单位名称"),
])
def test_user_mistakes_exit_2_in_chinese(capsys, work_db, argv, needle):
    code, out, err = call(capsys, *argv, "--db", work_db)
    assert code == 2, (out, err)
    assert needle in err
    assert err.startswith("错误：")


def test_missing_database(capsys, tmp_path):
    code, _, err = call(capsys, "cases", "--db", tmp_path / "nope.sqlite")
    assert code == 2 and "找不到数据文件" in err and "init" in err
    assert not (tmp_path / "nope.sqlite").exists(), "reading commands never create a database"


def test_not_a_database(capsys, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"hello" * 2000)
    code, _, err = call(capsys, "cases", "--db", junk)
    assert code == 2 and ("损坏" in err or "不是" in err)


def test_internal_error_exit_3_with_log(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIATION_DESK_DATA", str(tmp_path / "data"))

    def broken(args):
        raise RuntimeError("boom")

    cli.register_command("broken-test", None, broken, help="坏命令")
    try:
        code, out, err = call(capsys, "broken-test", "--db", tmp_path / "x.sqlite")
    finally:
        del cli.COMMANDS["broken-test"]
    assert code == 3
    assert "程序内部错误" in err and "RuntimeError" in err
    log_file = Path(err.split("日志文件：")[1].strip())
    assert log_file.exists() and "boom" in log_file.read_text(encoding="utf-8")


def test_progress_absent_when_piped(capsys, demo_db, tmp_path):
    code, _, err = call(capsys, "export", tmp_path / "a.json", "--db", demo_db)
    assert code == 0 and err == ""


def test_progress_shown_on_a_terminal(capsys, demo_db, tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    code = cli.run(cli.build_parser().parse_args(["export", str(tmp_path / "a.json"), "--db", str(demo_db)]))
    assert code == 0
    shown = terminal.getvalue()
    assert "导出数据 [" in shown and "100%" in shown and shown.endswith("\n")


def test_progress_bar_unit():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = cli.ProgressBar(stream, width=10)
    for i in range(11):
        bar("生成", i / 10)
    bar("写入", 0.5)
    bar.close()
    text = stream.getvalue()
    assert "生成 [##########] 100%" in text and "写入 [#####-----]  50%" in text
    quiet = io.StringIO()
    piped = cli.ProgressBar(quiet)
    piped("生成", 0.5)
    piped.close()
    assert quiet.getvalue() == ""


def test_broken_extension_module_does_not_stop_the_parser(monkeypatch):
    monkeypatch.setattr(cli, "EXTENSION_MODULES", ["mediation_desk.no_such_command_module"])
    assert "mediation_desk.no_such_command_module" in cli._extension_modules()
    args = cli.build_parser().parse_args(["cases"])
    assert args.command == "cases"
