"""Case and party search index (store/search.py)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from mediation_desk.store import search
from mediation_desk.store.engine import open_store
from mediation_desk.store.models import Area, Case, CaseParty, Party, Unit


# --------------------------------------------------------------------------- data


def _open(path: Path):
    return open_store(path)


@pytest.fixture
def store(tmp_path: Path):
    s = _open(tmp_path / "t.sqlite")
    yield s
    s.close()


PEOPLE = {
    "zhangsan": dict(name="张三", id_number="33010219900101123X", phone="13812345678"),
    "lisi": dict(name="李四", id_number="330102198512120019", phone="139-0000-1111"),
    "shan": dict(name="单雄信", phone="13700000001"),
    "zeng": dict(name="曾国藩"),
    "xie": dict(name="解缙"),
    "qiu": dict(name="仇英"),
    "ji": dict(name="𠮷田"),
    "zhe": dict(name="王喆"),
    "zsf": dict(name="张三丰"),
    "oy": dict(name="欧阳娜娜"),
    "coop": dict(name="长岭村经济合作社", kind="organisation", id_number="93330102MA2AB1234Y"),
}

CASES = {
    # key: (number, title, received_on, area, description, claims, party keys)
    "c1": ("（2026）青调字第001号", "张三与李四宅基地纠纷", date(2026, 3, 1), "group1",
           "两家因院墙边界发生争执", "要求拆除违建围墙", ["zhangsan", "lisi"]),
    "c2": ("（2026）青调字第002号", "邻里噪音纠纷", date(2026, 5, 1), "shanjia",
           "夜间施工噪音扰民", "", ["shan", "zeng"]),
    "c3": ("（2025）青调字第015号", "土地承包合同纠纷", date(2025, 11, 1), "xihe",
           "承包期限争议", "", ["xie", "qiu", "ji", "zhe"]),
    "c4": ("（2026）青调字第003号", "赡养纠纷", date(2026, 6, 1), "xihe",
           "", "每月给付赡养费五百元", ["zsf", "oy", "coop"]),
}


def _seed(store) -> dict[str, str]:
    """Insert the rows above; returns key → id for areas, parties and cases."""
    ids: dict[str, str] = {}
    with store.transaction() as session:
        county = Area(level="county", name="临川县")
        town = Area(level="township", name="青石镇", parent_id=county.id)
        dongshan = Area(level="village", name="东山村", parent_id=town.id)
        group1 = Area(level="group", name="一组", parent_id=dongshan.id)
        shanjia = Area(level="village", name="单家村", parent_id=town.id)
        xihe = Area(level="village", name="西河村", parent_id=town.id)
        areas = dict(county=county, town=town, dongshan=dongshan, group1=group1, shanjia=shanjia, xihe=xihe)
        for area in areas.values():
            session.add(area)
            session.flush()
        unit = Unit(name="青石镇人民调解委员会", short_name="青", area_id=town.id)
        session.add(unit)
        session.flush()
        parties = {}
        for key, values in PEOPLE.items():
            party = Party(**values)
            session.add(party)
            parties[key] = party
        session.flush()
        for key, (number, title, received, area, description, claims, members) in CASES.items():
            case = Case(unit_id=unit.id, kind="dispute", number=number, number_year=received.year,
                        number_seq=int(number[-4:-1]), title=title, received_on=received,
                        area_id=areas[area].id, description=description, claims=claims)
            session.add(case)
            session.flush()
            for sort, member in enumerate(members):
                session.add(CaseParty(case_id=case.id, party_id=parties[member].id,
                                      role="applicant" if sort == 0 else "respondent", sort=sort))
            ids[key] = case.id
        session.flush()
        ids.update({f"party:{k}": p.id for k, p in parties.items()})
        ids.update({f"area:{k}": a.id for k, a in areas.items()})
    with store.engine.begin() as conn:
        assert search.reindex_cases(conn) == len(CASES)
        assert search.reindex_parties(conn) == len(PEOPLE)
    return ids


def _helpers(store):
    ids = _seed(store)
    by_id = {v: k for k, v in ids.items()}

    def find(query: str, limit: int | None = None) -> list[str]:
        with store.engine.connect() as conn:
            return [by_id[i] for i in search.search_case_ids(conn, query, limit=limit)]

    def people(query: str) -> list[str]:
        with store.engine.connect() as conn:
            return [by_id[i].split(":", 1)[1] for i in search.search_parties(conn, query)]

    return store, ids, find, people


@pytest.fixture
def seeded(store):
    """A fresh seeded database, for tests that change it."""
    return _helpers(store)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One seeded database for the read-only tests of this module."""
    s = _open(tmp_path_factory.mktemp("shared") / "s.sqlite")
    yield _helpers(s)
    s.close()


