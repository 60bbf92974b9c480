"""Benchmark of the desktop window on a large database (prints figures; never pass/fail).

    python benchmarks/bench_gui.py                         # benchmarks/out/bench-100k.sqlite (generated if missing)
    python benchmarks/bench_gui.py /path/to/100k.sqlite    # reuse a file (generated there if missing)
    python benchmarks/bench_gui.py DB --cases 20000 --queries 50

Measures, offscreen:

* **open**: open the data file, build the main window, show it, switch to 案件登记簿 and wait until
  the first page of the table has been painted (target < 1.5 s);
* **query**: from setting a search text (after the 250 ms typing pause, which is not counted) to
  the filtered first page painted — median / p95 over ~50 queries of 1–4 characters taken from the
  data (surnames, names, pinyin initials, villages, phone and number fragments); the total count
  that appears a moment later is timed separately (target p95 < 100 ms);
* **filters**: the same for the overdue / village / kind filters;
* **today**: computing the 今日 dashboard;
* **RSS** of the process with the register loaded and scrolled through 10 pages (target < 400 MB);
* **start-up**: `python -m mediation_desk --self-test` against a bare PySide6 window, each in a
  fresh subprocess in the same run, as a ratio (target within 1.5×).

Generating 100,000 demo cases takes about two minutes the first time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_DB = Path(__file__).resolve().parent / "out" / "bench-100k.sqlite"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _stats(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"median {_ms(statistics.median(ordered))}, p95 {_ms(p95)}, max {_ms(ordered[-1])} "
            f"(n={len(ordered)})")


def ensure_database(path: Path, cases: int, seed: int) -> None:
    if path.exists():
        return
    from mediation_desk.cli import ensure_demo_db

    print(f"生成演示数据：{cases} 件 → {path}（第一次需要几分钟）", flush=True)
    started = time.perf_counter()
    last = [0.0]

    def progress(stage: str, fraction: float) -> None:
        if fraction - last[0] >= 0.1 or fraction >= 1.0:
            last[0] = fraction
            print(f"  {fraction * 100:3.0f}%  {stage}", flush=True)

    ensure_demo_db(path, cases=cases, seed=seed, progress=progress)
    print(f"  生成用时 {time.perf_counter() - started:.1f} s", flush=True)


class PaintWatcher:
    """Records when a widget (the table's viewport) is next painted."""

    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        outer = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    outer.painted_at = time.perf_counter()
                return False

        self.painted_at: float | None = None
        self._filter = Filter()
        widget.installEventFilter(self._filter)

    def reset(self) -> None:
        self.painted_at = None


def wait_painted(app, watcher: PaintWatcher, viewport, timeout: float = 10.0) -> float:
    viewport.update()
    deadline = time.perf_counter() + timeout
    while watcher.painted_at is None and time.perf_counter() < deadline:
        app.processEvents()
    if watcher.painted_at is None:
        viewport.repaint()
    return watcher.painted_at or time.perf_counter()


def sample_queries(desk, n: int, seed: int) -> list[str]:
    """1–4 character queries as users type them: surnames, names, initials, places, digit fragments."""
    from mediation_desk.services import organisation, register
    from mediation_desk.store.search import name_initials

    rng = random.Random(seed)
    rows = register.query_cases(desk, None, offset=0, limit=600)
    names = sorted({name for r in rows for name in r.party_names.split("、") if 2 <= len(name) <= 4
                    and "某" not in name and "公司" not in name})
    villages = sorted({a.name for a in organisation.villages(desk)})
    numbers = [r.number for r in rows]
    pool: list[str] = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.25 and names:
            pool.append(rng.choice(names)[0])  # 1 char: a surname
        elif kind < 0.55 and names:
            name = rng.choice(names)
            pool.append(name[:rng.choice((2, 3, 4))])  # 2–4 chars
        elif kind < 0.7 and names:
            pool.append(name_initials(rng.choice(names))[:rng.choice((2, 3))])  # pinyin initials
        elif kind < 0.8 and villages:
            village = rng.choice(villages)
            pool.append(village[:rng.choice((1, 2, 3))])
        elif kind < 0.9:
            pool.append(str(rng.randint(1300, 1899)))  # a phone fragment
        else:
            number = rng.choice(numbers)
            digits = "".join(ch for ch in number if ch.isdigit())
            pool.append(digits[-3:] if len(digits) >= 3 else digits)
    return [q for q in pool if q][:n]


def bench_window(db: Path, queries: int, seed: int) -> dict:
    import psutil

    from mediation_desk.ui.main import create_application

    app = create_application()
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="bench-qs-"))
    from mediation_desk.services import desktop
    from mediation_desk.services import today as today_service
    from mediation_desk.ui.main_window import MainWindow

    results: dict = {}
    started = time.perf_counter()
    desk = desktop.open_desk(db, "基准测试")
    opened = time.perf_counter()
    window = MainWindow(desk, persist_geometry=False)
    window.resize(1366, 728)
    built = time.perf_counter()
    window.show()
    page = window.register_page
    watcher = PaintWatcher(page.table.viewport())
    window.show_page("register")
    painted = wait_painted(app, watcher, page.table.viewport())
    results["open_store"] = opened - started
    results["build_window"] = built - opened
    results["open_total"] = painted - started
    results["rows_first_page"] = page.model.rowCount()
    # the count arrives right after the first page
    t0 = time.perf_counter()
    while page.model.total is None and time.perf_counter() - t0 < 10:
        app.processEvents()
    results["count_after_open"] = time.perf_counter() - t0
    results["total_cases"] = page.model.total

    # today dashboard (computed after the window is painted)
    t0 = time.perf_counter()
    summary = today_service.summary(desk)
    results["today_service"] = time.perf_counter() - t0
    results["today_counts"] = (summary.overdue_total, summary.due_soon_total, len(summary.screening_missing))
    window.show_page("today")
    window.today_page.wait()
    t0 = time.perf_counter()
    window.today_page.refresh(wait=True)  # computed in a worker thread; wait for it here
    app.processEvents()
    results["today_page"] = time.perf_counter() - t0
    window.show_page("register")
    app.processEvents()

    # instant search
    query_times, count_times, hits = [], [], []
    for query in sample_queries(desk, queries, seed):
        page.search.blockSignals(True)
        page.search.setText(query)
        page.search.blockSignals(False)
        watcher.reset()
        t0 = time.perf_counter()
        page.apply_filter()  # what the 250 ms typing timer calls
        shown = wait_painted(app, watcher, page.table.viewport())
        query_times.append(shown - t0)
        t1 = time.perf_counter()
        while page.model.total is None and time.perf_counter() - t1 < 10:
            app.processEvents()
        count_times.append(time.perf_counter() - t0)
        hits.append((query, page.model.total))
    results["query"] = query_times
    results["query_with_count"] = count_times
    results["hits"] = hits
    page.clear_filters()
    app.processEvents()

    # filters
    filter_times = []
    for setter in (lambda: page.overdue_check.setChecked(True),
                   lambda: page.village_combo.setCurrentIndex(1),
                   lambda: page.kind_combo.setCurrentIndex(2),
                   lambda: page.status_combo.setCurrentIndex(1),
                   lambda: page.clear_filters()):
        watcher.reset()
        t0 = time.perf_counter()
        setter()
        shown = wait_painted(app, watcher, page.table.viewport())
        filter_times.append(shown - t0)
    results["filters"] = filter_times

    # sorting by a few columns
    from PySide6.QtCore import Qt

    sort_times = []
    for column in (0, 3, 4, 5, 9, 10):
        watcher.reset()
        t0 = time.perf_counter()
        page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        shown = wait_painted(app, watcher, page.table.viewport())
        sort_times.append(shown - t0)
    results["sort"] = sort_times
    page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    app.processEvents()

    # scroll through 10 pages (fetchMore), then memory
    fetch_times = []
    for _ in range(10):
        t0 = time.perf_counter()
        page.model.fetchMore()
        fetch_times.append(time.perf_counter() - t0)
        page.table.scrollToBottom()
        app.processEvents()
    results["fetch_page"] = fetch_times
    results["rows_loaded"] = page.model.rowCount()
    results["rss"] = psutil.Process().memory_info().rss
    window.close()
    desk.close()
    return results


