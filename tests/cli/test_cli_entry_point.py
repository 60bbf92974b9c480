"""The real `mediation-desk` entry point in a child process: init, then `cases --json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date


def _command() -> list[str]:
    exe = shutil.which("mediation-desk")
    return [exe] if exe else [sys.executable, "-m", "mediation_desk"]


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(_command() + args, capture_output=True, env=env, timeout=120)


def test_entry_point_init_and_cases_json(tmp_path):
    env = dict(os.environ, MEDIATION_DESK_DATA=str(tmp_path / "data"), PYTHONIOENCODING="")
    env.pop("PYTHONIOENCODING")
    db = tmp_path / "调解工作台.sqlite"
    done = _run(["init", "--db", str(db), "--unit", "青石镇人民调解委员会", "--short", "青",
                 "--township", "青石镇", "--village", "东山村"], env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "已创建数据文件" in done.stdout.decode("utf-8")

    from mediation_desk.services import cases, organisation
    from mediation_desk.services.context import Desk
    from mediation_desk.services.parties import PartyInput
    from mediation_desk.store.engine import open_store

    desk = Desk(open_store(db), actor="测试员", today_override=date(2026, 11, 27))
    try:
        village = organisation.villages(desk)[0]
        cases.register_case(desk, "dispute", {"title": "邻里排水纠纷", "category": "neighbour",
                                              "received_on": date(2026, 11, 20), "area_id": village.id},
                            [PartyInput("applicant", fields={"name": "喆𠮷"})])
    finally:
        desk.close()

    done = _run(["--db", str(db), "cases", "--json", "--search", "喆"], env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stderr == b""
    rows = json.loads(done.stdout.decode("utf-8"))  # UTF-8 even when piped
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "邻里排水纠纷" and row["area"] == "东山村" and row["kind"] == "dispute"
    assert row["parties"] == [{"role": "applicant", "role_label": "申请人", "name": "喆𠮷",
                               "id_number": None, "phone": None}]
    assert row["received_on"] == "2026-11-20"
    assert "2026-12-20" <= row["due_on"] <= "2026-12-23"  # 30 days; a due day off work moves on

    done = _run(["cases", "--db", str(db), "--month", "2026-13"], env)
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert "月份" in err and "Traceback" not in err