# --------------------------------------------------------------------------- schema & environment


def test_sqlite_info_reports_fts5():
    info = search.sqlite_info()
    assert info["fts5"] is True
    assert info["sqlite_version"].count(".") == 2


def test_create_index_is_idempotent(store):
    with store.engine.begin() as conn:
        search.create_index(conn)
        search.create_index(conn)
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert {"case_search", "case_search_key", "party_search", "party_search_key"} <= names


def test_missing_fts5_gives_chinese_error(monkeypatch):
    conn = sqlite3.connect(":memory:")

    def boom(self, sql, params=()):
        raise sqlite3.OperationalError("no such module: fts5")

    monkeypatch.setattr(search._Db, "execute", boom)
    with pytest.raises(search.SearchUnavailableError) as info:
        search.create_index(conn)
    assert "FTS5" in str(info.value) and "不支持" in str(info.value)


# --------------------------------------------------------------------------- Chinese text


@pytest.mark.parametrize("query, expected", [
    ("张", {"c1", "c4"}),  # 1 character: 张三, 张三丰
    ("张三", {"c1", "c4"}),  # 2 characters
    ("张三丰", {"c4"}),  # 3 characters
    ("宅基地纠", {"c1"}),  # 4 characters
    ("宅基地纠纷", {"c1"}),
    ("纠纷", {"c1", "c2", "c3", "c4"}),
    ("李四", {"c1"}),
    ("欧阳", {"c4"}),
    ("娜娜", {"c4"}),
    ("边界", {"c1"}),  # description
    ("拆除违建", {"c1"}),  # claims
    ("赡养费", {"c4"}),
    ("噪音扰民", {"c2"}),
    ("三与李", {"c1"}),
    ("张 纠纷", {"c1", "c4"}),  # words are ANDed
    ("张 噪音", set()),
    ("四宅", {"c1"}),
    ("纷两", set()),  # never across two fields
    ("王五", set()),
])
def test_chinese_substrings(shared, query, expected):
    _, _, find, _ = shared
    assert set(find(query)) == expected


def test_rare_characters(shared):
    _, _, find, people = shared
    assert find("𠮷") == ["c3"]
    assert find("𠮷田") == ["c3"]
    assert find("喆") == ["c3"]
    assert find("王喆") == ["c3"]
    assert "ji" in people("𠮷")
    assert search.name_pinyin("𠮷田") == "jitian"
    assert search.name_pinyin("王喆") == "wangzhe"
    assert search.name_initials("李堃") == "lk"
    for odd in ("𠮷", "㐀", "\ue000", "𪚥", "〇", "Ｘ", "·", "A李"):
        search.name_pinyin(odd)  # never raises
        search.name_initials(odd, person=False)


def test_fullwidth_and_compatibility_forms(shared):
    _, _, find, _ = shared
    assert find("１３８１２") == ["c1"]
    assert set(find("ＺＳ")) == {"c1", "c4"}
    assert find("（２０２６）青调字第００３号") == ["c4"]


# --------------------------------------------------------------------------- pinyin