BARE_WINDOW = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("调解工作台")); w.show(); app.processEvents()
print("ok")
"""


def _time_subprocess(args: list[str], runs: int) -> list[float]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("QT_QPA_PLATFORM", None)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(args, capture_output=True, env=env, timeout=300)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(f"{args} failed: {done.stderr.decode('utf-8', 'replace')}")
    return times


def bench_startup(db: Path, runs: int) -> dict:
    bare = _time_subprocess([sys.executable, "-c", BARE_WINDOW], runs)
    with tempfile.TemporaryDirectory() as folder:
        empty = _time_subprocess([sys.executable, "-m", "mediation_desk", "--self-test",
                                  "--db", str(Path(folder) / "自检.sqlite")], runs)
    big = _time_subprocess([sys.executable, "-m", "mediation_desk", "--self-test", "--db", str(db)], 1)
    return {"bare": bare, "self_test_new": empty, "self_test_big": big}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="调解工作台窗口性能基准")
    parser.add_argument("db", nargs="?", type=Path, default=DEFAULT_DB, help="数据文件（不存在则生成）")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5, help="启动时间各测几次（取中位数）")
    args = parser.parse_args(argv)

    ensure_database(args.db, args.cases, args.seed)
    size_mb = args.db.stat().st_size / 1024 / 1024
    print(f"数据文件：{args.db}（{size_mb:.0f} MB）", flush=True)

    r = bench_window(args.db, args.queries, args.seed)
    print(f"\n案件总数：{r['total_cases']}")
    print(f"打开主窗口（打开数据文件 + 建窗口 + 显示登记簿第一页）：{_ms(r['open_total'])}"
          f"  [数据文件 {_ms(r['open_store'])}，建窗口 {_ms(r['build_window'])}；目标 < 1500 ms]")
    print(f"  随后显示总件数：+{_ms(r['count_after_open'])}")
    print(f"即时搜索（输入停顿后到列表显示）：{_stats(r['query'])}  [目标 p95 < 100 ms]")
    print(f"  含总件数：{_stats(r['query_with_count'])}")
    print(f"筛选（超期/村/类型/状态/清除）：{_stats(r['filters'])}")
    print(f"排序（6列）：{_stats(r['sort'])}")
    print(f"向下滚动加载一页（200件）：{_stats(r['fetch_page'])}")
    print(f"今日：计算 {_ms(r['today_service'])}，页面刷新（后台线程）{_ms(r['today_page'])}；"
          f"已超期 {r['today_counts'][0]}，7日内到期 {r['today_counts'][1]}，本月排查未报 {r['today_counts'][2]}")
    print(f"内存 RSS（已加载 {r['rows_loaded']} 行）：{r['rss'] / 1024 / 1024:.0f} MB  [目标 < 400 MB]")
    slow = sorted(zip(r["query"], r["hits"]), reverse=True)[:5]
    print("  最慢的查询：" + "，".join(f"“{q}”{_ms(t)}（{n}件）" for t, (q, n) in slow))

    s = bench_startup(args.db, args.runs)
    bare = statistics.median(s["bare"])
    new = statistics.median(s["self_test_new"])
    big = statistics.median(s["self_test_big"])
    print(f"\n启动（子进程，{args.runs} 次中位数）：空白 PySide6 窗口 {_ms(bare)}")
    print(f"  --self-test 新数据文件：{_ms(new)}（{new / bare:.2f} 倍）")
    print(f"  --self-test 新数据文件为主要指标 [目标 ≤ 1.5 倍]")
    print(f"  --self-test 本数据文件（1 次）：{_ms(big)}（{big / bare:.2f} 倍）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
