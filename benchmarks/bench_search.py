"""Benchmark of the case search index (store/search.py).

    python benchmarks/bench_search.py                      # 100,000 cases in a temp database
    python benchmarks/bench_search.py --cases 20000
    python benchmarks/bench_search.py --db big.sqlite      # reuse (or create and keep) a file

Builds a database with N cases — with `mediation_desk.services.demo.generate(Desk(store), cases=N,
seed=S)` when that module exists (unless --own-generator), else with the simple generator below — then times a full `reindex_cases`, single-case reindexing, and 200 queries of
1–4 characters sampled from the real names, villages and titles (seeded), plus pinyin initials
and digit fragments, through `search_case_ids(conn, q, limit=200)` and through `search_sql` in a
`SELECT … ORDER BY received_on DESC LIMIT 200`. Prints median / p95 / max in ms and the index size.
Target: reindex of 100,000 cases well under 60 s, query p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from mediation_desk.store import search
from mediation_desk.store.engine import open_store
from mediation_desk.store.models import Area, Case, CaseParty, Party, Unit, new_id

# --------------------------------------------------------------------------- own generator

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
            "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
            "万钱严覃武戴莫孔向汤")
RARE_SURNAMES = ["单", "解", "仇", "朴", "区", "查", "盖", "乐", "缪", "召", "种", "翟", "欧阳", "尉迟", "诸葛", "上官"]
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅凤春海晓东萍玲燕飞鹏辉宇浩然"
         "子涵欣怡俊家豪思雨梓轩嘉文博天佑庆卫德胜福贵金山银花翠莲兵斌彬成春丹冬峰光辉慧佳娇洁晶"
         "琳龙敏宁琴荣瑞淑婷婉欣新鑫秀雪亚岩阳怡颖永勇瑜玉云珍祥喆堃")
VILLAGE_HEADS = ["东山", "西河", "南岭", "北坡", "张家", "李庄", "王家", "单家", "曾家", "石桥", "柳树", "杨柳",
                 "红星", "胜利", "新民", "前进", "长岭", "大塘", "小河", "青龙", "白马", "黄土", "枫林", "桃园",
                 "梨花", "松林", "竹园", "荷塘", "金鸡", "凤凰"]
TOPICS = ["宅基地", "邻里", "婚姻家庭", "赡养", "土地承包", "山林权属", "债务", "合同", "损害赔偿", "劳务工资",
          "房屋漏水", "道路交通事故", "征地补偿", "噪音", "排水", "通行", "抚养", "继承", "相邻权", "养殖污染"]
SENTENCES = [
    "{a}与{b}系{village}{group}村民，两家房屋相邻。",
    "{y}年{m}月，{a}在自家院内翻建房屋，{b}认为其占用了公共通道。",
    "双方多次协商未果，{b}向村委会申请调解。",
    "经调查，争议地块面积约{n}平方米，双方均无权属证明。",
    "{a}称{b}家的排水沟常年向其承包地排放污水，造成庄稼减产。",
    "{b}承认曾借用{a}现金{money}元，但称已部分归还。",
    "调解员走访了{village}两位老党员，了解当年分地的情况。",
    "因琐事双方发生口角，{a}的手臂被抓伤，花去医药费{money}元。",
    "{a}之子在外务工，老人赡养问题长期无人过问。",
    "村民小组长反映，此事已引起周边群众议论，有激化苗头。",
    "{b}表示愿意在合理范围内作出让步。",
    "双方对补偿标准分歧较大，{a}情绪激动。",
]
CLAIMS = ["要求对方拆除违建围墙，恢复原状。", "要求赔偿经济损失{money}元。", "要求归还借款{money}元及利息。",
          "要求明确土地界址。", "要求子女按月给付赡养费{n}元。", "要求停止侵害、赔礼道歉。", "要求疏通排水沟。"]


def _person(rng: random.Random) -> str:
    surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.04 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def _id_number(rng: random.Random, serial: int) -> str:
    """18 characters, unique per serial (the region digits carry serial // 1000)."""
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 70 * 365))
    return f"33{(serial // 1000) % 10000:04d}{birth:%Y%m%d}{serial % 1000:03d}{rng.choice('0123456789X')}"