@pytest.mark.parametrize("query, expected", [
    ("zs", {"c1", "c4"}),  # 张三, 张三丰 (initials are prefix-matched)
    ("ZS", {"c1", "c4"}),
    ("zsf", {"c4"}),
    ("zhangsan", {"c1", "c4"}),
    ("ZhangSan", {"c1", "c4"}),
    ("zhangs", {"c1", "c4"}),
    ("zhangsanfeng", {"c4"}),
    ("ls", {"c1"}),
    ("lisi", {"c1"}),
    ("oynn", {"c4"}),
    ("sxx", {"c2"}),  # 单雄信: shàn
    ("shanxiongxin", {"c2"}),
    ("dxx", {"c2"}),  # the everyday reading still finds him
    ("zgf", {"c2"}),  # 曾国藩: zēng
    ("zengguofan", {"c2"}),
    ("xj", {"c3"}),  # 解缙: xiè
    ("xiejin", {"c3"}),
    ("qy", {"c3"}),  # 仇英: qiú
    ("qiuying", {"c3"}),
    ("jt", {"c3"}),  # 𠮷田
    ("wz", {"c3"}),  # 王喆
    ("zs lisi", {"c1"}),
    ("zs 丰", {"c4"}),
    ("张zs", {"c1", "c4"}),
    ("qqqq", set()),
])
def test_pinyin_queries(shared, query, expected):
    _, _, find, _ = shared
    assert set(find(query)) == expected


@pytest.mark.parametrize("name, initials, full", [
    ("张三", "zs", "zhangsan"),
    ("单雄信", "sxx", "shanxiongxin"),
    ("曾国藩", "zgf", "zengguofan"),
    ("解缙", "xj", "xiejin"),
    ("仇英", "qy", "qiuying"),
    ("朴正民", "pzm", "piaozhengmin"),
    ("区志强", "ozq", "ouzhiqiang"),
    ("查良镛", "zly", "zhaliangyong"),
    ("盖叫天", "gjt", "gejiaotian"),
    ("尉迟恭", "ycg", "yuchigong"),
    ("万俟卨", "mqx", "moqixie"),
    ("长孙无忌", "zswj", "zhangsunwuji"),
    ("乐毅", "yy", "yueyi"),
    ("覃雪梅", "qxm", "qinxuemei"),
    ("缪伟", "mw", "miaowei"),
    ("召忠", "sz", "shaozhong"),
    ("任正非", "rzf", "renzhengfei"),
    ("华佗", "ht", "huatuo"),
    ("种师道", "csd", "chongshidao"),
    ("翟志刚", "zzg", "zhaizhigang"),
    ("吕布", "lb", "lvbu"),
    ("", "", ""),
])
def test_person_name_readings(name, initials, full):
    assert search.name_initials(name) == initials
    assert search.name_pinyin(name) == full


def test_place_name_readings():
    assert search.name_initials("东山村", person=False) == "dsc"
    assert search.name_initials("单家村", person=False) == "sjc"  # surname before 家
    assert search.name_initials("曾家湾", person=False) == "zjw"
    assert search.name_pinyin("解放村", person=False) == "jiefangcun"  # not a surname here
    assert search.name_pinyin("长沙", person=False) == "changsha"
    # without `person`, the ending decides (Area.initials is computed this way)
    assert search.name_initials("解放村") == "jfc"
    assert search.name_initials("解缙") == "xj"
    assert search.name_initials("长岭村经济合作社") == "clcjjhzs"
    assert search.looks_like_place("青石镇") and not search.looks_like_place("曾国藩")


# --------------------------------------------------------------------------- areas, numbers, digits


