"""How long the demo generator takes, phase by phase, and what it leaves behind.

    python benchmarks/bench_demo.py [--cases 100000] [--seed 2026] [--db PATH] [--today 2026-11-27]

Prints the seconds of each phase (prepare, case generation, case inserts, screening, contracts
and risk assessments, search index, commit), the total wall and CPU time, the rows written per
table and the size of the database file. The target is 100,000 cases in under two minutes on
the 2-core development machine, search index included. Figures only: nothing here passes or
fails (the load average is printed because the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PHASE_LABELS = {
    "prepare": "prepare (areas, staff, plans)",
    "cases": "cases: generate, insert, index",
    "cases_insert": "  of which inserts",
    "search_index": "  of which search index",
    "screening": "screening rounds/entries",
    "contracts_risk": "contracts + risk",
    "numbers_settings": "numbers, settings, audit",
    "commit": "commit",
}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _mb(n: int) -> str:
    return f"{n / 1_048_576:,.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", type=Path, help="database file to create (default: a temporary file, removed)")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 27),
                        help="the pinned 'today' (default 2026-11-27, as in the tests)")
    parser.add_argument("--overwrite", action="store_true", help="replace --db if it exists")
    args = parser.parse_args(argv)

    from mediation_desk.services import demo
    from mediation_desk.services.context import Desk
    from mediation_desk.store.engine import open_store

    tmpdir = None
    if args.db is None:
        tmpdir = Path(tempfile.mkdtemp(prefix="bench_demo_"))
        path = tmpdir / "demo.sqlite"
    else:
        path = args.db
        if path.exists():
            if not args.overwrite:
                print(f"{path} exists; use --overwrite to replace it", file=sys.stderr)
                return 2
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
    try:
        print(f"demo: {args.cases:,} cases, seed {args.seed}, today {args.today}, file {path}")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        started, cpu_started = time.perf_counter(), time.process_time()
        store = open_store(path)
        desk = Desk(store, actor="bench", today_override=args.today)
        last = [""]

        def progress(phase: str, fraction: float) -> None:
            if phase != last[0]:
                last[0] = phase
                print(f"  {time.perf_counter() - started:7.1f} s  {phase}", flush=True)

        summary = demo.generate(desk, cases=args.cases, seed=args.seed, today=args.today, progress=progress)
        with desk.read() as session:
            from sqlalchemy import text

            counted = {table: session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                       for table in summary.counts()}
        size_open = _size(path)
        desk.close()  # the last connection checkpoints and removes the WAL
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started

        print("\nphases (seconds):")
        phases = summary.phase_seconds
        for key in [k for k in PHASE_LABELS if k in phases] + [k for k in phases if k not in PHASE_LABELS]:
            print(f"  {PHASE_LABELS.get(key, key):32s}{phases[key]:8.2f}")
        print(f"  {'generate() total':32s}{summary.elapsed:8.2f}")
        print(f"  {'wall incl. open/close':32s}{wall:8.2f}   (CPU {cpu:.1f} s)")
        print(f"  search index built: {summary.search_indexed is not None} ({summary.search_indexed or 0:,} cases)")
        print("\nrows per table:")
        for table, n in summary.counts().items():
            mark = "" if counted.get(table) == n else f"   (table now holds {counted.get(table):,})"
            print(f"  {table:20s}{n:>12,}{mark}")
        print(f"  {'(disputes/petitions)':20s}{summary.disputes:>12,} / {summary.petitions:,}")
        print(f"\nfile size: {_mb(path.stat().st_size)} (with WAL before close: {_mb(size_open)})")
        print(f"per 1,000 cases: {summary.elapsed / max(1, args.cases) * 1000:.2f} s, "
              f"{_mb(int(path.stat().st_size / max(1, args.cases) * 1000))}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