def own_generate(store, cases: int, seed: int) -> None:
    """Plain rows straight into the tables: enough realism for the index, fast to build."""
    rng = random.Random(seed)
    with store.transaction() as session:
        county = Area(level="county", name="临川县")
        town = Area(level="township", name="青石镇", parent_id=county.id)
        areas = [county, town]
        groups = []
        for head in VILLAGE_HEADS:
            village = Area(level="village", name=head + "村", parent_id=town.id)
            areas.append(village)
            for g in "一二三四五":
                group = Area(level="group", name=f"{g}组", parent_id=village.id)
                areas.append(group)
                groups.append((village, group))
        for area in areas:
            session.add(area)
            session.flush()
        unit = Unit(name="青石镇人民调解委员会", short_name="青", area_id=town.id)
        session.add(unit)
        session.flush()
        unit_id = unit.id
    party_template = Party(name="").model_dump()
    case_template = Case(unit_id=unit_id, kind="dispute", number="", number_year=0, number_seq=0,
                         title="", received_on=date(2026, 1, 1)).model_dump()
    link_template = CaseParty(case_id="", party_id="", role="applicant").model_dump()
    start, span = date(2019, 1, 1), (date(2026, 11, 27) - date(2019, 1, 1)).days
    received = sorted(start + timedelta(days=rng.randrange(span)) for _ in range(cases))
    seq_by_year: dict[int, int] = {}
    people: list[dict] = []
    serial = 0
    batch_cases, batch_parties, batch_links = [], [], []

    def flush(conn) -> None:
        if batch_parties:
            conn.execute(Party.__table__.insert(), batch_parties)
        if batch_cases:
            conn.execute(Case.__table__.insert(), batch_cases)
        if batch_links:
            conn.execute(CaseParty.__table__.insert(), batch_links)
        batch_cases.clear(), batch_parties.clear(), batch_links.clear()

    with store.engine.begin() as conn:
        for i, day in enumerate(received):
            seq_by_year[day.year] = seq_by_year.get(day.year, 0) + 1
            members = []
            for _ in range(rng.choice((2, 2, 2, 3, 3, 4))):
                if people and rng.random() < 0.15:
                    members.append(rng.choice(people))
                    continue
                serial += 1
                row = dict(party_template, id=new_id(), name=_person(rng),
                           id_number=_id_number(rng, serial) if rng.random() < 0.7 else None,
                           phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else "")
                people.append(row)
                batch_parties.append(row)
                members.append(row)
            members = list({m["id"]: m for m in members}.values())
            village, group = rng.choice(groups)
            area = group if rng.random() < 0.6 else village
            names = [m["name"] for m in members]
            values = dict(a=names[0], b=names[1] if len(names) > 1 else "村委会", village=village.name,
                          group=group.name, y=day.year, m=day.month, n=rng.randrange(10, 900),
                          money=rng.randrange(200, 90000))
            description = "".join(rng.choice(SENTENCES).format(**values) for _ in range(rng.randrange(2, 6)))
            case_id = new_id()
            batch_cases.append(dict(
                case_template, id=case_id, number=f"（{day.year}）青调字第{seq_by_year[day.year]:03d}号",
                number_year=day.year, number_seq=seq_by_year[day.year],
                title=f"{values['a']}与{values['b']}{rng.choice(TOPICS)}纠纷", received_on=day,
                area_id=area.id, description=description, claims=rng.choice(CLAIMS).format(**values)))
            for sort, member in enumerate(members):
                batch_links.append(dict(link_template, id=new_id(), case_id=case_id, party_id=member["id"],
                                        role="applicant" if sort == 0 else "respondent", sort=sort))
            if len(batch_cases) >= 5000:
                flush(conn)
        flush(conn)