@pytest.mark.parametrize("query, expected", [
    ("东山村", {"c1"}),  # the village above the case's group
    ("东山", {"c1"}),
    ("一组", {"c1"}),
    ("dsc", {"c1"}),
    ("单家村", {"c2"}),
    ("sjc", {"c2"}),
    ("西河", {"c3", "c4"}),
    ("xhc", {"c3", "c4"}),
    ("青石镇", set()),  # the township is not repeated in every case
    ("调字第001", {"c1"}),
    ("调字第00", {"c1", "c2", "c4"}),
    ("第001号", {"c1"}),  # runs typed together must be adjacent: not "001" in c2's phone
    ("001", {"c1", "c2"}),
    ("2026 001", {"c1", "c2"}),
    ("张三 13812", {"c1"}),
    ("第015号", {"c3"}),
    ("2026", {"c1", "c2", "c4"}),
    ("2025", {"c3"}),
    ("（2026）青调字第003号", {"c4"}),
    ("1234", {"c1", "c4"}),  # a phone (c1) and a credit code (c4)
    ("1123", {"c1"}),  # last digits of an ID number
    ("123X", {"c1"}),
    ("123x", {"c1"}),
    ("19900101", {"c1"}),
    ("33010219900101123x", {"c1"}),
    ("33010219900101123X", {"c1"}),
    ("330102199001011234", set()),
    ("13812", {"c1"}),
    ("5678", {"c1"}),
    ("13812345678", {"c1"}),
    ("138 1234 5678", {"c1"}),
    ("13900001111", {"c1"}),  # stored as 139-0000-1111
    ("0000-1111", {"c1"}),
    ("MA2AB", {"c4"}),  # credit code of an organisation (letters are word prefixes)
    ("93330102", {"c4"}),
])
def test_areas_numbers_and_digits(shared, query, expected):
    _, _, find, _ = shared
    assert set(find(query)) == expected


def test_organisation_name_pinyin(shared):
    _, _, find, _ = shared
    assert find("clcjjhzs") == ["c4"]
    assert find("clc") == ["c4"]
    assert find("长岭村") == ["c4"]


# --------------------------------------------------------------------------- hostile input


HOSTILE = ['"', "*", "(", ")", ":", "-", "'", "^", "+", "\\", "%", "_", ";", '""', '"张', "张*",
           "张)", "(张", "-张三", "张:三", "body:张", "names:zs", "NEAR(张 三)", "张 AND 三", "张 OR",
           "NOT 张", "zs*", "'; DROP TABLE case_search; --", "\x00", "\u200b", "张\u3000三", "　"]


@pytest.mark.parametrize("query", HOSTILE)
def test_special_characters_never_raise(shared, query):
    store, _, find, people = shared
    find(query)
    people(query)
    found = search.search_sql(query)
    if found is not None:
        fragment, params = found
        with store.engine.connect() as conn:
            conn.execute(text(f'SELECT count(*) FROM "case" WHERE {fragment}'), params).scalar()


def test_operators_are_plain_words(shared):
    _, _, find, _ = shared
    assert set(find("张*")) == {"c1", "c4"}
    assert find("NOT 张") == []  # "not" is just a word: no case contains it
    assert set(find("-张三")) == {"c1", "c4"}
    assert find("body:噪音") == []  # "body" is a word here, not a column filter


def test_empty_queries(shared):
    store, _, find, people = shared
    for query in ("", "   ", "\t\n", "\u3000"):
        assert find(query) == []
        assert people(query) == []
        assert search.search_sql(query) is None
    # punctuation only: a filter that matches nothing (not "no filter")
    fragment, params = search.search_sql("*()")
    with store.engine.connect() as conn:
        assert conn.execute(text(f'SELECT count(*) FROM "case" WHERE {fragment}'), params).scalar() == 0
    assert find("*()") == []


# --------------------------------------------------------------------------- results, sql fragment


def test_most_recent_first_and_limit(shared):
    _, _, find, _ = shared
    assert find("纠纷") == ["c4", "c2", "c1", "c3"]
    assert find("纠纷", limit=2) == ["c4", "c2"]


def test_search_sql_combines_with_other_filters(shared):
    store, ids, _, _ = shared
    fragment, params = search.search_sql("纠纷")
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            f'SELECT "case".id FROM "case" WHERE "case".received_on >= :since AND {fragment} '
            'ORDER BY "case".received_on DESC LIMIT :lim OFFSET :off'),
            {**params, "since": "2026-01-01", "lim": 2, "off": 1}).all()
    assert [r[0] for r in rows] == [ids["c2"], ids["c1"]]
    # the case table under an alias, joined to other tables with an `id` column
    fragment, params = search.search_sql("西河", column="c.id")
    with store.engine.connect() as conn:
        rows = conn.execute(text(
            'SELECT c.id, a.name FROM "case" c LEFT JOIN area a ON a.id = c.area_id '
            f"WHERE c.kind = 'dispute' AND {fragment} ORDER BY c.received_on DESC"), params).all()
    assert [r[0] for r in rows] == [ids["c4"], ids["c3"]]
    assert search.search_sql("张", param="t")[1] == {"t": '"张"*'}


