"""The JSON exchange format: lossless round trip, idempotent merge, all-or-nothing validation."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from mediation_desk.interop import exchange
from mediation_desk.interop.exchange import ExchangeError, export_all, import_file
from mediation_desk.services.context import Desk
from mediation_desk.store import models, search
from mediation_desk.store.engine import open_store

TODAY = date(2026, 11, 27)  # as in tests/conftest.py


def fresh_desk(path: Path) -> Desk:
    return Desk(open_store(path), actor="导入员", today_override=TODAY)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def table_counts(desk: Desk) -> dict[str, int]:
    with desk.store.engine.connect() as conn:
        return {m.__tablename__: conn.execute(text(f'SELECT count(*) FROM "{m.__tablename__}"')).scalar()
                for m in models.ALL_TABLES}


def rows_by_key(document: dict, table: str) -> dict[str, dict]:
    spec = next(s for s in exchange.table_specs() if s.name == table)
    return {spec.key_text(r): r for r in document["tables"][table]}


@pytest.fixture
def exported(rich_desk, tmp_path) -> Path:
    path = tmp_path / "交换数据.json"
    export_all(rich_desk, path)
    return path


def write_doc(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- round trip


def test_every_table_has_rows_in_the_fixture(rich_desk):
    empty = [name for name, n in table_counts(rich_desk).items() if n == 0]
    assert empty == []


def test_header(exported, rich_desk):
    doc = load(exported)
    assert doc["format"] == "mediation-desk-exchange/1"
    assert doc["format_version"] == 1
    assert doc["schema_version"] == 1
    assert datetime.fromisoformat(doc["exported_at"]).utcoffset() is not None
    assert doc["unit"]["name"] == "青石镇人民调解委员会"
    assert list(doc["tables"]) == [m.__tablename__ for m in models.ALL_TABLES]
    assert doc["counts"] == table_counts(rich_desk)
    assert "case_search" not in doc["tables"]


def test_values_are_encoded_as_documented(exported):
    doc = load(exported)
    case = next(r for r in doc["tables"]["case"] if r["kind"] == "dispute")
    assert case["received_on"] == "2026-11-02"
    assert case["minors_ages"] == [3, 7]
    assert case["amount_involved"] == 1234.56
    assert case["performed"] is None
    assert "𠮷" in case["description"]
    created = datetime.fromisoformat(case["created_at"])
    assert created.utcoffset() == timedelta(0)
    entry = doc["tables"]["screening_entry"][0]
    assert entry["major_reported_at"] == "2026-11-20T01:02:03.456789+00:00"
    contract = doc["tables"]["leader_contract"][0]
    assert contract["checklist"]["notes"] == {"a": [1, 2.5, None]}
    settings = {r["key"]: r["value"] for r in doc["tables"]["setting"]}
    assert settings["empty_value"] is None
    assert settings["text_size"] == {"scale": 1.25, "names": ["大", "中"]}


def test_round_trip_is_lossless_for_every_table(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        summary = import_file(target, exported)
        again = tmp_path / "again.json"
        export_all(target, again)
    finally:
        target.close()
    first, second = load(exported), load(again)
    for key in ("format", "format_version", "schema_version", "unit"):
        assert first[key] == second[key]
    for table in first["tables"]:
        a, b = rows_by_key(first, table), rows_by_key(second, table)
        if table == "audit_entry":
            extra = [b[k] for k in b.keys() - a.keys()]
            assert len(extra) == 1 and extra[0]["action"] == "import"
            assert extra[0]["after"]["file"] == exported.name
            b = {k: v for k, v in b.items() if k in a}
        assert a.keys() == b.keys(), table
        for key in a:
            assert a[key] == b[key], f"{table} {key}"
    assert summary.inserted == sum(first["counts"].values()) - summary.skipped
    assert summary.tables["case"].inserted == 2


def test_import_rebuilds_search(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        import_file(target, exported)
        with target.read() as session:
            conn = session.connection()
            assert search.index_is_complete(conn)
            assert len(search.search_case_ids(conn, "单雄信")) == 1
            assert len(search.search_case_ids(conn, "sxx")) == 1
            assert len(search.search_case_ids(conn, "王")) == 1
    finally:
        target.close()


def test_importing_twice_creates_no_duplicates(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        import_file(target, exported)
        after_first = table_counts(target)
        second = import_file(target, exported)
        after_second = table_counts(target)
    finally:
        target.close()
    assert second.inserted == 0 and second.updated == 0 and second.kept == 0
    assert {k: v for k, v in after_first.items() if k != "audit_entry"} == \
           {k: v for k, v in after_second.items() if k != "audit_entry"}
    assert after_second["audit_entry"] == after_first["audit_entry"] + 1  # the second import's own record


def test_import_into_the_source_changes_nothing(rich_desk, exported):
    before = table_counts(rich_desk)
    summary = import_file(rich_desk, exported)
    assert summary.inserted == summary.updated == summary.kept == 0
    assert table_counts(rich_desk)["case"] == before["case"]


def test_newer_rows_replace_older_ones_and_not_the_reverse(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        import_file(target, exported)
        doc = load(exported)
        case = doc["tables"]["case"][0]
        stamp = datetime.fromisoformat(case["updated_at"])
        newer = json.loads(json.dumps(doc))
        newer["tables"]["case"][0]["title"] = "改过的事由"
        newer["tables"]["case"][0]["updated_at"] = (stamp + timedelta(hours=1)).isoformat()
        summary = import_file(target, write_doc(tmp_path / "newer.json", newer))
        assert summary.tables["case"].updated == 1
        older = json.loads(json.dumps(doc))
        older["tables"]["case"][0]["title"] = "更早的事由"
        older["tables"]["case"][0]["updated_at"] = (stamp - timedelta(hours=1)).astimezone(
            timezone(timedelta(hours=8))).isoformat()
        summary = import_file(target, write_doc(tmp_path / "older.json", older))
        assert summary.tables["case"].kept == 1
        with target.read() as session:
            title = session.execute(text('SELECT title FROM "case" WHERE id = :i'), {"i": case["id"]}).scalar()
            assert title == "改过的事由"
            assert search.search_case_ids(session.connection(), "改过") == [case["id"]]
    finally:
        target.close()


def test_number_sequence_merges_by_max(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        import_file(target, exported)
        doc = load(exported)
        doc["tables"]["number_sequence"][0]["last_value"] += 10
        doc["tables"]["number_sequence"][1]["last_value"] = 0
        summary = import_file(target, write_doc(tmp_path / "seq.json", doc))
        assert summary.tables["number_sequence"].updated == 1
        assert summary.tables["number_sequence"].kept == 1
    finally:
        target.close()


def test_other_unit_imports_as_not_current(exported, tmp_path):
    from mediation_desk.services import organisation

    target = fresh_desk(tmp_path / "other.sqlite")
    try:
        organisation.init_unit(target, "西河村人民调解委员会", "西")
        import_file(target, exported)
        with target.read() as session:
            units = dict(session.execute(text("SELECT name, is_current FROM unit")).all())
            assert units == {"西河村人民调解委员会": 1, "青石镇人民调解委员会": 0}
            unit_ids = {r[0] for r in session.execute(text('SELECT DISTINCT unit_id FROM "case"'))}
        assert unit_ids == {load(exported)["unit"]["id"]}
        assert organisation.get_unit(target).name == "西河村人民调解委员会"
    finally:
        target.close()


def test_import_writes_one_audit_row(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        import_file(target, exported)
        with target.read() as session:
            rows = session.execute(text(
                "SELECT actor, entity, after FROM audit_entry WHERE action = 'import'")).all()
    finally:
        target.close()
    assert len(rows) == 1
    actor, entity, after = rows[0]
    assert actor == "导入员" and entity == "database"
    assert json.loads(after)["counts"]["case"]["inserted"] == 2


def test_dry_run_writes_nothing(exported, tmp_path):
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        before = table_counts(target)
        summary = import_file(target, exported, dry_run=True)
        assert summary.tables["case"].inserted == 2
        assert table_counts(target) == before
    finally:
        target.close()


def test_progress_is_reported(rich_desk, tmp_path):
    calls: list[tuple[str, float]] = []
    export_all(rich_desk, tmp_path / "p.json", progress=lambda phase, f: calls.append((phase, f)))
    assert calls[-1][1] == 1.0
    target = fresh_desk(tmp_path / "empty.sqlite")
    try:
        calls.clear()
        import_file(target, tmp_path / "p.json", progress=lambda phase, f: calls.append((phase, f)))
    finally:
        target.close()
    assert {p for p, _ in calls} >= {"检查数据", "写入数据"}
    assert all(0.0 <= f <= 1.0 for _, f in calls)


# --------------------------------------------------------------------------- refused files


def assert_refused(target: Desk, path: Path, *needles: str) -> ExchangeError:
    before = table_counts(target)
    with pytest.raises(ExchangeError) as caught:
        import_file(target, path)
    assert table_counts(target) == before, "a refused import must write nothing"
    report = "\n".join(caught.value.report(limit=50))
    for needle in needles:
        assert needle in report, report
    return caught.value


@pytest.fixture
def target(tmp_path):
    desk = fresh_desk(tmp_path / "target.sqlite")
    yield desk
    desk.close()


def test_bad_date_refuses_everything(exported, tmp_path, target):
    doc = load(exported)
    bad = doc["tables"]["case"][1]
    bad["received_on"] = "2026-02-30"
    error = assert_refused(target, write_doc(tmp_path / "bad.json", doc),
                           "没有导入任何数据", "案件（case）第 2 条", bad["id"], "received_on", "不存在")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.table, problem.index, problem.row_id, problem.field) == ("case", 2, bad["id"], "received_on")


def test_badly_formatted_date_and_time(exported, tmp_path, target):
    doc = load(exported)
    doc["tables"]["case_event"][0]["occurred_on"] = "2026/11/05"
    doc["tables"]["area"][0]["updated_at"] = "2026-11-05 08:00:00"
    assert_refused(target, write_doc(tmp_path / "bad.json", doc),
                   "工作记录（case_event）第 1 条", "occurred_on", "格式不正确",
                   "地区（area）第 1 条", "缺少时区")


def test_unknown_foreign_key(exported, tmp_path, target):
    doc = load(exported)
    link = doc["tables"]["case_party"][0]
    link["party_id"] = "f" * 32
    assert_refused(target, write_doc(tmp_path / "bad.json", doc),
                   "案件当事人（case_party）第 1 条", link["id"], "party_id", "f" * 32, "都不存在")


def test_invalid_id_number(exported, tmp_path, target):
    doc = load(exported)
    person = next(p for p in doc["tables"]["party"] if p["id_number"])
    index = doc["tables"]["party"].index(person) + 1
    number = person["id_number"]
    person["id_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert_refused(target, write_doc(tmp_path / "bad.json", doc),
                   f"当事人（party）第 {index} 条", person["id"], "id_number", "身份证号", "校验位")


def test_missing_required_field_and_wrong_types(exported, tmp_path, target):
    doc = load(exported)
    del doc["tables"]["case"][0]["title"]
    doc["tables"]["case"][1]["people_involved"] = "三人"
    doc["tables"]["staff"][0]["active"] = "yes"
    doc["tables"]["unit"][0]["is_current"] = None
    assert_refused(target, write_doc(tmp_path / "bad.json", doc),
                   "title：缺少必填字段", "people_involved：应为整数", "active：应为 true 或 false",
                   "is_current：不能为空")


def test_unknown_column_and_table(exported, tmp_path, target):
    doc = load(exported)
    doc["tables"]["case"][0]["favourite_colour"] = "蓝"
    doc["tables"]["mystery"] = []
    assert_refused(target, write_doc(tmp_path / "bad.json", doc), "favourite_colour", "mystery")


def test_duplicate_id_number_is_refused(exported, tmp_path, target):
    doc = load(exported)
    person = next(p for p in doc["tables"]["party"] if p["id_number"])
    twin = dict(person, id="e" * 32, name="另一个人")
    doc["tables"]["party"].append(twin)
    doc["counts"]["party"] += 1
    assert_refused(target, write_doc(tmp_path / "bad.json", doc), "id_number", "重复", "e" * 32)


def test_duplicate_primary_key_in_file(exported, tmp_path, target):
    doc = load(exported)
    doc["tables"]["area"].append(dict(doc["tables"]["area"][0]))
    doc["counts"]["area"] += 1
    assert_refused(target, write_doc(tmp_path / "bad.json", doc), "主键重复")


def test_unknown_status_and_kind(exported, tmp_path, target):
    doc = load(exported)
    doc["tables"]["case"][0]["status"] = "lost"
    doc["tables"]["case"][1]["kind"] = "complaint"
    assert_refused(target, write_doc(tmp_path / "bad.json", doc), "status", "lost", "kind", "complaint")


def test_truncated_counts(exported, tmp_path, target):
    doc = load(exported)
    doc["tables"]["case_event"].pop()
    assert_refused(target, write_doc(tmp_path / "bad.json", doc), "文件可能不完整")


def test_newer_format_version_refused(exported, tmp_path, target):
    doc = load(exported)
    doc["format"] = "mediation-desk-exchange/2"
    doc["format_version"] = 2
    assert_refused(target, write_doc(tmp_path / "new.json", doc), "更新的交换格式", "版本 2", "升级")


def test_newer_schema_version_refused(exported, tmp_path, target):
    doc = load(exported)
    doc["schema_version"] = 99
    assert_refused(target, write_doc(tmp_path / "new.json", doc), "数据版本 99")


@pytest.mark.parametrize("content, needle", [
    ("{\"format\": ", "不是有效的 JSON"),
    ("[1, 2]", "不是调解工作台的交换文件"),
    ('{"format": "something-else/1", "schema_version": 1, "tables": {}}', "无法识别"),
])
def test_not_an_exchange_file(tmp_path, target, content, needle):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    assert_refused(target, path, needle)


def test_missing_file(tmp_path, target):
    with pytest.raises(ExchangeError, match="找不到要导入的文件"):
        import_file(target, tmp_path / "nope.json")


def test_export_to_missing_folder(rich_desk, tmp_path):
    with pytest.raises(ExchangeError, match="不存在"):
        export_all(rich_desk, tmp_path / "no" / "such" / "x.json")
    assert not list(tmp_path.glob("**/*.part*"))


# --------------------------------------------------------------------------- documentation


def test_document_lists_every_table_and_column():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "exchange-format.md").read_text(encoding="utf-8")
    assert exchange.FORMAT in doc
    assert exchange.columns_markdown() in doc, "regenerate §5 with: python -m mediation_desk.interop.exchange"
    for model in models.ALL_TABLES:
        assert f"### {model.__tablename__} " in doc


# --------------------------------------------------------------------------- realistic data


def test_demo_database_round_trip(demo_desk, tmp_path):
    """The seeded demo (hundreds of cases, every workflow) survives export → import → export."""
    first_path, second_path = tmp_path / "demo.json", tmp_path / "again.json"
    summary = export_all(demo_desk, first_path)
    assert summary.counts["case"] >= 300
    target = fresh_desk(tmp_path / "copy.sqlite")
    try:
        import_file(target, first_path)
        export_all(target, second_path)
        assert import_file(target, first_path).inserted == 0
        with target.read() as session:
            assert search.index_is_complete(session.connection())
    finally:
        target.close()
    first, second = load(first_path), load(second_path)
    for table in first["tables"]:
        a, b = rows_by_key(first, table), rows_by_key(second, table)
        if table == "audit_entry":
            extra = set(b) - set(a)
            assert len(extra) == 1 and b[extra.pop()]["action"] == "import"
            b = {k: v for k, v in b.items() if k in a}
        assert a == b, table