def build(store, cases: int, seed: int, own: bool) -> str:
    if not own:
        try:
            from mediation_desk.services import demo  # type: ignore[attr-defined]
        except ImportError:
            demo = None
        if demo is not None and hasattr(demo, "generate"):
            from mediation_desk.services.context import Desk

            desk = Desk(store, actor="基准测试", today_override=date(2026, 11, 27))
            demo.generate(desk, cases=cases, seed=seed)
            return "services.demo.generate (which also indexes)"
    own_generate(store, cases, seed)
    return "benchmark's own generator"


# --------------------------------------------------------------------------- queries


def sample_queries(conn, rng: random.Random, count: int) -> list[str]:
    def column(sql: str) -> list[str]:
        return [r[0] for r in conn.execute(text(sql)) if r[0]]

    names = column("SELECT name FROM party WHERE kind = 'person' ORDER BY random() LIMIT 3000")
    villages = column("SELECT name FROM area WHERE level IN ('village', 'group')")
    titles = column('SELECT title FROM "case" ORDER BY random() LIMIT 3000')
    phones = column("SELECT phone FROM party WHERE phone != '' ORDER BY random() LIMIT 500")
    ids = column("SELECT id_number FROM party WHERE id_number IS NOT NULL ORDER BY random() LIMIT 500")
    numbers = column('SELECT number FROM "case" ORDER BY random() LIMIT 500')

    def piece(s: str, lo: int = 1, hi: int = 4) -> str:
        n = rng.randint(lo, min(hi, len(s)))
        start = rng.randrange(0, len(s) - n + 1)
        return s[start:start + n]

    makers = [
        (30, lambda: rng.choice(names)),  # whole names (mostly 2–3 characters)
        (15, lambda: rng.choice(names)[0]),  # a surname alone: 1 character, very broad
        (15, lambda: piece(rng.choice(names), 1, 2)),
        (20, lambda: piece(rng.choice(villages), 1, 3)),
        (40, lambda: piece(rng.choice(titles))),
        (30, lambda: search.name_initials(rng.choice(names))),
        (10, lambda: search.name_pinyin(rng.choice(names))),
        (15, lambda: rng.choice(phones)[-4:] if phones else "1234"),
        (10, lambda: rng.choice(phones)[:5] if phones else "13812"),
        (10, lambda: piece(rng.choice(ids), 4, 4) if ids else "1990"),
        (5, lambda: piece(rng.choice(numbers), 3, 4)),
    ]
    total = sum(w for w, _ in makers)
    queries = []
    for weight, make in makers:
        for _ in range(round(count * weight / total)):
            queries.append(make())
    rng.shuffle(queries)
    return [q for q in queries if q.strip()][:count]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(label: str, timings: list[tuple[float, str, int]]) -> None:
    ms = [t for t, _, _ in timings]
    print(f"  {label}: median {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
          f"max {max(ms):.1f} ms over {len(ms)} queries")
    worst = sorted(timings, reverse=True)[:5]
    print("    slowest: " + ", ".join(f"{q!r} {t:.0f} ms ({n} hits)" for t, q, n in worst))


def index_size(conn) -> tuple[int, int, int] | None:
    try:
        rows = conn.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
    except Exception:
        return None
    case = sum(size for name, size in rows if name.startswith("case_search"))
    party = sum(size for name, size in rows if name.startswith("party_search"))
    return case, party, sum(size for _, size in rows)