@pytest.mark.parametrize("broad_at", [10_000, 1])
def test_search_sql_with_connection_picks_a_plan_but_not_the_rows(shared, monkeypatch, broad_at):
    store, ids, find, _ = shared
    monkeypatch.setattr(search, "BROAD_MATCHES", broad_at)  # 1: every query takes the "scan" form
    for query in ("纠纷", "张", "zs", "2026", "西河", "不存在", "张三 李四"):
        with store.engine.connect() as conn:
            fragment, params = search.search_sql(query, conn, column="c.id")
            rows = conn.execute(text(
                'SELECT c.id FROM "case" c LEFT JOIN area a ON a.id = c.area_id '
                f"WHERE c.voided = 0 AND {fragment} ORDER BY c.received_on DESC, c.rowid DESC"), params).all()
            count = conn.execute(text(f'SELECT count(*) FROM "case" c WHERE {fragment}'), params).scalar()
        assert [r[0] for r in rows] == [ids[k] for k in find(query)], query
        assert count == len(rows)
    with store.engine.connect() as conn:
        assert ("(SELECT k FROM" in search.search_sql("纠纷", conn)[0]) == (broad_at == 1)
        assert "(SELECT k FROM" not in search.search_sql("纠纷", conn, by_received_on=False)[0]
        assert "(SELECT k FROM" not in search.search_sql("纠纷")[0]
        assert search.count_matches(conn, "纠纷") == 4
        assert search.count_matches(conn, "纠纷", cap=2) == 2
        assert search.count_matches(conn, "") == 0


def test_received_on_order_follows_edits(seeded):
    store, ids, find, _ = seeded
    with store.transaction() as session:
        case = session.get(Case, ids["c3"])
        case.received_on = date(2026, 12, 1)  # was the oldest
        session.add(case)
        session.flush()
        search.reindex_cases(session.connection(), [case.id])
    assert find("纠纷") == ["c3", "c4", "c2", "c1"]
    with store.transaction() as session:  # two cases on one day: the one added last comes first
        unit_id = session.get(Case, ids["c1"]).unit_id
        for seq, title in ((8, "甲乙噪音纠纷"), (9, "丙丁噪音纠纷")):
            case = Case(unit_id=unit_id, kind="dispute", number=f"（2026）青调字第00{seq}号",
                        number_year=2026, number_seq=seq, title=title, received_on=date(2026, 5, 1))
            session.add(case)
            session.flush()
            search.reindex_cases(session.connection(), [case.id])
            ids[title] = case.id
    with store.engine.connect() as conn:
        found = search.search_case_ids(conn, "噪音纠纷")
    assert found == [ids["丙丁噪音纠纷"], ids["甲乙噪音纠纷"], ids["c2"]]


def test_full_rebuild_leaves_default_fts_settings(shared):
    store, _, _, _ = shared
    with store.engine.connect() as conn:
        for table in ("case_search", "party_search"):
            config = dict(conn.execute(text(f"SELECT k, v FROM {table}_config")).all())
            assert config.get("automerge") == 4 and config.get("hashsize") == 1024 * 1024


def test_accepts_session_and_raw_sqlite_connection(seeded, tmp_path):
    store, ids, _, _ = seeded
    with store.session() as session:
        assert search.search_case_ids(session, "张三丰") == [ids["c4"]]
    with closing(store.raw_connection()) as raw:
        assert search.search_case_ids(raw, "张三丰") == [ids["c4"]]
        assert search.reindex_cases(raw, [ids["c4"]]) == 1
        raw.commit()
    with store.session() as session:
        assert search.search_case_ids(session, "zsf") == [ids["c4"]]


