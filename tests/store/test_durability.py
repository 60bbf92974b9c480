"""Killing the program in the middle of a write loses nothing that was committed.

A child process writes cases in transactions of BATCH rows and prints the committed total after
each commit. The parent kills it (SIGKILL, no clean-up of any kind) at a random moment after a
few batches, then checks that the file is intact and holds every reported row, in whole batches.
The same file is killed several times in a row, so recovery from a hot WAL is exercised too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL (POSIX)")

BATCH = 50
KILLS = 3

CHILD = r"""
import sys, time
from datetime import date
from sqlalchemy import text
from mediation_desk.store import audit
from mediation_desk.store.engine import open_store
from mediation_desk.store.models import Case

path, unit_id, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(path)
with store.engine.connect() as conn:
    total = conn.execute(text('SELECT count(*) FROM "case"')).scalar()
print(f"start {total}", flush=True)
while True:
    with store.transaction() as session:
        for i in range(batch):
            seq = total + i + 1
            case = Case(unit_id=unit_id, kind="dispute", number=f"（2026）青调字第{seq:05d}号",
                        number_year=2026, number_seq=seq, title=f"压力测试{seq}",
                        received_on=date(2026, 3, 1))
            session.add(case)
            session.flush()
            audit.record(session, actor="压测", action="create", entity="case", entity_id=case.id,
                         after={"number": case.number})
            if i == batch // 2:
                time.sleep(0.002)  # widen the window in which a kill lands mid-transaction
    total += batch
    print(f"committed {total}", flush=True)
"""


def _counts(path: Path) -> tuple[int, int, list[str]]:
    with closing(sqlite3.connect(str(path))) as conn:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_entry WHERE actor='压测'").fetchone()[0]
    return cases, audits, check


def _run_and_kill(path: Path, unit_id: str, rng: random.Random) -> tuple[int, int]:
    """Start the writer, let it commit ≥ 5 batches, SIGKILL it; returns (start, last reported)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), unit_id, str(BATCH)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    reported = start = None
    batches = 0
    wanted = 5 + rng.randrange(3)
    deadline = time.monotonic() + 30
    stamps: list[float] = []
    try:
        while batches < wanted:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(f"writer stopped early: {child.stderr.read()[-2000:]}")
            word, number = line.split()
            if word == "start":
                start = int(number)
            else:
                reported = int(number)
                batches += 1
                stamps.append(time.monotonic())
            assert time.monotonic() < deadline, "writer too slow"
        # land anywhere in the next batch: among its inserts, or during its commit
        time.sleep(rng.uniform(0, stamps[-1] - stamps[-2]))
    finally:
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    for line in rest.splitlines():  # lines printed before the kill but not yet read
        word, number = line.split()
        if word == "committed":
            reported = int(number)
    return start, reported


def test_sigkill_during_writes_loses_no_committed_batch(store, dbh, store_path):
    unit_id = dbh.make_unit(store)
    store.close()
    rng = random.Random(20261127)
    previous = 0
    for _ in range(KILLS):
        start, reported = _run_and_kill(store_path, unit_id, rng)
        assert start == previous  # the next writer sees exactly what survived
        cases, audits, check = _counts(store_path)
        assert check == ["ok"]
        assert cases >= reported, f"committed rows lost: {cases} < {reported}"
        assert cases - reported in (0, BATCH), "at most the batch whose commit was not yet printed"
        assert cases % BATCH == 0, "a half batch survived"
        assert audits == cases, "case rows and their audit rows commit together"
        previous = cases
    if shutil.which("sqlite3"):
        out = subprocess.run(["sqlite3", str(store_path), "PRAGMA integrity_check;"],
                             capture_output=True, text=True, timeout=30)
        assert out.stdout.strip() == "ok"
    # and the program itself still opens the file after all this
    from mediation_desk.store.engine import open_store

    again = open_store(store_path)
    again.close()