def reindex_all(store) -> None:
    """Time full rebuilds; CPU time too, since wall time on a shared machine includes waiting."""
    for label, rebuild in (("reindex_cases", search.reindex_cases), ("reindex_parties", search.reindex_parties)):
        wall, cpu = time.perf_counter(), time.process_time()
        with store.engine.begin() as conn:
            count = rebuild(conn)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{label}(all): {count} rows in {wall:.1f} s wall, {cpu:.1f} s CPU "
              f"({wall / max(count, 1) * 1e6:.0f} µs/row wall), commit included")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse this database (created and kept if missing)")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--own-generator", action="store_true", help="do not use services.demo")
    parser.add_argument("--no-reindex", action="store_true",
                        help="reuse the index already in --db (skip timing the full rebuild)")
    args = parser.parse_args(argv)

    tmp = None
    path = args.db
    if path is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench_search_")
        path = Path(tmp.name) / "bench.sqlite"
    existed = path.exists()
    print(f"SQLite {search.sqlite_info()['sqlite_version']}, database {path}")
    store = open_store(path)
    try:
        with store.engine.connect() as conn:
            have = conn.execute(text('SELECT count(*) FROM "case"')).scalar()
        if not existed or have == 0:
            t0 = time.perf_counter()
            how = build(store, args.cases, args.seed, args.own_generator)
            print(f"generated {args.cases} cases with the {how} in {time.perf_counter() - t0:.1f} s")
        with store.engine.connect() as conn:
            n_cases = conn.execute(text('SELECT count(*) FROM "case"')).scalar()
            n_parties = conn.execute(text("SELECT count(*) FROM party")).scalar()
            n_links = conn.execute(text("SELECT count(*) FROM case_party")).scalar()
        print(f"{n_cases} cases, {n_parties} parties, {n_links} links")

        with store.engine.connect() as conn:
            complete = search.index_is_complete(conn)
        if args.no_reindex and complete:
            print("reusing the existing index")
        else:
            reindex_all(store)

        rng = random.Random(args.seed)
        with store.engine.connect() as conn:
            some = [r[0] for r in conn.execute(text('SELECT id FROM "case" ORDER BY random() LIMIT 200'))]
        single = []
        for case_id in some:
            with store.engine.begin() as conn:
                t0 = time.perf_counter()
                search.reindex_cases(conn, [case_id])
                single.append((time.perf_counter() - t0) * 1000)
        print(f"reindex_cases([one id]) inside a transaction: median {statistics.median(single):.2f} ms, "
              f"p95 {percentile(single, 95):.2f} ms")

        with store.engine.connect() as conn:
            size = index_size(conn)
            if size:
                case, party, total = size
                print(f"index size: case_search {case / 2**20:.1f} MiB, party_search {party / 2**20:.1f} MiB, "
                      f"whole database {total / 2**20:.1f} MiB")
            queries = sample_queries(conn, rng, args.queries)
            print(f"{len(queries)} queries, e.g. {queries[:12]}")
            for q in queries[:20]:  # warm the page cache like a user who has been typing
                search.search_case_ids(conn, q, limit=200)

            via_ids, via_sql = [], []
            for q in queries:
                t0 = time.perf_counter()
                found = search.search_case_ids(conn, q, limit=200)
                via_ids.append(((time.perf_counter() - t0) * 1000, q, len(found)))
            for q in queries:
                t0 = time.perf_counter()
                fragment, params = search.search_sql(q, conn)
                sql = text(f'SELECT "case".id, "case".number, "case".title, "case".received_on FROM "case" '
                           f'WHERE "case".voided = 0 AND {fragment} '
                           f'ORDER BY "case".received_on DESC LIMIT 200')
                rows = conn.execute(sql, params).all()
                via_sql.append(((time.perf_counter() - t0) * 1000, q, len(rows)))
            plain_sql = []
            for q in queries:
                t0 = time.perf_counter()
                fragment, params = search.search_sql(q)
                rows = conn.execute(text(
                    f'SELECT "case".id, "case".number, "case".title, "case".received_on FROM "case" '
                    f'WHERE "case".voided = 0 AND {fragment} ORDER BY "case".received_on DESC LIMIT 200'),
                    params).all()
                plain_sql.append(((time.perf_counter() - t0) * 1000, q, len(rows)))
            parties_timing = []
            for q in queries:
                t0 = time.perf_counter()
                found = search.search_parties(conn, q, limit=20)
                parties_timing.append(((time.perf_counter() - t0) * 1000, q, len(found)))
        print("queries:")
        report("search_case_ids(limit=200)", via_ids)
        report("search_sql(q, conn) + ORDER BY received_on DESC LIMIT 200", via_sql)
        report("search_sql(q) without conn (always the id IN (…) form), same SELECT", plain_sql)
        report("search_parties(limit=20)", parties_timing)
        empty = sum(1 for _, _, n in via_ids if n == 0)
        print(f"  queries with no hit: {empty} (sampled from the data, so this should be 0)")
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