# --------------------------------------------------------------------------- keeping it current


def test_reindex_after_party_rename(seeded):
    store, ids, find, people = seeded
    with store.transaction() as session:
        party = session.get(Party, ids["party:zhangsan"])
        party.name = "章珊"
        party.phone = "15000009999"
        session.add(party)
        session.flush()
        search.reindex_party_cases(session.connection(), [party.id])
    assert find("章珊") == ["c1"]
    assert find("9999") == ["c1"]
    assert find("李四") == ["c1"]
    assert find("13812") == []
    assert find("zhangsan") == ["c4"]
    assert "zhangsan" in people("章珊") and "zhangsan" not in people("张三")


def test_reindex_after_title_change_and_area_rename(seeded):
    store, ids, find, _ = seeded
    with store.transaction() as session:
        case = session.get(Case, ids["c2"])
        case.title = "耕地灌溉用水纠纷"
        session.add(case)
        area = session.get(Area, ids["area:dongshan"])
        area.name = "南岭村"
        session.add(area)
        session.flush()
        conn = session.connection()
        search.reindex_cases(conn, [case.id])
        search.reindex_area_cases(conn, [area.id])
    assert find("灌溉") == ["c2"]
    assert find("噪音") == ["c2"]  # still in the description
    assert find("邻里") == []
    assert find("南岭") == ["c1"]  # the case sits in a group below the renamed village
    assert find("东山") == []


def test_remove_and_vanished_cases(seeded):
    store, ids, find, _ = seeded
    with store.engine.begin() as conn:
        assert search.remove_cases(conn, [ids["c1"]]) == 1
        assert search.remove_cases(conn, [ids["c1"], "nope"]) == 0
    assert find("张三") == ["c4"]
    with store.engine.begin() as conn:
        assert search.index_is_complete(conn) is False
        assert search.reindex_cases(conn, [ids["c1"], "does-not-exist"]) == 1
        assert search.index_is_complete(conn) is True
    assert set(find("张三")) == {"c1", "c4"}
    with store.engine.begin() as conn:  # a case deleted behind our back disappears on reindex
        conn.execute(text("DELETE FROM case_party WHERE case_id = :c"), {"c": ids["c2"]})
        conn.execute(text('DELETE FROM "case" WHERE id = :c'), {"c": ids["c2"]})
        assert search.reindex_cases(conn, [ids["c2"]]) == 0
    assert find("噪音") == []


def test_full_rebuild_is_repeatable(seeded):
    store, _, find, _ = seeded
    before = {q: find(q) for q in ("张", "zs", "1234", "西河", "纠纷")}
    with store.engine.begin() as conn:
        assert search.reindex_cases(conn) == 4
        assert search.reindex_cases(conn, []) == 0
    assert {q: find(q) for q in before} == before


def test_reindex_rolls_back_with_the_transaction(seeded):
    store, ids, find, _ = seeded
    with pytest.raises(RuntimeError):
        with store.transaction() as session:
            case = session.get(Case, ids["c3"])
            case.title = "临时标题测试"
            session.add(case)
            session.flush()
            search.reindex_cases(session.connection(), [case.id])
            raise RuntimeError("abort")
    assert find("临时标题") == []
    assert find("土地承包") == ["c3"]


# --------------------------------------------------------------------------- parties


def test_search_parties(shared):
    _, _, _, people = shared
    assert people("张三")[:2] == ["zhangsan", "zsf"]  # exact name ranks first
    assert set(people("zs")) == {"zhangsan", "zsf"}
    assert people("sxx") == ["shan"]
    assert set(people("1234")) == {"zhangsan", "coop"}
    assert people("33010219900101123x") == ["zhangsan"]
    assert people("13900001111") == ["lisi"]
    assert people("喆") == ["zhe"]
    assert people("长岭") == ["coop"]
    assert people("王五") == []


def test_search_parties_when_very_many_match(shared, monkeypatch):
    _, _, _, people = shared
    monkeypatch.setattr(search, "BROAD_PARTIES", 1)
    assert people("张三")[0] == "zhangsan"  # the exact name still first
    assert set(people("张三")) == {"zhangsan", "zsf"}
    assert people("zs")[0] in {"zhangsan", "zsf"}


# --------------------------------------------------------------------------- documents


def test_case_document_is_pure_and_splits_runs():
    body, names = search.case_document(
        {"number": "（2026）青调字第001号", "title": "张三", "description": None, "claims": ""},
        [{"name": "单雄信", "id_number": "1101011990010112 3x", "phone": "138-1234"}], "单家村")
    tokens = body.split()
    assert "张三" in tokens and "三" in tokens and "2026" in tokens
    assert "123x" in tokens and "1381" in tokens and "1234" in tokens
    assert set(names.split()) >= {"sxx", "shanxiongxin", "shan", "dxx", "sjc", "shanjiacun"}
    assert search.case_document({}, [], "") == ("", "")


def test_match_expression_only_quotes_tokens():
    assert search.match_expression("张") == '"张"*'
    assert search.match_expression("张三") == '"张三"'
    assert search.match_expression("张三丰") == '"张三 三丰"'
    assert search.match_expression('zs "x') == '"zs"* AND "x"*'
    assert search.match_expression("13812") == '"1381 3812"'
    assert search.match_expression("*:()") is None
    assert search.match_expression("调字第001") == '"调字 字第 第 001"*'
    assert search.match_expression("（2026）青调字第3号") == '"2026 026 26 6 青调 调字 字第 第 3 号"*'
    assert search.match_expression("138-1234") == '"1381 3812 8123 1234"'
    assert search.match_expression("张三,李四") == '"张三" AND "李四"'
    assert search.match_expression("张zs") == '"张"* AND "zs"*'


# --------------------------------------------------------------------------- properties

CJK = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.sampled_from("𠮷𪚥𤭢𧿹喆堃〇"),
)


@pytest.fixture(scope="module")
def prop_store(tmp_path_factory):
    s = _open(tmp_path_factory.mktemp("prop") / "p.sqlite")
    with s.transaction() as session:
        unit = Unit(name="测试调委会", short_name="测")
        session.add(unit)
        session.flush()
        for seq, title in enumerate(["无关案件", "另一件事"], start=1):
            session.add(Case(unit_id=unit.id, kind="dispute", number=f"测{seq}", number_year=2026,
                             number_seq=seq, title=title, received_on=date(2026, 1, seq)))
        case = Case(unit_id=unit.id, kind="dispute", number="测9", number_year=2026, number_seq=9,
                    title="", received_on=date(2026, 2, 1))
        party = Party(name="某人", phone="")
        session.add(case)
        session.add(party)
        session.flush()
        session.add(CaseParty(case_id=case.id, party_id=party.id, role="applicant"))
        ids = (unit.id, case.id, party.id)
    yield s, ids
    s.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(CJK, min_size=1, max_size=12))
def test_every_cjk_substring_finds_the_case(prop_store, title):
    store, (_, case_id, _) = prop_store
    with store.engine.begin() as conn:
        conn.execute(text('UPDATE "case" SET title = :t WHERE id = :c'), {"t": title, "c": case_id})
        search.reindex_cases(conn, [case_id])
        for length in range(1, 5):
            for start in range(0, len(title) - length + 1):
                piece = title[start:start + length]
                assert case_id in search.search_case_ids(conn, piece), piece


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phone=st.text(st.sampled_from("0123456789"), min_size=5, max_size=18))
def test_every_digit_substring_finds_the_case(prop_store, phone):
    store, (_, case_id, party_id) = prop_store
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE party SET phone = :p WHERE id = :i"), {"p": phone, "i": party_id})
        search.reindex_cases(conn, [case_id])
        for length in range(1, 9):
            for start in range(0, len(phone) - length + 1):
                piece = phone[start:start + length]
                assert case_id in search.search_case_ids(conn, piece), piece
